/// The selection and scroll offset of a list pane: state that survives frames, kept in
/// `AppState` and passed to the widget that draws the list (ratatui's `ListState`).
///
/// The list's length is not stored: it comes from the data each time, so every change takes the
/// `count` of rows it applies to and clamps to it.
///
/// ```
/// var list = ListViewState()
/// list.move(by: 3, count: 10)          // selection 3
/// list = list.scrolledToShow(visibleRows: 2, count: 10)   // scroll 2: rows 2 and 3 show
/// list.row(atLine: 1)                  // 3: the row drawn on the second line
/// ```
public struct ListViewState: Hashable, Sendable {
    /// The selected row.
    public var selection: Int
    /// The first row shown.
    public var scroll: Int

    public init(selection: Int = 0, scroll: Int = 0) {
        self.selection = selection
        self.scroll = scroll
    }

    /// Selects `row`, clamped to the list (0 when it is empty).
    public mutating func select(row: Int, count: Int) {
        selection = max(0, min(count - 1, row))
    }

    /// Moves the selection by `rows` (negative: up), clamped to the list.
    public mutating func move(by rows: Int, count: Int) {
        select(row: selection + rows, count: count)
    }

    /// Selects the first row, or the last (`toEnd`).
    public mutating func jump(toEnd: Bool, count: Int) {
        select(row: toEnd ? count - 1 : 0, count: count)
    }

    /// The row drawn on line `line` of the list's content (0: the top line). Rendering and
    /// hit-testing both use it, so a click selects the row drawn under it.
    public func row(atLine line: Int) -> Int { scroll + line }

    /// The same selection, scrolled as little as needed to show it in `visibleRows` rows.
    public func scrolledToShow(visibleRows: Int, count: Int) -> ListViewState {
        ListViewState(
            selection: selection,
            scroll: Self.scroll(scroll, showing: selection, visibleRows: visibleRows, count: count))
    }

    /// The scroll offset nearest to `scroll` that shows `row` in `visibleRows` of `count` rows, and
    /// no empty rows after the last one. The one scroll rule of every pane (the hex map, whose
    /// selection is a byte rather than a row, uses it with the row of that byte).
    public static func scroll(_ scroll: Int, showing row: Int, visibleRows: Int, count: Int) -> Int {
        var result = scroll
        if row < result { result = row }
        if row >= result + visibleRows { result = row - visibleRows + 1 }
        return max(0, min(result, max(0, count - visibleRows)))
    }
}
