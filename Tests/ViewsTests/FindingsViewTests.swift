import Model
import Testing

@testable import Views

/// The explorer's side of `cfgtui check`: the device tree's link column and badges, the
/// findings mode of the fields pane, and Enter jumping to a finding's register.
@Suite struct FindingsViewTests {
    static let suite = "FindingsViewTests"

    /// The demo set with bytes changed: (routing ID, offset, bytes little-endian).
    static func demo(changing changes: [(Int, Int, [UInt8])]) -> [PCIFunction] {
        Fixtures.demoFunctions.map { function in
            var copy = function
            var bytes = function.space.bytes
            for (routingID, offset, values) in changes where routingID == function.address.routingID {
                for (position, value) in values.enumerated() { bytes[offset + position] = value }
            }
            copy.space = ConfigSpace(bytes: bytes, size: function.space.size)
            return copy
        }
    }

    /// The demo NVMe PF (01:00.0) made able to do 8 GT/s x4 (Link Capabilities at 0x8c) while
    /// its link trained to 2.5 GT/s x1, and its root port's (00:02.0, 16 GT/s x32) link up
    /// (Data Link Layer Link Active, Link Status at 0x66 bit 13) at 2.5 GT/s x1 too.
    static var downtrained: [PCIFunction] {
        demo(changing: [(0x0100, 0x8C, [0x43, 0x04]), (0x0010, 0x66, [0x11, 0x20])])
    }

    static func state(
        _ functions: [PCIFunction], size: Size, preselect: String? = nil, glyphs: GlyphSet = .unicode
    ) -> AppState {
        AppState(
            functions: functions, sourceDescription: "built-in demo set", isLive: false, size: size, glyphs: glyphs,
            preselect: preselect.flatMap { PCIAddress(parsing: $0) })
    }

    /// The device tree row of a function, as drawn.
    static func row(_ address: String, in frame: ScreenBuffer) -> String? {
        (1..<max(1, frame.height)).map { frame.text(row: $0) }.first { $0.contains(address + " ") }
    }

    // MARK: - The tree

    @Test func theTreeShowsEveryLinkAndEachFunctionsBadge() throws {
        // 100 columns: the compact layout gives the device pane the full width.
        var state = Fixtures.demoState(size: Size(width: 100, height: 30), preselect: "01:00.0")
        update(&state, .focus(.devices))
        let frame = AppView.frame(state)
        assertSnapshot(frame.snapshot, suite: Self.suite, name: "demoTree_100x30")
        // The root port trained far below what it can do; the text says so without colour.
        let port = try #require(Self.row("00:02.0", in: frame))
        #expect(port.contains("2.5GT/s x1<16GT/s x32"))
        #expect(port.contains("E1 i2"))
        let pf = try #require(Self.row("01:00.0", in: frame))
        #expect(pf.contains("2.5GT/s x1"))
        #expect(pf.contains("W1 i1"))
        // The selected endpoint's path bottleneck is the link into it: marked on its row.
        #expect(pf.contains(DeviceListView.bottleneckMark(.unicode)))
        #expect(!port.contains(DeviceListView.bottleneckMark(.unicode)))
        // No finding, no badge; no link of its own (the host bridge), no link text.
        let host = try #require(Self.row("00:00.0", in: frame))
        #expect(!host.contains("GT/s") && !host.contains(" i1") && !host.contains("E1"))
        // The badge takes the worst severity's style.
        let y = try #require((0..<frame.height).first { frame.text(row: $0).contains("00:02.0 ") })
        let badgeX = try #require(frame.text(row: y).range(of: "E1 i2")).lowerBound
        let column = frame.text(row: y).distance(from: frame.text(row: y).startIndex, to: badgeX)
        #expect(frame.cell(x: column, y: y)?.style.role == .error)
    }

