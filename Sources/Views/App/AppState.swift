import Model

/// Everything the explorer's screen depends on. Changed only by `update(_:_:)`.
public struct AppState: Sendable {
    // MARK: Source
    public private(set) var functions: [PCIFunction]
    /// `this host`, `dump host.txt`, `built-in demo set`.
    public var sourceDescription: String
    public var isLive: Bool

    // MARK: Devices pane
    public private(set) var treeRows: [DeviceTreeRow]
    public private(set) var visibleRows: [DeviceTreeRow]
    public var deviceFilter: String = ""
    /// The selected row of `visibleRows`, and the first row shown.
    public var deviceList = ListViewState()
    /// Every function's searchable text, built once for the set.
    private var deviceSearch: DeviceSearch
    /// The last filter's query and the positions in `treeRows` it matched: a query that
    /// extends it only looks at those.
    private var filterMatches: (query: DeviceSearch.Query, positions: [Int])?

    // MARK: The selected function
    public private(set) var selected: SelectedFunction?

    // MARK: Health check
    /// `cfgtui check` of the loaded functions: the tree's links and badges, the findings pane.
    public private(set) var check: ExplorerCheck
    /// Whether the fields pane lists the findings of the selected function and its path.
    public var showsFindings = false
    /// The selected finding of that list.
    public var findingsList = ListViewState()

    // MARK: Overlays
    /// The placement overlay, when on.
    public var overlay: PlanOverlay?
    /// Whether the fields pane shows the PF/VF comparison instead.
    public var showsComparison = false
    /// Picking the function to compare with (after `C`): the function the pick started from;
    /// the tree's selection is the candidate.
    public var diffPick: Int?
    /// The comparison of the selected function with another, in the fields pane.
    public var diff: ExplorerDiff?
    /// The write simulator, when on.
    public var writeSession: WriteSession?
    /// QEMU's device and machine for the write panel's qemu model (`--guest-bus`,
    /// `--qemu-device`, `--vpasid`); a vPASID's bits are taken from each function's host PASID.
    public var qemu = QemuOptions()
    /// `--vpasid-width`: the vPASID's width whatever the host's PASID says.
    public var qemuPASIDWidth: Int?

    // MARK: Map
    /// The byte under the cursor: the map's selection, which the fields and chain follow.
    public var cursor: Int = 0
    /// The first map row shown (rows change with folding, the overlay and the simulator, so the
    /// cursor's row is looked up in them rather than stored).
    public var mapScroll: Int = 0
    public var foldZeroRows: Bool = true

    // MARK: Chain and fields
    /// The selected entry of the chain pane.
    public var chainList = ListViewState()
    /// The selected field of the register under the cursor.
    public var fieldList = ListViewState()

    // MARK: Screen
    public var focus: Focus = .devices
    public var mode: InputMode = .normal
    /// The first help line shown while the help overlay is open.
    public var helpScroll = 0
    public var size: Size
    public var glyphs: GlyphSet
    public var status: StatusMessage?

    // MARK: Live reads
    public var isPaused: Bool = false
    /// Seconds between re-reads.
    public var interval: Double
    /// When the selected function was last read (seconds on the run loop's clock).
    public var lastRead: Double?
    public var now: Double = 0
    /// Offsets that changed at a re-read, and when.
    public var changedAt: [Int: Double] = [:]
    /// How long changed bytes stay highlighted.
    public static let changeHighlightSeconds = 3.0
    /// Functions whose re-read found them gone (their sysfs directory removed): shown as last
    /// read, marked gone in the title and tree, until a re-read finds them again.
    public private(set) var goneAddresses: Set<PCIAddress> = []

    public var shouldQuit: Bool = false

    public init(
        functions: [PCIFunction], sourceDescription: String, isLive: Bool, size: Size, glyphs: GlyphSet,
        interval: Double = 1, preselect: PCIAddress? = nil, now: Double = 0
    ) {
        self.functions = functions
        self.sourceDescription = sourceDescription
        self.isLive = isLive
        self.size = size
        self.glyphs = glyphs
        self.interval = interval
        self.now = now
        treeRows = DeviceTree.rows(for: functions)
        visibleRows = treeRows
        deviceSearch = DeviceSearch(functions)
        check = ExplorerCheck(functions)
        if let preselect, let row = visibleRows.firstIndex(where: { functions[$0.functionIndex].address == preselect })
        {
            deviceList.selection = row
            focus = .map
        }
        selectDevice(row: deviceList.selection, readAt: isLive ? now : nil)
    }

