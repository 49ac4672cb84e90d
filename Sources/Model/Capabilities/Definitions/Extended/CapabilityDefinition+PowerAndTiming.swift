// Power Budgeting (0x0004, PCIe r6.0 §7.8.1), Dynamic Power Allocation (0x0016, §7.9.12),
// Latency Tolerance Reporting (0x0018, §7.8.2), L1 PM Substates (0x001E, §7.8.3), Precision
// Time Measurement (0x001F, §7.9.15), FRS Queueing (0x0021, §7.8.10) and Readiness Time
// Reporting (0x0022, §7.9.16). Bits from Linux pci_regs.h (PCI_PWR_*, PCI_DPA_*, PCI_LTR_*,
// PCI_L1SS_*, PCI_PTM_*) and NetBSD pcireg.h; FRS and Readiness Time layouts as the pcics crate
// documents them (0x10 and 0x0C bytes).

extension ExtendedCapabilityID {
    public static let powerBudgeting = ExtendedCapabilityID(0x0004)
    public static let dynamicPowerAllocation = ExtendedCapabilityID(0x0016)
    public static let latencyToleranceReporting = ExtendedCapabilityID(0x0018)
    public static let l1PMSubstates = ExtendedCapabilityID(0x001E)
    public static let precisionTimeMeasurement = ExtendedCapabilityID(0x001F)
    public static let frsQueueing = ExtendedCapabilityID(0x0021)
    public static let readinessTimeReporting = ExtendedCapabilityID(0x0022)
}

extension CapabilityDefinition {
    static let powerAndTimingFamily = [
        powerBudgeting, dynamicPowerAllocation, latencyToleranceReporting, l1PMSubstates, precisionTimeMeasurement,
        frsQueueing, readinessTimeReporting,
    ]

    static let powerBudgeting = CapabilityDefinition(
        .extended(.powerBudgeting), "Power Budgeting", abbreviation: "PwrBudget", setpci: "ECAP_PB",
        reference: .pcie("7.8.1"), length: .fixed(16), registers: .fixed(RegisterCatalog.powerBudgetingRegisters),
        sections: [
            "Extended Capability Header": "7.8.1.1", "Data Select": "7.8.1.2",
            "Reserved (Power Budgeting Control": "7.8.1.3", "Data": "7.8.1.4",
            "Power Budget Capability": "7.8.1.5",
        ])

    static let dynamicPowerAllocation = CapabilityDefinition(
        .extended(.dynamicPowerAllocation), "Dynamic Power Allocation", abbreviation: "DPA", setpci: "ECAP_DPA",
        reference: .pcie("7.9.12"),
        length: .computed("0x10 plus one byte per substate") { input in
            let reader = input.reader
            guard let capability = reader.dword(4) else { return reader.unreadable(4) }
            return .computed(0x10 + CapabilityLength.roundedToDword(Int(capability & 0x1F) + 1))
        },
        registers: .computed { input, length in
            RegisterCatalog.dynamicPowerAllocationRegisters(input.reader, length: length)
        },
        sections: [
            "Extended Capability Header": "7.9.12.1", "DPA Capability": "7.9.12.2", "DPA Latency Indicator": "7.9.12.3",
            "DPA Status": "7.9.12.4",
            "DPA Control": "7.9.12.5", "Substate": "7.9.12.6",
        ])

    static let latencyToleranceReporting = CapabilityDefinition(
        .extended(.latencyToleranceReporting), "Latency Tolerance Reporting", abbreviation: "LTR", setpci: "ECAP_LTR",
        reference: .pcie("7.8.2"), length: .fixed(8), registers: .fixed(RegisterCatalog.latencyToleranceRegisters),
        sections: [
            "Extended Capability Header": "7.8.2.1", "Max Snoop Latency": "7.8.2.2", "Max No-Snoop Latency": "7.8.2.3",
        ],
        derivedValues: { input in RegisterCatalog.latencyToleranceValues(input.reader) })

