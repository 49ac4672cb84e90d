/// The help overlay: every key binding from the key table, and what the colours mean.
public struct HelpView: Widget {
    public var glyphs: GlyphSet

    public init(glyphs: GlyphSet) { self.glyphs = glyphs }

    public func render(into buffer: inout ScreenBuffer, area: Rect) {
        let bindings = KeyMap.bindings.filter { !$0.help.isEmpty }
        let legend: [(String, CellStyle)] = [
            ("hdr", CellStyle(.header)), ("standard capabilities", CellStyle(.standardCapability(0))),
            ("extended capabilities", CellStyle(.extendedCapability(0))), ("gap (zero)", CellStyle(.gap)),
            (
                "hidden" + String(Character(glyphs.warning)) + " non-zero bytes outside every structure",
                CellStyle(.hiddenRegister, [.bold])
            ),
            (String(repeating: String(Character(glyphs.unreadable)), count: 2) + " not read", CellStyle(.unreadable)),
            ("len? bytes that may belong to a capability of unknown length", CellStyle(.possiblyOwned)),
            ("selected field", CellStyle(.fieldHighlight, [.bold, .underline])),
            ("changed at the last re-read", CellStyle(.changed, [.bold])),
        ]
        let height = min(area.height, bindings.count + legend.count + 6)
        let width = min(area.width, 118)
        let box = Rect(
            x: area.x + (area.width - width) / 2, y: area.y + (area.height - height) / 2, width: width, height: height)
        buffer.fill(box)
        buffer.box(
            box, title: "Help: cfgtui is read-only; nothing here writes to a device", glyphs: glyphs, focused: true)
        let inner = box.inset(by: 1)
        var y = inner.y
        for binding in bindings where y < inner.maxY {
            let label = binding.keyLabel + String(repeating: " ", count: max(1, 12 - binding.keyLabel.count))
            let x = buffer.put(label, x: inner.x, y: y, style: CellStyle(.functionKey, [.bold]), clip: inner)
            buffer.put(binding.help, x: x, y: y, style: CellStyle(.plain), clip: inner)
            y += 1
        }
        y += 1
        if y < inner.maxY {
            buffer.put(
                "Colours and marks (the owner column names each row's owners, so nothing relies on colour alone):",
                x: inner.x, y: y, style: CellStyle(.title, [.bold]), clip: inner)
            y += 1
        }
        for (text, style) in legend where y < inner.maxY {
            buffer.put("  " + text, x: inner.x, y: y, style: style, clip: inner)
            y += 1
        }
    }
}
