import Views

/// What the run loop needs from a terminal: its size, the next key, and a way to show a frame.
/// `CursesTerminal` is the real one; tests use a scripted fake that records frames.
protocol Terminal {
    /// The current size in cells.
    var size: Size { get }
    /// The next key, or nil when `timeout` passed first (nil timeout waits forever).
    mutating func nextKey(timeout: Duration?) -> Key?
    /// Shows a whole frame (ncurses sends only what changed).
    mutating func flush(_ buffer: ScreenBuffer)
    /// A termination signal (SIGTERM, SIGHUP, SIGQUIT) arrived: the loop should end.
    var terminationRequested: Bool { get }
    /// Repaints everything (Ctrl-L), as after the screen was garbled from outside.
    mutating func redrawAll()
}
