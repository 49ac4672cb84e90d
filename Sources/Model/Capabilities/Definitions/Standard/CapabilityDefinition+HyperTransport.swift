// HyperTransport capability (ID 0x08): HyperTransport I/O Link Specification 3.10. The
// Command register at +2 names the capability type: bits 15:13 for the Slave/Primary (000)
// and Host/Secondary (001) interface blocks, bits 15:11 for every other type. Only the
// interface blocks' command bits and the MSI Mapping registers are decoded; the rest of an
// interface block is shown as one block.

extension CapabilityID {
    /// HyperTransport (HyperTransport I/O Link Specification).
    public static let hyperTransport = CapabilityID(0x08)
}

extension CapabilityDefinition {
    static let hyperTransportFamily = [hyperTransport]

    static let hyperTransport = CapabilityDefinition(
        .standard(.hyperTransport), "HyperTransport", abbreviation: "HT", setpci: "CAP_HT",
        reference: SpecReference("HyperTransport I/O Link Specification 3.10"),
        length: .computed("by the capability type in bits 15:11 at +2", hyperTransportLength),
        registers: .computed { input, _ in RegisterCatalog.hyperTransportRegisters(at: input.base, in: input.space) })

    // HyperTransport (HT I/O Link Spec 3.10 §7): the capability type in the top bits at +3.
    private static func hyperTransportLength(_ input: CapabilityInput) -> CapabilityLength {
        let reader = input.reader
        guard let command = reader.byte(3) else { return reader.unreadable(3) }
        switch command & 0xE0 {
        case 0x00: return .computed(0x1C)  // Slave/Primary Interface
        case 0x20: return .computed(0x18)  // Host/Secondary Interface
        default: break
        }
        switch command & 0xF8 {
        case 0x80: return .computed(8)  // Interrupt Discovery and Configuration: index at +2, data at +4
        case 0x88: return .computed(4)  // Revision ID
        case 0xA8:  // MSI Mapping: the address registers are absent when Fixed (bit 1 at +2) is set
            guard let flags = reader.byte(2) else { return reader.unreadable(2) }
            return .computed(flags & 2 != 0 ? 4 : 12)
        default: return .unknown(.notCatalogued)
        }
    }
}

extension RegisterCatalog {
    /// The HyperTransport registers for the capability type at +2.
    fileprivate static func hyperTransportRegisters(at base: Int, in space: ConfigSpace) -> [RegisterSpec] {
        guard let command = space.word(at: base + 2) else { return [standardCapabilityHeader] }
        switch command >> 13 {
        case 0: return hyperTransportSlaveTable
        case 1: return hyperTransportHostTable
        default: break
        }
        switch command >> 11 {
        case 0x10: return hyperTransportInterruptTable
        case 0x11: return hyperTransportRevisionTable
        case 0x15: return command & 2 != 0 ? hyperTransportFixedMSIMappingTable : hyperTransportMSIMappingTable
        default: return hyperTransportOtherTable
        }
    }

    private static let hyperTransportTypeNames = FieldDecoding.values([
        FieldValueName(0x08, "Switch"), FieldValueName(0x10, "Interrupt Discovery and Configuration"),
        FieldValueName(0x11, "Revision ID"), FieldValueName(0x12, "UnitID Clumping"),
        FieldValueName(0x13, "Extended Configuration Space Access"), FieldValueName(0x14, "Address Mapping"),
        FieldValueName(0x15, "MSI Mapping"), FieldValueName(0x16, "DirectRoute"), FieldValueName(0x17, "VCSet"),
        FieldValueName(0x18, "Retry Mode"), FieldValueName(0x19, "X86 Encoding"), FieldValueName(0x1A, "Gen3"),
    ])

    private static let hyperTransportTypeField = RegisterField(
        11...15, "Capability Type", .readOnly, "Which HyperTransport block this is", hyperTransportTypeNames)

    private static let hyperTransportSlaveTable = [
        standardCapabilityHeader,
        RegisterSpec(
            2, width: 2, "Command",
            fields: [
                RegisterField(0...4, "Base UnitID", .readWrite, "First UnitID the device answers to on the chain"),
                RegisterField(5...9, "Unit Count", .readOnly, "Number of UnitIDs the device uses"),
                RegisterField(10, "Master Host", .readOnly, "Which link (0 or 1) leads to the master host"),
                RegisterField(
                    11, "Default Direction", .readWrite, "Send requests towards the master host (0) or away (1)"),
                RegisterField(
                    12, "Drop on Uninitialized Link", .readWrite, "Discard packets sent to a link that is not up"),
                RegisterField(
                    13...15, "Capability Type", .readOnly, "Interface block kind",
                    .values([FieldValueName(0, "Slave or Primary Interface")])),
            ]),
        opaque(4, width: 0x18, "Link Control, Configuration, Frequency and Error Registers", .undocumented),
    ]

