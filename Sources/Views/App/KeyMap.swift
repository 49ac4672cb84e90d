/// One key binding: its keys, its labels and what it does. The function-key bar and the help
/// screen are rendered from these, so labels never drift from behaviour.
public struct Binding: Sendable {
    public var keys: [Key]
    /// How the help screen names the keys (`?, F1`).
    public var keyLabel: String
    /// The F-key that shows it in the bar, if any.
    public var functionKey: Int?
    /// The short label in the bar (`Help`).
    public var barLabel: String
    /// One line for the help screen.
    public var help: String
    public var action: Action
    /// Where it applies (nil: everywhere).
    public var focus: Set<Focus>?
    /// Only while the placement overlay is on.
    public var requiresOverlay: Bool
    /// Only while the write simulator is on.
    public var requiresSimulator: Bool

    public init(
        _ keys: [Key], _ keyLabel: String, functionKey: Int? = nil, bar: String = "", help: String, action: Action,
        focus: Set<Focus>? = nil, requiresOverlay: Bool = false, requiresSimulator: Bool = false
    ) {
        self.keys = keys
        self.keyLabel = keyLabel
        self.functionKey = functionKey
        self.barLabel = bar
        self.help = help
        self.action = action
        self.focus = focus
        self.requiresOverlay = requiresOverlay
        self.requiresSimulator = requiresSimulator
    }
}

/// Keys to actions.
public enum KeyMap {
    /// Every binding, in help-screen order.
    public static let bindings: [Binding] = [
        Binding(
            [.function(1), .character("?")], "F1 ?", functionKey: 1, bar: "Help", help: "Show or close this help",
            action: .toggleHelp),
        Binding(
            [.function(3), .character("/")], "F3 /", functionKey: 3, bar: "Search",
            help: "Search the map: a capability name, a setpci name (ECAP_PASID) or an offset (0x100)",
            action: .startSearch,
            focus: [.map, .chain, .fields]),
        Binding(
            [.function(4), .character("/")], "F4 /", functionKey: 4, bar: "Filter",
            help: "Filter devices by address, name or vendor:device (in the device pane)", action: .startFilter,
            focus: [.devices]),
        Binding([.function(3)], "F3", functionKey: 3, bar: "Search", help: "", action: .startSearch),
        Binding([.function(4)], "F4", functionKey: 4, bar: "Filter", help: "", action: .startFilter),
        Binding(
            [.function(5), .character("p")], "F5 p", functionKey: 5, bar: "Pause",
            help: "Pause or resume live re-reading (this host only)", action: .togglePause),
        Binding(
            [.function(6), .character("z")], "F6 z", functionKey: 6, bar: "Fold",
            help: "Fold or unfold runs of zero rows in the map", action: .toggleFold),
        Binding(
            [.function(10), .character("q"), .control("c")], "F10 q ^C", functionKey: 10, bar: "Quit",
            help: "Quit (the terminal is restored)", action: .quit),
        Binding([.tab], "Tab", help: "Next pane: devices, map, fields, chain", action: .focusNext),
        Binding([.backTab], "Shift-Tab", help: "Previous pane", action: .focusPrevious),
        Binding(
            [.up, .character("k")], "Up k", help: "Up: a row in the map, an entry in lists", action: .moveVertically(-1)
        ),
        Binding([.down, .character("j")], "Down j", help: "Down", action: .moveVertically(1)),
        Binding(
            [.left, .character("h")], "Left h", help: "Previous byte in the map", action: .moveHorizontally(-1),
            focus: [.map]),
        Binding(
            [.right, .character("l")], "Right l", help: "Next byte in the map", action: .moveHorizontally(1),
            focus: [.map]),
        Binding(
            [.right, .character("l")], "Right l", help: "From the device list: open the map", action: .focus(.map),
            focus: [.devices]),
        Binding(
            [.left, .character("h")], "Left h", help: "From the map's neighbours: back to the map",
            action: .focus(.map), focus: [.fields, .chain]),
        Binding([.pageUp], "PgUp", help: "Page up", action: .page(-1)),
        Binding([.pageDown], "PgDn", help: "Page down", action: .page(1)),
        Binding([.home, .character("g")], "Home g", help: "First byte / first entry", action: .jumpToEnd(false)),
        Binding([.end, .character("G")], "End G", help: "Last byte / last entry", action: .jumpToEnd(true)),
        Binding(
            [.enter], "Enter",
            help: "Jump: chain entry to the map, pointer byte to its target, field to its bytes, device to its map",
            action: .activate),
        Binding([.character("n")], "n", help: "Next capability in the map", action: .nextCapability),
        Binding([.character("N")], "N", help: "Previous capability in the map", action: .previousCapability),
        Binding(
            [.function(7), .character("v")], "F7 v", functionKey: 7, bar: "Plan",
            help: "Placement overlay: proposed virtual PASID/PRI/ATS/DVSEC for this function (usually a VF)",
            action: .overlay(.toggle)),
        Binding(
            [.function(8), .character("c")], "F8 c", functionKey: 8, bar: "PF/VF",
            help: "Compare a VF with its PF side by side: what the VF lacks", action: .toggleComparison),
        Binding(
            [.character("s")], "s", help: "Overlay: next strategy (auto, pf-offset, end, first-fit, table, dvsec-hint)",
            action: .overlay(.cycleStrategy), requiresOverlay: true),
        Binding(
            [.character("a")], "a", help: "Overlay: add a capability (PASID, PRI, ATS, then a DVSEC)",
            action: .overlay(.addProposal), requiresOverlay: true),
        Binding(
            [.character("x"), .delete], "x Del", help: "Overlay: remove the proposal under the cursor",
            action: .overlay(.removeProposal), requiresOverlay: true),
        Binding(
            [.character("m")], "m",
            help: "Overlay: move the proposal under the cursor with the arrows (m or Enter ends)",
            action: .overlay(.toggleMoving), requiresOverlay: true),
        Binding(
            [.character("e")], "e", help: "Overlay: export the plan (JSON) and the virtual space (lspci -xxxx text)",
            action: .overlay(.export), requiresOverlay: true),
        Binding(
            [.function(9), .character("w")], "F9 w", functionKey: 9, bar: "Write",
            help: "Write simulator: guest accesses on a simulated copy (vfio model; never the device)",
            action: .simulator(.toggle)),
        Binding(
            [.character("i"), .character(":")], "i :",
            help: "Writes: type setpci expressions (COMMAND.W=0x0406 CAP_EXP+8.W=0x20:0xe0)",
            action: .simulator(.startExpression), requiresSimulator: true),
        Binding(
            [.character("=")], "=",
            help: "Writes: give the selected field a new value (a masked write of its register)",
            action: .simulator(.startFieldEdit), requiresSimulator: true),
        Binding(
            [.character("u")], "u", help: "Writes: undo the last access", action: .simulator(.undo),
            requiresSimulator: true),
        Binding(
            [.character("U"), .control("r")], "U ^R", help: "Writes: redo", action: .simulator(.redo),
            requiresSimulator: true),
        Binding(
            [.character("R")], "R", help: "Writes: reset to the starting copy (clears undo)",
            action: .simulator(.reset),
            requiresSimulator: true),
        Binding(
            [.character("o")], "o", help: "Writes: show the simulated device or the guest's view (vfio model)",
            action: .simulator(.toggleDeviceView), requiresSimulator: true),
        Binding(
            [.character("M")], "M", help: "Writes: switch between the vfio and device models (replays the accesses)",
            action: .simulator(.switchModel), requiresSimulator: true),
        Binding(
            [.character("W")], "W", help: "Writes: save the session as a script for cfgtui simulate --script",
            action: .simulator(.saveScript), requiresSimulator: true),
    ]

