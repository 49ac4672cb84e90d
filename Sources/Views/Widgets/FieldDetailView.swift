import Model

/// The field detail pane: the register under the cursor with every field's bits, value,
/// decoded meaning and access attribute; the selected field's bytes are highlighted in the map.
/// Off a register it explains what the byte is (gap, hidden register, unreadable).
public struct FieldDetailView: Widget {
    public var analysis: FunctionAnalysis
    public var cursor: Int
    public var register: DecodedRegister?
    public var list: ListViewState
    public var isFocused: Bool
    public var glyphs: GlyphSet
    /// Bits of the register that changed since a baseline (the write simulator's start): their
    /// fields' values are drawn as changed and marked `*`.
    public var changedBits: UInt64

    public init(
        analysis: FunctionAnalysis, cursor: Int, register: DecodedRegister?, list: ListViewState, isFocused: Bool,
        glyphs: GlyphSet, changedBits: UInt64 = 0
    ) {
        self.changedBits = changedBits
        self.analysis = analysis
        self.cursor = cursor
        self.register = register
        self.list = list
        self.isFocused = isFocused
        self.glyphs = glyphs
    }

    /// Inside the border, below the register's title and the column header: one field per line.
    public static func geometry(in area: Rect) -> PaneGeometry { PaneGeometry(area: area, headerLines: 2) }

    public func render(into buffer: inout ScreenBuffer, area: Rect) {
        let owner = analysis.map.owner(at: cursor)
        let title = "Fields at " + HexFormat.literal(UInt64(cursor), digits: 3)
        buffer.box(area, title: title, glyphs: glyphs, focused: isFocused)
        if let register { renderReference(register.reference, title: title, area: area, into: &buffer) }
        let geometry = Self.geometry(in: area)
        let inner = geometry.inner
        guard !inner.isEmpty else { return }
        guard let register else {
            renderUnowned(owner, inner: inner, into: &buffer)
            return
        }
        // Title: register, owner, value.
        var x = buffer.put(
            HexFormat.literal(UInt64(register.offset.rawValue), digits: 3) + " ", x: inner.x, y: inner.y,
            style: CellStyle(.offset), clip: inner)
        x = buffer.put(register.spec.name, x: x, y: inner.y, style: CellStyle(.title, [.bold]), clip: inner)
        x = buffer.put(
            "  " + structureName(owner) + " +"
                + HexFormat.literal(UInt64(register.offset.rawValue - structureStart(owner)), digits: 2),
            x: x, y: inner.y, style: ByteStyle.style(for: owner, offset: cursor, in: analysis), clip: inner)
        if let value = register.value {
            buffer.put(
                "  = " + HexFormat.literal(value, digits: register.spec.width * 2), x: x, y: inner.y,
                style: CellStyle(.plain, [.bold]), clip: inner)
        } else if register.spec.isOpaque {
            buffer.put(
                "  (\(register.spec.width) bytes, no fields)", x: x, y: inner.y, style: CellStyle(.dim), clip: inner)
        } else {
            buffer.put("  (not readable)", x: x, y: inner.y, style: CellStyle(.unreadable), clip: inner)
        }
        guard inner.height > 1 else { return }
        buffer.put(
            " bits  field" + String(repeating: " ", count: 30) + "value           access  meaning", x: inner.x,
            y: inner.y + 1, style: CellStyle(.dim), clip: inner)
        let fields = register.spec.fields
        // The last row spells out the selected field in full when there is room to spare.
        let listRows = geometry.visibleRows - (geometry.visibleRows > fields.count ? 1 : 0)
        if listRows < geometry.visibleRows, fields.indices.contains(list.selection) {
            renderSummary(
                of: fields[list.selection], register: register, y: inner.maxY - 1, inner: inner, into: &buffer)
        }
        for line in 0..<max(0, listRows) {
            let index = list.row(atLine: line)
            guard fields.indices.contains(index) else { break }
            renderField(
                fields[index], index: index, y: geometry.y(ofLine: line), register: register, inner: inner,
                into: &buffer)
        }
    }

