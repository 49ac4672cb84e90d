/// `cfgtui check`: findings for the selected functions and for every function on the path from
/// their root port down to them, made by one rule per `FindingKind` from the register tables
/// (`CheckedFunction`) and the topology (bridges' bus ranges, SR-IOV relations, IOMMU groups).
///
/// ```
/// let checked = functions.map(CheckedFunction.init)
/// let report = HealthCheck.run(checked, selected: nil)     // every function
/// report.summary.worst                                     // .error, .warning, .info or nil
/// ```
public struct HealthCheck: Sendable {
    /// Every function of the sources (the rules look at neighbours outside the selection).
    public let functions: [CheckedFunction]
    /// Each function's parent bridge (the bridge whose secondary bus it sits on, same source).
    public let parent: [Int?]
    /// Each function's children (functions on its secondary bus), in address order.
    public let children: [[Int]]
    /// Functions by key, the first of each.
    let indexByKey: [FunctionKey: Int]
    /// How many functions (VFs aside) each device has, by source, domain, bus and device.
    let functionsPerDevice: [DeviceKey: Int]
    /// The addresses of host bridges, as sysfs names them (IOMMU group members that do not count).
    public let hostBridgeNames: Set<String>

    struct DeviceKey: Hashable {
        var source: String
        var domain: Int
        var bus: Int
        var device: Int

        init(_ function: PCIFunction) {
            source = function.origin.source
            domain = function.address.domain
            bus = function.address.bus
            device = function.address.device
        }
    }

    public init(_ functions: [CheckedFunction]) {
        self.functions = functions
        var indexByKey = [FunctionKey: Int]()
        for (index, function) in functions.enumerated() where indexByKey[function.key] == nil {
            indexByKey[function.key] = index
        }
        self.indexByKey = indexByKey
        var functionsPerDevice = [DeviceKey: Int]()
        for checked in functions where !checked.function.isVirtualFunction {
            functionsPerDevice[DeviceKey(checked.function), default: 0] += 1
        }
        self.functionsPerDevice = functionsPerDevice
        self.hostBridgeNames = Set(
            functions.filter { $0.isBridge && $0.function.origin == .host }.map { $0.address.description })
        // Bridges by (source, domain, secondary bus); the first one claiming a bus wins.
        struct BusKey: Hashable {
            var source: String
            var domain: Int
            var bus: Int
        }
        var bridgeForBus = [BusKey: Int]()
        for (index, checked) in functions.enumerated() where checked.isBridge {
            let space = checked.function.space
            guard let secondary = space.byte(at: 0x19), let subordinate = space.byte(at: 0x1A), secondary != 0,
                subordinate >= secondary
            else { continue }
            let key = BusKey(
                source: checked.function.origin.source, domain: checked.address.domain, bus: Int(secondary))
            if bridgeForBus[key] == nil { bridgeForBus[key] = index }
        }
        var parent = [Int?](repeating: nil, count: functions.count)
        var children = [[Int]](repeating: [], count: functions.count)
        for (index, checked) in functions.enumerated() {
            let key = BusKey(
                source: checked.function.origin.source, domain: checked.address.domain, bus: checked.address.bus)
            guard let bridge = bridgeForBus[key], bridge != index else { continue }
            parent[index] = bridge
            children[bridge].append(index)
        }
        for index in children.indices { children[index].sort { functions[$0].address < functions[$1].address } }
        self.parent = parent
        self.children = children
    }

    /// The functions from the topmost one down to `index`'s parent (a cycle of bus ranges is cut).
    public func ancestors(of index: Int) -> [Int] {
        var chain = [Int]()
        var seen: Set<Int> = [index]
        var current = parent[index]
        while let node = current, seen.insert(node).inserted, chain.count < 32 {
            chain.append(node)
            current = parent[node]
        }
        return chain.reversed()
    }

    /// Every function below `index` (its secondary bus and further down).
    public func descendants(of index: Int) -> [Int] {
        var result = [Int]()
        var stack = children[index]
        var seen: Set<Int> = [index]
        while let next = stack.popLast() {
            guard seen.insert(next).inserted else { continue }
            result.append(next)
            stack += children[next]
        }
        return result
    }

    /// The function at the other end of a downstream-facing port's link: the first function
    /// with a link on its secondary bus.
    public func linkPartner(of index: Int) -> Int? {
        children[index].first { functions[$0].hasLink }
    }

    /// The functions the report covers: the selected ones (all when nil) and their ancestors,
    /// in input order.
    public func scope(selected: Set<FunctionKey>?) -> [Int] {
        guard let selected else { return Array(functions.indices) }
        var wanted = Set<Int>()
        for (index, checked) in functions.enumerated() where selected.contains(checked.key) {
            wanted.insert(index)
            wanted.formUnion(ancestors(of: index))
        }
        return wanted.sorted()
    }

    /// Runs every rule over the functions in scope.
    public func run(selected: Set<FunctionKey>? = nil) -> CheckReport {
        let scope = scope(selected: selected)
        return report(scope: scope, findings: scope.map(findings(at:)))
    }

