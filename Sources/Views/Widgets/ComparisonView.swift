import Model

/// The PF/VF side by side: every capability of either, at its offset on each, and what the VF
/// lacks (with the spec's reason for PASID and PRI), plus the overlay's proposals.
public struct ComparisonView: Widget {
    public var pf: PCIFunction?
    public var vf: PCIFunction?
    /// Proposed offsets in the VF by capability ID, from the placement overlay.
    public var proposals: [ExtendedCapabilityID: ConfigOffset]
    public var glyphs: GlyphSet

    public init(pf: PCIFunction?, vf: PCIFunction?, proposals: [ExtendedCapabilityID: ConfigOffset], glyphs: GlyphSet) {
        self.pf = pf
        self.vf = vf
        self.proposals = proposals
        self.glyphs = glyphs
    }

    /// One row: a capability kind and where each function has it.
    struct Row: Hashable {
        var kind: CapabilityKind
        var pf: ConfigOffset?
        var vf: ConfigOffset?
    }

    static func rows(pf: FunctionAnalysis, vf: FunctionAnalysis) -> [Row] {
        var rows = [Row]()
        for capability in pf.capabilities where !rows.contains(where: { $0.kind == capability.kind }) {
            rows.append(Row(kind: capability.kind, pf: capability.offset, vf: vf.capability(capability.kind)?.offset))
        }
        for capability in vf.capabilities where !rows.contains(where: { $0.kind == capability.kind }) {
            rows.append(Row(kind: capability.kind, pf: nil, vf: capability.offset))
        }
        return rows
    }

    public func render(into buffer: inout ScreenBuffer, area: Rect) {
        let title = "PF/VF: " + (pf?.address.description ?? "?") + " vs " + (vf?.address.description ?? "?")
        buffer.box(area, title: title, glyphs: glyphs, focused: false)
        let inner = area.inset(by: 1)
        guard !inner.isEmpty else { return }
        guard let pf, let vf else {
            buffer.put(
                "Not part of an SR-IOV pair: select a VF, or a PF with VFs.", x: inner.x, y: inner.y,
                style: CellStyle(.dim), clip: inner)
            return
        }
        let pfAnalysis = pf.analyze()
        let vfAnalysis = vf.analyze()
        // The longest note is 42 columns: full names when they fit beside it, else abbreviations.
        let nameWidth = min(30, max(8, inner.width - 20 - 42))
        buffer.put(
            "capability" + String(repeating: " ", count: nameWidth + 2 - 10) + "PF       VF",
            x: inner.x, y: inner.y, style: CellStyle(.dim), clip: inner)
        var y = inner.y + 1
        for row in Self.rows(pf: pfAnalysis, vf: vfAnalysis) where y < inner.maxY {
            let definition = CapabilityCatalog.definition(for: row.kind)
            let name =
                definition.name.count <= nameWidth ? definition.name : String(definition.abbreviation.prefix(nameWidth))
            var x = buffer.put(name, x: inner.x, y: y, style: CellStyle(.plain), clip: inner)
            x = max(x, inner.x + nameWidth + 2)
            buffer.put(
                row.pf.map { HexFormat.literal(UInt64($0.rawValue), digits: 2) } ?? "-", x: x, y: y,
                style: CellStyle(.offset), clip: inner)
            x += 9
            if let offset = row.vf {
                buffer.put(
                    HexFormat.literal(UInt64(offset.rawValue), digits: 2), x: x, y: y, style: CellStyle(.offset),
                    clip: inner)
            } else {
                buffer.put("-", x: x, y: y, style: CellStyle(.warning, [.bold]), clip: inner)
            }
            x += 9
            buffer.put(note(for: row), x: x, y: y, style: noteStyle(for: row), clip: inner)
            y += 1
        }
    }

    private func note(for row: Row) -> String {
        if row.pf != nil && row.vf != nil { return row.pf == row.vf ? "same offset" : "different offset" }
        if row.pf == nil { return "only on the VF" }
        guard case .extended(let id) = row.kind else { return "the VF lacks it" }
        var text: String
        switch id {
        case .processAddressSpaceID, .pageRequest:
            text = "VFs must not have it; a VMM synthesizes it"
        case .singleRootIOV:
            text = "PF only (VFs have no SR-IOV capability)"
        default:
            text = "the VF lacks it"
        }
        if let proposed = proposals[id] {
            text = "proposed at " + HexFormat.literal(UInt64(proposed.rawValue), digits: 3)
        }
        return text
    }

    private func noteStyle(for row: Row) -> CellStyle {
        if row.vf != nil { return CellStyle(.dim) }
        if case .extended(let id) = row.kind, proposals[id] != nil { return CellStyle(.proposed, [.bold, .underline]) }
        if case .extended(let id) = row.kind, id == .processAddressSpaceID || id == .pageRequest {
            return CellStyle(.warning, [.bold])
        }
        return CellStyle(.info)
    }
}
