import Model

/// The capability chain pane: both lists in order, each capability in its map colour with
/// offset, ID, version, name and length, and diagnostics where they happen.
public struct CapabilityChainView: Widget {
    public var analysis: FunctionAnalysis
    public var entries: [ChainEntry]
    public var list: ListViewState
    public var isFocused: Bool
    public var glyphs: GlyphSet
    /// Offsets of proposed (virtual) capabilities, marked `+` in the overlay.
    public var proposedOffsets: Set<Int>

    public init(
        analysis: FunctionAnalysis, entries: [ChainEntry], list: ListViewState, isFocused: Bool, glyphs: GlyphSet,
        proposedOffsets: Set<Int> = []
    ) {
        self.analysis = analysis
        self.entries = entries
        self.list = list
        self.isFocused = isFocused
        self.glyphs = glyphs
        self.proposedOffsets = proposedOffsets
    }

    /// Inside the border, one entry per line.
    public static func geometry(in area: Rect) -> PaneGeometry { PaneGeometry(area: area) }

    public func render(into buffer: inout ScreenBuffer, area: Rect) {
        let count = analysis.capabilities.count
        buffer.box(area, title: "Capabilities (\(count))", glyphs: glyphs, focused: isFocused)
        let geometry = Self.geometry(in: area)
        let inner = geometry.content
        guard !inner.isEmpty else { return }
        for line in 0..<geometry.visibleRows {
            let index = list.row(atLine: line)
            guard entries.indices.contains(index) else { break }
            let y = geometry.y(ofLine: line)
            let isSelected = index == list.selection
            if isSelected {
                let style = CellStyle(isFocused ? .selection : .inactiveSelection, isFocused ? [.reverse] : [])
                buffer.fill(inner.row(line), with: Cell(" ", style))
            }
            render(entries[index], y: y, selected: isSelected, into: &buffer, inner: inner)
        }
    }

    private func render(_ entry: ChainEntry, y: Int, selected: Bool, into buffer: inout ScreenBuffer, inner: Rect) {
        let selection = CellStyle(isFocused ? .selection : .inactiveSelection, isFocused ? [.reverse] : [])
        switch entry {
        case .section(let space):
            let text = space == .standard ? "Standard (from 0x34)" : "Extended (from 0x100)"
            buffer.put(text, x: inner.x, y: y, style: selected ? selection : CellStyle(.title, [.bold]), clip: inner)
        case .note(let text):
            buffer.put("  " + text, x: inner.x, y: y, style: selected ? selection : CellStyle(.dim), clip: inner)
        case .capability(let index):
            let capability = analysis.capabilities[index]
            let definition = capability.definition
            let isProposed = proposedOffsets.contains(capability.offset.rawValue)
            var text = (isProposed ? "+[" : " [") + HexFormat.offset(capability.offset) + "] "
            let id =
                capability.space == .standard
                ? HexFormat.hex(UInt64(capability.kind.rawID), digits: 2)
                : HexFormat.hex(UInt64(capability.kind.rawID), digits: 4)
            text += id + " "
            var x = buffer.put(text, x: inner.x, y: y, style: selected ? selection : CellStyle(.offset), clip: inner)
            var name = definition.abbreviation
            if let version = capability.version { name += " v\(version)" }
            let nameStyle =
                isProposed ? CellStyle(.proposed, [.bold, .underline]) : ByteStyle.capabilityStyle(index, in: analysis)
            x = buffer.put(name, x: x, y: y, style: selected ? selection : nameStyle, clip: inner)
            let length = capability.length.bytes.map { " \($0)B" } ?? " len?"
            x = buffer.put(length, x: x, y: y, style: selected ? selection : CellStyle(.dim), clip: inner)
            let description = isProposed ? "  proposed (virtual)" : "  " + definition.name
            let descriptionStyle = CellStyle(isProposed ? .info : .plain)
            buffer.put(description, x: x, y: y, style: selected ? selection : descriptionStyle, clip: inner)
        case .diagnostic(let diagnostic):
            let role: StyleRole
            switch diagnostic.severity {
            case .error: role = .error
            case .warning: role = .warning
            case .info: role = .info
            }
            let mark = diagnostic.severity == .info ? "i" : String(Character(glyphs.warning))
            buffer.put(
                "   " + mark + " " + DiagnosticText.message(diagnostic.kind), x: inner.x, y: y,
                style: selected ? selection : CellStyle(role, diagnostic.severity == .error ? [.bold] : []), clip: inner
            )
        }
    }
}
