// Isolation rules: ACS on the ports above endpoints and on multifunction devices, as the
// kernel's pci_acs_enabled decides (drivers/pci/pci.c), and IOMMU groups from sysfs.

extension RuleContext {
    static let acs: CapabilityKind = .extended(.accessControlServices)
    /// The controls the kernel requires for isolation (REQ_ACS_FLAGS): Source Validation,
    /// Request Redirect, Completion Redirect, Upstream Forwarding.
    static let requiredACS = [0, 2, 3, 4]

    mutating func isolationRules() {
        let this = self.this
        let portType = this.portType
        if portType == .rootPort || portType == .downstreamPort {
            let endpoints = check.descendants(of: index).filter { !check.functions[$0].isBridge }
            if !endpoints.isEmpty {
                let assigned = endpoints.contains(where: isAssigned)
                acsRule(severity: assigned ? .warning : .info, endpoints: endpoints, port: true)
            }
        } else if !this.isBridge, !this.function.isVirtualFunction, isMultifunction {
            acsRule(severity: isAssigned(index) ? .warning : .info, endpoints: [], port: false)
        }
        iommuRule()
    }

    /// Header Type bit 7, or another function of the same device in the source.
    var isMultifunction: Bool {
        if let header = this.function.space.byte(at: 0x0E), header & 0x80 != 0 { return true }
        return (check.functionsPerDevice[HealthCheck.DeviceKey(this.function)] ?? 0) > 1
    }

    private mutating func acsRule(severity: DiagnosticSeverity, endpoints: [Int], port: Bool) {
        let this = self.this
        let below = endpoints.prefix(4).map { check.functions[$0].address.description }
        let belowText =
            below.isEmpty ? "" : " (below it: \(below.joined(separator: ", "))\(endpoints.count > 4 ? ", ..." : ""))"
        guard this.has(Self.acs), let capability = this.register(Self.acs, at: 0x04),
            let control = this.register(Self.acs, at: 0x06)
        else {
            if port {
                report(
                    .acsMissing, severity, at: nil, [FindingValue("below", .list(below))],
                    "no ACS capability on this \(this.portType == .rootPort ? "root" : "downstream") port: the kernel puts what is below it in one IOMMU group with its peers, unless a quirk vouches for isolation\(belowText)"
                )
            } else {
                report(
                    .multifunctionWithoutACS, severity, at: nil, [],
                    "multifunction device without ACS: its functions may reach each other without the IOMMU, so the kernel groups them together"
                )
            }
            return
        }
        // Controls missing from the capability are hard-wired (pci_acs_flags_enabled).
        let required = Self.requiredACS.filter { capability.value & (1 << UInt64($0)) != 0 }
        let missing = required.filter { control.value & (1 << UInt64($0)) == 0 }
        guard !missing.isEmpty else { return }
        let names = missing.compactMap { bit in control.register.spec.fields.first { $0.lowBit == bit }?.name }
        report(
            .acsIncomplete, severity, at: control.location,
            [
                FindingValue("missing", .list(names)), FindingValue("capability", .hex(capability.value, digits: 4)),
                FindingValue("control", .hex(control.value, digits: 4)),
            ],
            "ACS present but not enabled: \(names.joined(separator: ", ")); the kernel does not treat it as isolating\(belowText)"
        )
    }

    private mutating func iommuRule() {
        let this = self.this
        // Bridges are not assigned to guests; their group matters through its endpoints.
        guard let group = this.function.iommuGroup, !this.isBridge else { return }
        let own = this.address.description
        let others = group.members.filter { $0 != own && !check.hostBridgeNames.contains($0) }
        guard !others.isEmpty else { return }
        report(
            .iommuGroupShared, isAssigned(index) ? .warning : .info, at: nil,
            [
                FindingValue("group", .number(group.number)), FindingValue("members", .list(others)),
                FindingValue("assignableAlone", .flag(false)),
            ],
            "IOMMU group \(group.number) also holds \(others.prefix(6).joined(separator: ", "))\(others.count > 6 ? ", ..." : ""): assigning this function to a guest takes them all"
        )
    }
}
