import Model

/// The hex map pane: offset column, 16 bytes per row in dword groups, each byte coloured by its
/// owner, unreadable bytes as `··`, folded zero runs, and an owner column naming what each row
/// holds (so owners stay readable without colour).
public struct HexMapView: Widget {
    public var analysis: FunctionAnalysis
    public var rows: [MapRow]
    public var scroll: Int
    public var cursor: Int
    /// Bytes of the selected field (highlighted).
    public var highlight: Range<Int>?
    /// Offsets that changed recently.
    public var changed: Set<Int>
    public var isFocused: Bool
    public var glyphs: GlyphSet
    public var title: String
    /// Bytes of proposed (virtual) capabilities, in the placement overlay.
    public var proposals: [ConfigRange]
    /// Bytes where a pinned proposal cannot go.
    public var conflict: ConfigRange?
    /// Bytes that differ from the function compared with (`C`): bold and underlined, and
    /// `~diff` in the owner column, so they show without colour.
    public var differing: Set<Int>

    public init(
        analysis: FunctionAnalysis, rows: [MapRow], scroll: Int, cursor: Int, highlight: Range<Int>?, changed: Set<Int>,
        isFocused: Bool, glyphs: GlyphSet, title: String, proposals: [ConfigRange] = [], conflict: ConfigRange? = nil,
        differing: Set<Int> = []
    ) {
        self.analysis = analysis
        self.rows = rows
        self.scroll = scroll
        self.cursor = cursor
        self.highlight = highlight
        self.changed = changed
        self.isFocused = isFocused
        self.glyphs = glyphs
        self.title = title
        self.proposals = proposals
        self.conflict = conflict
        self.differing = differing
    }

    private func isProposed(_ offset: Int) -> Bool {
        proposals.contains { $0.contains(ConfigOffset(offset)) }
    }

    /// Inside the border, below the column header: one map row per line.
    public static func geometry(in area: Rect) -> PaneGeometry { PaneGeometry(area: area, headerLines: 1) }

    /// The byte under a point of the pane, as `render` draws it: the byte whose digits are there,
    /// or the row's first byte (on the offset column, a separator, the owners or a fold); nil off
    /// the rows.
    public static func offset(atX x: Int, y: Int, in area: Rect, rows: [MapRow], scroll: Int) -> Int? {
        let geometry = geometry(in: area)
        guard let line = geometry.line(x: x, y: y), rows.indices.contains(scroll + line) else { return nil }
        let row = rows[scroll + line]
        if case .bytes(let offset) = row, let index = HexRowLayout.byteIndex(atColumn: x - geometry.content.x) {
            return offset + index
        }
        return row.start
    }

    public func render(into buffer: inout ScreenBuffer, area: Rect) {
        buffer.box(area, title: title, glyphs: glyphs, focused: isFocused)
        let geometry = Self.geometry(in: area)
        let inner = geometry.inner
        guard !inner.isEmpty else { return }
        renderColumnHeader(into: &buffer, inner: inner)
        for line in 0..<geometry.visibleRows {
            let index = scroll + line
            guard rows.indices.contains(index) else { break }
            let y = geometry.y(ofLine: line)
            switch rows[index] {
            case .bytes(let offset): renderBytes(offset, y: y, into: &buffer, inner: inner)
            case .fold(let start, let end, let unreadable):
                renderFold(start, end, unreadable, y: y, into: &buffer, inner: inner)
            }
        }
    }

    private func renderColumnHeader(into buffer: inout ScreenBuffer, inner: Rect) {
        let dim = CellStyle(.offset)
        buffer.put("off", x: inner.x, y: inner.y, style: dim, clip: inner)
        for index in 0..<16 {
            let x = inner.x + HexRowLayout.column(ofByte: index)
            buffer.put(" " + HexFormat.hex(UInt64(index), digits: 1), x: x, y: inner.y, style: dim, clip: inner)
        }
        if inner.width > HexRowLayout.ownerColumn + 4 {
            buffer.put("owner", x: inner.x + HexRowLayout.ownerColumn, y: inner.y, style: dim, clip: inner)
        }
    }

