// Downstream Port Containment (extended capability 0x001D), PCIe r6.0 §7.9.14. Offsets and
// bits from Linux pci_regs.h (PCI_EXP_DPC_*) and NetBSD pcireg.h (PCI_DPC_RPPIO_*). The RP PIO
// registers exist only with Root Port Extensions (capability bit 5); their log is RP PIO Log
// Size dwords: up to 4 of header log, 1 of implementation-specific log, the rest prefix log.

extension ExtendedCapabilityID {
    public static let downstreamPortContainment = ExtendedCapabilityID(0x001D)
}

extension CapabilityDefinition {
    static let containmentFamily = [downstreamPortContainment]

    static let downstreamPortContainment = CapabilityDefinition(
        .extended(.downstreamPortContainment), "Downstream Port Containment", abbreviation: "DPC",
        setpci: "ECAP_DPC", reference: .pcie("7.9.14"),
        length: .computed("0x0C, or 0x20 plus the RP PIO log with Root Port Extensions") { input in
            let reader = input.reader
            guard let capability = reader.word(4) else { return reader.unreadable(4) }
            guard capability & 0x20 != 0 else { return .computed(0x0C) }
            let logSize = Int(capability >> 8) & 0xF | (capability & 0x2000 != 0 ? 0x10 : 0)
            return logSize < 4
                ? .unknown(.invalidField(ConfigOffset(input.base + 4), value: logSize)) : .computed(0x20 + 4 * logSize)
        },
        registers: .computed { input, length in
            RegisterCatalog.downstreamPortContainmentRegisters(input.reader, length: length)
        },
        sections: [
            "Extended Capability Header": "7.9.14.1", "DPC Capability": "7.9.14.2", "DPC Control": "7.9.14.3",
            "DPC Status": "7.9.14.4",
            "DPC Error Source ID": "7.9.14.5", "RP PIO Status": "7.9.14.6", "RP PIO Mask": "7.9.14.7",
            "RP PIO Severity": "7.9.14.8", "RP PIO SysError": "7.9.14.9", "RP PIO Exception": "7.9.14.10",
            "RP PIO Header Log": "7.9.14.11", "RP PIO ImpSpec Log": "7.9.14.12", "RP PIO TLP Prefix Log": "7.9.14.13",
        ])
}

extension RegisterCatalog {
    fileprivate static func downstreamPortContainmentRegisters(_ reader: FieldReader, length: Int?) -> [RegisterSpec] {
        var registers = dpcRegisters
        let capability = reader.word(4) ?? 0
        if capability & 0x20 != 0 {
            registers += dpcRootPortRegisters
            let logSize = Int(capability >> 8) & 0xF | (capability & 0x2000 != 0 ? 0x10 : 0)
            for index in 0..<min(logSize, 4) {
                registers.append(
                    whole(
                        0x20 + 4 * index, width: 4, "RP PIO Header Log DW\(index)", .readOnlySticky,
                        "Dword \(index) of the header of the request that failed"))
            }
            if logSize >= 5 {
                registers.append(
                    whole(0x30, width: 4, "RP PIO ImpSpec Log", .readOnlySticky, "Implementation-specific error detail")
                )
            }
            for index in 0..<min(max(logSize - 5, 0), 4) {
                registers.append(
                    whole(
                        0x34 + 4 * index, width: 4, "RP PIO TLP Prefix Log DW\(index)", .readOnlySticky,
                        "End-End TLP prefix \(index + 1) of the request that failed"))
            }
        }
        return finished(registers, length: length)
    }

