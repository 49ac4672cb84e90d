// Link and physical-layer capabilities: Secondary PCI Express (0x0019, PCIe r6.0 §7.7.3), Data
// Link Feature (0x0025, §7.7.4), Physical Layer 16/32/64 GT/s (0x0026/0x002A/0x0031, §7.7.5-7.7.7),
// Lane Margining at the Receiver (0x0027, §7.7.10), Physical Layer 128 GT/s (0x0039), PCIe over
// M-PHY (0x0020) and Protocol Multiplexing (0x001A, Appendix G.5). Offsets from Linux
// pci_regs.h (PCI_SECPCI_LE_CTRL 0x0C, PCI_PL_16GT/32GT/64GT_LE_CTRL 0x20), NetBSD pcireg.h
// (PCI_SECPCIE_*, PCI_PL16G_*, PCI_LMR_*), pciutils ls-ecaps.c and EDK2 PciExpress40/50/60/70.h;
// M-PCIe and PMUX layouts as the pcics crate documents them. Per-lane registers follow the
// Maximum Link Width.

extension ExtendedCapabilityID {
    public static let secondaryPCIExpress = ExtendedCapabilityID(0x0019)
    public static let protocolMultiplexing = ExtendedCapabilityID(0x001A)
    public static let pcieOverMPHY = ExtendedCapabilityID(0x0020)
    public static let dataLinkFeature = ExtendedCapabilityID(0x0025)
    public static let physicalLayer16 = ExtendedCapabilityID(0x0026)
    public static let laneMarginingAtReceiver = ExtendedCapabilityID(0x0027)
    public static let physicalLayer32 = ExtendedCapabilityID(0x002A)
    public static let physicalLayer64 = ExtendedCapabilityID(0x0031)
    public static let physicalLayer128 = ExtendedCapabilityID(0x0039)
}

extension CapabilityDefinition {
    static let physicalLayerFamily = [
        secondaryPCIExpress, protocolMultiplexing, pcieOverMPHY, dataLinkFeature, physicalLayer16,
        laneMarginingAtReceiver, physicalLayer32, physicalLayer64, physicalLayer128,
    ]

    static let secondaryPCIExpress = CapabilityDefinition(
        .extended(.secondaryPCIExpress), "Secondary PCI Express", abbreviation: "SecPCIe", setpci: "ECAP_SECPCI",
        reference: .pcie("7.7.3"), length: perLane(base: 0x0C, bytesPerLane: 2),
        registers: .computed { input, length in
            RegisterCatalog.secondaryPCIExpressRegisters(context: input.context, length: length)
        },
        sections: [
            "Extended Capability Header": "7.7.3.1", "Link Control 3": "7.7.3.2", "Lane Error Status": "7.7.3.3",
            "Lane # Equalization Control": "7.7.3.4",
        ])

    static let protocolMultiplexing = CapabilityDefinition(
        .extended(.protocolMultiplexing), "Protocol Multiplexing", abbreviation: "PMUX", setpci: "ECAP_PMUX",
        reference: .pcie("G.5"),
        length: .unknown("the protocol array's extent depends on a count this table does not read"),
        registers: .computed { input, _ in RegisterCatalog.protocolMultiplexingRegisters(input.reader) },
        sections: [
            "Extended Capability Header": "G.5.1", "PMUX Capability": "G.5.2", "PMUX Control": "G.5.3",
            "PMUX Status": "G.5.4",
            "PMUX Protocol Array": "G.5.5",
        ])

    static let pcieOverMPHY = CapabilityDefinition(
        .extended(.pcieOverMPHY), "PCI Express over M-PHY", abbreviation: "M-PCIe", setpci: "ECAP_M_PCIE",
        reference: SpecReference("M-PCIe ECN (PCIe r4.0 era)"), length: .fixed(0x1C),
        registers: .fixed(RegisterCatalog.mphyRegisters))

