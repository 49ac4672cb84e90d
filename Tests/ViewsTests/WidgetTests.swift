import Model
import Testing

@testable import Views

@Suite struct WidgetTests {
    @Test func drawingClipsToTheBufferAndTheRectangle() {
        var buffer = ScreenBuffer(size: Size(width: 5, height: 2))
        let end = buffer.put("abcdefgh", x: 3, y: 0, style: .plain, clip: buffer.bounds)
        #expect(buffer.text(row: 0) == "   ab")
        #expect(end > 5)
        buffer.put("zz", x: -1, y: 1, style: .plain, clip: Rect(x: 0, y: 1, width: 1, height: 1))
        #expect(buffer.text(row: 1) == "z    ")
        buffer.put("x", x: 0, y: 7, style: .plain, clip: buffer.bounds)
        buffer.box(Rect(x: -3, y: -3, width: 100, height: 100), title: "t", glyphs: .unicode, focused: true)
        #expect(buffer.size == Size(width: 5, height: 2))
    }

    @Test func wideAndControlCharactersBecomeQuestionMarks() {
        var buffer = ScreenBuffer(size: Size(width: 6, height: 1))
        buffer.put("a\u{7}日é", x: 0, y: 0, style: .plain, clip: buffer.bounds)
        #expect(buffer.text(row: 0) == "a??é  ")
    }

    @Test func layoutSplitsFixedPercentAndFill() {
        let parts = Layout.rows([.fixed(2), .percent(50), .fill, .fill], in: Rect(x: 0, y: 0, width: 10, height: 21))
        #expect(parts.map(\.height) == [2, 10, 5, 4])
        #expect(parts.map(\.y) == [0, 2, 12, 17])
        #expect(
            Layout.columns([.fixed(50), .fill], in: Rect(x: 0, y: 0, width: 20, height: 1)).map(\.width) == [20, 0])
    }

    @Test func hexRowColumnsRoundTrip() {
        for index in 0..<16 {
            let column = HexRowLayout.column(ofByte: index)
            #expect(HexRowLayout.byteIndex(atColumn: column) == index)
            #expect(HexRowLayout.byteIndex(atColumn: column + 1) == index)
        }
        #expect(HexRowLayout.byteIndex(atColumn: HexRowLayout.separatorColumn(beforeGroup: 1)) == nil)
        #expect(HexRowLayout.column(ofByte: 15) + 2 == HexRowLayout.bytesWidth)
    }

    @Test func mapRowsFoldZeroRunsButNotStructures() throws {
        let pf = try #require(Fixtures.demoFunctions.first { $0.address.routingID == 0x0100 })
        let analysis = pf.analyze()
        let rows = MapRows.rows(for: analysis, fold: true)
        #expect(rows.first == .bytes(offset: 0))
        #expect(rows.contains { if case .fold = $0 { return true } else { return false } })
        // Every byte offset is covered exactly once, in order.
        var next = 0
        for row in rows {
            #expect(row.start == next)
            next = row.end
        }
        #expect(next == 4096)
        // Capability bytes are never folded.
        for capability in analysis.capabilities {
            let row = rows[MapRows.rowIndex(of: capability.offset.rawValue, in: rows)]
            #expect(row == .bytes(offset: capability.offset.rawValue & ~0xF))
        }
    }

    @Test func deviceTreeNestsVFsUnderTheirPFAndFunctionsUnderBridges() {
        let functions = Fixtures.demoFunctions
        let rows = DeviceTree.rows(for: functions)
        #expect(rows.count == functions.count)
        let byAddress = Dictionary(
            uniqueKeysWithValues: rows.map { (functions[$0.functionIndex].address.description, $0) })
        #expect(byAddress["0000:00:02.0"]?.depth == 0)
        #expect(byAddress["0000:01:00.0"]?.depth == 1)
        #expect(byAddress["0000:01:00.1"]?.depth == 2)
        #expect(byAddress["0000:01:00.2"]?.isLastChild == true)
        #expect(byAddress["0000:02:01.0"]?.depth == 1)
    }

    @Test func hexMapWidgetSnapshot() throws {
        let pf = try #require(Fixtures.demoFunctions.first { $0.address.routingID == 0x0100 })
        let analysis = pf.analyze()
        var buffer = ScreenBuffer(size: Size(width: 80, height: 12))
        HexMapView(
            analysis: analysis, rows: MapRows.rows(for: analysis, fold: true), scroll: 0, cursor: 0x44,
            highlight: 0x44..<0x46,
            changed: [0x04], isFocused: true, glyphs: .unicode, title: "Map"
        ).render(into: &buffer, area: buffer.bounds)
        assertSnapshot(buffer.snapshot, suite: "WidgetTests", name: "hexMap_80x12")
        var tiny = ScreenBuffer(size: Size(width: 12, height: 3))
        HexMapView(
            analysis: analysis, rows: MapRows.rows(for: analysis, fold: true), scroll: 0, cursor: 0, highlight: nil,
            changed: [],
            isFocused: false, glyphs: .ascii, title: "Map"
        ).render(into: &tiny, area: tiny.bounds)
        assertSnapshot(tiny.snapshot, suite: "WidgetTests", name: "hexMap_tiny")
    }

    @Test func functionKeyBarComesFromTheKeyTable() {
        var state = Fixtures.demoState(size: Size(width: 120, height: 40))
        let bar = KeyMap.functionBar(for: state)
        #expect(bar.map(\.key) == [1, 2, 3, 4, 6, 7, 8, 9, 10])
        for entry in bar {
            #expect(
                KeyMap.bindings.contains { $0.functionKey == entry.key && $0.keys.contains(.key(.function(entry.key))) }
            )
        }
        state.isLive = true
        #expect(KeyMap.functionBar(for: state).contains { $0.key == 5 && $0.label == "Pause" })
        var buffer = ScreenBuffer(size: Size(width: 80, height: 1))
        FunctionKeyBar(entries: bar).render(into: &buffer, area: buffer.bounds)
        #expect(
            buffer.text(row: 0).hasPrefix("F1Help F2Check F3Search F4Filter F6Unfold F7Plan F8PF/VF F9Write F10Quit"))
    }

    @Test func helpListsEveryBindingWithHelpText() {
        var buffer = ScreenBuffer(size: Size(width: 120, height: 70))
        HelpView(glyphs: .unicode).render(into: &buffer, area: buffer.bounds)
        for binding in KeyMap.bindings where !binding.help.isEmpty {
            #expect(buffer.text.contains(binding.help), "\(binding.help)")
        }
    }
}
