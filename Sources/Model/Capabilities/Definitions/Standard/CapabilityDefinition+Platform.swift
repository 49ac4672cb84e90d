// Vendor-Specific (0x09, PCIe r6.0 §7.9.4), Serial ATA (0x12, AHCI 1.3.1), Conventional PCI
// Advanced Features (0x13, PCIe r6.0 §7.9.21) and Flattening Portal Bridge (0x15, PCIe r6.0
// §7.8.11) capabilities.

extension CapabilityID {
    public static let vendorSpecific = CapabilityID(0x09)
    public static let sata = CapabilityID(0x12)
    public static let advancedFeatures = CapabilityID(0x13)
    public static let flatteningPortalBridge = CapabilityID(0x15)
}

extension CapabilityDefinition {
    static let platformFamily = [vendorSpecific, sata, advancedFeatures, flatteningPortalBridge]

    static let vendorSpecific = CapabilityDefinition(
        .standard(.vendorSpecific), "Vendor-Specific", abbreviation: "Vendor", setpci: "CAP_VNDR",
        reference: .pcie("7.9.4"),
        length: .computed("the length byte at +2 (at least 3)") { input in
            let reader = input.reader
            guard let length = reader.byte(2) else { return reader.unreadable(2) }
            return length < 3
                ? .unknown(.invalidField(ConfigOffset(input.base + 2), value: Int(length))) : .computed(Int(length))
        },
        registers: .computed { input, _ in
            RegisterCatalog.standardVendorSpecificRegisters(at: input.base, in: input.space)
        })

    static let sata = CapabilityDefinition(
        .standard(.sata), "Serial ATA Data/Index Configuration", abbreviation: "SATA", setpci: "CAP_SATA",
        reference: SpecReference("Serial ATA AHCI 1.3.1"),
        length: .computed("16 when the index/data pair is in configuration space, else 8") { input in
            let reader = input.reader
            return reader.byte(4).map { .computed($0 & 0xF == 0xF ? 16 : 8) } ?? reader.unreadable(4)
        },
        registers: .computed { input, _ in RegisterCatalog.sataRegisters(at: input.base, in: input.space) })

    static let advancedFeatures = CapabilityDefinition(
        .standard(.advancedFeatures), "Advanced Features", abbreviation: "AF", setpci: "CAP_AF",
        reference: .pcie("7.9.21"), length: .fixed(6), registers: .fixed(RegisterCatalog.advancedFeaturesRegisters),
        sections: [
            "Capability Header": "7.9.21.1", "AF Capabilities": "7.9.21.2", "AF Control": "7.9.21.3",
            "AF Status": "7.9.21.4",
        ],
        writeRules: { builder, base in
            builder.addHook(.advancedFeaturesControl(capability: base), at: base + 4, count: 1)
        })

    static let flatteningPortalBridge = CapabilityDefinition(
        .standard(.flatteningPortalBridge), "Flattening Portal Bridge", abbreviation: "FPB", reference: .pcie("7.8.11"),
        length: .fixed(0x24), registers: .fixed(RegisterCatalog.flatteningPortalBridgeRegisters))
}

extension RegisterCatalog {
    // MARK: - Vendor-Specific

    /// The header, the length byte and the vendor-defined body (+3 to the length), opaque.
    fileprivate static func standardVendorSpecificRegisters(at base: Int, in space: ConfigSpace) -> [RegisterSpec] {
        guard let length = space.byte(at: base + 2), length > 3 else { return vendorSpecificHead }
        return vendorSpecificHead + [opaque(3, width: Int(length) - 3, "Vendor-Specific Data", .vendorDefined)]
    }

    private static let vendorSpecificHead = [
        standardCapabilityHeader,
        RegisterSpec(
            2, width: 1, "Capability Length",
            fields: [
                RegisterField(0...7, "Capability Length", .readOnly, "Bytes in the whole capability, header included")
            ]),
    ]

    // MARK: - Serial ATA (8 or 16 bytes)

    /// The SATA registers; the index/data pair follows when BAR Location is 1111b.
    fileprivate static func sataRegisters(at base: Int, in space: ConfigSpace) -> [RegisterSpec] {
        guard let location = space.byte(at: base + 4), location & 0xF == 0xF else { return sataTable }
        return sataIndexDataTable
    }

