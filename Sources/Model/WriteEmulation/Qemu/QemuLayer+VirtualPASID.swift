// The vPASID of QEMU's series "hw/vfio/pci: Synthesize PASID capability for vfio-pci devices"
// (Shameer Kolothum, v7, 2026-01-11, patches 33-35/36; not in QEMU 7.2, release not verified):
// pcie_insert_capability and pcie_pasid_common_init. docs/placement.md has the sources.

extension QemuLayer {
    /// Adds the vPASID when asked and the function has no PASID capability of its own: at
    /// `x-vpasid-cap-offset` or 0xFF8, linked in ascending offset order, fully emulated.
    mutating func addVirtualPASID() {
        guard let pasid = options.virtualPASID else { return }
        if let problem = pasid.offsetProblem {
            changes.append(.virtualPASIDRefused(problem))
            return
        }
        guard config.count >= 0x1000, options.bus.isExpress else {
            changes.append(.virtualPASIDRefused(.noExtendedSpace))
            return
        }
        // The vPASID is added in vfio_add_ext_cap, which returns early when vfio's dword at
        // 0x100 is 0.
        guard !extendedList().isEmpty else {
            changes.append(.virtualPASIDRefused(.emptyExtendedList))
            return
        }
        let pasidID = ExtendedCapabilityID.processAddressSpaceID.rawValue
        if let existing = extendedList().first(where: { UInt16(long($0) & 0xFFFF) == pasidID }) {
            changes.append(.virtualPASIDRefused(.alreadyPresent(at: ConfigOffset(existing))))
            return
        }
        let offset = pasid.effectiveOffset
        if pasid.offset == 0 { changes.append(.virtualPASIDDefaultOffset) }
        let length = 8
        if let problem = insertCapability(at: offset, length: length) {
            changes.append(.virtualPASIDRefused(problem))
            return
        }
        setLong(offset, long(offset) & 0xFFF0_0000 | UInt32(pasidID) | 1 << 16)
        let width = UInt32(min(max(pasid.width, 0), 20))
        let capability = width << 8 | (pasid.execute ? 0x2 : 0) | (pasid.privileged ? 0x4 : 0)
        setWord(offset + 4, capability)
        setWord(offset + 6, 0)
        for position in offset..<(offset + length) {
            emulated[position] = 0xFF
            wmask[position] = 0
            w1cmask[position] = 0
        }
        wmask[offset + 6] = 0x07
        changes.append(.added(.processAddressSpaceID, at: ConfigOffset(offset), length: length))
    }

    /// pcie_insert_capability (33/36 as posted): refuses an offset inside a header dword of the
    /// list, or 8 bytes that reach the next header (`offset + size >= next`); otherwise links
    /// it between its neighbours in ascending order. Capability bodies are not known to it, so
    /// only headers are protected. Returns why it refused, or nil.
    mutating func insertCapability(at offset: Int, length: Int) -> QemuPASIDRefusal? {
        let list = extendedList()
        for header in list where offset >= header && offset < header + 4 {
            return .insideHeader(offset: offset, header: ConfigOffset(header))
        }
        let sorted = list.sorted()
        let next = sorted.first { $0 > offset }
        if let next, offset + length >= next {
            return .reachesNextHeader(offset: offset, next: ConfigOffset(next))
        }
        guard let previous = sorted.last(where: { $0 < offset }) else {
            return .insideHeader(offset: offset, header: ConfigOffset(0x100))
        }
        let previousNext = Int(long(previous) >> 20)
        setLong(previous, long(previous) & 0x000F_FFFF | UInt32(offset) << 20)
        setLong(offset, UInt32(previousNext) << 20)
        return nil
    }
}
