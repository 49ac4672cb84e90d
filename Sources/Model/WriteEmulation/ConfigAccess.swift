/// The width of a configuration access: 1, 2 or 4 bytes (PCIe Base §7.2.2: configuration
/// requests carry at most one dword, with byte enables).
public enum AccessWidth: Int, Hashable, Sendable, CaseIterable, Comparable {
    case byte = 1
    case word = 2
    case dword = 4

    /// The number of bytes.
    @inlinable
    public var byteCount: Int { rawValue }

    /// All ones over the width: 0xFF, 0xFFFF or 0xFFFFFFFF.
    @inlinable
    public var valueMask: UInt32 {
        switch self {
        case .byte: 0xFF
        case .word: 0xFFFF
        case .dword: 0xFFFF_FFFF
        }
    }

    /// The width of `count` bytes, when it is 1, 2 or 4.
    public init?(byteCount count: Int) {
        self.init(rawValue: count)
    }

    public static func < (lhs: AccessWidth, rhs: AccessWidth) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// One guest access to configuration space: a read, or a write of a value under a mask.
///
/// A masked write is what setpci's `=VALUE:MASK` does: it reads the register, keeps the bits
/// outside the mask and writes the whole width back. The simulator does the same, so the
/// read-back of bits such as RW1C status is visible in the record.
///
/// ```
/// ConfigAccess.write(0x04, .word, 0x0406)              // COMMAND=0x0406
/// ConfigAccess.write(0x04, .word, 0x0400, mask: 0x0400) // COMMAND=0x0400:0x0400
/// ConfigAccess.read(0x06, .word)                       // STATUS
/// ```
public struct ConfigAccess: Hashable, Sendable {
    /// What the access does.
    public enum Operation: Hashable, Sendable {
        case read
        /// Write `value`; bits outside `mask` keep the value read just before.
        case write(UInt32, mask: UInt32)
    }

    /// Byte offset in configuration space.
    public var offset: Int
    /// 1, 2 or 4 bytes.
    public var width: AccessWidth
    /// Read, or write a value under a mask.
    public var operation: Operation

    public init(offset: Int, width: AccessWidth, operation: Operation) {
        self.offset = offset
        self.width = width
        self.operation = operation
    }

    /// A read of `width` bytes at `offset`.
    public static func read(_ offset: Int, _ width: AccessWidth) -> ConfigAccess {
        ConfigAccess(offset: offset, width: width, operation: .read)
    }

    /// A write of `value` at `offset`; with a `mask`, only its bits are changed.
    public static func write(_ offset: Int, _ width: AccessWidth, _ value: UInt32, mask: UInt32? = nil)
        -> ConfigAccess
    {
        ConfigAccess(offset: offset, width: width, operation: .write(value, mask: mask ?? width.valueMask))
    }

    /// Whether the access writes.
    @inlinable
    public var isWrite: Bool {
        if case .write = operation { return true }
        return false
    }

    /// The bytes the access covers.
    public var range: ConfigRange { ConfigRange(offset, length: width.byteCount) }

    /// Why the access cannot be made on a space of `size` bytes of which `readable` were read,
    /// or nil when it can: natural alignment, inside the space, every byte known, and a value
    /// and mask that fit the width.
    public func problem(size: Int, readable: Int, unreadable: [ConfigRange] = []) -> WriteEmulationError? {
        let count = width.byteCount
        // Compared as `offset > size - count`: `offset + count` overflows for offsets near Int.max.
        if offset < 0 || size < count || offset > size - count {
            return .outOfRange(offset: offset, width: width, size: size)
        }
        if offset % count != 0 { return .misaligned(offset: offset, width: width) }
        if readable < count || offset > readable - count {
            return .unreadable(offset: offset, width: width, readable: readable)
        }
        if let hole = unreadable.first(where: { $0.overlaps(range) }) {
            return .inHole(offset: offset, width: width, hole: hole)
        }
        if case .write(let value, let mask) = operation {
            if value & ~width.valueMask != 0 { return .valueTooWide(value: value, width: width) }
            if mask & ~width.valueMask != 0 { return .maskTooWide(mask: mask, width: width) }
        }
        return nil
    }
}
