// PCI-X capability (ID 0x07): PCI-X 2.0a §7.2 (type 0 functions) and §8.6 (bridges). A type 0
// function has PCI-X Command (+2) and Status (+4), plus the ECC registers (+8-0x17) when the
// Command register's version field is 1 or 2. A bridge has Secondary Status (+2), Bridge
// Status (+4) and the upstream and downstream Split Transaction Control registers.

extension CapabilityID {
    /// PCI-X (PCI-X 2.0 §7.2).
    public static let pcix = CapabilityID(0x07)
}

extension CapabilityDefinition {
    static let pcixFamily = [pcix]

    static let pcix = CapabilityDefinition(
        .standard(.pcix), "PCI-X", abbreviation: "PCI-X", setpci: "CAP_PCIX",
        reference: SpecReference("PCI-X 2.0", section: "7.2"),
        length: .computed("8 (version 0) or 24 (ECC registers) for type 0; 16 for a version-0 bridge", pcixLength),
        registers: .computed { input, _ in
            RegisterCatalog.pcixRegisters(at: input.base, in: input.space, context: input.context)
        })

    // PCI-X (PCI-X 2.0 §7.2): type 0 version in Command bits 13:12; bridges carry no version there.
    private static func pcixLength(_ input: CapabilityInput) -> CapabilityLength {
        let reader = input.reader
        let layout = input.context.headerLayout
        if layout == .bridge {
            // Secondary Status (+2) bits 13:12 hold a bridge's version; 2.0 bridges add ECC
            // registers whose extent is not catalogued here.
            guard let secondaryStatus = reader.word(2) else { return reader.unreadable(2) }
            return (secondaryStatus >> 12) & 3 == 0 ? .computed(16) : .unknown(.notCatalogued)
        }
        guard let command = reader.word(2) else { return reader.unreadable(2) }
        return .computed((command >> 12) & 3 == 0 ? 8 : 24)
    }
}

extension RegisterCatalog {
    /// The PCI-X registers for the header layout (and, for type 0, the capability version).
    fileprivate static func pcixRegisters(at base: Int, in space: ConfigSpace, context: FunctionContext)
        -> [RegisterSpec]
    {
        if context.headerLayout == .bridge { return pcixBridgeTable }
        guard let command = space.word(at: base + 2), (command >> 12) & 3 != 0 else { return pcixFunctionTable }
        return pcixFunctionECCTable
    }

    private static let splitTransactionNames = FieldDecoding.values([
        FieldValueName(0, "1"), FieldValueName(1, "2"), FieldValueName(2, "3"), FieldValueName(3, "4"),
        FieldValueName(4, "8"), FieldValueName(5, "12"), FieldValueName(6, "16"), FieldValueName(7, "32"),
    ])

    private static let pcixCommand = RegisterSpec(
        2, width: 2, "PCI-X Command",
        fields: [
            RegisterField(
                0, "Data Parity Error Recovery Enable", .readWrite, "The driver recovers from data parity errors"),
            RegisterField(1, "Enable Relaxed Ordering", .readWrite, "May set the Relaxed Ordering attribute"),
            RegisterField(
                2...3, "Maximum Memory Read Byte Count", .readWrite, "Largest byte count of a sequential read",
                .bytesShifted(base: 512)),
            RegisterField(
                4...6, "Maximum Outstanding Split Transactions", .readWrite, "Split transactions it may have open",
                splitTransactionNames),
            RegisterField(7...11, "Reserved", .reservedPreserve, "Reserved"),
            RegisterField(
                12...13, "PCI-X Capability Version", .readOnly, "Layout of this capability",
                .values([
                    FieldValueName(0, "PCI-X 1.0 (no ECC registers)"),
                    FieldValueName(1, "PCI-X 2.0, ECC in Mode 2 only"),
                    FieldValueName(2, "PCI-X 2.0, ECC in Mode 1 and Mode 2"),
                ])),
            RegisterField(14...15, "Reserved", .reservedPreserve, "Reserved"),
        ])

    private static let pcixStatus = RegisterSpec(
        4, width: 4, "PCI-X Status",
        fields: [
            RegisterField(0...2, "Function Number", .readOnly, "Function number captured from configuration writes"),
            RegisterField(3...7, "Device Number", .readOnly, "Device number captured from configuration writes"),
            RegisterField(8...15, "Bus Number", .readOnly, "Bus number captured from configuration writes", .busNumber),
            RegisterField(16, "64-bit Device", .readOnly, "The AD bus is 64 bits wide"),
            RegisterField(17, "133 MHz Capable", .readOnly, "Runs PCI-X at up to 133 MHz"),
            RegisterField(
                18, "Split Completion Discarded", .writeOneToClear, "A split completion for it was discarded"),
            RegisterField(
                19, "Unexpected Split Completion", .writeOneToClear, "Received a split completion it did not expect"),
            RegisterField(
                20, "Device Complexity", .readOnly, "Simple device or bridge",
                .values([FieldValueName(0, "simple device"), FieldValueName(1, "bridge")])),
            RegisterField(
                21...22, "Designed Maximum Memory Read Byte Count", .readOnly, "Largest read the design issues",
                .bytesShifted(base: 512)),
            RegisterField(
                23...25, "Designed Maximum Outstanding Split Transactions", .readOnly,
                "Split transactions the design can have open", splitTransactionNames),
            RegisterField(
                26...28, "Designed Maximum Cumulative Read Size", .readOnly,
                "Total size of the reads the design can have open", .bytesShifted(base: 1024)),
            RegisterField(
                29, "Received Split Completion Error Message", .writeOneToClear, "A split completion error arrived"),
            RegisterField(30, "PCI-X 266 Capable", .readOnly, "Supports PCI-X 266 (Mode 2)"),
            RegisterField(31, "PCI-X 533 Capable", .readOnly, "Supports PCI-X 533 (Mode 2)"),
        ])

