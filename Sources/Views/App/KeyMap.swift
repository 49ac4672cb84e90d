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
            [.escape], "Esc", help: "Clear the device filter (when one is set)", action: .clearFilter,
            when: .deviceFilterIsSet),
        Binding(
            [.function(2), .character("!")], "F2 !", functionKey: 2, bar: "Check",
            help: "Findings (cfgtui check) of this function and its path; Enter jumps to the register",
            action: .toggleFindings),
        Binding(
            [.escape], "Esc", help: "Close the findings", action: .toggleFindings, when: .findingsAreShown),
        Binding(
            [.function(5), .character("p")], "F5 p", functionKey: 5, bar: "Pause",
            help: "Pause or resume live re-reading (this host only)", action: .togglePause),
        Binding(
            [.function(6), .character("z")], "F6 z", functionKey: 6, bar: "Fold",
            help: "Fold or unfold runs of zero rows in the map", action: .toggleFold),
        Binding(
            [.function(10), .character("q"), .control("c")], "F10 q ^C", functionKey: 10, bar: "Quit",
            help: "Quit (the terminal is restored)", action: .quit),
        Binding(
            [.control("l")], "^L", help: "Redraw the whole screen (in every mode)", action: .redraw,
            context: .anywhere),
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
            [.mouse(.left)], "Click", help: "Focus the pane under the pointer and select the row or byte there",
            does: .clickAtPointer),
        Binding(
            [.mouse(.wheelUp), .mouse(.wheelDown)], "Wheel", help: "3 rows up or down in the focused pane",
            does: .wheel(up: .scroll(-3), down: .scroll(3))),
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
            [.character("C")], "C",
            help: "Compare with any function (cfgtui diff): pick it in the tree, Enter; C or Esc closes",
            action: .diff(.toggle)),
        Binding([.escape], "Esc", help: "Close the comparison", action: .diff(.cancel), when: .diffIsShown),
        Binding(
            [.character("s")], "s",
            help: "Overlay: next strategy (\(PlanOverlay.strategies.map(\.rawValue).joined(separator: ", ")))",
            action: .overlay(.cycleStrategy), when: .overlayIsOn),
        Binding(
            [.character("a")], "a", help: "Overlay: add a capability (PASID, PRI, ATS, then a DVSEC)",
            action: .overlay(.addProposal), when: .overlayIsOn),
        Binding(
            [.character("x"), .delete], "x Del", help: "Overlay: remove the proposal under the cursor",
            action: .overlay(.removeProposal), when: .overlayIsOn),
        Binding(
            [.character("m")], "m",
            help: "Overlay: move the proposal under the cursor with the arrows (m or Enter keeps it, Esc returns it)",
            action: .overlay(.toggleMoving), when: .overlayIsOn),
        Binding(
            [.character("e")], "e", help: "Overlay: export the plan (JSON) and the virtual space (lspci -xxxx text)",
            action: .overlay(.export), when: .overlayIsOn),
        Binding(
            [.function(9), .character("w")], "F9 w", functionKey: 9, bar: "Write",
            help: "Write simulator: guest accesses on a simulated copy (vfio model; never the device)",
            action: .simulator(.toggle)),
        Binding(
            [.character("i"), .character(":")], "i :",
            help: "Writes: type setpci expressions (COMMAND.W=0x0406 CAP_EXP+8.W=0x20:0xe0)",
            action: .simulator(.startExpression), when: .simulatorIsOn),
        Binding(
            [.character("=")], "=",
            help: "Writes: give the selected field a new value (a masked write of its register)",
            action: .simulator(.startFieldEdit), when: .simulatorIsOn),
        Binding(
            [.character("u")], "u", help: "Writes: undo the last access", action: .simulator(.undo),
            when: .simulatorIsOn),
        Binding(
            [.character("U"), .control("r")], "U ^R", help: "Writes: redo", action: .simulator(.redo),
            when: .simulatorIsOn),
        Binding(
            [.character("R")], "R", help: "Writes: reset to the starting copy (clears undo)",
            action: .simulator(.reset),
            when: .simulatorIsOn),
        Binding(
            [.character("o")], "o",
            help: "Writes: show the simulated device or the guest's view (vfio and qemu models)",
            action: .simulator(.toggleDeviceView), when: .simulatorIsOn),
        Binding(
            [.character("M")], "M",
            help: "Writes: next model, vfio, device or qemu (QEMU's layer over vfio); replays the accesses",
            action: .simulator(.switchModel), when: .simulatorIsOn),
        Binding(
            [.character("W")], "W", help: "Writes: save the session as a script for cfgtui simulate --script",
            action: .simulator(.saveScript), when: .simulatorIsOn),

        // Moving a proposal (after m): the arrows move it a dword (left/right) or a row (up/down);
        // it cannot be left where it conflicts.
        Binding(
            [.left, .character("h")], "Left h", help: "a dword back", action: .overlay(.moveProposal(-4)),
            context: .movingProposal),
        Binding(
            [.right, .character("l")], "Right l", help: "a dword on", action: .overlay(.moveProposal(4)),
            context: .movingProposal),
        Binding(
            [.up, .character("k")], "Up k", help: "a row back", action: .overlay(.moveProposal(-16)),
            context: .movingProposal),
        Binding(
            [.down, .character("j")], "Down j", help: "a row on", action: .overlay(.moveProposal(16)),
            context: .movingProposal),
        Binding(
            [.enter], "Enter", help: "keep it there (refused where it cannot go)", action: .overlay(.toggleMoving),
            context: .movingProposal),
        Binding(
            [.escape], "Esc", help: "back to its last valid offset", action: .overlay(.cancelMoving),
            context: .movingProposal),

        // Picking the function to compare with (after C): the tree's keys move the candidate.
        Binding(
            [.enter], "Enter", help: "compare with the function selected in the tree", action: .diff(.confirm),
            context: .pickingDiff),
        Binding([.escape], "Esc", help: "cancel", action: .diff(.cancel), context: .pickingDiff),

        // Typing a line.
        Binding([.enter], "Enter", help: "search / keep / apply", action: .input(.commit), context: .typing),
        Binding([.escape], "Esc", help: "cancel, clear a filter", action: .input(.cancel), context: .typing),
        Binding(
            [.backspace, .delete], "Bksp Del", help: "delete", action: .input(.deleteBackward), context: .typing),
        Binding([.anyCharacter], "Characters", help: "typed", does: .typeCharacter, context: .typing),
        Binding([.control("c")], "^C", help: "quit", action: .quit, context: .typing),

        // The help overlay.
        Binding(
            [.escape, .character("?"), .function(1), .character("q"), .enter], "Esc ? F1 q Enter", help: "close",
            action: .toggleHelp, context: .help),
        Binding([.up, .character("k")], "Up k", help: "line up", action: .scrollHelp(-1), context: .help),
        Binding([.down, .character("j")], "Down j", help: "line down", action: .scrollHelp(1), context: .help),
        Binding([.pageUp], "PgUp", help: "page up", action: .scrollHelp(-10), context: .help),
        Binding(
            [.pageDown, .character(" ")], "PgDn Space", help: "page down", action: .scrollHelp(10), context: .help),
        Binding([.home, .character("g")], "Home g", help: "top", action: .scrollHelp(Int.min), context: .help),
        Binding([.end, .character("G")], "End G", help: "bottom", action: .scrollHelp(Int.max), context: .help),
        Binding(
            [.mouse(.wheelUp), .mouse(.wheelDown)], "Wheel", help: "3 lines up or down",
            does: .wheel(up: .scrollHelp(-3), down: .scrollHelp(3)), context: .help),
        Binding([.function(10), .control("c")], "F10 ^C", help: "quit", action: .quit, context: .help),
    ]

    /// The contexts whose bindings apply in `state`, the first one first.
    static func contexts(for state: AppState) -> [Binding.Context] {
        switch state.mode {
        case .help: [.help, .anywhere]
        case .typing: [.typing, .anywhere]
        case .normal:
            state.overlay?.isMoving == true
                ? [.movingProposal, .panes, .anywhere]
                : state.diffPick != nil ? [.pickingDiff, .panes, .anywhere] : [.panes, .anywhere]
        }
    }

    /// The action for a key in the current state, if any: the first binding that takes the key
    /// and applies, in the first context that has one.
    public static func action(for key: Key, in state: AppState) -> Action? {
        for context in contexts(for: state) {
            for binding in bindings where binding.context == context {
                if let action = binding.action(for: key, in: state) { return action }
            }
        }
        return nil
    }

    /// The bindings shown in the function-key bar, by F-key, for the current state.
    public static func functionBar(for state: AppState) -> [(key: Int, label: String)] {
        var entries = [(key: Int, label: String)]()
        for binding in bindings where binding.context == .panes {
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
            if binding.action == .toggleFindings { label = state.showsFindings ? "Field" : "Check" }
            if binding.action == .simulator(.toggle) { label = state.writeSession == nil ? "Write" : "EndWr" }
            entries.append((number, label))
        }
        return entries.sorted { $0.key < $1.key }
    }
}
