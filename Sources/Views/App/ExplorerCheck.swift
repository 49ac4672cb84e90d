import Model

/// `cfgtui check` for the explorer: the health check of the loaded functions, indexed the way
/// the device tree and the findings pane read it (by function index), with the tree's link and
/// badge texts made once.
///
/// Computed when the explorer loads its functions and again when a re-read changes a
/// function's bytes (`AppState.replaceFunction`), never for unchanged bytes: checking 4,096
/// functions takes about 0.3 s.
///
/// ```
/// let check = ExplorerCheck(functions)
/// check.summary(of: 2).worst      // .error
/// check.linkText(of: 2)           // "2.5GT/s x1<16GT/s x32"
/// check.groups(for: 6)            // the function's findings, then its parent's, ... its root port's
/// ```
public struct ExplorerCheck: Sendable {
    /// The whole report (findings in function order, a finding about the whole source last).
    public let report: CheckReport
    /// Each function's findings, by function index.
    private let findingsByIndex: [[Finding]]
    /// Each function's counts, by function index.
    private let summaries: [FindingSummary]
    /// Each function's parent bridge (the check's topology), by function index.
    private let parents: [Int?]
    /// Each function's link and, for an endpoint with one, the slowest link on its path.
    private let links: [LinkFacts?]
    private let bottlenecks: [PathLink?]
    /// The tree's link texts, by function index (nil: no link of its own), in full and short.
    private let linkTexts: [String?]
    private let shortLinkTexts: [String?]
    /// Functions by key (the first of each), to find a path link's function.
    private let indexByKey: [FunctionKey: Int]
    /// The widest link text (in full and short) and the widest badge, for the tree's columns.
    public let linkColumnWidth: Int
    public let shortLinkColumnWidth: Int
    public let badgeColumnWidth: Int
    /// The widest badge with only its worst count ("E12").
    public let compactBadgeColumnWidth: Int

    public init(_ functions: [PCIFunction]) {
        let check = HealthCheck(functions.map(CheckedFunction.init))
        let report = check.run(selected: nil)
        self.report = report
        var indexByKey = [FunctionKey: Int]()
        for (index, function) in functions.enumerated() where indexByKey[function.key] == nil {
            indexByKey[function.key] = index
        }
        self.indexByKey = indexByKey
        var findingsByIndex = [[Finding]](repeating: [], count: functions.count)
        var summaries = [FindingSummary](repeating: FindingSummary(), count: functions.count)
        for finding in report.findings {
            guard let key = finding.function, let index = indexByKey[key] else { continue }
            findingsByIndex[index].append(finding)
            summaries[index].add(finding.severity)
        }
        var links = [LinkFacts?](repeating: nil, count: functions.count)
        var bottlenecks = [PathLink?](repeating: nil, count: functions.count)
        for entry in report.functions where links.indices.contains(entry.index) {
            links[entry.index] = entry.link
            bottlenecks[entry.index] = entry.bottleneck
        }
        self.findingsByIndex = findingsByIndex
        self.summaries = summaries
        self.parents =
            check.parent.count == functions.count ? check.parent : Array(repeating: nil, count: functions.count)
        self.links = links
        self.bottlenecks = bottlenecks
        let linkTexts = links.map { $0.map { Self.linkText($0) } }
        self.linkTexts = linkTexts
        let shortLinkTexts = links.map { $0.map { Self.linkText($0, short: true) } }
        self.shortLinkTexts = shortLinkTexts
        linkColumnWidth = linkTexts.map { $0?.count ?? 0 }.max() ?? 0
        shortLinkColumnWidth = shortLinkTexts.map { $0?.count ?? 0 }.max() ?? 0
        badgeColumnWidth = summaries.map { Self.badge($0).count }.max() ?? 0
        compactBadgeColumnWidth = summaries.map { Self.badge($0, compact: true).count }.max() ?? 0
    }

    /// The number of functions checked.
    public var count: Int { summaries.count }

    /// A function's counts (none for an index out of range).
    public func summary(of index: Int) -> FindingSummary {
        summaries.indices.contains(index) ? summaries[index] : FindingSummary()
    }

    /// A function's findings.
    public func findings(of index: Int) -> [Finding] {
        findingsByIndex.indices.contains(index) ? findingsByIndex[index] : []
    }

