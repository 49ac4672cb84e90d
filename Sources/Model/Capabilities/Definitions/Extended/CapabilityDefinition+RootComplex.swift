// Root complex topology capabilities: RC Link Declaration (0x0005, PCIe r6.0 §7.9.8), RC
// Internal Link Control (0x0006, §7.9.9), RC Event Collector Endpoint Association (0x0007,
// §7.9.10) and RCRB Header (0x000A, §7.9.7). Offsets from pciutils lib/header.h (PCI_RCLINK_*,
// PCI_RCEC_*) and Linux pci_regs.h (PCI_RCEC_BUSN); bit fields from NetBSD pcireg.h
// (PCI_RCLINK_DCL_*) and, for RCILC and RCRB, the pcics crate's documented layouts.

extension ExtendedCapabilityID {
    public static let rootComplexLinkDeclaration = ExtendedCapabilityID(0x0005)
    public static let rootComplexInternalLinkControl = ExtendedCapabilityID(0x0006)
    public static let rootComplexEventCollectorAssociation = ExtendedCapabilityID(0x0007)
    public static let rootComplexRegisterBlock = ExtendedCapabilityID(0x000A)
}

extension CapabilityDefinition {
    static let rootComplexFamily = [
        rootComplexLinkDeclaration, rootComplexInternalLinkControl, rootComplexEventCollectorAssociation,
        rootComplexRegisterBlock,
    ]

    static let rootComplexLinkDeclaration = CapabilityDefinition(
        .extended(.rootComplexLinkDeclaration), "Root Complex Link Declaration", abbreviation: "RCLD",
        setpci: "ECAP_RCLINK", reference: .pcie("7.9.8"),
        length: .computed("0x10 + 0x10 per link entry (the count at +4, bits 15:8)") { input in
            let reader = input.reader
            guard let description = reader.dword(4) else { return reader.unreadable(4) }
            return .computed(0x10 + 0x10 * (Int(description >> 8) & 0xFF))
        },
        registers: .computed { input, length in
            RegisterCatalog.rootComplexLinkDeclarationRegisters(input.reader, length: length)
        },
        sections: [
            "Extended Capability Header": "7.9.8.1", "Element Self Description": "7.9.8.2",
            "Link Entry # Description": "7.9.8.3.1",
            "Link Entry # Address": "7.9.8.3.2",
        ])

    static let rootComplexInternalLinkControl = CapabilityDefinition(
        .extended(.rootComplexInternalLinkControl), "Root Complex Internal Link Control", abbreviation: "RCILC",
        setpci: "ECAP_RCILINK", reference: .pcie("7.9.9"), length: .fixed(0x0C),
        registers: .fixed(RegisterCatalog.rootComplexInternalLinkControlRegisters),
        sections: [
            "Extended Capability Header": "7.9.9.1", "Root Complex Link Capabilities": "7.9.9.2",
            "Root Complex Link Control": "7.9.9.3",
            "Root Complex Link Status": "7.9.9.4",
        ])

    static let rootComplexEventCollectorAssociation = CapabilityDefinition(
        .extended(.rootComplexEventCollectorAssociation), "Root Complex Event Collector Endpoint Association",
        abbreviation: "RCEC", setpci: "ECAP_RCEC", reference: .pcie("7.9.10"),
        length: .computed("8, or 0x0C from version 2 (the bus number range)") { input in
            let reader = input.reader
            guard let header = reader.dword(0) else { return reader.unreadable(0) }
            return .computed((header >> 16) & 0xF >= 2 ? 0x0C : 0x08)
        },
        registers: .computed { input, _ in RegisterCatalog.rcecAssociationRegisters(version: input.version) },
        sections: [
            "Extended Capability Header": "7.9.10.1", "Association Bitmap for RCiEPs": "7.9.10.2",
            "RCEC Associated Bus Numbers": "7.9.10.3",
        ])

