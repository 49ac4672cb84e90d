import Foundation
import Model
import Testing

/// cfgtui never writes PCI configuration space, proven on this host: every command and the
/// explorer run under strace, and the log of their system calls must hold no open of a PCI
/// sysfs, /proc/bus/pci, /dev/port or /dev/mem file for writing, no write to one, no
/// iopl/ioperm and no setpci. The same log must show the read-only opens and reads of the
/// functions' `config` files, so a filter that saw nothing cannot pass; and a writer on a fake
/// tree, watched the same way, must be caught.
@Suite(.serialized) struct ReadOnlyTests {
    // MARK: - Commands on this host

    /// Each command `cfgtui` has that reads this host, with arguments that make it do its work.
    enum HostCommand: String, CaseIterable, Sendable, CustomTestStringConvertible {
        case list, listJSON, show, showJSON, showHex, showGuestVFIO, showGuestQEMU, plan, simulateVFIO,
            simulateDevice, simulateQEMU, diff

        var testDescription: String { rawValue }

        func arguments(_ host: HostFunctions, script: String, emitDirectory: URL) -> [String] {
            let emit = emitDirectory.appendingPathComponent("after.txt").path
            return switch self {
            case .list: ["list"]
            case .listJSON: ["list", "--json"]
            case .show: ["show"]
            case .showJSON: ["show", "--json"]
            case .showHex: ["show", "--hex"]
            case .showGuestVFIO: ["show", "--guest", "vfio"]
            case .showGuestQEMU: ["show", "--guest", "qemu", "--vpasid"]
            case .plan:
                [
                    "plan", "-s", host.planTarget, "--add", "pasid", "--pasid-width", "20", "--add", "pri",
                    "--pri-capacity", "512",
                ]
            case .simulateVFIO:
                ["simulate", "-s", host.endpoint, "--script", script, "--trace", "--emit-device-dump", emit]
            case .simulateDevice:
                ["simulate", "-s", host.endpoint, "--model", "device", "--script", script, "--emit-dump", emit]
            case .simulateQEMU:
                ["simulate", "-s", host.endpoint, "--model", "qemu", "--script", script, "--emit-dump", emit]
            case .diff: ["diff", "-s", host.endpoint, "--", "-s", host.planTarget]
            }
        }

        /// The functions whose config file the command must have opened and read.
        func reads(_ host: HostFunctions) -> Set<String> {
            switch self {
            case .plan: [host.planTarget]
            case .simulateVFIO, .simulateDevice, .simulateQEMU: [host.endpoint]
            case .diff: [host.endpoint, host.planTarget]
            default: Set(host.all)
            }
        }

        var writesAFile: Bool { [.simulateVFIO, .simulateDevice, .simulateQEMU].contains(self) }
    }

    /// This host's functions, as sysfs lists them, and the ones the single-function commands use.
    struct HostFunctions {
        var all: [String]
        /// A type 0 function that is not a bridge (the vfio model's kind), else the first.
        var endpoint: String
        /// A function with a 4 KiB PCI Express space if there is one (where plan can place).
        var planTarget: String
        var hasExpressFunction: Bool

        init() throws {
            let names = try FileManager.default.contentsOfDirectory(atPath: "/sys/bus/pci/devices").sorted()
            all = names
            let listing = try #require(try Tooling.runCfgtui(["list", "--json"]))
            #expect(listing.status == 0, "list --json failed: \(listing.stderr)")
            let devices = try CfgtuiListing(listing.stdout).devices
            #expect(Set(devices.compactMap { $0["address"] as? String }) == Set(names), "list shows sysfs' functions")
            func address(_ device: [String: Any]) -> String? { device["address"] as? String }
            let endpoints = devices.filter {
                ($0["headerType"] as? Int) == 0 && (($0["classCode"] as? Int) ?? 0) >> 16 != 0x06
            }
            endpoint = try #require(endpoints.first.flatMap(address) ?? names.first, "no PCI function on this host")
            let express = devices.first { $0["express"] != nil && ($0["size"] as? Int) == 4096 }
            hasExpressFunction = express != nil
            planTarget = express.flatMap(address) ?? endpoint
        }
    }

    /// What a guest driver does first: enable the function, size and read back BAR 0, clear the
    /// status error bits, set the interrupt line, read the IDs. Only header registers, so it
    /// applies to any type 0 function.
    static let guestScript = """
        # a guest driver probing its function
        COMMAND.W=0406
        BASE_ADDRESS_0=ffffffff
        BASE_ADDRESS_0
        STATUS.W=f900
        0x3c.B=0b
        0x0.L

        """