    static let dataLinkFeature = CapabilityDefinition(
        .extended(.dataLinkFeature), "Data Link Feature", abbreviation: "DLF", setpci: "ECAP_DLNK",
        reference: .pcie("7.7.4"), length: .fixed(0x0C), registers: .fixed(RegisterCatalog.dataLinkFeatureRegisters),
        sections: [
            "Extended Capability Header": "7.7.4.1", "Data Link Feature Capabilities": "7.7.4.2",
            "Data Link Feature Status": "7.7.4.3",
        ])

    static let physicalLayer16 = CapabilityDefinition(
        .extended(.physicalLayer16), "Physical Layer 16.0 GT/s", abbreviation: "PL16", setpci: "ECAP_16GT",
        reference: .pcie("7.7.5"), length: perLane(base: 0x20, bytesPerLane: 1),
        registers: .computed { input, length in
            RegisterCatalog.physicalLayer16Registers(context: input.context, length: length)
        },
        sections: [
            "Extended Capability Header": "7.7.5.1", "16.0 GT/s Capabilities": "7.7.5.2",
            "16.0 GT/s Control": "7.7.5.3",
            "16.0 GT/s Status": "7.7.5.4", "16.0 GT/s Local Data Parity Mismatch Status": "7.7.5.5",
            "16.0 GT/s First Retimer Data Parity Mismatch Status": "7.7.5.6",
            "16.0 GT/s Second Retimer Data Parity Mismatch Status": "7.7.5.7", "Reserved": "7.7.5.8",
            "Lane # 16.0 GT/s Equalization Control": "7.7.5.9",
        ])

    static let laneMarginingAtReceiver = CapabilityDefinition(
        .extended(.laneMarginingAtReceiver), "Lane Margining at the Receiver", abbreviation: "LMR",
        setpci: "ECAP_LMR", reference: .pcie("7.7.10"), length: perLane(base: 0x08, bytesPerLane: 4),
        registers: .computed { input, length in
            RegisterCatalog.laneMarginingRegisters(context: input.context, length: length)
        },
        sections: [
            "Extended Capability Header": "7.7.10.1", "Margining Port Capabilities": "7.7.10.2",
            "Margining Port Status": "7.7.10.3",
            "Lane # Margining Control": "7.7.10.4", "Lane # Margining Status": "7.7.10.5",
        ])

    static let physicalLayer32 = CapabilityDefinition(
        .extended(.physicalLayer32), "Physical Layer 32.0 GT/s", abbreviation: "PL32", setpci: "ECAP_32GT",
        reference: .pcie("7.7.6"), length: perLane(base: 0x20, bytesPerLane: 1),
        registers: .computed { input, length in
            RegisterCatalog.physicalLayer32Registers(context: input.context, length: length)
        },
        sections: [
            "Extended Capability Header": "7.7.6.1", "32.0 GT/s Capabilities": "7.7.6.2",
            "32.0 GT/s Control": "7.7.6.3",
            "32.0 GT/s Status": "7.7.6.4", "Received Modified TS Data 1": "7.7.6.5",
            "Received Modified TS Data 2": "7.7.6.6", "Transmitted Modified TS Data 1": "7.7.6.7",
            "Transmitted Modified TS Data 2": "7.7.6.8", "Lane # 32.0 GT/s Equalization Control": "7.7.6.9",
        ])

    static let physicalLayer64 = CapabilityDefinition(
        .extended(.physicalLayer64), "Physical Layer 64.0 GT/s", abbreviation: "PL64", setpci: "ECAP_64GT",
        reference: .pcie("7.7.7"), length: perLane(base: 0x20, bytesPerLane: 1),
        registers: .computed { input, length in
            RegisterCatalog.physicalLayer64Registers(context: input.context, length: length)
        },
        sections: [
            "Extended Capability Header": "7.7.7.1", "64.0 GT/s Capabilities": "7.7.7.2",
            "64.0 GT/s Control": "7.7.7.3",
            "64.0 GT/s Status": "7.7.7.4", "Lane # 64.0 GT/s Equalization Control": "7.7.7.5",
        ])

