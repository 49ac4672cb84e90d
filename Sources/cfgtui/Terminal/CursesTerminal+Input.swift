import CCurses
import Views

/// What one `wget_wch` call produced, before it becomes a `Key`.
enum CursesInput: Hashable, Sendable {
    /// `OK`: a character (a Unicode scalar value, or a control code).
    case character(UInt32)
    /// `KEY_CODE_YES`: a function key code such as `KEY_UP`.
    case keyCode(Int32)
    /// `ERR`: the timeout passed.
    case timeout
}

/// What an input turns into.
enum DecodedInput: Hashable, Sendable {
    case key(Key)
    /// `KEY_MOUSE`: the event must be fetched with `getmouse`.
    case mouseEvent
    /// A key the explorer has no use for (or an invalid scalar).
    case ignored
    case timeout
}

/// The ncurses mouse masks the explorer asks for and understands (read from the shim).
struct MouseMasks: Hashable, Sendable {
    var leftPressed: mmask_t
    var leftClicked: mmask_t
    var rightPressed: mmask_t
    var rightClicked: mmask_t
    var wheelUp: mmask_t
    var wheelDown: mmask_t

    static var ncurses: MouseMasks {
        MouseMasks(
            leftPressed: ccurses_button1_pressed(), leftClicked: ccurses_button1_clicked(),
            rightPressed: ccurses_button3_pressed(), rightClicked: ccurses_button3_clicked(),
            wheelUp: ccurses_button4_pressed(), wheelDown: ccurses_button5_pressed())
    }

    /// What `mousemask` is given: presses (not releases, so a click is one event) and the wheel.
    /// With `mouseinterval(0)` ncurses reports presses at once instead of waiting to make clicks.
    var requested: mmask_t { leftPressed | rightPressed | wheelUp | wheelDown }
}

extension CursesTerminal {
    // MARK: - Reading keys

    /// The next key, or nil when `timeout` passed (or a key the explorer ignores arrived).
    /// A nil timeout waits until a key arrives, a termination signal is received or the input
    /// closes (in 250 ms slices, so the flag is seen).
    mutating func nextKey(timeout: Duration?) -> Key? {
        guard let timeout else {
            while !terminationRequested {
                if let key = readKey(milliseconds: Self.pollMilliseconds) { return key }
            }
            return nil
        }
        if terminationRequested { return nil }
        return readKey(milliseconds: Self.milliseconds(timeout))
    }

    /// How long one wait lasts when the caller asked to wait forever, so that signals are seen.
    static let pollMilliseconds: Int32 = 250

    /// How many immediate empty reads in a row mean that the input is closed.
    static let closedInputThreshold = 5

    private mutating func readKey(milliseconds: Int32) -> Key? {
        wtimeout(window, milliseconds)
        var value: wint_t = 0
        let clock = ContinuousClock()
        let started = clock.now
        let status = wget_wch(window, &value)
        noteRead(status: status, milliseconds: milliseconds, elapsed: clock.now - started)
        let input: CursesInput =
            switch status {
            case OK: .character(UInt32(value))
            case KEY_CODE_YES: .keyCode(Int32(truncatingIfNeeded: value))
            default: .timeout
            }
        switch Self.decode(input) {
        case .key(let key):
            if key == .resize { invalidateLastFrame() }
            return key
        case .mouseEvent:
            return readMouse()
        case .ignored, .timeout:
            return nil
        }
    }

    /// Counts waits that came back empty in less than half their timeout (a closed input
    /// returns at once; a signal would set its own flag). Short timeouts are not judged.
    private mutating func noteRead(status: Int32, milliseconds: Int32, elapsed: Duration) {
        guard status == ERR else {
            earlyEmptyReads = 0
            return
        }
        guard milliseconds >= 20 else { return }
        if elapsed < .milliseconds(Int(milliseconds) / 2) {
            earlyEmptyReads += 1
            if earlyEmptyReads >= Self.closedInputThreshold { markInputClosed() }
        } else {
            earlyEmptyReads = 0
        }
    }

    private func readMouse() -> Key? {
        guard isMouseEnabled else { return nil }
        var event = MEVENT()
        guard getmouse(&event) == OK else { return nil }
        guard let button = Self.mouseButton(state: event.bstate, masks: .ncurses) else { return nil }
        return .mouse(x: Int(event.x), y: Int(event.y), button: button)
    }

    /// A duration in whole milliseconds for `wtimeout`, clamped to 0...Int32.max.
    static func milliseconds(_ duration: Duration) -> Int32 {
        let (seconds, attoseconds) = duration.components
        if seconds < 0 || (seconds == 0 && attoseconds <= 0) { return 0 }
        if seconds >= Int64(Int32.max / 1000) { return Int32.max }
        let total = seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        return Int32(clamping: total)
    }

    // MARK: - Decoding (pure)

    /// Turns one `wget_wch` result into a key. This is the only place that knows ncurses key codes.
    static func decode(_ input: CursesInput) -> DecodedInput {
        switch input {
        case .timeout: .timeout
        case .character(let value): decodeCharacter(value)
        case .keyCode(let code): decodeKeyCode(code)
        }
    }

    /// Characters: Tab, Enter (CR and LF), Escape, Backspace (DEL and ^H) first, then the other
    /// control codes as `.control`, then printable characters.
    static func decodeCharacter(_ value: UInt32) -> DecodedInput {
        switch value {
        case 9: return .key(.tab)
        case 10, 13: return .key(.enter)
        case 27: return .key(.escape)
        case 8, 127: return .key(.backspace)
        case 1...26:
            guard let letter = Unicode.Scalar(UInt32(("a" as Unicode.Scalar).value) + value - 1) else {
                return .ignored
            }
            return .key(.control(Character(letter)))
        case 0: return .key(.control("@"))
        case 28: return .key(.control("\\"))
        case 29: return .key(.control("]"))
        case 30: return .key(.control("^"))
        case 31: return .key(.control("_"))
        case 0x80..<0xA0: return .ignored
        default:
            guard let scalar = Unicode.Scalar(value) else { return .ignored }
            return .key(.character(Character(scalar)))
        }
    }

    /// Function key codes (`KEY_CODE_YES`).
    static func decodeKeyCode(_ code: Int32) -> DecodedInput {
        switch code {
        case KEY_UP: return .key(.up)
        case KEY_DOWN: return .key(.down)
        case KEY_LEFT: return .key(.left)
        case KEY_RIGHT: return .key(.right)
        case KEY_PPAGE: return .key(.pageUp)
        case KEY_NPAGE: return .key(.pageDown)
        case KEY_HOME: return .key(.home)
        case KEY_END: return .key(.end)
        case KEY_BTAB: return .key(.backTab)
        case KEY_ENTER: return .key(.enter)
        case KEY_BACKSPACE: return .key(.backspace)
        case KEY_DC: return .key(.delete)
        case KEY_RESIZE: return .key(.resize)
        case KEY_MOUSE: return .mouseEvent
        default:
            for number in 1...12 where code == ccurses_key_f(Int32(number)) {
                return .key(.function(number))
            }
            return .ignored
        }
    }

    /// The button of a mouse event; nil for events the explorer ignores (releases, motion).
    static func mouseButton(state: mmask_t, masks: MouseMasks) -> MouseButton? {
        if state & masks.wheelUp != 0 { return .wheelUp }
        if state & masks.wheelDown != 0 { return .wheelDown }
        if state & (masks.leftPressed | masks.leftClicked) != 0 { return .left }
        if state & (masks.rightPressed | masks.rightClicked) != 0 { return .right }
        return nil
    }
}