    static let l1PMSubstates = CapabilityDefinition(
        .extended(.l1PMSubstates), "L1 PM Substates", abbreviation: "L1SS", setpci: "ECAP_L1PM",
        reference: .pcie("7.8.3"), length: .fixed(0x10),
        registers: .computed { input, _ in RegisterCatalog.l1PMSubstatesRegisters(version: input.version) },
        sections: [
            "Extended Capability Header": "7.8.3.1", "L1 PM Substates Capabilities": "7.8.3.2",
            "L1 PM Substates Control 1": "7.8.3.3",
            "L1 PM Substates Control 2": "7.8.3.4", "L1 PM Substates Status": "7.8.3.5",
        ],
        derivedValues: { input in RegisterCatalog.l1PMSubstatesValues(input.reader) })

    static let precisionTimeMeasurement = CapabilityDefinition(
        .extended(.precisionTimeMeasurement), "Precision Time Measurement", abbreviation: "PTM", setpci: "ECAP_PTM",
        reference: .pcie("7.9.15"), length: .fixed(0x0C),
        registers: .fixed(RegisterCatalog.precisionTimeMeasurementRegisters),
        sections: ["Extended Capability Header": "7.9.15.1", "PTM Capability": "7.9.15.2", "PTM Control": "7.9.15.3"])

    static let frsQueueing = CapabilityDefinition(
        .extended(.frsQueueing), "FRS Queueing", abbreviation: "FRS", setpci: "ECAP_FRS", reference: .pcie("7.8.10"),
        length: .fixed(0x10), registers: .fixed(RegisterCatalog.frsQueueingRegisters),
        sections: [
            "Extended Capability Header": "7.8.10.1", "FRS Queueing Capability": "7.8.10.2",
            "FRS Queueing Status": "7.8.10.3",
            "FRS Queueing Control": "7.8.10.4", "FRS Message Queue": "7.8.10.5",
        ])

    static let readinessTimeReporting = CapabilityDefinition(
        .extended(.readinessTimeReporting), "Readiness Time Reporting", abbreviation: "RTR", setpci: "ECAP_RTR",
        reference: .pcie("7.9.16"), length: .fixed(0x0C), registers: .fixed(RegisterCatalog.readinessTimeRegisters),
        sections: [
            "Extended Capability Header": "7.9.16.1", "Readiness Time Reporting 1": "7.9.16.2",
            "Readiness Time Reporting 2": "7.9.16.3",
        ],
        derivedValues: { input in RegisterCatalog.readinessTimeValues(input.reader) })
}

extension RegisterCatalog {
    // MARK: - Power Budgeting

    fileprivate static let powerBudgetingRegisters: [RegisterSpec] = [
        extendedCapabilityHeader,
        whole(
            0x04, width: 1, "Data Select", .readWrite, "Index of the operating condition shown in the Data register",
            .number),
        reservedRegister(0x05, width: 1),
        RegisterSpec(0x06, width: 2, "Reserved (Power Budgeting Control in PCIe 6.x)", fields: [.reserved(0...15)]),
        RegisterSpec(
            0x08, width: 4, "Data",
            fields: [
                RegisterField(
                    0...7, "Base Power", .readOnly, "Power in watts before scaling (F0h-F2h: 250-300 W)", .number),
                RegisterField(
                    8...9, "Data Scale", .readOnly, "Multiplier for Base Power",
                    .values([
                        FieldValueName(0, "1.0x"), FieldValueName(1, "0.1x"), FieldValueName(2, "0.01x"),
                        FieldValueName(3, "0.001x"),
                    ])),
                RegisterField(10...12, "PM Sub State", .readOnly, "Power management sub-state (0: default)", .number),
                RegisterField(
                    13...14, "PM State", .readOnly, "Device power state of this condition",
                    .values([
                        FieldValueName(0, "D0"), FieldValueName(1, "D1"), FieldValueName(2, "D2"),
                        FieldValueName(3, "D3"),
                    ])),
                RegisterField(
                    15...17, "Type", .readOnly, "Kind of operating condition",
                    .values([
                        FieldValueName(0, "PME Aux"), FieldValueName(1, "Auxiliary"), FieldValueName(2, "Idle"),
                        FieldValueName(3, "Sustained"), FieldValueName(4, "Sustained (emergency power reduction)"),
                        FieldValueName(5, "Maximum (emergency power reduction)"), FieldValueName(7, "Maximum"),
                    ])),
                RegisterField(
                    18...20, "Power Rail", .readOnly, "Supply rail the figure applies to",
                    .values([
                        FieldValueName(0, "12 V"), FieldValueName(1, "3.3 V"), FieldValueName(2, "1.5 V or 1.8 V"),
                        FieldValueName(7, "thermal"),
                    ])),
                .reserved(21...31),
            ]),
        RegisterSpec(
            0x0C, width: 1, "Power Budget Capability",
            fields: [
                RegisterField(0, "System Allocated", .hardwareInit, "Already counted in the system power budget"),
                .reserved(1...7),
            ]),
        reservedRegister(0x0D, width: 3),
    ]

