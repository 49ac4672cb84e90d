/// The configuration space of one PCI function, as far as it could be read.
///
/// `bytes` holds only what was actually read: a non-root reader gets 64 bytes from sysfs, a
/// conventional function 256, a PCI Express function 4096, a dump file whatever it holds.
/// `size` is the architectural size of the space (256 or 4096), so views can show the bytes
/// between `readableLength` and `size` as unreadable rather than as zeros. A dump can also
/// leave holes inside what it holds (a missing or malformed hex line): those ranges are
/// `unreadable`, their bytes are zero in `bytes` and every accessor treats them as not read.
///
/// ```
/// let space = ConfigSpace(bytes: sysfsBytes, size: 4096)
/// space.readableLength        // 64 when not root
/// space.word(at: 0x00)        // vendor ID, or nil when unreadable
/// space.dword(at: 0x100)      // nil: not readable without root
/// ```
public struct ConfigSpace: Hashable, Sendable {
    /// Length of the predefined header shared by all header types.
    public static let headerLength = 64
    /// Size of a conventional PCI configuration space.
    public static let conventionalSize = 256
    /// Size of a PCI Express (or PCI-X 2.0) configuration space.
    public static let extendedSize = 4096

    /// The readable bytes, starting at offset 0.
    public let bytes: [UInt8]
    /// The architectural size of the space: 256 or 4096.
    public let size: Int
    /// Ranges inside `bytes` that were not read: sorted, disjoint, non-empty, and usually none.
    public let unreadable: [ConfigRange]

    /// Creates a space from the bytes read. Bytes past 4096 are dropped. When `size` is not
    /// given it is 4096 if more than 256 bytes were read, otherwise 256. `unreadable` ranges are
    /// clipped to the bytes, sorted and merged, and their bytes are zeroed.
    public init(bytes: [UInt8], size: Int? = nil, unreadable: [ConfigRange] = []) {
        var kept = bytes.count > Self.extendedSize ? Array(bytes.prefix(Self.extendedSize)) : bytes
        let nominal = max(size ?? 0, kept.count)
        self.size = nominal > Self.conventionalSize ? Self.extendedSize : Self.conventionalSize
        let holes = Self.normalized(unreadable, within: kept.count)
        for hole in holes {
            for index in hole.start.rawValue..<hole.end.rawValue { kept[index] = 0 }
        }
        self.bytes = kept
        self.unreadable = holes
    }

    /// How many bytes from offset 0 the source holds, holes in `unreadable` included.
    public var readableLength: Int { bytes.count }
    /// How many bytes were really read (`readableLength` without the holes).
    public var readByteCount: Int { bytes.count - unreadable.reduce(0) { $0 + $1.length } }
    /// The length of the readable run from offset 0: up to the first hole, or all of `bytes`.
    public var contiguousReadableLength: Int { unreadable.first?.start.rawValue ?? bytes.count }
    /// Whether the architectural space is the 4 KiB PCI Express one.
    public var hasExtendedSpace: Bool { size == Self.extendedSize }
    /// Whether the whole architectural space was readable.
    public var isComplete: Bool { bytes.count >= size && unreadable.isEmpty }

    /// Whether `length` bytes starting at `offset` were all read.
    @inlinable
    public func isReadable(_ offset: Int, length: Int = 1) -> Bool {
        guard offset >= 0 && length >= 0 && offset <= bytes.count - length else { return false }
        return unreadable.isEmpty || !overlapsHole(offset, length: length)
    }

    /// Whether any of `length` bytes at `offset` lies in a hole.
    @usableFromInline
    func overlapsHole(_ offset: Int, length: Int) -> Bool {
        for hole in unreadable {
            if hole.start.rawValue >= offset + length { return false }
            if hole.end.rawValue > offset { return true }
        }
        return false
    }

    /// The readable runs of `bytes`, in order: all of it when there are no holes.
    public var readableRuns: [ConfigRange] {
        var runs = [ConfigRange]()
        var cursor = 0
        for hole in unreadable {
            if hole.start.rawValue > cursor { runs.append(ConfigRange(cursor, length: hole.start.rawValue - cursor)) }
            cursor = hole.end.rawValue
        }
        if bytes.count > cursor { runs.append(ConfigRange(cursor, length: bytes.count - cursor)) }
        return runs
    }

    /// Sorted, merged, clipped to `0..<count`, empty ranges dropped.
    private static func normalized(_ ranges: [ConfigRange], within count: Int) -> [ConfigRange] {
        guard !ranges.isEmpty else { return [] }
        var result = [ConfigRange]()
        for range in ranges.sorted(by: { $0.start < $1.start }) {
            let start = max(0, range.start.rawValue)
            let end = min(count, range.end.rawValue)
            guard end > start else { continue }
            if let last = result.last, last.end.rawValue >= start {
                result[result.count - 1].length = max(last.end.rawValue, end) - last.start.rawValue
            } else {
                result.append(ConfigRange(start, length: end - start))
            }
        }
        return result
    }

    /// The byte at `offset`, or nil when it was not read.
    @inlinable
    public func byte(at offset: Int) -> UInt8? {
        isReadable(offset) ? bytes[offset] : nil
    }

    /// The little-endian 16-bit value at `offset`, or nil unless both bytes were read.
    @inlinable
    public func word(at offset: Int) -> UInt16? {
        guard isReadable(offset, length: 2) else { return nil }
        return UInt16(bytes[offset]) | UInt16(bytes[offset + 1]) << 8
    }

    /// The little-endian 32-bit value at `offset`, or nil unless all four bytes were read.
    @inlinable
    public func dword(at offset: Int) -> UInt32? {
        guard isReadable(offset, length: 4) else { return nil }
        return UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16
            | UInt32(bytes[offset + 3]) << 24
    }

    /// The little-endian value of `length` (1...8) bytes at `offset`, or nil unless all were read.
    public func value(at offset: Int, length: Int) -> UInt64? {
        guard length >= 1, length <= 8, isReadable(offset, length: length) else { return nil }
        return bytes.littleEndianValue(at: offset, count: length)
    }

    public func byte(at offset: ConfigOffset) -> UInt8? { byte(at: offset.rawValue) }
    public func word(at offset: ConfigOffset) -> UInt16? { word(at: offset.rawValue) }
    public func dword(at offset: ConfigOffset) -> UInt32? { dword(at: offset.rawValue) }

    /// A copy with `value` stored little-endian at `offset`; offsets past the readable bytes
    /// are left alone. Used by builders (demo set, virtual capabilities), never on hardware.
    public func setting(_ value: UInt64, at offset: Int, length: Int) -> ConfigSpace {
        var copy = bytes
        copy.storeLittleEndian(value, at: offset, count: length)
        return ConfigSpace(bytes: copy, size: size, unreadable: unreadable)
    }

    /// A copy extended with zero bytes so that `length` bytes are readable (at most 4096).
    public func paddedWithZeros(to length: Int) -> ConfigSpace {
        guard length > bytes.count else { return self }
        let target = min(length, Self.extendedSize)
        return ConfigSpace(
            bytes: bytes + [UInt8](repeating: 0, count: target - bytes.count), size: max(size, target),
            unreadable: unreadable)
    }
}