    static let physicalLayer128 = CapabilityDefinition(
        .extended(.physicalLayer128), "Physical Layer 128.0 GT/s", abbreviation: "PL128",
        reference: SpecReference("PCIe r7.0"),
        length: .unknown("the per-lane equalization block of the 128.0 GT/s structure is not sized publicly"),
        registers: .fixed(RegisterCatalog.physicalLayer128Registers))

    /// A fixed part plus `bytesPerLane` for each lane of the Maximum Link Width, rounded to dwords.
    private static func perLane(base: Int, bytesPerLane: Int) -> LengthRule {
        .computed("0x\(String(base, radix: 16)) plus \(bytesPerLane) byte(s) per lane of the Maximum Link Width") {
            input in
            guard let width = input.context.express?.maxLinkWidth else { return .unknown(.linkWidthUnknown) }
            return .computed(base + CapabilityLength.roundedToDword(bytesPerLane * width))
        }
    }
}

extension RegisterCatalog {
    // MARK: - Secondary PCI Express

    fileprivate static func secondaryPCIExpressRegisters(context: FunctionContext, length: Int?) -> [RegisterSpec] {
        let lanes = laneCount(context)
        var registers = [
            extendedCapabilityHeader,
            RegisterSpec(
                0x04, width: 4, "Link Control 3",
                fields: [
                    RegisterField(
                        0, "Perform Equalization", .readWrite, "Equalize on the next retrain (downstream ports)"),
                    RegisterField(
                        1, "Link Equalization Request Interrupt Enable", .readWrite,
                        "Interrupt when the partner requests equalization"),
                    .reserved(2...8),
                    RegisterField(
                        9...15, "Enable Lower SKP OS Generation Vector", .readWrite,
                        "Speeds at which to send SKP ordered sets at the lower (SRNS) rate", .linkSpeedVector),
                    .reserved(16...31),
                ]),
            RegisterSpec(0x08, width: 4, "Lane Error Status", fields: laneStatusFields(lanes, "Lane error detected")),
        ]
        let isDownstream = isDownstreamPort(context)
        let template = isDownstream ? laneEqualizationDownstream : laneEqualizationUpstream
        for lane in 0..<lanes {
            registers.append(template.moved(by: 2 * lane, name: "Lane \(lane) Equalization Control"))
        }
        return finished(registers, length: length)
    }

    /// One RW1CS flag per lane below `lanes`, the rest RsvdZ; a single field when the width is unknown.
    private static func laneStatusFields(_ lanes: Int, _ meaning: String) -> [RegisterField] {
        guard lanes > 0 else {
            return [RegisterField(0...31, "Lane Status Bits", .writeOneToClearSticky, meaning + " (bit n = lane n)")]
        }
        var fields = flagFields(0...(lanes - 1), .writeOneToClearSticky, name: { "Lane \($0)" }) { _ in meaning }
        if lanes < 32 { fields.append(.reserved(lanes...31, .reservedZero)) }
        return fields
    }

    private static func laneEqualization8GT(isDownstream: Bool) -> RegisterSpec {
        let downstreamAccess: RegisterAccess = isDownstream ? .hardwareInit : .reservedPreserve
        let upstreamAccess: RegisterAccess = isDownstream ? .hardwareInit : .readOnly
        return RegisterSpec(
            0x0C, width: 2, "Lane Equalization Control",
            fields: [
                RegisterField(
                    0...3, "Downstream Port 8.0 GT/s Transmitter Preset", downstreamAccess,
                    "Transmit preset the downstream port uses at 8 GT/s", .number),
                RegisterField(
                    4...6, "Downstream Port 8.0 GT/s Receiver Preset Hint", downstreamAccess,
                    "Receiver preset hint for the downstream port at 8 GT/s", .number),
                .reserved(7),
                RegisterField(
                    8...11, "Upstream Port 8.0 GT/s Transmitter Preset", upstreamAccess,
                    "Transmit preset requested for the upstream port at 8 GT/s", .number),
                RegisterField(
                    12...14, "Upstream Port 8.0 GT/s Receiver Preset Hint", upstreamAccess,
                    "Receiver preset hint for the upstream port at 8 GT/s", .number),
                .reserved(15),
            ])
    }

