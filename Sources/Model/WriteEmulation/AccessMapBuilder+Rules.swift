// The rules a field's attribute cannot express: which address bits of a BAR are writable
// (its size), fields that are RW only when the function supports them, and the registers
// whose writes have side effects (hooks). PCI Local Bus 3.0 §6.2.5, PCI-to-PCI Bridge 1.2
// §3.2.5, PCIe Base 6.x §7.5-7.8, SR-IOV 1.1 §3.3.

extension AccessMapBuilder {
    mutating func applyRules(barSizes: BARSizes) {
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
        for (index, capability) in analysis.capabilities.enumerated() {
            let base = capability.offset.rawValue
            guard analysis.map.owner(at: base) == .capability(index) else { continue }
            switch capability.kind {
            case .standard(.msi):
                addHook(.msiControl(capability: base), at: base + 2, count: 2)
                // Extended Message Data Enable only with Extended Message Data Capable (bit 9).
                if byte(base + 3) & 0x02 == 0 { removeTake(base + 3, 0x04) }
            case .standard(.powerManagement):
                applyPowerManagement(at: base)
                addHook(.powerManagementControl(capability: base), at: base + 4, count: 2)
            case .standard(.pciExpress):
                applyExpress(at: base)
                if isPlaced(base + 9) && rules[base + 9].action & 0x80 != 0 {
                    addHook(.expressDeviceControl(capability: base), at: base + 8, count: 2)
                }
            case .standard(.advancedFeatures):
                addHook(.advancedFeaturesControl(capability: base), at: base + 4, count: 1)
            case .extended(.advancedErrorReporting):
                applyErrorReporting(at: base)
            case .extended(.alternativeRoutingID):
                // ARI Control (PCIe §7.8.8.3): the Function Group enables need their Capable
                // bits; the Function Group number needs one of them.
                let capable = byte(base + 4) & 0x03
                removeTake(base + 6, 0x03 & ~capable)
                if capable == 0 { removeTake(base + 6, 0x70) }
            case .extended(.singleRootIOV):
                applySRIOV(at: base, sizes: barSizes)
            case .extended(.processAddressSpaceID):
                // PASID Control (PCIe §7.8.9.3): Execute and Privileged Mode Enable are RW only
                // when the matching Supported bit is set, else hardwired 0.
                let supported = byte(base + 4) & 0x06
                removeTake(base + 6, 0x06 & ~supported)
                addHook(.pasidControl(capability: base), at: base + 6, count: 2)
            case .extended(.pageRequest):
                addHook(.priControl(capability: base), at: base + 4, count: 2)
                addHook(.priAllocation(capability: base), at: base + 0x0C, count: 4)
            default:
                break
            }
        }
    }

    // MARK: - Fields hardwired to 0 unless supported

    /// PMCSR (PCI PM 1.2 §3.2.4): PME_En and PME_Status may be hardwired to 0 when PME_Support is
    /// 0; Data_Select must be when the Data register is not implemented (Data_Scale and Data 0).
    private mutating func applyPowerManagement(at base: Int) {
        if word(base + 2) & 0xF800 == 0 {
            removeTake(base + 5, 0x01)
            if isPlaced(base + 5) { rules[base + 5].clear &= ~0x80 }
        }
        if byte(base + 5) & 0x60 == 0 && byte(base + 7) == 0 { removeTake(base + 5, 0x1E) }
    }

