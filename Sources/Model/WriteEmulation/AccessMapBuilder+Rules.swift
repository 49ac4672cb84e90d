// The rules a field's attribute cannot express, for the header: which address bits of a BAR
// are writable (its size), BIST and the bridge windows' upper halves (PCIe r6.0 §7.5.1.2-7.5.1.3,
// PCI-to-PCI Bridge 1.2 §3.2.5). Each capability's rules (fields that are RW only when the
// function supports them, registers whose writes have side effects) are in its definition.

extension AccessMapBuilder {
    /// The header's rules, then each capability's (its definition's write rules), in list order.
    mutating func applyRules() {
        let context = analysis.context
        switch context.headerLayout {
        case .endpoint:
            if !context.isVirtualFunction {
                applyBARs(count: 6, base: 0x10, sizes: barSizes, slot: BARSlot.bar)
                applyROM(at: 0x30, size: barSizes[.expansionROM])
            }
            applyBIST()
        case .bridge:
            applyBARs(count: 2, base: 0x10, sizes: barSizes, slot: BARSlot.bar)
            applyROM(at: 0x38, size: barSizes[.expansionROM])
            applyBIST()
            // PCI-to-PCI Bridge 1.2 §3.2.5.6, §3.2.5.9: the upper halves exist only for 32-bit
            // I/O and 64-bit prefetchable windows; otherwise they are read-only zero.
            if byte(0x1C) & 0x0F == 0 { setTake(0x30, count: 4, 0) }
            if byte(0x24) & 0x0F == 0 { setTake(0x28, count: 8, 0) }
        case .cardBus, .reserved:
            break
        }
        // PCIe r6 §7.6.3: without extended capabilities the header at 0x100 is all zeros, a
        // read-only terminator rather than storage.
        let extendedHead = ConfigSpace.conventionalSize
        if context.express != nil, rules.count >= extendedHead + 4, space.dword(at: extendedHead) == 0 {
            for offset in extendedHead..<(extendedHead + 4) where rules[offset].region == .gap {
                rules[offset] = ByteRule(region: .structure)
            }
        }
        for (index, capability) in analysis.capabilities.enumerated() {
            let base = capability.offset.rawValue
            guard analysis.map.owner(at: base) == .capability(index) else { continue }
            capability.definition.writeRule?(&self, base)
        }
    }

    // MARK: - BARs

    /// BARs at `base`: the address bits above the size are RW, the type bits RO; a 64-bit BAR's
    /// upper half takes the size's upper bits. Unknown sizes leave the BAR read-only with a hook
    /// that warns.
    mutating func applyBARs(
        count: Int, base: Int, sizes: BARSizes, slot makeSlot: (Int) -> BARSlot
    ) {
        var index = 0
        while index < count {
            let offset = base + 4 * index
            let value = dword(offset)
            let slot = makeSlot(index)
            let isIO = value & 1 == 1
            let is64Bit = !isIO && (value >> 1) & 3 == 2 && index + 1 < count
            let width = is64Bit ? 8 : 4
            guard let size = sizes[slot] else {
                setTake(offset, count: width, 0)
                addHook(.unknownBARSize(slot), at: offset, count: width)
                index += is64Bit ? 2 : 1
                continue
            }
            let lowBits: UInt64 = isIO ? 0x3 : 0xF
            let sizeMask = size == 0 ? 0 : ~(max(size, lowBits + 1) - 1)
            let limit: UInt64 = is64Bit ? UInt64.max : 0xFFFF_FFFF
            setTake(offset, count: width, sizeMask & ~lowBits & limit)
            index += is64Bit ? 2 : 1
        }
    }

    /// The Expansion ROM BAR (PCI 3.0 §6.2.5.2): Enable and the address bits above the size
    /// (at least 2 KiB) are RW.
    private mutating func applyROM(at offset: Int, size: UInt64?) {
        guard isPlaced(offset) else { return }
        guard let size else {
            setTake(offset, count: 4, 0)
            addHook(.unknownBARSize(.expansionROM), at: offset, count: 4)
            return
        }
        guard size != 0 else {
            setTake(offset, count: 4, 0)
            return
        }
        let mask = ~(max(size, 0x800) - 1) & 0xFFFF_F800
        setTake(offset, count: 4, mask | 1)
    }

    /// BIST (PCI 3.0 §6.2.4): Start BIST is writable only when BIST Capable is set.
    private mutating func applyBIST() {
        if byte(0x0F) & 0x80 == 0 { removeTake(0x0F, 0x40) }
    }
}
