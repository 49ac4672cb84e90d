import Foundation
import Testing

/// The explorer's findings in a real terminal: tmux runs the real binary, `!` (or F2) opens the
/// findings of the selected function and its path, Enter on one moves the map and the fields
/// to its register, as a person would see it.
@Suite(.serialized) struct FindingsEndToEndTests {
    typealias Session = ExplorerEndToEndTests.Session

    /// The screen line holding `text` (the first after the title bar).
    static func line(containing text: String, in screen: String) -> String? {
        screen.split(separator: "\n").dropFirst().first { $0.contains(text) }.map(String.init)
    }

    @Test(.requires(.tmux)) func theDemoSetsFindingsJumpToTheRootPortsLinkStatus() throws {
        try Requirement.check(.tmux)
        let binary = try Tooling.requireCfgtui().path
        let session = Session()
        defer { session.stop() }
        try session.start("\(binary) --demo -s 01:00.0")
        let first = try session.waitFor("F10Quit")
        // The tree: badges on every function with findings, the bottleneck marked, readable
        // without colour.
        let port = try #require(Self.line(containing: "00:02.0 PCI bridge", in: first))
        #expect(port.contains("E1 i2"))
        let pf = try #require(Self.line(containing: "01:00.0 PF(2)", in: first))
        #expect(pf.contains("▼ W1 i1"))
        #expect(first.contains("F2Check"))
        // ! opens the findings: the NVMe PF's own, then its root port's.
        try session.keys("!")
        let list = try session.waitFor("Findings (5)")
        #expect(list.contains("sriov-no-vf-bar-space  Single Root I/O Virtualization > VF BAR0 @0x144"))
        #expect(list.contains("on its path: 00:02.0 PCI bridge"))
        #expect(list.contains("error   data-link-inactive"))
        #expect(list.contains("F2Field"))
        // The third finding is the port's link being down; Enter goes there.
        try session.keys("Down", "Down", "Enter")
        // Waits for the field's line, the last thing the jump draws (the title, map and
        // fields pane may land in earlier frames on a loaded machine).
        let jumped = try session.waitFor("→ Data Link Layer Link Active (bit 13)")
        #expect(jumped.contains("cursor 0x067"))
        #expect(jumped.contains("0000:00:02.0 PCI bridge"), "the port is now the selected function")
        #expect(jumped.contains("Fields at 0x067"))
        #expect(jumped.contains("0x066 Link Status"))
        #expect(jumped.contains("→ Data Link Layer Link Active (bit 13)"), "the field itself is selected")
        // The findings again, then Esc back to the fields.
        try session.keys("!")
        try session.waitFor("Findings (3)")
        try session.keys("Escape")
        try session.waitFor("Fields at 0x067")
        try session.keys("q")
        try session.waitFor("EXIT=0")
    }

    /// The screen line (with its escape sequences) whose text holds `text`.
    static func escapedLine(containing text: String, in screen: String) -> String? {
        screen.split(separator: "\n").dropFirst().first { line in
            line.replacing(/\x1B\[[0-9;]*m/, with: "").contains(text)
        }.map(String.init)
    }

    /// The badge is the worst severity's colour where colour is on, and without colour it
    /// still reads (letters and counts) and stands out (bold, reverse video for errors).
    @Test(.requires(.tmux)) func badgesTakeTheSeveritysColourAndStayReadableWithout() throws {
        try Requirement.check(.tmux)
        let binary = try Tooling.requireCfgtui().path
        let colour = Session()
        defer { colour.stop() }
        try colour.start("\(binary) --demo -s 01:00.0")
        try colour.waitFor("F10Quit")
        let painted = try colour.screen(escapes: true)
        // Vermillion (xterm-256 colour 166) is the theme's error colour.
        let port = try #require(Self.escapedLine(containing: "00:02.0 PCI bridge", in: painted))
        let badge = try #require(port.range(of: "E1 i2"))
        let before = String(port[..<badge.lowerBound].suffix(40))
        #expect(before.contains("38;5;166") || before.contains("48;5;166"), "the error badge is vermillion: \(before)")
        try colour.keys("q")
        try colour.waitFor("EXIT=0")
        colour.stop()

        let mono = Session()
        defer { mono.stop() }
        try mono.start("\(binary) --demo -s 01:00.0", environment: "TERM=xterm-256color NO_COLOR=1")
        try mono.waitFor("F10Quit")
        let plain = try mono.screen(escapes: true)
        #expect(!plain.contains("38;5;") && !plain.contains("48;5;"))
        let monoPort = try #require(Self.escapedLine(containing: "00:02.0 PCI bridge", in: plain))
        let monoBadge = try #require(monoPort.range(of: "E1 i2"))
        let attributes = String(monoPort[..<monoBadge.lowerBound].suffix(12))
        #expect(
            attributes.contains("7m") || attributes.contains(";7"), "an error badge is in reverse video: \(attributes)")
        try mono.keys("q")
        try mono.waitFor("EXIT=0")
    }

    @Test(.requires(.tmux, .corpus)) func aCorpusTreesFindingsShowLinksBadgesAndJumpToDeviceStatus() throws {
        try Requirement.check(.tmux, .corpus)
        let binary = try Tooling.requireCfgtui().path
        let dump = Tooling.corpus.appendingPathComponent("raw/049-tree-fujitsu-p8010.txt").path
        let session = Session()
        defer { session.stop() }
        // Wide enough for the link column beside the names.
        try session.start("\(binary) -F \(dump) -s 04:00.0", width: 200, height: 50)
        let first = try session.waitFor("F10Quit")
        let port = try #require(Self.line(containing: "00:1c.0 PCI bridge", in: first))
        #expect(port.contains("2.5GT/s x1"))
        let ethernet = try #require(Self.line(containing: "04:00.0 Ethernet", in: first))
        #expect(ethernet.contains("2.5GT/s x1"))
        #expect(ethernet.contains("W1 i2"))
        #expect(ethernet.contains("▼"), "the selected endpoint's only link is its bottleneck")
        let bridge = try #require(Self.line(containing: "00:1e.0 PCI bridge", in: first))
        #expect(bridge.contains("W1") && !bridge.contains("GT/s"), "a conventional PCI bridge has no link")
        // Its findings, and the root port's note on its path.
        try session.keys("!")
        let list = try session.waitFor("Findings (")
        #expect(list.contains("device-status-errors  PCI Express > Device Status @0xea"))
        #expect(list.contains("aer-correctable"))
        #expect(list.contains("on its path: 00:1c.0 PCI bridge"))
        #expect(list.contains("acs-missing"))
        // The second one (after the bottleneck): Device Status.
        try session.keys("Down", "Enter")
        let jumped = try session.waitFor("cursor 0x0ea")
        #expect(jumped.contains("Fields at 0x0ea"))
        #expect(jumped.contains("0x0ea Device Status"))
        #expect(jumped.contains("device-status-errors: PCI Express > Device Status @0xea"))
        try session.keys("q")
        try session.waitFor("EXIT=0")
    }
}