    /// PCI Express capability (PCIe r6 §7.5.3.4, §7.5.3.7, §7.5.3.16): controls whose feature
    /// the capability registers do not advertise are hardwired to 0.
    private mutating func applyExpress(at base: Int) {
        let deviceCapabilities = dword(base + 4)
        let flags = word(base + 2)
        let portType = PortType(rawValue: Int(flags >> 4) & 0xF)
        // Device Control: Phantom Functions Enable, Extended Tag Field Enable.
        if deviceCapabilities & 0x18 == 0 { removeTake(base + 9, 0x02) }
        if deviceCapabilities & 0x20 == 0 { removeTake(base + 9, 0x01) }
        // Link Control: Clock PM Enable (upstream ports with Clock PM only), the bandwidth
        // notification interrupt enables (with Link Bandwidth Notification Capability), DRS
        // Signaling Control (with DRS Supported).
        if isPlaced(base + 0x10) && !portType.isRootComplexIntegrated {
            let linkCapabilities = dword(base + 0x0C)
            if linkCapabilities & (1 << 18) == 0 || portType.isDownstreamFacing { removeTake(base + 0x11, 0x01) }
            if linkCapabilities & (1 << 21) == 0 { removeTake(base + 0x11, 0x0C) }
            let linkCapabilities2 = dword(base + 0x2C)
            if linkCapabilities2 & (1 << 31) == 0 { removeTake(base + 0x11, 0xC0) }
            // Flit Mode Disable needs Flit Mode Supported (PCI Express Capabilities bit 15).
            if flags & 0x8000 == 0 { removeTake(base + 0x11, 0x20) }
        }
        // Slot Control (§7.5.3.10): each control needs its slot feature; Root Control
        // (§7.5.3.12): CRS Software Visibility Enable needs CRS Software Visibility.
        if portType.isDownstreamFacing && flags & 0x100 != 0 && isPlaced(base + 0x18) {
            let slot = dword(base + 0x14)
            let linkCapabilities = dword(base + 0x0C)
            var removed: UInt16 = 0
            if slot & (1 << 0) == 0 { removed |= 0x0001 }  // Attention Button Pressed Enable
            if slot & (1 << 1) == 0 { removed |= 0x0402 }  // Power Fault Detected Enable, Power Controller Control
            if slot & (1 << 2) == 0 { removed |= 0x0004 }  // MRL Sensor Changed Enable
            if slot & (1 << 6) == 0 { removed |= 0x0028 }  // Presence Detect Changed, Hot-Plug Interrupt Enable
            // Command Completed Interrupt Enable: hot-plug without No Command Completed Support.
            if slot & (1 << 6) == 0 || slot & (1 << 18) != 0 { removed |= 0x0010 }
            if slot & (1 << 3) == 0 { removed |= 0x00C0 }  // Attention Indicator Control
            if slot & (1 << 4) == 0 { removed |= 0x0300 }  // Power Indicator Control
            if slot & (1 << 17) == 0 { removed |= 0x0800 }  // Electromechanical Interlock Control
            if linkCapabilities & (1 << 20) == 0 { removed |= 0x1000 }  // Data Link Layer State Changed Enable
            if dword(base + 0x34) & 0x1 == 0 { removed |= 0x4000 }  // In-Band PD Disable (Slot Capabilities 2)
            removeTake(base + 0x18, UInt8(truncatingIfNeeded: removed))
            removeTake(base + 0x19, UInt8(truncatingIfNeeded: removed >> 8))
            if isPlaced(base + 0x19) { rules[base + 0x19].action &= ~UInt8(truncatingIfNeeded: removed >> 8) }
            if isPlaced(base + 0x18) { rules[base + 0x18].action &= ~UInt8(truncatingIfNeeded: removed) }
        }
        if portType.hasRootRegisters && isPlaced(base + 0x1C) {
            if word(base + 0x1E) & 0x1 == 0 { removeTake(base + 0x1C, 0x10) }
            // No NFM Subtree Below This Root Port is a Flit Mode control.
            if flags & 0x8000 == 0 { removeTake(base + 0x1C, 0x20) }
        }
        // Device Control 2 by Device Capabilities 2.
        guard isPlaced(base + 0x28) else { return }
        let capabilities2 = dword(base + 0x24)
        var removed: UInt16 = 0
        if capabilities2 & 0xF == 0 { removed |= 0x000F }  // Completion Timeout Value
        if capabilities2 & (1 << 4) == 0 { removed |= 0x0010 }  // Completion Timeout Disable
        if capabilities2 & (1 << 5) == 0 { removed |= 0x0020 }  // ARI Forwarding Enable
        if capabilities2 & (1 << 6) == 0 { removed |= 0x0080 }  // AtomicOp Egress Blocking
        if capabilities2 & (1 << 11) == 0 { removed |= 0x0400 }  // LTR Mechanism Enable
        if capabilities2 & (3 << 22) == 0 { removed |= 0x0800 }  // Emergency Power Reduction Request
        if capabilities2 & (1 << 17) == 0 { removed |= 0x1000 }  // 10-Bit Tag Requester Enable
        if capabilities2 & (3 << 18) == 0 { removed |= 0x6000 }  // OBFF Enable
        if capabilities2 & (1 << 21) == 0 { removed |= 0x8000 }  // End-End TLP Prefix Blocking
        removeTake(base + 0x28, UInt8(truncatingIfNeeded: removed))
        removeTake(base + 0x29, UInt8(truncatingIfNeeded: removed >> 8))
    }

    /// AER (PCIe r6 §7.8.4): bit 0 of the uncorrectable registers is undefined (kept); the
    /// ECRC and Multiple Header Recording enables need their Capable bits.
    private mutating func applyErrorReporting(at base: Int) {
        for register in [0x04, 0x08, 0x0C] {
            removeTake(base + register, 0x01)
            if isPlaced(base + register) { rules[base + register].clear &= ~0x01 }
        }
        let control = word(base + 0x18)
        var removed: UInt16 = 0
        if control & 0x020 == 0 { removed |= 0x040 }  // ECRC Generation Enable
        if control & 0x080 == 0 { removed |= 0x100 }  // ECRC Check Enable
        if control & 0x200 == 0 { removed |= 0x400 }  // Multiple Header Recording Enable
        removeTake(base + 0x18, UInt8(truncatingIfNeeded: removed))
        removeTake(base + 0x19, UInt8(truncatingIfNeeded: removed >> 8))
    }

    // MARK: - BARs

    /// BARs at `base`: the address bits above the size are RW, the type bits RO; a 64-bit BAR's
    /// upper half takes the size's upper bits. Unknown sizes leave the BAR read-only with a hook
    /// that warns.
    private mutating func applyBARs(
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

    // MARK: - SR-IOV

    /// SR-IOV (SR-IOV 1.1 §3.3.3-3.3.14): control bits only when supported, NumVFs and VF
    /// Enable hooks, System Page Size limited to supported sizes, VF BARs by size.
    private mutating func applySRIOV(at base: Int, sizes: BARSizes) {
        let capabilities = dword(base + 4)
        // VF Migration Enable and Interrupt Enable need VF Migration Capable (bit 0); VF
        // 10-Bit Tag Requester Enable needs its Supported bit (bit 2).
        if capabilities & 0x1 == 0 { removeTake(base + 8, 0x06) }
        if capabilities & 0x4 == 0 { removeTake(base + 8, 0x20) }
        addHook(.sriovControl(capability: base), at: base + 8, count: 2)
        addHook(.sriovNumVFs(capability: base), at: base + 0x10, count: 2)
        let supported = dword(base + 0x1C)
        setTake(base + 0x20, count: 4, UInt64(supported))
        addHook(.sriovSystemPageSize(capability: base), at: base + 0x20, count: 4)
        applyBARs(count: 6, base: base + 0x24, sizes: sizes, slot: BARSlot.virtualFunctionBAR)
    }
}
