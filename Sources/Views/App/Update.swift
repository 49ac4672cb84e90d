import Model

/// The one place the explorer's state changes. Pure: no I/O, no clock (time arrives in
/// `.tick` and `.reread`); I/O is asked for with the returned effects.
///
/// ```
/// var effects = update(&state, .moveVertically(1))
/// ```
@discardableResult
public func update(_ state: inout AppState, _ action: Action) -> [Effect] {
    let layout = state.layout
    if !action.keepsStatus { state.status = nil }
    switch action {
    case .quit:
        state.shouldQuit = true
        return [.quit]
    case .resized(let size):
        state.size = size
        state.keepSelectionsVisible()
    case .toggleHelp:
        state.mode = state.mode == .help ? .normal : .help
        state.helpScroll = 0
    case .scrollHelp(let lines):
        let area = HelpView.area(in: state.size)
        let limit = HelpView.maximumScroll(visibleIn: area)
        switch lines {
        case Int.min: state.helpScroll = 0
        case Int.max: state.helpScroll = limit
        default: state.helpScroll = min(max(0, state.helpScroll + lines), limit)
        }
    case .focusNext, .focusPrevious:
        let order = Focus.allCases.filter { $0 != .trace || state.writeSession != nil }
        let index = order.firstIndex(of: state.focus) ?? 0
        let step = action == .focusNext ? 1 : order.count - 1
        state.focus = order[(index + step) % order.count]
        state.keepSelectionsVisible()
    case .focus(let focus):
        state.focus = focus
        state.keepSelectionsVisible()
    case .moveVertically(let rows):
        state.move(rows: rows, layout: layout)
    case .moveHorizontally(let bytes):
        state.moveCursor(to: state.cursor + bytes)
    case .page(let direction):
        let rows: Int
        switch state.focus {
        case .devices: rows = layout.deviceRowsVisible
        case .map: rows = layout.mapRowsVisible
        case .chain: rows = layout.chainRowsVisible
        case .fields: rows = layout.fieldRowsVisible
        case .trace: rows = layout.traceRowsVisible
        }
        state.move(rows: direction * max(1, rows - 1), layout: layout)
    case .jumpToEnd(let toEnd):
        state.jumpToEnd(toEnd)
    case .activate:
        state.activate()
    case .nextCapability, .previousCapability:
        state.jumpToCapability(forward: action == .nextCapability)
    case .startSearch:
        state.mode = .typing(TextInput(.search))
        if state.focus == .devices { state.focus = .map }
    case .startFilter:
        state.mode = .typing(TextInput(.filter, text: state.deviceFilter))
        state.focus = .devices
    case .input(let input):
        state.editInput(input)
    case .clearFilter:
        state.applyFilter("")
    case .redraw:
        return [.redraw]
    case .togglePause:
        guard state.isLive else {
            state.status = StatusMessage("this source is a static dump: nothing to re-read")
            return []
        }
        state.isPaused.toggle()
        state.status = StatusMessage(state.isPaused ? "live re-reading paused" : "live re-reading resumed")
    case .toggleFold:
        let offset = state.cursor
        state.foldZeroRows.toggle()
        state.relayoutMap()
        state.moveCursor(to: offset)
    case .tick(let now):
        state.now = now
        state.changedAt = state.changedAt.filter { now - $0.value < AppState.changeHighlightSeconds }
        if state.isLive, !state.isPaused, let function = state.selectedFunction {
            if state.lastRead.map({ now - $0 >= state.interval }) ?? true {
                state.lastRead = now
                return [.reread(function.address)]
            }
        }
    case .reread(let address, let result, let now):
        state.now = now
        switch result {
        case .success(let function): state.replaceFunction(function, at: now)
        case .failure(.functionGone(let gone)): state.markGone(gone)
        case .failure(let error):
            state.status = StatusMessage("re-reading \(address) failed: \(ErrorText.message(error))", kind: .error)
        }
    case .click(let x, let y):
        state.click(x: x, y: y, layout: layout)
    case .scroll(let rows):
        state.move(rows: rows, layout: layout)
    case .overlay(let overlayAction):
        guard state.writeSession == nil || !overlayAction.changesThePlan else {
            state.status = StatusMessage(
                "the write simulation runs on this plan: end it (w) before changing the overlay", kind: .warning)
            return []
        }
        return state.changeOverlay(overlayAction)
    case .exported(.success(let names)):
        state.status = StatusMessage("wrote " + names.joined(separator: " and "))
    case .exported(.failure(.cannotWrite(let path))):
        state.status = StatusMessage("export failed: cannot write \(path)", kind: .error)
    case .toggleComparison:
        state.showsComparison.toggle()
    case .toggleFindings:
        state.toggleFindings()
    case .diff(let diffAction):
        state.changeDiff(diffAction)
    case .simulator(let simulatorAction):
        return state.simulate(simulatorAction)
    }
    return []
}