    private static let laneEqualizationDownstream = laneEqualization8GT(isDownstream: true)
    private static let laneEqualizationUpstream = laneEqualization8GT(isDownstream: false)

    // MARK: - Data Link Feature

    fileprivate static let dataLinkFeatureRegisters: [RegisterSpec] = [
        extendedCapabilityHeader,
        RegisterSpec(
            0x04, width: 4, "Data Link Feature Capabilities",
            fields: [
                RegisterField(
                    0, "Local Scaled Flow Control Supported", .hardwareInit, "This port supports scaled flow control"),
                RegisterField(
                    1, "Local Immediate Readiness", .hardwareInit, "This port advertises immediate readiness"),
                RegisterField(
                    2...4, "Local Extended VC Count", .hardwareInit, "Extended VCs this port advertises", .number),
                RegisterField(
                    5...7, "Local L0p Exit Latency", .hardwareInit, "L0p exit latency this port advertises", .number),
                .reserved(8...30),
                RegisterField(
                    31, "Data Link Feature Exchange Enable", .hardwareInit, "Exchange feature DLLPs during link-up"),
            ]),
        RegisterSpec(
            0x08, width: 4, "Data Link Feature Status",
            fields: [
                RegisterField(
                    0, "Remote Scaled Flow Control Supported", .readOnly, "The partner supports scaled flow control"),
                RegisterField(1, "Remote Immediate Readiness", .readOnly, "The partner advertised immediate readiness"),
                RegisterField(
                    2...4, "Remote Extended VC Count", .readOnly, "Extended VCs the partner advertised", .number),
                RegisterField(
                    5...7, "Remote L0p Exit Latency", .readOnly, "L0p exit latency the partner advertised", .number),
                .reserved(8...30, .reservedZero),
                RegisterField(
                    31, "Remote Data Link Feature Supported Valid", .readOnly, "The remote fields hold received values"),
            ]),
    ]

    // MARK: - Physical Layer 16/32/64/128 GT/s

    private static func equalizationStatus(_ speed: String, precoding: Bool, modifiedTS: Bool) -> RegisterSpec {
        var fields = [
            RegisterField(0, "Equalization \(speed) Complete", .readOnlySticky, "Equalization at \(speed) finished"),
            RegisterField(1, "Equalization \(speed) Phase 1 Successful", .readOnlySticky, "Phase 1 succeeded"),
            RegisterField(2, "Equalization \(speed) Phase 2 Successful", .readOnlySticky, "Phase 2 succeeded"),
            RegisterField(3, "Equalization \(speed) Phase 3 Successful", .readOnlySticky, "Phase 3 succeeded"),
            RegisterField(
                4, "Link Equalization Request \(speed)", .writeOneToClearSticky,
                "The partner asked to redo equalization"),
        ]
        if modifiedTS {
            fields += [
                RegisterField(
                    5, "Modified TS Received", .readOnly, "The received modified TS data registers are valid"),
                RegisterField(
                    6...7, "Received Enhanced Link Behavior Control", .readOnly, "Enhanced link behavior bits received",
                    .values([
                        FieldValueName(0, "full equalization required"),
                        FieldValueName(1, "equalization bypass to highest rate"),
                        FieldValueName(2, "no equalization needed"), FieldValueName(3, "modified TS1/TS2 supported"),
                    ])),
                RegisterField(8, "Transmitter Precoding On", .readOnly, "The transmitter precodes at this rate"),
                RegisterField(9, "Transmitter Precode Request", .readOnly, "This port asks the partner to precode"),
                RegisterField(
                    10, "No Equalization Needed Received", .readOnly, "The partner said no equalization is needed"),
                .reserved(11...31, .reservedZero),
            ]
        } else if precoding {
            fields += [
                RegisterField(5, "Transmitter Precoding On", .readOnly, "The transmitter precodes at this rate"),
                RegisterField(6, "Transmitter Precode Request", .readOnly, "This port asks the partner to precode"),
                RegisterField(
                    7, "No Equalization Needed Received", .readOnly, "The partner said no equalization is needed"),
                .reserved(8...31, .reservedZero),
            ]
        } else {
            fields.append(.reserved(5...31, .reservedZero))
        }
        return RegisterSpec(0x0C, width: 4, "\(speed) Status", fields: fields)
    }

