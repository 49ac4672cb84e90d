import Foundation
import Model
import Testing

/// `cfgtui diff` through the real binary: real dumps from the corpus, their `show --hex`
/// snapshots, crafted variants as binary config files, the `--` forms and the exit statuses.
@Suite struct DiffCommandTests {
    static let nvme = Tooling.corpus.appendingPathComponent("qemu/nvme-sriov-after-all.txt")

    static func temporaryDirectory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "cfgtui-diff-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    /// `show --hex` of a selection, written to a file.
    static func snapshot(_ arguments: [String], to file: URL) throws {
        let output = try #require(try Tooling.runCfgtui(["show", "--hex"] + arguments))
        #expect(output.status == 0, "\(output.stderr)")
        try output.stdout.write(to: file)
    }

    /// The bytes of one function from `show --hex` text (offset lines `xx: b b b ...`).
    static func bytes(ofHex text: String) -> [UInt8] {
        var bytes = [UInt8]()
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: " ")
            guard let first = parts.first, first.hasSuffix(":"), Int(first.dropLast(), radix: 16) != nil else {
                continue
            }
            bytes += parts.dropFirst().compactMap { UInt8($0, radix: 16) }
        }
        return bytes
    }

    /// A binary config file at `.../0000:01:00.1/config` holding `bytes`.
    static func configFile(_ bytes: [UInt8], in directory: URL, name: String) throws -> URL {
        let folder = directory.appendingPathComponent(name).appendingPathComponent("0000:01:00.1")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let file = folder.appendingPathComponent("config")
        try Data(bytes).write(to: file)
        return file
    }

    static func json(_ output: Tooling.Output) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: output.stdout) as? [String: Any])
    }

    // MARK: - Real dumps

    /// Every function of every corpus dump against its own `show --hex` snapshot: nothing
    /// differs. (QEMU's one-function files are left out: their scenario's `-all` file holds the
    /// same functions.)
    @Test(.requires(.corpus)) func everyCorpusFunctionEqualsItsSnapshot() throws {
        try Requirement.check(.corpus)
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        var compared = 0
        let files = Tooling.corpusDumps.filter { file in
            file.deletingLastPathComponent().lastPathComponent != "qemu" || file.lastPathComponent.hasSuffix("-all.txt")
        }
        for file in files {
            let snapshot = directory.appendingPathComponent(file.lastPathComponent)
            try Self.snapshot(["-F", file.path], to: snapshot)
            let list = try #require(try Tooling.runCfgtui(["list", "-F", file.path]))
            let addresses = list.text.split(separator: "\n").compactMap {
                $0.split(separator: " ").first.map(String.init)
            }
            for address in addresses where addresses.filter({ $0 == address }).count == 1 {
                let output = try #require(
                    try Tooling.runCfgtui(["diff", "-F", file.path, "-s", address, "--", "-F", snapshot.path]))
                #expect(output.status == 0, "\(file.lastPathComponent) \(address): \(output.stderr)\(output.text)")
                #expect(output.text.contains("No differences."))
                compared += 1
            }
        }
        #expect(compared >= 200)
    }

    /// A PF against its VF in a real dump: SR-IOV only on the PF, the IDs read as 0xffff on the
    /// VF: migration-incompatible, exit 5, and the JSON says why.
    @Test(.requires(.corpus)) func aPFAgainstItsVFIsIncompatible() throws {
        try Requirement.check(.corpus)
        let output = try #require(
            try Tooling.runCfgtui(["diff", "-F", Self.nvme.path, "-s", "01:00.0", "--", "-s", "01:00.1", "--json"]))
        #expect(output.status == 5, "\(output.stderr)")
        let document = try Self.json(output)
        #expect(document["migrationCompatible"] as? Bool == false)
        let a = try #require(document["a"] as? [String: Any])
        let b = try #require(document["b"] as? [String: Any])
        #expect(a["address"] as? String == "0000:01:00.0")
        #expect(b["address"] as? String == "0000:01:00.1")
        #expect(b["virtualFunction"] as? Bool == true)
        let layout = try #require(document["layout"] as? [[String: Any]])
        #expect(
            layout.contains { entry in
                let structure = entry["structure"] as? [String: Any]
                return entry["kind"] as? String == "onlyIn" && entry["side"] as? String == "a"
                    && structure?["abbreviation"] as? String == "SR-IOV"
            })
        let fields = try #require(document["fields"] as? [[String: Any]])
        let vendor = try #require(fields.first { $0["field"] as? String == "Vendor ID" })
        #expect((vendor["a"] as? [String: Any])?["value"] as? Int == 0x1b36)
        #expect((vendor["b"] as? [String: Any])?["value"] as? Int == 0xffff)
        #expect(vendor["class"] as? String == "identity")
        let breaking = try #require(document["breaking"] as? [[String: Any]])
        #expect(!breaking.isEmpty)
        let summary = try #require(document["summary"] as? [String: Any])
        #expect(summary["breaking"] as? Int == breaking.count)
        #expect(summary["fields"] as? Int == fields.count)
    }

    /// Two VFs of one PF: the same model, migration-compatible (exit 0 or 4, never 5).
    @Test(.requires(.corpus)) func twoVFsOfARealPFAreCompatible() throws {
        try Requirement.check(.corpus)
        let output = try #require(
            try Tooling.runCfgtui(["diff", "-F", Self.nvme.path, "-s", "01:00.1", "--", "-s", "01:00.3", "--json"]))
        #expect(output.status == 0 || output.status == 4, "\(output.stderr)")
        let document = try Self.json(output)
        #expect(document["migrationCompatible"] as? Bool == true)
        #expect((document["breaking"] as? [Any])?.isEmpty == true)
    }

    /// A VF now against a snapshot of another VF: a snapshot holding one function is that side,
    /// whatever its address.
    @Test(.requires(.corpus)) func aSnapshotOfOneFunctionIsTakenWhateverItsAddress() throws {
        try Requirement.check(.corpus)
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let snapshot = directory.appendingPathComponent("vf2.txt")
        try Self.snapshot(["-F", Self.nvme.path, "-s", "01:00.2"], to: snapshot)
        let output = try #require(
            try Tooling.runCfgtui(["diff", "-F", Self.nvme.path, "-s", "01:00.1", "--", "-F", snapshot.path]))
        #expect(output.text.hasPrefix("a: 0000:01:00.1 "), "\(output.stderr)")
        #expect(output.text.contains("\nb: 0000:01:00.2 "))
        #expect(output.status != 5)
    }

    // MARK: - Crafted variants

    /// A VF's snapshot as binary config files: one with Bus Master Enable set (control, exit
    /// 4), one with another Device ID (identity, exit 5), one with a hidden register byte in a
    /// gap (vendor-defined, exit 4).
    @Test(.requires(.corpus)) func craftedVariantsGiveTheirClassesAndExitStatuses() throws {
        try Requirement.check(.corpus)
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let hex = try #require(try Tooling.runCfgtui(["show", "--hex", "-F", Self.nvme.path, "-s", "01:00.1"]))
        let original = Self.bytes(ofHex: hex.text)
        #expect(original.count == 4096)
        guard original.count == 4096 else { return }
        let base = try Self.configFile(original, in: directory, name: "base")

        var control = original
        control[0x04] ^= 0x04
        var identity = original
        identity[0x08] ^= 0x01  // Revision ID
        var hidden = original
        // The last byte of the extended space: unclaimed on this VF (QEMU's nvme ends its list lower).
        hidden[0xFFC] ^= 0x5A
        let cases: [(name: String, bytes: [UInt8], status: Int32, field: String?, class: String)] = [
            ("control", control, 4, "Bus Master Enable", "control"),
            ("identity", identity, 5, "Revision ID", "identity"),
            ("hidden", hidden, 4, nil, "vendorDefined"),
        ]
        for variant in cases {
            let file = try Self.configFile(variant.bytes, in: directory, name: variant.name)
            let output = try #require(
                try Tooling.runCfgtui(["diff", "-F", base.path, "--", "-F", file.path, "--json"]))
            #expect(output.status == variant.status, "\(variant.name): \(output.stderr)")
            let document = try Self.json(output)
            #expect(document["migrationCompatible"] as? Bool == (variant.status == 4), "\(variant.name)")
            if let field = variant.field {
                let fields = document["fields"] as? [[String: Any]] ?? []
                #expect(fields.count == 1, "\(variant.name): \(fields)")
                #expect(fields.first?["field"] as? String == field)
                #expect(fields.first?["class"] as? String == variant.class)
            } else {
                let layout = document["layout"] as? [[String: Any]] ?? []
                #expect(layout.count == 1, "\(variant.name): \(layout)")
                #expect(layout.first?["kind"] as? String == "gapBytes")
                #expect(layout.first?["offset"] as? Int == 0xFFC)
                #expect(layout.first?["class"] as? String == variant.class)
            }
        }
        // The text form says the same.
        let file = try Self.configFile(identity, in: directory, name: "identity")
        let text = try #require(try Tooling.runCfgtui(["diff", "-F", base.path, "--", "-F", file.path]))
        #expect(text.text.contains("Revision ID (bits 7:0): a 2, b 3  [identity, breaks migration]"), "\(text.text)")
        #expect(text.text.contains("Migration: not compatible (1 difference; 1 breaks it):"))
    }

    /// This host's path (libpci on a generated sysfs tree): a VF now against its own snapshot is
    /// equal (the lone snapshot reads as a VF); after Bus Master Enable is set in sysfs it
    /// differs in control state only, exit 4.
    @Test func aHostVFAgainstItsSnapshot() throws {
        let demo = DemoSet.functions()
        let root = try FakeSysfsTests.makeTree(demo)
        defer { try? FileManager.default.removeItem(at: root) }
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let snapshot = directory.appendingPathComponent("vf.txt")
        try Self.snapshot(["--sysfs-root", root.path, "-s", "01:00.2"], to: snapshot)
        let same = try #require(
            try Tooling.runCfgtui(["diff", "--sysfs-root", root.path, "-s", "01:00.2", "--", "-F", snapshot.path]))
        #expect(same.status == 0, "\(same.stderr)\(same.text)")
        let config = URL(fileURLWithPath: FakeSysfsTests.devicePath(root, "0000:01:00.2")).appendingPathComponent(
            "config")
        var bytes = [UInt8](try Data(contentsOf: config))
        bytes[0x04] |= 0x04
        try Data(bytes).write(to: config)
        let changed = try #require(
            try Tooling.runCfgtui([
                "diff", "--sysfs-root", root.path, "-s", "01:00.2", "--", "-F", snapshot.path, "--json",
            ]))
        #expect(changed.status == 4, "\(changed.stderr)")
        let document = try Self.json(changed)
        let fields = document["fields"] as? [[String: Any]] ?? []
        #expect(fields.map { $0["field"] as? String } == ["Bus Master Enable"])
        #expect(fields.first?["class"] as? String == "control")
        #expect((document["a"] as? [String: Any])?["virtualFunction"] as? Bool == true)
        #expect((document["b"] as? [String: Any])?["virtualFunction"] as? Bool == true)
    }

    // MARK: - Forms and errors

    @Test func demoFunctionsAgainstEachOther() throws {
        let same = try #require(try Tooling.runCfgtui(["diff", "--demo", "-s", "01:00.1", "--", "-s", "01:00.1"]))
        #expect(same.status == 0)
        #expect(same.text.contains("Migration: compatible (no differences)"))
        let different = try #require(try Tooling.runCfgtui(["diff", "--demo", "-s", "01:00.0", "--", "-s", "00:1f.2"]))
        #expect(different.status == 5)
        #expect(different.text.contains("Migration: not compatible"))
    }

    @Test func aSideSelectingNothingOrSeveralIsAnError() throws {
        let nothing = try #require(try Tooling.runCfgtui(["diff", "--demo", "-s", "01:00.1", "--", "-s", "07:00.0"]))
        #expect(nothing.status == 3)
        #expect(nothing.stderr.contains("no function matches -s 07:00.0"))
        let several = try #require(try Tooling.runCfgtui(["diff", "--demo", "-s", "01:00", "--", "-s", "01:00.1"]))
        #expect(several.status == 64)
        #expect(several.stderr.contains("diff side a (before --) needs exactly one target function"))
        #expect(several.stderr.contains("0000:01:00.0, 0000:01:00.1, 0000:01:00.2"))
        let severalB = try #require(try Tooling.runCfgtui(["diff", "--demo", "-s", "01:00.1", "--", "-d", "1b36:"]))
        #expect(severalB.status == 64)
        #expect(severalB.stderr.contains("diff side b (after --) needs exactly one target function"))
    }

    @Test func usageErrorsAndUnreadableSources() throws {
        let missingB = try #require(try Tooling.runCfgtui(["diff", "--demo", "-s", "01:00.1"]))
        #expect(missingB.status == 64)
        #expect(missingB.stderr.contains("give side b after --"))
        let badOption = try #require(try Tooling.runCfgtui(["diff", "--demo", "-s", "01:00.1", "--", "--bogus"]))
        #expect(badOption.status == 64)
        #expect(badOption.stderr.contains("side b (after --)"))
        let unreadable = try #require(
            try Tooling.runCfgtui(["diff", "-F", "/nonexistent/dump.txt", "-s", "1", "--", "-s", "2"]))
        #expect(unreadable.status == 1)
        #expect(unreadable.stderr.contains("/nonexistent/dump.txt"))
    }
}
