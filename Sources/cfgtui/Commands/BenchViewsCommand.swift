import ArgumentParser
import Model
import Views

/// `cfgtui bench-views` (hidden): times the explorer's rendering in-process and prints numbers.
/// Used by scripts/bench.sh; asserts nothing.
struct BenchViewsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-views", abstract: "Time the explorer's rendering (benchmark).", shouldDisplay: false)

    @OptionGroup var source: SourceOptions

    @Option(help: "Frames to render for the per-frame numbers.")
    var frames: Int = 2000

    @Option(help: "Functions for the device filter's numbers (the set replicated, or cut, to this many).")
    var filterFunctions: Int = 9216

    func run() throws {
        let clock = ContinuousClock()
        let started = clock.now
        let names = PCINameDatabase()
        let functions = try source.loadOrExit(names: names)
        let loaded = clock.now
        // What the explorer does before its first frame: the state (device tree, the first
        // function's analysis and map) and one render.
        let size = Size(width: 200, height: 60)
        let firstState = AppState(
            functions: functions, sourceDescription: "bench", isLive: false, size: size, glyphs: .unicode)
        var frame = AppView.frame(firstState)
        let firstFrame = clock.now
        print(
            "first frame on \(functions.count) functions (load \(milliseconds(loaded - started).fixed(0)) ms"
                + " + state and render \(milliseconds(firstFrame - loaded).fixed(1)) ms):"
                + " \(milliseconds(firstFrame - started).fixed(0)) ms  (target < 300 ms)")

        // The 4 KiB function with the most capabilities: the heaviest map.
        let heaviest = functions.indices.max { weight(functions[$0]) < weight(functions[$1]) }
        let preselect = heaviest.map { functions[$0].address }
        var state = AppState(
            functions: functions, sourceDescription: "bench", isLive: false, size: size, glyphs: .unicode,
            preselect: preselect)
        print(
            "heaviest map: \(preselect?.description ?? "none"), \(state.selected?.analysis.capabilities.count ?? 0) capabilities"
        )

        update(&state, .focus(.map))
        var samples = [Double]()
        samples.reserveCapacity(frames)
        for _ in 0..<frames {
            let begin = clock.now
            frame = AppView.frame(state)
            samples.append(milliseconds(clock.now - begin))
        }
        report("full frame, 4 KiB map, 200x60", samples, target: 2)

        let keys: [Key] = [
            .down, .down, .right, .character("n"), .pageDown, .character("N"), .tab, .down, .tab, .tab, .down, .enter,
            .up,
        ]
        samples.removeAll()
        for index in 0..<frames {
            let begin = clock.now
            dispatch(keys[index % keys.count], to: &state) { _ in nil }
            frame = AppView.frame(state)
            samples.append(milliseconds(clock.now - begin))
        }
        report("keypress: key map + update + frame", samples, target: 16)

        samples.removeAll()
        var deviceState = AppState(
            functions: functions, sourceDescription: "bench", isLive: false, size: size, glyphs: .unicode)
        for index in 0..<min(frames, 400) {
            let begin = clock.now
            update(&deviceState, .moveVertically(index % 50 == 49 ? -49 : 1))
            frame = AppView.frame(deviceState)
            samples.append(milliseconds(clock.now - begin))
        }
        report("keypress: next device (analysis + frame)", samples, target: 16)

        // The placement overlay on the heaviest map: every arrow key while moving a proposal
        // re-plans (every constraint, the virtual space, its analysis) and renders.
        update(&state, .overlay(.toggle))
        if state.overlay?.plan?.placements.isEmpty ?? true {
            update(&state, .overlay(.addProposal))
            update(&state, .overlay(.addProposal))
        }
        let placed = state.overlay?.plan?.placements.count ?? 0
        update(&state, .overlay(.toggleMoving))
        samples.removeAll()
        let moves: [Key] = [.right, .right, .down, .left, .left, .up]
        for index in 0..<min(frames, 1000) where state.overlay?.isMoving == true {
            let begin = clock.now
            dispatch(moves[index % moves.count], to: &state) { _ in nil }
            frame = AppView.frame(state)
            samples.append(milliseconds(clock.now - begin))
        }
        let refusal = state.overlay?.refusal.map { " (refused: " + PlanText.error($0) + ")" } ?? ""
        print("overlay: \(placed) proposals on \(preselect?.description ?? "none")\(refusal)")
        report("keypress: move a proposal (re-plan + frame)", samples, target: 16)

        // The write simulator on the same function (with the overlay's proposals as virtual
        // capabilities): Enter on a typed expression applies it through vfio, re-analyzes the
        // guest view and renders.
        update(&state, .overlay(.toggleMoving))
        update(&state, .simulator(.toggle))
        samples.removeAll()
        let expressions = ["COMMAND.W=0406", "COMMAND.W=0002", "CAP_EXP+8.W=20:e0", "STATUS.W=ffff"]
        for index in 0..<min(frames, 1000) where state.writeSession != nil {
            update(&state, .simulator(.startExpression))
            for character in expressions[index % expressions.count] { update(&state, .input(.type(character))) }
            let begin = clock.now
            update(&state, .input(.commit))
            frame = AppView.frame(state)
            samples.append(milliseconds(clock.now - begin))
        }
        print("write simulator: \(state.writeSession?.history.position ?? 0) accesses applied")
        report("keypress: apply a write (vfio + analysis + frame)", samples, target: 16)
        benchFilter(functions, size: size, clock: clock)
        _ = frame
    }

    /// The device filter on 9,000+ functions: every typed character, Backspace and Esc (which
    /// clears it) filters the whole set, selects and renders, as the explorer does per key.
    private func benchFilter(_ functions: [PCIFunction], size: Size, clock: ContinuousClock) {
        let many = Self.replicated(functions, count: filterFunctions)
        let begin = clock.now
        var state = AppState(functions: many, sourceDescription: "bench", isLive: false, size: size, glyphs: .unicode)
        var frame = AppView.frame(state)
        print(
            "device tree of \(many.count) functions: state and first frame \(milliseconds(clock.now - begin).fixed(0)) ms"
        )
        var samples = [Double]()
        // Rows matched over every keystroke: equal between builds when the filter's answers are.
        var matched = 0
        let queries = ["nvme", "intel", "00:1f.", "8086:", "ethernet", "virtual", "qemu", "zzz"]
        for round in 0..<max(1, min(frames, 2000) / 100) {
            for query in queries {
                dispatch(.function(4), to: &state) { _ in nil }
                var keys = query.map { Key.character($0) }
                if round % 2 == 1 { keys += [.backspace, .backspace] }
                keys.append(.escape)
                for key in keys {
                    let start = clock.now
                    dispatch(key, to: &state) { _ in nil }
                    frame = AppView.frame(state)
                    samples.append(milliseconds(clock.now - start))
                    matched += state.visibleRows.count
                }
            }
        }
        print("filter: \(samples.count) keystrokes, \(matched) rows matched in all")
        report("explorer filter, \(many.count) functions, per keystroke (filter + select + frame)", samples, target: 16)

        samples.removeAll()
        for index in 0..<min(frames, 400) {
            let start = clock.now
            update(&state, .moveVertically(index % 50 == 49 ? -49 : 1))
            frame = AppView.frame(state)
            samples.append(milliseconds(clock.now - start))
        }
        report("keypress: next device on \(many.count) functions (analysis + frame)", samples, target: 16)
        _ = frame
    }

    /// The set repeated, each copy in domains of its own (relations follow), cut to `count`.
    static func replicated(_ functions: [PCIFunction], count: Int) -> [PCIFunction] {
        guard !functions.isEmpty else { return [] }
        let span = (functions.map(\.address.domain).max() ?? 0) + 1
        let copies = max(1, (count + functions.count - 1) / functions.count)
        var result = [PCIFunction]()
        result.reserveCapacity(copies * functions.count)
        for copy in 0..<copies {
            func shifted(_ address: PCIAddress) -> PCIAddress {
                PCIAddress(
                    domain: address.domain + copy * span, bus: address.bus, device: address.device,
                    function: address.function) ?? address
            }
            for function in functions {
                var moved = function
                moved.address = shifted(function.address)
                switch function.relation {
                case .none: break
                case .physicalFunction(let vfs): moved.relation = .physicalFunction(virtualFunctions: vfs.map(shifted))
                case .virtualFunction(let pf): moved.relation = .virtualFunction(physicalFunction: shifted(pf))
                }
                result.append(moved)
            }
        }
        return Array(result.prefix(count))
    }

    private func weight(_ function: PCIFunction) -> Int {
        function.space.readableLength >= 4096 ? function.analyze().capabilities.count : 0
    }

    private func milliseconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
    }

    private func report(_ name: String, _ samples: [Double], target: Double) {
        let sorted = samples.sorted()
        guard !sorted.isEmpty else { return }
        let median = sorted[sorted.count / 2]
        let p99 = sorted[min(sorted.count - 1, sorted.count * 99 / 100)]
        print(
            "\(name): median \(median.fixed(3)) ms, p99 \(p99.fixed(3)) ms,"
                + " max \(sorted[sorted.count - 1].fixed(3)) ms  (target < \(target.fixed(0)) ms)")
    }
}
