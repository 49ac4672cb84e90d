/// A BAR as vfio's BAR sizing emulation sees it (vfio_bar_fixup).
struct VfioBAR: Hashable, Sendable {
    var slot: BARSlot
    var offset: Int
    /// The size; nil when unknown (writes are then dropped), 0 when not implemented.
    var size: UInt64?
    /// The type bits vfio ORs in (vfio_generate_bar_flags): I/O, or memory with prefetch and 64-bit.
    var flags: UInt32
    var is64Bit: Bool
}

/// vfio-pci's view of one function: the owner of every byte (`pci_config_map`), the virt and
/// write bits (`perm_bits`), the initial virtual copy (`vconfig`) with hidden capabilities
/// unlinked, and the BAR sizing data. Built the way `vfio_config_init` does
/// (Linux drivers/vfio/pci/vfio_pci_config.c; docs/simulator.md).
struct VfioLayout: Sendable {
    var bytes: [VfioByte]
    var owners: [VfioOwner]
    var vconfig: [UInt8]
    var bars: [VfioBAR] = []
    var rom: VfioBAR?
    /// Capabilities vfio removed from the guest's lists.
    var hidden: [(kind: CapabilityKind, offset: ConfigOffset)] = []
    /// A hidden capability kept as the placeholder at 0x100.
    var placeholder: (kind: CapabilityKind, offset: ConfigOffset)?
    /// VFs do not implement Memory Space Enable; vfio shows a virtual one.
    var noCommandMemory: Bool
    /// PMCSR No_Soft_Reset clear: vfio saves state on entering D3hot and restores it after D0.
    var needsPowerRestore = false
    /// Whether vfio walks the extended list (a PCI Express or PCI-X 2.0 capability).
    var hasExtendedCapabilities = false

    /// Builds the layout. `identity`: the vendor and device vfio writes into a VF's ID registers.
    init(
        analysis: FunctionAnalysis, identity: (vendorID: UInt16, deviceID: UInt16), barSizes: BARSizes,
        virtualFunctionBARs: [UInt32]?, hidesInterruptPin: Bool = false
    ) {
        let space = analysis.space
        let size = space.size
        var config = space.bytes
        if config.count < size { config += [UInt8](repeating: 0, count: size - config.count) }
        vconfig = config
        bytes = [VfioByte](repeating: .unassigned, count: size)
        owners = [.unassigned, .header]
        noCommandMemory = analysis.context.isVirtualFunction
        let reader = Reader(bytes: config)

        // Header: cap_perms[PCI_CAP_ID_BASIC].
        for offset in 0..<min(ConfigSpace.headerLength, size) {
            bytes[offset] = VfioByte(map: 0, handler: .basic, virt: 0, write: 0, capabilityStart: 0, owner: 1)
        }
        setPermissions(0x00, count: 4, virt: 0xFFFF_FFFF, write: 0)
        setPermissions(0x04, count: 2, virt: 0x0400, write: 0xFFFF)
        setPermissions(0x06, count: 2, virt: 0x0010, write: 0)
        for offset in [0x0C, 0x0D, 0x0F] { setPermissions(offset, count: 1, virt: 0, write: 0xFF) }
        for offset in stride(from: 0x10, through: 0x24, by: 4) {
            setPermissions(offset, count: 4, virt: 0xFFFF_FFFF, write: 0xFFFF_FFFF)
        }
        setPermissions(0x30, count: 4, virt: 0xFFFF_FFFF, write: 0xFFFF_FFFF)
        setPermissions(0x34, count: 1, virt: 0xFF, write: 0)
        setPermissions(0x3C, count: 1, virt: 0xFF, write: 0xFF)
        setPermissions(0x3D, count: 1, virt: 0xFF, write: 0)

        if analysis.context.isVirtualFunction {
            store(UInt32(identity.vendorID), at: 0, count: 2)
            store(UInt32(identity.deviceID), at: 2, count: 2)
            vconfig[0x3D] = 0
        }
        if noCommandMemory { vconfig[0x04] |= 0x02 }
        // vfio_config_init: no INTx for nointx devices (and without CONFIG_VFIO_PCI_INTX or a
        // connected IRQ, which a dump does not show).
        if hidesInterruptPin && vconfig.count > 0x3D { vconfig[0x3D] = 0 }

        prepareBARs(reader: reader, sizes: barSizes, virtualFunctionBARs: virtualFunctionBARs, analysis: analysis)
        initStandardCapabilities(reader: reader, analysis: analysis)
        if hasExtendedCapabilities && size > ConfigSpace.conventionalSize {
            initExtendedCapabilities(reader: reader)
        }
        markHiddenBytes(analysis: analysis)
        fixupBARs()
    }

