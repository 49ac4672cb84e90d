/// A problem with a setpci expression, at a line and column (both from 1).
public struct SetpciError: Error, Hashable, Sendable {
    /// The line, from 1.
    public var line: Int
    /// The column, from 1.
    public var column: Int
    /// What is wrong.
    public var problem: SetpciProblem

    public init(line: Int, column: Int, _ problem: SetpciProblem) {
        self.line = line
        self.column = column
        self.problem = problem
    }
}

/// What is wrong with an expression.
public enum SetpciProblem: Hashable, Sendable {
    /// Nothing usable where a register (a name or a hex offset) was expected.
    case expectedRegister(found: String)
    /// A number that is not hexadecimal, or does not fit.
    case malformedNumber(String)
    /// A register offset (as written: `0x1000`, `CAP_EXP+1000`) past the 4096-byte
    /// configuration space, before any function is looked at.
    case offsetOutsideConfigSpace(String)
    /// A width other than .B, .W or .L.
    case unknownWidth(String)
    /// Characters after the operation that belong to none of its parts.
    case unexpectedText(String)
    /// `=` with nothing after it (or an empty value in a list).
    case missingValue
    /// A register name setpci does not know.
    case unknownRegister(String)
    /// A header register of another header layout (a bridge register on an endpoint).
    case registerNotInLayout(String, HeaderLayout)
    /// A capability name setpci does not know.
    case unknownCapability(String)
    /// The function (in the guest's view) has no such capability; `hiddenAt`: the device has
    /// it there but vfio hides it from the guest.
    case capabilityNotPresent(String, hiddenAt: ConfigOffset?)
    /// The capability may be there, but the bytes holding its list were not readable (an
    /// unprivileged read gives 64 bytes; a 256-byte read has no extended list).
    case capabilityListUnreadable(String, readable: Int)
    /// No width was given, and no catalogued register starts at the offset to take it from.
    case missingWidth(offset: Int)
    /// The value has bits above the width.
    case valueTooWide(value: UInt64, width: AccessWidth)
    /// The mask has bits above the width.
    case maskTooWide(mask: UInt64, width: AccessWidth)
    /// The access itself cannot be made (misaligned, out of range, not readable).
    case access(WriteEmulationError)
}
