import Foundation
import Glibc
import Testing

@testable import cfgtui

extension Tooling {
    static let lintianPath = "/usr/bin/lintian"
    static let jqPath = "/usr/bin/jq"
    static let unsharePath = "/usr/bin/unshare"
    static let swiftToolchain = "/opt/swift"

    /// What `make deb` builds from this tree: .build/deb/cfgtui_VERSION_ARCH.deb, VERSION being
    /// `Version.current` (deb.sh asks the binary).
    static var debPackage: URL? {
        let version = Version.current
        let directory = packageRoot.appendingPathComponent(".build/deb")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.sorted().first { $0.hasPrefix("cfgtui_\(version)_") && $0.hasSuffix(".deb") }
            .map { directory.appendingPathComponent($0) }
    }
}

/// The .deb on a host without the Swift toolchain: `make deb`'s package is unpacked with
/// `dpkg -x` into a fresh root, and everything runs in a mount namespace (`unshare -m`) whose
/// /opt/swift is an empty tmpfs, so any Swift library the binary still needed from there would
/// be missing, as on a production host.
@Suite(.serialized) struct PackageTests {
    /// An unpacked package, removed when the test ends.
    final class Unpacked {
        let root: URL
        var binary: String { root.appendingPathComponent("usr/bin/cfgtui").path }
        var manDirectory: URL { root.appendingPathComponent("usr/share/man/man1") }

        init(sourceLocation: SourceLocation = #_sourceLocation) throws {
            let package = try #require(Tooling.debPackage, "no .deb (make deb first)", sourceLocation: sourceLocation)
            root = FileManager.default.temporaryDirectory.appendingPathComponent("cfgtui-deb-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
            let extracted = try Tooling.run("/usr/bin/dpkg", ["-x", package.path, root.path])
            try #require(extracted.status == 0, "dpkg -x: \(extracted.stderr)", sourceLocation: sourceLocation)
        }

        deinit { try? FileManager.default.removeItem(at: root) }
    }

    /// Runs a command with /opt/swift hidden under an empty tmpfs (a private mount namespace).
    static func bareHost(_ command: [String], environment: [String: String]? = nil) throws -> Tooling.Output {
        try Tooling.run(
            Tooling.unsharePath,
            ["-m", "/bin/sh", "-c", "mount -t tmpfs none \(Tooling.swiftToolchain) && exec \"$@\"", "sh"] + command,
            environment: environment)
    }

    /// The shared libraries the binary may load, each with the Debian package that ships it; the
    /// kernel's vDSO has none. `Depends` must name the package of every library the binary links
    /// directly (libz and libudev come in through libpci3's own Depends).
    static let allowedLibraries: [String: String] = [
        "linux-vdso.so.1": "",
        "ld-linux-x86-64.so.2": "libc6",
        "libc.so.6": "libc6",
        "libm.so.6": "libc6",
        "libstdc++.so.6": "libstdc++6",
        "libgcc_s.so.1": "libgcc-s1",
        "libpci.so.3": "libpci3",
        "libz.so.1": "zlib1g",
        "libudev.so.1": "libudev1",
        "libncursesw.so.6": "libncursesw6",
        "libtinfo.so.6": "libtinfo6",
    ]