    /// Little-endian reads of the device's bytes as they were at open (0 outside them).
    struct Reader {
        let bytes: [UInt8]
        func byte(_ offset: Int) -> UInt8 { UInt8(truncatingIfNeeded: bytes.littleEndianValue(at: offset, count: 1)) }
        func word(_ offset: Int) -> UInt16 { UInt16(truncatingIfNeeded: bytes.littleEndianValue(at: offset, count: 2)) }
        func dword(_ offset: Int) -> UInt32 {
            UInt32(truncatingIfNeeded: bytes.littleEndianValue(at: offset, count: 4))
        }
    }

    // MARK: - Permission helpers

    mutating func setPermissions(_ offset: Int, count: Int, virt: UInt32, write: UInt32) {
        for index in 0..<count where offset + index < bytes.count {
            bytes[offset + index].virt = UInt8(truncatingIfNeeded: virt >> UInt32(8 * index))
            bytes[offset + index].write = UInt8(truncatingIfNeeded: write >> UInt32(8 * index))
        }
    }

    mutating func store(_ value: UInt32, at offset: Int, count: Int) {
        vconfig.storeLittleEndian(UInt64(value), at: offset, count: min(count, 4))
    }

    func load(_ offset: Int, count: Int) -> UInt32 {
        UInt32(truncatingIfNeeded: vconfig.littleEndianValue(at: offset, count: min(count, 4)))
    }

    mutating func addOwner(_ owner: VfioOwner) -> UInt8 {
        if let index = owners.firstIndex(of: owner) { return UInt8(index) }
        guard owners.count < 255 else { return 0 }
        owners.append(owner)
        return UInt8(owners.count - 1)
    }

    /// Gives `length` bytes from `start` to a structure (memset(map + pos, cap, len) in
    /// vfio_cap_init): every byte names the structure's start, with `virt` and `write` bits.
    mutating func claim(
        _ start: Int, length: Int, map: UInt8, handler: VfioHandler, owner: VfioOwner, limit: Int,
        virt: UInt8 = 0, write: UInt8 = 0
    ) {
        let ownerIndex = addOwner(owner)
        let end = min(start + length, limit, bytes.count)
        guard start >= 0, start < end else { return }
        for offset in start..<end {
            bytes[offset] = VfioByte(
                map: map, handler: handler, virt: virt, write: write, capabilityStart: UInt16(start),
                owner: ownerIndex)
        }
    }

    // MARK: - Standard capabilities (vfio_cap_init)

    /// PCI_CAP_ID_MAX in Linux 6.1's pci_regs.h: the last ID pci_cap_length[] has an entry for.
    static let lastStandardID = CapabilityID.enhancedAllocation
    /// PCI_EXT_CAP_ID_MAX in Linux 6.1's pci_regs.h (PCI_EXT_CAP_ID_PL_64GT).
    static let lastExtendedID = ExtendedCapabilityID.physicalLayer64

