import Model
import Views

/// The explorer's loop: render, flush, wait for a key (or a tick), dispatch it (key map,
/// update, effects, whose results are dispatched in turn), until quit or a signal.
/// About thirty lines, as STYLE §10 asks; everything else is in `update` and `dispatch`.
enum RunLoop {
    /// How long to wait for a key before a tick: short enough for live re-reads, change
    /// highlights and termination signals to be noticed promptly.
    static let tickInterval = Duration.milliseconds(250)

    static func run<T: Terminal>(_ terminal: inout T, state: inout AppState, effects: EffectRunner) {
        let clock = ContinuousClock()
        let start = clock.now
        let now = { () -> Double in
            let elapsed = clock.now - start
            return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        }
        func perform(_ effect: Effect) -> Action? { effects.perform(effect, now: now(), on: &terminal) }
        dispatch(.tick(now: now()), to: &state, perform: perform)
        while !state.shouldQuit && !terminal.terminationRequested {
            terminal.flush(AppView.frame(state))
            if let key = terminal.nextKey(timeout: tickInterval) {
                // A resize is news from the terminal, not a binding: the loop reads the new size.
                if key == .resize {
                    dispatch(.resized(terminal.size), to: &state, perform: perform)
                } else {
                    dispatch(key, to: &state, perform: perform)
                }
            }
            dispatch(.tick(now: now()), to: &state, perform: perform)
        }
    }
}

/// Performs the I/O `update` asks for and reports back as actions.
struct EffectRunner {
    /// Re-reads a function, or nil for static sources.
    let reread: (PCIAddress) -> Result<PCIFunction, SourceError>?
    /// A host function's BAR sizes, or nil when they cannot be read.
    let barSizes: (PCIAddress) -> BARSizes?

    func perform<T: Terminal>(_ effect: Effect, now: Double, on terminal: inout T) -> Action? {
        switch effect {
        case .quit:
            return nil
        case .redraw:
            terminal.redrawAll()
            return nil
        case .export(let files):
            var written = [String]()
            for file in files {
                let path = FileWriter.currentDirectory() + "/" + file.name
                do {
                    try FileWriter.write(file.bytes, to: path)
                } catch {
                    return .exported(.failure(.cannotWrite(path: path)))
                }
                written.append(file.name)
            }
            return .exported(.success(written))
        case .readBARSizes(let address):
            return .simulator(.start(address, barSizes(address)))
        case .reread(let address):
            return reread(address).map { .reread(address, $0, now: now) }
        }
    }
}