    static func field(_ name: String) throws -> String {
        let package = try #require(Tooling.debPackage)
        let output = try Tooling.run("/usr/bin/dpkg-deb", ["-f", package.path, name])
        try #require(output.status == 0, "dpkg-deb -f \(name): \(output.stderr)")
        return output.text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test(.requires(.root)) func theToolchainIsHiddenInTheNamespace() throws {
        try Requirement.check(.root)
        let outside = try FileManager.default.contentsOfDirectory(atPath: Tooling.swiftToolchain)
        #expect(!outside.isEmpty, "/opt/swift holds the toolchain outside the namespace")
        let inside = try Self.bareHost(["/bin/ls", "-A", Tooling.swiftToolchain])
        #expect(inside.status == 0, "\(inside.stderr)")
        #expect(inside.text.isEmpty, "/opt/swift inside the namespace: \(inside.text)")
    }

    @Test(.requires(.root, .debPackage)) func listsAndShowsTheDemoSetWithoutTheToolchain() throws {
        try Requirement.check(.root, .debPackage)
        let unpacked = try Unpacked()
        let list = try Self.bareHost([unpacked.binary, "list", "--demo"])
        #expect(list.status == 0, "\(list.stderr)")
        let lines = list.text.split(separator: "\n").map(String.init)
        #expect(lines.count == 10, "the demo set has 10 functions: \(list.text)")
        #expect(lines.contains { $0.hasPrefix("0000:01:00.0 ") && $0.contains("[PF, 2 VFs]") })
        #expect(lines.contains { $0.hasPrefix("0000:01:00.1 ") && $0.contains("[VF of 0000:01:00.0]") })
        #expect(lines.contains { $0.hasPrefix("0000:01:00.2 ") && $0.contains("[VF of 0000:01:00.0]") })
        // The same lines as the binary the tests were built with.
        if let built = try Tooling.runCfgtui(["list", "--demo"]) { #expect(built.text == list.text) }

        let show = try Self.bareHost([unpacked.binary, "show", "--demo", "--json"])
        #expect(show.status == 0, "\(show.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: show.stdout) as? [String: Any])
        let devices = try #require(json["devices"] as? [[String: Any]])
        let addresses = devices.compactMap { $0["address"] as? String }
        let listed = lines.compactMap { $0.split(separator: " ").first.map(String.init) }
        #expect(addresses == listed, "show --json lists the functions list does")
        let pf = try #require(devices.first { $0["address"] as? String == "0000:01:00.0" })
        let capabilities = (pf["capabilities"] as? [[String: Any]]) ?? []
        let names = capabilities.compactMap { $0["abbreviation"] as? String }
        #expect(names.contains("SR-IOV") && names.contains("PASID"), "the demo PF's capabilities: \(names)")
    }

    @Test(.requires(.root, .debPackage)) func linksOnlyDebianCLibraries() throws {
        try Requirement.check(.root, .debPackage)
        let unpacked = try Unpacked()
        let ldd = try Self.bareHost(["/usr/bin/ldd", unpacked.binary])
        #expect(ldd.status == 0, "ldd: \(ldd.stderr)")
        #expect(!ldd.text.contains("not found"), "\(ldd.text)")
        #expect(!ldd.text.contains(Tooling.swiftToolchain), "\(ldd.text)")
        var libraries = [String: String]()
        for line in ldd.text.split(separator: "\n") {
            let words = line.split(whereSeparator: \.isWhitespace).map(String.init)
            guard let first = words.first else { continue }
            let name = first.split(separator: "/").last.map(String.init) ?? first
            libraries[name] = words.count >= 3 && words[1] == "=>" ? words[2] : first
        }
        #expect(libraries.keys.contains("libc.so.6") && libraries.keys.contains("libpci.so.3"), "\(ldd.text)")
        for (name, path) in libraries {
            #expect(Self.allowedLibraries[name] != nil, "\(name) (\(path)) is not an allowed Debian C library")
            if name != "linux-vdso.so.1" {
                #expect(path.hasPrefix("/lib/") || path.hasPrefix("/lib64/") || path.hasPrefix("/usr/lib/"), "\(path)")
            }
        }
        // What the binary links directly (NEEDED) must be in Depends.
        let depends = try Self.field("Depends").split(separator: ",").compactMap {
            $0.split(separator: " ").first.map(String.init)
        }
        #expect(depends.contains("pci.ids"))
        let dynamic = try Tooling.run("/usr/bin/objdump", ["-p", unpacked.binary])
        let needed = dynamic.text.split(separator: "\n").filter { $0.contains("NEEDED") }
            .compactMap { $0.split(whereSeparator: \.isWhitespace).last.map(String.init) }
        #expect(!needed.isEmpty, "objdump -p names no NEEDED library: \(dynamic.stderr)")
        for library in needed {
            let package = try #require(Self.allowedLibraries[library], "\(library) is not an allowed library")
            #expect(depends.contains(package), "\(library) is \(package)'s, not in Depends \(depends)")
        }
    }

    @Test(.requires(.root, .debPackage, .tmux)) func explorerRunsInTmuxWithoutTheToolchain() throws {
        try Requirement.check(.root, .debPackage, .tmux)
        let unpacked = try Unpacked()
        let session = ExplorerEndToEndTests.Session()
        defer { session.stop() }
        // The tmux server starts inside the namespace, so it and the cfgtui it runs see the empty
        // /opt/swift; the test's own tmux clients reach it through its socket.
        let script = "env -u NO_COLOR TERM=xterm-256color \(unpacked.binary) --demo; echo EXIT=$?; sleep 60"
        let status = ExplorerEndToEndTests.Session.spawnClean(
            Tooling.unsharePath,
            [
                "-m", "/bin/sh", "-c",
                "mount -t tmpfs none \(Tooling.swiftToolchain) && exec \(Tooling.tmuxPath) -L \(session.socket)"
                    + " new-session -d -s main -x 120 -y 40 \"$0\"",
                script,
            ])
        try #require(status == 0, "unshare/tmux new-session exited \(status)")
        let first = try session.waitFor("F10Quit")
        #expect(first.contains("built-in demo set · 0000:00:00.0 Host bridge"))
        let pane = try session.tmux(["display-message", "-p", "-t", "main", "#{pane_pid}"]).text
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let seen = try FileManager.default.contentsOfDirectory(atPath: "/proc/\(pane)/root\(Tooling.swiftToolchain)")
        #expect(seen.isEmpty, "the pane's /opt/swift is the empty tmpfs: \(seen)")
        try session.keys("Down")
        let bridge = try session.waitFor("0000:00:02.0 PCI bridge")
        #expect(bridge.contains("Map 4096/4096 bytes"), "the root port's 4 KiB map replaces the host bridge's")
        try session.keys("Tab", "n")
        try session.waitFor("cursor 0x040")
        try session.keys("q")
        let after = try session.waitFor("EXIT=0")
        #expect(!after.contains("F10Quit"))
    }

    @Test(.requires(.root, .debPackage)) func manPagesRenderWithTheirSections() throws {
        try Requirement.check(.root, .debPackage)
        let unpacked = try Unpacked()
        let help = try Self.bareHost([unpacked.binary, "--help"])
        let subcommands = help.text.components(separatedBy: "SUBCOMMANDS:").last.map { section in
            // The names up to the section's first empty line ("  See 'cfgtui help ...'" follows).
            section.split(separator: "\n", omittingEmptySubsequences: false).dropFirst().prefix { !$0.isEmpty }
                .filter { $0.hasPrefix("  ") && !$0.hasPrefix("   ") }
                .compactMap { $0.split(separator: " ").first.map(String.init) }
        }
        let expected = ["cfgtui.1.gz"] + (subcommands ?? []).map { "cfgtui-\($0).1.gz" }
        #expect(expected.count == 8, "cfgtui and its seven subcommands: \(expected)")
        let pages = try FileManager.default.contentsOfDirectory(atPath: unpacked.manDirectory.path)
        #expect(Set(pages) == Set(expected))
        for page in expected {
            let path = unpacked.manDirectory.appendingPathComponent(page).path
            let man = try Self.bareHost(
                ["/usr/bin/man", "--warnings", "-l", path],
                environment: ["MANWIDTH": "80", "LC_ALL": "C.UTF-8", "PATH": "/usr/bin:/bin", "MANPAGER": "cat"])
            #expect(man.status == 0, "\(page): \(man.stderr)")
            #expect(man.stderr.isEmpty, "\(page): groff says \(man.stderr)")
            let headings = Set(
                man.text.split(separator: "\n").filter { $0.first?.isUppercase == true }.map(String.init))
            for section in ["NAME", "SYNOPSIS", "DESCRIPTION", "EXIT STATUS", "EXAMPLES", "SEE ALSO"] {
                #expect(headings.contains(section), "\(page) has no \(section) section")
            }
            let command = page == "cfgtui.1.gz" ? "cfgtui" : "cfgtui " + page.dropFirst(7).dropLast(5)
            #expect(man.text.contains("     $ \(command)"), "\(page) has an example of \(command)")
            #expect(man.text.contains("     0     "), "\(page) lists exit status 0")
            // whatis and apropos read NAME through lexgrog: "cfgtui-check - Triage: ...".
            let name = page == "cfgtui.1.gz" ? "cfgtui" : String(page.dropLast(5))
            let whatis = try Tooling.run("/usr/bin/lexgrog", [path])
            #expect(whatis.text.hasPrefix("\(path): \"\(name) - "), "\(page): lexgrog says \(whatis.text)")
            #expect(!whatis.text.contains(" - \"") && !whatis.text.contains("\"\"\n"), "\(page): \(whatis.text)")
            for leftover in ["\\(", "\\f", "`", "\n."] {
                #expect(!man.text.contains(leftover), "\(page) renders a raw '\(leftover)'")
            }
        }
    }

    @Test(.requires(.root, .debPackage, .jq)) func manPageExamplesRunWithoutTheToolchain() throws {
        try Requirement.check(.root, .debPackage, .jq)
        let unpacked = try Unpacked()
        let script = Tooling.packageRoot.appendingPathComponent("scripts/manpages.sh").path
        let run = try Self.bareHost([script, "--check-examples", unpacked.binary])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.text.contains("examples ran"), "\(run.text)")
    }

    @Test(.requires(.root, .debPackage)) func versionIsTheBinarysVersion() throws {
        try Requirement.check(.root, .debPackage)
        let unpacked = try Unpacked()
        let version = Version.current
        let printed = try Self.bareHost([unpacked.binary, "--version"])
        #expect(printed.status == 0)
        #expect(printed.text.trimmingCharacters(in: .newlines) == version)
        #expect(try Self.field("Version") == version)
    }

    @Test(.requires(.debPackage)) func filesSitInTheirDebianPlacesOwnedByRoot() throws {
        try Requirement.check(.debPackage)
        let package = try #require(Tooling.debPackage)
        let contents = try Tooling.run("/usr/bin/dpkg-deb", ["-c", package.path])
        try #require(contents.status == 0, "\(contents.stderr)")
        var entries = [String: (mode: String, owner: String)]()
        for line in contents.text.split(separator: "\n") {
            let words = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            guard words.count >= 6, let path = words.last else { continue }
            entries[String(path.dropFirst())] = (words[0], words[1])
        }
        for (path, entry) in entries {
            #expect(entry.owner == "root/root", "\(path) is owned by \(entry.owner)")
            let expectedMode =
                path.hasSuffix("/") ? "drwxr-xr-x" : path == "/usr/bin/cfgtui" ? "-rwxr-xr-x" : "-rw-r--r--"
            #expect(entry.mode == expectedMode, "\(path): \(entry.mode)")
        }
        for path in [
            "/usr/bin/cfgtui", "/usr/share/man/man1/cfgtui.1.gz", "/usr/share/man/man1/cfgtui-show.1.gz",
            "/usr/share/bash-completion/completions/cfgtui", "/usr/share/zsh/vendor-completions/_cfgtui",
            "/usr/share/fish/vendor_completions.d/cfgtui.fish", "/usr/share/doc/cfgtui/copyright",
            "/usr/share/doc/cfgtui/changelog.gz",
        ] {
            #expect(entries[path] != nil, "the package lacks \(path)")
        }
        let depends = try Self.field("Depends")
        for package in ["libc6", "libpci3", "libncursesw6", "libtinfo6", "libstdc++6", "libgcc-s1", "pci.ids"] {
            #expect(depends.contains(package + " ") || depends.hasSuffix(package), "Depends lacks \(package)")
        }
        #expect(try Self.field("Section") == "utils")
        let installedSize = try #require(Int(try Self.field("Installed-Size")))
        let binarySize = try #require(
            try FileManager.default.attributesOfItem(atPath: package.path)[.size] as? Int)
        #expect(installedSize * 1024 > binarySize, "Installed-Size \(installedSize) KiB is below the .deb's size")
    }

