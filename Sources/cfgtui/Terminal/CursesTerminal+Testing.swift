import CCurses
import Views

/// What ncurses' virtual screen holds at one cell, read back for tests (so tests never import
/// CCurses). Colours are ncurses colour numbers, -1 for the terminal's default.
struct InspectedCell: Hashable, Sendable {
    var character: Unicode.Scalar
    var attributes: CursesTheme.Attributes
    var pairNumber: Int16
    var colors: CursesTheme.ColorPair
}

extension CursesTerminal {
    /// The cell at (x, y) of the window's virtual screen (what `flush` wrote), or nil outside it.
    func inspectCell(x: Int, y: Int) -> InspectedCell? {
        guard x >= 0, y >= 0, x < size.width, y < size.height else { return nil }
        var cell = cchar_t()
        guard mvwin_wch(window, Int32(y), Int32(x), &cell) == OK else { return nil }
        var text = [wchar_t](repeating: 0, count: 8)
        var bits: attr_t = 0
        var pair: Int16 = 0
        guard getcchar(&cell, &text, &bits, &pair, nil) == OK,
            let character = Unicode.Scalar(UInt32(bitPattern: text[0]))
        else { return nil }
        var attributes = CursesTheme.Attributes()
        if bits & ccurses_a_bold() != 0 { attributes.insert(.bold) }
        if bits & ccurses_a_underline() != 0 { attributes.insert(.underline) }
        if bits & ccurses_a_reverse() != 0 { attributes.insert(.reverse) }
        if bits & ccurses_a_dim() != 0 { attributes.insert(.dim) }
        var foreground: Int16 = -1
        var background: Int16 = -1
        if pair != 0 { _ = pair_content(pair, &foreground, &background) }
        return InspectedCell(
            character: character, attributes: attributes, pairNumber: pair,
            colors: CursesTheme.ColorPair(foreground: foreground, background: background))
    }

    /// One row of the virtual screen as text.
    func inspectRow(_ y: Int) -> String {
        var line = ""
        for x in 0..<size.width {
            line.unicodeScalars.append(inspectCell(x: x, y: y)?.character ?? "?")
        }
        return line
    }
}