    // MARK: - Dynamic Power Allocation

    fileprivate static func dynamicPowerAllocationRegisters(_ reader: FieldReader, length: Int?) -> [RegisterSpec] {
        var registers = dpaFixedRegisters
        if let capability = reader.dword(4) {
            for substate in 0...Int(capability & 0x1F) {
                registers.append(
                    whole(
                        0x10 + substate, width: 1, "Substate \(substate) Power Allocation", .readOnly,
                        "Power of substate \(substate), in units set by Power Allocation Scale", .number))
            }
        }
        return finished(registers, length: length)
    }

    private static let dpaFixedRegisters: [RegisterSpec] = [
        extendedCapabilityHeader,
        RegisterSpec(
            0x04, width: 4, "DPA Capability",
            fields: [
                RegisterField(0...4, "Substate_Max", .readOnly, "Highest substate number", .number),
                .reserved(5...7),
                RegisterField(
                    8...9, "Transition Latency Unit", .readOnly, "Unit of the transition latency values",
                    .values([FieldValueName(0, "1 ms"), FieldValueName(1, "10 ms"), FieldValueName(2, "100 ms")])),
                .reserved(10...11),
                RegisterField(
                    12...13, "Power Allocation Scale", .readOnly, "Watts per unit of the power allocation array",
                    .values([
                        FieldValueName(0, "10.0 W"), FieldValueName(1, "1.0 W"), FieldValueName(2, "0.1 W"),
                        FieldValueName(3, "0.01 W"),
                    ])),
                .reserved(14...15),
                RegisterField(
                    16...23, "Transition Latency Value 0", .readOnly, "Latency, in units, of group 0", .number),
                RegisterField(
                    24...31, "Transition Latency Value 1", .readOnly, "Latency, in units, of group 1", .number),
            ]),
        whole(
            0x08, width: 4, "DPA Latency Indicator", .readOnly, "Bit n: substate n uses Transition Latency Value 1"),
        RegisterSpec(
            0x0C, width: 2, "DPA Status",
            fields: [
                RegisterField(0...4, "Substate Status", .readOnly, "Current substate", .number),
                .reserved(5...7, .reservedZero),
                RegisterField(
                    8, "Substate Control Enabled", .writeOneToClear, "Substate Control selects the substate"),
                .reserved(9...15, .reservedZero),
            ]),
        RegisterSpec(
            0x0E, width: 2, "DPA Control",
            fields: [
                RegisterField(0...4, "Substate Control", .readWrite, "Substate requested by software", .number),
                .reserved(5...15),
            ]),
    ]

    // MARK: - Latency Tolerance Reporting

    /// LTR scale encodings (PCIe Base §6.18): the value is multiplied by 32^scale ns.
    private static let latencyScale = FieldDecoding.values([
        FieldValueName(0, "1 ns"), FieldValueName(1, "32 ns"), FieldValueName(2, "1,024 ns"),
        FieldValueName(3, "32,768 ns"), FieldValueName(4, "1,048,576 ns"), FieldValueName(5, "33,554,432 ns"),
    ])

