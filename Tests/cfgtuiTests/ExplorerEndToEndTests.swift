import Foundation
import Glibc
import Model
import Testing

/// The real binary in a real terminal: tmux runs `cfgtui`, keys go in with send-keys, and the
/// screen comes back with capture-pane, as a person would see it.
@Suite(.serialized) struct ExplorerEndToEndTests {
    /// A tmux server of our own (its own socket), running one cfgtui session.
    struct Session {
        let socket = "cfgtui-test-\(UUID().uuidString.prefix(8))"
        let tmux = Tooling.tmuxPath

        func tmux(_ arguments: [String]) throws -> Tooling.Output {
            try Tooling.run(tmux, ["-L", socket] + arguments)
        }

        /// Starts `command` in a detached session of the given size; the shell prints the exit
        /// status and stays open so the screen after quitting can be checked.
        /// The test runner's own environment may carry NO_COLOR (swift test sets it when its
        /// output is not a terminal), so the colour environment is always given explicitly.
        func start(_ command: String, width: Int = 120, height: Int = 40, environment: String = "TERM=xterm-256color")
            throws
        {
            let script = "env -u NO_COLOR \(environment) \(command); echo EXIT=$?; sleep 60"
            let status = Self.spawnClean(
                tmux, ["-L", socket, "new-session", "-d", "-s", "main", "-x", "\(width)", "-y", "\(height)", script])
            #expect(status == 0, "tmux new-session exited \(status)")
        }

        /// Runs a program that daemonises (the tmux server) so that it inherits nothing from the
        /// test runner: no open descriptors above 2 (Foundation's Process keeps one it waits on)
        /// and no blocked signals (the runner blocks SIGHUP and SIGTERM, which would make the
        /// server and the panes unkillable). Returns the exit status of the direct child.
        static func spawnClean(_ executable: String, _ arguments: [String]) -> Int32 {
            var attributes = posix_spawnattr_t()
            posix_spawnattr_init(&attributes)
            defer { posix_spawnattr_destroy(&attributes) }
            var empty = sigset_t()
            sigemptyset(&empty)
            posix_spawnattr_setsigmask(&attributes, &empty)
            var defaults = sigset_t()
            sigemptyset(&defaults)
            for signal in [SIGHUP, SIGINT, SIGTERM, SIGQUIT, SIGPIPE, SIGCHLD] { sigaddset(&defaults, signal) }
            posix_spawnattr_setsigdefault(&attributes, &defaults)
            posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
            var actions = posix_spawn_file_actions_t()
            posix_spawn_file_actions_init(&actions)
            defer { posix_spawn_file_actions_destroy(&actions) }
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
            posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
            posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
            let open = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
            for descriptor in open.compactMap({ Int32($0) }) where descriptor > 2 {
                posix_spawn_file_actions_addclose(&actions, descriptor)
            }
            let argv = ([executable] + arguments).map { strdup($0) } + [nil]
            defer { argv.forEach { free($0) } }
            var pid = pid_t()
            guard posix_spawn(&pid, executable, &actions, &attributes, argv, environ) == 0 else { return -1 }
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            return (status >> 8) & 0xFF
        }

        func keys(_ keys: String...) throws {
            _ = try tmux(["send-keys", "-t", "main"] + keys)
        }

        /// The screen's text (with `-e`, the escape sequences of colours and attributes too).
        func screen(escapes: Bool = false) throws -> String {
            try tmux(["capture-pane", "-t", "main", "-p"] + (escapes ? ["-e"] : [])).text
        }

        /// Waits until the screen contains `text` (up to `seconds`), returning the screen.
        @discardableResult
        func waitFor(_ text: String, seconds: Double = 10, escapes: Bool = false) throws -> String {
            let deadline = Date().addingTimeInterval(seconds)
            var last = ""
            while Date() < deadline {
                last = try screen(escapes: escapes)
                if last.contains(text) { return last }
                Thread.sleep(forTimeInterval: 0.1)
            }
            Issue.record("timed out waiting for '\(text)'; the screen was:\n\(last)")
            return last
        }

        func stop() { _ = try? tmux(["kill-server"]) }
    }

