import Model

/// The write simulator's trace pane: one line per access (what was written, what the guest and
/// the device hold before and after, and how the bits went), the selected access in full as
/// `cfgtui simulate --trace` prints it, and undone accesses dimmed until redone or replaced.
public struct TraceView: Widget {
    public var session: WriteSession
    public var isFocused: Bool
    public var glyphs: GlyphSet

    public init(session: WriteSession, isFocused: Bool, glyphs: GlyphSet) {
        self.session = session
        self.isFocused = isFocused
        self.glyphs = glyphs
    }

    /// One line of the pane, and the record it belongs to.
    struct Line {
        var text: String
        var style: CellStyle
        var record: Int?
    }

    /// Every line, with the selected record expanded.
    static func lines(_ session: WriteSession) -> [Line] {
        let history = session.history
        guard !history.records.isEmpty else {
            return [
                Line(
                    text: "No accesses yet. i or : types a setpci expression (COMMAND.W=0x0406, ECAP_PASID+6.W=1),",
                    style: CellStyle(.dim)),
                Line(
                    text: "= writes the selected field; u undo, U redo, R reset, o guest/device, M model, W save.",
                    style: CellStyle(.dim)),
            ]
        }
        let analysis = history.initial.guestAnalysis
        var lines = [Line]()
        for (index, record) in history.records.enumerated() {
            let undone = index >= history.position
            let label = session.expressions.indices.contains(index) ? session.expressions[index] : ""
            let text =
                "[\(index + 1)] " + (undone ? "(undone) " : "") + label + "  " + summary(record, model: session.model)
            let style: CellStyle =
                undone
                ? CellStyle(.dim)
                : !record.warnings.isEmpty
                    ? CellStyle(.warning) : record.isRead ? CellStyle(.plain) : CellStyle(.plain, [.bold])
            lines.append(Line(text: text, style: style, record: index))
            guard index == session.traceSelection, !undone else { continue }
            var buffer = OutputBuffer(capacity: 512)
            let step = SimulationStep(record: record, source: "explorer", line: index + 1, column: 1, expression: label)
            SimulationReport.appendStep(step, model: session.model, analysis: analysis, to: &buffer)
            for detail in buffer.text.split(separator: "\n").dropFirst() {
                let isWarning = detail.contains("warning:") || detail.contains("error:")
                lines.append(
                    Line(text: "  " + String(detail), style: CellStyle(isWarning ? .warning : .info), record: index))
            }
        }
        return lines
    }

    /// `guest 2810->2010  device 2810->2010  virtual 0400`: the short form of a record.
    static func summary(_ record: WriteRecord, model: SimulationModel) -> String {
        let digits = 2 * record.access.width.byteCount
        let hex = { (value: UInt32) in HexFormat.hex(UInt64(value), digits: digits) }
        var text = SimulationReport.accessName(record.access)
        if record.isRead { return text + " = " + hex(record.value) }
        text += " = " + hex(record.value)
        text += "  guest " + hex(record.guestBefore) + "->" + hex(record.guestAfter)
        if model.usesVfio { text += "  device " + hex(record.deviceBefore) + "->" + hex(record.deviceAfter) }
        if record.bits.dropped != 0 { text += "  dropped " + hex(record.bits.dropped) }
        if record.bits.cleared != 0 { text += "  cleared " + hex(record.bits.cleared) }
        if !record.warnings.isEmpty { text += "  ! \(record.warnings.count)" }
        return text
    }

    /// The first line of `record` in `lines`.
    static func firstLine(of record: Int, in lines: [Line]) -> Int {
        lines.firstIndex { $0.record == record } ?? 0
    }

    /// The first line shown in `height` rows: the selected record's first line stays in view
    /// with as much of its detail as fits.
    static func firstVisibleLine(_ session: WriteSession, lines: [Line], height: Int) -> Int {
        let selected = firstLine(of: session.traceSelection, in: lines)
        let detail = lines.lastIndex { $0.record == session.traceSelection } ?? selected
        var first = max(0, detail - height + 1)
        if selected < first { first = selected }
        return max(0, min(first, max(0, lines.count - height)))
    }

    /// Inside the border, one line per line (a selected record takes several).
    public static func geometry(in area: Rect) -> PaneGeometry { PaneGeometry(area: area) }

    /// The record drawn at a point of the pane, as `render` draws it; nil off the lines or on a
    /// line of no record (the hint shown before the first access).
    public static func record(atX x: Int, y: Int, in area: Rect, session: WriteSession) -> Int? {
        let geometry = geometry(in: area)
        guard let line = geometry.line(x: x, y: y) else { return nil }
        let lines = lines(session)
        let index = firstVisibleLine(session, lines: lines, height: geometry.visibleRows) + line
        return lines.indices.contains(index) ? lines[index].record : nil
    }

    public func render(into buffer: inout ScreenBuffer, area: Rect) {
        let history = session.history
        var title = "Writes (\(session.model.rawValue) model, "
        title += session.model == .device ? "the device" : session.showsDevice ? "device view" : "guest view"
        title += ") \(history.position)/\(history.records.count)"
        buffer.box(area, title: title, glyphs: glyphs, focused: isFocused)
        let geometry = Self.geometry(in: area)
        let inner = geometry.content
        guard !inner.isEmpty else { return }
        let lines = Self.lines(session)
        let selected = Self.firstLine(of: session.traceSelection, in: lines)
        let first = Self.firstVisibleLine(session, lines: lines, height: geometry.visibleRows)
        for row in 0..<geometry.visibleRows {
            let index = first + row
            guard lines.indices.contains(index) else { break }
            let line = lines[index]
            var style = line.style
            if index == selected && !history.records.isEmpty {
                style = CellStyle(isFocused ? .selection : .inactiveSelection, isFocused ? [.reverse] : [])
                buffer.fill(inner.row(row), with: Cell(" ", style))
            }
            buffer.put(line.text, x: inner.x, y: geometry.y(ofLine: row), style: style, clip: inner)
        }
    }
}
