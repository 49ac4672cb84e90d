/// A dump file that cannot be read as configuration space, with where and why.
public struct DumpError: Error, Hashable, Sendable {
    /// The file, as the user named it.
    public var file: String
    /// The 1-based line, when the problem is on one line.
    public var line: Int?
    public var problem: DumpProblem

    public init(file: String, line: Int? = nil, problem: DumpProblem) {
        self.file = file
        self.line = line
        self.problem = problem
    }
}

/// What is wrong with a dump file.
public enum DumpProblem: Hashable, Sendable {
    /// A hex line would put bytes at or past offset 4096.
    case offsetPastConfigSpace(Int)
    /// A device line's address has a part out of range (device > 0x1f, function > 7).
    case invalidAddress(String)
    /// The file holds no device line followed by hex lines.
    case noFunctions
    /// A binary file is larger than a configuration space.
    case binaryTooLarge(Int)
    /// A binary file is shorter than the 64-byte header.
    case binaryTooSmall(Int)
    /// The file holds more device lines than the limit (`LspciDump.functionLimit`).
    case tooManyFunctions(Int)
    /// The file is empty.
    case empty
    /// The file could not be read (the text is the system's reason).
    case unreadable(String)
}