    private static let hyperTransportHostTable = [
        standardCapabilityHeader,
        RegisterSpec(
            2, width: 2, "Command",
            fields: [
                RegisterField(0, "Warm Reset", .readWrite, "Secondary bus reset is a warm reset"),
                RegisterField(1, "Double-Ended", .readWrite, "Another host sits at the far end of the chain"),
                RegisterField(2...6, "Device Number", .readWrite, "Device number used for this host's requests"),
                RegisterField(7, "Chain Side", .readOnly, "Which side of a double-ended chain this host is on"),
                RegisterField(8, "Host Hide", .readWrite, "Hide the host from configuration accesses on the chain"),
                RegisterField(9, "Reserved", .reservedPreserve, "Reserved"),
                RegisterField(10, "Act as Slave", .readWrite, "The host behaves like a slave on the chain"),
                RegisterField(
                    11, "Host Inbound End of Chain Error", .writeOneToClear, "A request arrived at the end of the chain"
                ),
                RegisterField(
                    12, "Drop on Uninitialized Link", .readWrite, "Discard packets sent to a link that is not up"),
                RegisterField(
                    13...15, "Capability Type", .readOnly, "Interface block kind",
                    .values([FieldValueName(1, "Host or Secondary Interface")])),
            ]),
        opaque(4, width: 0x14, "Link Control, Configuration, Frequency and Error Registers", .undocumented),
    ]

    private static let hyperTransportInterruptTable = [
        standardCapabilityHeader,
        RegisterSpec(
            2, width: 2, "Index",
            fields: [
                RegisterField(0...7, "Index", .readWrite, "Selects the interrupt register the Data register shows"),
                RegisterField(8...10, "Reserved", .reservedPreserve, "Reserved"),
                hyperTransportTypeField,
            ]),
        RegisterSpec(
            4, width: 4, "Data",
            fields: [RegisterField(0...31, "Data", .readWrite, "The interrupt register selected by Index", .number)]),
    ]

    private static let hyperTransportRevisionTable = [
        standardCapabilityHeader,
        RegisterSpec(
            2, width: 2, "Revision ID",
            fields: [
                RegisterField(0...4, "Minor Revision", .readOnly, "Minor revision of the HyperTransport specification"),
                RegisterField(5...7, "Major Revision", .readOnly, "Major revision of the HyperTransport specification"),
                RegisterField(8...10, "Reserved", .reservedPreserve, "Reserved"),
                hyperTransportTypeField,
            ]),
    ]

    private static let hyperTransportMSIMappingCommand = RegisterSpec(
        2, width: 2, "Command",
        fields: [
            RegisterField(0, "Enable", .readWrite, "Map MSI writes in the mapping window to HyperTransport interrupts"),
            RegisterField(1, "Fixed", .readOnly, "The window is fixed at 0xFEE00000 (no address registers)"),
            RegisterField(2...10, "Reserved", .reservedPreserve, "Reserved"),
            hyperTransportTypeField,
        ])

    private static let hyperTransportFixedMSIMappingTable = [standardCapabilityHeader, hyperTransportMSIMappingCommand]

    private static let hyperTransportMSIMappingTable = [
        standardCapabilityHeader, hyperTransportMSIMappingCommand,
        RegisterSpec(
            4, width: 4, "MSI Mapping Address Lower",
            fields: [
                RegisterField(0...19, "Reserved", .reservedPreserve, "Reserved"),
                RegisterField(
                    20...31, "Address Lower", .readWrite, "Bits 31:20 of the MSI mapping window (1 MiB aligned)",
                    .address),
            ]),
        RegisterSpec(
            8, width: 4, "MSI Mapping Address Upper",
            fields: [
                RegisterField(0...31, "Address Upper", .readWrite, "Bits 63:32 of the MSI mapping window", .number)
            ]),
    ]

    private static let hyperTransportOtherTable = [
        standardCapabilityHeader,
        RegisterSpec(
            2, width: 2, "Command",
            fields: [
                RegisterField(
                    0...10, "Type-Specific Command Bits", .readOnly, "Defined by the capability type (not decoded)"),
                hyperTransportTypeField,
            ]),
    ]
}
