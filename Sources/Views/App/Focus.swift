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
    /// Typing a search (capability name, setpci name or offset).
    case search(String)
    /// Typing a device filter.
    case filter(String)
    /// Typing setpci expressions for the write simulator.
    case expression(String)
    /// Typing a new value for the selected field (the write simulator).
    case fieldValue(String)
}
