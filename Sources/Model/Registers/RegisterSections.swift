/// Subsections of a specification for the registers of one structure, by register name.
///
/// A key matches a register whose name starts with it; `#` in a key stands for a run of
/// digits, for repeated blocks. The longest matching key wins, so "Link Capabilities 2" beats
/// "Link Capabilities", and "Slot Control (no slot)" still finds "Slot Control".
///
/// ```
/// let sections = RegisterSections(["VC# Resource Control": "7.9.1.7", "Port VC Control": "7.9.1.4"])
/// sections.section(forRegisterNamed: "VC1 Resource Control")   // "7.9.1.7"
/// ```
public struct RegisterSections: Hashable, Sendable {
    /// Section numbers by name pattern.
    public let entries: [String: String]
    /// The patterns as bytes, longest first (then by text, so ties resolve the same way every
    /// time): the decoder looks up every register of every function, so this is a hot path.
    private let patterns: [Pattern]

    private struct Pattern: Hashable, Sendable {
        var bytes: [UInt8]
        var section: String
    }

    public init(_ entries: [String: String]) {
        self.entries = entries
        patterns = entries.sorted { lhs, rhs in
            lhs.key.utf8.count != rhs.key.utf8.count ? lhs.key.utf8.count > rhs.key.utf8.count : lhs.key < rhs.key
        }.map { Pattern(bytes: Array($0.key.utf8), section: $0.value) }
    }

    public var isEmpty: Bool { entries.isEmpty }

    /// The section the longest matching key gives `registerName`, if any.
    public func section(forRegisterNamed registerName: String) -> String? {
        if let exact = entries[registerName] { return exact }
        let name = registerName.utf8
        guard let first = name.first else { return nil }
        return patterns.first { $0.bytes.first == first && Self.bytes(name, startWith: $0.bytes) }?.section
    }

    /// Whether `name` starts with `pattern`, where `#` in the pattern stands for a run of
    /// digits ("VC# Resource Capability" matches "VC1 Resource Capability").
    static func name(_ name: String, startsWith pattern: String) -> Bool {
        bytes(name.utf8, startWith: Array(pattern.utf8))
    }

    private static func bytes(_ name: String.UTF8View, startWith pattern: [UInt8]) -> Bool {
        let hash = UInt8(ascii: "#")
        var index = name.startIndex
        for character in pattern {
            guard index < name.endIndex else { return false }
            if character == hash {
                guard isDigit(name[index]) else { return false }
                while index < name.endIndex, isDigit(name[index]) { index = name.index(after: index) }
            } else {
                guard name[index] == character else { return false }
                index = name.index(after: index)
            }
        }
        return true
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
}