extension AppState {
    // MARK: - Typing

    mutating func editInput(_ action: InputAction) {
        switch action {
        case .type(let character):
            guard case .typing(var input) = mode else { return }
            input.text.append(character)
            edit(input)
        case .deleteBackward:
            guard case .typing(var input) = mode else { return }
            _ = input.text.popLast()
            edit(input)
        case .commit:
            guard case .typing(let input) = mode else {
                mode = .normal
                return
            }
            commit(input)
        case .cancel:
            if case .typing(let input) = mode, input.kind == .filter { applyFilter("") }
            mode = .normal
        }
    }

    /// The typed line changed; the device filter applies as it is typed.
    mutating func edit(_ input: TextInput) {
        mode = .typing(input)
        switch input.kind {
        case .filter: applyFilter(input.text)
        case .search, .expression, .fieldValue: break
        }
    }

    /// Enter: a search goes there, the filter stays, the simulator applies what was typed (and
    /// keeps the text when it is refused).
    mutating func commit(_ input: TextInput) {
        switch input.kind {
        case .search:
            mode = .normal
            search(input.text)
        case .filter: mode = .normal
        case .expression: commitExpression(input.text)
        case .fieldValue: commitFieldValue(input.text)
        }
    }

    // MARK: - Placement overlay

    mutating func toggleOverlay() {
        if overlay != nil {
            overlay = nil
            status = StatusMessage("placement overlay off")
        } else if let current = selected {
            let opened = PlanOverlay(
                targetIndex: current.functionIndex, functions: functions, foldZeroRows: foldZeroRows)
            overlay = opened
            if let refusal = opened.refusal {
                status = StatusMessage("cannot plan for this function: " + PlanText.error(refusal), kind: .warning)
            } else if let first = opened.selectedOffset {
                moveCursor(to: first.rawValue)
            }
            if focus == .devices { focus = .map }
        }
        keepSelectionsVisible()
    }

    mutating func changeOverlay(_ action: OverlayAction) -> [Effect] {
        let (functions, fold, cursor) = (functions, foldZeroRows, cursor)
        switch action {
        case .toggle: toggleOverlay()
        case .export: return exportPlan()
        case .cycleStrategy:
            editOverlay(followsWithoutPlan: false) { $0.cycleStrategy(functions: functions, foldZeroRows: fold) }
        case .addProposal: editOverlay { $0.addNext(functions: functions, foldZeroRows: fold) }
        case .removeProposal:
            editOverlay { overlay in
                overlay.selectProposal(at: cursor)
                overlay.removeSelected(functions: functions, foldZeroRows: fold)
            }
        case .toggleMoving:
            var message: StatusMessage?
            editOverlay { overlay in
                guard overlay.isMoving else {
                    overlay.selectProposal(at: cursor)
                    overlay.startMoving()
                    return
                }
                let name = overlay.selectedName
                let returnTo = overlay.lastValidOffset
                if let conflict = overlay.keepMovedProposal() {
                    message = Self.refusedMoveMessage(name: name, conflict: conflict, returnTo: returnTo)
                } else if let offset = overlay.selectedOffset {
                    message = StatusMessage("\(name) kept at \(HexFormat.literal(UInt64(offset.rawValue), digits: 3))")
                }
            }
            if let message { status = message }
        case .cancelMoving:
            var message: StatusMessage?
            editOverlay { overlay in
                guard overlay.isMoving else { return }
                overlay.returnMovedProposal(functions: functions, foldZeroRows: fold)
                let name = overlay.selectedName
                let placed = overlay.plan?.placements.first { $0.requestIndex == overlay.selection }?.offset
                message = StatusMessage(
                    placed.map { "\(name) back at " + HexFormat.literal(UInt64($0.rawValue), digits: 3) }
                        ?? "\(name) back where it was: not placed")
            }
            if let message { status = message }
        case .moveProposal(let delta): editOverlay { $0.move(by: delta, functions: functions, foldZeroRows: fold) }
        }
        return []
    }

