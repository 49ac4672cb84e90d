// Integrity and Data Encryption (extended capability 0x0030), PCIe r6.0 §7.9.26. Layout and
// bits from Linux pci_regs.h (PCI_IDE_CAP/CTL, PCI_IDE_LINK_*, PCI_IDE_SEL_*): 0x0C bytes of
// header, capability and control; 8 bytes per Link IDE stream (Number of TCs + 1, when link
// IDE is supported); then per Selective IDE stream 0x14 bytes plus 0x0C per address
// association block (that stream's capability bits 3:0), as the length rule counts them.

extension ExtendedCapabilityID {
    public static let integrityAndDataEncryption = ExtendedCapabilityID(0x0030)
}

extension CapabilityDefinition {
    static let integrityFamily = [integrityAndDataEncryption]

    static let integrityAndDataEncryption = CapabilityDefinition(
        .extended(.integrityAndDataEncryption), "Integrity and Data Encryption", abbreviation: "IDE",
        setpci: "ECAP_IDE", reference: .pcie("7.9.26"),
        length: .computed("header, link streams and selective streams with their address blocks", ideLength),
        registers: .computed { input, length in
            RegisterCatalog.integrityAndDataEncryptionRegisters(input.reader, length: length)
        },
        sections: [
            "Extended Capability Header": "7.9.26.1", "IDE Capability": "7.9.26.2", "IDE Control": "7.9.26.3",
            "Link IDE Stream # Control": "7.9.26.4.1", "Link IDE Stream # Status": "7.9.26.4.2",
            "Selective IDE Stream # Capability": "7.9.26.5.1", "Selective IDE Stream # Control": "7.9.26.5.2",
            "Selective IDE Stream # Status": "7.9.26.5.3", "Selective IDE Stream # RID Association 1": "7.9.26.5.4.1",
            "Selective IDE Stream # RID Association 2": "7.9.26.5.4.2",
            "Selective IDE Stream # Address Association # Register 1": "7.9.26.5.5.1",
            "Selective IDE Stream # Address Association # Register 2": "7.9.26.5.5.2",
            "Selective IDE Stream # Address Association # Register 3": "7.9.26.5.5.3",
        ])

    // IDE (PCIe 6.0 §7.9.26): 0x0C header/capability/control, 8 bytes per Link IDE stream
    // (Number of TCs + 1, when supported), then per Selective IDE stream 0x14 plus 0x0C per
    // address association block (that stream's capability bits 3:0).
    private static func ideLength(_ input: CapabilityInput) -> CapabilityLength {
        let reader = input.reader
        guard let capability = reader.dword(4) else { return reader.unreadable(4) }
        var length = 0x0C
        if capability & 1 != 0 { length += 8 * (Int(capability >> 13) & 7 + 1) }
        if capability & 2 != 0 {
            for _ in 0...(Int(capability >> 16) & 0xFF) {
                guard let streamCapability = reader.dword(length) else { return reader.unreadable(length) }
                length += 0x14 + 0x0C * Int(streamCapability & 0xF)
                if reader.base + length > ConfigSpace.extendedSize { break }
            }
        }
        return .computed(length)
    }
}

extension RegisterCatalog {
    fileprivate static func integrityAndDataEncryptionRegisters(_ reader: FieldReader, length: Int?) -> [RegisterSpec] {
        var registers = ideFixedRegisters
        guard let capability = reader.dword(4) else { return finished(registers, length: length) }
        var offset = 0x0C
        if capability & 1 != 0 {
            for stream in 0...(Int(capability >> 13) & 7) {
                registers.append(linkStreamControl.moved(by: offset, name: "Link IDE Stream \(stream) Control"))
                registers.append(linkStreamStatus.moved(by: offset, name: "Link IDE Stream \(stream) Status"))
                offset += 8
            }
        }
        if capability & 2 != 0 {
            for stream in 0...(Int(capability >> 16) & 0xFF) {
                guard reader.base + offset < ConfigSpace.extendedSize, let streamCapability = reader.dword(offset)
                else { break }
                let label = "Selective IDE Stream \(stream) "
                for register in selectiveStreamRegisters {
                    registers.append(register.moved(by: offset, name: label + register.name))
                }
                offset += 0x14
                for block in 0..<Int(streamCapability & 0xF) {
                    for register in addressAssociationRegisters {
                        registers.append(
                            register.moved(by: offset, name: label + "Address Association \(block) " + register.name))
                    }
                    offset += 0x0C
                }
            }
        }
        return finished(registers, length: length)
    }

    private static let aggregation = FieldDecoding.values([
        FieldValueName(0, "none"), FieldValueName(1, "up to 2"), FieldValueName(2, "up to 4"),
        FieldValueName(3, "up to 8"),
    ])

    private static let streamState = FieldDecoding.values([FieldValueName(0, "insecure"), FieldValueName(2, "secure")])