    /// The action for a key in the current state, if any.
    public static func action(for key: Key, in state: AppState) -> Action? {
        switch state.mode {
        case .typing:
            switch key {
            case .enter: return .input(.commit)
            case .escape: return .input(.cancel)
            case .backspace, .delete: return .input(.deleteBackward)
            case .character(let character): return .input(.type(character))
            case .control("c"): return .quit
            case .resize: return nil
            default: return nil
            }
        case .help:
            switch key {
            case .escape, .character("?"), .function(1), .character("q"), .enter: return .toggleHelp
            case .up, .character("k"): return .scrollHelp(-1)
            case .down, .character("j"): return .scrollHelp(1)
            case .pageUp: return .scrollHelp(-10)
            case .pageDown, .character(" "): return .scrollHelp(10)
            case .home, .character("g"): return .scrollHelp(Int.min)
            case .end, .character("G"): return .scrollHelp(Int.max)
            case .mouse(_, _, .wheelUp): return .scrollHelp(-3)
            case .mouse(_, _, .wheelDown): return .scrollHelp(3)
            case .function(10), .control("c"): return .quit
            default: return nil
            }
        case .normal:
            break
        }
        switch key {
        case .mouse(let x, let y, let button):
            switch button {
            case .left: return .click(x: x, y: y)
            case .wheelUp: return .scroll(-3)
            case .wheelDown: return .scroll(3)
            case .right: return nil
            }
        case .escape:
            return state.deviceFilter.isEmpty ? nil : .input(.cancel)
        default:
            break
        }
        // Moving a proposal: the arrows move it a dword (left/right) or a row (up/down).
        if let overlay = state.overlay, overlay.isMoving {
            switch key {
            case .left, .character("h"): return .overlay(.moveProposal(-4))
            case .right, .character("l"): return .overlay(.moveProposal(4))
            case .up, .character("k"): return .overlay(.moveProposal(-16))
            case .down, .character("j"): return .overlay(.moveProposal(16))
            case .enter, .escape, .character("m"): return .overlay(.toggleMoving)
            default: break
            }
        }
        for binding in bindings where binding.keys.contains(key) {
            if let focus = binding.focus, !focus.contains(state.focus) { continue }
            if binding.requiresOverlay && state.overlay == nil { continue }
            if binding.requiresSimulator && state.writeSession == nil { continue }
            return binding.action
        }
        return nil
    }

    /// The bindings shown in the function-key bar, by F-key, for the current state.
    public static func functionBar(for state: AppState) -> [(key: Int, label: String)] {
        var entries = [(key: Int, label: String)]()
        for binding in bindings {
            guard let number = binding.functionKey else { continue }
            if let focus = binding.focus, !focus.contains(state.focus) { continue }
            if entries.contains(where: { $0.key == number }) { continue }
            var label = binding.barLabel
            if binding.action == .togglePause {
                guard state.isLive else { continue }
                label = state.isPaused ? "Resume" : "Pause"
            }
            if binding.action == .toggleFold { label = state.foldZeroRows ? "Unfold" : "Fold" }
            if binding.action == .overlay(.toggle) { label = state.overlay == nil ? "Plan" : "Unplan" }
            if binding.action == .simulator(.toggle) { label = state.writeSession == nil ? "Write" : "EndWr" }
            entries.append((number, label))
        }
        return entries.sorted { $0.key < $1.key }
    }
}
