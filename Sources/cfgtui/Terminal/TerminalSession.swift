import CCurses
import Glibc
import Views

/// A scoped ncurses session: sets the terminal up, hands a `CursesTerminal` to a closure, and
/// restores the terminal when the closure returns or throws.
///
/// Before anything of ncurses is touched it checks that stdin and stdout are terminals and that
/// `TERM` is usable; otherwise it throws `TerminalError.notInteractive`, which the caller prints
/// before exiting with status 1. It uses `newterm`, never `initscr` (which exits the process on
/// errors), and `raw()` mode, so Ctrl-C arrives as `.control("c")`. SIGTERM, SIGHUP, SIGQUIT
/// and SIGINT only set a flag (`CursesTerminal.terminationRequested`); the run loop sees it on its
/// next timeout tick and returns, and the session then restores the terminal and the previous
/// (normally default) signal handlers.
///
/// ```
/// do {
///     try TerminalSession.run(options: options) { terminal in try runLoop(&terminal) }
/// } catch let error as TerminalError {
///     StandardOutput.error(error.description)
///     throw ExitCode(1)
/// }
/// ```
enum TerminalSession {
    /// Runs `body` with the real terminal (stdin/stdout, `TERM` from the environment).
    static func run<T>(options: TerminalOptions, body: (inout CursesTerminal) throws -> T) throws -> T {
        if let problem = interactivityProblem(
            stdinIsTerminal: isatty(STDIN_FILENO) == 1, stdoutIsTerminal: isatty(STDOUT_FILENO) == 1,
            term: ProcessEnvironment.value("TERM"))
        {
            throw problem
        }
        guard let output = ccurses_stdout(), let input = ccurses_stdin() else {
            throw TerminalError.notInteractive("the standard streams are closed")
        }
        let codeset = TerminalOptions.adoptUserLocale()
        let setup = Setup(
            terminalName: nil, displayName: ProcessEnvironment.value("TERM") ?? "", output: output, input: input,
            options: options, noColor: ProcessEnvironment.value("NO_COLOR"), codeset: codeset)
        return try open(setup, body: body)
    }

    /// Why the explorer cannot run here, or nil when it can: both standard streams must be
    /// terminals and `TERM` must name something better than `dumb`.
    static func interactivityProblem(stdinIsTerminal: Bool, stdoutIsTerminal: Bool, term: String?) -> TerminalError? {
        if !stdoutIsTerminal { return .notInteractive("standard output is not a terminal") }
        if !stdinIsTerminal { return .notInteractive("standard input is not a terminal") }
        guard let term, !term.isEmpty else { return .notInteractive("TERM is not set") }
        if term == "dumb" { return .notInteractive("TERM=dumb cannot draw a screen") }
        return nil
    }

    /// A session on any terminal type and any streams, for tests: no tty checks, the `C.UTF-8`
    /// locale (the previous one is restored afterwards). Off a tty the size comes from terminfo
    /// (80x24 for xterm) unless `LINES`/`COLUMNS` are set. The signal handlers are installed
    /// as in a real session (so ncurses does not leave its own SIGINT/SIGTERM handlers behind
    /// in the test process).
    static func runHeadless<T>(
        terminalName: String, output: UnsafeMutablePointer<FILE>, input: UnsafeMutablePointer<FILE>,
        options: TerminalOptions = TerminalOptions(), noColor: String? = nil,
        body: (inout CursesTerminal) throws -> T
    ) throws -> T {
        let previousLocale = setlocale(LC_ALL, nil).map { String(cString: $0) }
        _ = setlocale(LC_ALL, "C.UTF-8")
        defer { if let previousLocale { _ = setlocale(LC_ALL, previousLocale) } }
        let codeset = nl_langinfo(nl_item(CODESET)).map { String(cString: $0) } ?? ""
        let setup = Setup(
            terminalName: terminalName, displayName: terminalName, output: output, input: input, options: options,
            noColor: noColor, codeset: codeset)
        return try open(setup, body: body)
    }

    /// The signal that ended the last session early (SIGTERM, SIGHUP, SIGQUIT, SIGINT), if
    /// any; the caller may exit with 128 + this after the session, as a shell expects.
    static var receivedSignal: Int32? { TerminationSignals.received }

    // MARK: - Setup and teardown

    private struct Setup {
        /// nil: `TERM` from the environment.
        var terminalName: String?
        var displayName: String
        var output: UnsafeMutablePointer<FILE>
        var input: UnsafeMutablePointer<FILE>
        var options: TerminalOptions
        var noColor: String?
        var codeset: String
    }

    private static func open<T>(_ setup: Setup, body: (inout CursesTerminal) throws -> T) throws -> T {
        // Handlers go in before newterm: ncurses then leaves SIGINT and SIGTERM to us (it only
        // catches signals whose handler is still the default). Restored last, after endwin.
        let savedSignals = TerminationSignals.install()
        defer { TerminationSignals.restore(savedSignals) }

        guard let screen = newterm(setup.terminalName, setup.output, setup.input) else {
            throw TerminalError.cannotStart(terminal: setup.displayName)
        }
        defer {
            _ = endwin()
            delscreen(screen)
        }
        guard let window = ccurses_stdscr() else { throw TerminalError.cannotStart(terminal: setup.displayName) }

        // Results of these are ignored on purpose: each fails only on terminals that lack the
        // feature (no invisible cursor, no escape delay), and the explorer works without it.
        _ = raw()
        _ = noecho()
        _ = nonl()
        _ = keypad(window, true)
        _ = set_escdelay(25)
        _ = curs_set(0)
        _ = leaveok(window, true)

        var theme = CursesTheme(depth: .monochrome)
        if setup.options.wantsColor(noColor: setup.noColor), has_colors(), start_color() == OK {
            let hasDefaultColors = use_default_colors() == OK
            let depth = CursesTheme.depth(
                colorCount: Int(ccurses_colors()), hasColors: true, wantsColor: true)
            theme = CursesTheme(depth: depth, hasDefaultColors: hasDefaultColors)
        }
        let pairNumbers = CursesTerminal.installPairs(of: theme)

        if setup.options.isMouseEnabled {
            _ = mousemask(MouseMasks.ncurses.requested, nil)
            _ = mouseinterval(0)
        }
        defer { if setup.options.isMouseEnabled { _ = mousemask(0, nil) } }

        var terminal = CursesTerminal(
            window: window, theme: theme, pairNumbers: pairNumbers,
            glyphs: TerminalOptions.glyphSet(codeset: setup.codeset, choice: setup.options.glyphs),
            canDrawUnicode: TerminalOptions.isUTF8(codeset: setup.codeset),
            isMouseEnabled: setup.options.isMouseEnabled)
        return try body(&terminal)
    }
}