    private mutating func initStandardCapabilities(reader: Reader, analysis: FunctionAnalysis) {
        guard reader.word(0x06) & 0x10 != 0 else { return }
        var position = Int(reader.byte(0x34))
        var previous = 0x34
        var kept = 0
        var visited = Set<Int>()
        var loops = (ConfigSpace.conventionalSize - ConfigSpace.headerLength) / 4
        // A partial read (unprivileged) ends the walk where the bytes end: what lies beyond is
        // unknown, not a capability to hide.
        let readable = analysis.space.readableLength
        while position != 0 && loops > 0 && position < ConfigSpace.conventionalSize && position + 2 <= readable
            && !visited.contains(position)
        {
            loops -= 1
            visited.insert(position)
            let id = CapabilityID(reader.byte(position))
            let next = reader.byte(position + 1)
            // The kernel's pci_cap_length[] covers IDs 1 to PCI_CAP_ID_MAX.
            let isInTable = id != .null && id.rawValue <= Self.lastStandardID.rawValue
            let length = isInTable ? standardLength(id, at: position, reader: reader, analysis: analysis) : 0
            let kind = CapabilityKind.standard(id)
            guard length > 0 else {
                if previous < vconfig.count { vconfig[previous] = next }
                hidden.append((kind, ConfigOffset(position)))
                position = Int(next)
                continue
            }
            claim(
                position, length: length, map: id.rawValue, handler: standardHandler(id),
                owner: .capability(kind, at: ConfigOffset(position)), limit: ConfigSpace.conventionalSize)
            standardPermissions(id, at: position, length: length, reader: reader)
            if id == .powerManagement {
                // vfio_update_pm_vconfig_bytes: PME_Support, PME_En and PME_Status read 0.
                store(load(position + 2, count: 2) & ~0xF800, at: position + 2, count: 2)
                store(load(position + 4, count: 2) & ~0x8100, at: position + 4, count: 2)
                needsPowerRestore = reader.word(position + 4) & 0x08 == 0
            }
            previous = position + 1
            position = Int(next)
            kept += 1
        }
        if kept == 0 && (position == 0 || position + 2 <= readable) { vconfig[0x06] &= ~0x10 }
    }

    /// pci_cap_length[] and vfio_cap_len(): 0 hides the capability.
    private mutating func standardLength(
        _ id: CapabilityID, at position: Int, reader: Reader, analysis: FunctionAnalysis
    )
        -> Int
    {
        switch id {
        case .powerManagement: return 8  // PM
        case .agp: return 12  // AGP
        case .vpd: return 8  // VPD
        case .msi:  // MSI: 10, +4 64-bit, +10 per-vector masking
            let flags = reader.word(position + 2)
            return 10 + (flags & 0x80 != 0 ? 4 : 0) + (flags & 0x100 != 0 ? 10 : 0)
        case .pcix:  // PCI-X: version in Command bits 13:12
            if (reader.word(position + 2) >> 12) & 3 != 0 {
                if analysis.space.size > ConfigSpace.conventionalSize {
                    hasExtendedCapabilities = reader.dword(ConfigSpace.conventionalSize) != 0
                }
                return 24
            }
            return 8
        case .hyperTransport: return reader.byte(position + 3) & 0xE0 != 0 ? 24 : 28  // HyperTransport
        case .vendorSpecific: return Int(reader.byte(position + 2))  // vendor-specific: its length byte
        case .pciExpress:  // PCI Express: by version; RC integrated endpoints have no link registers
            if analysis.space.size > ConfigSpace.conventionalSize {
                hasExtendedCapabilities = reader.dword(ConfigSpace.conventionalSize) != 0
            }
            let flags = reader.word(position + 2)
            let isIntegrated = (flags >> 4) & 0xF == 0x9
            if flags & 0xF == 1 { return isIntegrated ? 0x0C : 0x14 }
            return isIntegrated ? 0x2C : 0x34
        case .msix: return 12  // MSI-X
        case .sata: return reader.byte(position + 4) & 0x0F == 0x0F ? 16 : 8  // SATA
        case .advancedFeatures: return 6  // Advanced Features
        default: return 0  // Slot ID, CompactPCI, debug, SHPC, SSVID, AGP 8x, secure, EA
        }
    }

