import ArgumentParser
import Model
import Views

/// An option value with a fixed set of names (`--strategy`, `--model`, `--gaps`): the names,
/// the help's list, the completions and the error for an unknown name all come from the type,
/// so no list of names is written out by hand.
///
/// ```
/// @Option(
///     help: ArgumentHelp(PlacementStrategy.choiceList + ".", valueName: "strategy"),
///     completion: PlacementStrategy.completion, transform: PlacementStrategy.parse)
/// var strategy: PlacementStrategy = .auto
/// ```
///
/// `transform: parse` rather than the plain `ExpressibleByArgument` path, so that an unknown
/// name gets this type's message ("unknown strategy 'middle': expected auto, ...").
protocol CommandLineChoice: ExpressibleByArgument, CaseIterable, Sendable {
    /// What a value is called in messages: `strategy`, `model`, `gap policy`.
    static var noun: String { get }
    /// The values the command line accepts, in the order help lists them.
    static var choices: [Self] { get }
    /// The value's name on the command line.
    var argumentName: String { get }
    /// The value `text` names, if any (by default: the choice whose `argumentName` it is).
    static func named(_ text: String) -> Self?
}

extension CommandLineChoice {
    static var choices: [Self] { Array(allCases) }

    static func named(_ text: String) -> Self? { choices.first { $0.argumentName == text } }

    public var defaultValueDescription: String { argumentName }

    public static var allValueStrings: [String] { choices.map(\.argumentName) }

    public static var defaultCompletionKind: CompletionKind { .list(allValueStrings) }

    /// The completions: every name.
    static var completion: CompletionKind { .list(choices.map(\.argumentName)) }

    /// `auto, pf-offset, end or table`; with `marking`, that value is followed by ` (default)`.
    static func choiceList(marking: Self? = nil) -> String {
        let names = choices.map { choice in
            choice.argumentName + (marking.map { $0.argumentName == choice.argumentName } == true ? " (default)" : "")
        }
        guard let last = names.last else { return "" }
        return names.count == 1 ? last : names.dropLast().joined(separator: ", ") + " or " + last
    }

    /// The value named `text`, or an `UnknownChoice` error that lists the names.
    static func parse(_ text: String) throws -> Self {
        guard let value = named(text) else { throw UnknownChoice(noun: noun, text: text, expected: choiceList()) }
        return value
    }
}

/// A name that is not one of an option's values.
struct UnknownChoice: Error, CustomStringConvertible {
    var noun: String
    var text: String
    /// The names, as `choiceList` writes them.
    var expected: String

    var description: String { "unknown \(noun) '\(text)': expected \(expected)" }
}

extension PlacementStrategy: CommandLineChoice {
    static var noun: String { "strategy" }
    /// Every strategy but `at`: explicit offsets are given with `--at`.
    static var choices: [PlacementStrategy] { selectable }
    var argumentName: String { rawValue }
    public init?(argument: String) {
        guard let value = Self.named(argument) else { return nil }
        self = value
    }
}

extension SimulationModel: CommandLineChoice {
    static var noun: String { "model" }
    var argumentName: String { rawValue }
    public init?(argument: String) {
        guard let value = Self.named(argument) else { return nil }
        self = value
    }
}

extension GapPolicy: CommandLineChoice {
    static var noun: String { "gap policy" }
    var argumentName: String { rawValue }

    /// Any case, and `pass` for `passthrough`.
    static func named(_ text: String) -> GapPolicy? {
        let name = text.lowercased()
        return GapPolicy(rawValue: name == "pass" ? GapPolicy.passthrough.rawValue : name)
    }
    public init?(argument: String) {
        guard let value = Self.named(argument) else { return nil }
        self = value
    }
}

extension QemuGuestBus: CommandLineChoice {
    static var noun: String { "guest bus" }
    var argumentName: String { rawValue }
    public init?(argument: String) {
        guard let value = Self.named(argument) else { return nil }
        self = value
    }
}

extension ExtendedListOrder: CommandLineChoice {
    static var noun: String { "list order" }
    var argumentName: String { rawValue }
    public init?(argument: String) {
        guard let value = Self.named(argument) else { return nil }
        self = value
    }
}

/// The VMMs `plan --vmm` compares with.
enum VmmChoice: String, CaseIterable, Sendable, CommandLineChoice {
    case qemu

    static var noun: String { "VMM" }
    var argumentName: String { rawValue }
    init?(argument: String) {
        guard let value = Self.named(argument) else { return nil }
        self = value
    }
}