    /// A function's link, when it has one of its own.
    public func link(of index: Int) -> LinkFacts? { links.indices.contains(index) ? links[index] : nil }

    /// The tree's text for a function's link: "8GT/s x4", "2.5GT/s x1<8GT/s x4" below what
    /// this end supports, "down<8GT/s x4" with no lanes; nil without a link. `short` leaves
    /// out what it could do ("2.5GT/s x1<", "down<").
    public func linkText(of index: Int, short: Bool = false) -> String? {
        let texts = short ? shortLinkTexts : linkTexts
        return texts.indices.contains(index) ? texts[index] : nil
    }

    /// The slowest link on an endpoint's path, and the function at its lower end.
    public func bottleneck(of index: Int) -> (link: PathLink, lowerIndex: Int?)? {
        guard bottlenecks.indices.contains(index), let link = bottlenecks[index] else { return nil }
        // Every function is in scope, so the report's entries are in function order.
        let entry =
            report.functions.indices.contains(index) && report.functions[index].index == index
            ? report.functions[index] : report.functions.first { $0.index == index }
        return (link, entry.flatMap { indexByKey[FunctionKey(source: $0.key.source, address: link.lower)] })
    }

    /// The functions from `index`'s parent up to the topmost one (a cycle of bus ranges is cut).
    public func ancestors(of index: Int) -> [Int] {
        var chain = [Int]()
        var seen: Set<Int> = [index]
        var current = parents.indices.contains(index) ? parents[index] : nil
        while let node = current, seen.insert(node).inserted, chain.count < 32 {
            chain.append(node)
            current = parents.indices.contains(node) ? parents[node] : nil
        }
        return chain
    }

    /// What the findings pane lists for a function: its own findings, then each function's on
    /// its path from its parent up (only those with findings), then those about the whole
    /// source. The first group is always the function's own, even when empty.
    public func groups(for index: Int) -> [FindingsGroup] {
        var groups = [FindingsGroup(role: .selected, functionIndex: index, findings: findings(of: index))]
        for ancestor in ancestors(of: index) where !findings(of: ancestor).isEmpty {
            groups.append(FindingsGroup(role: .path, functionIndex: ancestor, findings: findings(of: ancestor)))
        }
        let sourceWide = report.findings.filter { $0.function == nil }
        if !sourceWide.isEmpty { groups.append(FindingsGroup(role: .source, functionIndex: nil, findings: sourceWide)) }
        return groups
    }

    // MARK: - Texts

    /// "8GT/s x4", "2.5GT/s x1<16GT/s x32", "down<8GT/s x4"; short: "2.5GT/s x1<", "down<".
    static func linkText(_ link: LinkFacts, short: Bool = false) -> String {
        let capable = short ? "" : link.capable.description
        if link.current.width == 0 { return "down<" + capable }
        let below = link.current.speed < link.capable.speed || link.current.width < link.capable.width
        return below ? link.current.description + "<" + capable : link.current.description
    }

    /// "E1 W2 i3" (every count), or only the worst one ("E1") when `compact`; empty without
    /// findings.
    public static func badge(_ summary: FindingSummary, compact: Bool = false) -> String {
        var parts = [String]()
        if summary.errors > 0 { parts.append("E\(summary.errors)") }
        if summary.warnings > 0 { parts.append("W\(summary.warnings)") }
        if summary.infos > 0 { parts.append("i\(summary.infos)") }
        return compact ? parts.first ?? "" : parts.joined(separator: " ")
    }

    /// The style role of a severity: the theme's colour where colour is on, attributes without.
    public static func role(_ severity: DiagnosticSeverity) -> StyleRole {
        switch severity {
        case .error: .error
        case .warning: .warning
        case .info: .info
        }
    }
}

/// One group of the findings pane: the selected function's findings, a path function's, or
/// those about the whole source.
public struct FindingsGroup: Hashable, Sendable {
    public enum Role: Hashable, Sendable {
        case selected
        /// A function on the selected one's path (a bridge above it).
        case path
        /// Findings about the whole source (no function).
        case source
    }

    public var role: Role
    public var functionIndex: Int?
    public var findings: [Finding]
}