    private func standardHandler(_ id: CapabilityID) -> VfioHandler {
        switch id {
        case .powerManagement: .powerManagement
        case .vpd: .vpd
        case .msi: .msi
        case .pcix: .pcix
        case .vendorSpecific: .vendor
        case .pciExpress: .express
        case .advancedFeatures: .advancedFeatures
        default: .directReadOnly
        }
    }

    /// The perm_bits tables (init_pci_cap_*_perm, init_pci_cap_msi_perm). Capabilities read
    /// directly get their ID and next bytes from the virtual copy (vfio_direct_config_read).
    private mutating func standardPermissions(_ id: CapabilityID, at base: Int, length: Int, reader: Reader) {
        setPermissions(base, count: 2, virt: 0xFFFF, write: 0)
        func permit(_ offset: Int, count: Int, virt: UInt32, write: UInt32) {
            // Tables are dword-rounded; bytes past the capability belong to someone else.
            let usable = max(0, min(count, length - offset))
            setPermissions(base + offset, count: usable, virt: virt, write: write)
        }
        switch id {
        case .powerManagement:
            permit(2, count: 2, virt: 0xF800, write: 0)
            permit(4, count: 4, virt: 0x8100, write: ~UInt32(0x8103))
        case .vpd:
            permit(2, count: 2, virt: 0xFFFF, write: 0xFFFF)
            permit(4, count: 4, virt: 0xFFFF_FFFF, write: 0xFFFF_FFFF)
        case .msi:
            let flags = reader.word(base + 2)
            permit(2, count: 1, virt: 0xFF, write: 0xFF)
            permit(4, count: 4, virt: 0xFFFF_FFFF, write: 0xFFFF_FFFF)
            if flags & 0x80 != 0 {
                permit(8, count: 4, virt: 0xFFFF_FFFF, write: 0xFFFF_FFFF)
                permit(0x0C, count: 2, virt: 0xFFFF, write: 0xFFFF)
                if flags & 0x100 != 0 {
                    permit(0x10, count: 4, virt: 0, write: 0xFFFF_FFFF)
                    permit(0x14, count: 4, virt: 0, write: 0xFFFF_FFFF)
                }
            } else {
                permit(8, count: 2, virt: 0xFFFF, write: 0xFFFF)
                if flags & 0x100 != 0 {
                    permit(0x0C, count: 4, virt: 0, write: 0xFFFF_FFFF)
                    permit(0x10, count: 4, virt: 0, write: 0xFFFF_FFFF)
                }
            }
        case .pcix:
            permit(2, count: 2, virt: 0, write: 0xFFFF)
            permit(8, count: 4, virt: 0, write: 0xFFFF_FFFF)
        case .pciExpress:
            // DEVCTL: FLR, Max_Payload_Size and Max_Read_Request_Size virtual; all but Phantom
            // Functions writable. DEVCTL2: all but ARI Forwarding writable.
            permit(8, count: 2, virt: 0xF0E0, write: 0xFDFF)
            permit(0x28, count: 2, virt: 0, write: 0xFFDF)
        case .advancedFeatures:
            permit(4, count: 1, virt: 0x01, write: 0x01)
        default:
            break
        }
    }

    // MARK: - Extended capabilities (vfio_ecap_init)