    private static func latencyRegister(_ offset: Int, _ kind: String) -> RegisterSpec {
        RegisterSpec(
            offset, width: 2, "Max \(kind) Latency",
            fields: [
                RegisterField(
                    0...9, "Max \(kind) LatencyValue", .readWrite, "Latency the platform tolerates, in scale units",
                    .number),
                RegisterField(
                    10...12, "Max \(kind) LatencyScale", .readWrite, "Unit of the latency value", latencyScale),
                .reserved(13...15),
            ])
    }

    fileprivate static let latencyToleranceRegisters: [RegisterSpec] = [
        extendedCapabilityHeader, latencyRegister(0x04, "Snoop"), latencyRegister(0x06, "No-Snoop"),
    ]

    /// A latency value/scale pair in nanoseconds (scales 6 and 7 are reserved).
    static func latencyNanoseconds(value: UInt64, scale: UInt64) -> DecodedValue {
        scale <= 5 ? .nanoseconds(value << (5 * scale)) : .reserved(scale)
    }

    fileprivate static func latencyToleranceValues(_ reader: FieldReader) -> [DerivedValue] {
        var values = [DerivedValue]()
        if let snoop = reader.word(4) {
            values.append(
                DerivedValue(
                    "Max snoop latency",
                    latencyNanoseconds(value: UInt64(snoop & 0x3FF), scale: UInt64(snoop >> 10) & 7)))
        }
        if let noSnoop = reader.word(6) {
            values.append(
                DerivedValue(
                    "Max no-snoop latency",
                    latencyNanoseconds(value: UInt64(noSnoop & 0x3FF), scale: UInt64(noSnoop >> 10) & 7)))
        }
        return values
    }

    // MARK: - L1 PM Substates

    private static let powerOnScale = FieldDecoding.values([
        FieldValueName(0, "2 µs"), FieldValueName(1, "10 µs"), FieldValueName(2, "100 µs"),
    ])

    /// L1 PM Substates; version 2 adds the status register at +0x10.
    fileprivate static func l1PMSubstatesRegisters(version: Int) -> [RegisterSpec] {
        version >= 2 ? l1ssRegisters + [l1ssStatus] : l1ssRegisters
    }

    private static let l1ssRegisters: [RegisterSpec] = [
        extendedCapabilityHeader,
        RegisterSpec(
            0x04, width: 4, "L1 PM Substates Capabilities",
            fields: [
                RegisterField(
                    0, "PCI-PM L1.2 Supported", .hardwareInit, "L1.2 while in L1 because of a device power state"),
                RegisterField(
                    1, "PCI-PM L1.1 Supported", .hardwareInit, "L1.1 while in L1 because of a device power state"),
                RegisterField(2, "ASPM L1.2 Supported", .hardwareInit, "L1.2 entered under ASPM"),
                RegisterField(3, "ASPM L1.1 Supported", .hardwareInit, "L1.1 entered under ASPM"),
                RegisterField(4, "L1 PM Substates Supported", .hardwareInit, "The port implements L1 substates"),
                RegisterField(
                    5, "Link Activation Supported", .hardwareInit, "Downstream port supports Link Activation"),
                .reserved(6...7),
                RegisterField(
                    8...15, "Port Common_Mode_Restore_Time", .hardwareInit,
                    "Time the port needs to restore common mode",
                    .duration(unitNanoseconds: 1000)),
                RegisterField(
                    16...17, "Port T_POWER_ON Scale", .hardwareInit, "Unit of Port T_POWER_ON Value", powerOnScale),
                .reserved(18),
                RegisterField(
                    19...23, "Port T_POWER_ON Value", .hardwareInit,
                    "Time the port needs after L1.2 exit, in scale units",
                    .number),
                .reserved(24...31),
            ]),
        RegisterSpec(
            0x08, width: 4, "L1 PM Substates Control 1",
            fields: [
                RegisterField(0, "PCI-PM L1.2 Enable", .readWrite, "Allow PCI-PM L1.2"),
                RegisterField(1, "PCI-PM L1.1 Enable", .readWrite, "Allow PCI-PM L1.1"),
                RegisterField(2, "ASPM L1.2 Enable", .readWrite, "Allow ASPM L1.2"),
                RegisterField(3, "ASPM L1.1 Enable", .readWrite, "Allow ASPM L1.1"),
                RegisterField(
                    4, "Link Activation Interrupt Enable", .readWrite, "Interrupt when Link Activation completes"),
                RegisterField(5, "Link Activation Control", .readWrite, "Start Link Activation (downstream ports)"),
                .reserved(6...7),
                RegisterField(
                    8...15, "Common_Mode_Restore_Time", .readWrite, "Common-mode restore time the downstream port uses",
                    .duration(unitNanoseconds: 1000)),
                RegisterField(
                    16...25, "LTR_L1.2_THRESHOLD_Value", .readWrite,
                    "Latency above which L1.2 is entered, in scale units",
                    .number),
                .reserved(26...28),
                RegisterField(
                    29...31, "LTR_L1.2_THRESHOLD_Scale", .readWrite, "Unit of the threshold value", latencyScale),
            ]),
        RegisterSpec(
            0x0C, width: 4, "L1 PM Substates Control 2",
            fields: [
                RegisterField(0...1, "T_POWER_ON Scale", .readWrite, "Unit of T_POWER_ON Value", powerOnScale),
                .reserved(2),
                RegisterField(
                    3...7, "T_POWER_ON Value", .readWrite, "Wait after L1.2 exit before driving the link", .number),
                .reserved(8...31),
            ]),
    ]

