// PCI Express capability, link registers: Link Capabilities/Control/Status (+0x0C-0x13,
// PCIe r6.0 §7.5.3.6-7.5.3.8) and Link Capabilities 2/Control 2/Status 2 (+0x2C-0x33,
// §7.5.3.18-7.5.3.20). Link Disable, Retrain Link, the bandwidth interrupts and the link
// training status exist only on ports that face down the link (Root and Downstream Ports);
// a VF has no link of its own (PCIe r6.0 §9.3.5.6-9.3.5.8).

extension RegisterCatalog {
    /// Link Capabilities, Link Control and Link Status for the port type.
    static func pciExpressLinkRegisters(portType: PortType, isVirtualFunction: Bool) -> [RegisterSpec] {
        if isVirtualFunction { return linkVirtualFunction }
        switch portType {
        case .rootPort: return linkRootPort
        case .downstreamPort: return linkDownstreamPort
        case .upstreamPort: return linkUpstreamPort
        default: return linkFunction
        }
    }

    /// Link Capabilities 2, Link Control 2 and Link Status 2 for the port type.
    static func pciExpressLink2Registers(portType: PortType) -> [RegisterSpec] {
        portType.isDownstreamFacing ? link2DownstreamFacing : link2UpstreamFacing
    }

    // MARK: - Link Capabilities (+0x0C)

    private static let linkCapabilities = RegisterSpec(
        0x0C, width: 4, "Link Capabilities",
        fields: [
            RegisterField(
                0...3, "Max Link Speed", .readOnly, "Fastest speed, as a bit of the Supported Link Speeds Vector",
                .linkSpeed),
            RegisterField(4...9, "Maximum Link Width", .readOnly, "Widest link the port supports", .linkWidth),
            RegisterField(
                10...11, "ASPM Support", .readOnly, "Active State Power Management states supported",
                .values([
                    FieldValueName(0, "no ASPM"), FieldValueName(1, "L0s"), FieldValueName(2, "L1"),
                    FieldValueName(3, "L0s and L1"),
                ])),
            RegisterField(
                12...14, "L0s Exit Latency", .readOnly, "Time to leave L0s",
                .values([
                    FieldValueName(0, "<64ns"), FieldValueName(1, "<128ns"), FieldValueName(2, "<256ns"),
                    FieldValueName(3, "<512ns"), FieldValueName(4, "<1us"), FieldValueName(5, "<2us"),
                    FieldValueName(6, "<4us"), FieldValueName(7, ">4us"),
                ])),
            RegisterField(
                15...17, "L1 Exit Latency", .readOnly, "Time to leave L1",
                .values([
                    FieldValueName(0, "<1us"), FieldValueName(1, "<2us"), FieldValueName(2, "<4us"),
                    FieldValueName(3, "<8us"), FieldValueName(4, "<16us"), FieldValueName(5, "<32us"),
                    FieldValueName(6, "<64us"), FieldValueName(7, ">64us"),
                ])),
            RegisterField(
                18, "Clock Power Management", .readOnly, "Tolerates removal of the reference clock (CLKREQ#) in L1/L2"),
            RegisterField(
                19, "Surprise Down Error Reporting Capable", .readOnly, "Downstream Ports: reports Surprise Down"),
            RegisterField(
                20, "Data Link Layer Link Active Reporting Capable", .readOnly,
                "Downstream Ports: reports DL_Active in Link Status"),
            RegisterField(
                21, "Link Bandwidth Notification Capability", .readOnly,
                "Downstream Ports: sets the bandwidth status bits on speed or width changes"),
            RegisterField(22, "ASPM Optionality Compliance", .readOnly, "ASPM support follows the PCIe 3.0+ rules"),
            RegisterField(23, "Reserved", .reservedPreserve, "Reserved"),
            RegisterField(24...31, "Port Number", .hardwareInit, "Number of this port on its component"),
        ])

    // MARK: - Link Control (+0x10)