    private static func laneEqualizationByte(_ speed: String, isDownstream: Bool) -> RegisterSpec {
        RegisterSpec(
            0x00, width: 1, "\(speed) Lane Equalization Control",
            fields: [
                RegisterField(
                    0...3, "Downstream Port \(speed) Transmitter Preset",
                    isDownstream ? .hardwareInit : .reservedPreserve,
                    "Transmit preset the downstream port uses at \(speed)", .number),
                RegisterField(
                    4...7, "Upstream Port \(speed) Transmitter Preset", isDownstream ? .hardwareInit : .readOnly,
                    "Transmit preset requested for the upstream port at \(speed)", .number),
            ])
    }

    private static func perLaneBytes(
        _ speed: String, at start: Int, context: FunctionContext
    ) -> [RegisterSpec] {
        let template = laneEqualizationByte(speed, isDownstream: isDownstreamPort(context))
        return (0..<laneCount(context)).map {
            template.moved(by: start + $0, name: "Lane \($0) \(speed) Equalization Control")
        }
    }

    fileprivate static func physicalLayer16Registers(context: FunctionContext, length: Int?) -> [RegisterSpec] {
        let lanes = laneCount(context)
        let registers =
            [
                extendedCapabilityHeader,
                whole(
                    0x04, width: 4, "16.0 GT/s Capabilities", .reservedPreserve, "Reserved (no capability bits defined)"
                ),
                whole(0x08, width: 4, "16.0 GT/s Control", .reservedPreserve, "Reserved (no control bits defined)"),
                equalizationStatus("16.0 GT/s", precoding: false, modifiedTS: false),
                RegisterSpec(
                    0x10, width: 4, "16.0 GT/s Local Data Parity Mismatch Status",
                    fields: laneStatusFields(lanes, "Data parity mismatch seen by this port")),
                RegisterSpec(
                    0x14, width: 4, "16.0 GT/s First Retimer Data Parity Mismatch Status",
                    fields: laneStatusFields(lanes, "Data parity mismatch seen by the first retimer")),
                RegisterSpec(
                    0x18, width: 4, "16.0 GT/s Second Retimer Data Parity Mismatch Status",
                    fields: laneStatusFields(lanes, "Data parity mismatch seen by the second retimer")),
                reservedRegister(0x1C, width: 4),
            ] + perLaneBytes("16.0 GT/s", at: 0x20, context: context)
        return finished(registers, length: length)
    }

    fileprivate static func physicalLayer32Registers(context: FunctionContext, length: Int?) -> [RegisterSpec] {
        let registers = physicalLayer32Fixed + perLaneBytes("32.0 GT/s", at: 0x20, context: context)
        return finished(registers, length: length)
    }

    private static let modifiedTSUsage = FieldDecoding.values([
        FieldValueName(0, "PCI Express"), FieldValueName(1, "training set messages"),
        FieldValueName(2, "alternate protocol negotiation"),
    ])

    private static func modifiedTSRegisters(_ offset: Int, _ direction: String, _ access: RegisterAccess)
        -> [RegisterSpec]
    {
        [
            RegisterSpec(
                offset, width: 4, "\(direction) Modified TS Data 1",
                fields: [
                    RegisterField(
                        0...2, "\(direction) Modified TS Usage Mode", access, "Usage mode field", modifiedTSUsage),
                    RegisterField(
                        3...15, "\(direction) Modified TS Information 1", access, "Information 1 field", .number),
                    RegisterField(16...31, "\(direction) Modified TS Vendor ID", access, "Vendor ID field", .vendorID),
                ]),
            RegisterSpec(
                offset + 4, width: 4, "\(direction) Modified TS Data 2",
                fields: [
                    RegisterField(
                        0...23, "\(direction) Modified TS Information 2", access, "Information 2 field", .number),
                    RegisterField(
                        24...25, "\(direction) Alternate Protocol Negotiation Status", access,
                        "Alternate protocol negotiation state", .number),
                    .reserved(26...31),
                ]),
        ]
    }

