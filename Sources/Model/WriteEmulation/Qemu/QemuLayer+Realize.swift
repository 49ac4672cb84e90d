// vfio_realize in QEMU hw/vfio/pci.c: QEMU's copy of the space read from vfio, the header's
// emulated registers, the BARs and ROM, and the capability lists rebuilt
// (vfio_add_std_cap, vfio_setup_pcie_cap, vfio_add_ext_cap, vfio_setup_rebar_ecap).

extension QemuLayer {
    /// pci_init_wmask and pci_init_w1cmask: the header's writable bits, and everything from
    /// 0x40 on writable until a capability claims it.
    mutating func initializeMasks() {
        wmask[0x0C] = 0xFF
        wmask[0x3C] = 0xFF
        wmask[0x04] = 0x07
        wmask[0x05] = 0x05  // INTx Disable, SERR# Enable
        for position in 0x40..<wmask.count { wmask[position] = 0xFF }
        w1cmask[0x07] = 0xF9  // the Status error bits
        w1cmask[0x06] = 0x00
    }

    mutating func realize() throws(WriteEmulationError) {
        // The ROM and BARs are QEMU's; IDs may be overridden; QEMU owns multifunction.
        for position in 0x10..<0x28 { emulated[position] = 0xFF }
        for position in 0x30..<0x34 { emulated[position] = 0xFF }
        let overrides: [(Int, UInt16?)] = [
            (0x00, options.vendorID), (0x02, options.deviceID), (0x2C, options.subsystemVendorID),
            (0x2E, options.subsystemID),
        ]
        for (offset, value) in overrides {
            guard let value else { continue }
            emulate(offset, count: 2, value: UInt32(value), mask: 0xFFFF)
            changes.append(.identityOverridden(offset: offset, value: value))
        }
        emulated[0x0E] = 0x80
        config[0x0E] = options.multifunction ? config[0x0E] | 0x80 : config[0x0E] & 0x7F
        changes.append(.multifunction(options.multifunction))
        for position in 0x10..<0x28 { config[position] = 0 }
        for position in 0x30..<0x34 { config[position] = 0 }

        sizeROM()
        registerBARs()
        var msixTable = msixLayout()
        relocateMSIX(&msixTable)
        changes.insert(.barsEmulated, at: 0)

        if config[0x06] & 0x10 != 0, config[0x34] != 0 {
            if Int(config[0x34]) >= vfio.guestAnalysis.space.readableLength {
                changes.append(.standardListUnreadable(readable: vfio.guestAnalysis.space.readableLength))
            }
            try rebuildStandardList(msixTable: msixTable)
            rebuildExtendedList()
        } else {
            changes.append(.extendedListAbsent(.noCapabilityList))
        }
        if let msix { for position in msix..<min(msix + 12, emulated.count) { emulated[position] = 0xFF } }
        if let msi {
            for position in msi.offset..<min(msi.offset + msi.size, emulated.count) { emulated[position] = 0xFF }
        }
        addVirtualPASID()
    }

    /// vfio_pci_size_rom: the ROM BAR sized through vfio (all ones, read, restore), then QEMU's
    /// own ROM BAR of that size; none with `rombar=0` or a zero size.
    private mutating func sizeROM() {
        guard options.romBAR else {
            changes.append(.romHidden(byProperty: true))
            return
        }
        var ignored = VfioWriteResult()
        let original = vfio.guestValue(at: 0x30, count: 4)
        vfio.write(at: 0x30, count: 4, value: 0xFFFF_F800, into: &ignored)
        let probed = vfio.guestValue(at: 0x30, count: 4)
        vfio.write(at: 0x30, count: 4, value: original, into: &ignored)
        let size = (~(probed & 0xFFFF_F800) &+ 1) & 0xFFFF_FFFF
        guard size != 0 else {
            changes.append(.romHidden(byProperty: false))
            return
        }
        register(index: 6, type: 0, size: UInt64(size), is64Bit: false)
        changes.append(.romEmulated(size: UInt64(size)))
    }