    /// Where the specification defines the register, at the right of the top border (when it
    /// fits beside the title): trainers point students at it.
    private func renderReference(
        _ reference: SpecReference, title: String, area: Rect, into buffer: inout ScreenBuffer
    ) {
        let text = " " + reference.description(sectionSign: glyphs.isUnicode ? "§" : "sec. ") + " "
        let start = area.maxX - 2 - text.count
        guard start > area.x + title.count + 4 else { return }
        buffer.put(
            text, x: start, y: area.y, style: CellStyle(.dim),
            clip: Rect(x: area.x + 1, y: area.y, width: max(0, area.width - 2), height: 1))
    }

    private func renderField(
        _ field: RegisterField, index: Int, y: Int, register: DecodedRegister, inner: Rect,
        into buffer: inout ScreenBuffer
    ) {
        let isSelected = index == list.selection
        let selectionStyle = CellStyle(
            isFocused ? .selection : .inactiveSelection, isFocused ? [.reverse] : [.underline])
        if isSelected {
            buffer.fill(Rect(x: inner.x, y: y, width: inner.width, height: 1), with: Cell(" ", selectionStyle))
        }
        let bits = field.bitCount > 1 ? "\(field.highBit):\(field.lowBit)" : "\(field.lowBit)"
        let pad = String(repeating: " ", count: max(0, 5 - bits.count))
        var x = buffer.put(
            pad + bits + "  ", x: inner.x, y: y, style: isSelected ? selectionStyle : CellStyle(.offset), clip: inner)
        let nameWidth = 34
        buffer.put(
            field.name, x: x, y: y, style: isSelected ? selectionStyle : CellStyle(.plain),
            clip: Rect(x: x, y: y, width: nameWidth, height: 1).intersection(inner))
        x += nameWidth + 1
        var valueText = "?"
        if let raw = register.value(of: field) {
            var output = OutputBuffer(capacity: 24)
            ValueText.appendField(raw: raw, decoded: field.decoding.decode(raw, lowBit: field.lowBit), to: &output)
            valueText = output.text
        }
        let valueWidth = 15
        let fieldMask: UInt64 =
            field.bitCount >= 64 ? .max : ((1 << UInt64(field.bitCount)) - 1) << UInt64(field.lowBit)
        let isChanged = changedBits & fieldMask != 0
        if isChanged { valueText += "*" }
        buffer.put(
            valueText, x: x, y: y,
            style: isSelected ? selectionStyle : isChanged ? CellStyle(.changed, [.bold]) : CellStyle(.plain, [.bold]),
            clip: Rect(x: x, y: y, width: valueWidth, height: 1).intersection(inner))
        x += valueWidth + 1
        buffer.put(
            field.access.rawValue, x: x, y: y,
            style: isSelected ? selectionStyle : CellStyle(.access(Self.accessRole(field.access))), clip: inner)
        x += 8
        buffer.put(field.meaning, x: x, y: y, style: isSelected ? selectionStyle : CellStyle(.dim), clip: inner)
    }

    /// `Max_Payload_Size (7:5) = 2: 512 bytes. RW: Largest TLP payload ...` for the selected field.
    private func renderSummary(
        of field: RegisterField, register: DecodedRegister, y: Int, inner: Rect, into buffer: inout ScreenBuffer
    ) {
        var text = String(Character(glyphs.arrow)) + " " + field.name
        text += field.bitCount > 1 ? " (\(field.highBit):\(field.lowBit))" : " (bit \(field.lowBit))"
        if let raw = register.value(of: field) {
            let rawText = raw < 10 ? String(raw) : HexFormat.literal(raw)
            text += " = " + rawText
            let decoded = field.decoding.decode(raw, lowBit: field.lowBit)
            let decodedText = ValueText.describe(decoded)
            if case .flag(let isSet) = decoded {
                text += isSet ? " (set)" : " (clear)"
            } else if decodedText != rawText && decodedText != String(raw) {
                text += ": " + decodedText
            }
        }
        text += ". " + field.access.rawValue + ": " + field.meaning
        buffer.put(text, x: inner.x, y: y, style: CellStyle(.info), clip: inner)
    }

