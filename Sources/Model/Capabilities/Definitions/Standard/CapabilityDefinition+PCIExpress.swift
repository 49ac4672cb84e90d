// PCI Express capability (ID 0x10): PCIe r6.0 §7.5.3. Which registers exist depends on the
// capability version (v1 structures end after what the port type needs) and on the
// Device/Port Type; registers a function type does not implement are reserved. Device
// registers are in PCIExpress/RegisterCatalog+PCIExpressDevice, link registers in +Link, slot
// and root registers in +Slot.

extension CapabilityID {
    /// PCI Express (PCIe r6.0 §7.5.3).
    public static let pciExpress = CapabilityID(0x10)
}

extension CapabilityDefinition {
    static let pciExpressFamily = [pciExpress]

    static let pciExpress = CapabilityDefinition(
        .standard(.pciExpress), "PCI Express", abbreviation: "PCIe", setpci: "CAP_EXP", reference: .pcie("7.5.3"),
        length: .computed("by capability version and Device/Port Type", pciExpressLength),
        registers: .computed { input, length in
            RegisterCatalog.pciExpressRegisters(at: input.base, in: input.space, length: length, context: input.context)
        },
        sections: [
            "Capability Header": "7.5.3.1", "PCI Express Capabilities": "7.5.3.2", "Device Capabilities": "7.5.3.3",
            "Device Control": "7.5.3.4", "Device Status": "7.5.3.5", "Link Capabilities": "7.5.3.6",
            "Link Control": "7.5.3.7", "Link Status": "7.5.3.8", "Slot Capabilities": "7.5.3.9",
            "Slot Control": "7.5.3.10", "Slot Status": "7.5.3.11", "Root Control": "7.5.3.12",
            "Root Capabilities": "7.5.3.13", "Root Status": "7.5.3.14", "Device Capabilities 2": "7.5.3.15",
            "Device Control 2": "7.5.3.16", "Device Status 2": "7.5.3.17", "Link Capabilities 2": "7.5.3.18",
            "Link Control 2": "7.5.3.19", "Link Status 2": "7.5.3.20", "Slot Capabilities 2": "7.5.3.21",
            "Slot Control 2": "7.5.3.22", "Slot Status 2": "7.5.3.23",
        ],
        derivedValues: { input in RegisterCatalog.pciExpressDerivedValues(at: input.base, in: input.space) },
        writeRules: { builder, base in
            builder.applyExpress(at: base)
            // Version 2 defines every register up to Slot Status 2 (0x3C); those a function
            // does not implement (the slot registers 2 without a slot) are RsvdZ (§7.5.3).
            if builder.word(base + 2) & 0xF >= 2 { builder.reserveUnimplemented(base, through: 0x3C) }
            if builder.isPlaced(base + 9) && builder.rules[base + 9].action & 0x80 != 0 {
                builder.addHook(.expressDeviceControl(capability: base), at: base + 8, count: 2)
            }
        })

    /// Version 1 structures end after the registers their port type needs; version 2 defines
    /// every register (those not applicable are reserved). Lengths follow Linux and QEMU: v1
    /// 0x0C (RC integrated) / 0x14 / 0x1C (slot) / 0x24 (root); v2 0x2C (RC integrated) / 0x34
    /// (endpoints, upstream, bridges) / 0x3C (root and downstream ports).
    private static func pciExpressLength(_ input: CapabilityInput) -> CapabilityLength {
        let reader = input.reader
        guard let flags = reader.word(2) else { return reader.unreadable(2) }
        let portType = PortType(rawValue: Int(flags >> 4) & 0xF)
        let version = Int(flags & 0xF)
        if version >= 2 {
            if portType.isRootComplexIntegrated { return .computed(0x2C) }
            return .computed(portType.isDownstreamFacing ? 0x3C : 0x34)
        }
        if portType.hasRootRegisters { return .computed(0x24) }
        if portType.isRootComplexIntegrated { return .computed(0x0C) }
        return .computed(portType == .downstreamPort ? 0x1C : 0x14)
    }
}

extension AccessMapBuilder {
    /// PCI Express capability (PCIe r6 §7.5.3.4, §7.5.3.7, §7.5.3.16): controls whose feature
    /// the capability registers do not advertise are hardwired to 0.
    fileprivate mutating func applyExpress(at base: Int) {
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
}

extension RegisterCatalog {
    /// The PCI Express capability's registers, up to the length the catalog computes for it.
    fileprivate static func pciExpressRegisters(
        at base: Int, in space: ConfigSpace, length: Int?, context: FunctionContext
    ) -> [RegisterSpec] {
        guard let flags = space.word(at: base + 2), let length else {
            return [standardCapabilityHeader, pciExpressCapabilitiesRegister]
        }
        let portType = PortType(rawValue: Int(flags >> 4) & 0xF)
        let isVF = context.isVirtualFunction
        let hasLink = !portType.isRootComplexIntegrated
        let hasSlot = portType.isDownstreamFacing && flags & 0x100 != 0

        var registers = [RegisterSpec]()
        registers.reserveCapacity(24)
        registers.append(standardCapabilityHeader)
        registers.append(pciExpressCapabilitiesRegister)
        registers.append(pciExpressDeviceCapabilities)
        registers.append(pciExpressDeviceControl(portType: portType, isVirtualFunction: isVF))
        registers.append(pciExpressDeviceStatus)
        if length > 0x0C {
            registers += hasLink ? pciExpressLinkRegisters(portType: portType, isVirtualFunction: isVF) : noLink
        }
        if length > 0x14 {
            registers += hasSlot ? pciExpressSlotRegisters : noSlot
        }
        if length > 0x1C {
            registers += portType.hasRootRegisters ? pciExpressRootRegisters : noRoot
        }
        if length > 0x24 {
            registers += pciExpressDevice2Registers(portType: portType)
        }
        if length > 0x2C {
            registers += hasLink ? pciExpressLink2Registers(portType: portType) : noLink2
        }
        if length > 0x34 {
            registers += hasSlot ? pciExpressSlot2Registers : noSlot2
        }
        return registers
    }

