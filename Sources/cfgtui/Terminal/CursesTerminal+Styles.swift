import CCurses
import Views

/// The theme: which colours and attributes each `StyleRole` gets on this terminal.
///
/// There is one table per scheme: `colorAppearance(_:)` for terminals with colours and
/// `monochromeAppearance(_:)` (attributes only) for `NO_COLOR`, `--color=never` and terminals
/// without colours. The colour table names colours (`ThemeColor`); `colorNumber(_:)` resolves
/// them for the terminal's depth: the Okabe-Ito palette (colour-blind safe) in xterm-256, or
/// the nearest basic colours on 8- and 16-colour terminals. Like htop's `CRT_colorSchemes`,
/// nothing outside this file knows a colour.
///
/// ```
/// let theme = CursesTheme(depth: .xterm256, hasDefaultColors: true)
/// theme.appearance(for: CellStyle(.extendedCapability(0)))
/// // Appearance(foreground: .black, background: .orange, attributes: [])
/// theme.colorNumber(.orange)   // 214
/// ```
struct CursesTheme: Hashable, Sendable {
    /// How many colours the theme may use.
    enum Depth: Hashable, Sendable {
        /// Attributes only.
        case monochrome
        /// The eight ANSI colours (`linux`, `xterm`).
        case basic8
        /// The ANSI colours and their bright variants.
        case basic16
        /// The xterm 256-colour cube.
        case xterm256
    }

    /// A colour of the theme, resolved per depth by `colorNumber(_:)`.
    enum ThemeColor: Hashable, Sendable, CaseIterable {
        /// The terminal's own foreground or background (`use_default_colors`).
        case terminalDefault
        case black
        case white
        // Okabe & Ito, "Color Universal Design" (2008); Wong, Nature Methods 8:441 (2011).
        case orange
        case skyBlue
        case bluishGreen
        case yellow
        case blue
        case vermillion
        case reddishPurple
        /// Secondary text: offsets, borders, gaps.
        case grey
        /// The background behind the selected field's bytes.
        case highlight
    }

    /// Text attributes, in the theme's own terms (converted to ncurses bits in `rendition`).
    struct Attributes: OptionSet, Hashable, Sendable {
        var rawValue: UInt8
        init(rawValue: UInt8) { self.rawValue = rawValue }

        static let bold = Attributes(rawValue: 1)
        static let underline = Attributes(rawValue: 2)
        static let reverse = Attributes(rawValue: 4)
        static let dim = Attributes(rawValue: 8)

        /// The attributes a cell's emphasis asks for.
        init(_ emphasis: CellStyle.Emphasis) {
            self = []
            if emphasis.contains(.bold) { insert(.bold) }
            if emphasis.contains(.underline) { insert(.underline) }
            if emphasis.contains(.reverse) { insert(.reverse) }
            if emphasis.contains(.dim) { insert(.dim) }
        }
    }

    /// What a role looks like: colours plus attributes.
    struct Appearance: Hashable, Sendable {
        var foreground: ThemeColor
        var background: ThemeColor
        var attributes: Attributes

        init(
            _ foreground: ThemeColor = .terminalDefault, on background: ThemeColor = .terminalDefault,
            _ attributes: Attributes = []
        ) {
            self.foreground = foreground
            self.background = background
            self.attributes = attributes
        }
    }

    /// A foreground/background pair as ncurses colour numbers; -1 is the terminal's default.
    struct ColorPair: Hashable, Sendable {
        var foreground: Int16
        var background: Int16
    }

    let depth: Depth
    /// Whether `use_default_colors` succeeded; if not, the default colours are white on black.
    let hasDefaultColors: Bool

    init(depth: Depth, hasDefaultColors: Bool = true) {
        self.depth = depth
        self.hasDefaultColors = hasDefaultColors
    }

    /// The depth for a terminal: `colorCount` is ncurses' `COLORS`, `hasColors` its `has_colors()`,
    /// `wantsColor` the user's choice (`TerminalOptions.wantsColor(noColor:)`).
    static func depth(colorCount: Int, hasColors: Bool, wantsColor: Bool) -> Depth {
        guard wantsColor, hasColors else { return .monochrome }
        if colorCount >= 256 { return .xterm256 }
        if colorCount >= 16 { return .basic16 }
        if colorCount >= 8 { return .basic8 }
        return .monochrome
    }

