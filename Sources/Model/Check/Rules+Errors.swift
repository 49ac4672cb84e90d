// Error rules: Status and Secondary Status (PCIe r6.0 §7.5.1.1.4, §7.5.1.3.7), Device Status
// (§7.5.3.5), AER status, severity, masks and the Header Log (§7.8.4).

extension RuleContext {
    /// Status/Secondary Status error bits: Master Data Parity Error, Signaled/Received Target
    /// Abort, Received Master Abort, Signaled System Error, Detected Parity Error.
    static let statusErrorBits = [8, 11, 12, 13, 14, 15]
    /// The ones that mean data was corrupted or the system was alerted.
    static let seriousStatusBits: Set<Int> = [8, 14, 15]
    /// Uncorrectable errors every function implements (PCIe r6.0 §6.2.7, Table 6-5).
    static let requiredUncorrectable = [4, 12, 14, 16, 18, 20]
    /// Uncorrectable errors whose masking hides a failing link or broken TLPs.
    static let linkUncorrectable = [4, 5, 18]
    /// Correctable errors every function with a link implements (Table 6-4).
    static let requiredCorrectable = [0, 6, 7, 8, 12]

    static let aer: CapabilityKind = .extended(.advancedErrorReporting)

    mutating func errorRules() {
        statusRule(register: 0x06, kind: .statusErrors, side: "")
        if this.isBridge { statusRule(register: 0x1E, kind: .secondaryStatusErrors, side: " on the secondary side") }
        deviceStatusRule()
        aerRules()
    }

    private mutating func statusRule(register offset: Int, kind: FindingKind, side: String) {
        let set = this.setFlags(nil, register: offset, among: Self.statusErrorBits)
        guard !set.isEmpty, let reading = this.register(nil, at: offset) else { return }
        let serious = set.contains { Self.seriousStatusBits.contains($0.lowBit) }
        report(
            kind, serious ? .warning : .info, at: reading.location,
            [
                FindingValue("set", .list(set.map(\.name))),
                FindingValue("value", .hex(reading.value, digits: 4)),
            ], "\(reading.register.spec.name) logged\(side): \(set.map(\.name).joined(separator: ", "))")
    }

    private mutating func deviceStatusRule() {
        let set = this.setFlags(Self.express, register: 0x0A, among: [0, 1, 2, 3])
        guard !set.isEmpty, let reading = this.register(Self.express, at: 0x0A) else { return }
        let bits = Set(set.map(\.lowBit))
        let severity: DiagnosticSeverity = bits.contains(2) ? .error : bits.contains(1) ? .warning : .info
        report(
            .deviceStatusErrors, severity, at: reading.location,
            [FindingValue("set", .list(set.map(\.name))), FindingValue("value", .hex(reading.value, digits: 4))],
            "Device Status: \(set.map(\.name).joined(separator: ", "))")
    }

    private mutating func aerRules() {
        let this = self.this
        guard this.has(Self.aer) else { return }
        let uncorrectable = this.setFlags(Self.aer, register: 0x04)
        if !uncorrectable.isEmpty, let status = this.register(Self.aer, at: 0x04) {
            let severityValue = this.register(Self.aer, at: 0x0C)?.value ?? 0
            let fatal = uncorrectable.filter { severityValue & (1 << UInt64($0.lowBit)) != 0 }
            var values = [
                FindingValue("set", .list(uncorrectable.map(\.name))),
                FindingValue("fatal", .list(fatal.map(\.name))),
                FindingValue("value", .hex(status.value, digits: 8)),
            ]
            var message =
                "AER uncorrectable errors logged: \(uncorrectable.map { $0.name + (fatal.contains($0) ? " (fatal)" : "") }.joined(separator: ", "))"
            if let pointer = this.field(Self.aer, register: 0x18, bit: 0),
                let first = uncorrectable.first(where: { $0.lowBit == Int(pointer.value) }),
                let header = headerLog()
            {
                values.append(FindingValue("firstError", .text(first.name)))
                values.append(FindingValue("headerLog", .text(header.raw)))
                values.append(FindingValue("tlp", .text(header.decoded)))
                message += "; first: \(first.name), header log: \(header.decoded)"
            }
            report(.aerUncorrectable, fatal.isEmpty ? .warning : .error, at: status.location, values, message)
        }
        let correctable = this.setFlags(Self.aer, register: 0x10)
        if !correctable.isEmpty, let status = this.register(Self.aer, at: 0x10) {
            report(
                .aerCorrectable, .info, at: status.location,
                [
                    FindingValue("set", .list(correctable.map(\.name))),
                    FindingValue("value", .hex(status.value, digits: 8)),
                ], "AER correctable errors logged: \(correctable.map(\.name).joined(separator: ", "))")
        }
        if let mask = this.register(Self.aer, at: 0x08) {
            let masked = this.setFlags(Self.aer, register: 0x08)
            let maskedBits = Set(masked.map(\.lowBit))
            if Self.requiredUncorrectable.allSatisfy(maskedBits.contains) {
                report(
                    .aerUncorrectableMasked, .warning, at: mask.location,
                    [
                        FindingValue("masked", .list(masked.map(\.name))),
                        FindingValue("value", .hex(mask.value, digits: 8)),
                    ],
                    "every uncorrectable error is masked: none is reported to the root port (firmware-first, or errors hidden)"
                )
            } else if let risky = Optional(masked.filter { Self.linkUncorrectable.contains($0.lowBit) }), !risky.isEmpty
            {
                report(
                    .aerUncorrectableMasked, .info, at: mask.location,
                    [
                        FindingValue("masked", .list(risky.map(\.name))),
                        FindingValue("value", .hex(mask.value, digits: 8)),
                    ],
                    "uncorrectable errors masked: \(risky.map(\.name).joined(separator: ", ")) (a failing link would go unreported)"
                )
            }
        }
        if let mask = this.register(Self.aer, at: 0x14) {
            let maskedBits = Set(this.setFlags(Self.aer, register: 0x14).map(\.lowBit))
            if Self.requiredCorrectable.allSatisfy(maskedBits.contains) {
                report(
                    .aerCorrectableMasked, .info, at: mask.location,
                    [FindingValue("value", .hex(mask.value, digits: 8))],
                    "every correctable error is masked: a marginal link would go unnoticed")
            }
        }
    }