    private static func makeLinkControl(
        readCompletionBoundary: RegisterField, isDownstreamFacing: Bool
    ) -> RegisterSpec {
        let portOnly = "on Root and Downstream Ports"
        var fields = [
            RegisterField(
                0...1, "ASPM Control", .readWrite, "Active State Power Management states the port may enter",
                .values([
                    FieldValueName(0, "disabled"), FieldValueName(1, "L0s entry enabled"),
                    FieldValueName(2, "L1 entry enabled"), FieldValueName(3, "L0s and L1 entry enabled"),
                ])),
            RegisterField(
                2, "PTM Propagation Delay Adaptation Interpretation B", .readWrite,
                "Use the older byte order for PTM propagation delays"),
            readCompletionBoundary,
        ]
        if isDownstreamFacing {
            fields.append(RegisterField(4, "Link Disable", .readWrite, "Takes the link down and keeps it down"))
            fields.append(RegisterField(5, "Retrain Link", .writeOnlyReadsZero, "Write 1 to retrain the link; reads 0"))
        } else {
            fields.append(RegisterField(4, "Reserved", .reservedPreserve, "Link Disable " + portOnly))
            fields.append(RegisterField(5, "Reserved", .reservedPreserve, "Retrain Link " + portOnly))
        }
        fields += [
            RegisterField(
                6, "Common Clock Configuration", .readWrite, "Both ends of the link use the same reference clock"),
            RegisterField(7, "Extended Synch", .readWrite, "Send extra ordered sets when leaving L0s"),
            RegisterField(8, "Enable Clock Power Management", .readWrite, "May use CLKREQ# to stop the clock"),
            RegisterField(
                9, "Hardware Autonomous Width Disable", .readWrite, "Forbid changing the width for power reasons"),
        ]
        if isDownstreamFacing {
            fields.append(
                RegisterField(
                    10, "Link Bandwidth Management Interrupt Enable", .readWrite,
                    "Interrupt when Link Bandwidth Management Status is set"))
            fields.append(
                RegisterField(
                    11, "Link Autonomous Bandwidth Interrupt Enable", .readWrite,
                    "Interrupt when Link Autonomous Bandwidth Status is set"))
        } else {
            fields.append(
                RegisterField(
                    10, "Reserved", .reservedPreserve, "Link Bandwidth Management Interrupt Enable " + portOnly))
            fields.append(
                RegisterField(
                    11, "Reserved", .reservedPreserve, "Link Autonomous Bandwidth Interrupt Enable " + portOnly))
        }
        fields.append(RegisterField(12, "Reserved", .reservedPreserve, "Reserved"))
        fields.append(RegisterField(13, "Flit Mode Disable", .readWrite, "Train the link without Flit Mode"))
        if isDownstreamFacing {
            fields.append(
                RegisterField(
                    14...15, "DRS Signaling Control", .readWrite,
                    "What a received Device Readiness Status message does",
                    .values([
                        FieldValueName(0, "DRS not reported"), FieldValueName(1, "DRS interrupt enabled"),
                        FieldValueName(2, "DRS to FRS signaling enabled"),
                    ])))
        } else {
            fields.append(RegisterField(14...15, "Reserved", .reservedPreserve, "DRS Signaling Control " + portOnly))
        }
        return RegisterSpec(0x10, width: 2, "Link Control", fields: fields)
    }

    private static let readCompletionBoundaryNames = FieldDecoding.values([
        FieldValueName(0, "64 bytes"), FieldValueName(1, "128 bytes"),
    ])

    private static let linkControlRootPort = makeLinkControl(
        readCompletionBoundary: RegisterField(
            3, "Read Completion Boundary (RCB)", .readOnly, "RCB the Root Port uses for completions",
            readCompletionBoundaryNames),
        isDownstreamFacing: true)

    private static let linkControlFunction = makeLinkControl(
        readCompletionBoundary: RegisterField(
            3, "Read Completion Boundary (RCB)", .readWrite, "RCB of the Root Port above, as set by software",
            readCompletionBoundaryNames),
        isDownstreamFacing: false)

    private static let switchReadCompletionBoundary = RegisterField(
        3, "Read Completion Boundary (RCB)", .readOnly, "Not applicable to Switch Ports; hardwired 0")

    private static let linkControlDownstreamPort = makeLinkControl(
        readCompletionBoundary: switchReadCompletionBoundary, isDownstreamFacing: true)

    private static let linkControlUpstreamPort = makeLinkControl(
        readCompletionBoundary: switchReadCompletionBoundary, isDownstreamFacing: false)