    /// vfio_bars_prepare and vfio_bars_register: each implemented BAR gets QEMU's register with
    /// the type bits vfio shows and a write mask from its region size.
    private mutating func registerBARs() {
        for bar in vfio.layout.bars {
            guard case .bar(let index) = bar.slot else { continue }
            guard let size = bar.size else {
                changes.append(.barSizeUnknown(bar.slot))
                continue
            }
            guard size > 0 else { continue }
            let raw = vfio.guestValue(at: 0x10 + 4 * index, count: 4)
            let isIO = raw & 1 == 1
            let type = raw & (isIO ? 0x3 : 0xF)
            register(index: index, type: type, size: size, is64Bit: !isIO && type & 0x6 == 0x4)
        }
        if vfio.layout.rom?.size == nil && options.romBAR { changes.append(.barSizeUnknown(.expansionROM)) }
    }

    /// pci_register_bar: the register holds the type; its write mask is the address bits above
    /// the size (and the ROM's enable bit).
    mutating func register(index: Int, type: UInt32, size: UInt64, is64Bit: Bool) {
        let offset = index == 6 ? 0x30 : 0x10 + 4 * index
        let mask64 = ~(size &- 1) | (index == 6 ? 1 : 0)
        setLong(offset, type)
        wmask.storeLittleEndian(mask64, at: offset, count: is64Bit ? 8 : 4)
        if is64Bit { setLong(offset + 4, 0) }
        regions.removeAll { $0.index == index }
        regions.append((index: index, type: type, size: size, is64Bit: is64Bit))
    }

    /// What vfio_msix_early_setup reads: the entries and where the table and PBA live.
    struct MSIXTable {
        var position: Int
        var entries: Int
        var tableBAR: Int
        var tableOffset: UInt32
        var pbaBAR: Int
        var pbaOffset: UInt32
    }

    private func msixLayout() -> MSIXTable? {
        guard let position = vfioCapabilities().first(where: { $0.id == CapabilityID.msix.rawValue })?.offset
        else { return nil }
        let control = vfio.guestValue(at: position + 2, count: 2)
        let table = vfio.guestValue(at: position + 4, count: 4)
        let pba = vfio.guestValue(at: position + 8, count: 4)
        return MSIXTable(
            position: position, entries: Int(control & 0x7FF) + 1, tableBAR: Int(table & 7),
            tableOffset: table & ~7, pbaBAR: Int(pba & 7), pbaOffset: pba & ~7)
    }

    /// vfio_pci_relocate_msix (`x-msix-relocation=barN`): an empty BAR becomes a prefetchable
    /// BAR just large enough (64-bit when the next slot is free too); a used BAR doubles and the
    /// table starts in its upper half. The PBA follows the table.
    private mutating func relocateMSIX(_ table: inout MSIXTable?) {
        guard let target = options.msixRelocation, var msix = table, (0..<6).contains(target) else { return }
        let page: UInt64 = 4096
        var needed = UInt64(msix.entries * 16) + UInt64((msix.entries + 63) / 64 * 8)
        needed = (needed + page - 1) / page * page
        var size: UInt64 = 1
        while size < needed { size <<= 1 }
        let existing = regions.first { $0.index == target }
        if let existing, existing.type & 1 == 1 { return }
        if let existing {
            let grown = max(existing.size * 2, size * 2)
            register(index: target, type: existing.type, size: grown, is64Bit: existing.is64Bit)
            msix.tableOffset = UInt32(truncatingIfNeeded: grown / 2)
            size = grown
        } else {
            let nextFree = target < 5 && !regions.contains { $0.index == target + 1 }
            let type: UInt32 = (nextFree ? 0x4 : 0) | 0x8
            register(index: target, type: type, size: size, is64Bit: nextFree)
            msix.tableOffset = 0
        }
        msix.tableBAR = target
        msix.pbaBAR = target
        msix.pbaOffset = msix.tableOffset + UInt32(msix.entries * 16)
        table = msix
        changes.append(.msixRelocated(bar: target, tableOffset: msix.tableOffset, size: size))
    }

