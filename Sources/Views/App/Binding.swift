/// One key binding: its keys, its labels, where it applies and what it does. The function-key
/// bar and the help screen are rendered from these, so labels never drift from behaviour.
///
/// ```
/// Binding([.character("n")], "n", help: "Next capability in the map", action: .nextCapability)
/// Binding([.anyCharacter], "Characters", help: "are typed", does: .typeCharacter, context: .typing)
/// ```
public struct Binding: Sendable {
    public var keys: [Pattern]
    /// How the help screen names the keys (`F1 ?`).
    public var keyLabel: String
    /// The F-key that shows it in the bar, if any.
    public var functionKey: Int?
    /// The short label in the bar (`Help`).
    public var barLabel: String
    /// What it does, for the help screen (empty: not listed, another binding names its keys).
    public var help: String
    public var command: Command
    /// The keyboard's state it belongs to.
    public var context: Context
    /// The panes it applies in (nil: every pane).
    public var focus: Set<Focus>?
    /// What must be on for it to apply (nil: nothing).
    public var condition: Condition?

    /// A binding of fixed keys to one action.
    public init(
        _ keys: [Key], _ keyLabel: String, functionKey: Int? = nil, bar: String = "", help: String, action: Action,
        context: Context = .panes, focus: Set<Focus>? = nil, when condition: Condition? = nil
    ) {
        self.init(
            keys.map(Pattern.key), keyLabel, functionKey: functionKey, bar: bar, help: help, does: .action(action),
            context: context, focus: focus, when: condition)
    }

    /// A binding of key patterns (any character, a mouse button) to what the key itself says.
    public init(
        _ keys: [Pattern], _ keyLabel: String, functionKey: Int? = nil, bar: String = "", help: String,
        does command: Command, context: Context = .panes, focus: Set<Focus>? = nil, when condition: Condition? = nil
    ) {
        self.keys = keys
        self.keyLabel = keyLabel
        self.functionKey = functionKey
        self.barLabel = bar
        self.help = help
        self.command = command
        self.context = context
        self.focus = focus
        self.condition = condition
    }

    /// The action for `key`, if the binding has it and applies in `state` (whose context the
    /// caller has matched).
    func action(for key: Key, in state: AppState) -> Action? {
        guard keys.contains(where: { $0.matches(key) }) else { return nil }
        if let focus, !focus.contains(state.focus) { return nil }
        if let condition, !condition.holds(in: state) { return nil }
        return command.action(for: key)
    }

    /// The action when it does not depend on the key.
    public var action: Action? {
        if case .action(let action) = command { return action }
        return nil
    }
}

extension Binding {
    /// Which keys a binding takes.
    public enum Pattern: Hashable, Sendable {
        case key(Key)
        /// Any character key (typing a line).
        case anyCharacter
        /// A mouse button, wherever the pointer is.
        case mouse(MouseButton)

        func matches(_ key: Key) -> Bool {
            switch (self, key) {
            case (.key(let bound), _): bound == key
            case (.anyCharacter, .character): true
            case (.mouse(let button), .mouse(_, _, let pressed)): button == pressed
            case (.anyCharacter, _), (.mouse, _): false
            }
        }
    }

    /// What a binding does: one action, or one made from the key.
    public enum Command: Hashable, Sendable {
        case action(Action)
        /// Types the character pressed.
        case typeCharacter
        /// A click where the pointer is.
        case clickAtPointer
        /// One action for the wheel turned up, another for down.
        case wheel(up: Action, down: Action)

        func action(for key: Key) -> Action? {
            switch (self, key) {
            case (.action(let action), _): action
            case (.typeCharacter, .character(let character)): .input(.type(character))
            case (.clickAtPointer, .mouse(let x, let y, _)): .click(x: x, y: y)
            case (.wheel(let up, _), .mouse(_, _, .wheelUp)): up
            case (.wheel(_, let down), .mouse(_, _, .wheelDown)): down
            case (.typeCharacter, _), (.clickAtPointer, _), (.wheel, _): nil
            }
        }
    }

    /// What the keyboard is doing, which decides the bindings that apply.
    public enum Context: Hashable, Sendable {
        /// Browsing the panes.
        case panes
        /// Moving a proposal of the placement overlay: these keys come first, the panes' keys
        /// still apply to the rest.
        case movingProposal
        /// Picking the function to compare with (after `C`): these keys come first.
        case pickingDiff
        /// Typing a line: a search, the device filter, setpci expressions, a field value.
        case typing
        /// The help overlay is open.
        case help
        /// In every context.
        case anywhere

        /// The heading the help screen gives the context's keys (nil: listed with the panes').
        public var heading: String? {
            switch self {
            case .panes, .anywhere: nil
            case .movingProposal: "Moving (m):"
            case .pickingDiff: "Picking the function to compare with (C):"
            case .typing: "Typing:"
            case .help: "In this help:"
            }
        }
    }

    /// A state a binding needs.
    public enum Condition: Hashable, Sendable {
        case overlayIsOn
        case simulatorIsOn
        case deviceFilterIsSet
        case findingsAreShown
        case diffIsShown

        func holds(in state: AppState) -> Bool {
            switch self {
            case .overlayIsOn: state.overlay != nil
            case .simulatorIsOn: state.writeSession != nil
            case .deviceFilterIsSet: !state.deviceFilter.isEmpty
            case .findingsAreShown: state.showsFindings
            case .diffIsShown: state.diff != nil
            }
        }
    }
}
