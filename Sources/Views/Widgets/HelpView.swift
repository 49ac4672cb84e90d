/// The help overlay: every key binding from the key table (the panes' keys, then those for
/// moving a proposal, typing a line and this help itself), and what the colours mean. Longer
/// than a small terminal, so it scrolls (Up/Down, PgUp/PgDn, Home/End); the title says which
/// lines are showing.
public struct HelpView: Widget {
    public var glyphs: GlyphSet
    /// The first line shown.
    public var scroll: Int

    public init(glyphs: GlyphSet, scroll: Int = 0) {
        self.glyphs = glyphs
        self.scroll = scroll
    }

    /// Where the overlay goes on a screen of `size`: everything but the title and bottom bars.
    public static func area(in size: Size) -> Rect {
        Rect(x: 0, y: 1, width: size.width, height: size.height - 2)
    }

    /// The help's box in `area`: centred, as tall as its lines (or the area), no header lines.
    public static func geometry(in area: Rect) -> PaneGeometry {
        let width = boxWidth(in: area)
        return PaneGeometry(area: box(in: area, width: width, lineCount: lines(glyphs: .unicode, width: width).count))
    }

    /// How far the help can scroll when shown in `area`.
    public static func maximumScroll(visibleIn area: Rect) -> Int {
        max(0, lines(glyphs: .unicode, width: boxWidth(in: area)).count - geometry(in: area).visibleRows)
    }

    private enum Line {
        case binding(keys: String, help: String)
        /// Pieces drawn one after the other: a context's keys in a row, after its heading.
        case pieces([(String, CellStyle)])
        case text(String, CellStyle)
    }

    /// Every binding with help: the panes' keys one per line, then each other context's keys
    /// in a row after its heading (wrapped to the box), then the colours.
    private static func lines(glyphs: GlyphSet, width boxWidth: Int) -> [Line] {
        let width = max(1, boxWidth - 2)
        var lines = [Line]()
        var row = [(String, CellStyle)]()
        var rowWidth = 0
        var heading: String?
        func flush() {
            if !row.isEmpty { lines.append(.pieces(row)) }
            row = []
        }
        for binding in KeyMap.bindings where !binding.help.isEmpty {
            guard let title = binding.context.heading else {
                flush()
                heading = nil
                lines.append(.binding(keys: binding.keyLabel, help: binding.help))
                continue
            }
            let chunk = binding.keyLabel.count + 1 + binding.help.count
            if title != heading {
                flush()
                if heading == nil { lines.append(.text("", CellStyle(.plain))) }
                heading = title
                row = [(title, CellStyle(.title, [.bold]))]
                rowWidth = title.count
            } else if rowWidth + 3 + chunk > width {
                flush()
                let indent = title.count
                row = [(String(repeating: " ", count: indent), CellStyle(.plain))]
                rowWidth = indent
            }
            row += [("   ", CellStyle(.plain)), (binding.keyLabel, CellStyle(.functionKey, [.bold]))]
            row.append((" " + binding.help, CellStyle(.plain)))
            rowWidth += 3 + chunk
        }
        flush()
        lines.append(.text("", CellStyle(.plain)))
        lines.append(
            .text(
                "Colours and marks (the owner column names each row's owners, so nothing relies on colour alone):",
                CellStyle(.title, [.bold])))
        let warning = String(Character(glyphs.warning))
        let legend: [(String, CellStyle)] = [
            ("hdr", CellStyle(.header)), ("standard capabilities", CellStyle(.standardCapability(0))),
            ("extended capabilities", CellStyle(.extendedCapability(0))), ("gap (zero)", CellStyle(.gap)),
            ("hidden" + warning + " non-zero bytes outside every structure", CellStyle(.hiddenRegister, [.bold])),
            (String(repeating: String(Character(glyphs.unreadable)), count: 2) + " not read", CellStyle(.unreadable)),
            ("len? bytes that may belong to a capability of unknown length", CellStyle(.possiblyOwned)),
            ("selected field", CellStyle(.fieldHighlight, [.bold, .underline])),
            ("changed at the last re-read", CellStyle(.changed, [.bold])),
            (
                "+PASID a proposed (virtual) capability in the placement overlay",
                CellStyle(.proposed, [.bold, .underline])
            ),
            ("!conflict where a proposal being moved cannot go", CellStyle(.conflict, [.bold])),
            (
                "E1 W2 i3 a function's findings in the tree: errors, warnings, notes (F2 lists them)",
                CellStyle(.error, [.bold])
            ),
            (
                DeviceListView.bottleneckMark(glyphs) + " the slowest link on the selected endpoint's path",
                CellStyle(.warning, [.bold])
            ),
        ]
        lines += legend.map { Line.text("  " + $0.0, $0.1) }
        return lines
    }

    private static func boxWidth(in area: Rect) -> Int { min(area.width, 118) }

    private static func box(in area: Rect, width: Int, lineCount: Int) -> Rect {
        let height = min(area.height, lineCount + 2)
        return Rect(
            x: area.x + (area.width - width) / 2, y: area.y + (area.height - height) / 2, width: width, height: height)
    }

    public func render(into buffer: inout ScreenBuffer, area: Rect) {
        let geometry = Self.geometry(in: area)
        let lines = Self.lines(glyphs: glyphs, width: geometry.area.width)
        let box = geometry.area
        let inner = geometry.content
        let first = min(max(0, scroll), max(0, lines.count - inner.height))
        let shown = lines.dropFirst(first).prefix(inner.height)
        var title = "Help: cfgtui is read-only; nothing here writes to a device"
        if shown.count < lines.count {
            title += " (lines \(first + 1)-\(first + shown.count) of \(lines.count), Up/Down/PgDn)"
        }
        buffer.fill(box)
        buffer.box(box, title: title, glyphs: glyphs, focused: true)
        var y = inner.y
        for line in shown {
            switch line {
            case .binding(let keys, let help):
                let label = keys + String(repeating: " ", count: max(1, 12 - keys.count))
                let x = buffer.put(label, x: inner.x, y: y, style: CellStyle(.functionKey, [.bold]), clip: inner)
                buffer.put(help, x: x, y: y, style: CellStyle(.plain), clip: inner)
            case .pieces(let pieces):
                var x = inner.x
                for (text, style) in pieces { x = buffer.put(text, x: x, y: y, style: style, clip: inner) }
            case .text(let text, let style):
                buffer.put(text, x: inner.x, y: y, style: style, clip: inner)
            }
            y += 1
        }
    }
}
