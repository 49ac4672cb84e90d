import Foundation
import Model
import Testing

/// Untrusted files through the real binary: bounded reads whatever the file is, dumps that
/// lose only the lines they leave out, text decided on the whole content, output failures,
/// and PF/VF links only where the bytes support them.
@Suite struct HostileInputTests {
    /// Runs cfgtui under timeout(1), so a hang fails the test instead of stopping the run.
    static func cfgtui(_ arguments: [String], seconds: Int = 20) throws -> Tooling.Output {
        let binary = try Tooling.requireCfgtui()
        return try Tooling.run("/usr/bin/timeout", ["\(seconds)", binary.path] + arguments)
    }

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("cfgtui-hostile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func fifo(in directory: URL) throws -> String {
        let path = directory.appendingPathComponent("fifo").path
        try #require(mkfifo(path, 0o600) == 0)
        return path
    }

    static func demoDump(_ directory: URL) throws -> String {
        let output = try cfgtui(["show", "--demo", "--hex"])
        try #require(output.status == 0)
        let path = directory.appendingPathComponent("demo.txt").path
        try output.stdout.write(to: URL(fileURLWithPath: path))
        return path
    }

    // MARK: - Bounded reads

    @Test(arguments: [
        ("/dev/zero", "is a device"), ("/dev/urandom", "is a device"), ("/tmp", "is a directory"),
        ("/proc/self/status", "no functions found"), ("/proc/bus/pci/devices", "no functions found"),
    ])
    func everyKindOfFileEndsWithAClearError(path: String, reason: String) throws {
        guard FileManager.default.fileExists(atPath: path) else { return }
        let output = try Self.cfgtui(["show", "-F", path])
        #expect(output.status == 1)
        #expect(output.stderr.contains(path + ": ") && output.stderr.contains(reason), "\(output.stderr)")
    }

    @Test func aFIFOWithoutAWriterIsEmptyAndOneWithAWriterIsRead() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let fifo = try Self.fifo(in: directory)
        let empty = try Self.cfgtui(["show", "-F", fifo], seconds: 10)
        #expect(empty.status == 1)
        #expect(empty.stderr.contains("\(fifo): the file is empty"), "\(empty.stderr)")

