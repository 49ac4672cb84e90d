import Model

extension PlanReport {
    /// What one dword of the extended-space map shows, strongest first.
    public enum MapCell: Hashable, Sendable {
        /// A placed capability (index into `plan.placements`).
        case placement(Int)
        /// The Null capability written at 0x100 to head an empty list.
        case nullHead
        /// An existing capability (index into the target's extended capabilities).
        case capability(Int)
        /// Bytes that may belong to a capability of unknown length.
        case unknownExtent
        /// A reserved range (`--reserve` or the table's hidden registers).
        case reserved
        /// Non-zero bytes outside every structure: suspected hidden registers.
        case hiddenRegisters
        /// Blocked on a peer only.
        case peer
        /// Free.
        case free
    }

    /// One cell per dword of 0x100-0xFFF (960 cells).
    public static func mapCells(_ plan: PlacementPlan) -> [MapCell] {
        let analysis = FunctionAnalysis(space: plan.targetSpace)
        let existing = Array(analysis.extendedCapabilities)
        let first = ConfigSpace.conventionalSize / 4
        let count = ConfigSpace.extendedSize / 4 - first
        var cells = [MapCell](repeating: .free, count: count)
        var strength = [Int](repeating: 0, count: count)
        func mark(_ range: ConfigRange, _ cell: MapCell, _ level: Int) {
            let low = max(range.start.rawValue / 4, first)
            let high = min((range.end.rawValue + 3) / 4, first + count)
            guard low < high else { return }
            for dword in low..<high where strength[dword - first] < level {
                cells[dword - first] = cell
                strength[dword - first] = level
            }
        }
        for obstacle in plan.obstacles {
            switch obstacle.reason {
            case .overlapsCapability(_, let at, _):
                if let index = existing.firstIndex(where: { $0.offset == at }) {
                    mark(obstacle.range, .capability(index), 6)
                }
            case .mayBelongToCapability: mark(obstacle.range, .unknownExtent, 5)
            case .reserved: mark(obstacle.range, .reserved, 4)
            case .nonZeroBytes: mark(obstacle.range, .hiddenRegisters, 3)
            case .onPeer: mark(obstacle.range, .peer, 2)
            default: break
            }
        }
        if plan.listHead == .nullCapability { mark(ConfigRange(0x100, length: 4), .nullHead, 7) }
        for (index, placement) in plan.placements.enumerated() { mark(placement.range, .placement(index), 8) }
        return cells
    }

    /// The character for a cell: `a`-`z` existing capabilities, `A`-`Z` placements, `^` the
    /// Null list head, `~` unknown extent, `=` reserved, `!` suspected hidden registers,
    /// `%` blocked on a peer, `.` free.
    public static func character(_ cell: MapCell) -> Character {
        switch cell {
        case .placement(let index): letter(index, base: 0x41)
        case .nullHead: "^"
        case .capability(let index): letter(index, base: 0x61)
        case .unknownExtent: "~"
        case .reserved: "="
        case .hiddenRegisters: "!"
        case .peer: "%"
        case .free: "."
        }
    }

    private static func letter(_ index: Int, base: UInt8) -> Character {
        Character(Unicode.Scalar(base + UInt8(index % 26)))
    }

    /// The map of the extended space, one character per dword and 256 bytes per row; rows
    /// that are entirely free between two other rows are squeezed into one `*` line. Then the
    /// legend, naming every letter.
    public static func appendMap(_ plan: PlacementPlan, context: PlanContext, to buffer: inout OutputBuffer) {
        let cells = mapCells(plan)
        buffer.append("  Extended space 0x100-0xfff, one character per dword, 256 bytes per row:\n")
        buffer.spaces(9)
        for column in stride(from: 0, to: 0x100, by: 0x10) {
            buffer.append(HexFormat.hex(UInt64(column), digits: 2))
            if column < 0xF0 { buffer.spaces(2) }
        }
        buffer.newline()
        var squeezed = false
        let rows = cells.count / 64
        for row in 0..<rows {
            let slice = cells[(row * 64)..<(row * 64 + 64)]
            let isFree = slice.allSatisfy { $0 == .free }
            if isFree, row > 0, row < rows - 1 {
                if !squeezed {
                    buffer.append("    *\n")
                    squeezed = true
                }
                continue
            }
            squeezed = false
            buffer.append("    ")
            buffer.appendHex(UInt64(0x100 + row * 0x100), digits: 3)
            buffer.append("  ")
            for cell in slice { buffer.append(String(character(cell))) }
            buffer.newline()
        }

        let existing = Array(FunctionAnalysis(space: plan.targetSpace).extendedCapabilities)
        var legend = [String]()
        for (index, capability) in existing.enumerated() where cells.contains(.capability(index)) {
            legend.append(
                String(character(.capability(index))) + " [" + HexFormat.hex(UInt64(capability.offset.rawValue))
                    + "] " + capability.definition.abbreviation)
        }
        for (index, placement) in plan.placements.enumerated() {
            legend.append(
                String(character(.placement(index))) + " [" + HexFormat.hex(UInt64(placement.offset.rawValue))
                    + "] new " + context.label(placement.requestIndex, placement.capability.kind))
        }
        let symbols: [(MapCell, String)] = [
            (.nullHead, "^ Null list head"), (.unknownExtent, "~ may belong to a capability of unknown length"),
            (.reserved, "= reserved"), (.hiddenRegisters, "! non-zero bytes outside structures (hidden registers?)"),
            (.peer, "% used on a peer"), (.free, ". free"),
        ]
        for (cell, text) in symbols where cells.contains(cell) { legend.append(text) }
        buffer.append("  Legend: ")
        var column = 10
        for (index, item) in legend.enumerated() {
            if index > 0 {
                if column + item.count + 2 > 110 {
                    buffer.append(",\n          ")
                    column = 10
                } else {
                    buffer.append(", ")
                    column += 2
                }
            }
            buffer.append(item)
            column += item.count
        }
        buffer.newline()
    }
}
