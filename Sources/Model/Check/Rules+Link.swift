// Link rules: trained below capability, the path's bottleneck, training and DL_Active, empty
// hot-plug slots (PCIe r6.0 §7.5.3.6-7.5.3.11, §7.5.3.18).

extension RuleContext {
    static let express = CheckedFunction.express

    mutating func linkRules() {
        let this = self.this
        guard let link = this.link, let portType = this.portType else { return }
        if portType.isDownstreamFacing {
            downstreamPortRules(link)
        } else if check.parent[index].flatMap({ check.functions[$0].link }) == nil,
            link.current.speed < link.capable.speed || link.current.width < link.capable.width, link.current.width > 0
        {
            report(
                .linkBelowOwnCapability, .info, at: link.status.location,
                [
                    FindingValue("current", .text(link.current.description)),
                    FindingValue("capable", .text(link.capable.description)),
                ],
                "link runs at \(link.current) of the \(link.capable) this function supports; the port above is not in the source, so which end limits it is unknown"
            )
        }
        if !this.isBridge, let slowest = check.bottleneck(of: index) {
            let links = check.pathLinks(of: index)
            let ends = "\(slowest.upper.map { "\($0) - " } ?? "")\(slowest.lower)"
            var message =
                "path bottleneck: \(ends) at \(slowest.state) (\(slowest.state.megabytesPerSecond) MB/s per direction)"
            if slowest.state.megabytesPerSecond < link.capable.megabytesPerSecond {
                message += ", of the \(link.capable.megabytesPerSecond) MB/s this function's link could carry"
            }
            if links.count > 1 { message += "; \(links.count) links on the path" }
            report(
                .pathBottleneck, .info, at: link.status.location,
                [
                    FindingValue("link", .text(ends)), FindingValue("speed", .text(slowest.state.speedText)),
                    FindingValue("width", .number(slowest.state.width)),
                    FindingValue("megabytesPerSecond", .number(slowest.state.megabytesPerSecond)),
                    FindingValue("linksOnPath", .number(links.count)),
                ], message)
        }
    }

    private mutating func downstreamPortRules(_ link: LinkFacts) {
        let this = self.this
        let behind = check.children[index]
        if let training = this.field(Self.express, register: 0x12, bit: 11), training.value != 0 {
            report(
                .linkTraining, .warning, at: training.location, [FindingValue("linkTraining", .flag(true))],
                "Link Training is set: the link has not finished training")
        }
        var linkIsDown = false
        if this.flag(Self.express, register: 0x0C, bit: 20), !behind.isEmpty,
            let active = this.field(Self.express, register: 0x12, bit: 13), active.value == 0
        {
            linkIsDown = true
            let names = behind.prefix(4).map { check.functions[$0].address.description }
            report(
                .dataLinkInactive, .error, at: active.location,
                [FindingValue("dataLinkLayerLinkActive", .flag(false)), FindingValue("behind", .list(names))],
                "Data Link Layer Link Active is clear although \(names.joined(separator: ", ")) sits behind this port: the link is down"
            )
        }
        if this.express?.isSlotImplemented == true, this.flag(Self.express, register: 0x14, bit: 6),
            let presence = this.field(Self.express, register: 0x1A, bit: 6), presence.value == 0
        {
            let slot = this.field(Self.express, register: 0x14, bit: 19).map { Int($0.value) }
            report(
                .hotPlugSlotEmpty, .info, at: presence.location,
                [FindingValue("presenceDetectState", .flag(false))]
                    + (slot.map { [FindingValue("slot", .number($0))] } ?? []),
                "hot-plug slot\(slot.map { " \($0)" } ?? "") is empty (Presence Detect State clear)")
        }
        guard !linkIsDown, let partnerIndex = check.linkPartner(of: index),
            let partner = check.functions[partnerIndex].link
        else { return }
        let shared = Set(link.supportedSpeeds).intersection(partner.supportedSpeeds)
        let speed = shared.max() ?? min(link.capable.speed, partner.capable.speed)
        let width = min(link.capable.width, partner.capable.width)
        let capable = LinkState(speed: speed, width: width)
        let current = link.current
        guard current.width > 0, current.speed < speed || current.width < width else { return }
        let which =
            current.speed < speed && current.width < width
            ? "speed and width" : current.speed < speed ? "speed" : "width"
        let location =
            current.speed < speed
            ? link.status.location
            : (this.field(Self.express, register: 0x12, bit: 4)?.location ?? link.status.location)
        report(
            .linkDowntrained, .warning, at: location,
            [
                FindingValue("current", .text(current.description)),
                FindingValue("capable", .text(capable.description)),
                FindingValue("partner", .text(check.functions[partnerIndex].address.description)),
                FindingValue("portCapable", .text(link.capable.description)),
                FindingValue("partnerCapable", .text(partner.capable.description)),
                FindingValue("megabytesPerSecond", .number(current.megabytesPerSecond)),
                FindingValue("capableMegabytesPerSecond", .number(capable.megabytesPerSecond)),
            ],
            "link to \(check.functions[partnerIndex].address) trained to \(current), below the \(capable) both ends support (\(which)): \(current.megabytesPerSecond) of \(capable.megabytesPerSecond) MB/s"
        )
    }
}