    /// The standard list as vfio shows it, in list order (bounded: a loop ends it).
    func vfioCapabilities() -> [(offset: Int, id: UInt8)] {
        guard vfio.guestByte(0x06) & 0x10 != 0 else { return [] }
        var result = [(offset: Int, id: UInt8)]()
        var seen = Set<Int>()
        var position = Int(vfio.guestByte(0x34)) & 0xFC
        let readable = vfio.guestAnalysis.space.readableLength
        while position >= 0x40, position + 1 < min(0x100, readable), seen.insert(position).inserted {
            result.append((offset: position, id: vfio.guestByte(position)))
            position = Int(vfio.guestByte(position + 1)) & 0xFC
        }
        return result
    }

    /// vfio_add_std_cap: the list rebuilt from its end (pci_add_capability links at the head),
    /// every next pointer and the list head emulated, each capability's handler.
    private mutating func rebuildStandardList(msixTable: MSIXTable?) throws(WriteEmulationError) {
        let chain = vfioCapabilities()
        let offsets = chain.map(\.offset)
        // vfio_std_cap_max_size over the device's list, before the rebuild changes it.
        let sizes = offsets.map { position in (offsets.filter { $0 > position }.min() ?? 0x100) - position }
        config[0x34] = 0
        emulated[0x34] = 0xFF
        emulated[0x06] |= 0x10
        if !chain.isEmpty { changes.append(.standardListRebuilt) }
        var added = [Int]()
        for index in chain.indices.reversed() {
            let (position, id) = chain[index]
            let size = min(sizes[index], (added.filter { $0 > position }.min() ?? 0x100) - position)
            emulated[position + 1] = 0xFF
            let kind = CapabilityKind.standard(CapabilityID(rawValue: id))
            let at = ConfigOffset(position)
            switch CapabilityID(rawValue: id) {
            case .msi:
                try setUpMSI(at: position)
                changes.append(.emulated(kind, at: at))
            case .pciExpress:
                guard try setUpExpress(at: position, size: size) else { continue }
            case .msix:
                guard let table = msixTable, setUpMSIX(table) else {
                    changes.append(.dropped(kind, at: at, .msixTableOutsideBAR))
                    continue
                }
                changes.append(.emulated(kind, at: at))
            default:
                addCapability(id, at: position, size: size)
            }
            added.append(position)
        }
    }

    /// pci_add_capability at a given offset: linked at the head, read-only in QEMU's copy.
    mutating func addCapability(_ id: UInt8, at position: Int, size: Int) {
        config[position] = id
        config[position + 1] = config[0x34]
        config[0x34] = UInt8(position)
        config[0x06] |= 0x10
        for byte in position..<min(position + size, wmask.count) {
            wmask[byte] = 0
            w1cmask[byte] = 0
        }
    }

    /// vfio_msi_setup and msi_init: QEMU's MSI with the device's vector count, 64-bit and
    /// per-vector masking; its own write masks.
    private mutating func setUpMSI(at position: Int) throws(WriteEmulationError) {
        let control = vfio.guestValue(at: position + 2, count: 2)
        let is64Bit = control & 0x80 != 0
        let masking = control & 0x100 != 0
        let capable = (control >> 1) & 7
        guard capable <= 5 else { throw .qemuMSIVectorsInvalid(at: ConfigOffset(position), encoded: Int(capable)) }
        let vectors = 1 << Int(capable)
        let length = 0x0A + (is64Bit ? 4 : 0) + (masking ? 0x0A : 0)
        addCapability(CapabilityID.msi.rawValue, at: position, size: length)
        setWord(position + 2, capable << 1 | (is64Bit ? 0x80 : 0) | (masking ? 0x100 : 0))
        setMask(position + 2, count: 2, 0x0071)
        setMask(position + 4, count: 4, 0xFFFF_FFFC)
        if is64Bit { setMask(position + 8, count: 4, 0xFFFF_FFFF) }
        setMask(position + (is64Bit ? 0x0C : 0x08), count: 2, 0xFFFF)
        if masking { setMask(position + (is64Bit ? 0x10 : 0x0C), count: 4, 0xFFFF_FFFF >> UInt32(32 - vectors)) }
        msi = (offset: position, size: length)
    }

    mutating func setMask(_ offset: Int, count: Int, _ mask: UInt32) {
        wmask.storeLittleEndian(UInt64(mask), at: offset, count: count)
    }