    private static let ideFixedRegisters: [RegisterSpec] = [
        extendedCapabilityHeader,
        RegisterSpec(
            0x04, width: 4, "IDE Capability",
            fields: [
                RegisterField(0, "Link IDE Stream Supported", .readOnly, "Supports link (hop-by-hop) IDE streams"),
                RegisterField(
                    1, "Selective IDE Streams Supported", .readOnly, "Supports selective (end-to-end) streams"),
                RegisterField(2, "Flow-Through IDE Stream Supported", .readOnly, "Can pass IDE TLPs through unchanged"),
                RegisterField(
                    3, "Partial Header Encryption Supported", .readOnly, "Can encrypt part of the TLP header"),
                RegisterField(4, "Aggregation Supported", .readOnly, "Can aggregate TLPs under one MAC"),
                RegisterField(5, "PCRC Supported", .readOnly, "Supports a plaintext CRC inside IDE TLPs"),
                RegisterField(6, "IDE_KM Protocol Supported", .readOnly, "Keys are managed with IDE_KM"),
                RegisterField(
                    7, "Selective IDE for Configuration Requests Supported", .readOnly, "Can protect config requests"),
                RegisterField(
                    8...12, "Supported Algorithms", .readOnly, "Cipher suites supported",
                    .values([FieldValueName(0, "AES-GCM 256, 96-bit MAC")])),
                RegisterField(
                    13...15, "Number of TCs Supported for Link IDE", .readOnly, "Link IDE streams", .countMinusOne),
                RegisterField(
                    16...23, "Number of Selective IDE Streams Supported", .readOnly, "Selective IDE streams",
                    .countMinusOne),
                RegisterField(24, "TEE-Limited Stream Supported", .readOnly, "Streams can be limited to TEE requests"),
                .reserved(25...31),
            ]),
        RegisterSpec(
            0x08, width: 4, "IDE Control",
            fields: [
                .reserved(0...1),
                RegisterField(2, "Flow-Through IDE Stream Enable", .readWrite, "Pass IDE TLPs through unchanged"),
                .reserved(3...31),
            ]),
    ]

    private static func streamControlFields(selective: Bool) -> [RegisterField] {
        var fields = [
            RegisterField(0, "Enable", .readWrite, "The stream is enabled"),
            .reserved(1),
            RegisterField(2...3, "Tx Aggregation Mode NPR", .readWrite, "Non-posted requests per MAC", aggregation),
            RegisterField(4...5, "Tx Aggregation Mode PR", .readWrite, "Posted requests per MAC", aggregation),
            RegisterField(6...7, "Tx Aggregation Mode CPL", .readWrite, "Completions per MAC", aggregation),
            RegisterField(8, "PCRC Enable", .readWrite, "Add a plaintext CRC"),
        ]
        fields.append(
            selective
                ? RegisterField(
                    9, "Selective IDE for Configuration Requests Enable", .readWrite, "Protect config requests")
                : .reserved(9))
        fields += [
            RegisterField(
                10...13, "Partial Header Encryption Mode", .readWrite, "Header bytes encrypted (0: none)", .number),
            RegisterField(14...18, "Selected Algorithm", .readWrite, "Cipher suite in use", .number),
            RegisterField(19...21, "TC", .readWrite, "Traffic class the stream carries", .number),
        ]
        fields +=
            selective
            ? [
                RegisterField(22, "Default Stream", .readWrite, "Carries requests no other stream claims"),
                RegisterField(23, "TEE-Limited Stream", .readWrite, "Only TEE requests use the stream"),
            ]
            : [.reserved(22...23)]
        fields.append(RegisterField(24...31, "Stream ID", .readWrite, "ID carried in the stream's TLPs", .number))
        return fields
    }

    private static let streamStatusFields = [
        RegisterField(0...3, "State", .readOnly, "Security state of the stream", streamState),
        .reserved(4...30, .reservedZero),
        RegisterField(
            31, "Received Integrity Check Fail Message", .writeOneToClear, "The partner reported an IDE failure"),
    ]

    private static let linkStreamControl = RegisterSpec(
        0x00, width: 4, "Control", fields: streamControlFields(selective: false))
    private static let linkStreamStatus = RegisterSpec(0x04, width: 4, "Status", fields: streamStatusFields)

    private static let selectiveStreamRegisters: [RegisterSpec] = [
        RegisterSpec(
            0x00, width: 4, "Capability",
            fields: [
                RegisterField(
                    0...3, "Number of Address Association Register Blocks", .readOnly,
                    "Address ranges the stream can match",
                    .number),
                .reserved(4...31),
            ]),
        RegisterSpec(0x04, width: 4, "Control", fields: streamControlFields(selective: true)),
        RegisterSpec(0x08, width: 4, "Status", fields: streamStatusFields),
        RegisterSpec(
            0x0C, width: 4, "RID Association 1",
            fields: [
                .reserved(0...7),
                RegisterField(8...23, "RID Limit", .readWrite, "Highest requester ID mapped to the stream", .routingID),
                .reserved(24...31),
            ]),
        RegisterSpec(
            0x10, width: 4, "RID Association 2",
            fields: [
                RegisterField(0, "Valid", .readWrite, "The RID range is valid"),
                .reserved(1...7),
                RegisterField(8...23, "RID Base", .readWrite, "Lowest requester ID mapped to the stream", .routingID),
                RegisterField(24...31, "RID Segment Base", .readWrite, "Segment of the RID range", .number),
            ]),
    ]

    private static let addressAssociationRegisters: [RegisterSpec] = [
        RegisterSpec(
            0x00, width: 4, "Register 1",
            fields: [
                RegisterField(0, "Valid", .readWrite, "The address range is valid"),
                .reserved(1...7),
                RegisterField(8...19, "Memory Base Lower", .readWrite, "Address bits 31:20 of the range base", .number),
                RegisterField(
                    20...31, "Memory Limit Lower", .readWrite, "Address bits 31:20 of the range limit", .number),
            ]),
        whole(
            0x04, width: 4, "Register 2 (Memory Limit Upper)", .readWrite, "Address bits 63:32 of the limit", .number),
        whole(0x08, width: 4, "Register 3 (Memory Base Upper)", .readWrite, "Address bits 63:32 of the base", .number),
    ]
}
