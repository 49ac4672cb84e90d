// Function-level extended capabilities: Device Serial Number (0x0003, PCIe r6.0 §7.9.3), TPH
// Requester (0x0017, §7.9.13), LN Requester (0x001C, PCIe r5.0 §7.9.14; removed from r6.0),
// Native PCIe Enclosure Management (0x0029, §7.9.19), Data Object Exchange (0x002E, §7.9.24)
// and Device 3 (0x002F, §7.7.9). Bits from Linux pci_regs.h (PCI_TPH_*, PCI_NPEM_*, PCI_DOE_*,
// PCI_DEV3_*), NetBSD pcireg.h (PCI_LNR_*) and EDK2 PciExpress60.h (Device 3 fields).

extension ExtendedCapabilityID {
    public static let deviceSerialNumber = ExtendedCapabilityID(0x0003)
    public static let tphRequester = ExtendedCapabilityID(0x0017)
    public static let lnRequester = ExtendedCapabilityID(0x001C)
    public static let nativePCIeEnclosureManagement = ExtendedCapabilityID(0x0029)
    public static let dataObjectExchange = ExtendedCapabilityID(0x002E)
    public static let device3 = ExtendedCapabilityID(0x002F)
}

extension CapabilityDefinition {
    static let deviceFamily = [
        deviceSerialNumber, tphRequester, lnRequester, nativePCIeEnclosureManagement, dataObjectExchange, device3,
    ]

    static let deviceSerialNumber = CapabilityDefinition(
        .extended(.deviceSerialNumber), "Device Serial Number", abbreviation: "DSN", setpci: "ECAP_DSN",
        reference: .pcie("7.9.3"), length: .fixed(12), registers: .fixed(RegisterCatalog.deviceSerialNumberRegisters),
        sections: ["Extended Capability Header": "7.9.3.1", "Serial Number": "7.9.3.2"],
        derivedValues: { input in RegisterCatalog.deviceSerialNumberValues(input.reader) })

    static let tphRequester = CapabilityDefinition(
        .extended(.tphRequester), "TPH Requester", abbreviation: "TPH", setpci: "ECAP_TPH", reference: .pcie("7.9.13"),
        length: .computed("0x0C, plus the ST table when it lives in the capability") { input in
            let reader = input.reader
            guard let capability = reader.dword(4) else { return reader.unreadable(4) }
            let location = Int(capability >> 9) & 3
            guard location == 1 else { return .computed(0x0C) }
            let entries = Int(capability >> 16) & 0x7FF + 1
            return .computed(0x0C + CapabilityLength.roundedToDword(2 * entries))
        },
        registers: .computed { input, length in RegisterCatalog.tphRequesterRegisters(input.reader, length: length) },
        sections: [
            "Extended Capability Header": "7.9.13.1", "TPH Requester Capability": "7.9.13.2",
            "TPH Requester Control": "7.9.13.3",
            "ST Table Entry": "7.9.13.4",
        ])

    static let lnRequester = CapabilityDefinition(
        .extended(.lnRequester), "LN Requester", abbreviation: "LNR", setpci: "ECAP_LNR",
        reference: .pcie(revision: "5.0", "7.9.14"), length: .fixed(8),
        registers: .fixed(RegisterCatalog.lnRequesterRegisters),
        sections: ["Extended Capability Header": "7.9.14.1", "LNR Capability": "7.9.14.2", "LNR Control": "7.9.14.3"])

    static let nativePCIeEnclosureManagement = CapabilityDefinition(
        .extended(.nativePCIeEnclosureManagement), "Native PCIe Enclosure Management", abbreviation: "NPEM",
        setpci: "ECAP_NPEM", reference: .pcie("7.9.19"), length: .fixed(0x10),
        registers: .fixed(RegisterCatalog.enclosureManagementRegisters),
        sections: [
            "Extended Capability Header": "7.9.19.1", "NPEM Capability": "7.9.19.2", "NPEM Control": "7.9.19.3",
            "NPEM Status": "7.9.19.4",
        ])

