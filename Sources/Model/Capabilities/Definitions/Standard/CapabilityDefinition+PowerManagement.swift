// Power Management capability (ID 0x01, 8 bytes): PCI Bus Power Management Interface 1.2
// §3.2, PCIe r6.0 §7.5.2. PMC at +2, PMCSR at +4, the bridge support extensions at +6
// and the Data register at +7.

extension CapabilityID {
    /// Power Management (PCIe r6.0 §7.5.2).
    public static let powerManagement = CapabilityID(0x01)
}

extension CapabilityDefinition {
    static let powerManagementFamily = [powerManagement]

    static let powerManagement = CapabilityDefinition(
        .standard(.powerManagement), "Power Management", abbreviation: "PM", setpci: "CAP_PM",
        reference: .pcie("7.5.2"), length: .fixed(8),
        registers: .computed { input, _ in RegisterCatalog.powerManagementRegisters(context: input.context) },
        sections: [
            "Power Management Capabilities": "7.5.2.1", "Power Management Control/Status": "7.5.2.2", "Data": "7.5.2.3",
        ],
        writeRules: { builder, base in
            builder.applyPowerManagement(at: base)
            builder.addHook(.powerManagementControl(capability: base), at: base + 4, count: 2)
        })
}

extension AccessMapBuilder {
    /// PMCSR (PCI PM 1.2 §3.2.4): PME_En and PME_Status may be hardwired to 0 when PME_Support is
    /// 0; Data_Select must be when the Data register is not implemented (Data_Scale and Data 0).
    fileprivate mutating func applyPowerManagement(at base: Int) {
        if word(base + 2) & 0xF800 == 0 {
            removeTake(base + 5, 0x01)
            if isPlaced(base + 5) { rules[base + 5].clear &= ~0x80 }
        }
        if byte(base + 5) & 0x60 == 0 && byte(base + 7) == 0 { removeTake(base + 5, 0x1E) }
    }
}

extension RegisterCatalog {
    /// The Power Management capability's registers; PMCSR_BSE is defined only for bridges.
    fileprivate static func powerManagementRegisters(context: FunctionContext) -> [RegisterSpec] {
        context.headerLayout == .bridge ? powerManagementBridgeTable : powerManagementEndpointTable
    }

    private static let powerManagementEndpointTable = [
        standardCapabilityHeader, powerManagementCapabilities, powerManagementControlStatus,
        standardReservedRegister(
            6, width: 1, "PMCSR_BSE (reserved)", .reservedPreserve,
            "Bridge support extensions; reserved for functions that are not PCI-to-PCI bridges"),
        powerManagementData,
    ]

    private static let powerManagementBridgeTable = [
        standardCapabilityHeader, powerManagementCapabilities, powerManagementControlStatus,
        RegisterSpec(
            6, width: 1, "PMCSR_BSE",
            fields: [
                RegisterField(0...5, "Reserved", .reservedPreserve, "Reserved"),
                RegisterField(
                    6, "B2_B3#", .readOnly,
                    "With BPCC_En: 1 = secondary bus goes to B2 in D3hot, 0 = to B3 (clock stopped, power off)"),
                RegisterField(
                    7, "BPCC_En", .readOnly, "The bridge controls secondary bus power and clock by its D-state"),
            ]),
        powerManagementData,
    ]

    private static let powerManagementCapabilities = RegisterSpec(
        2, width: 2, "Power Management Capabilities (PMC)",
        fields: [
            RegisterField(
                0...2, "Version", .readOnly, "Version of the PCI Power Management specification implemented",
                .values([
                    FieldValueName(1, "PCI PM 1.0"), FieldValueName(2, "PCI PM 1.1"), FieldValueName(3, "PCI PM 1.2"),
                ])),
            RegisterField(3, "PME Clock", .readOnly, "Needs the PCI clock to generate PME#; 0 on PCI Express"),
            RegisterField(
                4, "Immediate_Readiness_on_Return_to_D0", .readOnly,
                "Ready for accesses right after returning to D0 from D3hot (no 10 ms wait)"),
            RegisterField(
                5, "Device Specific Initialization (DSI)", .readOnly, "Needs a driver-specific init after D0"),
            RegisterField(
                6...8, "Aux_Current", .readOnly,
                "Largest 3.3 Vaux current drawn in D3cold for PME; 0 when the Data register reports it",
                .values([
                    FieldValueName(0, "0 mA (self powered)"), FieldValueName(1, "55 mA"), FieldValueName(2, "100 mA"),
                    FieldValueName(3, "160 mA"), FieldValueName(4, "220 mA"), FieldValueName(5, "270 mA"),
                    FieldValueName(6, "320 mA"), FieldValueName(7, "375 mA"),
                ])),
            RegisterField(9, "D1_Support", .readOnly, "Supports the D1 power state"),
            RegisterField(10, "D2_Support", .readOnly, "Supports the D2 power state"),
            RegisterField(11, "PME_Support D0", .readOnly, "Can signal PME while in D0"),
            RegisterField(12, "PME_Support D1", .readOnly, "Can signal PME while in D1"),
            RegisterField(13, "PME_Support D2", .readOnly, "Can signal PME while in D2"),
            RegisterField(14, "PME_Support D3hot", .readOnly, "Can signal PME while in D3hot"),
            RegisterField(15, "PME_Support D3cold", .readOnly, "Can signal PME while in D3cold (needs aux power)"),
        ])

    private static let powerManagementControlStatus = RegisterSpec(
        4, width: 2, "Power Management Control/Status (PMCSR)",
        fields: [
            RegisterField(
                0...1, "PowerState", .readWrite, "Current power state; writing an unsupported state is ignored",
                .values([
                    FieldValueName(0, "D0"), FieldValueName(1, "D1"), FieldValueName(2, "D2"),
                    FieldValueName(3, "D3hot"),
                ])),
            RegisterField(2, "Reserved", .reservedPreserve, "Reserved"),
            RegisterField(
                3, "No_Soft_Reset", .readOnly, "D3hot to D0 keeps the configuration (no internal reset)"),
            RegisterField(4...7, "Reserved", .reservedPreserve, "Reserved"),
            RegisterField(8, "PME_En", .readWriteSticky, "Allows the function to signal PME"),
            RegisterField(
                9...12, "Data_Select", .readWrite,
                "Chooses what the Data register reports (0-7: power consumed or dissipated in D0-D3)"),
            RegisterField(
                13...14, "Data_Scale", .readOnly, "Scale of the Data register value for the selected item",
                .values([
                    FieldValueName(0, "unknown (Data not implemented)"), FieldValueName(1, "0.1x"),
                    FieldValueName(2, "0.01x"), FieldValueName(3, "0.001x"),
                ])),
            RegisterField(15, "PME_Status", .writeOneToClearSticky, "The function signalled PME; write 1 to clear"),
        ])

    private static let powerManagementData = RegisterSpec(
        7, width: 1, "Data",
        fields: [
            RegisterField(0...7, "Data", .readOnly, "Power figure chosen by Data_Select, in watts times Data_Scale")
        ])
}
