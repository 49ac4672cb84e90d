/// Why the explorer's terminal session could not start.
///
/// Each case is thrown before the screen is touched or after ncurses has been shut down again,
/// so the caller can print `description` on stderr and exit 1.
enum TerminalError: Error, Hashable, Sendable, CustomStringConvertible {
    /// stdin or stdout is not a terminal, or `TERM` is unset or `dumb`; nothing of ncurses was
    /// initialised. The reason is a short phrase such as "standard output is not a terminal".
    case notInteractive(String)
    /// ncurses' `newterm` failed (usually an unknown `TERM`).
    case cannotStart(terminal: String)

    var description: String {
        switch self {
        case .notInteractive(let reason):
            "the explorer needs an interactive terminal (\(reason)); "
                + "use `cfgtui list` or `cfgtui show` for plain text output"
        case .cannotStart(let terminal):
            "cannot start the explorer on terminal type '\(terminal)' (ncurses does not know it); "
                + "set TERM to a known type (e.g. xterm-256color), or use `cfgtui list` or `cfgtui show`"
        }
    }
}