    @Test(.requires(.tmux, .corpus)) func exploresADumpWithKeysAndQuitsCleanly() throws {
        try Requirement.check(.tmux, .corpus)
        let binary = try Tooling.requireCfgtui().path
        let dump = Tooling.corpus.appendingPathComponent("raw/004-intel-0d93-cxl-sriov-pf-dvsec.txt").path
        let session = Session()
        defer { session.stop() }
        try session.start("\(binary) -F \(dump)")
        // The function bar is the last row painted: waiting for it, not for the map title,
        // means the whole first screen is there (under load tmux can be captured mid-paint).
        let first = try session.waitFor("F10Quit")
        #expect(first.contains("Map 4096/4096 bytes"))
        #expect(first.contains("000  86 80 93 0d"), "the hex map shows the header bytes")
        #expect(first.contains("static dump"))
        #expect(first.contains("F1Help"))
        // n: to the first capability; the field pane follows.
        try session.keys("n")
        try session.waitFor("cursor 0x040")
        // Search a setpci name.
        try session.keys("/", "ECAP_SRIOV", "Enter")
        let sriov = try session.waitFor("cursor 0xb80")
        #expect(sriov.contains("Single Root I/O Virtualization"))
        // Help from the key table, then close it.
        try session.keys("?")
        try session.waitFor("Show or close this help")
        try session.keys("Escape")
        // Resize to 80x24: the compact layout.
        _ = try session.tmux(["resize-window", "-t", "main", "-x", "80", "-y", "24"])
        let small = try session.waitFor("F10Quit")
        #expect(small.split(separator: "\n").first.map { $0.count <= 80 } ?? false)
        // Too small, then back.
        _ = try session.tmux(["resize-window", "-t", "main", "-x", "50", "-y", "12"])
        try session.waitFor("needs 60x15")
        _ = try session.tmux(["resize-window", "-t", "main", "-x", "120", "-y", "40"])
        try session.waitFor("Map 4096/4096")
        try session.keys("q")
        let after = try session.waitFor("EXIT=0")
        #expect(!after.contains("F10Quit"), "the explorer's screen is gone after q (alternate screen restored)")
    }

    @Test(.requires(.tmux)) func coloursDistinguishOwnersAndNoColorFallsBackToAttributes() throws {
        try Requirement.check(.tmux)
        let binary = try Tooling.requireCfgtui().path
        let session = Session()
        defer { session.stop() }
        try session.start("\(binary) --demo -s 01:00.0")
        let colour = try session.waitFor("Map 4096/4096", escapes: true)
        // 256-colour escape sequences are in use (Okabe-Ito palette).
        #expect(colour.contains("38;5;") || colour.contains("48;5;"), "no 256-colour sequences on the screen")
        try session.keys("q")
        try session.waitFor("EXIT=0")
        session.stop()

        let mono = Session()
        defer { mono.stop() }
        try mono.start("\(binary) --demo -s 01:00.0", environment: "TERM=xterm-256color NO_COLOR=1")
        let plain = try mono.waitFor("Map 4096/4096", escapes: true)
        #expect(!plain.contains("38;5;") && !plain.contains("48;5;"), "NO_COLOR must not use colours")
        #expect(plain.contains("\u{1B}[1m") || plain.contains(";1m"), "owners are told apart by attributes (bold)")
        #expect(plain.contains("\u{1B}[4m") || plain.contains(";4m"), "owners are told apart by attributes (underline)")
        try mono.keys("C-c")
        try mono.waitFor("EXIT=0")
    }

    @Test(.requires(.tmux, .pciSysfs)) func showsThisMachinesDevicesLive() throws {
        try Requirement.check(.tmux, .pciSysfs)
        let binary = try Tooling.requireCfgtui().path
        let session = Session()
        defer { session.stop() }
        try session.start("\(binary) --interval 0.5")
        let screen = try session.waitFor("live, read")
        #expect(screen.contains("this host"))
        #expect(screen.contains("00:00.0"), "the device tree lists this host's functions")
        try session.keys("Tab")
        try session.waitFor("cursor 0x000")
        try session.keys("F10")
        try session.waitFor("EXIT=0")
    }

    @Test(.requires(.tmux, .root, .pciSysfs)) func anUnprivilegedUserSeesTheReadableBytesAndIsToldWhy() throws {
        try Requirement.check(.tmux, .root, .pciSysfs)
        let binary = try Tooling.requireCfgtui().path
        let session = Session()
        defer { session.stop() }
        try session.start("/usr/bin/setpriv --reuid=nobody --regid=nogroup --clear-groups \(binary) -s 00:03.0")
        let screen = try session.waitFor("Map 64 bytes readable without root")
        #expect(screen.contains("(of 256)") || screen.contains("(of 4096)"))
        try session.keys("G")
        let fields = try session.waitFor("was not read")
        #expect(fields.contains("run as root"))
        // The write simulator works on what was read and says where that ends.
        try session.keys("g", "w")
        try session.waitFor("only 64 of")
        try session.keys("i")
        try session.keys("-l", "CAP_EXP+8.W=0")
        try session.keys("Enter")
        try session.waitFor("only 64 bytes of the function were read")
        try session.keys("Escape", "i")
        try session.keys("-l", "COMMAND.W=0")
        try session.keys("Enter")
        try session.waitFor("[1] COMMAND.W=0")
        try session.keys("q")
        try session.waitFor("EXIT=0")
    }

