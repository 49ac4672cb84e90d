// PCI Express capability (ID 0x10): PCIe Base 6.x §7.5.3, registers.md §7. Which registers
// exist depends on the capability version (v1 structures end after what the port type needs)
// and on the Device/Port Type; registers a function type does not implement are reserved.
// Device registers are in +PCIExpressDevice, link registers in +PCIExpressLink, slot and root
// registers in +PCIExpressSlot.

extension RegisterCatalog {
    /// The PCI Express capability's registers, up to the length the catalog computes for it.
    static func pciExpressRegisters(at base: Int, in space: ConfigSpace, context: FunctionContext) -> [RegisterSpec] {
        guard let flags = space.word(at: base + 2),
            let length = CapabilityCatalog.length(
                of: .standard(.pciExpress), at: base, in: space, context: context
            ).bytes
        else {
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
    static func pciExpressDerivedValues(at base: Int, in space: ConfigSpace) -> [DerivedValue] {
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