    /// The selected function, if any.
    public var selectedFunction: PCIFunction? { selected.map { functions[$0.functionIndex] } }

    /// What the map, chain and fields show: the write simulator's guest (or device) view while it
    /// is on, the overlay's virtual space while that is on, else the selected function.
    public var displayed: SelectedFunction? { writeSession?.display ?? overlay?.display ?? selected }

    /// Where the panes are for the current size, focus and simulator.
    public var layout: AppLayout { AppLayout.compute(size: size, focus: focus, showsTrace: writeSession != nil) }

    // MARK: - Changes used by update

    /// Selects the device at a visible row and analyzes it.
    mutating func selectDevice(row: Int, readAt time: Double?) {
        deviceList.select(row: row, count: visibleRows.count)
        guard visibleRows.indices.contains(deviceList.selection) else {
            selected = nil
            return
        }
        let index = visibleRows[deviceList.selection].functionIndex
        if selected?.functionIndex == index { return }
        overlay = nil
        writeSession = nil
        diff = nil
        selected = SelectedFunction(functionIndex: index, function: functions[index], foldZeroRows: foldZeroRows)
        cursor = 0
        mapScroll = 0
        chainList = ListViewState()
        fieldList = ListViewState()
        findingsList = ListViewState()
        changedAt = [:]
        lastRead = time
    }

    /// Whether a re-read found the function gone.
    public func isGone(_ address: PCIAddress) -> Bool { goneAddresses.contains(address) }

    /// A re-read found the function gone: it keeps its last bytes and is marked; the selection,
    /// the other functions and their re-reads carry on.
    mutating func markGone(_ address: PCIAddress) {
        guard functions.contains(where: { $0.address == address }) else { return }
        if goneAddresses.insert(address).inserted {
            status = StatusMessage(
                "\(address) is gone (no longer in sysfs): its last read is shown; it comes back if it reappears",
                kind: .warning)
        }
    }

    /// Replaces a function after a re-read, recording which bytes changed.
    mutating func replaceFunction(_ function: PCIFunction, at time: Double) {
        guard let index = functions.firstIndex(where: { $0.address == function.address }) else { return }
        if goneAddresses.remove(function.address) != nil { status = StatusMessage("\(function.address) is back") }
        let old = functions[index].space.bytes
        let oldSpace = functions[index].space
        // A re-read brings new bytes; relations and names found at the first scan still hold.
        var function = function
        function.relation = functions[index].relation
        function.names = functions[index].names
        functions[index] = function
        refreshDiff()
        // Changed bytes can change the findings (a link retrained, an error logged): check again.
        if function.space != oldSpace { check = ExplorerCheck(functions) }
        // New IDs change what the function is found by: the next filter starts from scratch.
        if deviceSearch.update(function, at: index) { filterMatches = nil }
        if selected?.functionIndex == index {
            let new = function.space.bytes
            for offset in 0..<max(old.count, new.count) {
                let before = offset < old.count ? Int(old[offset]) : -1
                let after = offset < new.count ? Int(new[offset]) : -1
                if before != after { changedAt[offset] = time }
            }
            selected = SelectedFunction(functionIndex: index, function: function, foldZeroRows: foldZeroRows)
            overlay?.replan(functions: functions, foldZeroRows: foldZeroRows)
            cursor = min(cursor, max(0, function.space.size - 1))
            lastRead = time
        }
    }

    /// Re-lays the map rows (after toggling folding).
    mutating func relayoutMap() {
        overlay?.replan(functions: functions, foldZeroRows: foldZeroRows)
        writeSession?.relayout(foldZeroRows: foldZeroRows)
        guard let current = selected else { return }
        selected = SelectedFunction(
            functionIndex: current.functionIndex, function: functions[current.functionIndex], foldZeroRows: foldZeroRows
        )
    }