    private static let dpcRegisters: [RegisterSpec] = [
        extendedCapabilityHeader,
        RegisterSpec(
            0x04, width: 2, "DPC Capability",
            fields: [
                RegisterField(
                    0...4, "DPC Interrupt Message Number", .readOnly, "MSI/MSI-X vector for DPC interrupts", .number),
                RegisterField(5, "RP Extensions for DPC", .readOnly, "Root port with the RP PIO registers"),
                RegisterField(
                    6, "Poisoned TLP Egress Blocking Supported", .readOnly, "Can block poisoned TLPs at egress"),
                RegisterField(7, "DPC Software Triggering Supported", .readOnly, "Software can trigger containment"),
                RegisterField(
                    8...11, "RP PIO Log Size", .readOnly, "Dwords of RP PIO log (bits 3:0; bit 4 is bit 13)", .number),
                RegisterField(
                    12, "DL_Active ERR_COR Signaling Supported", .readOnly, "Can send ERR_COR when the link comes up"),
                RegisterField(13, "RP PIO Log Size Bit 4", .readOnly, "High bit of RP PIO Log Size"),
                .reserved(14...15),
            ]),
        RegisterSpec(
            0x06, width: 2, "DPC Control",
            fields: [
                RegisterField(
                    0...1, "DPC Trigger Enable", .readWrite, "Errors that trigger containment",
                    .values([
                        FieldValueName(0, "disabled"), FieldValueName(1, "ERR_FATAL"),
                        FieldValueName(2, "ERR_NONFATAL or ERR_FATAL"),
                    ])),
                RegisterField(
                    2, "DPC Completion Control", .readWrite, "Complete blocked requests with UR (1) or CA (0)"),
                RegisterField(3, "DPC Interrupt Enable", .readWrite, "Interrupt when containment triggers"),
                RegisterField(4, "DPC ERR_COR Enable", .readWrite, "Send ERR_COR when containment triggers"),
                RegisterField(5, "Poisoned TLP Egress Blocking Enable", .readWrite, "Block poisoned TLPs at egress"),
                RegisterField(6, "DPC Software Trigger", .writeOnlyReadsZero, "Write 1 to trigger containment"),
                RegisterField(7, "DL_Active ERR_COR Enable", .readWrite, "Send ERR_COR when the link comes up"),
                RegisterField(8, "DPC SIG_SFW Enable", .readWrite, "Send ERR_COR with the SIG_SFW subclass"),
                .reserved(9...15),
            ]),
        RegisterSpec(
            0x08, width: 2, "DPC Status",
            fields: [
                RegisterField(
                    0, "DPC Trigger Status", .writeOneToClearSticky, "Containment is active; clear to release"),
                RegisterField(
                    1...2, "DPC Trigger Reason", .readOnlySticky, "Why containment triggered",
                    .values([
                        FieldValueName(0, "unmasked uncorrectable error"), FieldValueName(1, "ERR_NONFATAL received"),
                        FieldValueName(2, "ERR_FATAL received"), FieldValueName(3, "see Trigger Reason Extension"),
                    ])),
                RegisterField(3, "DPC Interrupt Status", .writeOneToClearSticky, "A DPC interrupt was raised"),
                RegisterField(4, "DPC RP Busy", .readOnly, "The root port is still draining after containment"),
                RegisterField(
                    5...6, "DPC Trigger Reason Extension", .readOnlySticky, "Detail when the reason is 3",
                    .values([FieldValueName(0, "RP PIO error"), FieldValueName(1, "software trigger")])),
                .reserved(7, .reservedZero),
                RegisterField(
                    8...12, "RP PIO First Error Pointer", .readOnlySticky, "Bit of the first RP PIO error logged",
                    .number),
                RegisterField(13, "DPC SIG_SFW Status", .writeOneToClearSticky, "An ERR_COR with SIG_SFW was sent"),
                .reserved(14...15, .reservedZero),
            ]),
        RegisterSpec(
            0x0A, width: 2, "DPC Error Source ID",
            fields: [
                RegisterField(
                    0...15, "DPC Error Source ID", .readOnlySticky, "Requester ID of the error message that triggered",
                    .routingID)
            ]),
    ]

    private static let rpPIOErrors: [(bit: Int, name: String, what: String)] = [
        (0, "Cfg UR Cpl", "a configuration request completed with UR"),
        (1, "Cfg CA Cpl", "a configuration request completed with CA"),
        (2, "Cfg CTO", "a configuration request timed out"),
        (8, "I/O UR Cpl", "an I/O request completed with UR"),
        (9, "I/O CA Cpl", "an I/O request completed with CA"),
        (10, "I/O CTO", "an I/O request timed out"),
        (16, "Mem UR Cpl", "a memory request completed with UR"),
        (17, "Mem CA Cpl", "a memory request completed with CA"),
        (18, "Mem CTO", "a memory request timed out"),
    ]

    private static func rpPIORegister(
        _ offset: Int, _ name: String, _ access: RegisterAccess, _ reserved: RegisterAccess, _ prefix: String
    ) -> RegisterSpec {
        var fields = [RegisterField]()
        var next = 0
        for error in rpPIOErrors {
            if error.bit > next { fields.append(.reserved(next...(error.bit - 1), reserved)) }
            fields.append(RegisterField(error.bit, error.name, access, prefix + error.what))
            next = error.bit + 1
        }
        fields.append(.reserved(next...31, reserved))
        return RegisterSpec(offset, width: 4, name, fields: fields)
    }

    private static let dpcRootPortRegisters: [RegisterSpec] = [
        rpPIORegister(0x0C, "RP PIO Status", .writeOneToClearSticky, .reservedZero, "Logged: "),
        rpPIORegister(0x10, "RP PIO Mask", .readWriteSticky, .reservedPreserve, "Do not trigger when "),
        rpPIORegister(0x14, "RP PIO Severity", .readWriteSticky, .reservedPreserve, "Treat as fatal when "),
        rpPIORegister(0x18, "RP PIO SysError", .readWriteSticky, .reservedPreserve, "Signal a system error when "),
        rpPIORegister(0x1C, "RP PIO Exception", .readWriteSticky, .reservedPreserve, "Handle as an exception when "),
    ]
}