    private mutating func initExtendedCapabilities(reader: Reader) {
        var position = ConfigSpace.conventionalSize
        var previous: Int?
        var kept = 0
        var visited = Set<Int>()
        var loops = (bytes.count - ConfigSpace.conventionalSize) / 4
        while loops > 0 && position >= ConfigSpace.conventionalSize && position + 4 <= bytes.count
            && !visited.contains(position)
        {
            loops -= 1
            visited.insert(position)
            let header = reader.dword(position)
            let id = ExtendedCapabilityID(UInt16(truncatingIfNeeded: header))
            let next = Int(header >> 20) & 0xFFC
            let kind = CapabilityKind.extended(id)
            // pci_ext_cap_length[] covers IDs up to PCI_EXT_CAP_ID_MAX.
            var length =
                id.rawValue <= Self.lastExtendedID.rawValue ? extendedLength(id, at: position, reader: reader) : 0
            var isPlaceholder = false
            if length == 0 {
                if let previous {
                    store(load(previous, count: 4) & ~(0xFFC << 20) | UInt32(next) << 20, at: previous, count: 4)
                    hidden.append((kind, ConfigOffset(position)))
                    position = next
                    continue
                }
                length = 4
                isPlaceholder = true
            }
            let handler: VfioHandler
            switch id {
            case .advancedErrorReporting: handler = .errorReporting
            case .powerBudgeting: handler = .powerBudget
            case .vendorSpecific, .designatedVendorSpecific: handler = .vendor
            default: handler = .directReadOnly
            }
            let owner: VfioOwner =
                isPlaceholder
                ? .placeholder(kind, at: ConfigOffset(position)) : .capability(kind, at: ConfigOffset(position))
            claim(
                position, length: length, map: UInt8(truncatingIfNeeded: id.rawValue),
                handler: isPlaceholder ? .directReadOnly : handler,
                owner: owner, limit: bytes.count)
            setPermissions(position, count: 4, virt: 0xFFFF_FFFF, write: 0)
            if !isPlaceholder { extendedPermissions(id, at: position, length: length) }
            if isPlaceholder {
                store(load(position, count: 4) & (0xFFC << 20), at: position, count: 4)
                placeholder = (kind, ConfigOffset(position))
            } else {
                kept += 1
            }
            previous = position
            position = next
        }
        if kept == 0 { store(0, at: ConfigSpace.conventionalSize, count: 4) }
    }

    /// pci_ext_cap_length[] and vfio_ext_cap_len(): 0 hides the capability.
    private func extendedLength(_ id: ExtendedCapabilityID, at position: Int, reader: Reader) -> Int {
        switch id {
        case .advancedErrorReporting: return 0x2C  // AER, up to the root registers
        case .virtualChannel, .multiFunctionVirtualChannel, .virtualChannel9:  // VC, MFVC (vfio_vc_cap_len)
            let evcc = Int(reader.dword(position + 4) & 7)
            let capabilities2 = reader.dword(position + 8)
            let phases =
                capabilities2 & 0x08 != 0 ? 128 : capabilities2 & 0x04 != 0 ? 64 : capabilities2 & 0x02 != 0 ? 32 : 0
            var length = 0x10 + (1 + evcc) * 0x0C
            if phases != 0 { length = (length + 15) & ~15 + phases * 4 / 8 }
            return length
        case .deviceSerialNumber: return 12  // DSN
        case .powerBudgeting: return 16  // Power Budgeting
        case .vendorSpecific: return Int(reader.dword(position + 4) >> 20)  // VSEC length
        case .accessControlServices:  // ACS: 8, plus the egress control vector
            guard reader.byte(position + 4) & 0x20 != 0 else { return 8 }
            let bits = Int(reader.byte(position + 5))
            return 8 + (bits == 0 ? 256 : (bits + 31) & ~31) / 8
        case .alternativeRoutingID, .addressTranslationServices: return 8  // ARI, ATS
        case .singleRootIOV: return 0x40  // SR-IOV
        case .multicast: return 40  // Multicast (endpoint size)
        case .pageRequest: return 16  // PRI
        case .resizableBAR: return 4 + Int((reader.byte(position + 8) >> 5) & 7) * 8  // Resizable BAR
        case .dynamicPowerAllocation: return 16 + Int(reader.byte(position + 4) & 0x1F) + 1  // DPA
        case .tphRequester:  // TPH: 0x0C, plus the ST table when it is in the capability
            let capability = reader.dword(position + 4)
            guard (capability >> 9) & 3 == 1 else { return 0x0C }
            return 0x0C + Int((capability >> 16) & 0x7FF) * 2 + 2
        case .latencyToleranceReporting: return 8  // LTR
        case .designatedVendorSpecific: return Int(reader.dword(position + 4) >> 20)  // DVSEC length
        default: return 0  // root-only, obsolete, not yet (PASID), and every ID without an entry
        }
    }