    private static let l1ssStatus = RegisterSpec(
        0x10, width: 4, "L1 PM Substates Status",
        fields: [
            RegisterField(0, "Link Activation Status", .writeOneToClear, "Link Activation has completed"),
            .reserved(1...31, .reservedZero),
        ])

    fileprivate static func l1PMSubstatesValues(_ reader: FieldReader) -> [DerivedValue] {
        var values = [DerivedValue]()
        let scales: [UInt64] = [2000, 10_000, 100_000]
        if let capability = reader.dword(4) {
            let scale = Int(capability >> 16) & 3
            if scale < 3 {
                values.append(
                    DerivedValue("Port T_POWER_ON", .nanoseconds(UInt64(capability >> 19 & 0x1F) * scales[scale])))
            }
        }
        if let control1 = reader.dword(8) {
            values.append(
                DerivedValue(
                    "LTR L1.2 threshold",
                    latencyNanoseconds(value: UInt64(control1 >> 16) & 0x3FF, scale: UInt64(control1 >> 29) & 7)))
        }
        if let control2 = reader.dword(0x0C) {
            let scale = Int(control2) & 3
            if scale < 3 {
                values.append(DerivedValue("T_POWER_ON", .nanoseconds(UInt64(control2 >> 3 & 0x1F) * scales[scale])))
            }
        }
        return values
    }

    // MARK: - Precision Time Measurement

    fileprivate static let precisionTimeMeasurementRegisters: [RegisterSpec] = [
        extendedCapabilityHeader,
        RegisterSpec(
            0x04, width: 4, "PTM Capability",
            fields: [
                RegisterField(0, "PTM Requester Capable", .hardwareInit, "Can request PTM timestamps"),
                RegisterField(1, "PTM Responder Capable", .hardwareInit, "Can answer PTM requests"),
                RegisterField(2, "PTM Root Capable", .hardwareInit, "Can be the PTM time source"),
                RegisterField(3, "ePTM Capable", .hardwareInit, "Supports enhanced PTM"),
                RegisterField(
                    4, "PTM Propagation Delay Adaptation Capable", .hardwareInit, "Can adapt to link propagation delay"),
                .reserved(5...7),
                RegisterField(
                    8...15, "Local Clock Granularity", .hardwareInit,
                    "Local clock period in ns (0: none; FFh: > 254 ns)",
                    .duration(unitNanoseconds: 1)),
                .reserved(16...31),
            ]),
        RegisterSpec(
            0x08, width: 4, "PTM Control",
            fields: [
                RegisterField(0, "PTM Enable", .readWrite, "Take part in PTM"),
                RegisterField(1, "Root Select", .readWrite, "Act as the PTM root"),
                .reserved(2...7),
                RegisterField(
                    8...15, "Effective Granularity", .readWrite, "Clock granularity of the path to the root, in ns",
                    .duration(unitNanoseconds: 1)),
                .reserved(16...31),
            ]),
    ]

