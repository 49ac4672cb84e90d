import Foundation
import Model
import Testing
import Views

/// `cfgtui simulate`: selection, inputs in order, output forms, errors and exit statuses.
@Suite struct SimulateCommandTests {
    static let pf = ["--demo", "-s", "01:00.0"]
    static let vf = ["--demo", "-s", "01:00.1"]

    static func temporaryDirectory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "cfgtui-simulate-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    static func json(_ output: Tooling.Output) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: output.stdout) as? [String: Any])
    }

    @Test func readsPrintTheirValueAsSetpciDoes() throws {
        let output = try #require(try Tooling.runCfgtui(["simulate"] + Self.pf + ["-e", "STATUS", "-e", "VENDOR_ID"]))
        #expect(output.status == 0)
        #expect(output.text == "0010\n1b36\n")
        #expect(output.stderr.isEmpty)
    }

    @Test func warningsGoToStandardErrorWithTheirPlace() throws {
        let output = try #require(
            try Tooling.runCfgtui(["simulate"] + Self.pf + ["--model", "device", "-e", "COMMAND.L=0"]))
        #expect(output.status == 0)
        #expect(output.text.isEmpty)
        #expect(output.stderr.contains("-e #1:1:1: COMMAND.L=0: warning: the access spans several registers"))
        #expect(output.stderr.contains("1 step: 1 write, 0 reads, 1 warning"))
    }

    @Test func traceShowsEveryStep() throws {
        let output = try #require(
            try Tooling.runCfgtui(
                ["simulate"] + Self.pf + [
                    "--trace", "--bar-size", "0=16K", "-e", "COMMAND=0x0406 BASE_ADDRESS_0=ffffffff",
                ]))
        #expect(output.status == 0)
        let text = output.text
        #expect(text.contains("model: vfio"))
        #expect(text.contains("info: vfio hides PASID at 0x180"))
        #expect(text.contains("[1] -e #1:1:1  COMMAND=0x0406"))
        #expect(text.contains("vfio open: Memory Space Enable set for the BARs with resources"))
        #expect(text.contains("guest  0002 -> 0406    device 0002 -> 0406"))
        #expect(text.contains("Command: Interrupt Disable 0x0 -> 0x1"))
        #expect(text.contains("guest  00000004 -> ffffc004"))
        #expect(text.contains("2 steps: 2 writes, 0 reads"))
    }

    @Test func jsonHasTheWholeTrace() throws {
        let output = try #require(
            try Tooling.runCfgtui(["simulate"] + Self.pf + ["--json", "--model", "device", "-e", "COMMAND=6 STATUS"]))
        #expect(output.status == 0)
        let document = try Self.json(output)
        #expect(document["model"] as? String == "device")
        #expect(document["function"] as? String == "0000:01:00.0")
        let steps = try #require(document["steps"] as? [[String: Any]])
        #expect(steps.count == 2)
        #expect(steps[0]["operation"] as? String == "write")
        #expect((steps[0]["guest"] as? [String: Any])?["after"] as? Int == 6)
        #expect((steps[0]["bits"] as? [String: Any])?["taken"] as? Int == 0x0547 & 0xFFFF)
        #expect(steps[1]["operation"] as? String == "read")
        #expect(steps[1]["value"] as? Int == 0x10)
        #expect((document["summary"] as? [String: Any])?["steps"] as? Int == 2)
    }

    @Test func scriptsAndExpressionsRunInCommandLineOrder() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let script = directory.appendingPathComponent("a.setpci")
        try Data("# first\n3c.B=0b\nINTERRUPT_LINE\n".utf8).write(to: script)
        let output = try #require(
            try Tooling.runCfgtui(
                ["simulate"] + Self.pf + [
                    "-e", "INTERRUPT_LINE", "--script", script.path, "-e", "3c.B=0c", "-e", "INTERRUPT_LINE",
                ]))
        #expect(output.status == 0)
        #expect(output.text == "00\n0b\n0c\n")
    }

    @Test func emitDumpWritesTheGuestViewOrTheDevice() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        for model in ["vfio", "device"] {
            let path = directory.appendingPathComponent("\(model).txt")
            let output = try #require(
                try Tooling.runCfgtui(
                    ["simulate"] + Self.pf + ["--model", model, "-e", "COMMAND=0x0406", "--emit-dump", path.path]))
            #expect(output.status == 0)
            let functions = try LspciDump.read([UInt8](try Data(contentsOf: path)), file: path.path)
            let space = try #require(functions.first?.space)
            #expect(space.word(at: 0x04) == (model == "vfio" ? 0x0406 : 0x0406))
            // The guest does not see PASID; the device keeps it.
            let hasPASID = FunctionAnalysis(space: space).capability(.extended(.processAddressSpaceID)) != nil
            #expect(hasPASID == (model == "device"))
        }
    }

    @Test(arguments: [
        ("--emit-dump", "/nonexistent/cfgtui/dir/after.txt", "emitDump"), ("--emit-dump", "/dev/full", "emitDump"),
        ("--emit-device-dump", "/dev/full", "emitDeviceDump"),
    ])
    func anEmitDumpThatCannotBeWrittenIsAFailedRun(option: String, path: String, kind: String) throws {
        let output = try #require(
            try Tooling.runCfgtui(["simulate"] + Self.pf + ["--json", "-e", "COMMAND=0x0406", option, path]))
        #expect(output.status == 1)
        let document = try Self.json(output)
        #expect(document["ok"] as? Bool == false)
        let error = try #require(document["error"] as? [String: Any])
        #expect(error["kind"] as? String == kind)
        #expect((error["message"] as? String)?.hasPrefix("\(path): cannot write: ") == true, "\(error)")
        // The trace is still complete.
        #expect((document["steps"] as? [Any])?.count == 1)
        #expect(output.stderr.contains("\(path): cannot write: "), "\(output.stderr)")
        // Without --json: the same message and status.
        let plain = try #require(try Tooling.runCfgtui(["simulate"] + Self.pf + ["-e", "STATUS", option, path]))
        #expect(plain.status == 1)
        #expect(plain.text == "0010\n")
        #expect(plain.stderr.contains("\(path): cannot write: "))
    }

    @Test func aSuccessfulRunSaysOK() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("after.txt").path
        let output = try #require(
            try Tooling.runCfgtui(["simulate"] + Self.pf + ["--json", "-e", "STATUS", "--emit-dump", path]))
        #expect(output.status == 0, "\(output.stderr)")
        let document = try Self.json(output)
        #expect(document["ok"] as? Bool == true)
        #expect(document["error"] == nil)
        #expect(FileManager.default.fileExists(atPath: path))
    }

    @Test func addPlansVirtualCapabilities() throws {
        let output = try #require(
            try Tooling.runCfgtui(["simulate"] + Self.vf + ["--add", "pasid", "--trace", "-e", "ECAP_PASID+6.W=1"]))
        #expect(output.status == 0, "\(output.stderr)")
        #expect(output.text.contains("virtual PASID at"))
        #expect(output.text.contains("nothing reaches the device"))
        #expect(output.text.contains("its PF has PASID disabled"))
    }

    @Test func planFilesFromThePlanCommand() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let plan = try #require(try Tooling.runCfgtui(["plan"] + Self.vf + ["--add", "pasid", "--json"]))
        try #require(plan.status == 0, "\(plan.stderr)")
        let planFile = directory.appendingPathComponent("plan.json")
        try plan.stdout.write(to: planFile)
        let output = try #require(
            try Tooling.runCfgtui(["simulate"] + Self.vf + ["--plan", planFile.path, "-e", "ECAP_PASID+4.W"]))
        #expect(output.status == 0, "\(output.stderr)")
        #expect(output.text == "1406\n")
    }

    @Test func planFilesWithoutBytesTakeThemFromTheVirtualDump() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let dump = directory.appendingPathComponent("virtual.txt")
        let plan = try #require(
            try Tooling.runCfgtui(
                ["plan"] + Self.vf + ["--add", "pasid", "--at", "pasid=0xff8", "--emit-dump", dump.path]))
        try #require(plan.status == 0, "\(plan.stderr)")
        let planFile = directory.appendingPathComponent("plan.json")
        try Data(#"{"placements":[{"capability":"pasid","id":27,"offset":4088,"length":8}]}"#.utf8).write(to: planFile)
        let missing = try #require(
            try Tooling.runCfgtui(["simulate"] + Self.vf + ["--plan", planFile.path, "-e", "STATUS"]))
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("--virtual-dump"))
        let output = try #require(
            try Tooling.runCfgtui(
                ["simulate"] + Self.vf + ["--plan", planFile.path, "--virtual-dump", dump.path, "-e", "0xffc.W"]))
        #expect(output.status == 0, "\(output.stderr)")
        #expect(output.text == "1406\n")
    }

    @Test func gapsCanBeDropped() throws {
        let output = try #require(
            try Tooling.runCfgtui(["simulate"] + Self.pf + ["--gaps", "drop", "-e", "0x200.L=1 0x200.L"]))
        #expect(output.status == 0)
        #expect(output.text == "00000000\n")
        #expect(output.stderr.contains("--gaps drop"))
    }

    // MARK: - Errors

    @Test(arguments: [
        (["-e", "FROBNICATE=1"], "-e #1:1:1: unknown register name 'FROBNICATE'"),
        (["-e", "STATUS COMMAND=0x12345"], "-e #1:1:16: value 0x12345 does not fit 16 bits"),
        (["-e", "CAP_MSI+2.W"], "-e #1:1:1: the function has no CAP_MSI capability"),
        (["-e", "0xffe.L"], "-e #1:1:1: 0xffe.L is outside the configuration space (4096 bytes: 0x000-0xfff)"),
        // Every spelling of an offset past the space says so.
        (["-e", "0x1000.B"], "-e #1:1:1: '0x1000' is outside the configuration space"),
        (["-e", "0x1000.B=1"], "-e #1:1:1: '0x1000' is outside the configuration space"),
        (["-e", "CAP_EXP+1000"], "-e #1:1:9: 'CAP_EXP+1000' is outside the configuration space"),
        (["-e", "ECAP_ATS+1000.W=1"], "-e #1:1:10: 'ECAP_ATS+1000' is outside the configuration space"),
        (["-e", "ECAP_ATS+ea0.L"], "-e #1:1:1: 0x1000.L is outside the configuration space (4096 bytes"),
        (
            ["-e", "COMMAND+ffffffffffffffffff"],
            "-e #1:1:9: 'COMMAND+ffffffffffffffffff' is outside the configuration space"
        ),
        (["-e", "123456789abcdef012.L"], "-e #1:1:1: '123456789abcdef012' is outside the configuration space"),
        (["-e", "STATUS", "-e", "ECAP_PASID+6.W=1"], "-e #2:1:1: the guest sees no ECAP_PASID: vfio hides it"),
    ])
    func inputErrorsNameTheExpressionLineAndColumn(_ arguments: [String], _ message: String) throws {
        let output = try #require(try Tooling.runCfgtui(["simulate"] + Self.pf + arguments))
        #expect(output.status == 1)
        #expect(output.stderr.contains(message), "\(output.stderr)")
        #expect(output.text.isEmpty)
    }

    @Test func scriptErrorsNameTheFile() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let script = directory.appendingPathComponent("bad.setpci")
        try Data("COMMAND=6\n\n  CAP_EXP+8.W=1:1ffff\n".utf8).write(to: script)
        let output = try #require(try Tooling.runCfgtui(["simulate"] + Self.pf + ["--script", script.path]))
        #expect(output.status == 1)
        #expect(output.stderr.contains("\(script.path):3:15: mask 0x1ffff does not fit 16 bits"))
        #expect(output.stderr.contains("  ^"))
        let missing = try #require(
            try Tooling.runCfgtui(["simulate"] + Self.pf + ["--script", directory.appendingPathComponent("none").path]))
        #expect(missing.status == 1)
    }

    @Test func crlfScriptErrorsShowTheirLine() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let script = directory.appendingPathComponent("crlf.setpci")
        try Data("COMMAND=6\r\n\r\n  CAP_EXP+8.W=1:1ffff\r\n".utf8).write(to: script)
        let output = try #require(try Tooling.runCfgtui(["simulate"] + Self.pf + ["--script", script.path]))
        #expect(output.status == 1)
        #expect(output.stderr.contains("\(script.path):3:15: mask 0x1ffff does not fit 16 bits"))
        // The excerpt is line 3 (it was the whole file: "\r\n" is one Character, not split).
        #expect(output.stderr.contains("\n      CAP_EXP+8.W=1:1ffff\n                  ^"), "\(output.stderr)")
        #expect(!output.stderr.contains("\r"))
    }

    @Test(arguments: [
        (#""offset":9223372036854775800,"length":8,"bytes":"06140000""#, #""offset" 9223372036854775800"#, Int32(1)),
        (#""offset":-4,"length":8,"bytes":"06140000""#, #""offset" -4"#, 1),
        (#""offset":4088,"length":9223372036854775000"#, #""length" 9223372036854775000"#, 1),
        (#""offset":4092,"length":8,"bytes":"06140000""#, "outside the 4096-byte configuration space", 1),
        // Inside the file's bounds, so the planner's rules judge it (a refusal, exit 2).
        (
            #""offset":250,"length":8,"bytes":"06140000""#,
            "(pasid at 0x0fa) cannot go on 0000:01:00.1: 0x0fa is not dword-aligned", 2
        ),
    ])
    func planPlacementsOutsideTheSpaceAreRefused(_ placement: String, _ message: String, _ status: Int32) throws {
        // Offsets and lengths from a plan file used to overflow `offset + length` (a trap) or
        // build a byte range of that length from --virtual-dump.
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let dump = directory.appendingPathComponent("virtual.txt")
        let plan = try #require(
            try Tooling.runCfgtui(
                ["plan"] + Self.vf + ["--add", "pasid", "--at", "pasid=0xff8", "--emit-dump", dump.path]))
        try #require(plan.status == 0, "\(plan.stderr)")
        let planFile = directory.appendingPathComponent("plan.json")
        let json = #"{"placements":[{"capability":"pasid","id":27,"# + placement + "}]}"
        try Data(json.utf8).write(to: planFile)
        let output = try #require(
            try Tooling.runCfgtui(
                ["simulate"] + Self.vf + ["--plan", planFile.path, "--virtual-dump", dump.path, "-e", "STATUS"]))
        #expect(output.status == status, "\(output.stderr)")
        #expect(output.stderr.contains(message), "\(output.stderr)")
    }

    @Test func traceAndJSONRenderRandomSimulations() throws {
        // The report side of WriteEmulationFuzzTests: demo functions with random bytes, both
        // models, random accesses; every record goes through the trace and the JSON, every
        // error through its message, and the JSON must parse.
        var random = SplitMix64(seed: 0x5EED_2E90)
        let functions = DemoSet.functions()
        try #require(!functions.isEmpty)
        var rendered = 0
        for round in 0..<40 {
            let function = functions[round % functions.count]
            var bytes = function.space.bytes
            for _ in 0..<Int.random(in: 0...12, using: &random) {
                let anchor = Int.random(in: 0...(bytes.count - 1), using: &random)
                bytes[anchor] = UInt8.random(in: 0...255, using: &random)
            }
            if Bool.random(using: &random) {
                bytes = Array(bytes.prefix([64, 256, bytes.count].randomElement(using: &random) ?? 64))
            }
            let model: SimulationModel = round % 2 == 0 ? .vfio : .device
            var sizes = BARSizes()
            for index in 0..<6 where Bool.random(using: &random) {
                sizes[.bar(index)] = 1 << UInt64.random(in: 4...34, using: &random)
            }
            let context = SimulationContext(
                address: function.address, title: function.title, model: model, gaps: .passthrough, barSizes: sizes)
            var emulator: WriteEmulator
            do {
                emulator = try WriteEmulator(
                    function: SimulatedFunction(space: ConfigSpace(bytes: bytes, size: function.space.size)),
                    options: SimulationOptions(model: model, barSizes: sizes))
            } catch {
                #expect(!SimulationReport.message(error).isEmpty)
                continue
            }
            var buffer = OutputBuffer()
            SimulationReport.appendHeader(context, setup: emulator.setupNotes, to: &buffer)
            var steps = [SimulationStep]()
            for _ in 0..<120 {
                let width = AccessWidth.allCases.randomElement(using: &random) ?? .dword
                let offset =
                    Int.random(in: 0...(emulator.accessibleLength - 1), using: &random) & ~(width.byteCount - 1)
                let value = UInt32.random(in: 0...UInt32.max, using: &random) & width.valueMask
                let mask =
                    Bool.random(using: &random)
                    ? width.valueMask : UInt32.random(in: 0...UInt32.max, using: &random) & width.valueMask
                let access: ConfigAccess =
                    Int.random(in: 0...3, using: &random) == 0
                    ? .read(offset, width) : .write(offset, width, value, mask: mask)
                do {
                    let record = try emulator.apply(access)
                    let step = SimulationStep(
                        record: record, source: "-e #1", line: 1, column: 1,
                        expression: SimulationReport.scriptLine(for: access))
                    SimulationReport.appendStep(step, model: model, analysis: emulator.guestAnalysis, to: &buffer)
                    steps.append(step)
                } catch {
                    #expect(!SimulationReport.message(error).isEmpty)
                }
            }
            rendered += steps.count
            var json = OutputBuffer()
            SimulationReport.appendJSON(
                context, setup: emulator.setupNotes, steps: steps, analysis: emulator.guestAnalysis, to: &json)
            #expect(throws: Never.self) { try JSONSerialization.jsonObject(with: Data(json.bytes)) }
            #expect(!buffer.bytes.isEmpty)
        }
        #expect(rendered > 1000)
    }

    @Test func errorMessagesTakeAnyOffset() {
        // Errors carry offsets and ranges as given; their text must not trap on negative or
        // huge values (UInt64(negative) and `start + length` did).
        let errors: [WriteEmulationError] = [
            .outOfRange(offset: -4, width: .dword, size: 4096), .misaligned(offset: Int.min, width: .word),
            .unreadable(offset: Int.max, width: .byte, readable: 64),
            .virtualCapabilityOutOfRange(ConfigRange(Int.max - 3, length: 8)),
            .virtualCapabilityOutOfRange(ConfigRange(-8, length: 8)),
            .virtualCapabilityOverlaps(ConfigRange(Int.max, length: 4096), existing: 0x100),
        ]
        let messages = errors.map { SimulationReport.message($0) }
        #expect(messages[0].hasPrefix("-0x004.L is outside"))
        #expect(messages[3].contains("at 0x7ffffffffffffffc (8 bytes)"))
        #expect(messages[4].contains("at -0x008 (8 bytes)"))
        #expect(
            SimulationReport.message(.virtualCapabilityOutOfRange(ConfigRange(0xFFC, length: 8))).contains(
                "0xffc-0x1003"))
    }

    @Test(arguments: [
        ["--demo", "-e", "STATUS"],
        ["--demo", "-s", "01:00.0", "--model", "kvm"],
        ["--demo", "-s", "01:00.0", "--gaps", "sometimes"],
        ["--demo", "-s", "01:00.0", "--model", "qemu", "--irq", "msi"],
        ["--demo", "-s", "01:00.0", "--model", "qemu", "--add", "pasid"],
        ["--demo", "-s", "01:00.0", "--guest-bus", "root"],
        ["--demo", "-s", "01:00.0", "--model", "qemu", "--guest-bus", "pcie"],
        ["--demo", "-s", "01:00.0", "--model", "qemu", "--qemu-device", "x-vpasid-cap-offset=0x102"],
        ["--demo", "-s", "01:00.0", "--model", "qemu", "--qemu-device", "romfile=x.rom"],
        ["--demo", "-s", "01:00.0", "--model", "qemu", "--vpasid-width", "8"],
        ["--demo", "-s", "01:00.0", "--bar-size", "0=3000"],
        ["--demo", "-s", "01:00.0", "--bar-size", "7=4K"],
        ["--demo", "-s", "01:00.0", "--model", "device", "--add", "pasid"],
        ["--demo", "-s", "01:00.0", "--json", "--trace"],
    ])
    func usageErrorsExit64(_ arguments: [String]) throws {
        let output = try #require(try Tooling.runCfgtui(["simulate"] + arguments))
        #expect(output.status == 64, "\(output.stderr)")
    }

    @Test func noMatchExits3() throws {
        let output = try #require(try Tooling.runCfgtui(["simulate", "--demo", "-s", "09:00.0", "-e", "STATUS"]))
        #expect(output.status == 3)
    }

    @Test func vfioRefusesBridges() throws {
        let output = try #require(try Tooling.runCfgtui(["simulate", "--demo", "-s", "00:02.0", "-e", "STATUS"]))
        #expect(output.status == 1)
        #expect(output.stderr.contains("use --model device"))
        let device = try #require(
            try Tooling.runCfgtui([
                "simulate", "--demo", "-s", "00:02.0", "--model", "device", "-e", "SECONDARY_BUS=5 SECONDARY_BUS",
            ]))
        #expect(device.status == 0)
        #expect(device.text == "05\n")
    }

    @Test func theBenchmarkRuns() throws {
        let output = try #require(try Tooling.runCfgtui(["bench-simulate", "--count", "2000"]))
        #expect(output.status == 0)
        #expect(output.text.contains("device:") && output.text.contains("vfio:"))
    }
}