    /// msix_init: QEMU's MSI-X (12 bytes), refused when the table or PBA does not fit its BAR.
    private mutating func setUpMSIX(_ table: MSIXTable) -> Bool {
        let tableSize = UInt64(table.entries * 16)
        let pbaSize = UInt64((table.entries + 63) / 64 * 8)
        func barSize(_ index: Int) -> UInt64? {
            if let region = regions.first(where: { $0.index == index }) { return region.size }
            return vfio.layout.bars.first { $0.slot == .bar(index) }?.size
        }
        if let size = barSize(table.tableBAR), UInt64(table.tableOffset) + tableSize > size { return false }
        if let size = barSize(table.pbaBAR), UInt64(table.pbaOffset) + pbaSize > size { return false }
        addCapability(CapabilityID.msix.rawValue, at: table.position, size: 12)
        setWord(table.position + 2, UInt32(table.entries - 1))
        setLong(table.position + 4, table.tableOffset | UInt32(table.tableBAR))
        setLong(table.position + 8, table.pbaOffset | UInt32(table.pbaBAR))
        wmask[table.position + 3] |= 0xC0
        msix = table.position
        return true
    }

    /// vfio_setup_pcie_cap: the Device/Port Type follows the guest's bus, version 0 reads 1;
    /// hidden on a conventional bus. Returns whether the capability was added.
    private mutating func setUpExpress(at position: Int, size: Int) throws(WriteEmulationError) -> Bool {
        let flags = word(position + 2)
        let type = Int((flags >> 4) & 0xF)
        let kind = CapabilityKind.standard(.pciExpress)
        let at = ConfigOffset(position)
        guard type == 0 || type == 1 || type == 9 else { throw .qemuExpressTypeUnsupported(type) }
        switch options.bus {
        case .conventional:
            changes.append(.dropped(kind, at: at, .conventionalBus))
            return false
        case .root:
            if type == 1 {
                changes.append(.dropped(kind, at: at, .legacyEndpointOnRootBus))
                return false
            }
            if type == 0 {
                emulate(position + 2, count: 2, value: 9 << 4, mask: 0x00F0)
                if size > 0x10 {
                    emulate(position + 0x0C, count: 4, value: 0, mask: 0xFFFF_FFFF)
                    emulate(position + 0x10, count: 2, value: 0, mask: 0xFFFF)
                    emulate(position + 0x12, count: 2, value: 0, mask: 0xFFFF)
                    if size > 0x2C {
                        emulate(position + 0x2C, count: 4, value: 0, mask: 0xFFFF_FFFF)
                        emulate(position + 0x30, count: 2, value: 0, mask: 0xFFFF)
                        emulate(position + 0x32, count: 2, value: 0, mask: 0xFFFF)
                    }
                }
                changes.append(.rewritten(kind, at: at, .endpointToIntegrated))
            }
        case .rootPort:
            if type == 9 {
                emulate(position + 2, count: 2, value: 0, mask: 0x00F0)
                emulate(position + 0x0C, count: 4, value: 0x11, mask: 0xFFFF_FFFF)
                emulate(position + 0x10, count: 2, value: 0, mask: 0xFFFF)
                changes.append(.rewritten(kind, at: at, .integratedToEndpoint))
            }
        }
        if flags & 0xF == 0 {
            emulate(position + 2, count: 2, value: 1, mask: 0x000F)
            changes.append(.rewritten(kind, at: at, .versionZeroAsOne))
        }
        addCapability(CapabilityID.pciExpress.rawValue, at: position, size: size)
        return true
    }