    static func accessRole(_ access: RegisterAccess) -> AccessRole {
        switch access {
        case .readOnly, .readOnlySticky, .hardwareInit: .readOnly
        case .readWrite, .readWriteSticky: .readWrite
        case .writeOneToClear, .writeOneToClearSticky: .writeOneToClear
        case .reservedPreserve, .reservedZero: .reserved
        case .writeOnlyReadsZero, .vendorDefined: .other
        }
    }

    private func structureName(_ owner: ByteOwner) -> String {
        switch owner {
        case .header: "header"
        case .capability(let index): analysis.capabilities[index].definition.name
        default: ""
        }
    }

    private func structureStart(_ owner: ByteOwner) -> Int {
        if case .capability(let index) = owner { return analysis.capabilities[index].offset.rawValue }
        return 0
    }

    /// Explains a byte no register covers.
    private func renderUnowned(_ owner: ByteOwner, inner: Rect, into buffer: inout ScreenBuffer) {
        var lines = [(String, CellStyle)]()
        let offsetText = HexFormat.literal(UInt64(cursor), digits: 3)
        switch owner {
        case .unreadable where cursor < analysis.space.readableLength:
            let hole = analysis.space.unreadable.first { $0.contains(ConfigOffset(cursor)) }
            lines.append(
                (
                    "\(offsetText) was not read: the dump leaves out \(hole.map(HexFormat.range) ?? offsetText).",
                    CellStyle(.unreadable)
                ))
        case .unreadable:
            let readable = analysis.space.readableLength
            lines.append(
                (
                    "\(offsetText) was not read: only \(readable) of \(analysis.space.size) bytes are readable.",
                    CellStyle(.unreadable)
                ))
            if analysis.diagnostics.contains(where: {
                if case .partialRead(_, _, true) = $0.kind { return true } else { return false }
            }) {
                lines.append(
                    ("The kernel gives unprivileged readers 64 bytes; run as root to see the rest.", CellStyle(.info)))
            }
        case .unclaimed:
            let gap = analysis.map.gaps.first { $0.range.contains(ConfigOffset(cursor)) }
            let value = analysis.space.byte(at: cursor) ?? 0
            if let gap {
                lines.append(
                    (
                        "\(offsetText) is unclaimed: gap \(HexFormat.range(gap.range)), \(gap.range.length) bytes, \(gap.nonZeroBytes) non-zero.",
                        CellStyle(.gap)
                    ))
            }
            if value != 0 || (gap?.nonZeroBytes ?? 0) > 0 {
                lines.append(
                    (
                        "Non-zero bytes outside every structure are likely hidden device registers (vfio passes gaps through raw).",
                        CellStyle(.hiddenRegister, [.bold])
                    ))
            }
        case .possiblyCapability(let index):
            let capability = analysis.capabilities[index]
            lines.append(
                (
                    "\(offsetText) may belong to \(capability.definition.name) at \(HexFormat.offset(capability.offset)):",
                    CellStyle(.possiblyOwned)
                ))
            lines.append(("its length is unknown, so these bytes are neither claimed nor free.", CellStyle(.dim)))
        case .alias:
            lines.append(
                ("\(offsetText) repeats the conventional space: there is no real extended space.", CellStyle(.alias)))
        case .header, .capability:
            lines.append(("\(offsetText): no register table covers this byte.", CellStyle(.dim)))
        }
        for (line, entry) in lines.enumerated() where line < inner.height {
            buffer.put(entry.0, x: inner.x, y: inner.y + line, style: entry.1, clip: inner)
        }
    }
}
