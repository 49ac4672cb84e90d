import Model
import Testing
import Views

@testable import cfgtui

/// The run loop against a scripted terminal (no ncurses): keys in, frames and repaints out.
@Suite struct RunLoopTests {
    /// Gives the scripted keys one by one, then asks the loop to end; records what it is asked.
    struct ScriptedTerminal: Terminal {
        var keys: [Key]
        var size: Size
        /// The size a `.resize` key switches to.
        var resizedTo: Size?
        var frames = [ScreenBuffer]()
        var repaints = 0
        var terminationRequested: Bool { keys.isEmpty }

        mutating func nextKey(timeout: Duration?) -> Key? {
            guard !keys.isEmpty else { return nil }
            let key = keys.removeFirst()
            if key == .resize, let resizedTo { size = resizedTo }
            return key
        }

        mutating func flush(_ buffer: ScreenBuffer) { frames.append(buffer) }
        mutating func redrawAll() { repaints += 1 }
    }

    static func state(size: Size) throws -> AppState {
        let functions = try SourceOptions.load(.demo, names: PCINameDatabase())
        return AppState(
            functions: functions, sourceDescription: "built-in demo set", isLive: false, size: size, glyphs: .unicode,
            preselect: PCIAddress(bus: 1, device: 0, function: 1))
    }

    static var effects: EffectRunner { EffectRunner(reread: { _ in nil }, barSizes: { _ in nil }) }

    @Test func keysGoThroughTheTableAndCtrlLRepaints() throws {
        let keys: [Key] = [
            .character("n"), .control("l"), .character("?"), .control("l"), .character("q"), .character("q"),
            .character("n"),
        ]
        var terminal = ScriptedTerminal(keys: keys, size: Size(width: 120, height: 40))
        var state = try Self.state(size: terminal.size)
        RunLoop.run(&terminal, state: &state, effects: Self.effects)
        #expect(terminal.repaints == 2, "Ctrl-L repaints, in the panes and in the help")
        #expect(state.mode == .normal, "the first q closes the help (its own keys apply there)")
        #expect(state.shouldQuit, "the second quits")
        #expect(terminal.keys == [.character("n")], "nothing is read after quitting")
        #expect(state.cursor == 0x40, "n went to the first capability")
    }

    @Test func aResizeReadsTheTerminalsNewSize() throws {
        var terminal = ScriptedTerminal(
            keys: [.resize, .character("G"), .character("q")], size: Size(width: 120, height: 40),
            resizedTo: Size(width: 80, height: 24))
        var state = try Self.state(size: terminal.size)
        RunLoop.run(&terminal, state: &state, effects: Self.effects)
        #expect(state.size == Size(width: 80, height: 24))
        #expect(terminal.frames.last?.size == Size(width: 80, height: 24))
        #expect(state.shouldQuit)
    }

    @Test func theScreenDumpDispatchesAsTheLoopDoes() throws {
        // w needs BAR sizes first (an effect): the dump answers "unknown" and the simulator starts.
        let state = try Self.state(size: Size(width: 120, height: 40))
        let keys = ScreenDump.keys("wiCOMMAND.W=0x0406<enter>")
        let dumped = ScreenDump.frame(state, keys: keys)
        #expect(dumped.text.contains("[1] COMMAND.W=0x0406"))
        var terminal = ScriptedTerminal(keys: keys + [.character("q")], size: state.size)
        var live = state
        RunLoop.run(&terminal, state: &live, effects: Self.effects)
        #expect(terminal.frames.last == dumped)
    }
}