    /// vfio_add_ext_cap: for an express function on an express bus with a non-zero dword at
    /// 0x100, the list rebuilt from a copy: the head at 0x100 is QEMU's, every next field is
    /// emulated, SR-IOV, ARI and masked (ID 0) entries are dropped, Resizable BAR shows its
    /// current sizes only.
    private mutating func rebuildExtendedList() {
        guard config.count > 0x100 else { return }
        guard options.bus.isExpress else {
            changes.append(.extendedListAbsent(.conventionalBus))
            return
        }
        let readable = vfio.guestAnalysis.space.readableLength
        guard readable >= 0x104 else {
            changes.append(.extendedListAbsent(.unreadable(readable: readable)))
            return
        }
        guard long(0x100) != 0 else {
            changes.append(.extendedListAbsent(.emptyAtStart))
            return
        }
        let copy = config
        setLong(0x100, 0x0000_FFFF)
        for position in 0x100..<0x104 {
            wmask[position] = 0
            emulated[position] = 0xFF
        }
        func header(_ position: Int) -> UInt32 { UInt32(copy.littleEndianValue(at: position, count: 4)) }
        var chain = [Int]()
        var position = 0x100
        while position >= 0x100, position + 4 <= min(copy.count, readable), !chain.contains(position) {
            chain.append(position)
            position = Int(header(position) >> 20) & 0xFFC
        }
        for position in chain {
            let value = header(position)
            let id = UInt16(value & 0xFFFF)
            let size = (chain.filter { $0 > position }.min() ?? copy.count) - position
            emulated[position + 2] |= 0xF0
            emulated[position + 3] = 0xFF
            let kind = CapabilityKind.extended(ExtendedCapabilityID(rawValue: id))
            let at = ConfigOffset(position)
            switch ExtendedCapabilityID(rawValue: id) {
            case ExtendedCapabilityID(rawValue: 0):
                changes.append(.dropped(kind, at: at, .maskedByKernel))
            case .singleRootIOV:
                changes.append(.dropped(kind, at: at, .singleRootIOV))
            case .alternativeRoutingID:
                changes.append(.dropped(kind, at: at, .alternativeRoutingID))
            case .resizableBAR:
                if let bar = setUpResizableBAR(at: position) {
                    changes.append(.dropped(kind, at: at, .resizableBARSizeOutOfRange(bar: bar)))
                } else {
                    addExtendedCapability(id, version: UInt8((value >> 16) & 0xF), at: position, size: size)
                    changes.append(.rewritten(kind, at: at, .resizableBARCurrentSizeOnly))
                }
            default:
                addExtendedCapability(id, version: UInt8((value >> 16) & 0xF), at: position, size: size)
            }
        }
        if word(0x100) == 0xFFFF {
            setWord(0x100, 0)
            changes.append(.nullHead(next: Int(long(0x100) >> 20)))
        }
    }

    /// pcie_add_capability: appended after the last capability of QEMU's list, read-only.
    mutating func addExtendedCapability(_ id: UInt16, version: UInt8, at position: Int, size: Int) {
        if position != 0x100, let last = extendedList().last {
            setLong(last, long(last) & 0x000F_FFFF | UInt32(position) << 20)
        }
        setLong(position, UInt32(id) | UInt32(version) << 16)
        for byte in position..<min(position + size, wmask.count) {
            wmask[byte] = 0
            w1cmask[byte] = 0
        }
    }

    /// QEMU's extended list, in order (bounded).
    func extendedList() -> [Int] {
        guard config.count > 0x100, long(0x100) != 0 else { return [] }
        var result = [Int]()
        var position = 0x100
        while position >= 0x100, position + 4 <= config.count, !result.contains(position) {
            result.append(position)
            position = Int(long(position) >> 20) & 0xFFC
        }
        return result
    }

    /// vfio_setup_rebar_ecap: each BAR reports only its current size, read-only. Returns the
    /// BAR whose current size is outside 1 MB-512 GB (the capability is then dropped).
    private mutating func setUpResizableBAR(at position: Int) -> Int? {
        let count = Int((long(position + 8) >> 5) & 7)
        var emulations = [(Int, UInt32)]()
        for index in 0..<count {
            var control = long(position + 8 + 8 * index)
            let encoded = (control >> 8) & 0x3F
            let capability: UInt32 = encoded <= 27 ? 1 << (encoded + 4) : 0
            if capability & 0x00FF_FFF0 == 0 { return Int(control & 7) }
            control &= 0x3F00 | 0xE0 | 0x7
            emulations.append((position + 4 + 8 * index, capability))
            emulations.append((position + 8 + 8 * index, control))
        }
        for (offset, value) in emulations { emulate(offset, count: 4, value: value, mask: 0xFFFF_FFFF) }
        return nil
    }
}