    private static let sataTable = [
        standardCapabilityHeader,
        RegisterSpec(
            2, width: 2, "SATA Capability Register 0",
            fields: [
                RegisterField(0...3, "Minor Revision", .readOnly, "Minor revision of the SATA capability"),
                RegisterField(4...7, "Major Revision", .readOnly, "Major revision of the SATA capability"),
                RegisterField(8...15, "Reserved", .reservedPreserve, "Reserved"),
            ]),
        RegisterSpec(
            4, width: 4, "SATA Capability Register 1",
            fields: [
                RegisterField(
                    0...3, "BAR Location", .readOnly, "Where the index/data pair is",
                    .values([
                        FieldValueName(0x4, "BAR0 (0x10)"), FieldValueName(0x5, "BAR1 (0x14)"),
                        FieldValueName(0x6, "BAR2 (0x18)"), FieldValueName(0x7, "BAR3 (0x1C)"),
                        FieldValueName(0x8, "BAR4 (0x20)"), FieldValueName(0x9, "BAR5 (0x24)"),
                        FieldValueName(0xF, "in this capability (+8)"),
                    ])),
                RegisterField(4...23, "BAR Offset", .readOnly, "Offset of the index/data pair in the BAR, in dwords"),
                RegisterField(24...31, "Reserved", .reservedPreserve, "Reserved"),
            ]),
    ]

    private static let sataIndexDataTable =
        sataTable + [
            RegisterSpec(
                8, width: 4, "SATA Index",
                fields: [
                    RegisterField(0...1, "Reserved", .reservedPreserve, "Reserved"),
                    RegisterField(2...9, "Index", .readWrite, "AHCI register dword the Data register shows"),
                    RegisterField(10...31, "Reserved", .reservedPreserve, "Reserved"),
                ]),
            RegisterSpec(
                0x0C, width: 4, "SATA Data",
                fields: [
                    RegisterField(0...31, "Data", .readWrite, "The AHCI register selected by Index", .number)
                ]),
        ]

    // MARK: - Advanced Features (6 bytes)

    /// Advanced Features: capabilities, control (Initiate FLR) and status.
    fileprivate static let advancedFeaturesRegisters = [
        standardCapabilityHeader,
        RegisterSpec(
            2, width: 1, "AF Structure Length",
            fields: [RegisterField(0...7, "Length", .readOnly, "Bytes in the structure (06h)")]),
        RegisterSpec(
            3, width: 1, "AF Capabilities",
            fields: [
                RegisterField(0, "TP Capable", .readOnly, "Implements the Transactions Pending bit"),
                RegisterField(1, "FLR Capable", .readOnly, "Supports Function Level Reset"),
                RegisterField(2...7, "Reserved", .reservedPreserve, "Reserved"),
            ]),
        RegisterSpec(
            4, width: 1, "AF Control",
            fields: [
                RegisterField(0, "Initiate FLR", .writeOnlyReadsZero, "Write 1 to reset the function; reads 0"),
                RegisterField(1...7, "Reserved", .reservedPreserve, "Reserved"),
            ]),
        RegisterSpec(
            5, width: 1, "AF Status",
            fields: [
                RegisterField(0, "Transactions Pending", .readOnly, "Requests it issued still await completion"),
                RegisterField(1...7, "Reserved", .reservedZero, "Reserved"),
            ]),
    ]

    // MARK: - Flattening Portal Bridge (0x24 bytes)

    private static let granularityNote = "(log2 of the units each vector bit covers)"

