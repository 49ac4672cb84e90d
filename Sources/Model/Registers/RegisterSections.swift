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

    public init(_ entries: [String: String]) { self.entries = entries }

    public var isEmpty: Bool { entries.isEmpty }

    /// The section the longest matching key gives `registerName`, if any.
    public func section(forRegisterNamed registerName: String) -> String? {
        if let exact = entries[registerName] { return exact }
        var best: (key: String, section: String)?
        for (key, section) in entries where Self.name(registerName, startsWith: key) {
            if key.count > best?.key.count ?? -1 { best = (key, section) }
        }
        return best?.section
    }

    /// Whether `name` starts with `pattern`, where `#` in the pattern stands for a run of
    /// digits ("VC# Resource Capability" matches "VC1 Resource Capability").
    static func name(_ name: String, startsWith pattern: String) -> Bool {
        var nameIndex = name.startIndex
        for character in pattern {
            guard nameIndex < name.endIndex else { return false }
            if character == "#" {
                guard name[nameIndex].isASCII, name[nameIndex].isNumber else { return false }
                while nameIndex < name.endIndex, name[nameIndex].isASCII, name[nameIndex].isNumber {
                    nameIndex = name.index(after: nameIndex)
                }
            } else {
                guard name[nameIndex] == character else { return false }
                nameIndex = name.index(after: nameIndex)
            }
        }
        return true
    }
}