    private func renderBytes(_ offset: Int, y: Int, into buffer: inout ScreenBuffer, inner: Rect) {
        let rowHasCursor = cursor >= offset && cursor < offset + 16
        let offsetStyle = CellStyle(.offset, rowHasCursor ? [.bold] : [])
        buffer.put(HexFormat.offset3(offset), x: inner.x, y: y, style: offsetStyle, clip: inner)
        for group in 1..<4 {
            let x = inner.x + HexRowLayout.separatorColumn(beforeGroup: group)
            buffer.set(x: x, y: y, Cell(glyphs.groupSeparator, CellStyle(.chrome)), clip: inner)
        }
        var owners = [ByteOwner]()
        for index in 0..<16 {
            let byteOffset = offset + index
            let owner = analysis.map.owner(at: byteOffset)
            if !owners.contains(owner) { owners.append(owner) }
            var style = ByteStyle.style(for: owner, offset: byteOffset, in: analysis)
            if isProposed(byteOffset) { style = CellStyle(.proposed, [.bold, .underline]) }
            if let conflict, conflict.contains(ConfigOffset(byteOffset)) { style = CellStyle(.conflict, [.bold]) }
            if differing.contains(byteOffset) { style = CellStyle(.changed, [.bold, .underline]) }
            if changed.contains(byteOffset) { style = CellStyle(.changed, [.bold]) }
            if let highlight, highlight.contains(byteOffset) {
                style = CellStyle(.fieldHighlight, [.bold, .underline])
            }
            if byteOffset == cursor { style = CellStyle(.cursor, [.reverse, .bold]) }
            let x = inner.x + HexRowLayout.column(ofByte: index)
            if let value = analysis.space.byte(at: byteOffset) {
                buffer.put(HexFormat.byte(value), x: x, y: y, style: style, clip: inner)
            } else {
                buffer.set(x: x, y: y, Cell(glyphs.unreadable, style), clip: inner)
                buffer.set(x: x + 1, y: y, Cell(glyphs.unreadable, style), clip: inner)
            }
        }
        renderOwners(owners, offset: offset, y: y, into: &buffer, inner: inner)
        if !differing.isEmpty, (offset..<(offset + 16)).contains(where: { differing.contains($0) }) {
            var column = inner.x + HexRowLayout.ownerColumn
            while column < inner.maxX, buffer.cell(x: column, y: y)?.character != " " { column += 1 }
            buffer.put("~diff", x: column + 1, y: y, style: CellStyle(.changed, [.bold]), clip: inner)
        }
        if let conflict, conflict.start.rawValue < offset + 16, conflict.end.rawValue > offset {
            var column = inner.x + HexRowLayout.ownerColumn
            while column < inner.maxX, buffer.cell(x: column, y: y)?.character != " " { column += 1 }
            buffer.put(
                String(Character(glyphs.warning)) + "conflict", x: column + 1, y: y,
                style: CellStyle(.conflict, [.bold]), clip: inner)
        }
    }

    /// The owner column: each owner's label in its own style; `[` marks where a structure starts.
    private func renderOwners(_ owners: [ByteOwner], offset: Int, y: Int, into buffer: inout ScreenBuffer, inner: Rect)
    {
        var x = inner.x + HexRowLayout.ownerColumn
        for owner in owners {
            guard x < inner.maxX else { break }
            var label = ByteStyle.label(for: owner, in: analysis)
            var style = ByteStyle.style(for: owner, offset: offset, in: analysis)
            if owner == .unclaimed {
                let hasHidden = (offset..<(offset + 16)).contains { byte in
                    analysis.map.owner(at: byte) == .unclaimed && (analysis.space.byte(at: byte) ?? 0) != 0
                }
                if hasHidden {
                    label = "hidden" + String(Character(glyphs.warning))
                    style = CellStyle(.hiddenRegister, [.bold])
                } else {
                    style = CellStyle(.gap)
                }
            }
            if case .capability(let index) = owner {
                let start = analysis.capabilities[index].offset.rawValue
                if start >= offset && start < offset + 16 { label = "[" + label }
                if isProposed(start) {
                    label = "+" + label
                    style = CellStyle(.proposed, [.bold, .underline])
                }
            }
            x = buffer.put(label, x: x, y: y, style: style, clip: inner) + 1
        }
    }

    private func renderFold(
        _ start: Int, _ end: Int, _ unreadable: Bool, y: Int, into buffer: inout ScreenBuffer, inner: Rect
    ) {
        buffer.put(HexFormat.offset3(start), x: inner.x, y: y, style: CellStyle(.offset), clip: inner)
        let marker = String(Character(glyphs.fold))
        let range = HexFormat.literal(UInt64(start), digits: 3) + "-" + HexFormat.literal(UInt64(end - 1), digits: 3)
        let text =
            unreadable
            ? "\(marker) \(range) not readable (\(end - start) bytes)"
            : "\(marker) \(range) all zero, unclaimed (\(end - start) bytes folded)"
        var style = CellStyle(unreadable ? .unreadable : .gap)
        if cursor >= start && cursor < end { style = CellStyle(.cursor, [.reverse]) }
        buffer.put(text, x: inner.x + HexRowLayout.firstByteColumn, y: y, style: style, clip: inner)
    }
}