    /// The Device/Port Type, named.
    fileprivate static func pciExpressDerivedValues(at base: Int, in space: ConfigSpace) -> [DerivedValue] {
        guard let flags = space.word(at: base + 2) else { return [] }
        let type = UInt64(flags >> 4) & 0xF
        return [DerivedValue("Device/Port Type", pciExpressPortTypeNames.decode(type, lowBit: 4))]
    }

    private static let pciExpressPortTypeNames = FieldDecoding.values([
        FieldValueName(0x0, "PCI Express Endpoint"), FieldValueName(0x1, "Legacy PCI Express Endpoint"),
        FieldValueName(0x4, "Root Port"), FieldValueName(0x5, "Switch Upstream Port"),
        FieldValueName(0x6, "Switch Downstream Port"), FieldValueName(0x7, "PCI Express to PCI/PCI-X Bridge"),
        FieldValueName(0x8, "PCI/PCI-X to PCI Express Bridge"),
        FieldValueName(0x9, "Root Complex Integrated Endpoint"),
        FieldValueName(0xA, "Root Complex Event Collector"),
    ])

    /// PCI Express Capabilities (+2), PCIe §7.5.3.2.
    private static let pciExpressCapabilitiesRegister = RegisterSpec(
        2, width: 2, "PCI Express Capabilities",
        fields: [
            RegisterField(0...3, "Capability Version", .readOnly, "1: PCIe 1.x layout; 2: every register defined"),
            RegisterField(
                4...7, "Device/Port Type", .readOnly, "What kind of function or port this is", pciExpressPortTypeNames),
            RegisterField(
                8, "Slot Implemented", .hardwareInit,
                "Root or Downstream Port: the link goes to a slot, not soldered down"),
            RegisterField(
                9...13, "Interrupt Message Number", .readOnly,
                "MSI/MSI-X vector used for this capability's status interrupts"),
            RegisterField(
                14, "Undefined (formerly TCS Routing Supported)", .readOnly, "No longer defined; ignore its value"),
            RegisterField(15, "Flit Mode Supported", .readOnly, "The port supports Flit Mode"),
        ])

    // MARK: - Registers a function type does not implement

    private static let noLink = [
        standardReservedRegister(
            0x0C, width: 4, "Link Capabilities (no link)", .reservedPreserve,
            "Root Complex integrated functions have no link"),
        standardReservedRegister(
            0x10, width: 2, "Link Control (no link)", .reservedPreserve,
            "Root Complex integrated functions have no link"),
        standardReservedRegister(
            0x12, width: 2, "Link Status (no link)", .reservedZero, "Root Complex integrated functions have no link"),
    ]

    private static let noSlot = [
        standardReservedRegister(
            0x14, width: 4, "Slot Capabilities (no slot)", .reservedPreserve,
            "Only Root and Downstream Ports with Slot Implemented have slot registers"),
        standardReservedRegister(
            0x18, width: 2, "Slot Control (no slot)", .reservedPreserve,
            "Only Root and Downstream Ports with Slot Implemented have slot registers"),
        standardReservedRegister(
            0x1A, width: 2, "Slot Status (no slot)", .reservedZero,
            "Only Root and Downstream Ports with Slot Implemented have slot registers"),
    ]

    private static let noRoot = [
        standardReservedRegister(
            0x1C, width: 2, "Root Control (not a root)", .reservedPreserve,
            "Only Root Ports and Root Complex Event Collectors have root registers"),
        standardReservedRegister(
            0x1E, width: 2, "Root Capabilities (not a root)", .reservedPreserve,
            "Only Root Ports and Root Complex Event Collectors have root registers"),
        standardReservedRegister(
            0x20, width: 4, "Root Status (not a root)", .reservedZero,
            "Only Root Ports and Root Complex Event Collectors have root registers"),
    ]

    private static let noLink2 = [
        standardReservedRegister(
            0x2C, width: 4, "Link Capabilities 2 (no link)", .reservedPreserve,
            "Root Complex integrated functions have no link"),
        standardReservedRegister(
            0x30, width: 2, "Link Control 2 (no link)", .reservedPreserve,
            "Root Complex integrated functions have no link"),
        standardReservedRegister(
            0x32, width: 2, "Link Status 2 (no link)", .reservedZero, "Root Complex integrated functions have no link"),
    ]

    private static let noSlot2 = [
        standardReservedRegister(
            0x34, width: 4, "Slot Capabilities 2 (no slot)", .reservedPreserve,
            "Only Root and Downstream Ports with Slot Implemented have slot registers"),
        standardReservedRegister(
            0x38, width: 2, "Slot Control 2 (no slot)", .reservedPreserve,
            "Only Root and Downstream Ports with Slot Implemented have slot registers"),
        standardReservedRegister(
            0x3A, width: 2, "Slot Status 2 (no slot)", .reservedZero,
            "Only Root and Downstream Ports with Slot Implemented have slot registers"),
    ]
}
