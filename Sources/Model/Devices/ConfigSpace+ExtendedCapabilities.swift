extension ConfigSpace {
    /// A copy with one more extended capability, written at `offset` and linked at the end of
    /// the extended capability list.
    ///
    /// The new structure is the 4-byte header (`id`, `version`, next pointer 0) followed by
    /// `body`, the bytes from +4 on. The last capability of the existing list gets its next
    /// pointer (header bits 31:20) rewritten to the new offset; every other byte, and so every
    /// existing capability, stays where it is. When the list is empty (the dword at 0x100 is
    /// 0), the list must start at 0x100: with `emptyList: .placeAtListStart` (the default) the
    /// capability goes there and `offset` is not used; with `.linkThroughNullCapability` it
    /// goes at `offset` and a Null extended capability header (ID 0, version 0) at 0x100
    /// points to it, as vfio-pci's placeholder does (and QEMU's vfio-pci after dropping a first capability).
    ///
    /// Refused, with the reason, when the space has fewer than 4096 readable bytes, the offset
    /// is not dword-aligned or lies below 0x100, the structure would run past 0x1000, it would
    /// overlap the extent of an existing capability (as `FunctionAnalysis` computes it), or the
    /// existing list does not end cleanly (a loop, a pointer to an empty header, ...).
    /// A builder for the demo set and virtual layouts; it never touches hardware.
    ///
    /// ```
    /// // PASID (PCIe r6.0 §7.8.9): Max PASID Width 20, Execute and Privileged Supported.
    /// let space = try pf.appendingExtendedCapability(
    ///     .processAddressSpaceID, version: 1, body: [0x06, 0x14, 0x00, 0x00], at: 0x180)
    /// ```
    public func appendingExtendedCapability(
        _ id: ExtendedCapabilityID, version: Int, body: [UInt8], at offset: ConfigOffset,
        emptyList: EmptyExtendedListPolicy = .placeAtListStart, order: ExtendedListOrder = .append
    ) throws(CapabilityInsertionError) -> ConfigSpace {
        guard readableLength >= Self.extendedSize else {
            throw .spaceTooShort(readable: readableLength)
        }
        guard (0...0xF).contains(version) else { throw .invalidVersion(version) }

        let analysis = FunctionAnalysis(space: self)
        let existing = analysis.extendedCapabilities
        let listIsEmpty = dword(at: Self.conventionalSize) == 0
        guard analysis.hasExtendedList || listIsEmpty else { throw .extendedListUnavailable }

        let listStart = ConfigOffset(Self.conventionalSize)
        let start = listIsEmpty && emptyList == .placeAtListStart ? listStart : offset
        guard start.rawValue >= Self.conventionalSize else { throw .belowExtendedSpace(start) }
        guard start.isDwordAligned else { throw .misaligned(start) }
        let range = ConfigRange(start: start, length: 4 + body.count)
        guard range.end.rawValue <= Self.extendedSize else { throw .pastEndOfSpace(end: range.end.rawValue) }
        // Structures start at or above 0x100, so only one starting at 0x100 can cover the head.
        let needsNullHead = listIsEmpty && start != listStart

        var last: Capability?
        var following = 0
        if !listIsEmpty {
            for capability in existing where capability.extent.overlaps(range) {
                throw .overlap(capability.extent.clamped(to: range), existing: capability.offset)
            }
            guard let tail = existing.last else { throw .extendedListUnavailable }
            guard tail.nextPointer == 0 else { throw .unterminatedList(last: tail.offset) }
            last = tail
            // Ascending: after the capability with the highest offset below the new one, taking
            // over its next pointer (QEMU v7's pcie_insert_capability).
            let below = existing.filter { $0.offset.rawValue < start.rawValue }
            if order == .ascending, let previous = below.max(by: { $0.offset.rawValue < $1.offset.rawValue }) {
                last = previous
                following = previous.nextPointer
            }
        }

        var copy = bytes
        let header = UInt32(id.rawValue) | UInt32(version) << 16 | UInt32(following) << 20
        copy.storeLittleEndian(UInt64(header), at: start.rawValue, count: 4)
        for (index, byte) in body.enumerated() {
            copy[start.rawValue + 4 + index] = byte
        }
        if needsNullHead {
            // A Null capability: ID 0, version 0, next pointer to the new structure.
            copy.storeLittleEndian(UInt64(UInt32(start.rawValue) << 20), at: listStart.rawValue, count: 4)
        }
        if let last, let lastHeader = dword(at: last.offset) {
            // Keep ID, version and the two reserved low bits of the pointer field as they were.
            let linked = lastHeader & 0x003F_FFFF | UInt32(start.rawValue) << 20
            copy.storeLittleEndian(UInt64(linked), at: last.offset.rawValue, count: 4)
        }
        return ConfigSpace(bytes: copy, size: size)
    }
}

/// How `ConfigSpace.appendingExtendedCapability` links a capability into a non-empty list.
public enum ExtendedListOrder: String, Hashable, Sendable, CaseIterable {
    /// After the last capability of the list (cfgtui's default, and vfio-pci's virtual ones).
    case append
    /// Between its neighbours by offset (QEMU v7's `pcie_insert_capability` for the vPASID).
    case ascending
}

/// Where `ConfigSpace.appendingExtendedCapability` puts a capability when the extended list
/// is empty (the dword at 0x100 is 0).
public enum EmptyExtendedListPolicy: Hashable, Sendable {
    /// At 0x100, whatever offset was asked for: the list must start there.
    case placeAtListStart
    /// At the offset asked for, with a Null capability at 0x100 pointing to it.
    case linkThroughNullCapability
}

/// Why `ConfigSpace.appendingExtendedCapability(_:version:body:at:emptyList:)` refused to add a capability.
public enum CapabilityInsertionError: Error, Hashable, Sendable {
    /// Fewer than 4096 bytes are readable, so the extended space is not all there.
    case spaceTooShort(readable: Int)
    /// The version does not fit the 4-bit Capability Version field.
    case invalidVersion(Int)
    /// The offset is not a multiple of four (extended capabilities are dword-aligned).
    case misaligned(ConfigOffset)
    /// The offset lies in the conventional space, below 0x100.
    case belowExtendedSpace(ConfigOffset)
    /// The structure would end here, past 0x1000.
    case pastEndOfSpace(end: Int)
    /// The structure would share these bytes with the existing capability at `existing`.
    case overlap(ConfigRange, existing: ConfigOffset)
    /// The dword at 0x100 is not zero, but there is no extended list to link into: the
    /// function has no PCI Express capability, or its extended space is aliased.
    case extendedListUnavailable
    /// The existing list does not end with a zero next pointer at its last capability (a
    /// loop, a pointer to an empty header or below 0x100, the hop limit).
    case unterminatedList(last: ConfigOffset)
}