    private static let physicalLayer32Fixed: [RegisterSpec] =
        [
            extendedCapabilityHeader,
            RegisterSpec(
                0x04, width: 4, "32.0 GT/s Capabilities",
                fields: [
                    RegisterField(
                        0, "Equalization Bypass to Highest Rate Supported", .hardwareInit,
                        "Can skip equalization at intermediate rates"),
                    RegisterField(
                        1, "No Equalization Needed Supported", .hardwareInit, "Can skip equalization entirely"),
                    .reserved(2...7),
                    RegisterField(8, "Modified TS Usage Mode 0 Supported", .readOnly, "PCI Express usage (always 1)"),
                    RegisterField(9, "Modified TS Usage Mode 1 Supported", .hardwareInit, "Training set messages"),
                    RegisterField(
                        10, "Modified TS Usage Mode 2 Supported", .hardwareInit, "Alternate protocol negotiation"),
                    RegisterField(
                        11...15, "Modified TS Reserved Usage Modes", .readOnly, "Reserved usage modes", .number),
                    .reserved(16...31),
                ]),
            RegisterSpec(
                0x08, width: 4, "32.0 GT/s Control",
                fields: [
                    RegisterField(
                        0, "Equalization Bypass to Highest Rate Disable", .readWriteSticky,
                        "Do not skip intermediate-rate equalization"),
                    RegisterField(1, "No Equalization Needed Disable", .readWriteSticky, "Always ask for equalization"),
                    .reserved(2...7),
                    RegisterField(
                        8...10, "Modified TS Usage Mode Selected", .readWriteSticky,
                        "Usage mode for the next link-up (downstream ports)", modifiedTSUsage),
                    .reserved(11...31),
                ]),
            equalizationStatus("32.0 GT/s", precoding: false, modifiedTS: true),
        ] + modifiedTSRegisters(0x10, "Received", .readOnly) + modifiedTSRegisters(0x18, "Transmitted", .readWrite)

    fileprivate static func physicalLayer64Registers(context: FunctionContext, length: Int?) -> [RegisterSpec] {
        let registers =
            [
                extendedCapabilityHeader,
                whole(
                    0x04, width: 4, "64.0 GT/s Capabilities", .reservedPreserve, "Reserved (no capability bits defined)"
                ),
                whole(0x08, width: 4, "64.0 GT/s Control", .reservedPreserve, "Reserved (no control bits defined)"),
                equalizationStatus("64.0 GT/s", precoding: true, modifiedTS: false),
            ] + perLaneBytes("64.0 GT/s", at: 0x20, context: context)
        return finished(registers, length: length)
    }

    /// PL 128 GT/s: capability, control and status as EDK2 PciExpress70.h defines them; the
    /// lane equalization array's offset is not confirmed by a second source, so it is left out.
    fileprivate static let physicalLayer128Registers: [RegisterSpec] = [
        extendedCapabilityHeader,
        RegisterSpec(
            0x04, width: 4, "128.0 GT/s Capabilities",
            fields: [
                RegisterField(
                    0...7, "Supported Link Speeds Vector 2", .hardwareInit,
                    "Speeds beyond those in Link Capabilities 2", .number),
                RegisterField(
                    8...15, "Lower SKP OS Generation Supported Speeds Vector 2", .hardwareInit,
                    "Speeds with lower-rate SKP generation (second vector)", .number),
                RegisterField(
                    16...23, "Lower SKP OS Reception Supported Speeds Vector 2", .hardwareInit,
                    "Speeds with lower-rate SKP reception (second vector)", .number),
                .reserved(24...31),
            ]),
        whole(0x08, width: 4, "128.0 GT/s Control", .reservedPreserve, "Reserved (no control bits defined)"),
        equalizationStatus("128.0 GT/s", precoding: true, modifiedTS: false),
    ]

    // MARK: - Lane Margining at the Receiver

