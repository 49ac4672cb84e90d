import Glibc
import Synchronization

/// SIGTERM, SIGHUP, SIGQUIT and SIGINT during a terminal session (in `raw()` mode Ctrl-C and
/// Ctrl-\ arrive as keys, so these come from `kill` or a closed terminal).
///
/// The handler only records the signal (an atomic store is async-signal-safe), and the run
/// loop polls it between keys, so the terminal is always restored by `TerminalSession`'s
/// `defer`, never from inside a handler. (htop's `CRT_installSignalHandlers` restores the
/// terminal from the handler itself; ncurses calls are not async-signal-safe, so we do not.)
///
/// A process inherits its signal mask from whatever started it, and some parents block nearly
/// everything (a Swift test runner's worker thread does: its children start with SIGHUP,
/// SIGTERM and SIGWINCH blocked). So the session also unblocks the watched signals and
/// SIGWINCH (ncurses needs it for `KEY_RESIZE`) on the calling thread, and restores the mask
/// afterwards.
enum TerminationSignals {
    /// The signals that end a session. SIGINT is included so that ncurses does not install
    /// its own handler, which calls `endwin` inside the handler and `_exit`s.
    static let watched: [Int32] = [SIGTERM, SIGHUP, SIGQUIT, SIGINT]

    /// The signals the session needs delivered: the watched ones and the resize signal.
    static let unblocked: [Int32] = watched + [SIGWINCH]

    /// The last signal received, 0 for none. It has to be global: a C signal handler cannot
    /// capture context. It is an `Atomic` (Sendable, lock-free), so it needs neither
    /// `nonisolated(unsafe)` nor a lock, and storing to it from a handler is safe.
    private static let lastSignal = Atomic<Int32>(0)

    /// The signal received since the last `install()`, if any.
    static var received: Int32? {
        let value = lastSignal.load(ordering: .acquiring)
        return value == 0 ? nil : value
    }

    /// A handler and the signal it was installed for.
    struct SavedHandler {
        var signal: Int32
        var action: sigaction
    }

    /// What `install()` changed, for `restore(_:)`.
    struct SavedState {
        /// The handlers replaced.
        var handlers: [SavedHandler]
        /// The calling thread's signal mask before the session.
        var mask: sigset_t
    }

    /// Clears the flag, installs the recording handler for each watched signal that is not
    /// ignored, and unblocks the signals the session needs on the calling thread.
    static func install() -> SavedState {
        // Touch the global first, so the handler never runs its lazy initialisation.
        lastSignal.store(0, ordering: .releasing)
        var handlers = [SavedHandler]()
        for signal in watched {
            // A signal the user chose to ignore (`nohup`) stays ignored.
            var current = sigaction()
            if sigaction(signal, nil, &current) == 0, isIgnored(current) { continue }
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { number in
                TerminationSignals.lastSignal.store(number, ordering: .releasing)
            }
            _ = sigemptyset(&action.sa_mask)
            // No SA_RESTART: the signal interrupts ncurses' wait for input, so the loop sees it at once.
            action.sa_flags = 0
            var previous = sigaction()
            if sigaction(signal, &action, &previous) == 0 {
                handlers.append(SavedHandler(signal: signal, action: previous))
            }
        }
        var needed = sigset_t()
        _ = sigemptyset(&needed)
        for signal in unblocked { _ = sigaddset(&needed, signal) }
        var previousMask = sigset_t()
        _ = pthread_sigmask(SIG_UNBLOCK, &needed, &previousMask)
        return SavedState(handlers: handlers, mask: previousMask)
    }

    private static func isIgnored(_ action: sigaction) -> Bool {
        guard let handler = action.__sigaction_handler.sa_handler else { return false }
        return unsafeBitCast(handler, to: Int.self) == unsafeBitCast(SIG_IGN, to: Int.self)
    }

    /// Puts back the handlers `install()` replaced (normally the defaults) and the signal
    /// mask. The flag stays set, so the caller can still see which signal ended the session.
    static func restore(_ saved: SavedState) {
        for handler in saved.handlers {
            var action = handler.action
            _ = sigaction(handler.signal, &action, nil)
        }
        var mask = saved.mask
        _ = pthread_sigmask(SIG_SETMASK, &mask, nil)
    }

    /// Whether `signal` is blocked on the calling thread (for tests).
    static func isBlocked(_ signal: Int32) -> Bool {
        var mask = sigset_t()
        _ = pthread_sigmask(SIG_BLOCK, nil, &mask)
        return sigismember(&mask, signal) == 1
    }
}
