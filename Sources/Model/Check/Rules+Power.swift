// Power rules: ASPM L1 at both ends of a link (PCIe r6.0 §5.4.1), L1 PM Substates (§5.5,
// §7.8.3) and D3hot with a driver bound (§7.5.2.2).

extension RuleContext {
    static let l1Substates: CapabilityKind = .extended(.l1PMSubstates)
    /// L1 PM Substates enables: PCI-PM L1.2, PCI-PM L1.1, ASPM L1.2, ASPM L1.1 (Control 1 bits
    /// 0-3, each with its Supported bit at the same position in Capabilities).
    static let substateBits = [0, 1, 2, 3]

    mutating func powerRules() {
        let this = self.this
        if this.portType?.isDownstreamFacing == true, let partnerIndex = check.linkPartner(of: index) {
            linkPowerRules(partnerIndex)
        }
        if this.has(Self.l1Substates), let control = this.register(Self.l1Substates, at: 0x08) {
            let capabilities = this.register(Self.l1Substates, at: 0x04)?.value ?? 0
            let unsupported = this.setFlags(Self.l1Substates, register: 0x08, among: Self.substateBits).filter {
                capabilities & (1 << UInt64($0.lowBit)) == 0
            }
            if !unsupported.isEmpty {
                report(
                    .l1SubstateUnsupported, .warning, at: control.location,
                    [FindingValue("enabled", .list(unsupported.map(\.name)))],
                    "\(unsupported.map(\.name).joined(separator: ", ")) set without the matching Supported bit in L1 PM Substates Capabilities"
                )
            }
        }
        if let state = this.field(.standard(.powerManagement), register: 0x04, bit: 0), state.value == 3,
            let driver = this.function.driver
        {
            report(
                .d3WithDriver, .info, at: state.location,
                [FindingValue("powerState", .text("D3hot")), FindingValue("driver", .text(driver))],
                "in D3hot with \(driver) bound: runtime-suspended, or powered down under its driver")
        }
    }

    private mutating func linkPowerRules(_ partnerIndex: Int) {
        let this = self.this
        let partner = check.functions[partnerIndex]
        if let own = this.field(Self.express, register: 0x10, bit: 0),
            let other = partner.field(Self.express, register: 0x10, bit: 0),
            (own.value & 2) != (other.value & 2)
        {
            let (on, off) =
                own.value & 2 != 0
                ? ("this port", partner.address.description) : (partner.address.description, "this port")
            report(
                .aspmOneEnd, .warning, at: own.location,
                [
                    FindingValue("partner", .text(partner.address.description)),
                    FindingValue("aspmControl", .number(Int(own.value))),
                    FindingValue("partnerAspmControl", .number(Int(other.value))),
                ],
                "ASPM L1 is enabled on \(on) but not on \(off): the link never enters L1")
        }
        let ownControl = this.register(Self.l1Substates, at: 0x08).map { $0.value & 0xF }
        let otherControl = partner.register(Self.l1Substates, at: 0x08).map { $0.value & 0xF }
        guard ownControl != otherControl, (ownControl ?? 0) != 0 || (otherControl ?? 0) != 0 else { return }
        let describe: (UInt64?) -> String = { value in
            guard let value else { return "no L1 PM Substates capability" }
            let names = ["PCI-PM L1.2", "PCI-PM L1.1", "ASPM L1.2", "ASPM L1.1"].enumerated().filter {
                value & (1 << UInt64($0.offset)) != 0
            }.map(\.element)
            return names.isEmpty ? "none enabled" : names.joined(separator: ", ")
        }
        report(
            .l1SubstatesMismatch, .warning, at: this.register(Self.l1Substates, at: 0x08)?.location,
            [
                FindingValue("partner", .text(partner.address.description)),
                FindingValue("enabled", .text(describe(ownControl))),
                FindingValue("partnerEnabled", .text(describe(otherControl))),
            ],
            "L1 PM Substates differ across the link to \(partner.address): here \(describe(ownControl)), there \(describe(otherControl))"
        )
    }
}