    /// Enter on an offset the moved proposal cannot take: where, the planner's reasons, and
    /// where Esc returns it.
    static func refusedMoveMessage(name: String, conflict: PlanConflict, returnTo: ConfigOffset?) -> StatusMessage {
        let at = HexFormat.literal(UInt64(conflict.range.start.rawValue), digits: 3)
        let reasons =
            conflict.reasons.isEmpty
            ? "not placed" : conflict.reasons.map { PlanText.reason($0) }.joined(separator: "; ")
        let back =
            returnTo.map { "Esc returns it to " + HexFormat.literal(UInt64($0.rawValue), digits: 3) }
            ?? "Esc returns it"
        return StatusMessage("\(name) cannot stay at \(at): \(reasons); \(back)", kind: .warning)
    }

    /// Changes the open overlay, then puts the cursor on the selected proposal (after a new
    /// strategy only when it planned: `followsWithoutPlan` false) and says why planning failed.
    private mutating func editOverlay(followsWithoutPlan: Bool = true, _ change: (inout PlanOverlay) -> Void) {
        guard var current = overlay else {
            status = StatusMessage("press v (F7) to open the placement overlay first")
            return
        }
        change(&current)
        overlay = current
        if let offset = current.selectedOffset, followsWithoutPlan || current.plan != nil {
            moveCursor(to: offset.rawValue)
        }
        if let refusal = current.refusal {
            status = StatusMessage(PlanText.error(refusal), kind: .warning)
        }
    }

    /// The plan as JSON and the virtual space as lspci -xxxx text, for the run loop to write.
    mutating func exportPlan() -> [Effect] {
        guard let current = overlay, let plan = current.plan, let function = selectedFunction else {
            status = StatusMessage(
                "nothing to export: open the placement overlay (v) on a function first", kind: .warning)
            return []
        }
        let pf = current.physicalFunctionIndex.map { PlanContext.PhysicalFunctionSource.related(functions[$0].address) }
        let context = PlanContext(
            targetAddress: function.address, targetTitle: FunctionText.title(function), physicalFunction: pf ?? .none,
            peers: [], request: current.request(functions: functions))
        var json = OutputBuffer(capacity: 4096)
        PlanReport.appendJSON(plan, context: context, to: &json)
        let name = function.address.description.replacingColons()
        let dump = LspciDump.write([
            (function.address, FunctionText.title(function) + " (virtual, planned)", plan.virtualSpace)
        ])
        return [
            .export([
                ExportFile(name: "cfgtui-plan-\(name).json", bytes: json.bytes),
                ExportFile(name: "cfgtui-virtual-\(name).txt", bytes: dump),
            ])
        ]
    }
}

extension String {
    /// `0000:01:00.1` as `0000-01-00.1`, for file names.
    func replacingColons() -> String { String(map { $0 == ":" ? "-" : $0 }) }
}

extension AppState {
    // MARK: - Movement

    mutating func move(rows: Int, layout: AppLayout) {
        switch focus {
        case .devices:
            selectDevice(row: deviceList.selection + rows, readAt: isLive ? now : nil)
        case .map:
            guard let selected = displayed else { return }
            let rowIndex = MapRows.rowIndex(of: cursor, in: selected.rows)
            let target = max(0, min(selected.rows.count - 1, rowIndex + rows))
            let row = selected.rows[target]
            if case .bytes(let offset) = row {
                moveCursor(to: offset + (cursor & 0xF))
            } else {
                moveCursor(to: row.start)
            }
        case .chain:
            guard let selected = displayed else { return }
            chainList.move(by: rows, count: selected.chainEntries.count)
        case .fields where showsFindings:
            findingsList.move(by: rows, count: findingEntries.count)
        case .fields where diff != nil:
            if var current = diff {
                current.list.move(by: rows, count: DiffView.lines(for: current.comparison).count)
                diff = current
            }
        case .fields:
            fieldList.move(by: rows, count: currentRegister?.spec.fields.count ?? 0)
        case .trace:
            guard var session = writeSession else { return }
            session.traceSelection = max(0, min(session.history.records.count - 1, session.traceSelection + rows))
            writeSession = session
        }
        keepSelectionsVisible()
    }

    /// Puts the map cursor on `offset` (clamped) and selects the register and field there.
    mutating func moveCursor(to offset: Int) {
        guard let selected = displayed else { return }
        cursor = max(0, min(selected.analysis.space.size - 1, offset))
        selectFieldUnderCursor()
        selectChainEntryUnderCursor()
        keepSelectionsVisible()
    }