    private mutating func extendedPermissions(_ id: ExtendedCapabilityID, at base: Int, length: Int) {
        func permit(_ offset: Int, count: Int, write: UInt32) {
            let usable = max(0, min(count, length - offset))
            setPermissions(base + offset, count: usable, virt: 0, write: write)
        }
        switch id {
        case .advancedErrorReporting:
            let uncorrectable: UInt32 = 0x03FF_F031
            let correctable: UInt32 = 0x0000_F1C1
            permit(0x04, count: 4, write: uncorrectable)
            permit(0x08, count: 4, write: uncorrectable)
            permit(0x0C, count: 4, write: uncorrectable)
            permit(0x10, count: 4, write: correctable)
            permit(0x14, count: 4, write: correctable)
            permit(0x18, count: 4, write: 0x0000_0140)
        case .powerBudgeting:
            // init_pci_ext_cap_pwr_perm: one byte at PCI_PWR_DATA (+0x08), whatever its comment
            // says about the Data Select register (+0x04), which stays read-only.
            permit(0x08, count: 1, write: 0xFF)
        default:
            break
        }
    }

    // MARK: - Hidden capabilities and BARs

    /// Unassigned bytes inside a hidden capability's extent name it (for warnings).
    private mutating func markHiddenBytes(analysis: FunctionAnalysis) {
        for entry in hidden {
            guard let capability = analysis.capabilities.first(where: { $0.offset == entry.offset }) else { continue }
            let owner = addOwner(.hiddenCapability(entry.kind, at: entry.offset))
            let range = capability.extent
            let start = max(0, range.start.rawValue)
            let end = min(range.end.rawValue, bytes.count)
            guard start < end else { continue }
            for offset in start..<end where bytes[offset].handler == .unassigned {
                bytes[offset].owner = owner
            }
        }
    }

    private mutating func prepareBARs(
        reader: Reader, sizes: BARSizes, virtualFunctionBARs: [UInt32]?, analysis: FunctionAnalysis
    ) {
        guard analysis.context.headerLayout == .endpoint else { return }
        var index = 0
        while index < 6 {
            let offset = 0x10 + 4 * index
            let raw = virtualFunctionBARs.map { index < $0.count ? $0[index] : 0 } ?? reader.dword(offset)
            let isIO = raw & 1 == 1
            let is64Bit = !isIO && (raw >> 1) & 3 == 2 && index < 5
            let flags: UInt32 = isIO ? 1 : raw & 0x0F
            let size = sizes[.bar(index)]
            bars.append(VfioBAR(slot: .bar(index), offset: offset, size: size, flags: flags, is64Bit: is64Bit))
            if size == nil { setPermissions(offset, count: is64Bit ? 8 : 4, virt: 0xFFFF_FFFF, write: 0) }
            index += is64Bit ? 2 : 1
        }
        let romSize = analysis.context.isVirtualFunction ? 0 : sizes[.expansionROM]
        rom = VfioBAR(slot: .expansionROM, offset: 0x30, size: romSize, flags: 0, is64Bit: false)
        if romSize == nil { setPermissions(0x30, count: 4, virt: 0xFFFF_FFFF, write: 0) }
    }

    /// vfio_bar_fixup: each BAR keeps the address bits above its size plus its type flags; a
    /// BAR the host did not assign (size 0) reads 0; the ROM keeps Enable and its address bits.
    mutating func fixupBARs() {
        Self.fixupBARs(&vconfig, bars: bars, rom: rom)
    }

