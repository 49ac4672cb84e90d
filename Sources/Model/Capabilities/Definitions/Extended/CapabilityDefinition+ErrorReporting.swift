// Advanced Error Reporting (extended capability 0x0001), PCIe r6.0 §7.8.4. Bit positions from
// Linux pci_regs.h (PCI_ERR_UNC_*, PCI_ERR_COR_*, PCI_ERR_CAP_*, PCI_ERR_ROOT_*); status bits are
// RW1CS, mask and severity bits RWS, logs ROS (§7.8.4.2-7.8.4.12).

extension ExtendedCapabilityID {
    /// Advanced Error Reporting (PCIe r6.0 §7.8.4).
    public static let advancedErrorReporting = ExtendedCapabilityID(0x0001)
}

extension CapabilityDefinition {
    static let errorReportingFamily = [advancedErrorReporting]

    static let advancedErrorReporting = CapabilityDefinition(
        .extended(.advancedErrorReporting), "Advanced Error Reporting", abbreviation: "AER", setpci: "ECAP_AER",
        reference: .pcie("7.8.4"),
        length: .computed("0x2C, 0x38 for root ports and RCECs, 0x48 with the TLP Prefix Log") { input in
            guard let express = input.context.express else { return .computed(0x2C) }
            if express.supportsEndEndTLPPrefix { return .computed(0x48) }
            return .computed(express.portType.hasRootRegisters ? 0x38 : 0x2C)
        },
        registers: .computed { input, length in RegisterCatalog.aerRegisters(length: length, context: input.context) },
        sections: [
            "Extended Capability Header": "7.8.4.1", "Uncorrectable Error Status": "7.8.4.2",
            "Uncorrectable Error Mask": "7.8.4.3",
            "Uncorrectable Error Severity": "7.8.4.4", "Correctable Error Status": "7.8.4.5",
            "Correctable Error Mask": "7.8.4.6", "Advanced Error Capabilities and Control": "7.8.4.7",
            "Header Log": "7.8.4.8", "Root Error Command": "7.8.4.9", "Root Error Status": "7.8.4.10",
            "Error Source Identification": "7.8.4.11", "TLP Prefix Log": "7.8.4.12",
        ],
        writeRules: { builder, base in
            builder.applyErrorReporting(at: base)
            // The root registers (Root Error Command/Status, Error Source Identification) and
            // the TLP Prefix Log of a function without them are RsvdZ (§7.8.4.9-7.8.4.12).
            builder.reserveUnimplemented(base, through: 0x48)
        })
}

extension AccessMapBuilder {
    /// AER (PCIe r6 §7.8.4): bit 0 of the uncorrectable registers is undefined (kept); the
    /// ECRC and Multiple Header Recording enables need their Capable bits.
    fileprivate mutating func applyErrorReporting(at base: Int) {
        for register in [0x04, 0x08, 0x0C] {
            removeTake(base + register, 0x01)
            if isPlaced(base + register) { rules[base + register].clear &= ~0x01 }
        }
        let control = word(base + 0x18)
        var removed: UInt16 = 0
        if control & 0x020 == 0 { removed |= 0x040 }  // ECRC Generation Enable
        if control & 0x080 == 0 { removed |= 0x100 }  // ECRC Check Enable
        if control & 0x200 == 0 { removed |= 0x400 }  // Multiple Header Recording Enable
        removeTake(base + 0x18, UInt8(truncatingIfNeeded: removed))
        removeTake(base + 0x19, UInt8(truncatingIfNeeded: removed >> 8))
    }
}

extension RegisterCatalog {
    /// AER: the common registers, the root registers for root ports and event collectors, and
    /// the TLP Prefix Log when the length rule gives 0x48.
    fileprivate static func aerRegisters(length: Int?, context: FunctionContext) -> [RegisterSpec] {
        var registers = aerCommonRegisters
        let hasRootRegisters = context.express?.portType.hasRootRegisters ?? false
        let end = length ?? (hasRootRegisters ? 0x38 : 0x2C)
        if end > 0x2C {
            if hasRootRegisters {
                registers += aerRootRegisters
            } else {
                registers.append(
                    opaque(
                        0x2C, width: 0x0C, "Reserved (root error registers exist only on root ports and RCECs)",
                        .reserved))
            }
        }
        if end >= 0x48 {
            for index in 0..<4 {
                registers.append(
                    whole(
                        0x38 + 4 * index, width: 4, "TLP Prefix Log DW\(index)", .readOnlySticky,
                        "End-End TLP Prefix \(index + 1) of the TLP in the Header Log"))
            }
        }
        return registers
    }

    // MARK: - Error bits

    private struct ErrorBit {
        let bit: Int
        let name: String
        let what: String
    }