    private static let pcixFunctionTable = [standardCapabilityHeader, pcixCommand, pcixStatus]

    private static let pcixFunctionECCTable = [
        standardCapabilityHeader, pcixCommand, pcixStatus,
        opaque(0x08, width: 4, "ECC Control and Status", .undocumented),
        RegisterSpec(
            0x0C, width: 4, "ECC First Address",
            fields: [RegisterField(0...31, "ECC First Address", .readOnly, "Address of the first logged ECC error")]),
        RegisterSpec(
            0x10, width: 4, "ECC Second Address",
            fields: [
                RegisterField(0...31, "ECC Second Address", .readOnly, "Upper address of a dual-address-cycle error")
            ]),
        RegisterSpec(
            0x14, width: 4, "ECC Attribute",
            fields: [RegisterField(0...31, "ECC Attribute", .readOnly, "Attribute phase of the logged transaction")]),
    ]

    // MARK: - Bridges

    private static func pcixSplitTransactionControl(_ offset: Int, _ direction: String) -> RegisterSpec {
        RegisterSpec(
            offset, width: 4, "\(direction) Split Transaction Control",
            fields: [
                RegisterField(
                    0...15, "Split Transaction Capacity", .readOnly,
                    "Buffer space for \(direction.lowercased()) split completions, in 128-byte units"),
                RegisterField(
                    16...31, "Split Transaction Commitment Limit", .readWrite,
                    "Largest total of \(direction.lowercased()) split requests the bridge may forward, in 128-byte units"
                ),
            ])
    }

    private static let pcixBridgeTable = [
        standardCapabilityHeader,
        RegisterSpec(
            2, width: 2, "PCI-X Secondary Status",
            fields: [
                RegisterField(0, "64-bit Device", .readOnly, "The secondary AD bus is 64 bits wide"),
                RegisterField(1, "133 MHz Capable", .readOnly, "The secondary bus runs PCI-X at up to 133 MHz"),
                RegisterField(
                    2, "Split Completion Discarded", .writeOneToClear, "A split completion was discarded (secondary)"),
                RegisterField(
                    3, "Unexpected Split Completion", .writeOneToClear,
                    "An unexpected split completion arrived (secondary)"),
                RegisterField(
                    4, "Split Completion Overrun", .writeOneToClear, "A split completion overran the buffer (secondary)"
                ),
                RegisterField(
                    5, "Split Request Delayed", .writeOneToClear, "A split request was delayed (secondary)"),
                RegisterField(
                    6...9, "Secondary Bus Mode and Frequency", .readOnly,
                    "Mode and clock the secondary bus runs at (0: conventional PCI)"),
                RegisterField(10...11, "Reserved", .reservedPreserve, "Reserved"),
                RegisterField(12...13, "PCI-X Capability Version", .readOnly, "0: PCI-X 1.0; 1 or 2: PCI-X 2.0"),
                RegisterField(14, "PCI-X 266 Capable", .readOnly, "The secondary bus supports PCI-X 266"),
                RegisterField(15, "PCI-X 533 Capable", .readOnly, "The secondary bus supports PCI-X 533"),
            ]),
        RegisterSpec(
            4, width: 4, "PCI-X Bridge Status",
            fields: [
                RegisterField(
                    0...2, "Function Number", .readOnly, "Function number captured from configuration writes"),
                RegisterField(3...7, "Device Number", .readOnly, "Device number captured from configuration writes"),
                RegisterField(
                    8...15, "Bus Number", .readOnly, "Primary bus number captured from configuration writes", .busNumber
                ),
                RegisterField(16, "64-bit Device", .readOnly, "The primary AD bus is 64 bits wide"),
                RegisterField(17, "133 MHz Capable", .readOnly, "The primary bus runs PCI-X at up to 133 MHz"),
                RegisterField(
                    18, "Split Completion Discarded", .writeOneToClear, "A split completion was discarded (primary)"),
                RegisterField(
                    19, "Unexpected Split Completion", .writeOneToClear,
                    "An unexpected split completion arrived (primary)"),
                RegisterField(
                    20, "Split Completion Overrun", .writeOneToClear, "A split completion overran the buffer (primary)"),
                RegisterField(21, "Split Request Delayed", .writeOneToClear, "A split request was delayed (primary)"),
                RegisterField(22...31, "Reserved", .reservedPreserve, "Reserved"),
            ]),
        pcixSplitTransactionControl(0x08, "Upstream"),
        pcixSplitTransactionControl(0x0C, "Downstream"),
    ]
}