    // MARK: - The tables

    /// Capability slots cycle through these. Vermillion (hidden registers, errors) and grey
    /// (gaps) are left out so that no capability looks like either.
    static let capabilityPalette: [ThemeColor] = [.orange, .skyBlue, .bluishGreen, .yellow, .blue, .reddishPurple]

    /// The palette colour for a slot (any integer; negative slots wrap too).
    static func paletteColor(slot: Int) -> ThemeColor {
        let count = capabilityPalette.count
        return capabilityPalette[((slot % count) + count) % count]
    }

    /// The text colour on a palette background: dark, except on blue, where dark text is unreadable.
    static func textColor(on background: ThemeColor) -> ThemeColor {
        background == .blue ? .white : .black
    }

    /// The colour scheme. Standard capabilities colour the text; extended capabilities colour
    /// the background (dark text), so the two chains differ at a glance.
    static func colorAppearance(_ role: StyleRole) -> Appearance {
        switch role {
        case .plain: Appearance()
        case .chrome: Appearance(.grey)
        case .title: Appearance(.terminalDefault, [.bold])
        case .focusedTitle: Appearance(.skyBlue, [.bold])
        case .offset: Appearance(.grey)
        case .header: Appearance(.terminalDefault, [.bold])
        case .standardCapability(let slot): Appearance(paletteColor(slot: slot))
        case .extendedCapability(let slot):
            Appearance(textColor(on: paletteColor(slot: slot)), on: paletteColor(slot: slot))
        case .possiblyOwned: Appearance(.terminalDefault, [.dim])
        case .gap: Appearance(.grey, [.dim])
        case .hiddenRegister: Appearance(.vermillion, [.bold])
        case .unreadable: Appearance(.terminalDefault, [.dim])
        case .alias: Appearance(.grey, [.dim, .underline])
        case .cursor: Appearance(.terminalDefault, [.reverse, .bold])
        case .fieldHighlight: Appearance(.white, on: .highlight, [.underline, .bold])
        case .changed: Appearance(.yellow, [.bold])
        case .proposed: Appearance(.black, on: .white, [.bold, .underline])
        case .conflict: Appearance(.white, on: .vermillion, [.bold])
        case .selection: Appearance(.terminalDefault, [.reverse])
        case .inactiveSelection: Appearance(.terminalDefault, [.underline])
        // htop's bar: plain key numbers, labels black on cyan.
        case .functionKey: Appearance(.terminalDefault, [.bold])
        case .functionLabel: Appearance(.black, on: .skyBlue)
        case .status: Appearance(.terminalDefault, [.bold])
        case .info: Appearance(.skyBlue)
        case .warning: Appearance(.orange, [.bold])
        case .error: Appearance(.vermillion, [.bold, .reverse])
        case .dim: Appearance(.terminalDefault, [.dim])
        case .guide: Appearance(.grey)
        case .match: Appearance(.black, on: .yellow, [.bold])
        case .access(let access):
            switch access {
            case .readOnly: Appearance(.skyBlue)
            case .readWrite: Appearance(.bluishGreen, [.bold])
            case .writeOneToClear: Appearance(.orange, [.bold, .underline])
            case .reserved: Appearance(.grey, [.dim])
            case .other: Appearance(.reddishPurple)
            }
        }
    }