    mutating func jumpToEnd(_ toEnd: Bool) {
        switch focus {
        case .devices: selectDevice(row: toEnd ? visibleRows.count - 1 : 0, readAt: isLive ? now : nil)
        case .map: moveCursor(to: toEnd ? (displayed?.analysis.space.size ?? 1) - 1 : 0)
        case .chain: chainList.jump(toEnd: toEnd, count: displayed?.chainEntries.count ?? 0)
        case .fields where showsFindings: findingsList.jump(toEnd: toEnd, count: findingEntries.count)
        case .fields: fieldList.jump(toEnd: toEnd, count: currentRegister?.spec.fields.count ?? 0)
        case .trace:
            let count = writeSession?.history.records.count ?? 1
            writeSession?.traceSelection = toEnd ? max(0, count - 1) : 0
        }
        keepSelectionsVisible()
    }

    /// Enter.
    mutating func activate() {
        if focus == .fields && showsFindings {
            activateFinding()
            return
        }
        guard let selected = displayed else {
            if focus == .devices { status = StatusMessage("no device selected") }
            return
        }
        switch focus {
        case .devices:
            focus = .map
        case .chain:
            guard selected.chainEntries.indices.contains(chainList.selection) else { return }
            switch selected.chainEntries[chainList.selection] {
            case .capability(let index):
                moveCursor(to: selected.analysis.capabilities[index].offset.rawValue)
                focus = .map
            case .diagnostic(let diagnostic):
                if let offset = diagnostic.offset {
                    moveCursor(to: offset.rawValue)
                    focus = .map
                }
            case .section, .note: break
            }
        case .fields:
            if let register = currentRegister, register.spec.fields.indices.contains(fieldList.selection) {
                let field = register.spec.fields[fieldList.selection]
                moveCursor(to: register.offset.rawValue + field.lowBit / 8)
                fieldList.selection = register.spec.fields.firstIndex(of: field) ?? fieldList.selection
                focus = .map
            }
        case .map:
            followPointerOrSelectCapability()
        case .trace:
            if let session = writeSession, session.history.records.indices.contains(session.traceSelection) {
                moveCursor(to: session.history.records[session.traceSelection].access.offset)
                focus = .map
            }
        }
        keepSelectionsVisible()
    }

    /// In the map, Enter on a pointer field follows it; elsewhere it selects the capability
    /// that owns the byte in the chain pane.
    mutating func followPointerOrSelectCapability() {
        guard let selected = displayed else { return }
        if let register = currentRegister, register.spec.fields.indices.contains(fieldList.selection),
            register.spec.fields[fieldList.selection].decoding == .configPointer,
            let value = register.value(of: register.spec.fields[fieldList.selection])
        {
            // Pointers are dword-aligned: the low two bits are reserved.
            let target = Int(value) & ~3
            if target != 0 && target < selected.analysis.space.size {
                moveCursor(to: target)
                status = StatusMessage("followed the pointer to \(HexFormat.literal(UInt64(target), digits: 2))")
                return
            }
            status = StatusMessage("the pointer is 0: the list ends here")
            return
        }
        if case .capability(let index) = selected.analysis.map.owner(at: cursor),
            let row = selected.chainEntries.firstIndex(of: .capability(index))
        {
            chainList.selection = row
            focus = .chain
        }
    }

    /// n / N: the start of the next or previous capability after the cursor.
    mutating func jumpToCapability(forward: Bool) {
        guard let selected = displayed else { return }
        let starts = selected.analysis.capabilities.map(\.offset.rawValue).sorted()
        let target = forward ? starts.first { $0 > cursor } : starts.last { $0 < cursor }
        guard let target else {
            status = StatusMessage(forward ? "no capability after this byte" : "no capability before this byte")
            return
        }
        moveCursor(to: target)
        if focus != .map && focus != .fields { focus = .map }
    }

