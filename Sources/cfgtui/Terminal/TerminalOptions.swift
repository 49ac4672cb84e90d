import Glibc
import Views

/// How the explorer's terminal session is set up: colours, mouse, line-drawing glyphs.
///
/// The command line fills this in (`--color`, `--no-mouse`, `--ascii`); the environment
/// (`NO_COLOR`, the locale) is consulted by the pure helpers below, so each rule is testable.
///
/// ```
/// var options = TerminalOptions()
/// options.color = .never                  // --color=never
/// options.wantsColor(noColor: "1")        // false
/// TerminalOptions.glyphSet(codeset: "UTF-8", choice: .auto) == .unicode
/// ```
struct TerminalOptions: Hashable, Sendable {
    /// When colours are used.
    enum ColorMode: String, Hashable, Sendable, CaseIterable {
        /// Colours unless `NO_COLOR` is set to a non-empty value.
        case auto
        /// Colours whenever the terminal has them, even with `NO_COLOR`.
        case always
        /// The monochrome scheme (attributes only).
        case never
    }

    /// Which line-drawing glyphs are used.
    enum GlyphChoice: String, Hashable, Sendable, CaseIterable {
        /// Unicode when the locale's codeset is UTF-8, ASCII otherwise.
        case auto
        /// ASCII, whatever the locale says.
        case ascii
    }

    var color: ColorMode = .auto
    /// Whether clicks and the wheel are reported (turning it on costs the terminal's own
    /// click-to-select, which then needs Shift).
    var isMouseEnabled = true
    var glyphs: GlyphChoice = .auto

    init(color: ColorMode = .auto, isMouseEnabled: Bool = true, glyphs: GlyphChoice = .auto) {
        self.color = color
        self.isMouseEnabled = isMouseEnabled
        self.glyphs = glyphs
    }

    // MARK: - Decisions (pure)

    /// Whether colours are wanted, given the value of `NO_COLOR` (nil when unset).
    ///
    /// no-color.org: `NO_COLOR` "present and not an empty string (regardless of its value)"
    /// turns colour off; `--color=always` overrides it, `--color=never` always wins.
    func wantsColor(noColor: String?) -> Bool {
        switch color {
        case .always: true
        case .never: false
        case .auto: (noColor ?? "").isEmpty
        }
    }

    /// The glyph set for a locale codeset (`nl_langinfo(CODESET)`): Unicode for UTF-8.
    static func glyphSet(codeset: String, choice: GlyphChoice) -> GlyphSet {
        choice == .auto && isUTF8(codeset: codeset) ? .unicode : .ascii
    }

    /// Whether a codeset name means UTF-8 (glibc says `UTF-8`; `utf8` is accepted too).
    static func isUTF8(codeset: String) -> Bool {
        codeset.uppercased().filter { $0 != "-" } == "UTF8"
    }

    // MARK: - Environment

    /// Applies the user's locale (`setlocale(LC_ALL, "")`) and returns its codeset, e.g.
    /// `UTF-8` or `ANSI_X3.4-1968`. Without the `setlocale`, ncurses cannot draw `│` or `·`.
    static func adoptUserLocale() -> String {
        _ = setlocale(LC_ALL, "")
        guard let codeset = nl_langinfo(nl_item(CODESET)) else { return "" }
        return String(cString: codeset)
    }

    /// The value of `NO_COLOR` in this process's environment.
    static var noColorEnvironment: String? { ProcessEnvironment.value("NO_COLOR") }
}
