import Model

/// Everything that can happen to the explorer. Keys become actions through the `KeyMap`;
/// I/O results come back from the run loop as actions.
public enum Action: Hashable, Sendable {
    /// Move the focused pane's selection (rows) or the map cursor (rows of 16 bytes).
    case moveVertically(Int)
    /// Move the map cursor by bytes.
    case moveHorizontally(Int)
    /// A page up (-1) or down (+1) in the focused pane.
    case page(Int)
    /// To the first (false) or last (true) entry of the focused pane.
    case jumpToEnd(Bool)
    case focusNext
    case focusPrevious
    case focus(Focus)
    /// Enter: follow what is under the cursor or selection.
    case activate
    /// n / N: the next or previous capability in the map.
    case nextCapability
    case previousCapability
    case startSearch
    case startFilter
    /// Editing the line being typed.
    case input(InputAction)
    /// Show every device again (Esc with a device filter set).
    case clearFilter
    case toggleHelp
    /// Scroll the help overlay by lines (`Int.min`/`Int.max`: to the top/bottom).
    case scrollHelp(Int)
    case togglePause
    case toggleFold
    /// Show the PF/VF comparison in the fields pane.
    case toggleComparison
    /// Show the findings of the selected function and its path in the fields pane, or close them.
    case toggleFindings
    /// Compare the selected function with any other (`C`, pick from the tree).
    case diff(DiffAction)
    case resized(Size)
    /// Time passes (seconds on a monotonic clock); drives live re-reads and change highlights.
    case tick(now: Double)
    /// The result of re-reading a function: its new bytes, or why they could not be read.
    case reread(PCIAddress, Result<PCIFunction, SourceError>, now: Double)
    case click(x: Int, y: Int)
    case scroll(Int)
    /// Repaint the whole terminal (Ctrl-L), as after something else wrote to it.
    case redraw
    /// The placement overlay.
    case overlay(OverlayAction)
    /// The write simulator.
    case simulator(SimulatorAction)
    /// The outcome of `Effect.export`: the names written, or the file that could not be.
    case exported(Result<[String], ExportError>)
    case quit

    /// Whether the action leaves the status message up. A message lasts until the next key:
    /// time passing, a re-read, a resize and a repaint keep it.
    var keepsStatus: Bool {
        switch self {
        case .tick, .reread, .resized, .redraw: true
        case .moveVertically, .moveHorizontally, .page, .jumpToEnd, .focusNext, .focusPrevious, .focus, .activate,
            .nextCapability, .previousCapability, .startSearch, .startFilter, .input, .clearFilter, .toggleHelp,
            .scrollHelp,
            .togglePause, .toggleFold, .toggleComparison, .toggleFindings, .diff, .click, .scroll, .overlay, .simulator,
            .exported, .quit:
            false
        }
    }
}

/// Editing the line being typed (`InputMode.typing`).
public enum InputAction: Hashable, Sendable {
    case type(Character)
    case deleteBackward
    /// Enter: search, keep the filter, apply the expression or the field value.
    case commit
    /// Esc: stop typing (a filter being typed is cleared).
    case cancel
}

/// What the placement overlay's keys do.
public enum OverlayAction: Hashable, Sendable {
    /// Turn the overlay on or off for the selected function.
    case toggle
    case cycleStrategy
    case addProposal
    case removeProposal
    /// Start moving the selected proposal with the arrow keys, or keep it where it is (refused
    /// where it cannot go: moving goes on).
    case toggleMoving
    /// Stop moving, with the proposal back at its last valid offset.
    case cancelMoving
    /// Move the selected proposal by bytes.
    case moveProposal(Int)
    /// Write the plan (JSON) and the virtual space (lspci -xxxx text) to files.
    case export

    /// Whether the action changes the plan (refused while a write simulation, which runs on the
    /// overlay's plan, is on).
    var changesThePlan: Bool {
        switch self {
        case .toggle, .cycleStrategy, .addProposal, .removeProposal, .toggleMoving, .cancelMoving, .moveProposal: true
        case .export: false
        }
    }
}

/// What the write simulator's keys do.
public enum SimulatorAction: Hashable, Sendable {
    /// Start or end simulating guest writes on the selected function.
    case toggle
    /// Start with these BAR sizes (nil: unknown); the answer to `Effect.readBARSizes`.
    case start(PCIAddress, BARSizes?)
    /// Type setpci expressions.
    case startExpression
    /// Type a new value for the selected field.
    case startFieldEdit
    case undo
    case redo
    case reset
    /// Show the simulated device instead of the guest's view, or back.
    case toggleDeviceView
    /// vfio model or device model (the applied accesses are replayed).
    case switchModel
    /// Save the applied accesses as a setpci script.
    case saveScript
}

/// I/O the run loop performs for `update`, reporting back with an action.
public enum Effect: Hashable, Sendable {
    /// Read this function's configuration space again (live sources only).
    case reread(PCIAddress)
    /// Write files in the current directory (the plan export).
    case export([ExportFile])
    /// Read a host function's BAR sizes (sysfs `resource`) and start the write simulator.
    case readBARSizes(PCIAddress)
    /// Repaint the whole terminal on the next frame.
    case redraw
    case quit
}

/// Why an export stopped: the file that could not be written (the ones before it were).
public enum ExportError: Error, Hashable, Sendable {
    case cannotWrite(path: String)
}

/// A file to write: a name in the current directory and its bytes.
public struct ExportFile: Hashable, Sendable {
    public var name: String
    public var bytes: [UInt8]

    public init(name: String, bytes: [UInt8]) {
        self.name = name
        self.bytes = bytes
    }
}
