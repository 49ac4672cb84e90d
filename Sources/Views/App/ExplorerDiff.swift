import Model

/// The explorer's comparison of the selected function (side a) with any other (side b), picked
/// from the tree: what `cfgtui diff` prints, in the fields pane, with a's differing bytes
/// marked in the map.
public struct ExplorerDiff: Sendable {
    /// Side b, by index into `AppState.functions`.
    public var otherIndex: Int
    public var comparison: FunctionComparison
    /// Side a's bytes some difference concerns, for the map.
    public var marked: Set<Int>
    /// The pane's scroll position (its lines are `DiffView.lines`).
    public var list = ListViewState()

    init(selected: PCIFunction, other: PCIFunction, otherIndex: Int) {
        self.otherIndex = otherIndex
        comparison = FunctionComparison(a: selected, b: other)
        var marked = Set<Int>()
        for range in comparison.diff.ranges(on: .a) {
            let start = max(0, range.start.rawValue)
            let end = min(range.end.rawValue, ConfigSpace.extendedSize)
            guard start < end else { continue }
            for offset in start..<end { marked.insert(offset) }
        }
        self.marked = marked
    }
}

/// `C` in the explorer: pick the function to compare with, confirm, cancel.
public enum DiffAction: Hashable, Sendable {
    /// Start picking (the tree cursor picks side b), or close the comparison.
    case toggle
    /// Compare the selected function with the one the pick started from.
    case confirm
    /// Stop picking, or close the comparison.
    case cancel
}

extension AppState {
    mutating func changeDiff(_ action: DiffAction) {
        switch action {
        case .toggle:
            if diff != nil || diffPick != nil {
                diff = nil
                diffPick = nil
                return
            }
            startDiffPick()
        case .confirm: confirmDiffPick()
        case .cancel:
            diff = nil
            diffPick = nil
        }
    }

    /// Starts picking side b for the selected function; for a VF its PF is pre-selected, for a PF
    /// its first VF.
    private mutating func startDiffPick() {
        guard let selected else {
            status = StatusMessage("no function selected to compare", kind: .warning)
            return
        }
        showsComparison = false
        showsFindings = false
        diffPick = selected.functionIndex
        focus = .devices
        let function = functions[selected.functionIndex]
        var partner: Int?
        switch function.relation {
        case .virtualFunction: partner = function.physicalFunctionIndex(in: functions)
        case .physicalFunction(let vfs):
            partner = vfs.first.flatMap { address in
                functions.firstIndex { $0.key == FunctionKey(source: function.origin.source, address: address) }
            }
        case .none: partner = nil
        }
        if let partner, let row = visibleRows.firstIndex(where: { $0.functionIndex == partner }) {
            selectDevice(row: row, readAt: isLive ? now : nil)
            keepSelectionsVisible()
        }
    }

    /// Compares the function the pick started from (a) with the one now selected (b), and
    /// selects a again.
    private mutating func confirmDiffPick() {
        guard let base = diffPick, functions.indices.contains(base), let picked = selected?.functionIndex else {
            diffPick = nil
            return
        }
        guard picked != base else {
            status = StatusMessage("pick another function than \(functions[base].address) to compare with")
            return
        }
        diffPick = nil
        var sideA = base
        var sideB = picked
        if let row = visibleRows.firstIndex(where: { $0.functionIndex == base }) {
            selectDevice(row: row, readAt: isLive ? now : nil)
        } else {
            // The first function is filtered out of the tree: the picked one stays selected as a.
            (sideA, sideB) = (picked, base)
        }
        diff = ExplorerDiff(selected: functions[sideA], other: functions[sideB], otherIndex: sideB)
        focus = .fields
        keepSelectionsVisible()
    }

    /// Computes the comparison again after a re-read changed either side.
    mutating func refreshDiff() {
        guard let current = diff, let index = selected?.functionIndex, functions.indices.contains(current.otherIndex)
        else { return }
        var refreshed = ExplorerDiff(
            selected: functions[index], other: functions[current.otherIndex], otherIndex: current.otherIndex)
        refreshed.list = current.list
        diff = refreshed
    }
}