    /// `make install` into a staging DESTDIR with the PREFIX an operator would use, then
    /// `make uninstall` with the same: every file lands where the shells and man look, the
    /// installed binary runs, its bash completion loads, and uninstall leaves no file behind.
    /// `make -o dist` installs what `make deb` already built rather than building again.
    @Test(.requires(.debPackage), arguments: ["/usr/local", "/usr"])
    func makeInstallThenUninstallLeavesNothing(prefix: String) throws {
        try Requirement.check(.debPackage)
        let stage = FileManager.default.temporaryDirectory.appendingPathComponent("cfgtui-install-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: stage) }
        let variables = ["DESTDIR=\(stage.path)", "PREFIX=\(prefix)"]
        let make = ["--no-print-directory", "-C", Tooling.packageRoot.path, "-o", "dist"]
        let install = try Tooling.run("/usr/bin/make", make + ["install"] + variables)
        try #require(install.status == 0, "make install: \(install.stderr)")

        let root = stage.path + prefix
        let zsh = prefix == "/usr" ? "share/zsh/vendor-completions" : "share/zsh/site-functions"
        var expected: Set<String> = [
            "bin/cfgtui", "share/bash-completion/completions/cfgtui", "\(zsh)/_cfgtui",
            "share/fish/vendor_completions.d/cfgtui.fish",
        ]
        let package = try #require(Tooling.debPackage)
        let pages = try Tooling.run("/usr/bin/dpkg-deb", ["-c", package.path]).text.split(separator: "\n")
            .compactMap { $0.split(separator: "/").last.map(String.init) }.filter { $0.hasSuffix(".1.gz") }
        #expect(pages.count == 8, "the package's man pages: \(pages)")
        for page in pages { expected.insert("share/man/man1/\(page)") }
        let found = try Tooling.run("/usr/bin/find", [root, "-type", "f", "-printf", "%P %m\n"])
        var modes = [String: String]()
        for line in found.text.split(separator: "\n") {
            let words = line.split(separator: " ").map(String.init)
            if words.count == 2 { modes[words[0]] = words[1] }
        }
        #expect(Set(modes.keys) == expected, "installed under \(prefix): \(modes.keys.sorted())")
        #expect(modes["bin/cfgtui"] == "755")
        #expect(modes.filter { $0.key != "bin/cfgtui" }.values.allSatisfy { $0 == "644" }, "\(modes)")

        let binary = root + "/bin/cfgtui"
        let version = try Tooling.run(binary, ["--version"])
        #expect(version.text == Version.current + "\n", "\(version.stderr)")
        let file = try Tooling.run("/usr/bin/file", [binary])
        #expect(file.text.contains("stripped") && !file.text.contains("not stripped"), "\(file.text)")
        let completion = root + "/share/bash-completion/completions/cfgtui"
        let bash = try Tooling.run("/usr/bin/bash", ["-c", "source \"$0\" && complete -p cfgtui", completion])
        #expect(bash.status == 0 && bash.text.contains("cfgtui"), "bash completion: \(bash.text)\(bash.stderr)")

        let uninstall = try Tooling.run("/usr/bin/make", make + ["uninstall"] + variables)
        try #require(uninstall.status == 0, "make uninstall: \(uninstall.stderr)")
        let left = try Tooling.run("/usr/bin/find", [stage.path, "-not", "-type", "d"])
        #expect(left.text.isEmpty, "make uninstall left \(left.text)")
    }

    @Test(.requires(.debPackage, .lintian)) func lintianReportsNoErrors() throws {
        try Requirement.check(.debPackage, .lintian)
        let package = try #require(Tooling.debPackage)
        let lintian = try Tooling.run(Tooling.lintianPath, [package.path])
        let errors = lintian.text.split(separator: "\n").filter { $0.hasPrefix("E: ") }
        #expect(errors.isEmpty, "lintian: \(errors.joined(separator: "\n"))")
        #expect(lintian.status == 0, "lintian exited \(lintian.status): \(lintian.text)\(lintian.stderr)")
    }
}