    static let rootComplexRegisterBlock = CapabilityDefinition(
        .extended(.rootComplexRegisterBlock), "Root Complex Register Block Header", abbreviation: "RCRB",
        setpci: "ECAP_RBCB", reference: .pcie("7.9.7"), length: .fixed(0x14),
        registers: .fixed(RegisterCatalog.rcrbHeaderRegisters),
        sections: [
            "Extended Capability Header": "7.9.7.1", "Vendor ID": "7.9.7.2", "Device ID": "7.9.7.2",
            "RCRB Capabilities": "7.9.7.3", "RCRB Control": "7.9.7.4",
        ])
}

extension RegisterCatalog {
    // MARK: - RC Link Declaration

    /// Element Self Description, then 16 bytes per link entry (description, reserved, address).
    fileprivate static func rootComplexLinkDeclarationRegisters(_ reader: FieldReader, length: Int?) -> [RegisterSpec] {
        var registers = [
            extendedCapabilityHeader,
            RegisterSpec(
                0x04, width: 4, "Element Self Description",
                fields: [
                    RegisterField(
                        0...3, "Element Type", .hardwareInit, "Kind of root complex element",
                        .values([
                            FieldValueName(0, "configuration space element"),
                            FieldValueName(1, "system egress port or internal sink"),
                            FieldValueName(2, "internal root complex link"),
                        ])),
                    .reserved(4...7),
                    RegisterField(8...15, "Number of Link Entries", .hardwareInit, "Link entries that follow", .number),
                    RegisterField(
                        16...23, "Component ID", .hardwareInit, "Root complex component of this element", .number),
                    RegisterField(24...31, "Port Number", .hardwareInit, "Port number of this element", .number),
                ]),
            reservedRegister(0x08, width: 8),
        ]
        let entries = Int((reader.dword(4) ?? 0) >> 8) & 0xFF
        for entry in 0..<entries {
            let offset = 0x10 + 0x10 * entry
            let isConfigurationSpace = (reader.dword(offset) ?? 0) & 2 != 0
            registers.append(linkDescription.moved(by: offset, name: "Link Entry \(entry) Description"))
            registers.append(reservedRegister(offset + 4, width: 4))
            registers.append(
                (isConfigurationSpace ? configurationLinkAddress : memoryLinkAddress)
                    .moved(by: offset, name: "Link Entry \(entry) Address"))
        }
        return finished(registers, length: length)
    }

    private static let linkDescription = RegisterSpec(
        0x00, width: 4, "Link Description",
        fields: [
            RegisterField(0, "Link Valid", .hardwareInit, "This link entry is valid"),
            RegisterField(
                1, "Link Type", .hardwareInit, "0: target is memory-mapped (RCRB); 1: target is configuration space"),
            RegisterField(2, "Associate RCRB Header", .hardwareInit, "The target has an RCRB Header capability"),
            .reserved(3...15),
            RegisterField(16...23, "Target Component ID", .hardwareInit, "Component ID of the link's target", .number),
            RegisterField(24...31, "Target Port Number", .hardwareInit, "Port number of the link's target", .number),
        ])

    private static let memoryLinkAddress = RegisterSpec(
        0x08, width: 8, "Link Address",
        fields: [
            .reserved(0...11),
            RegisterField(12...63, "Link Address", .hardwareInit, "Memory address of the target's RCRB", .address),
        ])

    private static let configurationLinkAddress = RegisterSpec(
        0x08, width: 8, "Link Address",
        fields: [
            RegisterField(0...2, "N", .hardwareInit, "Bus-number bits in the address (0 means 8)", .number),
            .reserved(3...11),
            RegisterField(12...14, "Function Number", .hardwareInit, "Function of the target", .number),
            RegisterField(15...19, "Device Number", .hardwareInit, "Device of the target", .number),
            RegisterField(
                20...63, "Bus Number and Configuration Base", .hardwareInit,
                "Bus number in the low N bits, configuration space base above", .address),
        ])

    // MARK: - RC Internal Link Control

