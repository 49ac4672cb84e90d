import Model

/// The device pane: functions as a tree (bridges over what sits behind them, PFs over their
/// VFs), with class and names, scrolled to keep the selection visible.
public struct DeviceListView: Widget {
    public var functions: [PCIFunction]
    public var rows: [DeviceTreeRow]
    public var list: ListViewState
    public var isFocused: Bool
    public var glyphs: GlyphSet
    public var title: String
    /// Functions a re-read found gone: their rows say `gone` (a word, so it shows without colour).
    public var gone: Set<PCIAddress>

    public init(
        functions: [PCIFunction], rows: [DeviceTreeRow], list: ListViewState, isFocused: Bool, glyphs: GlyphSet,
        title: String, gone: Set<PCIAddress> = []
    ) {
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
            buffer.put(name, x: x, y: y, style: base, clip: inner)
        }
    }
}
