import Foundation
import Testing

/// The explorer's comparison with any function in a real terminal: tmux runs the real binary on
/// a real dump (QEMU's nvme PF with four VFs), `C` picks the other function in the tree, Enter
/// compares, and the fields pane and the map show the differences as a person would see them.
@Suite(.serialized) struct DiffEndToEndTests {
    typealias Session = ExplorerEndToEndTests.Session

    static let nvme = Tooling.corpus.appendingPathComponent("qemu/nvme-sriov-after-all.txt").path

    /// The screen line holding `text` (the first after the title bar).
    static func line(containing text: String, in screen: String) -> String? {
        screen.split(separator: "\n").dropFirst().first { $0.contains(text) }.map(String.init)
    }

    @Test(.requires(.tmux, .corpus)) func aVFIsComparedWithItsPFThenWithAnotherVF() throws {
        try Requirement.check(.tmux, .corpus)
        let binary = try Tooling.requireCfgtui().path
        let session = Session()
        defer { session.stop() }
        try session.start("\(binary) -F \(Self.nvme) -s 01:00.1")
        try session.waitFor("F10Quit")
        // C: the PF is pre-selected as the other side.
        try session.keys("C")
        let picking = try session.waitFor("Compare 0000:01:00.1 with:")
        #expect(picking.contains("COMPARE:"))
        #expect(picking.contains("  0000:01:00.0 Non-Volatile memory controller"))
        try session.keys("Enter")
        let compared = try session.waitFor("Diff: a 0000:01:00.1 vs b 0000:01:00.0")
        #expect(compared.contains("Migration: not compatible"))
        #expect(compared.contains("Single Root I/O Virtualization [0x"), "SR-IOV is only on the PF")
        #expect(compared.contains("Vendor ID (bits 15:0): a 0xffff, b 0x1b36"))
        #expect(compared.contains("identity: breaks"))
        // The map is the VF's again, its differing header bytes marked in words.
        #expect(compared.contains("Map 4096/4096"))
        let header = try #require(Self.line(containing: "000  ff ff ff ff", in: compared))
        #expect(header.contains("~diff"))
        // Esc closes it; C, then down the tree past the VF itself to 01:00.2, Enter.
        try session.keys("Escape")
        try session.waitFor("Fields at")
        try session.keys("C")
        try session.waitFor("Compare 0000:01:00.1 with:")
        try session.keys("Down", "Down")
        try session.waitFor("  0000:01:00.2 Non-Volatile")
        try session.keys("Enter")
        let vfs = try session.waitFor("Diff: a 0000:01:00.1 vs b 0000:01:00.2")
        #expect(vfs.contains("Migration: compatible"), "two VFs of one PF are the same device")
        #expect(!vfs.contains("identity: breaks"))
        try session.keys("q")
        try session.waitFor("EXIT=0")
    }

    @Test(.requires(.tmux)) func differingBytesShowWithoutColour() throws {
        try Requirement.check(.tmux)
        let binary = try Tooling.requireCfgtui().path
        let session = Session()
        defer { session.stop() }
        try session.start("\(binary) --demo -s 01:00.1", environment: "TERM=xterm-256color NO_COLOR=1")
        try session.waitFor("F10Quit")
        try session.keys("C", "Enter")
        try session.waitFor("Diff: a 0000:01:00.1 vs b 0000:01:00.0")
        let screen = try session.screen(escapes: true)
        let header = try #require(Self.line(containing: "~diff", in: screen))
        // Monochrome: the differing bytes are bold and underlined (SGR 1 and 4), not coloured.
        #expect(header.contains("\u{1b}[1m\u{1b}[4m") || header.contains("[1;4m") || header.contains("\u{1b}[4m"))
        try session.keys("q")
        try session.waitFor("EXIT=0")
    }
}