    static let dataObjectExchange = CapabilityDefinition(
        .extended(.dataObjectExchange), "Data Object Exchange", abbreviation: "DOE", reference: .pcie("7.9.24"),
        length: .fixed(0x18), registers: .fixed(RegisterCatalog.dataObjectExchangeRegisters),
        sections: [
            "Extended Capability Header": "7.9.24.1", "DOE Capabilities": "7.9.24.2", "DOE Control": "7.9.24.3",
            "DOE Status": "7.9.24.4",
            "DOE Write Data Mailbox": "7.9.24.5", "DOE Read Data Mailbox": "7.9.24.6",
        ])

    static let device3 = CapabilityDefinition(
        .extended(.device3), "Device 3", abbreviation: "Dev3", reference: .pcie("7.7.9"), length: .fixed(0x10),
        registers: .fixed(RegisterCatalog.device3Registers),
        sections: [
            "Extended Capability Header": "7.7.9.1", "Device Capabilities 3": "7.7.9.2", "Device Control 3": "7.7.9.3",
            "Device Status 3": "7.7.9.4",
        ])
}

extension RegisterCatalog {
    // MARK: - Device Serial Number

    fileprivate static let deviceSerialNumberRegisters: [RegisterSpec] = [
        extendedCapabilityHeader,
        whole(
            0x04, width: 4, "Serial Number (lower dword)", .readOnly, "Bits 31:0 of the 64-bit serial number (EUI-64)"),
        whole(0x08, width: 4, "Serial Number (upper dword)", .readOnly, "Bits 63:32 of the 64-bit serial number"),
    ]

    fileprivate static func deviceSerialNumberValues(_ reader: FieldReader) -> [DerivedValue] {
        guard let lower = reader.dword(4), let upper = reader.dword(8) else { return [] }
        return [DerivedValue("Serial number", .number(UInt64(upper) << 32 | UInt64(lower)))]
    }

    // MARK: - TPH Requester

    /// TPH Requester: capability, control, and the Steering Tag table when it lives here.
    fileprivate static func tphRequesterRegisters(_ reader: FieldReader, length: Int?) -> [RegisterSpec] {
        var registers = tphFixedRegisters
        if let capability = reader.dword(4), (capability >> 9) & 3 == 1 {
            let extended = capability & 0x100 != 0
            let entries = Int(capability >> 16) & 0x7FF + 1
            for entry in 0..<entries {
                registers.append(
                    RegisterSpec(
                        0x0C + 2 * entry, width: 2, "ST Table Entry \(entry)",
                        fields: [
                            RegisterField(0...7, "ST Lower", .readWrite, "Low byte of steering tag \(entry)", .number),
                            extended
                                ? RegisterField(8...15, "ST Upper", .readWrite, "High byte (extended TPH)", .number)
                                : .reserved(8...15),
                        ]))
            }
        }
        return finished(registers, length: length)
    }

    private static let tphFixedRegisters: [RegisterSpec] = [
        extendedCapabilityHeader,
        RegisterSpec(
            0x04, width: 4, "TPH Requester Capability",
            fields: [
                RegisterField(0, "No ST Mode Supported", .readOnly, "Can send hints without steering tags"),
                RegisterField(
                    1, "Interrupt Vector Mode Supported", .readOnly, "Steering tag chosen by interrupt vector"),
                RegisterField(2, "Device Specific Mode Supported", .readOnly, "Steering tag chosen by the device"),
                .reserved(3...7),
                RegisterField(8, "Extended TPH Requester Supported", .readOnly, "Can use 16-bit steering tags"),
                RegisterField(
                    9...10, "ST Table Location", .readOnly, "Where the steering tag table is",
                    .values([
                        FieldValueName(0, "none"), FieldValueName(1, "in this capability"),
                        FieldValueName(2, "in the MSI-X table"),
                    ])),
                .reserved(11...15),
                RegisterField(16...26, "ST Table Size", .readOnly, "Entries in the steering tag table", .countMinusOne),
                .reserved(27...31),
            ]),
        RegisterSpec(
            0x08, width: 4, "TPH Requester Control",
            fields: [
                RegisterField(
                    0...2, "ST Mode Select", .readWrite, "Steering tag mode in use",
                    .values([
                        FieldValueName(0, "no ST"), FieldValueName(1, "interrupt vector"),
                        FieldValueName(2, "device specific"),
                    ])),
                .reserved(3...7),
                RegisterField(
                    8...9, "TPH Requester Enable", .readWrite, "Which processing hints may be sent",
                    .values([
                        FieldValueName(0, "none"), FieldValueName(1, "TPH only"),
                        FieldValueName(3, "TPH and extended TPH"),
                    ])),
                .reserved(10...31),
            ]),
    ]