        // A writer on the other end (as `-F <(lspci -xxxx)` gives): read to its end.
        let dump = try Self.demoDump(directory)
        let writer = Process()
        writer.executableURL = URL(fileURLWithPath: "/bin/sh")
        writer.arguments = ["-c", "cat '\(dump)' > '\(fifo)'"]
        try writer.run()
        let listed = try Self.cfgtui(["list", "-F", fifo], seconds: 10)
        writer.waitUntilExit()
        #expect(listed.status == 0, "\(listed.stderr)")
        let direct = try Self.cfgtui(["list", "-F", dump])
        #expect(listed.text == direct.text.replacingOccurrences(of: dump, with: fifo))
        #expect(listed.text.split(separator: "\n").count == 10)
    }

    /// Every file option refuses a device and an empty FIFO instead of growing or waiting.
    @Test func everyFileOptionIsBounded() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let fifo = try Self.fifo(in: directory)
        let dump = try Self.demoDump(directory)
        let commands: [[String]] = [
            ["simulate", "-F", dump, "-s", "00:00.0", "--model", "device", "--script", "FILE"],
            ["plan", "-F", dump, "-s", "01:00.1", "--add", "pasid", "--table", "FILE"],
            ["plan", "-F", dump, "-s", "01:00.1", "--add", "pasid", "--peer", "FILE"],
            ["plan", "-F", dump, "-s", "01:00.1", "--add", "pasid", "--pf-file", "FILE"],
            ["simulate", "-F", dump, "-s", "01:00.1", "--plan", "FILE"],
        ]
        for command in commands {
            for file in ["/dev/zero", fifo] {
                let arguments = command.map { $0 == "FILE" ? file : $0 }
                let output = try Self.cfgtui(arguments, seconds: 10)
                #expect(output.status != 124, "\(arguments) hung")
                // An empty script is no accesses and an empty table no entries; every other empty
                // file is an error naming it.
                if file == fifo && (command.contains("--script") || command.contains("--table")) {
                    #expect(output.status == 0, "\(arguments): \(output.stderr)")
                } else {
                    #expect(output.status != 0, "\(arguments): \(output.status)")
                    #expect(output.stderr.contains(file), "\(arguments): \(output.stderr)")
                }
            }
        }
    }

    // MARK: - Dumps lose only what they leave out

    @Test(.requires(.lspci)) func aMissingRowLosesOnlyThatRowAndHexKeepsEveryOtherByte() throws {
        try Requirement.check(.lspci)
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        // A 4 KiB function: the demo set's first PCIe one.
        let demo = try Self.cfgtui(["show", "--demo", "-s", "01:00.0", "--hex"])
        try #require(demo.status == 0)
        let lines = demo.text.split(separator: "\n", omittingEmptySubsequences: false)
        try #require(lines.count > 256)
        let holey = lines.filter { !$0.hasPrefix("40:") }.joined(separator: "\n")
        let path = directory.appendingPathComponent("holey.txt").path
        try holey.write(toFile: path, atomically: true, encoding: .utf8)

        let shown = try Self.cfgtui(["show", "-F", path])
        #expect(shown.status == 0)
        #expect(shown.text.contains("4080/4096 bytes (1 hole in the dump)"), "\(shown.text.prefix(400))")
        #expect(shown.text.contains("the dump leaves out 0x040-0x04f"))
        #expect(shown.text.contains("continues at 0x40, which the dump leaves out"), "\(shown.text.prefix(2000))")
        let hex = try Self.cfgtui(["show", "-F", path, "--hex"])
        #expect(hex.text == holey)
        // lspci reads the same bytes from both (it fills the hole the same way for both).
        let ours = try Tooling.run(Tooling.lspciPath, ["-F", path, "-xxxx"])
        let hexPath = directory.appendingPathComponent("hex.txt").path
        try hex.stdout.write(to: URL(fileURLWithPath: hexPath))
        let again = try Tooling.run(Tooling.lspciPath, ["-F", hexPath, "-xxxx"])
        #expect(ours.text == again.text && ours.text.split(separator: "\n").count > 256)
        // Capabilities after the hole still decode.
        let json = try Self.cfgtui(["show", "-F", path, "--json"])
        let object = try JSONSerialization.jsonObject(with: json.stdout) as? [String: Any]
        let device = try #require((object?["devices"] as? [[String: Any]])?.first)
        let holes = try #require(device["unreadable"] as? [[String: Int]])
        #expect(holes == [["offset": 0x40, "length": 16]])
    }

    @Test func titlesInUTF8OrLatin1WithABOMAndCRLFAreText() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let demo = try Self.cfgtui(["show", "--demo", "-s", "00:00.0", "--hex"])
        let body = demo.text.split(separator: "\n").dropFirst().joined(separator: "\r\n")
        var bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("00:00.0 Host bridge: Gesellschaft f".utf8) + [0xFC]
        bytes += Array("r Technik\r\n\(body)\r\n".utf8)
        let path = directory.appendingPathComponent("latin1.txt").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let shown = try Self.cfgtui(["list", "-F", path])
        #expect(shown.status == 0, "\(shown.stderr)")
        #expect(shown.text.contains("conventional PCI space only (256 bytes)"), "\(shown.text)")
        #expect(shown.stderr.isEmpty)
    }

    @Test(arguments: [1, 63]) func binaryFilesShorterThanTheHeaderAreAnError(size: Int) throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("config").path
        try Data([UInt8](repeating: 0x00, count: size)).write(to: URL(fileURLWithPath: path))
        let output = try Self.cfgtui(["show", "-F", path])
        #expect(output.status == 1)
        #expect(output.stderr.contains("binary file of \(size) bytes is shorter than the 64-byte header"))
    }

    // MARK: - Output failures

    @Test func outputThatCannotBeWrittenIsAnError() throws {
        let binary = try Tooling.requireCfgtui()
        for command in [
            "list --demo", "show --demo", "show --demo --json", "show --demo --hex",
            "plan --demo -s 01:00.1 --add pasid", "simulate --demo -s 01:00.1 -e COMMAND.W=0406 --trace",
            "simulate --demo -s 01:00.1 -e COMMAND.W --json",
        ] {
            let output = try Tooling.run("/bin/sh", ["-c", "'\(binary.path)' \(command) > /dev/full"])
            #expect(output.status == 74, "\(command): \(output.status) \(output.stderr)")
            #expect(output.stderr.contains("cannot write the output: No space left on device"), "\(command)")
        }
        // A closed pipe ends quietly.
        let piped = try Tooling.run("/bin/sh", ["-c", "'\(binary.path)' show --demo | head -c 10 >/dev/null"])
        #expect(piped.stderr.isEmpty, "\(piped.stderr)")
    }

    // MARK: - PF/VF links and duplicate addresses

    /// The corpus's QEMU nvme PF with VFs enabled, and its second VF.
    static let pf = Tooling.corpus.appendingPathComponent("qemu/nvme-sriov-after-01_00.0.txt").path
    static let vf = Tooling.corpus.appendingPathComponent("qemu/nvme-sriov-after-01_00.2.txt").path

    @Test(.requires(.corpus)) func virtualFunctionsAreLinkedOnlyWithinOneFileAndOnlyWhenTheyLookLikeOne() throws {
        try Requirement.check(.corpus)
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let pfText = try String(contentsOfFile: Self.pf, encoding: .utf8)
        let vfText = try String(contentsOfFile: Self.vf, encoding: .utf8)
        let together = directory.appendingPathComponent("both.txt").path
        try (pfText + "\n" + vfText).write(toFile: together, atomically: true, encoding: .utf8)
        let linked = try Self.cfgtui(["list", "-F", together])
        #expect(linked.text.contains("VF of 0000:01:00.0"), "\(linked.text)")

        // Two files: two sources, no link.
        let apart = try Self.cfgtui(["list", "-F", Self.pf, "-F", Self.vf])
        #expect(apart.status == 0)
        #expect(!apart.text.contains("VF of"), "\(apart.text)")

        // At the VF's address but a bridge header: not a VF.
        let vfFunction = try #require(try LspciDump.read(Array(vfText.utf8), file: "vf").first)
        let bridge = vfFunction.space.setting(0x01, at: 0x0E, length: 1)
        let bogus = LspciDump.write([(vfFunction.address, "bridge", bridge)])
        let mixed = directory.appendingPathComponent("bogus.txt").path
        try Data(Array((pfText + "\n").utf8) + bogus).write(to: URL(fileURLWithPath: mixed))
        let refused = try Self.cfgtui(["list", "-F", mixed])
        #expect(refused.status == 0)
        #expect(!refused.text.contains("VF of"), "\(refused.text)")
    }

    @Test(.requires(.corpus)) func aCopyOfThePFAtAVFAddressIsNotAVF() throws {
        try Requirement.check(.corpus)
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let pfText = try String(contentsOfFile: Self.pf, encoding: .utf8)
        let pfFunction = try #require(try LspciDump.read(Array(pfText.utf8), file: "pf").first)
        let vfAddress = try #require(PCIAddress(parsing: "0000:01:00.2"))
        // The QEMU nvme's VF Device ID equals its PF's, so only the copied SR-IOV tells them apart.
        let copy = LspciDump.write([(vfAddress, "copy", pfFunction.space)])
        let file = directory.appendingPathComponent("copy.txt").path
        try Data(Array((pfText + "\n").utf8) + copy).write(to: URL(fileURLWithPath: file))
        let listed = try Self.cfgtui(["list", "-F", file])
        #expect(listed.status == 0)
        #expect(!listed.text.contains("VF of"), "\(listed.text)")
    }

    @Test func aHoleKeepsPlanFromPlanning() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let vf = try Self.cfgtui(["show", "--demo", "-s", "01:00.1", "--hex"])
        let holey = directory.appendingPathComponent("vf.txt").path
        try vf.text.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.hasPrefix("500:") }
            .joined(separator: "\n").write(toFile: holey, atomically: true, encoding: .utf8)
        let pf = directory.appendingPathComponent("pf.txt").path
        try Self.cfgtui(["show", "--demo", "-s", "01:00.0", "--hex"]).stdout.write(to: URL(fileURLWithPath: pf))
        let emitted = directory.appendingPathComponent("out.txt").path
        let output = try Self.cfgtui(["plan", "-F", holey, "--pf-file", pf, "--add", "pasid", "--emit-dump", emitted])
        #expect(output.status == 2, "\(output.stderr)")
        #expect(output.stderr.contains("only 4080 of the target's 4096 bytes"), "\(output.stderr)")
        #expect(!FileManager.default.fileExists(atPath: emitted))
    }

    /// A plan file whose placement says one capability and holds another's header (or a DVSEC
    /// Length past the placement) is refused: the virtual capability must decode as described.
    @Test func aPlanFileThatLiesAboutACapabilityIsRefused() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let plan = try Self.cfgtui(["plan", "--demo", "-s", "01:00.1", "--add", "pasid", "--add", "pri", "--json"])
        try #require(plan.status == 0)
        var document = try #require(try JSONSerialization.jsonObject(with: plan.stdout) as? [String: Any])
        var placements = try #require(document["placements"] as? [[String: Any]])
        let honest = directory.appendingPathComponent("honest.json").path
        try plan.stdout.write(to: URL(fileURLWithPath: honest))
        let accepted = try Self.cfgtui(["simulate", "--demo", "-s", "01:00.1", "--plan", honest, "-e", "COMMAND.W"])
        #expect(accepted.status == 0, "\(accepted.stderr)")
        placements[0]["id"] = 0x10  // SR-IOV: 64 bytes from its own header, not the 8 placed
        document["placements"] = placements
        let lie = directory.appendingPathComponent("lie.json").path
        try JSONSerialization.data(withJSONObject: document).write(to: URL(fileURLWithPath: lie))
        let refused = try Self.cfgtui(["simulate", "--demo", "-s", "01:00.1", "--plan", lie, "-e", "COMMAND.W"])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("(ID 0x0010) decodes as 64 bytes"), "\(refused.stderr)")
    }

    @Test func theSameFileTwiceIsReadOnceAndOneAddressTwiceInAFileIsNamed() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let dump = try Self.demoDump(directory)
        let twice = try Self.cfgtui(["list", "-F", dump, "-F", dump])
        #expect(twice.text == (try Self.cfgtui(["list", "-F", dump])).text)
        #expect(twice.stderr.contains("is given more than once; read once"), "\(twice.stderr)")
        let text = try String(contentsOfFile: dump, encoding: .utf8)
        let doubled = directory.appendingPathComponent("doubled.txt").path
        try (text + text).write(toFile: doubled, atomically: true, encoding: .utf8)
        let listed = try Self.cfgtui(["list", "-F", doubled])
        #expect(listed.text.split(separator: "\n").count == 20)
        #expect(listed.stderr.contains("warning: 0000:00:00.0 is there more than once"), "\(listed.stderr)")
    }

    @Test func aLineFeedInAFileNameCannotForgeALine() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let dump = try Self.demoDump(directory)
        let forged = directory.appendingPathComponent("c\ncfgtui: fake message\n.txt").path
        try FileManager.default.copyItem(atPath: dump, toPath: forged)
        let shown = try Self.cfgtui(["show", "-F", forged, "-s", "00:00.0"])
        #expect(!(shown.text + shown.stderr).split(separator: "\n").contains { $0.hasPrefix("cfgtui: fake") })
        #expect(shown.text.contains("c\\x0acfgtui: fake message\\x0a.txt"), "\(shown.text.prefix(300))")
    }

    @Test func helpAndVersionThatCannotBeWrittenAreAnError() throws {
        let binary = try Tooling.requireCfgtui()
        for command in ["--version", "--help"] {
            let output = try Tooling.run("/bin/sh", ["-c", "'\(binary.path)' \(command) > /dev/full"])
            #expect(output.status == 74, "\(command)")
        }
    }

    @Test(.requires(.corpus)) func oneAddressInTwoFilesIsKeptTwiceAndNamedByFile() throws {
        try Requirement.check(.corpus)
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let copy = directory.appendingPathComponent("copy.txt").path
        try FileManager.default.copyItem(atPath: Self.pf, toPath: copy)
        let listed = try Self.cfgtui(["list", "-F", Self.pf, "-F", copy])
        #expect(listed.status == 0)
        #expect(listed.text.split(separator: "\n").filter { $0.hasPrefix("0000:01:00.0") }.count == 2)
        #expect(listed.stderr.contains("warning: 0000:01:00.0 is there more than once"), "\(listed.stderr)")
        #expect(listed.stderr.contains(copy))
        let shown = try Self.cfgtui(["show", "-F", Self.pf, "-F", copy, "-s", "01:00.0"])
        #expect(shown.text.contains("the same address is also in dump \(copy):1"), "\(shown.text.prefix(600))")
        let simulated = try Self.cfgtui(["simulate", "-F", Self.pf, "-F", copy, "-s", "01:00.0", "-e", "COMMAND.W"])
        #expect(simulated.status == 64)
        #expect(simulated.stderr.contains("0000:01:00.0 (dump \(copy):1)"), "\(simulated.stderr)")
    }
}