    @Test(.requires(.strace, .root, .pciSysfs), arguments: HostCommand.allCases)
    func aCommandOnThisHostOnlyReadsConfigSpace(_ command: HostCommand) throws {
        try Requirement.check(.strace, .root, .pciSysfs)
        let binary = try Tooling.requireCfgtui().path
        let host = try HostFunctions()
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let script = directory.appendingPathComponent("guest.setpci")
        try Data(Self.guestScript.utf8).write(to: script)
        let emitDirectory = directory.appendingPathComponent("emitted")
        try FileManager.default.createDirectory(at: emitDirectory, withIntermediateDirectories: true)

        let arguments = command.arguments(host, script: script.path, emitDirectory: emitDirectory)
        let (output, run) = try Strace.run(binary, arguments, log: directory.appendingPathComponent("trace"))
        let commandLine = "cfgtui " + arguments.joined(separator: " ")
        if command == .plan && (!host.hasExpressFunction || output.status == 2) {
            // Without a 4 KiB PCI Express function (or without room on it) plan reads the target
            // and refuses, saying why; either way it has read it.
            #expect(output.status == 2, "\(commandLine): \(output.stderr)")
            #expect(output.stderr.contains("cfgtui: "), "plan says why it refuses")
        } else if command == .diff {
            // 0 equal, 4 compatible differences, 5 incompatible ones: all a comparison made.
            #expect([0, 4, 5].contains(output.status), "\(commandLine): \(output.stderr)")
            #expect(output.text.contains("Migration: "), "\(commandLine) printed no verdict")
        } else {
            #expect(output.status == 0, "\(commandLine): \(output.stderr)")
            #expect(!output.stdout.isEmpty, "\(commandLine) printed nothing")
        }
        try Self.expectOnlyReads(run, of: command.reads(host))
        if command.writesAFile {
            // The watcher sees writes with their paths: the dump went to a file, through a
            // descriptor strace resolved, and that file is no PCI file.
            let guarded = ConfigSpaceGuard(roots: [emitDirectory.resolvingSymlinksInPath().path])
            #expect(
                run.accesses.contains { $0.kind == .write && $0.succeeded && $0.paths.contains(where: guarded.covers) })
            #expect(run.accesses.contains { $0.isWritableOpen && $0.paths.contains(where: guarded.covers) })
        }
        if command == .simulateVFIO {
            // The probe ran on this host's bytes: the IDs it read back are the function's own.
            let config = try Data(contentsOf: URL(fileURLWithPath: "/sys/bus/pci/devices/\(host.endpoint)/config"))
            let ids = config.prefix(4).reversed().map { String(format: "%02x", $0) }.joined()
            #expect(output.text.contains("read  0x000.L (Vendor ID) = \(ids)"), "\(output.text)")
            #expect(output.text.contains("6 steps: 4 writes, 2 reads"), "\(output.text)")
        }
    }

    @Test(.requires(.strace, .root, .pciSysfs)) func anUnprivilegedUserOnlyReadsConfigSpace() throws {
        try Requirement.check(.strace, .root, .pciSysfs)
        let binary = try Tooling.requireCfgtui().path
        let all = Set(try FileManager.default.contentsOfDirectory(atPath: "/sys/bus/pci/devices"))
        let drop = ["/usr/bin/setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", binary]
        for arguments in [["list"], ["show"], ["show", "--json"], ["show", "--hex"]] {
            let directory = try Self.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: directory) }
            let (output, run) = try Strace.run(
                drop[0], Array(drop.dropFirst()) + arguments, log: directory.appendingPathComponent("trace"))
            #expect(output.status == 0, "\(arguments): \(output.stderr)")
            try Self.expectOnlyReads(run, of: all)
            if arguments == ["list"] {
                #expect(output.text.contains("64 bytes readable without root"), "it ran unprivileged: \(output.text)")
            }
        }
    }

    // MARK: - The explorer on this host

    @Test(.requires(.strace, .tmux, .root, .pciSysfs)) func theExplorerOnlyReadsConfigSpace() throws {
        try Requirement.check(.strace, .tmux, .root, .pciSysfs)
        let binary = try Tooling.requireCfgtui().path
        let all = Set(try FileManager.default.contentsOfDirectory(atPath: "/sys/bus/pci/devices"))
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let log = directory.appendingPathComponent("trace")
        let session = ExplorerEndToEndTests.Session()
        defer { session.stop() }
        let strace = ([Tooling.stracePath] + Strace.options(log: log) + [binary, "--interval", "0.5"])
            .joined(separator: " ")
        try session.start("sh -c 'cd \(directory.path) && exec \(strace)'")
        try session.waitFor("F10Quit", seconds: 20)
        // Move in the tree, then into the map.
        try session.keys("Down", "Down", "Tab", "Right", "Down")
        try session.waitFor("cursor 0x011")
        // The placement overlay on and off (on this host it may refuse to plan; it says so).
        try session.keys("v")
        try session.waitFor("F7Unplan")
        try session.keys("v")
        try session.waitFor("F7Plan")
        // The write simulator: a write applied to the simulated copy, the session saved.
        try session.keys("w")
        try session.waitFor("Writes (")
        try session.keys("i")
        try session.keys("-l", "COMMAND.W=0406")
        try session.keys("Enter")
        let written = try session.waitFor("[1] COMMAND.W=0406")
        #expect(written.contains("simulated"))
        try session.keys("W")
        try session.waitFor("wrote cfgtui-writes-")
        // Live re-reads keep going while the simulator is open.
        Thread.sleep(forTimeInterval: 1.2)
        let last = try session.screen()
        let selected = try #require(
            last.split(separator: "\n").first.flatMap { title in all.first { title.contains(" \($0) ") } },
            "the title names the selected function:\n\(last)")
        try session.keys("q")
        try session.waitFor("EXIT=0", seconds: 20)

        let run = try Strace.Run(logPrefix: log)
        try Self.expectOnlyReads(run, of: all)
        let opens = Self.configOpens(run, guardedBy: .host)
        #expect(opens[selected, default: 0] >= 2, "the selected \(selected) was re-read live: \(opens)")
        let saved = ConfigSpaceGuard(roots: [directory.resolvingSymlinksInPath().path])
        #expect(
            run.accesses.contains { $0.kind == .write && $0.succeeded && $0.paths.contains(where: saved.covers) },
            "the saved session's write was seen")
    }

    // MARK: - The watcher itself

    @Test(.requires(.strace, .lspci)) func theWatcherCatchesAWriterAndPassesCfgtuiOnAFakeTree() throws {
        try Requirement.check(.strace, .lspci)
        let binary = try Tooling.requireCfgtui().path
        let tree = try FakeSysfsTests.makeTree(DemoSet.functions())
        defer { try? FileManager.default.removeItem(at: tree) }
        let treePath = tree.resolvingSymlinksInPath().path
        let guarded = ConfigSpaceGuard(roots: [treePath])
        let config = "\(treePath)/bus/pci/devices/0000:01:00.1/config"

        // cfgtui reads the tree through libpci: every config opened read-only, nothing written.
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let (output, clean) = try Strace.run(
            binary, ["show", "--sysfs-root", treePath], log: directory.appendingPathComponent("cfgtui"))
        #expect(output.status == 0, "\(output.stderr)")
        #expect(clean.unparsed.isEmpty, "unparsed strace lines: \(clean.unparsed)")
        #expect(guarded.violations(in: clean.accesses).isEmpty)
        let opened = Set(Self.configOpens(clean, guardedBy: guarded).keys)
        #expect(opened == Set(DemoSet.functions().map(\.address.description)))

        // A shell appending to a config file: the open for writing and the write are both caught.
        let before = try Data(contentsOf: URL(fileURLWithPath: config))
        let (shell, writer) = try Strace.run(
            "/bin/sh", ["-c", "printf x >> \(config)"], log: directory.appendingPathComponent("writer"))
        #expect(shell.status == 0)
        #expect(try Data(contentsOf: URL(fileURLWithPath: config)).count == before.count + 1, "the shell did write")
        let caught = guarded.violations(in: writer.accesses)
        #expect(caught.contains { $0.hasPrefix("opened for writing") && $0.contains(config) }, "\(caught)")
        #expect(caught.contains { $0.hasPrefix("wrote") && $0.contains(config) }, "\(caught)")

        // Running setpci at all is caught (--version touches nothing).
        let (version, setpci) = try Strace.run(
            "/usr/bin/setpci", ["--version"], log: directory.appendingPathComponent("setpci"))
        #expect(version.status == 0)
        #expect(ConfigSpaceGuard.host.violations(in: setpci.accesses).contains { $0.hasPrefix("ran setpci") })
    }

    /// The rules on lines in strace's format, for what cannot be provoked safely on a real host
    /// (port I/O, opening a real config file for writing) and for the log's harder corners.
    @Test(arguments: [
        // Opens: the flags decide, the path the call names or the one its descriptor resolves to.
        (
            #"openat(AT_FDCWD</tmp>, "/sys/bus/pci/devices/0000:00:03.0/config", O_RDONLY) = 3</sys/devices/pci0000:00/0000:00:03.0/config>"#,
            false
        ),
        (
            #"openat(AT_FDCWD</tmp>, "/sys/bus/pci/devices/0000:00:03.0/config", O_RDWR) = 3</sys/devices/pci0000:00/0000:00:03.0/config>"#,
            true
        ),
        (#"openat(AT_FDCWD</tmp>, "/sys/bus/pci/rescan", O_WRONLY|O_CLOEXEC) = -1 EACCES (Permission denied)"#, true),
        (#"openat(AT_FDCWD</sys/bus>, "pci/devices/x/reset", O_WRONLY) = -1 ENOENT (No such file or directory)"#, true),
        (#"openat(AT_FDCWD</tmp>, "../sys/devices/pci0000:00/remove", O_WRONLY) = -1 ENOENT (No such file)"#, true),
        (
            #"openat(3</sys/devices>, "pci0000:00/0000:00:03.0/config", O_RDONLY|0x400000) = 4</sys/devices/pci0000:00/0000:00:03.0/config>"#,
            false
        ),
        (
            #"openat(AT_FDCWD</tmp>, "/sys/class/pci_bus/0000:00/rescan", 0x1) = 3</sys/devices/pci0000:00/pci_bus/0000:00/rescan>"#,
            true
        ),
        (
            #"openat(AT_FDCWD</tmp>, "/sys/bus/pci/devices/x/config", O_RDONLY|O_SOMETHINGNEW|?) = 3</sys/bus/pci/devices/x/config>"#,
            true
        ),
        (#"open("/proc/bus/pci/00/03.0", O_RDWR) = 3</proc/bus/pci/00/03.0>"#, true),
        (#"open("/dev/port", O_RDWR|O_CLOEXEC) = -1 EACCES (Permission denied)"#, true),
        (#"open("/dev/mem", O_RDONLY) = 3</dev/mem>"#, false),
        (#"open("/dev/memory-not", O_RDWR) = 3</dev/memory-not>"#, false),
        (
            #"openat2(AT_FDCWD</>, "/sys/bus/pci/devices/x/config", {flags=O_RDWR|O_CLOEXEC, resolve=0}, 24) = 3</sys/bus/pci/devices/x/config>"#,
            true
        ),
        (#"creat("/sys/bus/pci/new_id", 0644) = -1 EACCES (Permission denied)"#, true),
        (#"openat(AT_FDCWD</tmp>, "/tmp/after.txt", O_WRONLY|O_CREAT|O_TRUNC, 0666) = 3</tmp/after.txt>"#, false),
        // Writes and truncation: by the descriptor's path.
        (#"pwrite64(3</sys/devices/pci0000:00/0000:00:03.0/config>, "\6\4", 2, 4) = 2"#, true),
        (#"pwrite64(3</sys/devices/pci0000:00/0000:00:03.0/config>, "\0", 1, 4)      = 1"#, true),
        (#"write(1</dev/pts/0>, "\33[?1049h, </sys/bus/pci> \"x\"", 30) = 30"#, false),
        (#"writev(5</proc/bus/pci/00/03.0>, [{iov_base="\0", iov_len=1}], 1) = 1"#, true),
        (#"write(7, "x", 1) = 1"#, true),
        (#"write(7, "x", 1) = -1 EBADF (Bad file descriptor)"#, false),
        (#"ftruncate(3</sys/devices/pci0000:00/0000:00:03.0/config>, 0) = -1 EINVAL (Invalid argument)"#, true),
        (#"truncate("/sys/bus/pci/devices/x/config", 0) = -1 EINVAL (Invalid argument)"#, true),
        (#"pread64(3</sys/devices/pci0000:00/0000:00:03.0/config>, "\364\32A\20", 64, 0) = 64"#, false),
        // Port I/O and setpci: always.
        (#"iopl(3) = 0"#, true),
        (#"ioperm(0xcf8, 8, 1) = -1 EPERM (Operation not permitted)"#, true),
        (#"execve("/usr/bin/setpci", ["setpci", "-s", "00:03.0", "COMMAND=0"], 0x7ffd /* 20 vars */) = 0"#, true),
        (#"execve("/work/main/.build/debug/cfgtui", ["cfgtui", "show"], 0x7ffd /* 20 vars */) = 0"#, false),
    ])
    func theRulesJudgeEachKindOfCall(_ line: String, isViolation: Bool) throws {
        let log = StraceLog(lines: [line])
        #expect(log.unparsed.isEmpty, "\(log.unparsed)")
        let call = try #require(log.calls.first)
        let violations = ConfigSpaceGuard.host.violations(in: [FileAccess(call)])
        #expect(violations.isEmpty == !isViolation, "\(violations)")
    }

    @Test func aCallStraceCouldNotNameIsLostNotReadOrJudged() {
        let log = StraceLog(lines: [
            #"read(3</sys/devices/pci0000:00/x/config>, "\0", 64) = 64"#,
            "???( <unfinished ...>",
            "+++ exited with 0 +++",
        ])
        #expect(log.calls.map(\.name) == ["read"])
        #expect(log.lostCalls == ["???( <unfinished ...>"])
        #expect(log.unparsed.isEmpty)
    }

    @Test func theLogJoinsResumedCallsAndKeepsWhatItCannotRead() throws {
        let log = StraceLog(lines: [
            #"openat(AT_FDCWD</tmp>, "/sys/bus/pci/devices/x/config", O_RDWR <unfinished ...>"#,
            "--- SIGWINCH {si_signo=SIGWINCH, si_code=SI_KERNEL} ---",
            #"<... openat resumed>) = 3</sys/devices/pci0000:00/x/config>"#,
            #"write(3</sys/devices/pci0000:00/x/config>, "\0", 1 <unfinished ...>"#,
            "+++ killed by SIGKILL +++",
            "this is not strace",
        ])
        #expect(log.calls.map(\.name) == ["openat", "write"])
        #expect(log.calls.first?.result == "3</sys/devices/pci0000:00/x/config>")
        #expect(log.calls.last?.result == "?")
        #expect(log.unparsed == ["this is not strace"])
        let violations = ConfigSpaceGuard.host.violations(in: log.calls.map(FileAccess.init))
        #expect(violations.count == 2, "\(violations)")
    }

    // MARK: - Helpers

    static func temporaryDirectory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "cfgtui-readonly-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    /// Successful read-only opens of `config` files under the guard's roots, by function address.
    static func configOpens(_ run: Strace.Run, guardedBy guarded: ConfigSpaceGuard) -> [String: Int] {
        var opens = [String: Int]()
        for access in run.accesses where access.kind == .open && !access.isWritableOpen && access.succeeded {
            guard let resolved = access.resolvedPath, resolved.hasSuffix("/config"), guarded.covers(resolved) else {
                continue
            }
            let address = URL(fileURLWithPath: resolved).deletingLastPathComponent().lastPathComponent
            opens[address, default: 0] += 1
        }
        return opens
    }

    /// The run wrote nothing it must not, and did read each function in `functions`: its config
    /// file opened read-only and at least one read from such a descriptor returned bytes.
    static func expectOnlyReads(
        _ run: Strace.Run, of functions: Set<String>, sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        #expect(
            run.unparsed.isEmpty, "strace lines that could not be read: \(run.unparsed)", sourceLocation: sourceLocation
        )
        #expect(!run.accesses.isEmpty, "strace recorded no calls", sourceLocation: sourceLocation)
        let violations = ConfigSpaceGuard.host.violations(in: run.accesses)
        #expect(
            violations.isEmpty, "writes to PCI configuration space:\n\(violations.joined(separator: "\n"))",
            sourceLocation: sourceLocation)
        let opened = Set(configOpens(run, guardedBy: .host).keys)
        #expect(
            functions.isSubset(of: opened), "config files not seen opened read-only: \(functions.subtracting(opened))",
            sourceLocation: sourceLocation)
        let read = run.accesses.contains { access in
            access.kind == .read && (Int(access.call.result) ?? 0) > 0
                && access.paths.contains { $0.hasSuffix("/config") && ConfigSpaceGuard.host.covers($0) }
        }
        #expect(read, "no read from a config file was seen", sourceLocation: sourceLocation)
    }
}

// MARK: - strace

/// Running a program under strace and reading back what it did.
enum Strace {
    /// The calls that can write a file, open one, reach I/O ports or run a program, and the reads
    /// that show the watch is on. A shared writable mapping needs a descriptor opened for
    /// writing, which the open rule catches, so mmap is not traced.
    static let calls = [
        "open", "openat", "openat2", "creat", "read", "pread64", "write", "pwrite64", "writev", "pwritev",
        "pwritev2", "truncate", "ftruncate", "iopl", "ioperm", "execve",
    ]

    /// `-ff -o LOG`: one file per task (LOG.<tid>), so no call is split between threads'
    /// lines; `-y`: each descriptor with the path behind it.
    static func options(log: URL) -> [String] {
        ["-ff", "-y", "-e", "trace=" + calls.joined(separator: ","), "-o", log.path]
    }

    /// Every call of one traced run, from all its LOG.<tid> files.
    struct Run {
        var calls: [StraceCall]
        var unparsed: [String]
        /// Calls strace could not name (`???(`, the task gone before it read them).
        var lostCalls: [String]
        var accesses: [FileAccess]

        init(logPrefix: URL) throws {
            let directory = logPrefix.deletingLastPathComponent()
            let prefix = logPrefix.lastPathComponent + "."
            let files = try FileManager.default.contentsOfDirectory(atPath: directory.path)
                .filter { $0.hasPrefix(prefix) }.sorted()
            try #require(!files.isEmpty, "strace wrote no log at \(logPrefix.path)")
            var calls = [StraceCall]()
            var unparsed = [String]()
            var lostCalls = [String]()
            for file in files {
                let data = try Data(contentsOf: directory.appendingPathComponent(file))
                let log = StraceLog(
                    lines: String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init))
                calls += log.calls
                unparsed += log.unparsed
                lostCalls += log.lostCalls
            }
            self.calls = calls
            self.unparsed = unparsed
            self.lostCalls = lostCalls
            accesses = calls.map(FileAccess.init)
        }
    }

    /// Runs `executable` under strace, logging to LOG.<tid>. A run in which strace lost a call
    /// (a thread killed by its process's exit before strace could read which call it was in:
    /// strace writes `???(`) has an observation missing, not a wrong one, so the command runs
    /// again, up to three times in all; after that the lost calls stay in `unparsed` and fail
    /// the test.
    static func run(_ executable: String, _ arguments: [String], log: URL) throws -> (Tooling.Output, Run) {
        var attempt = 1
        while true {
            let attemptLog =
                attempt == 1
                ? log
                : log.deletingLastPathComponent()
                    .appendingPathComponent("\(log.lastPathComponent)-retry\(attempt)")
            let output = try Tooling.run(Tooling.stracePath, options(log: attemptLog) + [executable] + arguments)
            var run = try Run(logPrefix: attemptLog)
            if run.lostCalls.isEmpty || attempt == 3 {
                run.unparsed += run.lostCalls
                return (output, run)
            }
            attempt += 1
        }
    }
}

/// One system call from a strace log line: `name(argument, ...) = result`.
struct StraceCall: Equatable {
    var name: String
    /// Each top-level argument's text as strace printed it (strings quoted, descriptors with
    /// their `<path>`).
    var arguments: [String]
    /// `3</sys/...>`, `0`, `-1 ENOENT (...)`, or `?` when the call never returned.
    var result: String
    var line: String

    /// Parses one line; nil when it is not a call (strace only writes calls, `--- signal ---`
    /// and `+++ exit +++` lines to the log, which the log handles).
    init?(_ line: String) {
        let characters = Array(line)
        var index = 0
        while index < characters.count,
            characters[index].isLetter || characters[index].isNumber
                || characters[index] == "_"
        {
            index += 1
        }
        guard index > 0, index < characters.count, characters[index] == "(" else { return nil }
        name = String(characters[..<index])
        self.line = line
        index += 1
        var arguments = [String]()
        var current = ""
        var depth = 0
        var isClosed = false
        scan: while index < characters.count {
            let character = characters[index]
            switch character {
            case "\"":
                // A string, with strace's C escapes (\" and \\ among them).
                current.append(character)
                index += 1
                while index < characters.count, characters[index] != "\"" {
                    if characters[index] == "\\", index + 1 < characters.count {
                        current.append(characters[index])
                        index += 1
                    }
                    current.append(characters[index])
                    index += 1
                }
                guard index < characters.count else { return nil }
            case "<" where current.last.map { $0.isLetter || $0.isNumber || $0 == "_" } ?? false:
                // A descriptor's path (-y); strace escapes any '<' or '>' inside it.
                while index < characters.count, characters[index] != ">" {
                    current.append(characters[index])
                    index += 1
                }
                guard index < characters.count else { return nil }
            case "(", "[", "{":
                depth += 1
            case ")" where depth == 0:
                isClosed = true
                break scan
            case ")", "]", "}":
                guard depth > 0 else { return nil }
                depth -= 1
            case "," where depth == 0:
                arguments.append(current.trimmingCharacters(in: .whitespaces))
                current = ""
                index += 1
                continue scan
            default:
                break
            }
            current.append(characters[index])
            index += 1
        }
        guard isClosed else { return nil }
        let last = current.trimmingCharacters(in: .whitespaces)
        if !last.isEmpty || !arguments.isEmpty { arguments.append(last) }
        self.arguments = arguments
        // strace pads short calls to a column: `)      = 0`.
        let rest = characters[(index + 1)...].drop { $0 == " " }
        guard rest.first == "=", rest.dropFirst().first == " ", rest.count > 2 else { return nil }
        result = String(rest.dropFirst(2))
    }

    /// A quoted string argument, its escapes decoded; nil when the argument is not one.
    static func string(_ argument: String) -> String? {
        guard argument.hasPrefix("\""), argument.count >= 2, argument.hasSuffix("\"") else { return nil }
        return unescape(argument.dropFirst().dropLast())
    }

    /// The path strace printed behind a descriptor (`3</sys/...>`, `AT_FDCWD</tmp>`).
    static func descriptorPath(_ text: String) -> String? {
        guard let open = text.firstIndex(of: "<"), text.hasSuffix(">"), open < text.index(before: text.endIndex)
        else { return nil }
        return unescape(text[text.index(after: open)..<text.index(before: text.endIndex)])
    }

    /// C escapes as strace writes them: \n \t \r \v \f \\ \" \xHH and octal \NNN.
    static func unescape(_ text: Substring) -> String {
        var bytes = [UInt8]()
        let scalars = Array(text.utf8)
        var index = 0
        func isOctal(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "7") }
        while index < scalars.count {
            let byte = scalars[index]
            guard byte == UInt8(ascii: "\\"), index + 1 < scalars.count else {
                bytes.append(byte)
                index += 1
                continue
            }
            let next = scalars[index + 1]
            let simple: [UInt8: UInt8] = [
                UInt8(ascii: "n"): 0x0A, UInt8(ascii: "t"): 0x09, UInt8(ascii: "r"): 0x0D, UInt8(ascii: "v"): 0x0B,
                UInt8(ascii: "f"): 0x0C, UInt8(ascii: "\\"): 0x5C, UInt8(ascii: "\""): 0x22,
            ]
            if let value = simple[next] {
                bytes.append(value)
                index += 2
            } else if next == UInt8(ascii: "x"), index + 3 < scalars.count,
                let value = UInt8(String(decoding: scalars[(index + 2)...(index + 3)], as: UTF8.self), radix: 16)
            {
                bytes.append(value)
                index += 4
            } else if isOctal(next) {
                var end = index + 1
                while end < scalars.count, end < index + 4, isOctal(scalars[end]) { end += 1 }
                let value = UInt16(String(decoding: scalars[(index + 1)..<end], as: UTF8.self), radix: 8) ?? 0
                bytes.append(UInt8(truncatingIfNeeded: value))
                index = end
            } else {
                bytes.append(byte)
                index += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// The calls of one strace log file (one task, from `-ff`), with unfinished calls joined to
/// their resumption and every line it could not read kept, never dropped.
struct StraceLog {
    var calls = [StraceCall]()
    var unparsed = [String]()
    /// `???(` lines: a call strace could not decode because the task was killed (a sibling's
    /// exit) before it read the registers. Kept apart: the call is unknown, not judged.
    var lostCalls = [String]()

    init(lines: [String]) {
        var pending: String?
        func flushPending() {
            // A call that never returned (the task was killed in it) still counts, result "?".
            guard let head = pending else { return }
            pending = nil
            if let call = StraceCall(head + ") = ?") { calls.append(call) } else { unparsed.append(head) }
        }
        for line in lines {
            if line.isEmpty || (line.hasPrefix("--- ") && line.hasSuffix(" ---"))
                || (line.hasPrefix("+++ ") && line.hasSuffix(" +++"))
            {
                continue
            }
            if line.hasPrefix("???(") || line.hasPrefix("<... ??? resumed>") {
                lostCalls.append(line)
                continue
            }
            if line.hasSuffix(" <unfinished ...>") {
                flushPending()
                pending = String(line.dropLast(" <unfinished ...>".count))
                continue
            }
            var text = line
            if line.hasPrefix("<... ") {
                guard let head = pending, let resumed = line.range(of: " resumed>") else {
                    unparsed.append(line)
                    continue
                }
                text = head + line[resumed.upperBound...]
                pending = nil
            }
            if let call = StraceCall(text) { calls.append(call) } else { unparsed.append(line) }
        }
        flushPending()
    }
}

/// What one call did to a file, from its name, arguments and result.
struct FileAccess {
    enum Kind: Equatable {
        case open, read, write, truncate, portIO, exec, other
        /// A call the rules know whose arguments could not be read: judged as a violation.
        case malformed
    }

    var kind: Kind
    var call: StraceCall
    /// The path named (made absolute with its directory descriptor's path) and the path behind
    /// the descriptor used or returned.
    var paths = [String]()
    /// The path behind the descriptor an open returned.
    var resolvedPath: String?
    /// An open with O_WRONLY, O_RDWR, O_CREAT, O_TRUNC or O_APPEND, or with flags not known to
    /// be read-only (creat always).
    var isWritableOpen = false
    var succeeded: Bool { !call.result.hasPrefix("-") && call.result != "?" }

    /// Flags an open may carry without writing; anything else counts as writing.
    static let readOnlyFlags: Set<String> = [
        "O_RDONLY", "O_CLOEXEC", "O_NONBLOCK", "O_NDELAY", "O_DIRECTORY", "O_NOFOLLOW", "O_LARGEFILE", "O_NOCTTY",
        "O_PATH", "O_NOATIME", "O_DIRECT", "O_SYNC", "O_DSYNC", "O_RSYNC", "O_ASYNC", "O_EXCL",
    ]
    /// O_ACCMODE, O_CREAT, O_TRUNC and O_APPEND on Linux, for flags printed as numbers.
    static let writingBits = 0o3 | 0o100 | 0o1000 | 0o2000

    init(_ call: StraceCall) {
        self.call = call
        let arguments = call.arguments
        func argument(_ index: Int) -> String? { index < arguments.count ? arguments[index] : nil }
        switch call.name {
        case "open", "openat", "openat2", "creat":
            let pathIndex = call.name.hasPrefix("openat") ? 1 : 0
            let base = pathIndex == 1 ? argument(0).flatMap(StraceCall.descriptorPath) : nil
            guard let named = argument(pathIndex).flatMap(StraceCall.string),
                let flags = call.name == "creat" ? "O_CREAT" : argument(pathIndex + 1)
            else {
                kind = .malformed
                return
            }
            kind = .open
            paths = [Self.absolute(named, base: base)]
            resolvedPath = StraceCall.descriptorPath(call.result).map { Self.absolute($0, base: nil) }
            paths += resolvedPath.map { [$0] } ?? []
            isWritableOpen = Self.isWriting(flags: call.name == "openat2" ? Self.field("flags", of: flags) : flags)
        case "read", "pread64", "write", "pwrite64", "writev", "pwritev", "pwritev2", "ftruncate":
            guard let descriptor = argument(0) else {
                kind = .malformed
                return
            }
            kind = call.name == "ftruncate" ? .truncate : call.name.contains("read") ? .read : .write
            paths = StraceCall.descriptorPath(descriptor).map { [Self.absolute($0, base: nil)] } ?? []
        case "truncate":
            guard let named = argument(0).flatMap(StraceCall.string) else {
                kind = .malformed
                return
            }
            kind = .truncate
            paths = [Self.absolute(named, base: nil)]
        case "iopl", "ioperm":
            kind = .portIO
        case "execve":
            guard let named = argument(0).flatMap(StraceCall.string) else {
                kind = .malformed
                return
            }
            kind = .exec
            paths = [named]
        default:
            kind = .other
        }
    }

    /// Whether open flags (`O_RDONLY|O_CLOEXEC`, `0x1`, `O_RDONLY|0x400000`) can write.
    static func isWriting(flags: String?) -> Bool {
        guard let flags, !flags.isEmpty else { return true }
        for token in flags.split(separator: "|").map({ $0.trimmingCharacters(in: .whitespaces) }) {
            if readOnlyFlags.contains(token) { continue }
            let number: Int? =
                token.hasPrefix("0x")
                ? Int(token.dropFirst(2), radix: 16)
                : token.hasPrefix("0") ? Int(token, radix: 8) : Int(token)
            guard let number, number & writingBits == 0 else { return true }
        }
        return false
    }

    /// `flags=...` inside openat2's `{flags=..., resolve=...}`.
    static func field(_ name: String, of structure: String) -> String? {
        guard let start = structure.range(of: name + "=") else { return nil }
        let rest = structure[start.upperBound...]
        return String(rest.prefix { $0 != "," && $0 != "}" })
    }

    /// `path` made absolute against `base` (a directory descriptor's path), with `.`, `..` and
    /// repeated slashes resolved as text.
    static func absolute(_ path: String, base: String?) -> String {
        let full = path.hasPrefix("/") ? path : (base ?? "") + "/" + path
        var components = [Substring]()
        for component in full.split(separator: "/") {
            switch component {
            case ".": continue
            case "..": _ = components.popLast()
            default: components.append(component)
            }
        }
        return "/" + components.joined(separator: "/")
    }
}

/// The files through which configuration space (or I/O ports, or memory) could be written,
/// and the rules that judge a run's accesses against them.
struct ConfigSpaceGuard {
    /// Roots; one ending in `*` covers every path starting with it.
    var roots: [String]

    /// This host's: PCI sysfs (through the bus and the devices), procfs, I/O ports, memory.
    static let host = ConfigSpaceGuard(roots: [
        "/sys/bus/pci", "/sys/devices/pci*", "/sys/class/pci_bus", "/proc/bus/pci", "/dev/port", "/dev/mem",
    ])

    func covers(_ path: String) -> Bool {
        roots.contains { root in
            root.hasSuffix("*") ? path.hasPrefix(root.dropLast()) : path == root || path.hasPrefix(root + "/")
        }
    }

    /// One line per violation, naming the rule and quoting strace's line.
    func violations(in accesses: [FileAccess]) -> [String] {
        accesses.compactMap { access in
            let line = access.call.line
            switch access.kind {
            case .open where access.isWritableOpen && access.paths.contains(where: covers):
                return "opened for writing: \(line)"
            case .write where access.paths.contains(where: covers):
                return "wrote: \(line)"
            case .write where access.paths.isEmpty && !access.call.result.hasPrefix("-"):
                return "wrote through a descriptor strace could not resolve: \(line)"
            case .truncate where access.paths.contains(where: covers) || access.paths.isEmpty:
                return "truncated: \(line)"
            case .portIO:
                return "asked for I/O port access: \(line)"
            case .exec where access.paths.contains { URL(fileURLWithPath: $0).lastPathComponent == "setpci" }:
                return "ran setpci: \(line)"
            case .malformed:
                return "could not read the arguments of a watched call: \(line)"
            default:
                return nil
            }
        }
    }
}