    /// Search by capability name, abbreviation, setpci name, or an offset.
    mutating func search(_ query: String) {
        let text = query.trimmingCharactersInSpaces()
        guard !text.isEmpty, let selected else { return }
        var offset: Int?
        let lowered = text.lowercased()
        if lowered.hasPrefix("0x"), let value = Int(lowered.dropFirst(2), radix: 16) {
            offset = value
        } else if let kind = CapabilityCatalog.kind(named: text),
            let capability = selected.analysis.capabilities.first(where: { $0.kind == kind })
        {
            offset = capability.offset.rawValue
        } else if let capability = selected.analysis.capabilities.first(where: {
            $0.definition.name.lowercased().contains(lowered) || $0.definition.abbreviation.lowercased() == lowered
        }) {
            offset = capability.offset.rawValue
        } else if lowered.allSatisfy(\.isHexDigit), let value = Int(lowered, radix: 16) {
            offset = value
        }
        guard let offset, offset >= 0, offset < selected.analysis.space.size else {
            status = StatusMessage("no capability or offset matches '\(text)' on this device", kind: .warning)
            return
        }
        moveCursor(to: offset)
        focus = .map
        status = StatusMessage("found '\(text)' at \(HexFormat.literal(UInt64(offset), digits: 2))")
    }

    // MARK: - Mouse

    /// A click focuses the pane under it and selects what its widget draws there: the panes'
    /// geometry (border, header lines, rows) is the widgets' own, the same they render with.
    mutating func click(x: Int, y: Int, layout: AppLayout) {
        if let devices = layout.devices.map(DeviceListView.geometry), devices.contains(x: x, y: y) {
            focus = .devices
            if let line = devices.line(x: x, y: y) {
                selectDevice(row: deviceList.row(atLine: line), readAt: isLive ? now : nil)
            }
        } else if let map = layout.map, HexMapView.geometry(in: map).contains(x: x, y: y), let selected = displayed {
            focus = .map
            guard let offset = HexMapView.offset(atX: x, y: y, in: map, rows: selected.rows, scroll: mapScroll) else {
                return
            }
            moveCursor(to: offset)
        } else if let chain = layout.chain.map(CapabilityChainView.geometry), chain.contains(x: x, y: y),
            let selected = displayed
        {
            focus = .chain
            if let line = chain.line(x: x, y: y) {
                chainList.select(row: chainList.row(atLine: line), count: selected.chainEntries.count)
            }
        } else if let trace = layout.trace, TraceView.geometry(in: trace).contains(x: x, y: y),
            var session = writeSession
        {
            focus = .trace
            if let record = TraceView.record(atX: x, y: y, in: trace, session: session) {
                session.traceSelection = record
            }
            writeSession = session
        } else if let fields = layout.fields.map(FieldDetailView.geometry), fields.contains(x: x, y: y) {
            focus = .fields
            if showsFindings, let area = layout.fields {
                if let entry = findingsView.entry(atX: x, y: y, in: area) { findingsList.selection = entry }
            } else if let line = fields.line(x: x, y: y) {
                let row = fieldList.row(atLine: line)
                if row < currentRegister?.spec.fields.count ?? 0 { fieldList.selection = row }
            }
        }
        keepSelectionsVisible()
    }

    // MARK: - Selections that follow the cursor

    /// The register under the cursor, placed and read.
    public var currentRegister: DecodedRegister? {
        guard let selected = displayed else { return nil }
        return RegisterDecoder.register(at: cursor, in: selected.analysis)
    }

    /// Selects the first field whose bits lie in the cursor's byte.
    mutating func selectFieldUnderCursor() {
        guard let register = currentRegister else {
            fieldList.selection = 0
            return
        }
        let byte = cursor - register.offset.rawValue
        fieldList.selection =
            register.spec.fields.firstIndex { field in
                field.lowBit / 8 <= byte && field.highBit / 8 >= byte
            } ?? 0
    }

    mutating func selectChainEntryUnderCursor() {
        guard let selected = displayed, case .capability(let index) = selected.analysis.map.owner(at: cursor),
            let row = selected.chainEntries.firstIndex(of: .capability(index))
        else { return }
        chainList.selection = row
    }

    /// Scrolls every pane so its selection is visible.
    mutating func keepSelectionsVisible() {
        let layout = self.layout
        deviceList = deviceList.scrolledToShow(visibleRows: layout.deviceRowsVisible, count: visibleRows.count)
        if let selected = displayed {
            let row = MapRows.rowIndex(of: cursor, in: selected.rows)
            mapScroll = ListViewState.scroll(
                mapScroll, showing: row, visibleRows: layout.mapRowsVisible, count: selected.rows.count)
            chainList = chainList.scrolledToShow(
                visibleRows: layout.chainRowsVisible, count: selected.chainEntries.count)
        }
        fieldList = fieldList.scrolledToShow(
            visibleRows: layout.fieldRowsVisible, count: currentRegister?.spec.fields.count ?? 0)
    }
}

extension String {
    func trimmingCharactersInSpaces() -> String {
        String(self.drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}