    /// Applies the device filter: rows whose address, names or IDs contain the text (case-insensitive).
    mutating func applyFilter(_ text: String) {
        deviceFilter = text
        let selectedIndex = selected?.functionIndex
        if text.isEmpty {
            visibleRows = treeRows
            filterMatches = nil
        } else {
            let query = DeviceSearch.Query(text)
            let positions: [Int]
            if let previous = filterMatches, previous.query == query {
                positions = previous.positions
            } else if let previous = filterMatches, query.narrows(previous.query) {
                positions = previous.positions.filter { deviceSearch.matches(query, at: treeRows[$0].functionIndex) }
            } else {
                positions = treeRows.indices.filter { deviceSearch.matches(query, at: treeRows[$0].functionIndex) }
            }
            filterMatches = (query, positions)
            visibleRows = positions.map {
                DeviceTreeRow(functionIndex: treeRows[$0].functionIndex, depth: 0, continuing: [], isLastChild: true)
            }
        }
        deviceList.scroll = 0
        if let selectedIndex, let row = visibleRows.firstIndex(where: { $0.functionIndex == selectedIndex }) {
            deviceList.selection = row
        } else {
            selectDevice(row: 0, readAt: isLive ? now : nil)
        }
    }
}

/// The selected function with what the views need, computed once per selection or re-read.
public struct SelectedFunction: Sendable {
    public var functionIndex: Int
    public var analysis: FunctionAnalysis
    public var rows: [MapRow]
    public var chainEntries: [ChainEntry]

    init(functionIndex: Int, function: PCIFunction, foldZeroRows: Bool) {
        self.functionIndex = functionIndex
        analysis = function.analyze()
        rows = MapRows.rows(for: analysis, fold: foldZeroRows)
        chainEntries = ChainEntry.entries(for: analysis)
    }

    /// A virtual space is meant to hold PASID/PRI on a VF where a VMM synthesizes them, so the
    /// hardware check "a VF implements PASID" is noise for capabilities at `offsets`.
    mutating func acceptVirtualCapabilities(at offsets: Set<ConfigOffset>) {
        chainEntries.removeAll { entry in
            guard case .diagnostic(let diagnostic) = entry,
                case .virtualFunctionForbiddenCapability = diagnostic.kind,
                let offset = diagnostic.offset
            else { return false }
            return offsets.contains(offset)
        }
    }
}

/// A row of the capability chain pane.
public enum ChainEntry: Hashable, Sendable {
    /// "Standard capabilities" / "Extended capabilities".
    case section(CapabilitySpace)
    /// A capability, by index into the analysis.
    case capability(Int)
    /// A diagnostic, shown after the capability it concerns.
    case diagnostic(Diagnostic)
    /// A note when a list is empty or unreadable.
    case note(String)

    /// The chain pane's rows: each list in order, with diagnostics where they happen.
    static func entries(for analysis: FunctionAnalysis) -> [ChainEntry] {
        var entries = [ChainEntry]()
        // Diagnostics about the whole function come first.
        let chainKinds: (Diagnostic) -> Bool = { diagnostic in
            switch diagnostic.kind {
            case .nonZeroGap, .partialRead, .virtualFunctionIDs: false
            default: true
            }
        }
        var pending = analysis.diagnostics.filter(chainKinds)
        func takeDiagnostics(in range: Range<Int>) {
            let matching = pending.filter { diagnostic in
                guard let offset = diagnostic.offset?.rawValue else { return false }
                return range.contains(offset)
            }
            entries += matching.map { ChainEntry.diagnostic($0) }
            pending.removeAll { matching.contains($0) }
        }
        takeDiagnostics(in: 0..<0x40)
        for space in [CapabilitySpace.standard, .extended] {
            let indexes = analysis.capabilities.indices.filter { analysis.capabilities[$0].space == space }
            if space == .extended && indexes.isEmpty && !analysis.hasExtendedList
                && !pending.contains(where: { ($0.offset?.rawValue ?? 0) >= 0x100 })
            {
                continue
            }
            entries.append(.section(space))
            if indexes.isEmpty { entries.append(.note(space == .standard ? "none" : "none")) }
            for index in indexes {
                entries.append(.capability(index))
                let capability = analysis.capabilities[index]
                takeDiagnostics(
                    in: capability.offset.rawValue..<(capability.offset.rawValue + max(1, capability.extent.length)))
            }
            takeDiagnostics(in: space == .standard ? 0..<0x100 : 0x100..<0x1001)
        }
        entries += pending.map { ChainEntry.diagnostic($0) }
        return entries
    }
}

/// A message on the status line.
public struct StatusMessage: Hashable, Sendable {
    public enum Kind: Hashable, Sendable { case info, warning, error }
    public var text: String
    public var kind: Kind

    public init(_ text: String, kind: Kind = .info) {
        self.text = text
        self.kind = kind
    }
}
