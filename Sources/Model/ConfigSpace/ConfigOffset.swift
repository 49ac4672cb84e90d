/// A byte offset into a function's configuration space (0x000-0xFFF).
///
/// Offsets are always byte offsets; a length is a byte count and never an offset.
/// ```
/// let pasid: ConfigOffset = 0xFF8
/// pasid + 4   // 0xFFC
/// ```
public struct ConfigOffset: RawRepresentable, Hashable, Comparable, Sendable, ExpressibleByIntegerLiteral {
    public var rawValue: Int

    public init(rawValue: Int) { self.rawValue = rawValue }
    public init(_ rawValue: Int) { self.rawValue = rawValue }
    public init(integerLiteral value: Int) { self.rawValue = value }

    public static func < (lhs: ConfigOffset, rhs: ConfigOffset) -> Bool { lhs.rawValue < rhs.rawValue }
    public static func + (lhs: ConfigOffset, rhs: Int) -> ConfigOffset { ConfigOffset(lhs.rawValue + rhs) }
    public static func - (lhs: ConfigOffset, rhs: ConfigOffset) -> Int { lhs.rawValue - rhs.rawValue }

    /// Whether the offset is a multiple of four.
    public var isDwordAligned: Bool { rawValue & 3 == 0 }
}

/// A half-open byte range `[start, start + length)` in configuration space.
public struct ConfigRange: Hashable, Sendable {
    public var start: ConfigOffset
    public var length: Int

    public init(start: ConfigOffset, length: Int) {
        self.start = start
        self.length = max(0, length)
    }

    public init(_ start: Int, length: Int) { self.init(start: ConfigOffset(start), length: length) }

    /// One past the last byte.
    public var end: ConfigOffset { start + length }
    public var isEmpty: Bool { length == 0 }

    public func contains(_ offset: ConfigOffset) -> Bool { offset >= start && offset < end }
    public func overlaps(_ other: ConfigRange) -> Bool {
        !isEmpty && !other.isEmpty && start < other.end && other.start < end
    }
    /// The overlap of two ranges (empty when they are disjoint).
    public func clamped(to other: ConfigRange) -> ConfigRange {
        let lower = max(start, other.start)
        let upper = min(end, other.end)
        return ConfigRange(start: lower, length: upper - lower)
    }
}
