import Model
import Testing

@testable import Views

/// Every key goes through the key table: the panes, moving a proposal, typing, the help, the
/// mouse and Ctrl-L.
@Suite struct KeyMapTests {
    static func action(_ key: Key, _ state: AppState) -> Action? { KeyMap.action(for: key, in: state) }

    @Test func theHelpsKeysScrollCloseAndQuit() {
        var state = UpdateTests.pf()
        UpdateTests.press([.character("?")], &state)
        for key in [Key.escape, .character("?"), .function(1), .character("q"), .enter] {
            #expect(Self.action(key, state) == .toggleHelp)
        }
        let scrolls: [(Key, Int)] = [
            (.up, -1), (.character("k"), -1), (.down, 1), (.character("j"), 1), (.pageUp, -10), (.pageDown, 10),
            (.character(" "), 10), (.home, Int.min), (.character("g"), Int.min), (.end, Int.max),
            (.character("G"), Int.max), (.mouse(x: 3, y: 4, button: .wheelUp), -3),
            (.mouse(x: 3, y: 4, button: .wheelDown), 3),
        ]
        for (key, lines) in scrolls { #expect(Self.action(key, state) == .scrollHelp(lines), "\(key)") }
        #expect(Self.action(.function(10), state) == .quit)
        #expect(Self.action(.control("c"), state) == .quit)
        for key in [Key.character("n"), .tab, .mouse(x: 3, y: 4, button: .left), .function(7)] {
            #expect(Self.action(key, state) == nil, "\(key)")
        }
    }

    @Test func typingTakesCharactersAndOnlyItsOwnKeys() {
        var state = UpdateTests.pf()
        UpdateTests.press([.character("/")], &state)
        #expect(Self.action(.character("q"), state) == .input(.type("q")))
        #expect(Self.action(.character(" "), state) == .input(.type(" ")))
        #expect(Self.action(.enter, state) == .input(.commit))
        #expect(Self.action(.escape, state) == .input(.cancel))
        #expect(Self.action(.backspace, state) == .input(.deleteBackward))
        #expect(Self.action(.delete, state) == .input(.deleteBackward))
        #expect(Self.action(.control("c"), state) == .quit)
        for key in [Key.function(10), .tab, .up, .resize, .mouse(x: 1, y: 1, button: .left)] {
            #expect(Self.action(key, state) == nil, "\(key)")
        }
    }

    @Test func movingAProposalTakesTheArrowsFirstAndLeavesTheRest() {
        var state = Fixtures.demoState(size: Size(width: 120, height: 40), preselect: "01:00.1")
        UpdateTests.press([.character("v")], &state)
        #expect(Self.action(.left, state) == .moveHorizontally(-1))
        UpdateTests.press([.character("m")], &state)
        let moves: [(Key, Int)] = [
            (.left, -4), (.character("h"), -4), (.right, 4), (.character("l"), 4), (.up, -16), (.character("k"), -16),
            (.down, 16), (.character("j"), 16),
        ]
        for (key, delta) in moves { #expect(Self.action(key, state) == .overlay(.moveProposal(delta)), "\(key)") }
        #expect(Self.action(.enter, state) == .overlay(.toggleMoving))
        #expect(Self.action(.character("m"), state) == .overlay(.toggleMoving))
        #expect(Self.action(.character("e"), state) == .overlay(.export))
        #expect(Self.action(.character("q"), state) == .quit)
        #expect(Self.action(.escape, state) == .overlay(.cancelMoving), "Esc returns it to its last valid offset")
    }

    @Test func theMouseClicksAndScrollsAndEscClearsAFilterOnly() {
        var state = UpdateTests.pf()
        #expect(Self.action(.mouse(x: 7, y: 9, button: .left), state) == .click(x: 7, y: 9))
        #expect(Self.action(.mouse(x: 7, y: 9, button: .wheelUp), state) == .scroll(-3))
        #expect(Self.action(.mouse(x: 7, y: 9, button: .wheelDown), state) == .scroll(3))
        #expect(Self.action(.mouse(x: 7, y: 9, button: .right), state) == nil)
        #expect(Self.action(.escape, state) == nil)
        state.applyFilter("nvm")
        #expect(Self.action(.escape, state) == .clearFilter)
    }

    @Test func ctrlLRedrawsInEveryModeAndKeepsTheStatus() {
        var state = UpdateTests.pf()
        #expect(Self.action(.control("l"), state) == .redraw)
        UpdateTests.press([.character("?")], &state)
        #expect(Self.action(.control("l"), state) == .redraw)
        UpdateTests.press([.escape, .character("/")], &state)
        #expect(Self.action(.control("l"), state) == .redraw)
        state.status = StatusMessage("kept")
        #expect(update(&state, .redraw) == [.redraw])
        #expect(state.status == StatusMessage("kept"))
    }

    @Test func theHelpListsEveryContextsKeys() {
        var buffer = ScreenBuffer(size: Size(width: 120, height: 60))
        HelpView(glyphs: .unicode).render(into: &buffer, area: buffer.bounds)
        for heading in ["Moving (m):", "Typing:", "In this help:"] { #expect(buffer.text.contains(heading)) }
        for label in [
            "^L", "Click", "Wheel", "Characters typed", "Esc ? F1 q Enter close", "Enter keep it there",
            "Esc back to its last valid offset",
        ] {
            #expect(buffer.text.contains(label), "\(label)")
        }
    }
}
