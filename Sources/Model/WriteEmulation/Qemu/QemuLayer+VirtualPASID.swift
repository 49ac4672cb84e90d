// The vPASID of QEMU's pending series ("hw/vfio/pci: Synthesize PASID capability for vfio-pci
// devices", v7, January 2026; not in a QEMU release): pcie_insert_capability and
// pcie_pasid_common_init.

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
        let pasidID = ExtendedCapabilityID.processAddressSpaceID.rawValue
        if let existing = extendedList().first(where: { UInt16(long($0) & 0xFFFF) == pasidID }) {
            changes.append(.virtualPASIDRefused(.alreadyPresent(at: ConfigOffset(existing))))
            return
        }
        let offset = pasid.effectiveOffset
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

    /// pcie_insert_capability: refuses an offset inside a header dword of the list or a
    /// capability that would reach the next header; otherwise links it between its neighbours
    /// in ascending order. An empty list gets a Null head at 0x100 pointing at it. Returns why
    /// it refused, or nil.
    mutating func insertCapability(at offset: Int, length: Int) -> QemuPASIDRefusal? {
        let list = extendedList()
        if list.isEmpty {
            for position in 0x100..<0x104 {
                emulated[position] = 0xFF
                wmask[position] = 0
            }
            if offset == 0x100 {
                setLong(0x100, 0)
            } else {
                setLong(0x100, UInt32(offset) << 20)
                changes.append(.nullHead(next: offset))
            }
            return nil
        }
        for header in list where offset >= header && offset < header + 4 {
            return .insideHeader(offset: offset, header: ConfigOffset(header))
        }
        let sorted = list.sorted()
        let previous = sorted.last { $0 < offset }
        let next = sorted.first { $0 > offset }
        if let next, offset + length > next {
            return .reachesNextHeader(offset: offset, next: ConfigOffset(next))
        }
        guard let previous else { return .insideHeader(offset: offset, header: ConfigOffset(0x100)) }
        let previousNext = Int(long(previous) >> 20)
        setLong(previous, long(previous) & 0x000F_FFFF | UInt32(offset) << 20)
        setLong(offset, UInt32(previousNext) << 20)
        return nil
    }
}