    private static let uncorrectableBits: [ErrorBit] = [
        ErrorBit(bit: 4, name: "Data Link Protocol Error", what: "a Data Link Layer protocol violation"),
        ErrorBit(bit: 5, name: "Surprise Down Error", what: "the link going down unexpectedly"),
        ErrorBit(bit: 12, name: "Poisoned TLP Received", what: "a received TLP with the poison bit set"),
        ErrorBit(bit: 13, name: "Flow Control Protocol Error", what: "a flow-control protocol violation"),
        ErrorBit(bit: 14, name: "Completion Timeout", what: "a request whose completion never arrived"),
        ErrorBit(bit: 15, name: "Completer Abort", what: "a request this function completed with Completer Abort"),
        ErrorBit(bit: 16, name: "Unexpected Completion", what: "a completion matching no outstanding request"),
        ErrorBit(bit: 17, name: "Receiver Overflow", what: "a receive buffer overflow"),
        ErrorBit(bit: 18, name: "Malformed TLP", what: "a malformed TLP"),
        ErrorBit(bit: 19, name: "ECRC Error", what: "an end-to-end CRC mismatch"),
        ErrorBit(bit: 20, name: "Unsupported Request Error", what: "a request this function does not support"),
        ErrorBit(bit: 21, name: "ACS Violation", what: "a request that broke an ACS rule"),
        ErrorBit(bit: 22, name: "Uncorrectable Internal Error", what: "an internal error the function cannot correct"),
        ErrorBit(bit: 23, name: "MC Blocked TLP", what: "a multicast TLP that was blocked"),
        ErrorBit(bit: 24, name: "AtomicOp Egress Blocked", what: "an AtomicOp blocked at the egress port"),
        ErrorBit(bit: 25, name: "TLP Prefix Blocked Error", what: "a TLP whose End-End prefix was blocked"),
        ErrorBit(bit: 26, name: "Poisoned TLP Egress Blocked", what: "a poisoned TLP blocked at the egress port"),
        ErrorBit(bit: 27, name: "DMWr Request Egress Blocked", what: "a deferrable memory write blocked at egress"),
        ErrorBit(bit: 28, name: "IDE Check Failed", what: "an IDE integrity check failure"),
        ErrorBit(bit: 29, name: "Misrouted IDE TLP", what: "an IDE TLP that arrived on the wrong stream"),
        ErrorBit(bit: 30, name: "PCRC Check Failed", what: "a plaintext CRC check failure on an IDE TLP"),
        ErrorBit(bit: 31, name: "TLP Translation Egress Blocked", what: "a TLP blocked because of address translation"),
    ]

    private static let correctableBits: [ErrorBit] = [
        ErrorBit(bit: 0, name: "Receiver Error", what: "a physical-layer receive error"),
        ErrorBit(bit: 6, name: "Bad TLP", what: "a TLP with a bad LCRC or sequence number"),
        ErrorBit(bit: 7, name: "Bad DLLP", what: "a DLLP with a bad CRC"),
        ErrorBit(bit: 8, name: "REPLAY_NUM Rollover", what: "the replay counter rolling over"),
        ErrorBit(bit: 12, name: "Replay Timer Timeout", what: "the replay timer expiring"),
        ErrorBit(bit: 13, name: "Advisory Non-Fatal Error", what: "an uncorrectable error handled as advisory"),
        ErrorBit(bit: 14, name: "Corrected Internal Error", what: "an internal error the function corrected"),
        ErrorBit(bit: 15, name: "Header Log Overflow", what: "a header that did not fit in the log"),
    ]

    private enum ErrorRegisterKind { case status, mask, severity }

    /// Fields of an error status/mask/severity register: one per defined bit, the rest reserved.
    private static func errorFields(
        _ bits: [ErrorBit], kind: ErrorRegisterKind, registerWidthBits: Int = 32, undefinedBit0: Bool
    ) -> [RegisterField] {
        let access: RegisterAccess
        let reserved: RegisterAccess
        switch kind {
        case .status: (access, reserved) = (.writeOneToClearSticky, .reservedZero)
        case .mask, .severity: (access, reserved) = (.readWriteSticky, .reservedPreserve)
        }
        var fields = [RegisterField]()
        var next = 0
        if undefinedBit0 {
            fields.append(
                RegisterField(0, "Undefined", .readWrite, "Was Link Training Error in PCIe 1.0; software ignores it"))
            next = 1
        }
        for error in bits {
            if error.bit > next { fields.append(.reserved(next...(error.bit - 1), reserved)) }
            let meaning: String
            switch kind {
            case .status: meaning = "Logged " + error.what
            case .mask: meaning = "Do not report " + error.what
            case .severity: meaning = "1: report " + error.what + " as fatal; 0: non-fatal"
            }
            fields.append(RegisterField(error.bit, error.name, access, meaning))
            next = error.bit + 1
        }
        if next < registerWidthBits { fields.append(.reserved(next...(registerWidthBits - 1), reserved)) }
        return fields
    }

    // MARK: - Registers

