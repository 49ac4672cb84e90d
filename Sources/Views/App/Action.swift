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
    case type(Character)
    case deleteBackward
    case commitInput
    case cancelInput
    case toggleHelp
    /// Scroll the help overlay by lines (`Int.min`/`Int.max`: to the top/bottom).
    case scrollHelp(Int)
    case togglePause
    case toggleFold
    case resized(Size)
    /// Time passes (seconds on a monotonic clock); drives live re-reads and change highlights.
    case tick(now: Double)
    /// The result of re-reading a function.
    case reread(PCIAddress, PCIFunction?, failure: String?, now: Double)
    case click(x: Int, y: Int)
    case scroll(Int)
    case quit

    // MARK: Write simulator
    /// Start or end simulating guest writes on the selected function.
    case toggleSimulator
    /// Start the write simulator with these BAR sizes (nil: unknown); the answer to
    /// `Effect.readBARSizes`.
    case startSimulator(PCIAddress, BARSizes?)
    case startExpression
    case startFieldEdit
    case undoWrite
    case redoWrite
    case resetWrites
    /// Show the simulated device instead of the guest's view, or back.
    case toggleDeviceView
    /// vfio model or device model (the applied accesses are replayed).
    case switchModel
    /// Save the applied accesses as a setpci script.
    case saveScript

    // MARK: Placement overlay
    /// Turn the placement overlay on or off for the selected function.
    case toggleOverlay
    case cycleStrategy
    case addProposal
    case removeProposal
    /// Start or stop moving the selected proposal with the arrow keys.
    case toggleMoving
    /// Move the selected proposal by bytes.
    case moveProposal(Int)
    /// Write the plan (JSON) and the virtual space (lspci -xxxx text) to files.
    case exportPlan
    /// The export's outcome: the paths written, or why it failed.
    case exported(paths: [String], failure: String?)
    /// Show the PF/VF comparison in the fields pane.
    case toggleComparison
}

/// I/O the run loop performs for `update`, reporting back with an action.
public enum Effect: Hashable, Sendable {
    /// Read this function's configuration space again (live sources only).
    case reread(PCIAddress)
    /// Write files in the current directory (the plan export).
    case export([ExportFile])
    /// Read a host function's BAR sizes (sysfs `resource`) and start the write simulator.
    case readBARSizes(PCIAddress)
    case quit
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

extension Action {
    /// Whether the action changes the placement overlay (refused while a write simulation,
    /// which runs on the overlay's plan, is on).
    var changesThePlan: Bool {
        switch self {
        case .toggleOverlay, .cycleStrategy, .addProposal, .removeProposal, .toggleMoving, .moveProposal: true
        default: false
        }
    }
}
