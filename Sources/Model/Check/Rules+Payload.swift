// Payload and request rules: Max_Payload_Size along the path (PCIe r6.0 §2.2.2, §7.5.3.4),
// Extended and 10-bit tags (§2.2.6.2, §7.5.3.15-16).

extension RuleContext {
    mutating func payloadRules() {
        let this = self.this
        guard let payload = this.payload else { return }
        let ports = path.filter { check.functions[$0].payload != nil }
        if let smaller = ports.first(where: { (check.functions[$0].payload?.setting ?? 0) < payload.setting }),
            let portPayload = check.functions[smaller].payload
        {
            report(
                .payloadAbovePort, .error, at: payload.field.location,
                [
                    FindingValue("maxPayloadSize", .number(payload.setting)),
                    FindingValue("port", .text(check.functions[smaller].address.description)),
                    FindingValue("portMaxPayloadSize", .number(portPayload.setting)),
                ],
                "Max_Payload_Size \(payload.setting) bytes is larger than the \(portPayload.setting) bytes set on \(check.functions[smaller].address) above it: TLPs larger than that are malformed to the port"
            )
        }
        guard !this.isBridge, this.portType.map({ !$0.isDownstreamFacing }) ?? false else { return }
        let common = ([index] + ports).compactMap { check.functions[$0].payload?.supported }.min() ?? payload.supported
        if payload.setting < common {
            report(
                .payloadBelowCommon, .info, at: payload.field.location,
                [
                    FindingValue("maxPayloadSize", .number(payload.setting)),
                    FindingValue("commonMaximum", .number(common)),
                ],
                "Max_Payload_Size is \(payload.setting) bytes while every function on the path supports \(common): larger TLPs would carry more data per header"
            )
        }
        tagRules(ports: ports)
    }

    private mutating func tagRules(ports: [Int]) {
        let this = self.this
        let express = Self.express
        let root = path.first.map { check.functions[$0] }
        if let enable = this.field(express, register: 0x08, bit: 8), let root, root.portType == .rootPort {
            if enable.value != 0, let version = root.express?.version, version < 2 {
                report(
                    .extendedTagUnsupportedAbove, .warning, at: enable.location,
                    [FindingValue("rootPort", .text(root.address.description))],
                    "Extended Tag Field Enable is set but root port \(root.address) implements PCI Express capability version 1, whose completers need not accept 8-bit tags"
                )
            } else if enable.value == 0, this.flag(express, register: 0x04, bit: 5),
                root.flag(express, register: 0x04, bit: 5)
            {
                report(
                    .extendedTagNotEnabled, .info, at: enable.location,
                    [FindingValue("extendedTagFieldEnable", .flag(false))],
                    "8-bit tags are supported here and at root port \(root.address) but Extended Tag Field Enable is clear: at most 32 reads outstanding"
                )
            }
        }
        guard let requester = this.field(express, register: 0x28, bit: 12), requester.value != 0 else { return }
        if let lacking = path.first(where: { port in
            let function = check.functions[port]
            return function.express != nil && !function.flag(express, register: 0x24, bit: 16)
        }) {
            report(
                .tenBitTagUnsupportedAbove, .warning, at: requester.location,
                [FindingValue("port", .text(check.functions[lacking].address.description))],
                "10-Bit Tag Requester Enable is set but \(check.functions[lacking].address) on the path does not report 10-Bit Tag Completer Supported"
            )
        }
    }
}