    private static let aerCommonRegisters: [RegisterSpec] = {
        var registers = [extendedCapabilityHeader]
        registers.append(
            RegisterSpec(
                0x04, width: 4, "Uncorrectable Error Status",
                fields: errorFields(uncorrectableBits, kind: .status, undefinedBit0: true)))
        registers.append(
            RegisterSpec(
                0x08, width: 4, "Uncorrectable Error Mask",
                fields: errorFields(uncorrectableBits, kind: .mask, undefinedBit0: true)))
        registers.append(
            RegisterSpec(
                0x0C, width: 4, "Uncorrectable Error Severity",
                fields: errorFields(uncorrectableBits, kind: .severity, undefinedBit0: true)))
        registers.append(
            RegisterSpec(
                0x10, width: 4, "Correctable Error Status",
                fields: errorFields(correctableBits, kind: .status, undefinedBit0: false)))
        registers.append(
            RegisterSpec(
                0x14, width: 4, "Correctable Error Mask",
                fields: errorFields(correctableBits, kind: .mask, undefinedBit0: false)))
        registers.append(
            RegisterSpec(
                0x18, width: 4, "Advanced Error Capabilities and Control",
                fields: [
                    RegisterField(
                        0...4, "First Error Pointer", .readOnlySticky,
                        "Bit number, in Uncorrectable Error Status, of the error logged first", .number),
                    RegisterField(5, "ECRC Generation Capable", .readOnly, "Can generate end-to-end CRC"),
                    RegisterField(6, "ECRC Generation Enable", .readWriteSticky, "Append ECRC to transmitted TLPs"),
                    RegisterField(7, "ECRC Check Capable", .readOnly, "Can check end-to-end CRC"),
                    RegisterField(8, "ECRC Check Enable", .readWriteSticky, "Check ECRC on received TLPs"),
                    RegisterField(
                        9, "Multiple Header Recording Capable", .readOnly, "Can log headers of several errors"),
                    RegisterField(
                        10, "Multiple Header Recording Enable", .readWriteSticky, "Log headers of several errors"),
                    RegisterField(
                        11, "TLP Prefix Log Present", .readOnlySticky, "The TLP Prefix Log holds the logged prefixes"),
                    RegisterField(
                        12, "Completion Timeout Prefix/Header Log Capable", .readOnly,
                        "Logs the request header when a completion times out"),
                    .reserved(13...17),
                    RegisterField(
                        18, "TLP Logged in Flit Mode", .readOnlySticky, "The logged TLP used the Flit format"),
                    RegisterField(
                        19...23, "Logged TLP Size", .readOnlySticky, "Dwords of the logged TLP (Flit Mode only)",
                        .number),
                    .reserved(24...31),
                ]))
        for index in 0..<4 {
            registers.append(
                whole(
                    0x1C + 4 * index, width: 4, "Header Log DW\(index)", .readOnlySticky,
                    "Dword \(index) of the header of the TLP that caused the first error"))
        }
        return registers
    }()

    private static let aerRootRegisters: [RegisterSpec] = [
        RegisterSpec(
            0x2C, width: 4, "Root Error Command",
            fields: [
                RegisterField(0, "Correctable Error Reporting Enable", .readWrite, "Interrupt on ERR_COR from below"),
                RegisterField(
                    1, "Non-Fatal Error Reporting Enable", .readWrite, "Interrupt on ERR_NONFATAL from below"),
                RegisterField(2, "Fatal Error Reporting Enable", .readWrite, "Interrupt on ERR_FATAL from below"),
                .reserved(3...31),
            ]),
        RegisterSpec(
            0x30, width: 4, "Root Error Status",
            fields: [
                RegisterField(0, "ERR_COR Received", .writeOneToClearSticky, "A correctable error message arrived"),
                RegisterField(
                    1, "Multiple ERR_COR Received", .writeOneToClearSticky,
                    "Another ERR_COR arrived while bit 0 was set"),
                RegisterField(
                    2, "ERR_FATAL/NONFATAL Received", .writeOneToClearSticky, "An uncorrectable error message arrived"),
                RegisterField(
                    3, "Multiple ERR_FATAL/NONFATAL Received", .writeOneToClearSticky,
                    "Another uncorrectable message arrived while bit 2 was set"),
                RegisterField(
                    4, "First Uncorrectable Fatal", .writeOneToClearSticky, "The first uncorrectable message was fatal"),
                RegisterField(
                    5, "Non-Fatal Error Messages Received", .writeOneToClearSticky, "At least one ERR_NONFATAL arrived"),
                RegisterField(
                    6, "Fatal Error Messages Received", .writeOneToClearSticky, "At least one ERR_FATAL arrived"),
                RegisterField(
                    7...8, "ERR_COR Subclass", .readOnlySticky, "Subclass of the logged ERR_COR (when supported)",
                    .number),
                .reserved(9...26, .reservedZero),
                RegisterField(
                    27...31, "Advanced Error Interrupt Message Number", .readOnly,
                    "MSI/MSI-X vector used for AER interrupts", .number),
            ]),
        RegisterSpec(
            0x34, width: 4, "Error Source Identification",
            fields: [
                RegisterField(
                    0...15, "ERR_COR Source Identification", .readOnlySticky,
                    "Requester ID of the function that sent the logged ERR_COR", .routingID),
                RegisterField(
                    16...31, "ERR_FATAL/NONFATAL Source Identification", .readOnlySticky,
                    "Requester ID of the function that sent the logged uncorrectable message", .routingID),
            ]),
    ]
}
