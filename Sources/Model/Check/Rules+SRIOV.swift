// SR-IOV rules: NumVFs and TotalVFs, VF memory, ARI along the path (PCIe r6.0 §9.3.3), and
// VFs without the PASID/PRI/ATS their PF uses (§9.3.7.14: VFs implement no PASID or PRI).

extension RuleContext {
    static let sriov: CapabilityKind = .extended(.singleRootIOV)

    mutating func sriovRules() {
        let this = self.this
        if this.function.isVirtualFunction { virtualFunctionRule() }
        guard this.has(Self.sriov), let total = this.field(Self.sriov, register: 0x0E, bit: 0),
            let number = this.field(Self.sriov, register: 0x10, bit: 0),
            let enable = this.field(Self.sriov, register: 0x08, bit: 0)
        else { return }
        let counts = [
            FindingValue("numVFs", .number(Int(number.value))), FindingValue("totalVFs", .number(Int(total.value))),
        ]
        if number.value > total.value {
            report(
                .sriovNumVFsAboveTotal, .error, at: number.location, counts,
                "NumVFs \(number.value) is larger than TotalVFs \(total.value)")
        }
        if enable.value == 0 {
            if total.value > 0 {
                report(
                    .sriovVFsDisabled, .info, at: enable.location, counts,
                    "SR-IOV capable with \(total.value) VFs, none enabled (VF Enable clear)")
            }
        } else {
            if number.value < total.value {
                report(
                    .sriovPartiallyEnabled, .info, at: number.location, counts,
                    "\(number.value) of \(total.value) VFs enabled")
            }
            if let memory = this.field(Self.sriov, register: 0x08, bit: 3) {
                if memory.value == 0 {
                    report(
                        .sriovMemoryDisabled, .warning, at: memory.location, [FindingValue("vfMSE", .flag(false))],
                        "VFs are enabled but VF MSE is clear: no VF BAR decodes, so no VF driver can reach its registers"
                    )
                } else if let bars = Optional(
                    (0..<6).compactMap { this.function.space.dword(at: sriovBase + 0x24 + 4 * $0) }),
                    bars.count == 6, bars.allSatisfy({ $0 & ~0xF == 0 })
                {
                    report(
                        .sriovNoBARSpace, .warning, at: this.register(Self.sriov, at: 0x24)?.location,
                        [FindingValue("vfBARs", .list(bars.map { "0x" + String($0, radix: 16) }))],
                        "VFs are enabled with VF MSE set but every VF BAR reads 0: no VF BAR space is assigned")
                }
            }
        }
        ariRule()
    }

    private var sriovBase: Int { this.analysis.capability(Self.sriov)?.offset.rawValue ?? 0 }

    private mutating func ariRule() {
        let this = self.this
        guard this.address.function == 0, let parentIndex = check.parent[index],
            check.functions[parentIndex].portType?.isDownstreamFacing == true,
            let forwarding = check.functions[parentIndex].field(Self.express, register: 0x28, bit: 5),
            let hierarchy = this.field(Self.sriov, register: 0x08, bit: 4),
            let total = this.field(Self.sriov, register: 0x0E, bit: 0), total.value > 0
        else { return }
        let port = check.functions[parentIndex].address
        if hierarchy.value != 0 && forwarding.value == 0 {
            report(
                .ariForwardingDisabled, .error, at: hierarchy.location,
                [FindingValue("port", .text(port.description)), FindingValue("ariForwardingEnable", .flag(false))],
                "ARI Capable Hierarchy is set but \(port) above has ARI Forwarding Enable clear: VFs beyond device 0's eight functions are unreachable"
            )
        } else if hierarchy.value == 0 && forwarding.value != 0 {
            report(
                .ariHierarchyNotSet, .warning, at: hierarchy.location,
                [FindingValue("port", .text(port.description)), FindingValue("ariForwardingEnable", .flag(true))],
                "\(port) above forwards ARI but ARI Capable Hierarchy is clear: VF routing IDs are laid out as on a non-ARI bus"
            )
        }
    }

    /// A VF whose PF uses PASID, PRI or ATS and that lacks them itself.
    private mutating func virtualFunctionRule() {
        let this = self.this
        guard let pfKey = this.function.physicalFunctionKey, let pfIndex = check.indexByKey[pfKey] else { return }
        let pf = check.functions[pfIndex]
        var missing = [String]()
        if pf.flag(.extended(.processAddressSpaceID), register: 0x06, bit: 0),
            !this.has(.extended(.processAddressSpaceID))
        {
            missing.append("pasid")
        }
        if pf.flag(.extended(.pageRequest), register: 0x04, bit: 0), !this.has(.extended(.pageRequest)) {
            missing.append("pri")
        }
        if pf.flag(.extended(.addressTranslationServices), register: 0x06, bit: 15),
            !this.has(.extended(.addressTranslationServices))
        {
            missing.append("ats")
        }
        guard !missing.isEmpty, this.function.origin != .host || this.function.driver != nil else { return }
        let names = missing.map { $0.uppercased() }
        let adds = missing.map { "--add \($0)" }.joined(separator: " ")
        report(
            .vfWithoutVirtualCapabilities, isAssigned(index) ? .warning : .info, at: nil,
            [FindingValue("physicalFunction", .text(pf.address.description)), FindingValue("missing", .list(names))],
            "PF \(pf.address) has \(names.joined(separator: ", ")) enabled but this VF has none: a guest sees none unless the VMM synthesizes them (cfgtui plan -s \(this.address) \(adds))"
        )
    }
}