    // MARK: - Link Status (+0x12)

    private static func makeLinkStatus(isDownstreamFacing: Bool) -> RegisterSpec {
        let portOnly = " on Root and Downstream Ports"
        return RegisterSpec(
            0x12, width: 2, "Link Status",
            fields: [
                RegisterField(0...3, "Current Link Speed", .readOnly, "Speed the link trained to", .linkSpeed),
                RegisterField(4...9, "Negotiated Link Width", .readOnly, "Width the link trained to", .linkWidth),
                RegisterField(10, "Undefined (formerly Link Training Error)", .readOnly, "No longer defined"),
                isDownstreamFacing
                    ? RegisterField(11, "Link Training", .readOnly, "The link is training or retraining")
                    : RegisterField(11, "Reserved", .reservedZero, "Link Training" + portOnly),
                RegisterField(
                    12, "Slot Clock Configuration", .hardwareInit, "Uses the reference clock the connector provides"),
                RegisterField(13, "Data Link Layer Link Active", .readOnly, "The data link layer is in DL_Active"),
                isDownstreamFacing
                    ? RegisterField(
                        14, "Link Bandwidth Management Status", .writeOneToClear,
                        "Speed or width changed by retraining or for reliability")
                    : RegisterField(14, "Reserved", .reservedZero, "Link Bandwidth Management Status" + portOnly),
                isDownstreamFacing
                    ? RegisterField(
                        15, "Link Autonomous Bandwidth Status", .writeOneToClear,
                        "Hardware changed speed or width on its own")
                    : RegisterField(15, "Reserved", .reservedZero, "Link Autonomous Bandwidth Status" + portOnly),
            ])
    }

    private static let linkRootPort = [linkCapabilities, linkControlRootPort, makeLinkStatus(isDownstreamFacing: true)]
    private static let linkDownstreamPort = [
        linkCapabilities, linkControlDownstreamPort, makeLinkStatus(isDownstreamFacing: true),
    ]
    private static let linkUpstreamPort = [
        linkCapabilities, linkControlUpstreamPort, makeLinkStatus(isDownstreamFacing: false),
    ]
    private static let linkFunction = [
        linkCapabilities, linkControlFunction, makeLinkStatus(isDownstreamFacing: false),
    ]

    private static let linkVirtualFunction = [
        linkCapabilities,
        standardReservedRegister(
            0x10, width: 2, "Link Control", .reservedPreserve,
            "A VF has no link of its own; the PF's Link Control applies"),
        standardReservedRegister(
            0x12, width: 2, "Link Status", .reservedZero, "A VF has no link of its own; read the PF's Link Status"),
    ]

    // MARK: - Link Capabilities 2, Control 2, Status 2 (+0x2C-0x33)

    private static let linkCapabilities2 = RegisterSpec(
        0x2C, width: 4, "Link Capabilities 2",
        fields: [
            RegisterField(0, "Reserved", .reservedPreserve, "Reserved"),
            RegisterField(
                1...7, "Supported Link Speeds Vector", .readOnly, "Every speed the port supports", .linkSpeedVector),
            RegisterField(8, "Crosslink Supported", .readOnly, "Can train with another port of the same direction"),
            RegisterField(
                9...15, "Lower SKP OS Generation Supported Speeds Vector", .readOnly,
                "Speeds at which it can send SKP ordered sets at the lower (SRIS) rate", .linkSpeedVector),
            RegisterField(
                16...22, "Lower SKP OS Reception Supported Speeds Vector", .readOnly,
                "Speeds at which it can receive SKP ordered sets at the lower rate", .linkSpeedVector),
            RegisterField(23, "Retimer Presence Detect Supported", .readOnly, "Can detect one retimer on the link"),
            RegisterField(
                24, "Two Retimers Presence Detect Supported", .readOnly, "Can detect two retimers on the link"),
            RegisterField(25...30, "Reserved", .reservedPreserve, "Reserved"),
            RegisterField(31, "DRS Supported", .hardwareInit, "Supports Device Readiness Status messages"),
        ])

    private static let deEmphasisNames = FieldDecoding.values([
        FieldValueName(0, "-6 dB"), FieldValueName(1, "-3.5 dB"),
    ])

