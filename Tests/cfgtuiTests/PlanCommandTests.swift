import Foundation
import Model
import Testing

/// `cfgtui plan` as a person or a script uses it, and the oracle: every dump it emits, read by
/// the real `lspci -F FILE -vvv`, shows the added capabilities at the planned offsets with the
/// expected bits, and every original capability unchanged.
@Suite(.serialized) struct PlanCommandTests {
    // MARK: - Helpers

    /// A fresh directory for one test's files.
    static func temporaryDirectory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "cfgtui-plan-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    static func write(_ functions: [(address: PCIAddress, title: String, space: ConfigSpace)], to file: URL) throws {
        try Data(LspciDump.write(functions)).write(to: file)
    }

    static func json(_ output: Tooling.Output) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: output.stdout) as? [String: Any])
    }

    static func placements(_ document: [String: Any]) -> [[String: Any]] {
        document["placements"] as? [[String: Any]] ?? []
    }

    /// A VF made from a PF: the extended capabilities with IDs in `removing` are unlinked and
    /// cleared (with `stray`, their second dword is left behind, as hidden registers would be);
    /// the others keep their offsets. A removed first capability leaves an ID-0 placeholder at
    /// 0x100 pointing to the next one; removing them all leaves the dword at 0x100 zero.
    static func derivedVirtualFunction(from pf: ConfigSpace, removing ids: Set<Int>, stray: Bool) -> ConfigSpace {
        let extended = Array(FunctionAnalysis(space: pf).extendedCapabilities)
        var bytes = pf.bytes
        let kept = extended.filter { !ids.contains($0.kind.rawID) }
        for capability in extended where ids.contains(capability.kind.rawID) {
            let start = capability.offset.rawValue
            for index in start..<capability.extent.end.rawValue
            where !(stray && (start + 4..<start + 8).contains(index)) {
                bytes[index] = 0
            }
        }
        func store(_ value: UInt32, at offset: Int) {
            for index in 0..<4 { bytes[offset + index] = UInt8(truncatingIfNeeded: value >> (8 * index)) }
        }
        for (position, capability) in kept.enumerated() {
            let next = position + 1 < kept.count ? kept[position + 1].offset.rawValue : 0
            store(
                (pf.dword(at: capability.offset) ?? 0) & 0x000F_FFFF | UInt32(next) << 20,
                at: capability.offset.rawValue)
        }
        if let first = kept.first, first.offset.rawValue != 0x100 {
            store(UInt32(first.offset.rawValue) << 20, at: 0x100)
        }
        if kept.isEmpty { store(0, at: 0x100) }
        return ConfigSpace(bytes: bytes)
    }

    /// The first function of a corpus dump (`raw/001`).
    static func corpusFunction(_ prefix: String) throws -> (file: URL, function: DumpedFunction)? {
        let parts = prefix.split(separator: "/").map(String.init)
        let directory = Tooling.corpus.appendingPathComponent(parts[0])
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        guard let name = names.first(where: { $0.hasPrefix(parts[1] + "-") && !$0.hasSuffix(".lspci-vvv.txt") }) else {
            return nil
        }
        let file = directory.appendingPathComponent(name)
        let functions = try LspciDump.read([UInt8](try Data(contentsOf: file)), file: file.path)
        return functions.first.map { (file, $0) }
    }

    // MARK: - lspci as the oracle

    /// lspci's lines under each capability of one function, by (extended, offset).
    struct LspciCapabilityBlocks {
        var titles: [Int: String] = [:]
        var lines: [Int: [String]] = [:]

        init(_ text: String) {
            var current: Int?
            for line in text.split(separator: "\n") {
                if line.hasPrefix("\tCapabilities: ["), let close = line.firstIndex(of: "]") {
                    let inside = line[line.index(line.startIndex, offsetBy: 16)..<close]
                    let parts = inside.split(separator: " ")
                    guard let first = parts.first, first.count == 3, let offset = Int(first, radix: 16) else {
                        current = nil
                        continue
                    }
                    current = offset
                    titles[offset] = String(line)
                    lines[offset] = []
                } else if line.hasPrefix("\t\t"), let current {
                    lines[current, default: []].append(line.trimmingCharacters(in: .whitespaces))
                } else if !line.hasPrefix("\t\t") {
                    current = nil
                }
            }
        }
    }

    /// The bytes lspci shows with -xxxx.
    static func lspciBytes(_ file: URL) throws -> [UInt8] {
        let output = try Tooling.run(Tooling.lspciPath, ["-F", file.path, "-xxxx"])
        return try #require(try LspciDump.parse(Array(output.stdout), file: "lspci -xxxx").first).space.bytes
    }

    /// What lspci must print for a placement, from the PF's (or the options') bits.
    struct Expectation {
        var title: String
        var lines: [String]
        /// Little-endian word at +6 (PRI Status), when it must be checked through -xxxx.
        var statusWord: UInt16?
    }

    static func expectation(for placement: [String: Any]) -> Expectation? {
        let bits = placement["bits"] as? [String: Any] ?? [:]
        switch placement["capability"] as? String {
        case "pasid":
            let width = bits["maxPASIDWidth"] as? Int ?? -1
            let exec = (bits["executeSupported"] as? Bool ?? false) ? "+" : "-"
            let priv = (bits["privilegedSupported"] as? Bool ?? false) ? "+" : "-"
            return Expectation(
                title: "Process Address Space ID (PASID)",
                lines: [
                    "PASIDCap: Exec\(exec) Priv\(priv), Max PASID Width: " + String(format: "%02x", width),
                    "PASIDCtl: Enable- Exec- Priv-",
                ])
        case "pri":
            let capacity = bits["outstandingPageRequestCapacity"] as? Int ?? -1
            let required = bits["prgResponsePASIDRequired"] as? Bool ?? false
            return Expectation(
                title: "Page Request Interface (PRI)",
                lines: [
                    "PRICtl: Enable- Reset-", "PRISta: RF- UPRGI- Stopped+",
                    "Page Request Capacity: " + String(format: "%08x", capacity)
                        + ", Page Request Allocation: 00000000",
                ], statusWord: required ? 0x8100 : 0x0100)
        case "ats":
            return Expectation(
                title: "Address Translation Service (ATS)",
                lines: ["ATSCap:\tInvalidate Queue Depth: 00", "ATSCtl:\tEnable-, Smallest Translation Unit: 00"])
        case "dvsec", "free-space-dvsec":
            let vendor = bits["vendorID"] as? Int ?? -1
            let identifier = bits["dvsecID"] as? Int ?? -1
            let revision = bits["revision"] as? Int ?? 0
            let length = placement["length"] as? Int ?? -1
            return Expectation(
                title: "Designated Vendor-Specific: Vendor=" + String(format: "%04x", vendor) + " ID="
                    + String(format: "%04x", identifier) + " Rev=\(revision) Len=\(length)", lines: [])
        default:
            return nil
        }
    }

    /// Where the virtual capabilities' bits must come from: the PF, as lspci decodes it, or
    /// the command-line options.
    struct BitsOracle {
        /// The PF's dump file and its address (lspci -s).
        var physicalFunction: (file: URL, slot: String)?
        /// Lines lspci must print for capabilities whose bits come from options, and the PRI
        /// Status word expected then.
        var optionLines: [String: [String]] = [:]
        var optionStatus: UInt16?
    }

    /// Checks that each placement's bits are the PF's as lspci decodes the PF (or the
    /// options'): PASIDCap identical, PRI capacity identical, PRG Response PASID Required
    /// as in the PF's PRI Status bytes.
    static func checkBits(
        _ placements: [[String: Any]], virtual blocks: LspciCapabilityBlocks, virtualBytes: [UInt8], oracle: BitsOracle,
        sourceLocation: SourceLocation
    ) throws {
        var pfBlocks: LspciCapabilityBlocks?
        var pfBytes = [UInt8]()
        if let (file, slot) = oracle.physicalFunction {
            let output = try Tooling.run(Tooling.lspciPath, ["-F", file.path, "-s", slot, "-vvv"])
            pfBlocks = LspciCapabilityBlocks(output.text)
            let hex = try Tooling.run(Tooling.lspciPath, ["-F", file.path, "-s", slot, "-xxxx"])
            pfBytes = try #require(try LspciDump.parse(Array(hex.stdout), file: "pf").first).space.bytes
        }
        for placement in placements {
            let capability = placement["capability"] as? String ?? ""
            let offset = placement["offset"] as? Int ?? -1
            let lines = blocks.lines[offset] ?? []
            let source = placement["bitsFrom"] as? [String: Any] ?? [:]
            func status(_ bytes: [UInt8], _ at: Int) -> UInt16? {
                at + 8 <= bytes.count ? UInt16(bytes[at + 6]) | UInt16(bytes[at + 7]) << 8 : nil
            }
            switch source["kind"] as? String {
            case "pf":
                let pfOffset = source["offset"] as? Int ?? -1
                let pfLines = try #require(
                    pfBlocks?.lines[pfOffset], "no PF capability at \(pfOffset)", sourceLocation: sourceLocation)
                switch capability {
                case "pasid":
                    let line = pfLines.first { $0.hasPrefix("PASIDCap:") }
                    #expect(
                        line != nil && lines.contains(line ?? ""), "PF \(pfLines) vs \(lines)",
                        sourceLocation: sourceLocation)
                case "pri":
                    let capacity = pfLines.first { $0.hasPrefix("Page Request Capacity:") }?.split(separator: ",").first
                    #expect(
                        capacity != nil && lines.contains { $0.hasPrefix(String(capacity ?? "")) },
                        "PF \(pfLines) vs \(lines)",
                        sourceLocation: sourceLocation)
                    let pfStatus = try #require(status(pfBytes, pfOffset), sourceLocation: sourceLocation)
                    #expect(status(virtualBytes, offset) == 0x0100 | pfStatus & 0x8000, sourceLocation: sourceLocation)
                case "ats":
                    #expect(pfBlocks?.titles[pfOffset]?.contains("(ATS)") == true, sourceLocation: sourceLocation)
                default:
                    Issue.record("\(capability) has PF bits", sourceLocation: sourceLocation)
                }
            case "options":
                for line in oracle.optionLines[capability] ?? [] {
                    #expect(lines.contains(line), "\(line) not in \(lines)", sourceLocation: sourceLocation)
                }
                if capability == "pri" {
                    #expect(status(virtualBytes, offset) == oracle.optionStatus, sourceLocation: sourceLocation)
                }
                #expect(
                    oracle.optionLines[capability] != nil, "\(capability): unexpected options",
                    sourceLocation: sourceLocation)
            case "cleared":
                #expect(capability == "ats", sourceLocation: sourceLocation)
            default:
                #expect(capability.hasSuffix("dvsec"), sourceLocation: sourceLocation)
            }
        }
    }

    /// Runs `cfgtui plan ... --json --emit-dump` on `target` and checks the emitted dump with
    /// lspci. Returns the plan document, or nil when the plan failed.
    @discardableResult
    static func planAndCheckWithLspci(
        target: URL, arguments: [String], expectedPlacements: [Int]? = nil, bits: BitsOracle,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> [String: Any]? {
        let directory = target.deletingLastPathComponent()
        let emitted = directory.appendingPathComponent("virtual-\(UUID().uuidString).txt")
        guard let output = try Tooling.runCfgtui(["plan", "--json", "--emit-dump", emitted.path] + arguments) else {
            return nil
        }
        let document = try json(output)
        let placements = Self.placements(document)
        if let expectedPlacements {
            #expect(
                placements.compactMap { $0["offset"] as? Int } == expectedPlacements, "\(arguments): \(output.stderr)",
                sourceLocation: sourceLocation)
        }
        guard output.status == 0 else {
            #expect(output.status == 2, "\(output.stderr)", sourceLocation: sourceLocation)
            #expect(!FileManager.default.fileExists(atPath: emitted.path), sourceLocation: sourceLocation)
            return nil
        }
        #expect(document["ok"] as? Bool == true, sourceLocation: sourceLocation)

        let before = try Tooling.run(Tooling.lspciPath, ["-F", target.path, "-vvv"])
        let after = try Tooling.run(Tooling.lspciPath, ["-F", emitted.path, "-vvv"])
        #expect(before.status == 0 && after.status == 0, sourceLocation: sourceLocation)
        let original = try #require(LspciListing(before.text).functions.first, sourceLocation: sourceLocation)
        let virtual = try #require(LspciListing(after.text).functions.first, sourceLocation: sourceLocation)
        #expect(virtual.markers.isEmpty, "lspci: \(virtual.markers)", sourceLocation: sourceLocation)

        // Every original capability, in order, at its offset with its version; then the new ones.
        var expected = original.capabilities
        if document["listHead"] as? String == "nullCapability" {
            expected.append(.init(isExtended: true, offset: 0x100, version: 0))
        }
        var chain = placements
        if document["listHead"] as? String == "placement",
            let head = chain.firstIndex(where: { $0["offset"] as? Int == 0x100 })
        {
            chain.insert(chain.remove(at: head), at: 0)
        }
        expected += chain.map { .init(isExtended: true, offset: $0["offset"] as? Int ?? -1, version: 1) }
        #expect(virtual.capabilities == expected, "\(arguments)", sourceLocation: sourceLocation)

        // Each new capability: its title and the bits lspci decodes.
        let blocks = LspciCapabilityBlocks(after.text)
        let bytes = try lspciBytes(emitted)
        for placement in placements {
            let offset = placement["offset"] as? Int ?? -1
            let expectation = try #require(Self.expectation(for: placement), sourceLocation: sourceLocation)
            let title = blocks.titles[offset] ?? "(none)"
            #expect(
                title.contains("[\(String(offset, radix: 16)) v1] " + expectation.title), "\(title)",
                sourceLocation: sourceLocation)
            for line in expectation.lines {
                #expect(
                    blocks.lines[offset]?.contains(line) == true, "\(line) not in \(blocks.lines[offset] ?? [])",
                    sourceLocation: sourceLocation)
            }
            if let status = expectation.statusWord, offset + 8 <= bytes.count {
                #expect(
                    UInt16(bytes[offset + 6]) | UInt16(bytes[offset + 7]) << 8 == status, sourceLocation: sourceLocation
                )
            }
        }
        try checkBits(placements, virtual: blocks, virtualBytes: bytes, oracle: bits, sourceLocation: sourceLocation)
        return document
    }

    // MARK: - The demo set

    @Test func demoVFGetsPASIDAndPRIAtThePFsOffsets() throws {
        guard
            let output = try Tooling.runCfgtui([
                "plan", "--demo", "-s", "01:00.1", "--add", "pasid", "--add", "pri", "--json",
            ])
        else { return }
        #expect(output.status == 0, "\(output.stderr)")
        let document = try Self.json(output)
        #expect(document["target"] as? String == "0000:01:00.1")
        #expect(document["physicalFunction"] as? String == "0000:01:00.0")
        #expect(document["ok"] as? Bool == true)
        let placements = Self.placements(document)
        #expect(placements.map { $0["capability"] as? String } == ["pasid", "pri"])
        #expect(placements.map { $0["id"] as? Int } == [27, 19])
        #expect(placements.map { $0["offset"] as? Int } == [0x180, 0x170])
        #expect(placements.map { $0["length"] as? Int } == [8, 16])
        #expect(placements.map { $0["strategy"] as? String } == ["pf-offset", "pf-offset"])
        #expect(placements.first?["bytes"] as? String == "06140000")
        #expect((document["rejected"] as? [Any])?.isEmpty == true)
        let steps = (document["decisions"] as? [[String: Any]])?.first?["steps"] as? [[String: Any]]
        #expect(steps?.map { $0["strategy"] as? String } == ["at", "dvsec-hint", "table", "pf-offset"])
    }

    @Test func textReportHasPlacementsRejectionsAndAMap() throws {
        guard
            let output = try Tooling.runCfgtui([
                "plan", "--demo", "-s", "01:00.1", "--add", "pasid", "--add", "pri", "--add", "ats", "--strategy",
                "end",
            ])
        else { return }
        #expect(output.status == 0, "\(output.stderr)")
        let text = output.text
        #expect(text.contains("Plan for 0000:01:00.1"))
        #expect(text.contains("    pasid   [ff8 v1] Process Address Space ID (PASID), 8 bytes, by end\n"))
        #expect(text.contains("Max PASID Width 20, Execute+ Privileged+"))
        #expect(text.contains("(copied from the PF's PASID at 0x180)"))
        #expect(text.contains("    pri     end        0xff0  overlaps the PASID placed at 0xff8 (0xff8-0xfff)\n"))
        #expect(text.contains("Already present (not added):\n    ats     at 0x160\n"))
        #expect(
            text.contains(
                "    100  aa" + String(repeating: ".", count: 22) + "bb" + String(repeating: ".", count: 38)
                    + "\n    *\n"))
        #expect(text.contains("    f00  " + String(repeating: ".", count: 58) + "BBBBAA\n"))
        #expect(text.contains("Legend: a [100] ARI, b [160] ATS, A [ff8] new pasid, B [fe8] new pri"))
    }

    // MARK: - Exit statuses and messages

    @Test(arguments: [
        (["--demo", "--add", "pasid"], "exactly one target function"),
        (["--demo", "-s", "01:00.1", "--add", "msi"], "cannot parse --add 'msi'"),
        (["--demo", "-s", "01:00.1", "--add", "pasid", "--strategy", "middle"], "unknown strategy 'middle'"),
        (["--demo", "-s", "01:00.1", "--add", "pasid", "--at", "pri=0x200"], "pri is not requested"),
        (["--demo", "-s", "01:00.1", "--add", "pasid", "--pasid-exec"], "need --pasid-width"),
        (["--demo", "-s", "01:00.1", "--add", "pasid", "--pasid-width", "21"], "Max PASID Width is 0-20"),
        (["--demo", "-s", "01:00.1", "--add", "pasid", "--reserve", "0xa0"], "cannot parse --reserve"),
        (["--demo", "-s", "01:00.1", "--add", "dvsec:8"], "12 to 4092"),
        (["--demo", "-s", "01:00.1", "--add", "pasid", "--add", "pasid"], "given twice"),
        (["--demo", "-s", "01:00.1"], "nothing to add"),
    ])
    func usageErrorsExit64(arguments: [String], message: String) throws {
        guard let output = try Tooling.runCfgtui(["plan"] + arguments) else { return }
        #expect(output.status == 64, "\(arguments): \(output.status) \(output.stderr)")
        #expect(output.stderr.contains(message), "\(output.stderr)")
        #expect(output.stdout.isEmpty)
    }

    @Test func pfOptionsChooseThePF() throws {
        // --pf in the main source: the root port is not a PF (no SR-IOV), a usage error.
        guard
            let rootPort = try Tooling.runCfgtui([
                "plan", "--demo", "-s", "01:00.1", "--pf", "00:02.0", "--add", "pasid", "--json",
            ])
        else { return }
        #expect(rootPort.status == 64)
        #expect(rootPort.stdout.isEmpty)
        #expect(
            rootPort.stderr.contains(
                "--pf 00:02.0: 0000:00:02.0 is not a PF: it has no SR-IOV capability (the PF of 0000:01:00.1 is 0000:01:00.0)"
            ), "\(rootPort.stderr)")

        // A lone --pf-file function that is not a PF lends its capabilities, with a notice:
        // the root port has no PASID to copy.
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let rootPortFile = directory.appendingPathComponent("root-port.txt")
        try Self.write(
            DemoSet.functions().filter { $0.address.description == "0000:00:02.0" }.map {
                ($0.address, $0.title, $0.space)
            }, to: rootPortFile)
        guard
            let borrowed = try Tooling.runCfgtui([
                "plan", "--demo", "-s", "01:00.1", "--pf-file", rootPortFile.path, "--add", "pasid", "--json",
            ])
        else { return }
        #expect(borrowed.status == 2)
        #expect(
            borrowed.stderr.contains("0000:00:02.0 in \(rootPortFile.path) is not a PF: it has no SR-IOV capability"),
            "\(borrowed.stderr)")
        #expect(borrowed.stderr.contains("the PF has no PASID capability to copy"), "\(borrowed.stderr)")
        #expect(try Self.json(borrowed)["physicalFunction"] as? String == "0000:00:02.0")

        // --pf-file with several functions needs --pf, and --pf there must name a PF too.
        let file = directory.appendingPathComponent("demo.txt")
        try Self.write(DemoSet.functions().map { ($0.address, $0.title, $0.space) }, to: file)
        guard
            let notPF = try Tooling.runCfgtui([
                "plan", "--demo", "-s", "01:00.1", "--pf-file", file.path, "--pf", "01:00.2", "--add", "pasid",
            ])
        else { return }
        #expect(notPF.status == 64)
        #expect(
            notPF.stderr.contains(
                "--pf 01:00.2: 0000:01:00.2 in \(file.path) is not a PF: it has no SR-IOV capability"),
            "\(notPF.stderr)")
        guard
            let ambiguous = try Tooling.runCfgtui([
                "plan", "--demo", "-s", "01:00.1", "--pf-file", file.path, "--add", "pasid",
            ])
        else { return }
        #expect(ambiguous.status == 64)
        #expect(ambiguous.stderr.contains("holds 10 functions: choose the PF with --pf SLOT"), "\(ambiguous.stderr)")
        guard
            let chosen = try Tooling.runCfgtui([
                "plan", "--demo", "-s", "01:00.1", "--pf-file", file.path, "--pf", "01:00.0", "--add", "pasid",
                "--json",
                "--strategy", "pf-offset",
            ])
        else { return }
        #expect(chosen.status == 0, "\(chosen.stderr)")
        #expect(Self.placements(try Self.json(chosen)).first?["offset"] as? Int == 0x180)
    }

    @Test func selectionThatMatchesNothingExitsThree() throws {
        guard let output = try Tooling.runCfgtui(["plan", "--demo", "-s", "05:00.0", "--add", "pasid"]) else { return }
        #expect(output.status == 3)
        #expect(output.stderr.contains("no function matches -s 05:00.0"))
    }

    @Test func aCapabilityThatCannotBePlacedExitsTwoAndWritesNoDump() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let dump = directory.appendingPathComponent("never.txt")
        guard
            let output = try Tooling.runCfgtui([
                "plan", "--demo", "-s", "01:00.1", "--add", "pasid", "--at", "pasid=0x104", "--json", "--emit-dump",
                dump.path,
            ])
        else { return }
        #expect(output.status == 2)
        let document = try Self.json(output)
        #expect(document["ok"] as? Bool == false)
        #expect(Self.placements(document).isEmpty)
        let rejected = try #require((document["rejected"] as? [[String: Any]])?.first)
        #expect(rejected["capability"] as? String == "pasid")
        #expect(rejected["strategy"] as? String == "at")
        #expect(rejected["offset"] as? Int == 0x104)
        #expect(rejected["reasonCode"] as? String == "overlapsCapability")
        #expect(
            (rejected["reason"] as? String)?.contains("Alternative Routing-ID Interpretation capability at 0x100")
                == true)
        #expect((document["failed"] as? [[String: Any]])?.first?["capability"] as? String == "pasid")
        #expect(!FileManager.default.fileExists(atPath: dump.path))
        #expect(output.stderr.contains("not written"))
    }

    @Test func aShortReadIsRefusedWithExitTwo() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let vf = try #require(DemoSet.functions().first { $0.address == PCIAddress(bus: 1, device: 0, function: 1) })
        let file = directory.appendingPathComponent("short.txt")
        try Self.write([(vf.address, vf.title, ConfigSpace(bytes: Array(vf.space.bytes.prefix(64))))], to: file)
        guard let output = try Tooling.runCfgtui(["plan", "-F", file.path, "--add", "ats", "--json"]) else { return }
        #expect(output.status == 2)
        #expect(output.stderr.contains("only 64 of the target's 4096 bytes are readable"))
        let error = try Self.json(output)["error"] as? [String: Any]
        #expect(error?["kind"] as? String == "targetNotFullyReadable")
    }

    @Test(.requires(.corpus)) func missingPASIDBitsAreRefusedUntilGiven() throws {
        try Requirement.check(.corpus)
        let file = Tooling.corpus.appendingPathComponent("qemu/nvme-sriov-after-all.txt")
        guard let refused = try Tooling.runCfgtui(["plan", "-F", file.path, "-s", "01:00.2", "--add", "pasid"]) else {
            return
        }
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("give --pasid-width N"), "\(refused.stderr)")
        guard
            let given = try Tooling.runCfgtui([
                "plan", "-F", file.path, "-s", "01:00.2", "--add", "pasid", "--pasid-width", "16", "--pasid-priv",
                "--json",
            ])
        else { return }
        #expect(given.status == 0, "\(given.stderr)")
        let placement = try #require(Self.placements(try Self.json(given)).first)
        #expect(placement["offset"] as? Int == 0xFF8)
        #expect(placement["bytes"] as? String == "04100000")
        #expect((placement["bitsFrom"] as? [String: Any])?["kind"] as? String == "options")
    }

    @Test func tableFilesMovePlacementsAndErrorsNameFileAndLine() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let table = directory.appendingPathComponent("offsets.table")
        try Data("# demo NVMe VFs\n1b36:0010 pasid=0x400 reserve=0xff0-0xfff # test entry\n".utf8).write(to: table)
        guard
            let output = try Tooling.runCfgtui([
                "plan", "--demo", "-s", "01:00.1", "--add", "pasid", "--table", table.path, "--json",
            ])
        else { return }
        #expect(output.status == 0, "\(output.stderr)")
        let placement = try #require(Self.placements(try Self.json(output)).first)
        #expect(placement["offset"] as? Int == 0x400)
        #expect(placement["strategy"] as? String == "table")

        try Data("1b36:0010 pasid=0x400\n1b36:0010 pasid=0x402\n".utf8).write(to: table)
        guard
            let bad = try Tooling.runCfgtui([
                "plan", "--demo", "-s", "01:00.1", "--add", "pasid", "--table", table.path,
            ])
        else { return }
        #expect(bad.status == 1)
        #expect(bad.stderr.contains(table.path + ":2: offset 0x402 is not a dword-aligned offset"), "\(bad.stderr)")
    }

    @Test func peersMustAlsoBeFree() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        // The peer VF has a Vendor-Specific capability where the PF has PASID (0x180-0x18f).
        let vf = try #require(DemoSet.functions().first { $0.address == PCIAddress(bus: 1, device: 0, function: 1) })
        var peer = vf.space
        peer = peer.setting(0x1801_000F, at: 0x160, length: 4)  // ATS -> 0x180
        peer = peer.setting(0x0001_000B, at: 0x180, length: 4)
        peer = peer.setting(0x0100_0001, at: 0x184, length: 4)  // VSEC length 0x10
        let file = directory.appendingPathComponent("peer.txt")
        try Self.write([(vf.address, vf.title, peer)], to: file)
        guard
            let output = try Tooling.runCfgtui([
                "plan", "--demo", "-s", "01:00.1", "--add", "pasid", "--peer", file.path, "--json",
            ])
        else { return }
        #expect(output.status == 0, "\(output.stderr)")
        let document = try Self.json(output)
        #expect(Self.placements(document).first?["offset"] as? Int == 0xFF8)
        let rejected = try #require((document["rejected"] as? [[String: Any]])?.first)
        #expect(rejected["strategy"] as? String == "pf-offset")
        #expect(rejected["peer"] as? Int == 0)
        #expect(rejected["reasonCode"] as? String == "peer.overlapsCapability")
        #expect((rejected["reason"] as? String)?.hasPrefix("on peer 1 (\(file.path)): overlaps") == true)
    }

    // MARK: - The oracle

    @Test(.requires(.lspci), arguments: ["auto", "end", "first-fit", "pf-offset"])
    func demoVirtualFunctionsReadBackThroughLspci(strategy: String) throws {
        try Requirement.check(.lspci)
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        // The whole demo set in one file, so the VFs find their PF through SR-IOV.
        let all = DemoSet.functions()
        let file = directory.appendingPathComponent("demo.txt")
        try Self.write(all.map { ($0.address, $0.title, $0.space) }, to: file)
        for slot in ["01:00.1", "01:00.2"] {
            let single = directory.appendingPathComponent("vf-\(slot).txt")
            let vf = try #require(all.first { $0.address == PCIAddress(parsing: slot) })
            try Self.write([(vf.address, vf.title, vf.space)], to: single)
            let expected: [Int] =
                switch strategy {
                // ATS is already there (0x160). PASID, PRI, the 24-byte DVSEC, then the
                // free-space DVSEC (always by end) listing what is left.
                case "end": [0xFF8, 0xFE8, 0xFD0, 0xFBC]
                case "first-fit": [0x108, 0x110, 0x120, 0xFEC]
                default: [0x180, 0x170, 0xFE8, 0xFD0]
                }
            let emitted = try Self.planAndCheckWithLspci(
                target: single,
                arguments: [
                    "-F", file.path, "-s", slot, "--add", "pasid", "--add", "pri", "--add", "ats", "--add",
                    "dvsec:24:1af4:0042", "--add-free-space-dvsec", "--strategy", strategy,
                ], expectedPlacements: strategy == "pf-offset" ? nil : expected,
                bits: BitsOracle(physicalFunction: (file, "01:00.0")))
            if strategy != "pf-offset" { #expect(emitted != nil) }
        }
    }

    /// Real PFs with PASID/PRI, turned into VFs that lack PASID and PRI (and sometimes ATS or
    /// SR-IOV), some with stray bytes left where those capabilities were.
    static let corpusCases: [(String, Set<Int>, Bool, [String])] = [
        ("raw/001", [0x1B, 0x13, 0x0F], false, ["--add", "pasid", "--add", "pri", "--add", "ats"]),
        ("raw/002", [0x1B, 0x13], false, ["--add", "pasid", "--add", "pri", "--add", "ats"]),
        ("raw/003", [0x1B, 0x13, 0x0F], true, ["--add", "pasid", "--add", "pri", "--add", "ats"]),
        ("raw/004", [0x1B, 0x13, 0x10], true, ["--add", "pasid", "--add", "pri"]),
        // The PF has PASID but no PRI: PRI's bits come from options.
        (
            "raw/007", [0x1B, 0x10], false,
            ["--add", "pasid", "--add", "pri", "--pri-capacity", "0x40", "--pri-pasid-required"]
        ),
        ("raw/060", [0x1B, 0x13, 0x10], true, ["--add", "pasid", "--add", "pri", "--add", "dvsec"]),
        // Its first capability (a VSEC at 0x100) removed too: an ID-0 placeholder stays at 0x100.
        ("raw/081", [0x1B, 0x13, 0x0B], false, ["--add", "pasid", "--add", "pri"]),
    ]

    static let corpusOptionLines = [
        "pri": ["PRICtl: Enable- Reset-", "Page Request Capacity: 00000040, Page Request Allocation: 00000000"]
    ]

    @Test(.requires(.corpus, .lspci), arguments: ["auto", "end", "first-fit", "pf-offset", "table"])
    func derivedCorpusVirtualFunctionsReadBackThroughLspci(strategy: String) throws {
        try Requirement.check(.corpus, .lspci)
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        var checked = 0
        for (prefix, removed, stray, additions) in Self.corpusCases {
            let (pfFile, pf) = try #require(try Self.corpusFunction(prefix))
            let vf = Self.derivedVirtualFunction(from: pf.space, removing: removed, stray: stray)
            let file = directory.appendingPathComponent("vf-\(prefix.replacingOccurrences(of: "/", with: "-")).txt")
            try Self.write([(pf.address, pf.title, vf)], to: file)
            let slot = String(pf.address.description.dropFirst(5))
            let document = try Self.planAndCheckWithLspci(
                target: file,
                arguments: [
                    "-F", file.path, "--pf-file", pfFile.path, "--strategy", strategy, "--add-free-space-dvsec",
                ]
                    + additions,
                bits: BitsOracle(
                    physicalFunction: (pfFile, slot), optionLines: prefix == "raw/007" ? Self.corpusOptionLines : [:],
                    optionStatus: 0x8100))
            if document != nil { checked += 1 }
            // auto, end and first-fit always find room in these layouts.
            if ["auto", "end", "first-fit"].contains(strategy) { #expect(document != nil, "\(prefix) \(strategy)") }
        }
        #expect(checked >= (["auto", "end", "first-fit"].contains(strategy) ? 7 : 2))
    }

    @Test(.requires(.corpus, .lspci)) func aVFInADumpFindsItsPFThroughSRIOV() throws {
        try Requirement.check(.corpus, .lspci)
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        // Intel 0d93 (SR-IOV at 0xb80: First VF Offset 16, stride 2): enable one VF and put a
        // derived VF at its routing ID, 6b:02.0.
        let (_, pf) = try #require(try Self.corpusFunction("raw/004"))
        let enabled = pf.space.setting(0x0009, at: 0xB88, length: 2).setting(1, at: 0xB90, length: 2)
        let vfAddress = try #require(PCIAddress(domain: 0, routingID: pf.address.routingID + 16))
        // Its Vendor and Device IDs read 0xffff, as SR-IOV requires (a VF is linked only when it
        // looks like one).
        let vf = Self.derivedVirtualFunction(from: pf.space, removing: [0x1B, 0x13, 0x10], stray: false)
            .setting(0xFFFF_FFFF, at: 0, length: 4)
        let file = directory.appendingPathComponent("pf-and-vf.txt")
        try Self.write([(pf.address, pf.title, enabled), (vfAddress, pf.title, vf)], to: file)
        let single = directory.appendingPathComponent("vf.txt")
        try Self.write([(vfAddress, pf.title, vf)], to: single)
        let document = try Self.planAndCheckWithLspci(
            target: single, arguments: ["-F", file.path, "-s", "6b:02.0", "--add", "pasid", "--add", "pri"],
            expectedPlacements: [0xFF8, 0xFE8], bits: BitsOracle(physicalFunction: (file, "6b:00.0")))
        #expect(document?["physicalFunction"] as? String == "0000:6b:00.0")
        let bits = Self.placements(document ?? [:]).first?["bitsFrom"] as? [String: Any]
        #expect(bits?["kind"] as? String == "pf")
        #expect(bits?["offset"] as? Int == 0xB40)
    }
}
