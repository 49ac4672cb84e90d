/// Which pane keys go to.
public enum Focus: Hashable, Sendable, CaseIterable {
    case devices
    case map
    case fields
    /// The write simulator's trace (only while it is on).
    case trace
    case chain
}

/// What the keyboard is doing besides navigating.
public enum InputMode: Hashable, Sendable {
    case normal
    /// The help overlay is open.
    case help
    /// Typing a line in the legend bar: what for, and the text so far.
    case typing(TextInput)
}

/// A line being typed and what it is for. Every kind edits the same way (characters append,
/// Backspace deletes the last); they differ in what Enter and Esc do, which `update` decides by
/// `kind`.
public struct TextInput: Hashable, Sendable {
    public enum Kind: Hashable, Sendable {
        /// A search: a capability name, a setpci name or an offset.
        case search
        /// The device filter, applied as it is typed.
        case filter
        /// setpci expressions for the write simulator.
        case expression
        /// A new value for the selected field (the write simulator).
        case fieldValue
    }

    public var kind: Kind
    public var text: String

    public init(_ kind: Kind, text: String = "") {
        self.kind = kind
        self.text = text
    }
}