    static func fixupBARs(_ config: inout [UInt8], bars: [VfioBAR], rom: VfioBAR?) {
        func load(_ offset: Int) -> UInt32 {
            UInt32(truncatingIfNeeded: config.littleEndianValue(at: offset, count: 4))
        }
        func store(_ value: UInt32, _ offset: Int) { config.storeLittleEndian(UInt64(value), at: offset, count: 4) }
        for bar in bars {
            guard let size = bar.size else { continue }
            guard size != 0 else {
                store(0, bar.offset)
                if bar.is64Bit { store(0, bar.offset + 4) }
                continue
            }
            let mask = ~(size - 1)
            store(load(bar.offset) & UInt32(truncatingIfNeeded: mask) | bar.flags, bar.offset)
            if bar.is64Bit { store(load(bar.offset + 4) & UInt32(truncatingIfNeeded: mask >> 32), bar.offset + 4) }
        }
        if let rom, let size = rom.size {
            store(size == 0 ? 0 : load(rom.offset) & (UInt32(truncatingIfNeeded: ~(size - 1)) | 1), rom.offset)
        }
    }
}

extension VfioLayout {
    /// Adds virtual capabilities (a plan's) to the guest's extended list: their bytes become
    /// fully virtual (`PCI_CAP_ID_INVALID_VIRT`), each is linked after the list's last
    /// capability, and an empty list gets a Null capability at 0x100 pointing to the first.
    mutating func link(_ regions: [VirtualRegion]) throws(WriteEmulationError) {
        guard !regions.isEmpty else { return }
        guard bytes.count == ConfigSpace.extendedSize else { throw .virtualCapabilitiesNeedExtendedSpace }
        for region in regions {
            let range = region.range
            let start = range.start.rawValue
            // Compared without computing `range.end`: offsets come from plan files, and
            // `start + length` overflows for offsets near Int.max.
            guard start >= ConfigSpace.conventionalSize, start & 3 == 0, start <= bytes.count - 4,
                region.body.count <= bytes.count - 4 - start, (0...15).contains(region.version)
            else { throw .virtualCapabilityOutOfRange(range) }
            for offset in start..<range.end.rawValue where bytes[offset].handler != .unassigned {
                throw .virtualCapabilityOverlaps(range, existing: ConfigOffset(Int(bytes[offset].capabilityStart)))
            }
            let head = load(ConfigSpace.conventionalSize, count: 4)
            if head != 0 || start != ConfigSpace.conventionalSize {
                if head == 0 {
                    if bytes[ConfigSpace.conventionalSize].handler == .unassigned {
                        claimVirtual(ConfigRange(ConfigSpace.conventionalSize, length: 4), id: .null)
                    }
                    store(UInt32(start) << 20, at: ConfigSpace.conventionalSize, count: 4)
                } else {
                    let last = try lastExtendedCapability()
                    store(load(last, count: 4) & ~(0xFFC << 20) | UInt32(start) << 20, at: last, count: 4)
                }
            }
            claimVirtual(range, id: region.id)
            store(UInt32(region.id.rawValue) | UInt32(region.version) << 16, at: start, count: 4)
            for (index, byte) in region.body.enumerated() { vconfig[start + 4 + index] = byte }
        }
    }

    /// A virtual capability's bytes: fully virtual (PCI_CAP_ID_INVALID_VIRT) and writable,
    /// each naming the capability's start.
    private mutating func claimVirtual(_ range: ConfigRange, id: ExtendedCapabilityID) {
        claim(
            range.start.rawValue, length: range.length, map: 0xFE, handler: .virtual,
            owner: .virtualCapability(id, at: range.start), limit: bytes.count, virt: 0xFF, write: 0xFF)
    }

    /// The last capability of the guest's extended list (in the virtual copy, where vfio keeps
    /// every header).
    private func lastExtendedCapability() throws(WriteEmulationError) -> Int {
        var position = ConfigSpace.conventionalSize
        var visited = Set<Int>()
        while true {
            visited.insert(position)
            let next = Int(load(position, count: 4) >> 20) & 0xFFC
            if next == 0 { return position }
            guard next >= ConfigSpace.conventionalSize, next + 4 <= bytes.count, !visited.contains(next) else {
                throw .guestListUnterminated(last: ConfigOffset(position))
            }
            position = next
        }
    }
}