    @Test(.requires(.tmux, .lspci)) func thePlacementOverlayProposesMovesRefusesAndExportsWhatLspciReads() throws {
        try Requirement.check(.tmux, .lspci)
        let binary = try Tooling.requireCfgtui().path
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cfgtui-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let session = Session()
        defer { session.stop() }
        try session.start("sh -c 'cd \(directory.path) && exec \(binary) --demo -s 01:00.1'")
        try session.waitFor("F7Plan")
        try session.keys("v")
        let overlay = try session.waitFor("PLAN auto")
        #expect(overlay.contains("+[PASID"), "the proposed PASID is marked in the owner column")
        #expect(overlay.contains("+PASID 0x180 by pf-offset"))
        #expect(overlay.contains("virtual: + marks proposals"))
        // Move PASID (the cursor is on it) two rows up, onto the VF's real ATS: refused, and why.
        try session.keys("m", "Up", "Up")
        let refused = try session.waitFor("cannot go at 0x160")
        #expect(refused.contains("Address Translation Services"))
        #expect(refused.contains("!conflict"))
        // Back down and keep it; export.
        try session.keys("Down", "Down", "Enter", "e")
        try session.waitFor("wrote cfgtui-plan-0000-01-00.1.json")
        let dump = directory.appendingPathComponent("cfgtui-virtual-0000-01-00.1.txt").path
        let lspci = try Tooling.run(Tooling.lspciPath, ["-F", dump, "-vvv"])
        #expect(lspci.text.contains("Capabilities: [180 v1] Process Address Space ID (PASID)"))
        #expect(lspci.text.contains("Capabilities: [170 v1] Page Request Interface (PRI)"))
        #expect(lspci.text.contains("Capabilities: [160 v1] Address Translation Service (ATS)"))
        let json = try String(
            contentsOf: directory.appendingPathComponent("cfgtui-plan-0000-01-00.1.json"), encoding: .utf8)
        #expect(json.contains("\"ok\""))
        try session.keys("q")
        try session.waitFor("EXIT=0")
    }

    @Test(.requires(.tmux, .lspci)) func theWriteSimulatorTracesUndoesAndSavesAScriptThatSimulateReplays() throws {
        try Requirement.check(.tmux, .lspci)
        let binary = try Tooling.requireCfgtui().path
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cfgtui-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let session = Session()
        defer { session.stop() }
        try session.start("sh -c 'cd \(directory.path) && exec \(binary) --demo -s 01:00.1'")
        try session.waitFor("F9Write")
        try session.keys("w")
        try session.waitFor("Writes (vfio model, guest view) 0/0")
        try session.keys("i")
        try session.keys("-l", "COMMAND.W=0406")
        try session.keys("Enter")
        let written = try session.waitFor("[1] COMMAND.W=0406")
        #expect(written.contains("Command: Interrupt Disable 0x0 -> 0x1"))
        #expect(written.contains("guest view, simulated"))
        // A second write, undone and redone.
        try session.keys("i")
        try session.keys("-l", "CAP_EXP+8.W=10:10")
        try session.keys("Enter")
        try session.waitFor("[2] CAP_EXP+8.W=10:10")
        try session.keys("u")
        try session.waitFor("(undone) CAP_EXP+8.W=10:10")
        try session.keys("U")
        try session.waitFor("Writes (vfio model, guest view) 2/2")
        // A mistake is refused in place, naming the column.
        try session.keys("i")
        try session.keys("-l", "COMMAND.W=12345")
        try session.keys("Enter")
        try session.waitFor("column")
        try session.keys("Escape", "W")
        try session.waitFor("wrote cfgtui-writes-0000-01-00.1.setpci")
        try session.keys("q")
        try session.waitFor("EXIT=0")
        // cfgtui simulate replays the saved script to the same guest view.
        let script = directory.appendingPathComponent("cfgtui-writes-0000-01-00.1.setpci").path
        let dump = directory.appendingPathComponent("replayed.txt").path
        let replay = try Tooling.run(
            binary,
            ["simulate", "--demo", "-s", "01:00.1", "--script", script, "--emit-dump", dump])
        #expect(replay.status == 0, "simulate failed: \(replay.stderr)")
        let lspci = try Tooling.run(Tooling.lspciPath, ["-F", dump, "-vv"])
        #expect(lspci.text.contains("BusMaster+"))
        #expect(lspci.text.contains("DisINTx+"))
        #expect(lspci.text.contains("RlxdOrd+"))
    }

