import Model
import Testing

@testable import Views

/// Key sequences through the key map and update, asserting on state and effects.
@Suite struct UpdateTests {
    /// Dispatches keys as the run loop does, performing no I/O; returns every effect.
    @discardableResult
    static func press(_ keys: [Key], _ state: inout AppState) -> [Effect] {
        keys.flatMap { key in dispatch(key, to: &state) { _ in nil } }
    }

    static func pf() -> AppState { Fixtures.demoState(size: Size(width: 120, height: 40), preselect: "01:00.0") }

    @Test func preselectionOpensTheMapOfThatFunction() {
        let state = Self.pf()
        #expect(state.selectedFunction?.address.description == "0000:01:00.0")
        #expect(state.focus == .map)
        #expect(state.cursor == 0)
    }

    @Test func tabCyclesThePanesAndShiftTabGoesBack() {
        var state = Fixtures.demoState(size: Size(width: 120, height: 40))
        #expect(state.focus == .devices)
        Self.press([.tab], &state)
        #expect(state.focus == .map)
        Self.press([.tab, .tab], &state)
        #expect(state.focus == .chain)
        Self.press([.tab], &state)
        #expect(state.focus == .devices)
        Self.press([.backTab], &state)
        #expect(state.focus == .chain)
    }

    @Test func arrowsAndVimKeysMoveTheCursorByBytesAndRows() {
        var state = Self.pf()
        Self.press([.right, .character("l"), .down, .character("j")], &state)
        #expect(state.cursor == 2 + 32)
        Self.press([.left, .up], &state)
        #expect(state.cursor == 1 + 16)
        Self.press([.character("G")], &state)
        #expect(state.cursor == 0xFFF)
        Self.press([.character("g")], &state)
        #expect(state.cursor == 0)
        Self.press([.left, .up], &state)
        #expect(state.cursor == 0)
    }

    @Test func movingOverAByteSelectsItsRegisterAndField() {
        var state = Self.pf()
        Self.press([.right, .right, .right, .right, .right], &state)  // 0x05: Command, high byte
        let register = state.currentRegister
        #expect(register?.spec.name == "Command")
        let field = register.map { $0.spec.fields[state.fieldList.selection] }
        #expect(field?.lowBit == 8)
    }

    @Test func nextAndPreviousCapabilityJumpAlongBothChains() throws {
        var state = Self.pf()
        let analysis = try #require(state.selected?.analysis)
        let starts = analysis.capabilities.map(\.offset.rawValue).sorted()
        Self.press([.character("n")], &state)
        #expect(state.cursor == starts[0])
        Self.press([.character("n"), .character("n")], &state)
        #expect(state.cursor == starts[2])
        Self.press([.character("N")], &state)
        #expect(state.cursor == starts[1])
    }

