/// Where a boxed pane draws: its border, a few fixed header lines, and below them the rows that
/// scroll. A widget renders its rows into `content`, and `update` hit-tests mouse clicks with the
/// same value, so a click lands on the row drawn under it (ratatui's `Block::inner`).
///
/// ```
/// let geometry = PaneGeometry(area: Rect(x: 0, y: 0, width: 20, height: 6), headerLines: 1)
/// geometry.content          // x 1, y 2, 18x3: inside the border, below one header line
/// geometry.line(x: 5, y: 3) // 1: the second row line
/// ```
public struct PaneGeometry: Hashable, Sendable {
    /// The whole pane, border included.
    public var area: Rect
    /// Lines between the top border and the first row (a column header, a register title).
    public var headerLines: Int

    public init(area: Rect, headerLines: Int = 0) {
        self.area = area
        self.headerLines = headerLines
    }

    /// Inside the border: header lines and rows. A click here belongs to the pane.
    public var inner: Rect { area.inset(by: 1) }

    /// Where the rows go: inside the border, below the header lines.
    public var content: Rect {
        let inner = self.inner
        let header = min(max(0, headerLines), inner.height)
        return Rect(x: inner.x, y: inner.y + header, width: inner.width, height: inner.height - header)
    }

    /// How many rows the content shows.
    public var visibleRows: Int { content.height }

    /// Whether a point is inside the border.
    public func contains(x: Int, y: Int) -> Bool { inner.contains(x: x, y: y) }

    /// The content line at a point (0: the first row line), or nil outside the rows (on the
    /// border or a header line).
    public func line(x: Int, y: Int) -> Int? {
        let content = self.content
        return content.contains(x: x, y: y) ? y - content.y : nil
    }

    /// The screen row of content line `line`.
    public func y(ofLine line: Int) -> Int { content.y + line }
}
