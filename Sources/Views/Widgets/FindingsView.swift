import Model

/// The fields pane in findings mode: the findings of the selected function, then those of each
/// bridge on its path (labelled with its address), then those about the whole source. Each
/// finding is a line with its severity, kind and register, and its message wrapped below
/// (two lines at most). The slowest link of the function's path heads the list.
///
/// The list scrolls itself to keep the selected finding in view; the selection lives in
/// `AppState.findingsList`.
public struct FindingsView: Widget {
    public var functions: [PCIFunction]
    public var groups: [FindingsGroup]
    /// The selected finding, counted over every group's findings in order.
    public var selection: Int
    /// The slowest link on the selected function's path, when it is an endpoint with a link.
    public var bottleneck: PathLink?
    public var isFocused: Bool
    public var glyphs: GlyphSet

    public init(
        functions: [PCIFunction], groups: [FindingsGroup], selection: Int, bottleneck: PathLink?, isFocused: Bool,
        glyphs: GlyphSet
    ) {
        self.functions = functions
        self.groups = groups
        self.selection = selection
        self.bottleneck = bottleneck
        self.isFocused = isFocused
        self.glyphs = glyphs
    }

    /// The message lines a finding gets at most.
    static let messageLines = 2

    private enum Line {
        case heading(String, CellStyle)
        /// A finding's first line (entry: its place in the list) or one of its message lines.
        case finding(entry: Int, Finding)
        case message(entry: Int, String)
        case text(String, CellStyle)
    }

    public func render(into buffer: inout ScreenBuffer, area: Rect) {
        let total = groups.reduce(0) { $0 + $1.findings.count }
        let dot = " " + String(Character(glyphs.separator)) + " "
        let title =
            "Findings" + (total > 0 ? " (\(total))" : "") + dot + "Enter: go to the register" + dot + "Esc: fields"
        buffer.box(area, title: title, glyphs: glyphs, focused: isFocused)
        let inner = area.inset(by: 1)
        guard !inner.isEmpty else { return }
        let lines = self.lines(width: inner.width)
        let scroll = self.scroll(lines, height: inner.height)
        for row in 0..<inner.height {
            let index = scroll + row
            guard lines.indices.contains(index) else { break }
            let y = inner.y + row
            switch lines[index] {
            case .heading(let text, let style), .text(let text, let style):
                buffer.put(text, x: inner.x, y: y, style: style, clip: inner)
            case .finding(let entry, let finding):
                let isSelected = entry == selection
                let base = CellStyle(isSelected ? (isFocused ? .selection : .inactiveSelection) : .plain)
                if isSelected { buffer.fill(inner.row(row), with: Cell(" ", base)) }
                let severity = CellStyle(ExplorerCheck.role(finding.severity), [.bold])
                var x = buffer.put(
                    " " + Self.severityWord(finding.severity), x: inner.x, y: y,
                    style: isSelected ? CellStyle(base.role, [.bold]) : severity, clip: inner)
                x = buffer.put(
                    " " + finding.kind.rawValue, x: x, y: y, style: CellStyle(base.role, [.bold]), clip: inner)
                if let register = finding.register {
                    buffer.put(
                        "  " + CheckReportText.location(register), x: x, y: y,
                        style: isSelected ? base : CellStyle(.offset), clip: inner)
                }
            case .message(_, let text):
                buffer.put("        " + text, x: inner.x, y: y, style: .plain, clip: inner)
            }
        }
    }

    /// The finding drawn at a point of the pane in `area` (any of its lines), for a click.
    public func entry(atX x: Int, y: Int, in area: Rect) -> Int? {
        let inner = area.inset(by: 1)
        guard inner.contains(x: x, y: y) else { return nil }
        let lines = self.lines(width: inner.width)
        let index = scroll(lines, height: inner.height) + y - inner.y
        guard lines.indices.contains(index) else { return nil }
        switch lines[index] {
        case .finding(let entry, _), .message(let entry, _): return entry
        case .heading, .text: return nil
        }
    }