    private static let linkControl2 = RegisterSpec(
        0x30, width: 2, "Link Control 2",
        fields: [
            RegisterField(
                0...3, "Target Link Speed", .readWriteSticky, "Highest speed to train to (and the compliance speed)",
                .linkSpeed),
            RegisterField(4, "Enter Compliance", .readWriteSticky, "Enter the Polling.Compliance test state"),
            RegisterField(
                5, "Hardware Autonomous Speed Disable", .readWriteSticky,
                "Forbid changing the speed for reasons other than reliability"),
            RegisterField(
                6, "Selectable De-emphasis", .hardwareInit, "De-emphasis requested at 5.0 GT/s", deEmphasisNames),
            RegisterField(
                7...9, "Transmit Margin", .readWriteSticky, "Transmitter voltage level for compliance testing"),
            RegisterField(10, "Enter Modified Compliance", .readWriteSticky, "Use the modified compliance pattern"),
            RegisterField(11, "Compliance SOS", .readWriteSticky, "Send SKP ordered sets in the compliance pattern"),
            RegisterField(
                12...15, "Compliance Preset/De-emphasis", .readWriteSticky,
                "Transmitter preset or de-emphasis used in compliance mode"),
        ])

    private static func makeLinkStatus2(isDownstreamFacing: Bool) -> RegisterSpec {
        let portOnly = " on Root and Downstream Ports"
        return RegisterSpec(
            0x32, width: 2, "Link Status 2",
            fields: [
                RegisterField(
                    0, "Current De-emphasis Level", .readOnly, "De-emphasis in use at 5.0 GT/s", deEmphasisNames),
                RegisterField(
                    1, "Equalization 8.0 GT/s Complete", .readOnlySticky, "8.0 GT/s equalization finished"),
                RegisterField(
                    2, "Equalization 8.0 GT/s Phase 1 Successful", .readOnlySticky, "Phase 1 of equalization succeeded"),
                RegisterField(
                    3, "Equalization 8.0 GT/s Phase 2 Successful", .readOnlySticky, "Phase 2 of equalization succeeded"),
                RegisterField(
                    4, "Equalization 8.0 GT/s Phase 3 Successful", .readOnlySticky, "Phase 3 of equalization succeeded"),
                RegisterField(
                    5, "Link Equalization Request 8.0 GT/s", .writeOneToClearSticky,
                    "Hardware asks for 8.0 GT/s equalization to be redone"),
                RegisterField(6, "Retimer Presence Detected", .readOnlySticky, "A retimer was seen during training"),
                RegisterField(
                    7, "Two Retimers Presence Detected", .readOnlySticky, "Two retimers were seen during training"),
                RegisterField(
                    8...9, "Crosslink Resolution", .readOnly, "Which role the port took in crosslink training",
                    .values([
                        FieldValueName(0, "not supported"), FieldValueName(1, "Upstream Port"),
                        FieldValueName(2, "Downstream Port"), FieldValueName(3, "not completed"),
                    ])),
                RegisterField(10, "Flit Mode Status", .readOnly, "The link is operating in Flit Mode"),
                RegisterField(11, "Reserved", .reservedZero, "Reserved"),
                isDownstreamFacing
                    ? RegisterField(
                        12...14, "Downstream Component Presence", .readOnly, "Whether a component is below the link",
                        .values([
                            FieldValueName(0, "link down, not determined"), FieldValueName(1, "link down, not present"),
                            FieldValueName(2, "link down, present"), FieldValueName(4, "link up, present"),
                            FieldValueName(5, "link up, present, DRS received"),
                        ]))
                    : RegisterField(12...14, "Reserved", .reservedZero, "Downstream Component Presence" + portOnly),
                isDownstreamFacing
                    ? RegisterField(
                        15, "DRS Message Received", .writeOneToClear, "A Device Readiness Status message arrived")
                    : RegisterField(15, "Reserved", .reservedZero, "DRS Message Received" + portOnly),
            ])
    }

    private static let link2DownstreamFacing = [
        linkCapabilities2, linkControl2, makeLinkStatus2(isDownstreamFacing: true),
    ]
    private static let link2UpstreamFacing = [
        linkCapabilities2, linkControl2, makeLinkStatus2(isDownstreamFacing: false),
    ]
}