    fileprivate static func laneMarginingRegisters(context: FunctionContext, length: Int?) -> [RegisterSpec] {
        var registers = [
            extendedCapabilityHeader,
            RegisterSpec(
                0x04, width: 2, "Margining Port Capabilities",
                fields: [
                    RegisterField(
                        0, "Margining uses Driver Software", .hardwareInit, "A driver is needed for margining"),
                    .reserved(1...15),
                ]),
            RegisterSpec(
                0x06, width: 2, "Margining Port Status",
                fields: [
                    RegisterField(0, "Margining Ready", .readOnly, "Margining commands are accepted"),
                    RegisterField(1, "Margining Software Ready", .readOnly, "The margining driver has initialized"),
                    .reserved(2...15, .reservedZero),
                ]),
        ]
        for lane in 0..<laneCount(context) {
            registers.append(marginingLaneControl.moved(by: 4 * lane, name: "Lane \(lane) Margining Control"))
            registers.append(marginingLaneStatus.moved(by: 4 * lane, name: "Lane \(lane) Margining Status"))
        }
        return finished(registers, length: length)
    }

    private static let marginingLaneControl = RegisterSpec(
        0x08, width: 2, "Margining Lane Control",
        fields: [
            RegisterField(0...2, "Receiver Number", .readWrite, "Receiver (port or retimer) to margin", .number),
            RegisterField(3...5, "Margin Type", .readWrite, "Kind of margining command", .number),
            RegisterField(6, "Usage Model", .readWrite, "0: lane margining; 1: reserved usage"),
            .reserved(7),
            RegisterField(8...15, "Margin Payload", .readWrite, "Argument of the margining command", .number),
        ])

    private static let marginingLaneStatus = RegisterSpec(
        0x0A, width: 2, "Margining Lane Status",
        fields: [
            RegisterField(0...2, "Receiver Number Status", .readOnly, "Receiver that answered", .number),
            RegisterField(3...5, "Margin Type Status", .readOnly, "Command that was answered", .number),
            RegisterField(6, "Usage Model Status", .readOnly, "Usage model of the answer"),
            .reserved(7, .reservedZero),
            RegisterField(8...15, "Margin Payload Status", .readOnly, "Result of the margining command", .number),
        ])

    // MARK: - PCI Express over M-PHY

    fileprivate static let mphyRegisters: [RegisterSpec] = [
        extendedCapabilityHeader,
        RegisterSpec(
            0x04, width: 4, "M-PCIe Capabilities",
            fields: [
                RegisterField(0, "HS-G1 Supported", .readOnly, "M-PHY high-speed gear 1"),
                RegisterField(1, "HS-G2 Supported", .readOnly, "M-PHY high-speed gear 2"),
                .reserved(2...14),
                RegisterField(
                    15, "Configuration.Software Supported", .readOnly, "Supports the software configuration state"),
                RegisterField(
                    16...23, "Maximum TX LANE Width Capability", .readOnly, "TX lane widths supported (bit mask)"),
                RegisterField(
                    24...31, "Maximum RX LANE Width Capability", .readOnly, "RX lane widths supported (bit mask)"),
            ]),
        RegisterSpec(
            0x08, width: 4, "M-PCIe Control",
            fields: [
                RegisterField(
                    0...1, "M-PCIe Target Link Speed Control", .readWrite, "Gears to train to (bit mask)", .number),
                .reserved(2...31),
            ]),
        RegisterSpec(
            0x0C, width: 4, "M-PCIe Status",
            fields: [
                RegisterField(0...1, "M-PCIe Current Link Speed Status", .readOnly, "Gear in use (bit mask)", .number),
                .reserved(2...14, .reservedZero),
                RegisterField(
                    15, "M-PCIe Configuration.Software Status", .readOnly, "The link is in the software state"),
                RegisterField(16...23, "TX LANE Width Status", .readOnly, "TX lanes in use", .number),
                RegisterField(24...31, "RX LANE Width Status", .readOnly, "RX lanes in use", .number),
            ]),
        whole(
            0x10, width: 4, "M-PCIe LANE Error Status", .writeOneToClearSticky, "Lanes that saw errors (bit n = lane n)"
        ),
        RegisterSpec(
            0x14, width: 4, "M-PCIe Phy Control Address",
            fields: [
                RegisterField(0...7, "LowerAddr", .readWrite, "Low byte of the M-PHY register address", .number),
                .reserved(8...15),
                RegisterField(16...20, "UpperAddr Bits 4:0", .readWrite, "Bits 4:0 of the high address byte", .number),
                .reserved(21...23),
                RegisterField(24, "UpperAddr Bit 5", .readWrite, "Bit 5 of the high address byte"),
                RegisterField(
                    25...27, "Phy Location", .readWrite, "Which PHY to access",
                    .values([FieldValueName(0, "local PHY"), FieldValueName(1, "remote PHY")])),
                .reserved(28...29),
                RegisterField(30, "Read", .readWrite, "Start a read of the addressed register"),
                RegisterField(31, "Config", .readWrite, "Hold the LTSSM in the software configuration state"),
            ]),
        RegisterSpec(
            0x18, width: 4, "M-PCIe Phy Control Data",
            fields: [
                RegisterField(
                    0...7, "Phy Register Data", .readWrite, "Data read from or written to the M-PHY register", .number),
                .reserved(8...28, .reservedZero),
                RegisterField(29, "Phy Control Error", .readOnly, "The last access failed"),
                RegisterField(30, "RRAP Abort", .readOnly, "The remote access response reported an abort"),
                RegisterField(31, "Phy Control Pending", .readOnly, "An access is in progress"),
            ]),
    ]

