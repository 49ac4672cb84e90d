import CCurses
import Views

/// The real terminal: ncursesw through the wide-character API.
///
/// Only `TerminalSession` makes one, inside a session that has called `newterm` and will call
/// `endwin`; the value must not outlive that closure. Each frame is copied whole into
/// ncurses' virtual screen, and `doupdate` sends only what changed (ncurses diffs; we do not).
///
/// ```
/// try TerminalSession.run(options: options) { terminal in
///     var state = AppState(glyphs: terminal.glyphs, size: terminal.size)
///     while !terminal.terminationRequested {
///         terminal.flush(render(state))
///         guard let key = terminal.nextKey(timeout: .milliseconds(250)) else { continue }
///         ...
///     }
/// }
/// ```
struct CursesTerminal: Terminal {
    /// The window `newterm` set up (its `stdscr`).
    let window: UnsafeMutablePointer<WINDOW>
    /// The colours and attributes of each role.
    let theme: CursesTheme
    /// Unicode or ASCII line drawing, decided once from the locale and the options.
    let glyphs: GlyphSet
    /// Whether the locale's codeset is UTF-8; if not, non-ASCII cells are drawn as `?`.
    let canDrawUnicode: Bool
    /// Whether clicks and wheel events are reported as `.mouse` keys.
    let isMouseEnabled: Bool

    var pairNumbers: [CursesTheme.ColorPair: Int16]
    var renditions: [CellStyle: CursesRendition] = [:]
    /// The last frame flushed; an equal frame is not copied again.
    private var lastFrame: ScreenBuffer?
    /// How many frames were copied into ncurses (equal frames are skipped); for tests.
    private(set) var framesCopied = 0

    init(
        window: UnsafeMutablePointer<WINDOW>, theme: CursesTheme, pairNumbers: [CursesTheme.ColorPair: Int16],
        glyphs: GlyphSet, canDrawUnicode: Bool, isMouseEnabled: Bool
    ) {
        self.window = window
        self.theme = theme
        self.pairNumbers = pairNumbers
        self.glyphs = glyphs
        self.canDrawUnicode = canDrawUnicode
        self.isMouseEnabled = isMouseEnabled
    }

    // MARK: - Terminal

    /// The window's size in cells (ncurses updates it on `KEY_RESIZE`).
    var size: Size { Size(width: Int(getmaxx(window)), height: Int(getmaxy(window))) }

    /// True once SIGTERM, SIGHUP, SIGQUIT or SIGINT arrived, or the input was found closed: the
    /// run loop should return, and the session then restores the terminal. Check it on every
    /// timeout tick.
    var terminationRequested: Bool { TerminationSignals.received != nil || isInputClosed }

    /// Set when several waits for input in a row ended at once with nothing read: stdin is at
    /// end of file (the terminal went away while SIGHUP is ignored, e.g. under `nohup`).
    /// Without this the loop would spin at full CPU.
    private(set) var isInputClosed = false
    /// Consecutive waits that returned nothing well before their timeout.
    var earlyEmptyReads = 0

    /// Copies a frame into ncurses and shows it. A frame equal to the last one is skipped.
    /// A frame of another size than the window (just after a resize) is clipped, and the
    /// part of the window it does not cover is cleared.
    mutating func flush(_ buffer: ScreenBuffer) {
        if buffer == lastFrame { return }
        let windowSize = size
        if buffer.size != windowSize { _ = werase(window) }
        let rows = min(buffer.height, windowSize.height)
        let columns = min(buffer.width, windowSize.width)
        var cell = cchar_t()
        var text: [wchar_t] = [0, 0]
        for row in 0..<rows {
            for column in 0..<columns {
                guard let source = buffer.cell(x: column, y: row) else { continue }
                let rendition = rendition(for: source.style)
                text[0] = wchar_t(bitPattern: drawable(source.character).value)
                _ = setcchar(&cell, text, rendition.attributes, rendition.pair, nil)
                // ERR here only means the cursor could not move on after the bottom-right cell
                // (documented ncurses behaviour); the cell itself is drawn.
                _ = mvwadd_wch(window, Int32(row), Int32(column), &cell)
            }
        }
        _ = wnoutrefresh(window)
        _ = doupdate()
        lastFrame = buffer
        framesCopied += 1
    }

    /// Makes the next flush repaint the whole terminal (Ctrl-L, or after something else wrote
    /// to it).
    mutating func redrawAll() {
        _ = clearok(window, true)
        lastFrame = nil
    }

    /// Records that stdin is at end of file (see `isInputClosed`).
    mutating func markInputClosed() {
        isInputClosed = true
    }

    /// Forgets the last frame, so the next flush copies its buffer even if it is equal
    /// (after a resize ncurses may have cleared lines).
    mutating func invalidateLastFrame() {
        lastFrame = nil
    }

    /// The scalar to hand to ncurses: one that takes exactly one column, else `?`. Control
    /// characters would be expanded (`^A`), non-ASCII characters outside a UTF-8 locale cannot
    /// be encoded, and wide or combining characters would shift the rest of the row.
    func drawable(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        let checked = Self.drawable(scalar, canDrawUnicode: canDrawUnicode)
        guard checked.value > 0x7E else { return checked }
        return ccurses_wcwidth(wchar_t(bitPattern: checked.value)) == 1 ? checked : "?"
    }

    /// The locale-independent part of `drawable(_:)`.
    static func drawable(_ scalar: Unicode.Scalar, canDrawUnicode: Bool) -> Unicode.Scalar {
        let value = scalar.value
        if value < 0x20 || (value >= 0x7F && value < 0xA0) { return "?" }
        if value > 0x7E && !canDrawUnicode { return "?" }
        return scalar
    }
}
