import ArgumentParser
import Dispatch
import Model
import Synchronization
import Views

/// `cfgtui check`: verdicts for the selected functions and the path down to them.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Triage: link, payload, error, isolation, SR-IOV and power findings for functions and their paths.",
        discussion: """
            Checks every selected function (all by default) and every bridge and port from its root port down
            to it. Exit status: 0 no warning or error, 4 warnings but no error, 5 errors, 1 a source could not
            be read, 3 the selection matched nothing. Each finding kind's rule is in the README.
            """)

    @OptionGroup var source: SourceOptions

    @Flag(help: "Write JSON ({\"findings\": [...], \"functions\": [...], \"summary\": {...}}; schema in the README).")
    var json = false

    @Option(
        help: ArgumentHelp(
            "Print findings at this severity or above: info, warning or error (the exit status still counts every finding).",
            valueName: "level"),
        transform: CheckCommand.parseSeverity)
    var severity: DiagnosticSeverity = .info

    static func parseSeverity(_ text: String) throws -> DiagnosticSeverity {
        switch text.lowercased() {
        case "info": return .info
        case "warning": return .warning
        case "error": return .error
        default: throw ValidationError("--severity takes info, warning or error, not \(text)")
        }
    }

    func run() throws {
        let names = PCINameDatabase()
        let all = try source.loadAllOrExit(names: names)
        let filter = source.filter
        let selected = filter.matchesEverything ? nil : Set(all.filter(filter.matches).map(\.key))
        if all.isEmpty || selected?.isEmpty == true {
            if source.selectionText.isEmpty || all.isEmpty {
                StandardOutput.error(ErrorText.message(.noFunctions))
                throw ExitStatus.sourceError
            }
            StandardOutput.error("no function matches \(source.selectionText)")
            throw ExitStatus.noMatch
        }
        let check = HealthCheck(Self.checked(all))
        let scope = check.scope(selected: selected)
        let perFunction = Mutex([[Finding]](repeating: [], count: scope.count))
        DispatchQueue.concurrentPerform(iterations: max(1, min(scope.count, 64))) { part in
            let chunk = (scope.count + 63) / 64
            let lower = part * chunk
            let upper = min(lower + chunk, scope.count)
            guard lower < upper else { return }
            let found = (lower..<upper).map { check.findings(at: scope[$0]) }
            perFunction.withLock { $0.replaceSubrange(lower..<upper, with: found) }
        }
        let report = check.report(scope: scope, findings: perFunction.withLock { $0 })
        let status = Self.exitStatus(report.summary)
        var buffer = OutputBuffer(capacity: 1 << 16)
        if json {
            CheckReportText.appendJSON(report, check: check, exitStatus: status, to: &buffer)
        } else {
            CheckReportText.append(report, check: check, minimum: severity, to: &buffer)
        }
        StandardOutput.write(buffer)
        if status != 0 { throw ExitCode(Int32(status)) }
    }

    /// 5 with an error, 4 with warnings only, else 0 (README, Exit statuses).
    static func exitStatus(_ summary: FindingSummary) -> Int {
        summary.errors > 0 ? 5 : summary.warnings > 0 ? 4 : 0
    }

    /// Analyzes and decodes every function on all cores.
    static func checked(_ functions: [PCIFunction]) -> [CheckedFunction] {
        let workers = ProcessEnvironment.processorCount
        let chunk = max(1, (functions.count + workers * 4 - 1) / (workers * 4))
        let chunks = (functions.count + chunk - 1) / chunk
        let results = Mutex([[CheckedFunction]](repeating: [], count: chunks))
        DispatchQueue.concurrentPerform(iterations: chunks) { part in
            let lower = part * chunk
            let upper = min(lower + chunk, functions.count)
            let done = functions[lower..<upper].map(CheckedFunction.init)
            results.withLock { $0[part] = done }
        }
        return results.withLock { $0.flatMap { $0 } }
    }
}