    // MARK: - LN Requester

    fileprivate static let lnRequesterRegisters: [RegisterSpec] = [
        extendedCapabilityHeader,
        RegisterSpec(
            0x04, width: 2, "LNR Capability",
            fields: [
                RegisterField(0, "LNR-64 Supported", .readOnly, "LN protocol with 64-byte cachelines"),
                RegisterField(1, "LNR-128 Supported", .readOnly, "LN protocol with 128-byte cachelines"),
                .reserved(2...7),
                RegisterField(
                    8...12, "LNR Registration Max", .readOnly, "Log2 of the cachelines it can register at once", .number
                ),
                .reserved(13...15),
            ]),
        RegisterSpec(
            0x06, width: 2, "LNR Control",
            fields: [
                RegisterField(0, "LNR Enable", .readWrite, "Act as an LN requester"),
                RegisterField(1, "LNR CLS", .readWrite, "Cacheline size: 0 = 64 bytes, 1 = 128 bytes"),
                .reserved(2...7),
                RegisterField(
                    8...12, "LNR Registration Limit", .readWrite, "Log2 of the cachelines it may register at once",
                    .number),
                .reserved(13...15),
            ]),
    ]

    // MARK: - Native PCIe Enclosure Management

    private static let enclosureIndications: [(bit: Int, name: String)] = [
        (2, "OK"), (3, "Locate"), (4, "Fail"), (5, "Rebuild"), (6, "PFA"), (7, "Hot Spare"),
        (8, "In A Critical Array"), (9, "In A Failed Array"), (10, "Invalid Device Type"), (11, "Disabled"),
    ]

    fileprivate static let enclosureManagementRegisters: [RegisterSpec] = [
        extendedCapabilityHeader,
        RegisterSpec(
            0x04, width: 4, "NPEM Capability",
            fields: [
                RegisterField(0, "NPEM Capable", .readOnly, "Enclosure management is implemented"),
                RegisterField(1, "NPEM Reset Capable", .readOnly, "Supports the reset command"),
            ]
                + enclosureIndications.map {
                    RegisterField($0.bit, "NPEM \($0.name) Capable", .readOnly, "Supports the \($0.name) indication")
                } + [
                    .reserved(12...23),
                    RegisterField(24...31, "Enclosure-Specific Capabilities", .readOnly, "Defined by the enclosure"),
                ]),
        RegisterSpec(
            0x08, width: 4, "NPEM Control",
            fields: [
                RegisterField(0, "NPEM Enable", .readWrite, "Enclosure management is enabled"),
                RegisterField(1, "NPEM Initiate Reset", .writeOnlyReadsZero, "Write 1 to reset the indications"),
            ]
                + enclosureIndications.map {
                    RegisterField($0.bit, "NPEM \($0.name) Control", .readWrite, "Show the \($0.name) indication")
                } + [
                    .reserved(12...23),
                    RegisterField(24...31, "Enclosure-Specific Controls", .readWrite, "Defined by the enclosure"),
                ]),
        RegisterSpec(
            0x0C, width: 4, "NPEM Status",
            fields: [
                RegisterField(0, "NPEM Command Completed", .writeOneToClear, "The last control write took effect"),
                .reserved(1...23, .reservedZero),
                RegisterField(24...31, "Enclosure-Specific Status", .readOnly, "Defined by the enclosure"),
            ]),
    ]

    // MARK: - Data Object Exchange

