import Model

/// The fields pane's comparison (`C`): the verdict, the layout differences and every differing
/// field with both values and its class, as `cfgtui diff` prints them; while picking, which
/// function the tree's selection would be compared with.
public struct DiffView: Widget {
    /// The comparison, once picked.
    public var comparison: FunctionComparison?
    /// While picking: the function the pick started from, and the tree's selection.
    public var pickBase: PCIFunction?
    public var pickCandidate: PCIFunction?
    /// The first line shown.
    public var scroll: Int
    public var isFocused: Bool
    public var glyphs: GlyphSet

    public init(
        comparison: FunctionComparison?, pickBase: PCIFunction? = nil, pickCandidate: PCIFunction? = nil,
        scroll: Int, isFocused: Bool, glyphs: GlyphSet
    ) {
        self.comparison = comparison
        self.pickBase = pickBase
        self.pickCandidate = pickCandidate
        self.scroll = scroll
        self.isFocused = isFocused
        self.glyphs = glyphs
    }

    /// One line of the pane, in styled pieces.
    public struct Line: Sendable {
        public var pieces: [(String, CellStyle)]
    }

    /// The pane's lines for a comparison (the verdict first).
    public static func lines(for comparison: FunctionComparison) -> [Line] {
        let diff = comparison.diff
        var lines = [Line]()
        let verdictStyle = CellStyle(diff.isMigrationCompatible ? .info : .warning, [.bold])
        lines.append(Line(pieces: [(DiffReport.verdict(diff), verdictStyle)]))
        if diff.isEmpty { return lines }
        if !diff.layout.isEmpty {
            lines.append(Line(pieces: [("Layout (\(diff.layout.count))", CellStyle(.title, [.bold]))]))
            for difference in diff.layout {
                lines.append(
                    Line(pieces: [
                        ("  " + DiffReport.describe(difference, in: comparison), CellStyle(.plain)),
                        classPiece(difference.differenceClass),
                    ]))
            }
        }
        if !diff.fields.isEmpty {
            lines.append(Line(pieces: [("Fields (\(diff.fields.count))", CellStyle(.title, [.bold]))]))
            var current: DiffStructure?
            for difference in diff.fields {
                if current != difference.structure {
                    current = difference.structure
                    lines.append(
                        Line(pieces: [
                            (" " + DiffReport.structureTitle(difference.structure, in: comparison), CellStyle(.title))
                        ]))
                }
                let offset = (difference.rangeA ?? difference.rangeB).map {
                    HexFormat.offset3($0.start.rawValue) + " "
                }
                lines.append(
                    Line(pieces: [
                        ("  " + (offset ?? "    "), CellStyle(.offset)),
                        (DiffReport.describe(difference), CellStyle(.plain)),
                        classPiece(difference.differenceClass),
                    ]))
            }
        }
        return lines
    }

    private static func classPiece(_ differenceClass: DifferenceClass) -> (String, CellStyle) {
        let text = "  " + DiffReport.className(differenceClass) + (differenceClass.breaksMigration ? ": breaks" : "")
        return (text, differenceClass.breaksMigration ? CellStyle(.warning, [.bold]) : CellStyle(.dim))
    }

    public func render(into buffer: inout ScreenBuffer, area: Rect) {
        let title: String
        if let comparison {
            title = "Diff: a " + comparison.a.address.description + " vs b " + comparison.b.address.description
        } else {
            title = "Diff: pick the function to compare with"
        }
        buffer.box(area, title: title, glyphs: glyphs, focused: isFocused)
        let inner = area.inset(by: 1)
        guard !inner.isEmpty else { return }
        guard let comparison else {
            renderPick(into: &buffer, inner: inner)
            return
        }
        let lines = Self.lines(for: comparison)
        let first = max(0, min(scroll, lines.count - 1))
        var y = inner.y
        for line in lines.dropFirst(first) where y < inner.maxY {
            var x = inner.x
            for (text, style) in line.pieces { x = buffer.put(text, x: x, y: y, style: style, clip: inner) }
            y += 1
        }
    }

    private func renderPick(into buffer: inout ScreenBuffer, inner: Rect) {
        var y = inner.y
        func line(_ text: String, _ style: CellStyle) {
            guard y < inner.maxY else { return }
            buffer.put(text, x: inner.x, y: y, style: style, clip: inner)
            y += 1
        }
        line("Compare " + (pickBase.map { $0.address.description } ?? "?") + " with:", CellStyle(.title, [.bold]))
        if let pickCandidate, pickCandidate.key != pickBase?.key {
            line("  " + pickCandidate.address.description + " " + FunctionText.title(pickCandidate), CellStyle(.plain))
        } else {
            line("  (select another function in the tree)", CellStyle(.dim))
        }
        line("Enter compares, Esc cancels; move in the tree to choose.", CellStyle(.dim))
    }
}
