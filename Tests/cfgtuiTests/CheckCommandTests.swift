import Foundation
import Model
import Testing

/// `cfgtui check` as a user runs it: the real binary on the corpus, with lspci as the oracle for
/// the link, Device Status and AER facts the findings are made from, and the exit statuses.
@Suite struct CheckCommandTests {
    /// What `lspci -D -vvv` says about one function's link and error status.
    struct LspciFacts {
        var linkStatus: (speed: String, width: Int)?
        var linkCapabilities: (speed: String, width: Int)?
        /// The highest of LnkCap2's Supported Link Speeds, when lspci prints them.
        var supportedMaximum: String?
        var deviceStatusSet: Set<String> = []
        var uncorrectableSet = 0
        var correctableSet = 0
    }

    /// Parses the lines this test needs from `lspci -D -vvv`.
    static func lspciFacts(_ text: String) -> [String: LspciFacts] {
        var facts = [String: LspciFacts]()
        var current: String?
        func speedWidth(_ line: Substring) -> (String, Int)? {
            guard let speed = line.range(of: "Speed "), let width = line.range(of: "Width x") else { return nil }
            let speedText = line[speed.upperBound...].prefix { $0 != "," && $0 != " " }
            let widthText = line[width.upperBound...].prefix(while: \.isNumber)
            guard let lanes = Int(widthText) else { return nil }
            return (String(speedText), lanes)
        }
        for line in text.split(separator: "\n") {
            if let first = line.first, first != "\t", first != " " {
                current = line.split(separator: " ").first.map(String.init)
                if let current { facts[current] = LspciFacts() }
                continue
            }
            guard let address = current else { continue }
            let trimmed = line.drop { $0 == "\t" || $0 == " " }
            if trimmed.hasPrefix("LnkSta:") {
                facts[address]?.linkStatus = speedWidth(trimmed)
            } else if trimmed.hasPrefix("LnkCap:") {
                facts[address]?.linkCapabilities = speedWidth(trimmed)
            } else if trimmed.hasPrefix("LnkCap2:"), let range = trimmed.range(of: "Supported Link Speeds: ") {
                let list = trimmed[range.upperBound...].prefix { $0 != "," }
                // "2.5-8GT/s" or "2.5GT/s": the highest is after the dash.
                facts[address]?.supportedMaximum = String(list.split(separator: "-").last ?? list)
            } else if trimmed.hasPrefix("DevSta:") {
                let names = ["CorrErr+", "NonFatalErr+", "FatalErr+", "UnsupReq+"]
                facts[address]?.deviceStatusSet = Set(
                    trimmed.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init).filter(names.contains))
            } else if trimmed.hasPrefix("UESta:") {
                facts[address]?.uncorrectableSet =
                    trimmed.split(whereSeparator: { $0 == " " || $0 == "\t" }).filter { $0.hasSuffix("+") }.count
            } else if trimmed.hasPrefix("CESta:") {
                facts[address]?.correctableSet =
                    trimmed.split(whereSeparator: { $0 == " " || $0 == "\t" }).filter { $0.hasSuffix("+") }.count
            }
        }
        return facts
    }

    static func json(_ data: Data) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    /// lspci's DevSta names for the Device Status bits the check reports.
    static let deviceStatusNames = [
        "Correctable Error Detected": "CorrErr+", "Non-Fatal Error Detected": "NonFatalErr+",
        "Fatal Error Detected": "FatalErr+", "Unsupported Request Detected": "UnsupReq+",
    ]

    @Test(.requires(.corpus, .lspci)) func linksAndLoggedErrorsAgreeWithLspciOnTheWholeCorpus() throws {
        try Requirement.check(.corpus, .lspci)
        let binary = try Tooling.requireCfgtui()
        var comparedLinks = 0
        var comparedStatus = 0
        var statuses = Set<Int32>()
        for dump in Tooling.corpusDumps {
            let output = try Tooling.run(binary.path, ["check", "-F", dump.path, "--json"])
            let name = dump.lastPathComponent
            #expect([0, 4, 5].contains(output.status), "\(name): \(output.stderr)")
            let report = try Self.json(output.stdout)
            let summary = try #require(report["summary"] as? [String: Any])
            let errors = summary["errors"] as? Int ?? -1
            let warnings = summary["warnings"] as? Int ?? -1
            #expect(Int32(summary["exitStatus"] as? Int ?? -1) == output.status, "\(name)")
            #expect(output.status == (errors > 0 ? 5 : warnings > 0 ? 4 : 0), "\(name)")
            statuses.insert(output.status)

            let lspci = try Tooling.run(Tooling.lspciPath, ["-D", "-vvv", "-F", dump.path])
            let facts = Self.lspciFacts(String(decoding: lspci.stdout, as: UTF8.self))
            let findings = report["findings"] as? [[String: Any]] ?? []
            for function in report["functions"] as? [[String: Any]] ?? [] {
                let address = try #require(function["address"] as? String)
                guard let fact = facts[address] else { continue }
                let mine = findings.filter { $0["address"] as? String == address }
                if let link = function["link"] as? [String: Any], let status = fact.linkStatus,
                    let capabilities = fact.linkCapabilities
                {
                    let current = try #require(link["current"] as? [String: Any])
                    let capable = try #require(link["capable"] as? [String: Any])
                    #expect(current["speed"] as? String == status.speed, "\(name) \(address)")
                    #expect(current["width"] as? Int == status.width, "\(name) \(address)")
                    #expect(capable["width"] as? Int == capabilities.width, "\(name) \(address)")
                    // This lspci predates 64 GT/s and prints RsvdP for it: nothing to compare.
                    if fact.supportedMaximum?.hasPrefix("Rsvd") != true {
                        #expect(
                            capable["speed"] as? String == (fact.supportedMaximum ?? capabilities.speed),
                            "\(name) \(address)")
                    }
                    comparedLinks += 1
                }
                // Device Status: the finding lists exactly the bits lspci shows set.
                let deviceStatus = mine.first { $0["kind"] as? String == "device-status-errors" }
                let set = ((deviceStatus?["values"] as? [String: Any])?["set"] as? [String]) ?? []
                #expect(
                    Set(set.compactMap { Self.deviceStatusNames[$0] }) == fact.deviceStatusSet, "\(name) \(address)")
                #expect(set.count == fact.deviceStatusSet.count, "\(name) \(address)")
                // AER: a finding exactly when lspci shows a status bit set.
                let hasUncorrectable = mine.contains { $0["kind"] as? String == "aer-uncorrectable" }
                let hasCorrectable = mine.contains { $0["kind"] as? String == "aer-correctable" }
                #expect(hasUncorrectable == (fact.uncorrectableSet > 0), "\(name) \(address)")
                #expect(hasCorrectable == (fact.correctableSet > 0), "\(name) \(address)")
                comparedStatus += 1
            }
        }
        #expect(comparedLinks >= 60, "links compared with lspci: \(comparedLinks)")
        #expect(comparedStatus >= 150, "functions compared with lspci: \(comparedStatus)")
        #expect(statuses.contains(0) && statuses.contains(4), "exit statuses seen: \(statuses)")
    }

    /// Every finding's register is where `show --json` has a register of that name, so the
    /// explorer's jump lands on it.
    @Test(.requires(.corpus)) func everyFindingsRegisterIsARegisterShowDecodes() throws {
        try Requirement.check(.corpus)
        let binary = try Tooling.requireCfgtui()
        var checked = 0
        for dump in Tooling.corpusDumps where dump.lastPathComponent.contains("tree") {
            let check = try Self.json(try Tooling.run(binary.path, ["check", "-F", dump.path, "--json"]).stdout)
            let show = try CfgtuiListing(try Tooling.run(binary.path, ["show", "-F", dump.path, "--json"]).stdout)
            for finding in check["findings"] as? [[String: Any]] ?? [] {
                guard let register = finding["register"] as? [String: Any], let address = finding["address"] as? String
                else { continue }
                let device = try #require(show.devices.first { $0["address"] as? String == address })
                let structures =
                    [device["header"] as? [String: Any] ?? [:]] + (device["capabilities"] as? [[String: Any]] ?? [])
                let registers = structures.flatMap { $0["registers"] as? [[String: Any]] ?? [] }
                let match = registers.first {
                    $0["offset"] as? Int == register["offset"] as? Int
                        && $0["name"] as? String == register["register"] as? String
                }
                #expect(match != nil, "\(dump.lastPathComponent) \(address) \(register)")
                if let field = register["field"] as? String {
                    let fields = (match?["fields"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
                    #expect(fields.contains(field), "\(dump.lastPathComponent) \(address) \(field)")
                }
                checked += 1
            }
        }
        #expect(checked >= 20, "findings with registers checked: \(checked)")
    }

    @Test func theDemoSetsDownLinkExitsFiveAndWarningsOnlyExitFour() throws {
        let binary = try Tooling.requireCfgtui()
        let demo = try Tooling.run(binary.path, ["check", "--demo"])
        #expect(demo.status == 5)
        let text = String(decoding: demo.stdout, as: UTF8.self)
        #expect(
            text.contains("error   data-link-inactive  PCI Express > Link Status > Data Link Layer Link Active @0x66"))
        #expect(text.contains("0000:00:02.0 PCI bridge"))
        // The tree shows the root port's link against its capability.
        #expect(text.contains("2.5GT/s x1 < 16GT/s x32"))
        // Selecting a conventional function behind nothing: no warning, exit 0.
        let clean = try Tooling.run(binary.path, ["check", "--demo", "-s", "00:00.0"])
        #expect(clean.status == 0, "\(String(decoding: clean.stdout, as: UTF8.self))")
        // --severity error hides the notes but not the exit status.
        let errorsOnly = try Tooling.run(binary.path, ["check", "--demo", "--severity", "error"])
        #expect(errorsOnly.status == 5)
        #expect(!String(decoding: errorsOnly.stdout, as: UTF8.self).contains("  info    "))
        let none = try Tooling.run(binary.path, ["check", "--demo", "-s", "7f:00.0"])
        #expect(none.status == 3)
        let usage = try Tooling.run(binary.path, ["check", "--demo", "--severity", "loud"])
        #expect(usage.status == 64)
    }

    @Test func aVFSelectionCoversItsPathAndTheJSONSaysSo() throws {
        let binary = try Tooling.requireCfgtui()
        let output = try Tooling.run(binary.path, ["check", "--demo", "-s", "01:00.1", "--json"])
        let report = try Self.json(output.stdout)
        let functions = (report["functions"] as? [[String: Any]] ?? []).compactMap { $0["address"] as? String }
        #expect(functions == ["0000:00:02.0", "0000:01:00.1"])
        let findings = report["findings"] as? [[String: Any]] ?? []
        let down = try #require(findings.first { $0["kind"] as? String == "data-link-inactive" })
        #expect(down["severity"] as? String == "error")
        #expect(down["path"] as? [String] == [])
        #expect(down["reference"] as? String == "PCIe r6.0 §7.5.3.8")
        #expect((down["register"] as? [String: Any])?["bits"] as? [Int] == [13, 13])
        #expect(output.status == 5)
    }

    /// The README's table of finding kinds is the code's: every kind's row with its rule and
    /// reference, and no row for a kind that does not exist.
    @Test func theReadmeDocumentsEveryFindingKindAsTheCodeStatesIt() throws {
        let readme = try String(contentsOf: Tooling.packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
        for kind in FindingKind.allCases {
            let row = "| `\(kind.rawValue)` | \(kind.rule) | \(kind.reference.description) |"
            #expect(readme.contains(row), "README lacks or misstates \(kind.rawValue)")
        }
        let section =
            try #require(readme.components(separatedBy: "### `cfgtui check`").dropFirst().first)
            .components(separatedBy: "### The explorer").first ?? ""
        let rows = section.split(separator: "\n").filter { $0.hasPrefix("| `") }
        let documented = Set(rows.compactMap { $0.split(separator: "`").dropFirst().first.map(String.init) })
        #expect(documented.isSubset(of: Set(FindingKind.allCases.map(\.rawValue))), "\(documented)")
    }
}