    /// The AER Header Log (four dwords from +0x1C, byte 0 of the TLP in the top byte of the
    /// first), raw and decoded: format and type, length, requester and tag, address.
    func headerLog() -> (raw: String, decoded: String)? {
        guard let base = this.analysis.capability(Self.aer)?.offset.rawValue else { return nil }
        var words = [UInt32]()
        for index in 0..<4 {
            guard let word = this.function.space.dword(at: base + 0x1C + 4 * index) else { return nil }
            words.append(word)
        }
        let raw = words.map { word in
            let digits = String(word, radix: 16)
            return String(repeating: "0", count: max(0, 8 - digits.count)) + digits
        }.joined(separator: " ")
        guard words.contains(where: { $0 != 0 }) else { return (raw, "empty") }
        return (raw, TLPHeader(words).description)
    }
}

/// A TLP header as the AER Header Log holds it (PCIe r6.0 §2.2.1, Table 2-3 and 2-4).
struct TLPHeader: CustomStringConvertible {
    var words: [UInt32]

    init(_ words: [UInt32]) { self.words = words }

    var format: Int { Int(words[0] >> 29) & 0x7 }
    var type: Int { Int(words[0] >> 24) & 0x1F }
    var hasData: Bool { format & 0b010 != 0 }
    var isFourDword: Bool { format & 0b001 != 0 }
    var lengthDwords: Int {
        let value = Int(words[0] & 0x3FF)
        return value == 0 ? 1024 : value
    }

    var name: String {
        if format == 0b100 { return "TLP Prefix" }
        switch type {
        case 0b00000: return hasData ? "MWr" : "MRd"
        case 0b00001: return "MRdLk"
        case 0b00010: return hasData ? "IOWr" : "IORd"
        case 0b00100: return hasData ? "CfgWr0" : "CfgRd0"
        case 0b00101: return hasData ? "CfgWr1" : "CfgRd1"
        case 0b11011: return "TCfg"
        case 0b01010: return hasData ? "CplD" : "Cpl"
        case 0b01011: return hasData ? "CplDLk" : "CplLk"
        case 0b01100, 0b01101, 0b01110: return "AtomicOp"
        default: return type & 0b11000 == 0b10000 ? (hasData ? "MsgD" : "Msg") : "type \(type)"
        }
    }

    static func routingID(_ value: UInt32) -> String {
        let bus = Int(value >> 8) & 0xFF
        let device = Int(value >> 3) & 0x1F
        let function = Int(value) & 0x7
        return "\(hex(bus, 2)):\(hex(device, 2)).\(function)"
    }

    static func hex(_ value: Int, _ digits: Int) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }

    var description: String {
        var parts = [name]
        if hasData || name.hasPrefix("MRd") || name.hasPrefix("IORd") || name.hasPrefix("Cfg") {
            parts.append("\(lengthDwords) DW")
        }
        switch name {
        case "Cpl", "CplD", "CplLk", "CplDLk":
            parts.append("completer \(Self.routingID(words[1] >> 16))")
            parts.append("requester \(Self.routingID(words[2] >> 16))")
            parts.append("status \(Int(words[1] >> 13) & 0x7)")
        default:
            parts.append("requester \(Self.routingID(words[1] >> 16))")
            parts.append("tag 0x\(Self.hex(Int(words[1] >> 8) & 0xFF, 2))")
            if name.hasPrefix("Cfg") {
                parts.append(
                    "target \(Self.routingID(words[2] >> 16)) register 0x\(Self.hex(Int(words[2] & 0xFFC), 3))")
            } else if type == 0 || type == 1 || type == 2 {
                let address =
                    isFourDword ? (UInt64(words[2]) << 32) | UInt64(words[3] & ~3) : UInt64(words[2] & ~3)
                parts.append("address 0x\(String(address, radix: 16))")
            }
        }
        return parts.joined(separator: " ")
    }
}
