import Model

/// The output of `cfgtui check`: the tree with every link's speed and width (pcicrawler's
/// view), then the findings function by function, then the counts. And its JSON.
public enum CheckReportText {
    /// The severity's word in text and JSON.
    public static func word(_ severity: DiagnosticSeverity) -> String {
        switch severity {
        case .error: "error"
        case .warning: "warning"
        case .info: "info"
        }
    }

    /// A badge for a function's findings that reads without colour: "[E1 W2 i3]", empty
    /// when there are none at or above `minimum`.
    public static func badge(_ summary: FindingSummary, minimum: DiagnosticSeverity = .info) -> String {
        var parts = [String]()
        if summary.errors > 0 { parts.append("E\(summary.errors)") }
        if summary.warnings > 0 && minimum <= .warning { parts.append("W\(summary.warnings)") }
        if summary.infos > 0 && minimum <= .info { parts.append("i\(summary.infos)") }
        return parts.isEmpty ? "" : "[" + parts.joined(separator: " ") + "]"
    }

    /// A link as the tree shows it: "8GT/s x4", "2.5GT/s x1 < 8GT/s x4" when below what this
    /// end supports, "down" with no lanes.
    public static func linkText(_ link: LinkFacts) -> String {
        if link.current.width == 0 { return "down (of \(link.capable))" }
        let below = link.current.speed < link.capable.speed || link.current.width < link.capable.width
        return below ? "\(link.current) < \(link.capable)" : link.current.description
    }