    /// The monochrome scheme: attributes only, and owners still tell apart (header bold,
    /// standard capabilities normal/bold by slot parity, extended capabilities underlined
    /// and alternately bold, gaps dim, hidden registers reverse).
    static func monochromeAppearance(_ role: StyleRole) -> Appearance {
        switch role {
        case .plain, .chrome, .offset, .guide: Appearance()
        case .title, .header, .status, .functionKey: Appearance(.terminalDefault, [.bold])
        case .focusedTitle: Appearance(.terminalDefault, [.bold, .underline])
        case .standardCapability(let slot): Appearance(.terminalDefault, slot.isMultiple(of: 2) ? [] : [.bold])
        case .extendedCapability(let slot):
            Appearance(.terminalDefault, slot.isMultiple(of: 2) ? [.underline] : [.underline, .bold])
        case .possiblyOwned, .gap, .unreadable, .dim: Appearance(.terminalDefault, [.dim])
        case .hiddenRegister, .selection, .functionLabel: Appearance(.terminalDefault, [.reverse])
        case .alias: Appearance(.terminalDefault, [.dim, .underline])
        case .cursor: Appearance(.terminalDefault, [.reverse, .bold])
        case .fieldHighlight: Appearance(.terminalDefault, [.reverse, .underline])
        case .changed: Appearance(.terminalDefault, [.bold, .underline])
        case .proposed: Appearance(.terminalDefault, [.underline])
        case .conflict: Appearance(.terminalDefault, [.reverse, .bold, .underline])
        case .inactiveSelection: Appearance(.terminalDefault, [.underline])
        case .info: Appearance()
        case .warning: Appearance(.terminalDefault, [.bold])
        case .error: Appearance(.terminalDefault, [.bold, .reverse])
        case .match: Appearance(.terminalDefault, [.reverse, .underline, .bold])
        case .access(let access):
            switch access {
            case .readOnly: Appearance()
            case .readWrite: Appearance(.terminalDefault, [.bold])
            case .writeOneToClear: Appearance(.terminalDefault, [.bold, .underline])
            case .reserved: Appearance(.terminalDefault, [.dim])
            case .other: Appearance(.terminalDefault, [.underline])
            }
        }
    }

    /// Every role the tables know, with each palette slot once; the pair table is built from these.
    static let allRoles: [StyleRole] = {
        var roles: [StyleRole] = [
            .plain, .chrome, .title, .focusedTitle, .offset, .header, .possiblyOwned, .gap, .hiddenRegister,
            .unreadable, .alias, .cursor, .fieldHighlight, .changed, .proposed, .conflict, .selection,
            .inactiveSelection, .functionKey,
            .functionLabel, .status, .info, .warning, .error, .dim, .guide, .match,
            .access(.readOnly), .access(.readWrite), .access(.writeOneToClear), .access(.reserved), .access(.other),
        ]
        roles += capabilityPalette.indices.map { StyleRole.standardCapability($0) }
        roles += capabilityPalette.indices.map { StyleRole.extendedCapability($0) }
        return roles
    }()

    // MARK: - Resolution

    /// The appearance of a cell: its role from this depth's table, plus its emphasis.
    func appearance(for style: CellStyle) -> Appearance {
        var appearance =
            depth == .monochrome ? Self.monochromeAppearance(style.role) : Self.colorAppearance(style.role)
        appearance.attributes.formUnion(Attributes(style.emphasis))
        return appearance
    }

    /// The ncurses colour number of a theme colour at this depth; -1 is the terminal's default.
    func colorNumber(_ color: ThemeColor) -> Int16 {
        switch depth {
        case .monochrome: -1
        case .xterm256: Self.xterm256Number(color)
        case .basic16: Self.basic16Number(color)
        case .basic8: Self.basic8Number(color)
        }
    }

    /// The Okabe-Ito colours' nearest xterm-256 entries.
    static func xterm256Number(_ color: ThemeColor) -> Int16 {
        switch color {
        case .terminalDefault: -1
        case .black: 16
        case .white: 231
        case .orange: 214  // #E69F00 -> #ffaf00
        case .skyBlue: 74  // #56B4E9 -> #5fafd7
        case .bluishGreen: 36  // #009E73 -> #00af87
        case .yellow: 227  // #F0E442 -> #ffff5f
        case .blue: 25  // #0072B2 -> #005faf
        case .vermillion: 166  // #D55E00 -> #d75f00
        case .reddishPurple: 175  // #CC79A7 -> #d787af
        case .grey: 245
        case .highlight: 238
        }
    }

    /// The nearest of the 16 ANSI colours.
    static func basic16Number(_ color: ThemeColor) -> Int16 {
        switch color {
        case .terminalDefault: -1
        case .black: Int16(COLOR_BLACK)
        case .white: 15
        case .orange: Int16(COLOR_YELLOW)
        case .skyBlue: Int16(COLOR_CYAN) + 8
        case .bluishGreen: Int16(COLOR_GREEN)
        case .yellow: Int16(COLOR_YELLOW) + 8
        case .blue: Int16(COLOR_BLUE)
        case .vermillion: Int16(COLOR_RED)
        case .reddishPurple: Int16(COLOR_MAGENTA)
        case .grey: Int16(COLOR_BLACK) + 8
        case .highlight: Int16(COLOR_BLUE)
        }
    }