    @Test func withoutATerminalItPointsToShow() throws {
        let output = try Tooling.run(try Tooling.requireCfgtui().path, ["--demo"])
        #expect(output.status == 1)
        #expect(output.stderr.contains("cfgtui show"))
        #expect(output.stdout.isEmpty)
    }

    @Test(.requires(.tmux)) func aMovedProposalCannotBeLeftOnAConflictAndEscReturnsIt() throws {
        try Requirement.check(.tmux)
        let binary = try Tooling.requireCfgtui().path
        let session = Session()
        defer { session.stop() }
        try session.start("\(binary) --demo -s 01:00.1")
        try session.waitFor("F7Plan")
        try session.keys("v")
        try session.waitFor("+PASID 0x180 by pf-offset")
        // A row up is free (PRI moves out of the way), the next is the VF's real ATS at 0x160.
        try session.keys("m", "Up")
        try session.waitFor("+PASID 0x170")
        try session.keys("Up")
        try session.waitFor("cannot go at 0x160")
        // Enter refuses: the status line gives the planner's reason, and the move goes on.
        try session.keys("Enter")
        let refused = try session.waitFor("PASID cannot stay at 0x160")
        #expect(refused.contains("Address Translation Services"))
        #expect(refused.contains("!conflict"), "still on the conflict, still moving")
        // Esc: back at the last valid offset, moving over.
        try session.keys("Escape")
        let back = try session.waitFor("PASID back at 0x170")
        #expect(!back.contains("!conflict"))
        #expect(back.contains("+[PASID"), "the proposal is drawn at its offset again")
        // The arrows move the cursor again, and the overlay line shows PASID kept at 0x170.
        try session.keys("Right")
        let after = try session.waitFor("+PASID 0x170")
        #expect(!after.contains("(moving)"))
        try session.keys("q")
        try session.waitFor("EXIT=0")
    }

    @Test(.requires(.tmux)) func aFunctionWhoseDirectoryVanishesIsMarkedGoneAndComesBack() throws {
        try Requirement.check(.tmux)
        let binary = try Tooling.requireCfgtui().path
        let root = try FakeSysfsTests.makeTree(DemoSet.functions())
        defer { try? FileManager.default.removeItem(at: root) }
        let devices = root.appendingPathComponent("bus/pci/devices")
        let vf = devices.appendingPathComponent("0000:01:00.1")
        let parked = root.appendingPathComponent("parked-0000:01:00.1")
        let session = Session()
        defer { session.stop() }
        // A short root path keeps the title's function in view at 120 columns.
        try session.start("/bin/sh -c 'cd \(root.path) && \(binary) --sysfs-root . --interval 0.2 -s 01:00.1'")
        let first = try session.waitFor("F10Quit")
        #expect(first.contains("0000:01:00.1"))
        try session.waitFor("live, read")

        try FileManager.default.moveItem(at: vf, to: parked)
        let gone = try session.waitFor("GONE 0000:01:00.1")
        #expect(gone.contains("gone: last read shown"))
        #expect(gone.contains("01:00.1 gone VF"), "the tree marks it:\n\(gone)")
        #expect(gone.contains("0000:01:00.1 is gone"))
        #expect(gone.contains("000  ff ff ff ff"), "its last read stays on screen")

        // Another function works and is still re-read: a byte changed on disk shows up.
        try session.keys("BTab", "Down")
        try session.waitFor("· 0000:01:00.2")
        let config = devices.appendingPathComponent("0000:01:00.2/config")
        var bytes = try [UInt8](Data(contentsOf: config))
        #expect(bytes.count > 4 && bytes[4] != 0x06)
        bytes[4] = 0x06
        try Data(bytes).write(to: config)
        let other = try session.waitFor("000  ff ff ff ff ┊ 06")
        #expect(!other.contains("GONE"), "the title is the selected function's:\n\(other)")
        #expect(other.contains("01:00.1 gone VF"), "the tree still marks the gone one")

        // Back in sysfs: the next re-read clears the mark.
        try FileManager.default.moveItem(at: parked, to: vf)
        try session.keys("Up")
        let back = try session.waitFor("0000:01:00.1 is back")
        #expect(!back.contains("GONE"))
        #expect(!back.contains("01:00.1 gone"))
        try session.keys("q")
        try session.waitFor("EXIT=0")
    }
}