    /// The whole text report.
    public static func append(
        _ report: CheckReport, check: HealthCheck, minimum: DiagnosticSeverity, to buffer: inout OutputBuffer
    ) {
        let covered = report.functions.map { check.functions[$0.index].function }
        let byKey = Dictionary(report.functions.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        var perFunction = [FunctionKey: FindingSummary]()
        for finding in report.findings {
            guard let key = finding.function else { continue }
            perFunction[key, default: FindingSummary()].add(finding.severity)
        }
        // The tree: every covered function, with its link and its findings' badge.
        let rows = DeviceTree.rows(for: covered)
        let titles = rows.map { row -> String in
            let function = covered[row.functionIndex]
            return treePrefix(row) + function.address.description + " " + FunctionText.title(function)
        }
        let width = min(96, (titles.map(\.count).max() ?? 0) + 2)
        for (row, title) in zip(rows, titles) {
            let function = covered[row.functionIndex]
            var tail = [String]()
            if let summary = byKey[function.key], let link = summary.link { tail.append(linkText(link)) }
            if let summary = byKey[function.key], let slowest = summary.bottleneck, slowest.lower != function.address,
                slowest.state.megabytesPerSecond < (summary.link?.current.megabytesPerSecond ?? 0)
            {
                tail.append("bottleneck \(slowest.upper.map { "\($0)-" } ?? "")\(slowest.lower) \(slowest.state)")
            }
            if let group = function.iommuGroup { tail.append("group \(group.number)") }
            let badge = badge(perFunction[function.key] ?? FindingSummary(), minimum: minimum)
            if !badge.isEmpty { tail.append(badge) }
            let safeTitle = TerminalSafety.escaped(title)
            if tail.isEmpty {
                buffer.append(safeTitle)
            } else {
                buffer.append(safeTitle, paddedTo: width)
                if safeTitle.count >= width { buffer.append("  ") }
            }
            buffer.append(tail.joined(separator: "  "))
            buffer.newline()
        }
        // The findings.
        let shown = report.findings.filter { $0.severity >= minimum }
        buffer.newline()
        if shown.isEmpty {
            buffer.append(minimum == .info ? "No findings.\n" : "No findings at \(word(minimum)) or above.\n")
        }
        var current: FunctionKey?? = .none
        for finding in shown {
            if current != .some(finding.function) {
                current = .some(finding.function)
                if let key = finding.function {
                    let function = check.functions[byKey[key]?.index ?? 0].function
                    buffer.append(TerminalSafety.escaped(key.address.description + " " + FunctionText.title(function)))
                } else {
                    buffer.append("This source")
                }
                buffer.newline()
            }
            appendFinding(finding, to: &buffer)
        }
        let summary = report.summary
        buffer.newline()
        buffer.append(summaryLine(summary, functions: report.functions.count))
        buffer.newline()
    }

    static func appendFinding(_ finding: Finding, to buffer: inout OutputBuffer) {
        buffer.append("  ")
        buffer.append(word(finding.severity), paddedTo: 8)
        buffer.append(finding.kind.rawValue)
        if let register = finding.register {
            buffer.append("  ")
            buffer.append(location(register))
        }
        buffer.newline()
        buffer.append("           ")
        buffer.append(TerminalSafety.escaped(finding.message))
        buffer.newline()
    }

    /// "PCI Express > Link Status > Current Link Speed @0x52".
    public static func location(_ register: FindingRegister) -> String {
        var text = register.structure + " > " + register.register
        if let field = register.field { text += " > " + field }
        return text + " @0x" + String(register.offset.rawValue, radix: 16)
    }

    /// "1 error, 2 warnings, 3 notes in 12 functions".
    public static func summaryLine(_ summary: FindingSummary, functions: Int) -> String {
        func count(_ value: Int, _ word: String) -> String { "\(value) \(word)\(value == 1 ? "" : "s")" }
        return
            "\(count(summary.errors, "error")), \(count(summary.warnings, "warning")), \(count(summary.infos, "note")) in \(count(functions, "function"))"
    }

    static func treePrefix(_ row: DeviceTreeRow) -> String {
        guard row.depth > 0 else { return "" }
        var prefix = ""
        for continuing in row.continuing.dropFirst() { prefix += continuing ? "| " : "  " }
        return prefix + (row.isLastChild ? "`-" : "|-")
    }

    // MARK: - JSON

    /// `{"findings": [...], "functions": [...], "summary": {...}}` (schema in the README).
    public static func appendJSON(
        _ report: CheckReport, check: HealthCheck, exitStatus: Int, to buffer: inout OutputBuffer
    ) {
        buffer.append("{\"findings\":[")
        for (position, finding) in report.findings.enumerated() {
            if position > 0 { buffer.append(0x2C) }
            buffer.newline()
            appendJSON(finding, to: &buffer)
        }
        buffer.append("\n],\"functions\":[")
        var perFunction = [FunctionKey: FindingSummary]()
        for finding in report.findings {
            guard let key = finding.function else { continue }
            perFunction[key, default: FindingSummary()].add(finding.severity)
        }
        for (position, entry) in report.functions.enumerated() {
            if position > 0 { buffer.append(0x2C) }
            buffer.newline()
            let function = check.functions[entry.index].function
            var object = JSONObject(&buffer)
            object.string("address", entry.key.address.description, &buffer)
            object.string("source", entry.key.source, &buffer)
            object.strings("path", entry.path.map(\.description), &buffer)
            object.key("link", &buffer)
            if let link = entry.link {
                var linkObject = JSONObject(&buffer)
                linkObject.key("current", &buffer)
                appendJSON(link.current, to: &buffer)
                linkObject.key("capable", &buffer)
                appendJSON(link.capable, to: &buffer)
                linkObject.close(&buffer)
            } else {
                buffer.append("null")
            }
            object.key("bottleneck", &buffer)
            if let slowest = entry.bottleneck { appendJSON(slowest, to: &buffer) } else { buffer.append("null") }
            object.key("iommuGroup", &buffer)
            if let group = function.iommuGroup {
                var groupObject = JSONObject(&buffer)
                groupObject.integer("number", group.number, &buffer)
                groupObject.strings("members", group.members, &buffer)
                let others = group.members.filter {
                    $0 != function.address.description && !check.hostBridgeNames.contains($0)
                }
                groupObject.bool("assignableAlone", others.isEmpty, &buffer)
                groupObject.close(&buffer)
            } else {
                buffer.append("null")
            }
            let counts = perFunction[entry.key] ?? FindingSummary()
            object.key("findings", &buffer)
            appendJSON(counts, to: &buffer)
            object.close(&buffer)
        }
        buffer.append("\n],\"summary\":")
        var summary = JSONObject(&buffer)
        let counts = report.summary
        summary.integer("functions", report.functions.count, &buffer)
        summary.integer("errors", counts.errors, &buffer)
        summary.integer("warnings", counts.warnings, &buffer)
        summary.integer("info", counts.infos, &buffer)
        summary.integer("exitStatus", exitStatus, &buffer)
        summary.close(&buffer)
        buffer.append("}\n")
    }

    static func appendJSON(_ counts: FindingSummary, to buffer: inout OutputBuffer) {
        var object = JSONObject(&buffer)
        object.integer("errors", counts.errors, &buffer)
        object.integer("warnings", counts.warnings, &buffer)
        object.integer("info", counts.infos, &buffer)
        object.close(&buffer)
    }

    static func appendJSON(_ state: LinkState, to buffer: inout OutputBuffer) {
        var object = JSONObject(&buffer)
        object.string("speed", state.speedText, &buffer)
        object.integer("speedIndex", state.speed, &buffer)
        object.integer("width", state.width, &buffer)
        object.integer("megabytesPerSecond", state.megabytesPerSecond, &buffer)
        object.close(&buffer)
    }

    static func appendJSON(_ link: PathLink, to buffer: inout OutputBuffer) {
        var object = JSONObject(&buffer)
        object.string("upper", link.upper?.description, &buffer)
        object.string("lower", link.lower.description, &buffer)
        object.key("state", &buffer)
        appendJSON(link.state, to: &buffer)
        object.close(&buffer)
    }

    static func appendJSON(_ finding: Finding, to buffer: inout OutputBuffer) {
        var object = JSONObject(&buffer)
        object.string("severity", word(finding.severity), &buffer)
        object.string("kind", finding.kind.rawValue, &buffer)
        object.string("area", finding.kind.area.rawValue, &buffer)
        object.string("address", finding.address?.description, &buffer)
        object.string("source", finding.function?.source, &buffer)
        object.strings("path", finding.path.map(\.description), &buffer)
        object.key("register", &buffer)
        if let register = finding.register {
            var location = JSONObject(&buffer)
            location.string("structure", register.structure, &buffer)
            location.string("register", register.register, &buffer)
            location.string("field", register.field, &buffer)
            location.integer("offset", register.offset.rawValue, &buffer)
            location.integer("width", register.width, &buffer)
            location.key("bits", &buffer)
            if let bits = register.bits {
                buffer.append("[")
                buffer.appendDecimal(bits.lowerBound)
                buffer.append(",")
                buffer.appendDecimal(bits.upperBound)
                buffer.append("]")
            } else {
                buffer.append("null")
            }
            location.close(&buffer)
        } else {
            buffer.append("null")
        }
        object.key("values", &buffer)
        var values = JSONObject(&buffer)
        for value in finding.values {
            switch value.value {
            case .number(let number): values.integer(value.name, number, &buffer)
            case .hex(let number, _): values.unsigned(value.name, number, &buffer)
            case .text(let text): values.string(value.name, text, &buffer)
            case .flag(let flag): values.bool(value.name, flag, &buffer)
            case .list(let list): values.strings(value.name, list, &buffer)
            }
        }
        values.close(&buffer)
        object.string("message", finding.message, &buffer)
        object.string("reference", finding.kind.reference.description, &buffer)
        object.close(&buffer)
    }
}
