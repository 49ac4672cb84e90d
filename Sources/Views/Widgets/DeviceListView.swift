import Model

/// The device pane: functions as a tree (bridges over what sits behind them, PFs over their
/// VFs), with class and names, scrolled to keep the selection visible.
///
/// With the health check (`ExplorerCheck`) each row ends in two columns, as pcicrawler's tree
/// does: the function's link ("8GT/s x4", "2.5GT/s x1<8GT/s x4" when below what it can do)
/// and a badge of its findings' counts ("E1 W2 i3") in the worst severity's style. The slowest
/// link of the selected endpoint's path is marked (`bottleneckMark`). When the pane is too
/// narrow for the names, the link column first leaves out what the link could do
/// ("2.5GT/s x1<"), then goes, then the badge shrinks to its worst count.
public struct DeviceListView: Widget {
    public var functions: [PCIFunction]
    public var rows: [DeviceTreeRow]
    public var list: ListViewState
    public var isFocused: Bool
    public var glyphs: GlyphSet
    public var title: String
    /// Functions a re-read found gone: their rows say `gone` (a word, so it shows without colour).
    public var gone: Set<PCIAddress>
    /// The health check of `functions` (nil: no link and badge columns).
    public var check: ExplorerCheck?
    /// The function whose link is the selected endpoint's bottleneck.
    public var bottleneckIndex: Int?

    /// Name characters a row keeps before the link column is dropped.
    static let minimumNameWidth = 14

    public init(
        functions: [PCIFunction], rows: [DeviceTreeRow], list: ListViewState, isFocused: Bool, glyphs: GlyphSet,
        title: String, gone: Set<PCIAddress> = [], check: ExplorerCheck? = nil, bottleneckIndex: Int? = nil
    ) {
        self.check = check
        self.bottleneckIndex = bottleneckIndex
        self.functions = functions
        self.rows = rows
        self.list = list
        self.isFocused = isFocused
        self.glyphs = glyphs
        self.title = title
        self.gone = gone
    }

    /// Inside the border, one row per line.
    public static func geometry(in area: Rect) -> PaneGeometry { PaneGeometry(area: area) }

    public func render(into buffer: inout ScreenBuffer, area: Rect) {
        buffer.box(area, title: title, glyphs: glyphs, focused: isFocused)
        let geometry = Self.geometry(in: area)
        let inner = geometry.content
        guard !inner.isEmpty else { return }
        if rows.isEmpty {
            buffer.put("no functions match", x: inner.x, y: inner.y, style: CellStyle(.dim), clip: inner)
            return
        }
        let columns = Columns(check: check, rows: rows, list: list, lines: geometry.visibleRows, width: inner.width)
        for line in 0..<geometry.visibleRows {
            let index = list.row(atLine: line)
            guard rows.indices.contains(index) else { break }
            let row = rows[index]
            let function = functions[row.functionIndex]
            let y = geometry.y(ofLine: line)
            let isSelected = index == list.selection
            let base = CellStyle(
                isSelected ? (isFocused ? .selection : .inactiveSelection) : .plain,
                isSelected && isFocused ? [.reverse] : [])
            if isSelected { buffer.fill(inner.row(line), with: Cell(" ", base)) }
            var x = inner.x
            for level in row.continuing.indices where level > 0 {
                let guide = row.continuing[level] ? String(Character(glyphs.treeVertical)) + " " : "  "
                x = buffer.put(guide, x: x, y: y, style: isSelected ? base : CellStyle(.guide), clip: inner)
            }
            if row.depth > 0 {
                let branch = String(Character(row.isLastChild ? glyphs.treeLast : glyphs.treeBranch)) + " "
                x = buffer.put(branch, x: x, y: y, style: isSelected ? base : CellStyle(.guide), clip: inner)
            }
            let address =
                function.address.domain == 0
                ? String(function.address.description.dropFirst(5)) : function.address.description
            x = buffer.put(address + " ", x: x, y: y, style: isSelected ? base : CellStyle(.offset), clip: inner)
            if gone.contains(function.address) {
                x = buffer.put(
                    "gone ", x: x, y: y, style: isSelected ? base : CellStyle(.warning, [.bold]), clip: inner)
            }
            var name = FunctionText.className(function)
            if let device = function.names.device { name += ": " + device }
            if function.isVirtualFunction { name = "VF " + name }
            if case .physicalFunction(let vfs) = function.relation { name = "PF(\(vfs.count)) " + name }
            // The name runs up to this row's first column (rows without a link or badge keep more).
            let end = renderColumns(
                columns, function: row.functionIndex, y: y, base: isSelected ? base : nil, inner: inner, into: &buffer)
            buffer.put(
                name, x: x, y: y, style: base, clip: Rect(x: inner.x, y: y, width: max(0, end - inner.x), height: 1))
        }
    }

