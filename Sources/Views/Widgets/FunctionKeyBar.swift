/// The bottom bar, htop style: `F1Help  F3Search ... F10Quit`, from the key table.
public struct FunctionKeyBar: Widget {
    public var entries: [(key: Int, label: String)]

    public init(entries: [(key: Int, label: String)]) { self.entries = entries }

    public func render(into buffer: inout ScreenBuffer, area: Rect) {
        buffer.fill(area, with: Cell(" ", CellStyle(.functionLabel)))
        var x = area.x
        for entry in entries {
            x = buffer.put("F\(entry.key)", x: x, y: area.y, style: CellStyle(.functionKey, [.bold]), clip: area)
            x = buffer.put(entry.label + " ", x: x, y: area.y, style: CellStyle(.functionLabel), clip: area)
        }
    }
}

/// The top line: the source, live state and the selected function.
public struct TitleBar: Widget {
    public var text: String
    public var right: String
    public var rightRole: StyleRole

    public init(text: String, right: String, rightRole: StyleRole) {
        self.text = text
        self.right = right
        self.rightRole = rightRole
    }

    public func render(into buffer: inout ScreenBuffer, area: Rect) {
        buffer.fill(area, with: Cell(" ", CellStyle(.status)))
        let rightStart = max(area.x, area.maxX - right.unicodeScalars.count - 1)
        buffer.put(
            text, x: area.x, y: area.y, style: CellStyle(.status, [.bold]),
            clip: Rect(x: area.x, y: area.y, width: rightStart - area.x - 1, height: 1))
        buffer.put(right, x: rightStart, y: area.y, style: CellStyle(rightRole, [.bold]), clip: area)
    }
}

/// The line above the function keys: an input prompt, a status message, or the legend.
public struct LegendBar: Widget {
    /// (text, style) pieces, drawn with a space between.
    public var pieces: [(String, CellStyle)]

    public init(pieces: [(String, CellStyle)]) { self.pieces = pieces }

    public func render(into buffer: inout ScreenBuffer, area: Rect) {
        buffer.fill(area)
        var x = area.x
        for (text, style) in pieces {
            guard x < area.maxX else { break }
            x = buffer.put(text, x: x, y: area.y, style: style, clip: area) + 1
        }
    }
}

/// Centred text for a terminal that is too small: what is needed and what there is.
public struct TooSmallView: Widget {
    public var size: Size
    public var needed: Size

    public init(size: Size, needed: Size) {
        self.size = size
        self.needed = needed
    }

    public func render(into buffer: inout ScreenBuffer, area: Rect) {
        let lines = [
            ("Terminal too small", CellStyle(.warning, [.bold])),
            ("now \(size.width)x\(size.height)", CellStyle(.error)),
            ("needs \(needed.width)x\(needed.height)", CellStyle(.info)),
            ("resize, or q to quit", CellStyle(.dim)),
        ]
        let top = area.y + max(0, (area.height - lines.count) / 2)
        for (index, line) in lines.enumerated() {
            let x = area.x + max(0, (area.width - line.0.unicodeScalars.count) / 2)
            buffer.put(line.0, x: x, y: top + index, style: line.1, clip: area)
        }
    }
}