    @Test func enterInTheChainJumpsTheMapToTheCapability() throws {
        var state = Self.pf()
        Self.press([.tab, .tab], &state)
        #expect(state.focus == .chain)
        let entries = try #require(state.selected?.chainEntries)
        let pasidRow = try #require(
            entries.firstIndex { entry in
                if case .capability(let index) = entry {
                    return state.selected?.analysis.capabilities[index].kind == .extended(.processAddressSpaceID)
                }
                return false
            })
        Self.press(Array(repeating: .down, count: pasidRow), &state)
        Self.press([.enter], &state)
        #expect(state.focus == .map)
        #expect(state.cursor == DemoSet.pasidOffset.rawValue)
    }

    @Test func enterOnANextPointerFollowsIt() {
        var state = Self.pf()
        Self.press([.character("/")], &state)
        for character in "0x34" { Self.press([.character(character)], &state) }
        Self.press([.enter], &state)
        #expect(state.cursor == 0x34)
        let pointer = Int(state.selected?.analysis.space.byte(at: 0x34) ?? 0) & 0xFC
        Self.press([.enter], &state)
        #expect(state.cursor == pointer)
        #expect(state.status?.text.contains("followed the pointer") == true)
    }

    @Test(arguments: ["ECAP_PASID", "pasid", "Process Address", "0x180", "180"])
    func searchFindsCapabilitiesAndOffsets(query: String) {
        var state = Self.pf()
        Self.press([.function(3)], &state)
        for character in query { Self.press([.character(character)], &state) }
        Self.press([.enter], &state)
        #expect(state.cursor == DemoSet.pasidOffset.rawValue)
        #expect(state.mode == .normal)
    }

    @Test func aSearchWithoutMatchSaysSo() {
        var state = Self.pf()
        Self.press([.character("/")], &state)
        for character in "ECAP_DOE" { Self.press([.character(character)], &state) }
        Self.press([.enter], &state)
        #expect(state.cursor == 0)
        #expect(state.status?.kind == .warning)
    }

    @Test func typingInTheDevicePaneFiltersAndEscapeClears() {
        var state = Fixtures.demoState(size: Size(width: 120, height: 40))
        Self.press([.character("/")], &state)
        for character in "nvm" { Self.press([.character(character)], &state) }
        #expect(state.visibleRows.count == 3)
        Self.press([.enter], &state)
        #expect(state.mode == .normal)
        #expect(state.visibleRows.count == 3)
        Self.press([.escape], &state)
        #expect(state.visibleRows.count == 10)
    }

    @Test func escWhileMovingAProposalReturnsItAndKeepsTheDeviceFilter() {
        var state = Fixtures.demoState(size: Size(width: 120, height: 40), preselect: "01:00.1")
        state.applyFilter("01:00.1")
        #expect(state.selectedFunction?.address.description == "0000:01:00.1")
        state.moveCursor(to: DemoSet.pasidOffset.rawValue)
        Self.press([.character("v"), .character("m"), .up, .up], &state)
        #expect(state.overlay?.conflict != nil)
        #expect(KeyMap.action(for: .escape, in: state) == .overlay(.cancelMoving))
        Self.press([.escape], &state)
        #expect(state.deviceFilter == "01:00.1", "Esc ended the move, it did not clear the filter")
        #expect(state.overlay?.isMoving == false)
        #expect(state.overlay?.conflict == nil)
        #expect(KeyMap.action(for: .escape, in: state) == .clearFilter)
    }

    @Test func selectingAFieldHighlightsExactlyItsBytes() throws {
        var state = Self.pf()
        state.search("0x40")
        Self.press([.tab], &state)
        #expect(state.focus == .fields)
        let register = try #require(state.currentRegister)
        Self.press([.down], &state)
        let field = register.spec.fields[state.fieldList.selection]
        let frame = AppView.frame(state)
        let highlighted = frame.cells.filter { $0.style.role == .fieldHighlight || $0.style.role == .cursor }
        // Each byte shows two hex digits; the field's bytes (and the cursor) are highlighted.
        let bytes = field.highBit / 8 - field.lowBit / 8 + 1
        #expect(highlighted.count >= 2 * bytes)
    }

    @Test func foldingKeepsTheCursorAndChangesTheRows() throws {
        var state = Self.pf()
        let folded = try #require(state.selected?.rows.count)
        Self.press([.character("z")], &state)
        #expect(state.selected?.rows.count == 256)
        #expect(folded < 256)
        Self.press([.character("z")], &state)
        #expect(state.selected?.rows.count == folded)
    }

    @Test func liveSourcesRereadOnTheIntervalAndPauseStopsIt() {
        var state = Fixtures.liveState()
        let address = state.selectedFunction?.address
        #expect(update(&state, .tick(now: 100.5)).isEmpty)
        #expect(update(&state, .tick(now: 101.1)) == address.map { [.reread($0)] })
        Self.press([.character("p")], &state)
        #expect(state.isPaused)
        #expect(update(&state, .tick(now: 105)).isEmpty)
        Self.press([.function(5)], &state)
        #expect(update(&state, .tick(now: 106)) == address.map { [.reread($0)] })
    }

    @Test func aRereadHighlightsChangedBytesForAFewSeconds() throws {
        var state = Fixtures.liveState()
        var function = try #require(state.selectedFunction)
        function.space = function.space.setting(0x0507, at: 0x04, length: 2)
        update(&state, .reread(function.address, .success(function), now: 200))
        #expect(!state.changedAt.isEmpty)
        #expect(state.changedAt.keys.allSatisfy { [0x04, 0x05].contains($0) })
        #expect(state.changedAt[0x04] == 200)
        update(&state, .tick(now: 202))
        #expect(state.changedAt[0x04] == 200)
        update(&state, .tick(now: 203.5))
        #expect(state.changedAt.isEmpty)
    }

    @Test func aFailedRereadOrExportSaysWhy() throws {
        var state = Fixtures.liveState()
        let address = try #require(state.selectedFunction?.address)
        let before = state.selectedFunction
        update(&state, .reread(address, .failure(.libpci("Cannot open config")), now: 200))
        #expect(state.status == StatusMessage("re-reading \(address) failed: libpci: Cannot open config", kind: .error))
        #expect(state.selectedFunction == before)
        update(&state, .exported(.failure(.cannotWrite(path: "/read-only/cfgtui-plan.json"))))
        #expect(state.status == StatusMessage("export failed: cannot write /read-only/cfgtui-plan.json", kind: .error))
    }

    @Test func staticDumpsDoNotReread() {
        var state = Self.pf()
        #expect(update(&state, .tick(now: 1000)).isEmpty)
        Self.press([.character("p")], &state)
        #expect(state.status?.text.contains("static dump") == true)
    }

    @Test func quitKeysAskToQuit() {
        for key in [Key.character("q"), .function(10), .control("c")] {
            var state = Self.pf()
            #expect(Self.press([key], &state) == [.quit])
            #expect(state.shouldQuit)
        }
    }

    @Test func helpOpensAndClosesAndSwallowsOtherKeys() {
        var state = Self.pf()
        Self.press([.character("?")], &state)
        #expect(state.mode == .help)
        Self.press([.down, .character("n")], &state)
        #expect(state.cursor == 0)
        Self.press([.escape], &state)
        #expect(state.mode == .normal)
    }

    @Test func clickingABytePutsTheCursorThere() throws {
        var state = Self.pf()
        let layout = AppLayout.compute(size: state.size, focus: state.focus)
        let map = try #require(layout.map)
        // Row 2 of the map shows 0x20; byte 5 is at its column.
        let x = map.x + 1 + HexRowLayout.column(ofByte: 5)
        Self.press([.mouse(x: x, y: map.y + 2 + 2, button: .left)], &state)
        #expect(state.cursor == 0x25)
    }

    @Test func aClickSelectsTheRowDrawnUnderIt() throws {
        var state = Self.pf()
        state.moveCursor(to: 0x04)  // Command: more fields than the pane shows
        let layout = state.layout
        let devices = DeviceListView.geometry(in: try #require(layout.devices))
        for line in 0..<min(devices.visibleRows, state.visibleRows.count) {
            Self.press([.mouse(x: devices.content.x + 3, y: devices.y(ofLine: line), button: .left)], &state)
            #expect(state.deviceList.selection == state.deviceList.row(atLine: line))
            let drawn = AppView.frame(state).cell(x: devices.content.x, y: devices.y(ofLine: line))
            #expect(drawn?.style.role == .selection, "device line \(line)")
        }
        Self.press([.mouse(x: devices.content.x + 3, y: devices.y(ofLine: 1), button: .left), .enter], &state)
        state.moveCursor(to: 0x04)
        let fields = FieldDetailView.geometry(in: try #require(state.layout.fields))
        let count = try #require(state.currentRegister?.spec.fields.count)
        Self.press([.mouse(x: fields.content.x, y: fields.y(ofLine: 0), button: .left), .end], &state)
        #expect(state.fieldList.scroll > 0, "scrolled, so rows and lines differ")
        for line in 0..<min(fields.visibleRows, count - state.fieldList.scroll) {
            Self.press([.mouse(x: fields.content.x + 8, y: fields.y(ofLine: line), button: .left)], &state)
            #expect(state.fieldList.selection == state.fieldList.row(atLine: line))
            let drawn = AppView.frame(state).cell(x: fields.content.x, y: fields.y(ofLine: line))
            #expect(drawn?.style.role == .selection, "field line \(line)")
        }
        // The header lines above the rows select nothing.
        let selection = state.fieldList.selection
        Self.press([.mouse(x: fields.content.x + 8, y: fields.content.y - 1, button: .left)], &state)
        #expect(state.fieldList.selection == selection)
        let map = HexMapView.geometry(in: try #require(state.layout.map))
        let row = try #require(state.displayed?.rows[state.mapScroll + 2])
        for index in 0..<16 {
            let x = map.content.x + HexRowLayout.column(ofByte: index) + index % 2
            Self.press([.mouse(x: x, y: map.y(ofLine: 2), button: .left)], &state)
            #expect(state.cursor == row.start + index)
            #expect(AppView.frame(state).cell(x: x, y: map.y(ofLine: 2))?.style.role == .cursor)
        }
    }

    @Test func resizingKeepsTheCursorVisible() {
        var state = Self.pf()
        Self.press([.character("G")], &state)
        update(&state, .resized(Size(width: 80, height: 24)))
        let layout = AppLayout.compute(size: state.size, focus: state.focus)
        let row = MapRows.rowIndex(of: state.cursor, in: state.selected?.rows ?? [])
        #expect(row >= state.mapScroll && row < state.mapScroll + layout.mapRowsVisible)
    }
}
