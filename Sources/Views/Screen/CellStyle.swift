/// What a cell shows, as a semantic role; the terminal's theme maps roles to colours and
/// attributes (`CursesTerminal+Styles.swift`), with a monochrome table for NO_COLOR.
///
/// Owners must stay distinguishable without colour: the theme gives them attributes too, and the
/// views add glyphs (the owner column, `··` for unreadable bytes, `!` marks).
public struct CellStyle: Hashable, Sendable {
    public var role: StyleRole
    public var emphasis: Emphasis

    public init(_ role: StyleRole = .plain, _ emphasis: Emphasis = []) {
        self.role = role
        self.emphasis = emphasis
    }

    public static let plain = CellStyle()

    /// Extra attributes layered on a role.
    public struct Emphasis: OptionSet, Hashable, Sendable {
        public var rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }

        public static let bold = Emphasis(rawValue: 1)
        public static let underline = Emphasis(rawValue: 2)
        public static let reverse = Emphasis(rawValue: 4)
        public static let dim = Emphasis(rawValue: 8)
    }
}

/// The semantic roles of cells.
public enum StyleRole: Hashable, Sendable {
    case plain
    /// Borders, separators.
    case chrome
    /// Pane titles.
    case title
    /// A pane title when the pane has the focus.
    case focusedTitle
    /// The hex map's offset column.
    case offset
    /// Bytes of the predefined header.
    case header
    /// Bytes of the standard capability at this position in the palette.
    case standardCapability(Int)
    /// Bytes of the extended capability at this position in the palette.
    case extendedCapability(Int)
    /// Bytes that may belong to a capability of unknown length.
    case possiblyOwned
    /// Unclaimed bytes that read zero.
    case gap
    /// Unclaimed bytes that do not read zero: suspected hidden registers.
    case hiddenRegister
    /// Bytes that were not read.
    case unreadable
    /// An extended space that repeats the conventional one.
    case alias
    /// The cursor byte in the map.
    case cursor
    /// Bytes of the selected field or register.
    case fieldHighlight
    /// Bytes that changed at the last re-read.
    case changed
    /// Bytes of a proposed (virtual) capability in the placement overlay.
    case proposed
    /// Bytes where a proposed capability was moved but cannot go (the reason is shown too).
    case conflict
    /// The selected row of a list.
    case selection
    /// The selected row of a list without the focus.
    case inactiveSelection
    /// F-key numbers in the function-key bar.
    case functionKey
    /// F-key labels.
    case functionLabel
    /// The status line.
    case status
    case info
    case warning
    case error
    /// Secondary text (hints, IDs).
    case dim
    /// Tree guides and other decoration.
    case guide
    /// Search matches.
    case match
    /// An access attribute (RO, RW, RW1C ...) in the field pane.
    case access(AccessRole)
}

/// How a field's access attribute is shown.
public enum AccessRole: Hashable, Sendable {
    case readOnly
    case readWrite
    case writeOneToClear
    case reserved
    case other
}