    fileprivate static let dataObjectExchangeRegisters: [RegisterSpec] = [
        extendedCapabilityHeader,
        RegisterSpec(
            0x04, width: 4, "DOE Capabilities",
            fields: [
                RegisterField(0, "DOE Interrupt Support", .readOnly, "Can interrupt when a response is ready"),
                RegisterField(1...11, "DOE Interrupt Message Number", .readOnly, "MSI/MSI-X vector used", .number),
                .reserved(12...31),
            ]),
        RegisterSpec(
            0x08, width: 4, "DOE Control",
            fields: [
                RegisterField(0, "DOE Abort", .writeOnlyReadsZero, "Write 1 to abort the exchange in progress"),
                RegisterField(1, "DOE Interrupt Enable", .readWrite, "Interrupt on status changes"),
                .reserved(2...30),
                RegisterField(31, "DOE Go", .writeOnlyReadsZero, "Write 1 once the request object is written"),
            ]),
        RegisterSpec(
            0x0C, width: 4, "DOE Status",
            fields: [
                RegisterField(0, "DOE Busy", .readOnly, "The mailbox cannot take a new request"),
                RegisterField(1, "DOE Interrupt Status", .writeOneToClear, "An interrupt condition occurred"),
                RegisterField(2, "DOE Error", .readOnly, "The last exchange failed"),
                .reserved(3...30, .reservedZero),
                RegisterField(31, "Data Object Ready", .readOnly, "A response object can be read"),
            ]),
        whole(
            0x10, width: 4, "DOE Write Data Mailbox", .readWrite, "Write the request object here, one dword at a time"),
        whole(0x14, width: 4, "DOE Read Data Mailbox", .readWrite, "Read the response here; write to advance a dword"),
    ]

    // MARK: - Device 3

    private static let linkWidthCode = FieldDecoding.values([
        FieldValueName(0, "x1"), FieldValueName(1, "x2"), FieldValueName(2, "x4"), FieldValueName(3, "x8"),
        FieldValueName(4, "x16"), FieldValueName(7, "dynamic"),
    ])

    private static let l0pExitLatency = FieldDecoding.values([
        FieldValueName(0, "< 1 µs"), FieldValueName(1, "1-2 µs"), FieldValueName(2, "2-4 µs"),
        FieldValueName(3, "4-8 µs"), FieldValueName(4, "8-16 µs"), FieldValueName(5, "16-32 µs"),
        FieldValueName(6, "32-64 µs"), FieldValueName(7, "> 64 µs"),
    ])

    fileprivate static let device3Registers: [RegisterSpec] = [
        extendedCapabilityHeader,
        RegisterSpec(
            0x04, width: 4, "Device Capabilities 3",
            fields: [
                RegisterField(0, "DMWr Request Routing Supported", .readOnly, "Routes deferrable memory writes"),
                RegisterField(1, "14-Bit Tag Completer Supported", .readOnly, "Accepts 14-bit tags"),
                RegisterField(2, "14-Bit Tag Requester Supported", .readOnly, "Can issue 14-bit tags"),
                RegisterField(3, "Receiver L0p Supported", .readOnly, "Supports the L0p partial-width state"),
                RegisterField(
                    4...6, "Port L0p Exit Latency", .readOnly, "Time the port needs to leave L0p", l0pExitLatency),
                RegisterField(
                    7...9, "Retimer L0p Exit Latency", .readOnly, "Time retimers need to leave L0p", l0pExitLatency),
                RegisterField(
                    10...31, "Reserved", .reservedPreserve, "Reserved in PCIe 6.0; later revisions add UIO bits here"),
            ]),
        RegisterSpec(
            0x08, width: 4, "Device Control 3",
            fields: [
                RegisterField(0, "DMWr Requester Enable", .readWrite, "May issue deferrable memory writes"),
                RegisterField(1, "DMWr Egress Blocking", .readWrite, "Block deferrable memory writes at egress"),
                RegisterField(2, "14-Bit Tag Requester Enable", .readWrite, "May use 14-bit tags"),
                RegisterField(3, "L0p Enable", .readWrite, "Allow the L0p partial-width state"),
                RegisterField(4...6, "Target Link Width", .readWrite, "Width to run at in L0p", linkWidthCode),
                RegisterField(
                    7...31, "Reserved", .reservedPreserve, "Reserved in PCIe 6.0; later revisions add UIO bits here"),
            ]),
        RegisterSpec(
            0x0C, width: 4, "Device Status 3",
            fields: [
                RegisterField(0...2, "Initial Link Width", .readOnly, "Width the link trained to", linkWidthCode),
                RegisterField(
                    3, "Segment Captured", .readOnly, "The segment number was captured (end-to-end Flit Mode)"),
                RegisterField(4, "Remote L0p Supported", .readOnly, "The link partner supports L0p"),
                .reserved(5...31, .reservedZero),
            ]),
    ]
}