    /// FPB capabilities, the RID and memory vector controls and the vector access window.
    fileprivate static let flatteningPortalBridgeRegisters = [
        standardCapabilityHeader,
        standardReservedRegister(2, width: 2, "Reserved", .reservedPreserve, "Reserved"),
        RegisterSpec(
            4, width: 4, "FPB Capabilities",
            fields: [
                RegisterField(0, "FPB RID Decode Mechanism Supported", .hardwareInit, "Has the Routing ID vector"),
                RegisterField(1, "FPB MEM Low Decode Mechanism Supported", .hardwareInit, "Has the below-4 GiB vector"),
                RegisterField(
                    2, "FPB MEM High Decode Mechanism Supported", .hardwareInit, "Has the above-4 GiB vector"),
                RegisterField(3...7, "FPB Num Sec Dev", .hardwareInit, "Device numbers used on the secondary side"),
                RegisterField(
                    8...10, "FPB RID Vector Size Supported", .hardwareInit, "Routing ID vector size (256 bits << value)"
                ),
                RegisterField(11...15, "Reserved", .reservedPreserve, "Reserved"),
                RegisterField(
                    16...18, "FPB MEM Low Vector Size Supported", .hardwareInit,
                    "MEM Low vector size (256 bits << value)"),
                RegisterField(19...23, "Reserved", .reservedPreserve, "Reserved"),
                RegisterField(
                    24...26, "FPB MEM High Vector Size Supported", .hardwareInit,
                    "MEM High vector size (256 bits << value)"),
                RegisterField(27...31, "Reserved", .reservedPreserve, "Reserved"),
            ]),
        RegisterSpec(
            8, width: 4, "FPB RID Vector Control 1",
            fields: [
                RegisterField(0, "FPB RID Decode Mechanism Enable", .readWrite, "Route IDs by the RID vector"),
                RegisterField(1...3, "Reserved", .reservedPreserve, "Reserved"),
                RegisterField(
                    4...7, "FPB RID Vector Granularity", .readWrite, "Routing IDs per vector bit " + granularityNote),
                RegisterField(8...18, "Reserved", .reservedPreserve, "Reserved"),
                RegisterField(
                    19...31, "FPB RID Vector Start", .readWrite, "Bits 15:3 of the first Routing ID the vector covers"),
            ]),
        RegisterSpec(
            0x0C, width: 4, "FPB RID Vector Control 2",
            fields: [
                RegisterField(0...2, "Reserved", .reservedPreserve, "Reserved"),
                RegisterField(
                    3...15, "FPB RID Secondary Start", .readWrite, "Bits 15:3 of the secondary side's first Routing ID"),
                RegisterField(16...31, "Reserved", .reservedPreserve, "Reserved"),
            ]),
        RegisterSpec(
            0x10, width: 4, "FPB MEM Low Vector Control",
            fields: [
                RegisterField(
                    0, "FPB MEM Low Decode Mechanism Enable", .readWrite, "Route memory below 4 GiB by vector"),
                RegisterField(1...3, "Reserved", .reservedPreserve, "Reserved"),
                RegisterField(
                    4...7, "FPB MEM Low Vector Granularity", .readWrite, "Memory per vector bit " + granularityNote),
                RegisterField(8...19, "Reserved", .reservedPreserve, "Reserved"),
                RegisterField(
                    20...31, "FPB MEM Low Vector Start", .readWrite, "Bits 31:20 of the first address covered",
                    .address),
            ]),
        RegisterSpec(
            0x14, width: 4, "FPB MEM High Vector Control 1",
            fields: [
                RegisterField(
                    0, "FPB MEM High Decode Mechanism Enable", .readWrite, "Route memory above 4 GiB by vector"),
                RegisterField(1...3, "Reserved", .reservedPreserve, "Reserved"),
                RegisterField(
                    4...7, "FPB MEM High Vector Granularity", .readWrite, "Memory per vector bit " + granularityNote),
                RegisterField(8...27, "Reserved", .reservedPreserve, "Reserved"),
                RegisterField(
                    28...31, "FPB MEM High Vector Start Lower", .readWrite, "Bits 31:28 of the first address covered",
                    .address),
            ]),
        RegisterSpec(
            0x18, width: 4, "FPB MEM High Vector Control 2",
            fields: [
                RegisterField(
                    0...31, "FPB MEM High Vector Start Upper", .readWrite, "Bits 63:32 of the first address covered",
                    .number)
            ]),
        RegisterSpec(
            0x1C, width: 4, "FPB Vector Access Control",
            fields: [
                RegisterField(
                    0...7, "FPB Vector Access Offset", .readWrite, "Dword of the selected vector to show in Data"),
                RegisterField(8...13, "Reserved", .reservedPreserve, "Reserved"),
                RegisterField(
                    14...15, "FPB Vector Select", .readWrite, "Which vector Data reads and writes",
                    .values([FieldValueName(0, "RID"), FieldValueName(1, "MEM Low"), FieldValueName(2, "MEM High")])),
                RegisterField(16...31, "Reserved", .reservedPreserve, "Reserved"),
            ]),
        RegisterSpec(
            0x20, width: 4, "FPB Vector Access Data",
            fields: [
                RegisterField(
                    0...31, "FPB Vector Access Data", .readWrite, "Vector bits at the selected offset", .number)
            ]),
    ]
}
