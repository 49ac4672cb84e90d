/// A grid of styled cells: what one frame of the explorer shows.
///
/// Widgets draw into it; the terminal backend copies it to ncurses, which sends only what
/// changed. Every drawing helper clips to the buffer and to the rectangle it is given, so
/// drawing outside is a no-op, never a trap (a 1x1 terminal renders, clipped).
///
/// ```
/// var buffer = ScreenBuffer(size: Size(width: 80, height: 24))
/// buffer.put("000: 86 80", x: 0, y: 0, style: CellStyle(.offset), clip: buffer.bounds)
/// buffer.snapshot   // golden text form
/// ```
public struct ScreenBuffer: Hashable, Sendable {
    public let width: Int
    public let height: Int
    public private(set) var cells: [Cell]

    public init(size: Size) {
        width = size.width
        height = size.height
        cells = [Cell](repeating: .blank, count: size.width * size.height)
    }

    public var size: Size { Size(width: width, height: height) }
    public var bounds: Rect { Rect(size: size) }

    /// The cell at a position, or nil outside the buffer.
    public func cell(x: Int, y: Int) -> Cell? {
        guard x >= 0, y >= 0, x < width, y < height else { return nil }
        return cells[y * width + x]
    }

    /// Sets one cell when it lies inside both the buffer and `clip`.
    public mutating func set(x: Int, y: Int, _ cell: Cell, clip: Rect) {
        guard x >= 0, y >= 0, x < width, y < height, clip.contains(x: x, y: y) else { return }
        cells[y * width + x] = cell
    }

    /// Changes the style of one cell, keeping its character.
    public mutating func restyle(x: Int, y: Int, _ style: CellStyle, clip: Rect) {
        guard x >= 0, y >= 0, x < width, y < height, clip.contains(x: x, y: y) else { return }
        cells[y * width + x].style = style
    }

    /// Writes text from (x, y), clipped; returns the column after the last cell written (or
    /// that would have been written). Characters that would not take exactly one column are
    /// shown as `?`.
    @discardableResult
    public mutating func put(_ text: String, x: Int, y: Int, style: CellStyle, clip: Rect) -> Int {
        var column = x
        guard y >= 0, y < height, y >= clip.y, y < clip.maxY else { return x + text.unicodeScalars.count }
        let left = max(0, clip.x)
        let right = min(width, clip.maxX)
        for scalar in text.unicodeScalars {
            if column >= right { return column + 1 }
            if column >= left { cells[y * width + column] = Cell(Self.singleColumn(scalar), style) }
            column += 1
        }
        return column
    }

    /// Fills a rectangle (clipped) with one cell.
    public mutating func fill(_ rect: Rect, with cell: Cell = .blank) {
        let area = rect.intersection(bounds)
        guard !area.isEmpty else { return }
        for row in area.y..<area.maxY {
            for column in area.x..<area.maxX { cells[row * width + column] = cell }
        }
    }

    /// Draws a box around `rect` with an optional title on the top border.
    public mutating func box(_ rect: Rect, title: String?, glyphs: GlyphSet, focused: Bool) {
        guard rect.width >= 2, rect.height >= 2 else { return }
        let chrome = CellStyle(.chrome)
        for column in (rect.x + 1)..<(rect.maxX - 1) {
            set(x: column, y: rect.y, Cell(glyphs.horizontal, chrome), clip: rect)
            set(x: column, y: rect.maxY - 1, Cell(glyphs.horizontal, chrome), clip: rect)
        }
        for row in (rect.y + 1)..<(rect.maxY - 1) {
            set(x: rect.x, y: row, Cell(glyphs.vertical, chrome), clip: rect)
            set(x: rect.maxX - 1, y: row, Cell(glyphs.vertical, chrome), clip: rect)
        }
        set(x: rect.x, y: rect.y, Cell(glyphs.topLeft, chrome), clip: rect)
        set(x: rect.maxX - 1, y: rect.y, Cell(glyphs.topRight, chrome), clip: rect)
        set(x: rect.x, y: rect.maxY - 1, Cell(glyphs.bottomLeft, chrome), clip: rect)
        set(x: rect.maxX - 1, y: rect.maxY - 1, Cell(glyphs.bottomRight, chrome), clip: rect)
        if let title, rect.width > 4 {
            let titleClip = Rect(x: rect.x + 1, y: rect.y, width: rect.width - 2, height: 1)
            let style = CellStyle(focused ? .focusedTitle : .title, focused ? [.bold] : [])
            put(" " + title + " ", x: rect.x + 1, y: rect.y, style: style, clip: titleClip)
        }
    }

    /// Scalars that take one column; others become `?` (control characters, combining marks,
    /// East Asian wide characters).
    static func singleColumn(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        let value = scalar.value
        if value < 0x20 || (value >= 0x7F && value < 0xA0) { return "?" }
        if (0x0300...0x036F).contains(value) || (0x1100...0x115F).contains(value) || (0x2E80...0xA4CF).contains(value)
            || (0xAC00...0xD7A3).contains(value) || (0xF900...0xFAFF).contains(value)
            || (0xFE30...0xFE4F).contains(value)
            || (0xFF00...0xFF60).contains(value) || (0xFFE0...0xFFE6).contains(value) || value >= 0x1F000
        {
            return "?"
        }
        return scalar
    }
}
