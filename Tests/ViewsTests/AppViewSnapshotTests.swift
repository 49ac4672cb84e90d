import Model
import Testing

@testable import Views

/// Whole-screen golden snapshots of the explorer (characters and styles).
@Suite struct AppViewSnapshotTests {
    static let suite = "AppViewSnapshotTests"

    @Test(arguments: [(80, 24), (120, 40), (200, 60)])
    func demoPFMapAtEverySize(width: Int, height: Int) {
        var state = Fixtures.demoState(size: Size(width: width, height: height), preselect: "01:00.0")
        update(&state, .focus(.map))
        assertSnapshot(AppView.frame(state).snapshot, suite: Self.suite, name: "demoPFMap_\(width)x\(height)")
    }

    @Test func deviceTreeAt80x24() {
        let state = Fixtures.demoState(size: Size(width: 80, height: 24))
        assertSnapshot(AppView.frame(state).snapshot, suite: Self.suite, name: "deviceTree_80x24")
    }

    @Test func tooSmallSaysWhatItNeeds() {
        let state = Fixtures.demoState(size: Size(width: 40, height: 12))
        let frame = AppView.frame(state)
        assertSnapshot(frame.snapshot, suite: Self.suite, name: "tooSmall_40x12")
        #expect(frame.text.contains("needs 60x15"))
    }

    /// Below the minimum only the centred message is drawn, clipped to what fits (no trap at
    /// 0x0 or 1x1); from the minimum on, the explorer itself.
    @Test func tinySizesShowWhatFitsOfTheMessage() {
        #expect(AppView.frame(Fixtures.demoState(size: Size(width: 0, height: 0))).text.isEmpty)
        #expect(AppView.frame(Fixtures.demoState(size: Size(width: 1, height: 1))).text == "T")
        let narrow = AppView.frame(Fixtures.demoState(size: Size(width: 3, height: 200)))
        #expect((98...101).map { narrow.text(row: $0) } == ["Ter", "now", "nee", "res"])
        #expect(narrow.text.filter { $0 != " " && $0 != "\n" }.count == 12)
        let minimum = AppView.frame(Fixtures.demoState(size: AppLayout.minimum))
        #expect(!minimum.text.contains("too small"))
        #expect(minimum.text(row: AppLayout.minimum.height - 1).hasPrefix("F1Help"))
    }

    @Test func helpOverlayAt120x40() {
        var state = Fixtures.demoState(size: Size(width: 120, height: 40))
        update(&state, .toggleHelp)
        assertSnapshot(AppView.frame(state).snapshot, suite: Self.suite, name: "help_120x40")
    }

    @Test func helpScrollsToItsLastLineAndNoFurther() {
        var state = Fixtures.demoState(size: Size(width: 80, height: 24))
        UpdateTests.press([.function(1)], &state)
        #expect(!AppView.frame(state).text.contains("conflict where a proposal"))
        UpdateTests.press([.end], &state)
        let bottom = state.helpScroll
        #expect(bottom > 0)
        let frame = AppView.frame(state).text
        #expect(frame.contains("conflict where a proposal"))
        #expect(frame.contains("of \(bottom + 20)"))  // 20 lines fit inside the box at 80x24
        UpdateTests.press([.pageDown, .down], &state)
        #expect(state.helpScroll == bottom)
        UpdateTests.press([.home], &state)
        #expect(state.helpScroll == 0)
        // Arrows scroll the help, not the map behind it.
        let cursor = state.cursor
        UpdateTests.press([.down, .down], &state)
        #expect(state.helpScroll == 2 && state.cursor == cursor)
        UpdateTests.press([.escape], &state)
        #expect(state.mode == .normal)
    }

    @Test func asciiGlyphsAt120x40() {
        var state = Fixtures.demoState(size: Size(width: 120, height: 40), glyphs: .ascii, preselect: "01:00.1")
        update(&state, .focus(.map))
        let frame = AppView.frame(state)
        assertSnapshot(frame.snapshot, suite: Self.suite, name: "ascii_120x40")
        #expect(!frame.text.unicodeScalars.contains { $0.value > 0x7F })
    }

    @Test func unprivilegedReadShowsDotsNotZeros() {
        var state = Fixtures.unprivilegedState(size: Size(width: 120, height: 40))
        update(&state, .focus(.map))
        let frame = AppView.frame(state)
        assertSnapshot(frame.snapshot, suite: Self.suite, name: "unprivileged_120x40")
        #expect(frame.text.contains("… 0x040-0x0ff not readable (192 bytes)"))
        #expect(!frame.text.contains("040  00 00"))
    }

    @Test func fieldSelectionHighlightsItsBytes() {
        var state = Fixtures.demoState(size: Size(width: 120, height: 40), preselect: "01:00.0")
        update(&state, .focus(.map))
        update(&state, .startSearch)
        for character in "ECAP_PASID" { update(&state, .input(.type(character))) }
        update(&state, .input(.commit))
        update(&state, .moveHorizontally(5))  // +5: PASID Capability register, Max PASID Width byte
        assertSnapshot(AppView.frame(state).snapshot, suite: Self.suite, name: "pasidField_120x40")
    }
}