    fileprivate static let rootComplexInternalLinkControlRegisters: [RegisterSpec] = [
        extendedCapabilityHeader,
        RegisterSpec(
            0x04, width: 4, "Root Complex Link Capabilities",
            fields: [
                RegisterField(0...3, "Max Link Speed", .readOnly, "Fastest speed of the internal link", .linkSpeed),
                RegisterField(4...9, "Maximum Link Width", .readOnly, "Widest width of the internal link", .linkWidth),
                RegisterField(
                    10...11, "ASPM Support", .readOnly, "Link power states supported",
                    .values([
                        FieldValueName(0, "none"), FieldValueName(1, "L0s"), FieldValueName(2, "L1"),
                        FieldValueName(3, "L0s and L1"),
                    ])),
                RegisterField(12...14, "L0s Exit Latency", .readOnly, "Time to leave L0s (encoded)", .number),
                RegisterField(15...17, "L1 Exit Latency", .readOnly, "Time to leave L1 (encoded)", .number),
                RegisterField(18...24, "Supported Link Speeds Vector", .readOnly, "Speeds supported", .linkSpeedVector),
                .reserved(25...31),
            ]),
        RegisterSpec(
            0x08, width: 2, "Root Complex Link Control",
            fields: [
                RegisterField(
                    0...1, "ASPM Control", .readWrite, "Link power states enabled",
                    .values([
                        FieldValueName(0, "disabled"), FieldValueName(1, "L0s"), FieldValueName(2, "L1"),
                        FieldValueName(3, "L0s and L1"),
                    ])),
                .reserved(2...6),
                RegisterField(7, "Extended Synch", .readWrite, "Send extra ordered sets when leaving L0s"),
                .reserved(8...15),
            ]),
        RegisterSpec(
            0x0A, width: 2, "Root Complex Link Status",
            fields: [
                RegisterField(0...3, "Current Link Speed", .readOnly, "Speed the internal link runs at", .linkSpeed),
                RegisterField(4...9, "Negotiated Link Width", .readOnly, "Width the internal link runs at", .linkWidth),
                .reserved(10...15, .reservedZero),
            ]),
    ]

    // MARK: - RCEC Endpoint Association

    /// The RCiEP bitmap; from version 2 also the associated bus number range.
    fileprivate static func rcecAssociationRegisters(version: Int) -> [RegisterSpec] {
        version >= 2 ? rcecRegisters + [rcecBusNumbers] : rcecRegisters
    }

    private static let rcecRegisters: [RegisterSpec] = [
        extendedCapabilityHeader,
        RegisterSpec(
            0x04, width: 4, "Association Bitmap for RCiEPs",
            fields: flagFields(0...31, .hardwareInit, name: { "Device \($0)" }) {
                "The RCiEP at device \($0) on this bus reports errors here"
            }),
    ]

    private static let rcecBusNumbers = RegisterSpec(
        0x08, width: 4, "RCEC Associated Bus Numbers",
        fields: [
            .reserved(0...7),
            RegisterField(
                8...15, "RCEC Next Bus", .hardwareInit, "First associated bus (FFh with last 00h: none)", .busNumber),
            RegisterField(16...23, "RCEC Last Bus", .hardwareInit, "Last associated bus", .busNumber),
            .reserved(24...31),
        ])

    // MARK: - RCRB Header

    fileprivate static let rcrbHeaderRegisters: [RegisterSpec] = [
        extendedCapabilityHeader,
        whole(0x04, width: 2, "Vendor ID", .readOnly, "Vendor of the root complex register block", .vendorID),
        whole(0x06, width: 2, "Device ID", .readOnly, "Vendor-assigned ID of the register block"),
        RegisterSpec(
            0x08, width: 4, "RCRB Capabilities",
            fields: [
                RegisterField(
                    0, "CRS Software Visibility", .readOnly, "Can return configuration retry status to software"),
                .reserved(1...31),
            ]),
        RegisterSpec(
            0x0C, width: 4, "RCRB Control",
            fields: [
                RegisterField(
                    0, "CRS Software Visibility Enable", .readWrite, "Return configuration retry status to software"),
                .reserved(1...31),
            ]),
        reservedRegister(0x10, width: 4, .reservedZero),
    ]
}
