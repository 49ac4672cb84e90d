import Foundation
import Testing

/// How much of a function was read, as `list`, `show` and the explorer's map title say it: a
/// complete 256-byte space is conventional PCI space only, a short unprivileged read says root
/// would read the rest; JSON keeps its numbers.
@Suite struct ReadableSizeTests {
    @Test func aComplete256ByteSpaceIsConventionalSpaceOnly() throws {
        let list = try #require(try Tooling.runCfgtui(["list", "--demo", "-s", "00:1f.3"]))
        #expect(list.status == 0)
        #expect(list.text.hasSuffix("  conventional PCI space only (256 bytes)\n"), "\(list.text)")
        let show = try #require(try Tooling.runCfgtui(["show", "--demo", "-s", "00:1f.3"]))
        #expect(show.text.contains("Source: built-in demo set; conventional PCI space only (256 bytes)\n"))
        let extended = try #require(try Tooling.runCfgtui(["show", "--demo", "-s", "01:00.0"]))
        #expect(extended.text.contains("Source: built-in demo set; 4096/4096 bytes readable\n"))
        let map = try #require(
            try Tooling.runCfgtui(["--demo", "-s", "00:1f.3", "--dump-screen", "text", "--size", "120x40"]))
        #expect(map.text.contains("Map conventional PCI space only (256 bytes) · cursor"), "\(map.text)")
        // JSON keeps the numbers.
        let json = try #require(try Tooling.runCfgtui(["list", "--json", "--demo", "-s", "00:1f.3"]))
        let device = try #require(try CfgtuiListing(json.stdout).devices.first)
        #expect(device["readableLength"] as? Int == 256)
        #expect(device["size"] as? Int == 256)
    }

    @Test func aShortDumpSaysTheRestWasNotRead() throws {
        let file = try CommandLineTests.temporaryFile(CommandLineTests.healthyDump)
        defer { CommandLineTests.remove(file) }
        let list = try #require(try Tooling.runCfgtui(["list", "-F", file.path]))
        #expect(list.text.hasSuffix("  64/256 bytes (rest not read)\n"), "\(list.text)")
        #expect(!list.text.contains("without root"))
    }

    @Test(.requires(.root, .pciSysfs)) func anUnprivilegedReadSaysRootWouldReadTheRest() throws {
        try Requirement.check(.root, .pciSysfs)
        let binary = try Tooling.requireCfgtui()
        let drop = ["--reuid=nobody", "--regid=nogroup", "--clear-groups", binary.path]
        let list = try Tooling.run("/usr/bin/setpriv", drop + ["list"])
        #expect(list.status == 0, "\(list.stderr)")
        let lines = list.text.split(separator: "\n")
        #expect(!lines.isEmpty)
        for line in lines {
            #expect(line.contains("  64 bytes readable without root (of "), "\(line)")
        }
        let show = try Tooling.run("/usr/bin/setpriv", drop + ["show"])
        #expect(show.text.contains("; 64 bytes readable without root (of "), "\(show.text.prefix(600))")
        let map = try Tooling.run("/usr/bin/setpriv", drop + ["--dump-screen", "text", "--size", "120x40"])
        #expect(map.text.contains("Map 64 bytes readable without root (of "), "\(map.text.prefix(600))")
    }
}