/// Control characters in file names and script lines reach neither stdout nor stderr raw.
@Suite struct HostileTextTests {
    static func rawControls(_ bytes: [UInt8]) -> Bool {
        bytes.contains { ($0 < 0x20 && $0 != 0x0A && $0 != 0x09) || $0 == 0x7F }
    }

    @Test func fileNamesAndScriptLinesAreEscaped() throws {
        let directory = try HostileInputTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let dump = try HostileInputTests.demoDump(directory)
        let hostile = directory.appendingPathComponent("dump\u{1B}]0;owned\u{07}.txt").path
        try FileManager.default.copyItem(atPath: dump, toPath: hostile)
        for arguments in [
            ["show", "-F", hostile, "-s", "00:00.0"], ["list", "-F", hostile], ["show", "-F", hostile + "x"],
        ] {
            let output = try HostileInputTests.cfgtui(arguments)
            #expect(!Self.rawControls(Array(output.stdout)), "\(arguments)")
            #expect(!Self.rawControls(Array(output.stderr.utf8)), "\(arguments)")
            if arguments[0] != "list" {
                #expect((output.text + output.stderr).contains("dump\\x1b]0;owned\\x07.txt"), "\(arguments)")
            }
        }
        let json = try HostileInputTests.cfgtui(["show", "-F", hostile, "-s", "00:00.0", "--json"])
        #expect(json.text.contains("dump\\u001b]0;owned\\u0007.txt"))
        #expect((try? JSONSerialization.jsonObject(with: json.stdout)) != nil)

        let script = directory.appendingPathComponent("script").path
        try "COMMAND.W=0406\nCOMMAND.W=\u{1B}[31m\u{07}\n".write(toFile: script, atomically: true, encoding: .utf8)
        let simulated = try HostileInputTests.cfgtui([
            "simulate", "-F", dump, "-s", "00:00.0", "--model", "device", "--script", script,
        ])
        #expect(simulated.status == 1)
        #expect(!Self.rawControls(Array(simulated.stderr.utf8)), "\(simulated.stderr)")
        #expect(simulated.stderr.contains("\\x1b"), "\(simulated.stderr)")
    }
}