    /// The findings about one function (every rule, or the one for an all-ones function).
    /// Independent of every other function's, so callers may run them in parallel and pass
    /// them to `report(scope:findings:)` in scope order.
    public func findings(at index: Int) -> [Finding] {
        var rules = RuleContext(check: self, index: index)
        if functions[index].analysis.diagnostics.contains(where: { $0.kind == .allOnesFunction }) {
            rules.report(
                .functionAllOnes, .warning, at: nil, [],
                "every byte reads 0xFF: the function is gone, in D3cold, or behind a link that is down; nothing else is checked"
            )
            return rules.findings
        }
        rules.linkRules()
        rules.payloadRules()
        rules.errorRules()
        rules.isolationRules()
        rules.sriovRules()
        rules.powerRules()
        return rules.findings
    }

    /// The report of `scope` from each function's findings (in scope order), with the
    /// findings about the source as a whole.
    public func report(scope: [Int], findings perFunction: [[Finding]]) -> CheckReport {
        var findings = perFunction.flatMap { $0 }
        let limited = scope.filter { functions[$0].function.space.readableLength < ConfigSpace.conventionalSize }.count
        if limited > 0 {
            findings.append(
                Finding(
                    .limitedRead, .info, function: nil, values: [FindingValue("functions", .number(limited))],
                    message:
                        "\(limited) function\(limited == 1 ? " was" : "s were") read only in part (64 bytes without root): the capabilities are unread, so most rules could not run on them; run as root"
                ))
        }
        let host = functions.filter { $0.function.origin == .host }
        if !host.isEmpty, !host.contains(where: { $0.function.iommuGroup != nil }) {
            findings.append(
                Finding(
                    .noIOMMUGroups, .info, function: nil,
                    message:
                        "sysfs lists no IOMMU group: no IOMMU is enabled (intel_iommu/amd_iommu), so no function can be assigned to a guest with vfio"
                ))
        }
        let summaries = scope.map { index in
            FunctionCheck(
                index: index, key: functions[index].key, path: ancestors(of: index).map { functions[$0].address },
                link: functions[index].link, bottleneck: bottleneck(of: index))
        }
        return CheckReport(findings: findings, functions: summaries)
    }

    /// Convenience: checks `functions` (all of them when `selected` is nil).
    public static func run(_ functions: [PCIFunction], selected: Set<FunctionKey>? = nil) -> CheckReport {
        HealthCheck(functions.map(CheckedFunction.init)).run(selected: selected)
    }
}

/// What `check` found.
public struct CheckReport: Sendable {
    /// In function order; a finding about the whole source last.
    public var findings: [Finding]
    /// The functions covered, in input order.
    public var functions: [FunctionCheck]

    public init(findings: [Finding], functions: [FunctionCheck]) {
        self.findings = findings
        self.functions = functions
    }

    public var summary: FindingSummary { FindingSummary(findings) }

    /// The findings about one function.
    public func findings(for key: FunctionKey) -> [Finding] { findings.filter { $0.function == key } }
}

/// One covered function: where it sits and its link.
public struct FunctionCheck: Hashable, Sendable {
    /// Index into the checked functions.
    public var index: Int
    public var key: FunctionKey
    /// From the topmost function down to its parent.
    public var path: [PCIAddress]
    public var link: LinkFacts?
    /// For an endpoint with a link: the slowest link on its path.
    public var bottleneck: PathLink?
}

/// One link on a path: the port above (nil when it is not in the source), the function below,
/// and what it trained to.
public struct PathLink: Hashable, Sendable {
    public var upper: PCIAddress?
    public var lower: PCIAddress
    public var state: LinkState
}

extension HealthCheck {
    /// The links from the root down to `index` (an endpoint with a link), each read at its
    /// downstream-facing end when that is in the source.
    public func pathLinks(of index: Int) -> [PathLink] {
        let chain = ancestors(of: index) + [index]
        var links = [PathLink]()
        for (position, node) in chain.enumerated() {
            let checked = functions[node]
            guard checked.hasLink, let own = checked.link, !(checked.portType?.isDownstreamFacing ?? false) else {
                continue
            }
            let upper = position > 0 ? chain[position - 1] : nil
            let state = upper.flatMap { functions[$0].link?.current } ?? own.current
            links.append(PathLink(upper: upper.map { functions[$0].address }, lower: checked.address, state: state))
        }
        return links
    }

    /// The slowest link on an endpoint's path (the first of equals, nearest the root).
    public func bottleneck(of index: Int) -> PathLink? {
        let checked = functions[index]
        guard checked.hasLink, !checked.isBridge else { return nil }
        var slowest: PathLink?
        for link in pathLinks(of: index) where link.state.width > 0 {
            if slowest.map({ link.state.megabytesPerSecond < $0.state.megabytesPerSecond }) ?? true { slowest = link }
        }
        return slowest
    }
}

/// The rules' view of one function in scope, collecting its findings.
struct RuleContext {
    let check: HealthCheck
    let index: Int
    var findings = [Finding]()

    var this: CheckedFunction { check.functions[index] }
    var path: [Int] { check.ancestors(of: index) }

    mutating func report(
        _ kind: FindingKind, _ severity: DiagnosticSeverity, at location: FindingRegister? = nil,
        _ values: [FindingValue] = [], _ message: String
    ) {
        findings.append(
            Finding(
                kind, severity, function: this.key, path: path.map { check.functions[$0].address }, register: location,
                values: values, message: message))
    }

    /// Whether a function is bound to vfio-pci (prepared for assignment): isolation findings on
    /// it are warnings rather than notes.
    func isAssigned(_ index: Int) -> Bool { check.functions[index].function.driver == "vfio-pci" }
}