    // MARK: - Protocol Multiplexing

    /// PMUX: capability, control, status and the protocol array (its size is in the capability).
    fileprivate static func protocolMultiplexingRegisters(_ reader: FieldReader) -> [RegisterSpec] {
        var registers = pmuxFixedRegisters
        let entries = Int((reader.dword(4) ?? 0) & 0x3F)
        for entry in 0..<entries {
            registers.append(
                RegisterSpec(
                    0x10 + 4 * entry, width: 4, "PMUX Protocol Array Entry \(entry + 1)",
                    fields: [
                        RegisterField(
                            0...15, "Protocol ID", .readOnly, "Protocol carried on PMUX channel \(entry + 1)", .number),
                        RegisterField(16...31, "Authority ID", .readOnly, "Body that assigns the protocol ID", .number),
                    ]))
        }
        return registers
    }

    private static func pmuxControlFields(_ channel: Int) -> [RegisterField] {
        let low = 8 * channel
        return [
            RegisterField(
                low...(low + 5), "PMUX Channel \(channel) Assignment", .readWrite,
                "Protocol array entry assigned to channel \(channel) (0: none)", .number),
            .reserved((low + 6)...(low + 7)),
        ]
    }

    private static func pmuxStatusFields(_ channel: Int) -> [RegisterField] {
        let low = 8 * channel
        return [
            RegisterField(low, "Channel \(channel) Disabled: Link Speed", .readOnly, "Off because of the link speed"),
            RegisterField(
                low + 1, "Channel \(channel) Disabled: Link Width", .readOnly, "Off because of the link width"),
            RegisterField(
                low + 2, "Channel \(channel) Disabled: Protocol Specific", .readOnly, "Off for a protocol reason"),
            .reserved((low + 3)...(low + 7), .reservedZero),
        ]
    }

    private static let pmuxFixedRegisters: [RegisterSpec] = [
        extendedCapabilityHeader,
        RegisterSpec(
            0x04, width: 4, "PMUX Capability",
            fields: [
                RegisterField(0...5, "PMUX Protocol Array Size", .readOnly, "Entries in the protocol array", .number),
                .reserved(6...7),
                RegisterField(
                    8...15, "PMUX Supported Link Speeds", .readOnly, "Speeds at which multiplexing works",
                    .linkSpeedVector),
                .reserved(16...31),
            ]),
        RegisterSpec(0x08, width: 4, "PMUX Control", fields: (0..<4).flatMap(pmuxControlFields)),
        RegisterSpec(0x0C, width: 4, "PMUX Status", fields: (0..<4).flatMap(pmuxStatusFields)),
    ]
}