    @Test func aDowntrainedLinkShowsWhatItCouldDo() throws {
        var state = Self.state(Self.downtrained, size: Size(width: 100, height: 30), preselect: "01:00.0")
        update(&state, .focus(.devices))
        let frame = AppView.frame(state)
        assertSnapshot(frame.snapshot, suite: Self.suite, name: "downtrainedTree_100x30")
        let pf = try #require(Self.row("01:00.0", in: frame))
        #expect(pf.contains("2.5GT/s x1<8GT/s x4"))
        // The port reports it, against what both ends support; its badge counts it.
        let port = try #require(state.functions.firstIndex { $0.address.routingID == 0x0010 })
        let downtrained = state.check.findings(of: port).filter { $0.kind == .linkDowntrained }
        #expect(downtrained.count == 1)
        #expect(downtrained.first?.message.contains("below the 8GT/s x4 both ends support") == true)
        #expect(try #require(Self.row("00:02.0", in: frame)).contains("W1"))
        // Unchanged, the same row read "2.5GT/s x1" alone.
        let before = try #require(
            Self.row("01:00.0", in: AppView.frame(Fixtures.demoState(size: Size(width: 100, height: 30)))))
        #expect(!before.contains("<"))
    }

    @Test func aNarrowPaneDropsTheLinksBeforeTheNamesAndKeepsTheBadges() throws {
        // 120 columns: the device pane is 36 wide, too narrow for the links beside the names.
        let frame = AppView.frame(Fixtures.demoState(size: Size(width: 120, height: 40), preselect: "01:00.0"))
        let port = try #require(Self.row("00:02.0", in: frame))
        #expect(!port.contains("GT/s"))
        #expect(port.contains("PCI bridge: QEMU"), "the name keeps its room")
        #expect(port.contains("E1 i2"))
        #expect(try #require(Self.row("01:00.0", in: frame)).contains(DeviceListView.bottleneckMark(.unicode)))
        // 160 columns: a 48-column pane shows the links without what they could do.
        let wider = AppView.frame(Fixtures.demoState(size: Size(width: 160, height: 40), preselect: "01:00.0"))
        let widerPort = try #require(Self.row("00:02.0", in: wider))
        #expect(widerPort.contains("2.5GT/s x1<") && !widerPort.contains("16GT/s"))
        // Very narrow (60 columns, 15 rows): names still start, the worst count alone.
        var small = Fixtures.demoState(size: AppLayout.minimum)
        update(&small, .focus(.devices))
        let tiny = AppView.frame(small)
        assertSnapshot(tiny.snapshot, suite: Self.suite, name: "tree_60x15")
        #expect(try #require(Self.row("00:02.0", in: tiny)).contains("PCI bridge"))
    }

    @Test func asciiGlyphsMarkTheBottleneckToo() throws {
        var state = Self.state(
            Fixtures.demoFunctions, size: Size(width: 100, height: 30), preselect: "01:00.0",
            glyphs: .ascii)
        update(&state, .focus(.devices))
        let frame = AppView.frame(state)
        #expect(!frame.text.unicodeScalars.contains { $0.value > 0x7F })
        #expect(try #require(Self.row("01:00.0", in: frame)).contains("2.5GT/s x1 v W1 i1"))
    }

    // MARK: - The findings mode

    @Test func theFindingsListTheFunctionsAndItsPaths() {
        var state = UpdateTests.pf()
        UpdateTests.press([.character("!")], &state)
        #expect(state.showsFindings && state.focus == .fields)
        let frame = AppView.frame(state)
        assertSnapshot(frame.snapshot, suite: Self.suite, name: "findings_120x40")
        let text = frame.text
        #expect(text.contains("01:00.0 Non-Volatile memory controller"))
        #expect(text.contains("sriov-no-vf-bar-space  Single Root I/O Virtualization > VF BAR0 @0x144"))
        #expect(text.contains("on its path: 00:02.0 PCI bridge"))
        #expect(text.contains("error   data-link-inactive"))
        #expect(text.contains("slowest link on the path: 00:02.0-01:00.0 2.5GT/s x1"))
        #expect(text.contains("F2Field"))
        // The entries: the PF's two, then the port's three.
        let entries = state.findingEntries
        #expect(entries.count == 5)
        #expect(entries.map(\.functionIndex) == [6, 6, 1, 1, 1])
        #expect(Set(entries.prefix(2).map(\.finding.kind)) == [.pathBottleneck, .sriovNoBARSpace])
        // Esc closes it: the fields are back.
        UpdateTests.press([.escape], &state)
        #expect(!state.showsFindings)
        #expect(AppView.frame(state).text.contains("Fields at 0x"))
    }

    @Test func upDownMoveInTheListAndTheSelectionStaysInView() {
        var state = Fixtures.demoState(size: Size(width: 80, height: 24), preselect: "01:00.0")
        UpdateTests.press([.character("!")], &state)
        UpdateTests.press([.down, .down, .down, .down, .down, .down], &state)
        #expect(state.findingsList.selection == 4, "the last of five, and no further")
        let frame = AppView.frame(state)
        assertSnapshot(frame.snapshot, suite: Self.suite, name: "findingsScrolled_80x24")
        #expect(frame.text.contains("acs-incomplete"))
        UpdateTests.press([.home], &state)
        #expect(state.findingsList.selection == 0)
    }

    @Test func enterOnAPathFindingSelectsThePortAndJumpsToTheField() throws {
        var state = UpdateTests.pf()
        UpdateTests.press([.character("!"), .down, .down], &state)
        let entry = try #require(state.findingEntries.indices.contains(2) ? state.findingEntries[2] : nil)
        #expect(entry.finding.kind == .dataLinkInactive)
        UpdateTests.press([.enter], &state)
        #expect(state.selectedFunction?.address.description == "0000:00:02.0")
        #expect(!state.showsFindings && state.focus == .map)
        // Link Status at 0x66; Data Link Layer Link Active is bit 13, in its second byte.
        #expect(state.cursor == 0x67)
        let register = try #require(state.currentRegister)
        #expect(register.offset.rawValue == 0x66)
        #expect(register.spec.fields.indices.contains(state.fieldList.selection))
        #expect(register.spec.fields[state.fieldList.selection].name == "Data Link Layer Link Active")
        let frame = AppView.frame(state)
        assertSnapshot(frame.snapshot, suite: Self.suite, name: "jumped_120x40")
        #expect(frame.text.contains("cursor 0x067"))
        #expect(frame.text.contains("0x066 Link Status"))
        // The tree follows: the port is the selected row.
        #expect(state.visibleRows[state.deviceList.selection].functionIndex == 1)
    }

    @Test func aPathFindingHiddenByTheFilterClearsTheFilterToReachItsFunction() {
        var state = UpdateTests.pf()
        update(&state, .focus(.devices))
        UpdateTests.press([.character("/")] + "Express Controller".map { .character($0) } + [.enter], &state)
        #expect(!state.visibleRows.contains { $0.functionIndex == 1 }, "the root port is filtered out")
        UpdateTests.press([.character("!"), .down, .down, .enter], &state)
        #expect(state.deviceFilter.isEmpty)
        #expect(state.selectedFunction?.address.description == "0000:00:02.0")
        #expect(state.cursor == 0x67)
    }

    @Test func enterOnTheFunctionsOwnFindingStaysOnItAndJumps() throws {
        var state = UpdateTests.pf()
        UpdateTests.press([.character("!")], &state)
        let index = try #require(state.findingEntries.firstIndex { $0.finding.kind == .sriovNoBARSpace })
        UpdateTests.press(Array(repeating: .down, count: index) + [.enter], &state)
        #expect(state.selectedFunction?.address.description == "0000:01:00.0")
        #expect(state.cursor == 0x144)
        #expect(state.currentRegister?.spec.name == "VF BAR0")
    }

    @Test func aClickSelectsTheFindingDrawnThere() throws {
        var state = UpdateTests.pf()
        UpdateTests.press([.character("!")], &state)
        let frame = AppView.frame(state)
        // The port's link being down: a click on its message line (the second line of the finding).
        let y = try #require((0..<frame.height).first { frame.text(row: $0).contains("data-link-inactive") })
        let fields = try #require(state.layout.fields)
        update(&state, .click(x: fields.x + 12, y: y + 1))
        #expect(state.findingEntries.indices.contains(state.findingsList.selection))
        #expect(state.findingEntries[state.findingsList.selection].finding.kind == .dataLinkInactive)
        // A click on a group heading selects nothing new.
        let heading = try #require((0..<frame.height).first { frame.text(row: $0).contains("on its path: 00:02.0") })
        update(&state, .click(x: fields.x + 3, y: heading))
        #expect(state.findingEntries[state.findingsList.selection].finding.kind == .dataLinkInactive)
        UpdateTests.press([.enter], &state)
        #expect(state.selectedFunction?.address.description == "0000:00:02.0")
        #expect(state.currentRegister?.spec.name == "Link Status")
    }

    @Test func aFunctionWithoutFindingsSaysSo() {
        var state = Fixtures.demoState(size: Size(width: 120, height: 40), preselect: "00:00.0")
        UpdateTests.press([.character("!")], &state)
        #expect(state.findingEntries.isEmpty)
        let text = AppView.frame(state).text
        #expect(text.contains("no findings for 00:00.0 Host bridge"))
        UpdateTests.press([.enter], &state)
        #expect(state.status?.text == "no finding to jump to")
    }

    @Test func aFindingWithoutARegisterSaysSoOnEnter() {
        var state = Fixtures.demoState(size: Size(width: 120, height: 40), preselect: "00:1f.0")
        UpdateTests.press([.character("!")], &state)
        #expect(state.findingEntries.map(\.finding.kind) == [.multifunctionWithoutACS])
        let cursor = state.cursor
        UpdateTests.press([.enter], &state)
        #expect(state.status?.text.contains("no single register") == true)
        #expect(state.cursor == cursor && state.showsFindings)
    }

    @Test func helpAndTheKeyTableListTheFindings() {
        #expect(KeyMap.bindings.contains { $0.action == .toggleFindings && $0.keys.contains(.key(.character("!"))) })
        var state = UpdateTests.pf()
        #expect(KeyMap.functionBar(for: state).contains { $0.key == 2 && $0.label == "Check" })
        UpdateTests.press([.function(2)], &state)
        #expect(state.showsFindings)
        #expect(KeyMap.functionBar(for: state).contains { $0.key == 2 && $0.label == "Field" })
        var help = ScreenBuffer(size: Size(width: 120, height: 80))
        HelpView(glyphs: .unicode).render(into: &help, area: help.bounds)
        #expect(help.text.contains("F2 !        Findings (cfgtui check) of this function and its path"))
        #expect(help.text.contains("▼ the slowest link on the selected endpoint's path"))
        #expect(help.text.contains("E1 W2 i3 a function's findings in the tree"))
    }

    @Test func theWidgetsClipToTinyAreas() {
        var state = UpdateTests.pf()
        UpdateTests.press([.character("!"), .down, .down], &state)
        let view = state.findingsView
        var small = ScreenBuffer(size: Size(width: 30, height: 6))
        view.render(into: &small, area: small.bounds)
        assertSnapshot(small.snapshot, suite: Self.suite, name: "findingsView_30x6")
        // The selected finding (the port's link down) is the one in view.
        #expect(small.text.contains("error"))
        for size in [Size(width: 0, height: 0), Size(width: 1, height: 1), Size(width: 3, height: 2)] {
            var buffer = ScreenBuffer(size: size)
            view.render(into: &buffer, area: buffer.bounds)
            #expect(view.entry(atX: 0, y: 0, in: buffer.bounds) == nil)
            var tree = ScreenBuffer(size: size)
            DeviceListView(
                functions: state.functions, rows: state.visibleRows, list: state.deviceList, isFocused: true,
                glyphs: .unicode, title: "Devices", check: state.check, bottleneckIndex: 6
            ).render(into: &tree, area: tree.bounds)
        }
        var narrowTree = ScreenBuffer(size: Size(width: 16, height: 6))
        DeviceListView(
            functions: state.functions, rows: state.visibleRows, list: state.deviceList, isFocused: true,
            glyphs: .unicode, title: "Devices", check: state.check, bottleneckIndex: 6
        ).render(into: &narrowTree, area: narrowTree.bounds)
        assertSnapshot(narrowTree.snapshot, suite: Self.suite, name: "tree_16x6")
    }

    // MARK: - Checking again

    @Test func aReReadThatChangesBytesChecksAgain() {
        var state = Fixtures.liveState()
        let index = state.selected?.functionIndex ?? -1
        #expect(!state.check.findings(of: index).contains { $0.kind == .deviceStatusErrors })
        let warnings = state.check.summary(of: index).warnings
        // Device Status (PCI Express + 0x0a, at 0x8a): Correctable, Non-Fatal, Unsupported Request.
        var function = state.functions[index]
        var bytes = function.space.bytes
        bytes[0x8A] = 0x0B
        function.space = ConfigSpace(bytes: bytes, size: function.space.size)
        update(&state, .reread(function.address, .success(function), now: 101))
        #expect(state.check.findings(of: index).contains { $0.kind == .deviceStatusErrors })
        #expect(state.check.summary(of: index).warnings == warnings + 1)
        // The same bytes again: the findings stay.
        update(&state, .reread(function.address, .success(function), now: 102))
        #expect(state.check.findings(of: index).contains { $0.kind == .deviceStatusErrors })
    }
}