    // MARK: - FRS Queueing

    fileprivate static let frsQueueingRegisters: [RegisterSpec] = [
        extendedCapabilityHeader,
        RegisterSpec(
            0x04, width: 4, "FRS Queueing Capability",
            fields: [
                RegisterField(0...11, "FRS Queue Max Depth", .hardwareInit, "FRS messages the queue can hold", .number),
                .reserved(12...15),
                RegisterField(
                    16...20, "FRS Interrupt Message Number", .readOnly, "MSI/MSI-X vector for FRS interrupts", .number),
                .reserved(21...31),
            ]),
        RegisterSpec(
            0x08, width: 2, "FRS Queueing Status",
            fields: [
                RegisterField(0, "FRS Message Received", .writeOneToClear, "A new FRS message was queued"),
                RegisterField(
                    1, "FRS Message Overflow", .writeOneToClear, "An FRS message arrived while the queue was full"),
                .reserved(2...15, .reservedZero),
            ]),
        RegisterSpec(
            0x0A, width: 2, "FRS Queueing Control",
            fields: [
                RegisterField(0, "FRS Interrupt Enable", .readWrite, "Interrupt when a status bit becomes set"),
                .reserved(1...15),
            ]),
        RegisterSpec(
            0x0C, width: 4, "FRS Message Queue",
            fields: [
                RegisterField(
                    0...15, "FRS Message Queue Function ID", .readOnly, "Requester ID of the oldest queued message",
                    .routingID),
                RegisterField(
                    16...19, "FRS Message Queue Reason", .readOnly, "FRS reason of the oldest message", .number),
                RegisterField(20...31, "FRS Message Queue Depth", .readOnly, "Messages currently queued", .number),
            ]),
    ]

    // MARK: - Readiness Time Reporting

    private static func readinessFields(_ low: Int, _ name: String, _ meaning: String) -> [RegisterField] {
        [
            RegisterField(low...(low + 8), "\(name) Value", .hardwareInit, meaning + " (value)", .number),
            RegisterField(
                (low + 9)...(low + 11), "\(name) Scale", .hardwareInit, meaning + " (unit: 32^scale ns)", .number),
        ]
    }

    fileprivate static let readinessTimeRegisters: [RegisterSpec] = [
        extendedCapabilityHeader,
        RegisterSpec(
            0x04, width: 4, "Readiness Time Reporting 1",
            fields: readinessFields(0, "Reset Time", "Time to configuration-ready after conventional reset")
                + readinessFields(12, "DL_Up Time", "Time to configuration-ready after the link comes up")
                + [
                    .reserved(24...30),
                    RegisterField(31, "Valid", .hardwareInit, "The reported times are valid"),
                ]),
        RegisterSpec(
            0x08, width: 4, "Readiness Time Reporting 2",
            fields: readinessFields(0, "FLR Time", "Time to configuration-ready after a function level reset")
                + readinessFields(12, "D3Hot to D0 Time", "Time to configuration-ready after leaving D3hot")
                + [.reserved(24...31)]),
    ]

    fileprivate static func readinessTimeValues(_ reader: FieldReader) -> [DerivedValue] {
        var values = [DerivedValue]()
        for (offset, names) in [(4, ("Reset time", "DL_Up time")), (8, ("FLR time", "D3hot to D0 time"))] {
            guard let register = reader.dword(offset) else { continue }
            for (shift, name) in [(0, names.0), (12, names.1)] {
                let time = UInt64(register >> shift) & 0xFFF
                values.append(DerivedValue(name, latencyNanoseconds(value: time & 0x1FF, scale: time >> 9)))
            }
        }
        return values
    }
}
