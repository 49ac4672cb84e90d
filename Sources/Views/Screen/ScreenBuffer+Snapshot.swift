extension ScreenBuffer {
    /// The golden text form: `size WxH`, each row between `|` marks, then a `styles` block with
    /// one letter per cell, and an `emphasis` block when any cell has emphasis.
    ///
    /// Style letters: `.` plain, `-` chrome, `t` title, `T` focused title, `o` offset, `h` header,
    /// `0`-`9` standard capabilities (palette slot mod 10), `A`-`J` extended capabilities,
    /// `p` possibly owned, `g` gap, `!` hidden register, `u` unreadable, `l` alias, `C` cursor,
    /// `F` field highlight, `c` changed, `P` proposed, `Q` conflict, `S` selection, `s` inactive selection, `k` function key,
    /// `K` function label, `>` status, `i` info, `w` warning, `e` error, `d` dim, `r` guide,
    /// `m` match, `R` read-only, `W` read-write, `X` write-1-to-clear, `Z` reserved, `Y` other access.
    public var snapshot: String {
        var lines = ["size \(width)x\(height)"]
        for row in 0..<height {
            var line = "|"
            line.unicodeScalars.append(contentsOf: cells[(row * width)..<((row + 1) * width)].map(\.character))
            lines.append(line + "|")
        }
        lines.append("styles")
        for row in 0..<height {
            lines.append(
                "|" + String(cells[(row * width)..<((row + 1) * width)].map { Self.letter($0.style.role) }) + "|")
        }
        if cells.contains(where: { !$0.style.emphasis.isEmpty }) {
            lines.append("emphasis (1 bold, 2 underline, 4 reverse, 8 dim; hex sum)")
            for row in 0..<height {
                let digits = cells[(row * width)..<((row + 1) * width)].map { cell -> Character in
                    let value = Int(cell.style.emphasis.rawValue)
                    return value == 0 ? "." : Character(String(value, radix: 16))
                }
                lines.append("|" + String(digits) + "|")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The text of one row, without styles (for tests and screen checks).
    public func text(row: Int) -> String {
        guard row >= 0, row < height else { return "" }
        var line = ""
        line.unicodeScalars.append(contentsOf: cells[(row * width)..<((row + 1) * width)].map(\.character))
        return line
    }

    /// All rows' text, one per line.
    public var text: String { (0..<height).map { text(row: $0) }.joined(separator: "\n") }

    static func letter(_ role: StyleRole) -> Character {
        switch role {
        case .plain: "."
        case .chrome: "-"
        case .title: "t"
        case .focusedTitle: "T"
        case .offset: "o"
        case .header: "h"
        case .standardCapability(let slot): Array("0123456789")[((slot % 10) + 10) % 10]
        case .extendedCapability(let slot): Array("ABCDEFGHIJ")[((slot % 10) + 10) % 10]
        case .possiblyOwned: "p"
        case .gap: "g"
        case .hiddenRegister: "!"
        case .unreadable: "u"
        case .alias: "l"
        case .cursor: "C"
        case .fieldHighlight: "F"
        case .changed: "c"
        case .proposed: "P"
        case .conflict: "Q"
        case .selection: "S"
        case .inactiveSelection: "s"
        case .functionKey: "k"
        case .functionLabel: "K"
        case .status: ">"
        case .info: "i"
        case .warning: "w"
        case .error: "e"
        case .dim: "d"
        case .guide: "r"
        case .match: "m"
        case .access(let access):
            switch access {
            case .readOnly: "R"
            case .readWrite: "W"
            case .writeOneToClear: "X"
            case .reserved: "Z"
            case .other: "Y"
            }
        }
    }
}