    /// The first line shown: the selected finding's lines all in view, with its group's
    /// heading when it is the group's first and there is room.
    private func scroll(_ lines: [Line], height: Int) -> Int {
        let first = lines.firstIndex { if case .finding(let entry, _) = $0 { entry == selection } else { false } }
        let last = lines.lastIndex { line in
            switch line {
            case .finding(let entry, _), .message(let entry, _): entry == selection
            case .heading, .text: false
            }
        }
        guard let first, let last else { return 0 }
        var scroll = min(max(0, last - height + 1), first)
        if first > 0, scroll == first, last - first + 2 <= height, case .heading = lines[first - 1] {
            scroll = first - 1
        }
        return scroll
    }

    /// "error  ", "warning", "info   ": one width, so kinds line up.
    static func severityWord(_ severity: DiagnosticSeverity) -> String {
        switch severity {
        case .error: "error  "
        case .warning: "warning"
        case .info: "info   "
        }
    }

    private func lines(width: Int) -> [Line] {
        var lines = [Line]()
        if let bottleneck {
            let upper = bottleneck.upper.map { Self.short($0) + "-" } ?? ""
            lines.append(
                .text(
                    "slowest link on the path: " + upper + Self.short(bottleneck.lower) + " "
                        + bottleneck.state.description + " (\(bottleneck.state.megabytesPerSecond) MB/s), "
                        + DeviceListView.bottleneckMark(glyphs) + " in the tree",
                    CellStyle(.dim)))
        }
        var entry = 0
        let messageWidth = max(1, width - 8)
        for group in groups {
            let function = group.functionIndex.flatMap { functions.indices.contains($0) ? functions[$0] : nil }
            let name = function.map {
                TerminalSafety.escaped(Self.short($0.address) + " " + FunctionText.className($0))
            }
            switch group.role {
            case .selected:
                guard !group.findings.isEmpty else {
                    lines.append(.text("no findings for " + (name ?? "this function"), CellStyle(.dim)))
                    continue
                }
                lines.append(.heading(name ?? "this function", CellStyle(.title, [.bold])))
            case .path:
                lines.append(.heading("on its path: " + (name ?? "a bridge above"), CellStyle(.title, [.bold])))
            case .source:
                lines.append(.heading("this source", CellStyle(.title, [.bold])))
            }
            for finding in group.findings {
                lines.append(.finding(entry: entry, finding))
                let wrapped = Self.wrap(TerminalSafety.escaped(finding.message), width: messageWidth)
                for (position, text) in wrapped.prefix(Self.messageLines).enumerated() {
                    let isCut = position == Self.messageLines - 1 && wrapped.count > Self.messageLines
                    lines.append(.message(entry: entry, isCut ? Self.ellipsized(text, width: messageWidth) : text))
                }
                entry += 1
            }
        }
        return lines
    }

    /// "01:00.0" in domain 0, the full address elsewhere (as the device tree shows it).
    static func short(_ address: PCIAddress) -> String {
        address.domain == 0 ? String(address.description.dropFirst(5)) : address.description
    }

    /// Words to lines of at most `width` characters (a longer word is cut).
    static func wrap(_ text: String, width: Int) -> [String] {
        var lines = [String]()
        var line = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: true) {
            var word = String(word)
            if line.isEmpty {
                while word.count > width {
                    lines.append(String(word.prefix(width)))
                    word = String(word.dropFirst(width))
                }
                line = word
            } else if line.count + 1 + word.count <= width {
                line += " " + word
            } else {
                lines.append(line)
                while word.count > width {
                    lines.append(String(word.prefix(width)))
                    word = String(word.dropFirst(width))
                }
                line = word
            }
        }
        if !line.isEmpty { lines.append(line) }
        return lines
    }

    /// A last line that says more follows ("..." at its end).
    static func ellipsized(_ text: String, width: Int) -> String {
        text.count + 4 <= width ? text + " ..." : String(text.prefix(max(0, width - 3))) + "..."
    }
}