    /// The nearest of the 8 ANSI colours (orange and yellow both become yellow).
    static func basic8Number(_ color: ThemeColor) -> Int16 {
        switch color {
        case .terminalDefault: -1
        case .black: Int16(COLOR_BLACK)
        case .white, .grey: Int16(COLOR_WHITE)
        case .orange, .yellow: Int16(COLOR_YELLOW)
        case .skyBlue: Int16(COLOR_CYAN)
        case .bluishGreen: Int16(COLOR_GREEN)
        case .blue, .highlight: Int16(COLOR_BLUE)
        case .vermillion: Int16(COLOR_RED)
        case .reddishPurple: Int16(COLOR_MAGENTA)
        }
    }

    /// The colour pair of an appearance. Without default colours, -1 becomes white on black.
    func colorPair(for appearance: Appearance) -> ColorPair {
        var foreground = colorNumber(appearance.foreground)
        var background = colorNumber(appearance.background)
        if !hasDefaultColors && depth != .monochrome {
            if foreground < 0 { foreground = Int16(COLOR_WHITE) }
            if background < 0 { background = Int16(COLOR_BLACK) }
        }
        return ColorPair(foreground: foreground, background: background)
    }

    /// The pairs to initialise, in order: pair number = index + 1. Pair 0 (the terminal's default
    /// colours) is never in the list. Empty in monochrome.
    var pairTable: [ColorPair] {
        guard depth != .monochrome else { return [] }
        var seen = Set<ColorPair>()
        var pairs = [ColorPair]()
        for role in Self.allRoles {
            let pair = colorPair(for: appearance(for: CellStyle(role)))
            if pair == Self.defaultPair || seen.contains(pair) { continue }
            seen.insert(pair)
            pairs.append(pair)
        }
        return pairs
    }

    /// Pair 0: the terminal's default colours.
    static let defaultPair = ColorPair(foreground: -1, background: -1)
}

// MARK: - ncurses

/// A cell's ncurses attributes and colour pair number.
struct CursesRendition: Hashable, Sendable {
    var attributes: attr_t
    var pair: Int16
}

extension CursesTheme.Attributes {
    /// The ncurses attribute bits, read from the shim (never hard-coded here).
    var cursesAttributes: attr_t {
        var bits = ccurses_a_normal()
        if contains(.bold) { bits |= ccurses_a_bold() }
        if contains(.underline) { bits |= ccurses_a_underline() }
        if contains(.reverse) { bits |= ccurses_a_reverse() }
        if contains(.dim) { bits |= ccurses_a_dim() }
        return bits
    }
}

extension CursesTerminal {
    /// Initialises the theme's colour pairs; returns pair numbers by colour pair. Pairs beyond
    /// the terminal's `COLOR_PAIRS`, or from the first one ncurses refuses, fall back to pair 0.
    static func installPairs(of theme: CursesTheme) -> [CursesTheme.ColorPair: Int16] {
        var numbers = [CursesTheme.ColorPair: Int16]()
        let limit = Int(ccurses_color_pairs())
        for (index, pair) in theme.pairTable.enumerated() {
            let number = index + 1
            // Numbers stay contiguous (1...n), so a pair added later can take n + 1.
            guard number < limit, number <= Int(Int16.max),
                init_pair(Int16(number), pair.foreground, pair.background) == OK
            else { break }
            numbers[pair] = Int16(number)
        }
        return numbers
    }

    /// The attributes and pair for a style, from the cache or the theme.
    mutating func rendition(for style: CellStyle) -> CursesRendition {
        if let cached = renditions[style] { return cached }
        let appearance = theme.appearance(for: style)
        let pair = theme.colorPair(for: appearance)
        let rendition = CursesRendition(attributes: appearance.attributes.cursesAttributes, pair: pairNumber(for: pair))
        renditions[style] = rendition
        return rendition
    }

    /// The number of an initialised pair; a pair the table did not foresee is initialised now.
    private mutating func pairNumber(for pair: CursesTheme.ColorPair) -> Int16 {
        if pair == CursesTheme.defaultPair || theme.depth == .monochrome { return 0 }
        if let number = pairNumbers[pair] { return number }
        let number = pairNumbers.count + 1
        guard number < Int(ccurses_color_pairs()), number <= Int(Int16.max),
            init_pair(Int16(number), pair.foreground, pair.background) == OK
        else { return 0 }
        pairNumbers[pair] = Int16(number)
        return Int16(number)
    }
}