    /// The mark on the bottleneck's link (and before the badge when the link column is off).
    public static func bottleneckMark(_ glyphs: GlyphSet) -> String { glyphs.isUnicode ? "▼" : "v" }

    /// The link and badge columns' widths for this pane.
    private struct Columns {
        var link = 0
        var shortLink = false
        var badge = 0
        var compactBadge = false
        /// A column for the bottleneck mark, when some function has a link.
        var hasMark = false
        /// The columns with the gaps before them.
        var width: Int { (link > 0 ? link + 1 : 0) + (hasMark ? 2 : 0) + (badge > 0 ? badge + 1 : 0) }

        init(check: ExplorerCheck?, rows: [DeviceTreeRow], list: ListViewState, lines: Int, width: Int) {
            guard let check else { return }
            // The deepest row shown decides how much room the names have.
            var prefix = 0
            for line in 0..<lines where rows.indices.contains(list.row(atLine: line)) {
                prefix = max(prefix, rows[list.row(atLine: line)].depth * 2 + 8)
            }
            let room = width - prefix - DeviceListView.minimumNameWidth
            hasMark = check.linkColumnWidth > 0
            link = check.linkColumnWidth
            badge = check.badgeColumnWidth
            if self.width > room {
                shortLink = true
                link = check.shortLinkColumnWidth
            }
            if self.width > room { link = 0 }
            if self.width > room {
                compactBadge = true
                badge = check.compactBadgeColumnWidth
            }
        }
    }

    /// Draws a row's link, mark and badge; returns where the name must end (a column before
    /// the first one drawn, or the pane's edge).
    private func renderColumns(
        _ columns: Columns, function index: Int, y: Int, base: CellStyle?, inner: Rect, into buffer: inout ScreenBuffer
    ) -> Int {
        guard let check, columns.width > 0 else { return inner.maxX }
        var x = inner.maxX - columns.width
        var first = inner.maxX + 1
        let isBottleneck = index == bottleneckIndex
        if columns.link > 0 {
            x += 1
            if let text = check.linkText(of: index, short: columns.shortLink) {
                let isBelow = text.contains("<")
                let style =
                    base
                    ?? CellStyle(isBottleneck || isBelow ? .warning : .dim, isBottleneck ? [.bold, .underline] : [])
                let start = x + max(0, columns.link - text.count)
                buffer.put(text, x: start, y: y, style: style, clip: inner)
                first = min(first, start)
            }
            x += columns.link
        }
        if columns.hasMark {
            x += 1
            if isBottleneck {
                first = min(first, x)
                buffer.put(
                    Self.bottleneckMark(glyphs), x: x, y: y, style: base ?? CellStyle(.warning, [.bold]), clip: inner)
            }
            x += 1
        }
        let summary = check.summary(of: index)
        if columns.badge > 0, let worst = summary.worst {
            x += 1
            let text = ExplorerCheck.badge(summary, compact: columns.compactBadge)
            first = min(first, x)
            buffer.put(text, x: x, y: y, style: base ?? CellStyle(ExplorerCheck.role(worst), [.bold]), clip: inner)
        }
        return first - 1
    }
}
