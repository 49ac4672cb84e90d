/// Reads a fuzz input from the front: small integers for the parameters of a case, then
/// length-prefixed byte runs. Reads past the end give zeros and empty runs, so every input
/// is a valid case (libFuzzer's mutations change lengths freely).
struct FuzzInput {
    private let bytes: [UInt8]
    private(set) var position = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var remaining: Int { bytes.count - position }

    mutating func byte() -> UInt8 {
        guard position < bytes.count else { return 0 }
        defer { position += 1 }
        return bytes[position]
    }

    mutating func word() -> UInt16 { UInt16(byte()) | UInt16(byte()) << 8 }

    mutating func dword() -> UInt32 { UInt32(word()) | UInt32(word()) << 16 }

    mutating func bool() -> Bool { byte() & 1 != 0 }

    /// One of `values` (the first for an empty input).
    mutating func pick<T>(_ values: [T]) -> T {
        values[Int(byte()) % values.count]
    }

    /// `count` bytes (fewer at the end of the input).
    mutating func bytes(_ count: Int) -> [UInt8] {
        let end = min(bytes.count, position + max(0, count))
        defer { position = end }
        return Array(bytes[position..<end])
    }

    /// A run of at most `limit` bytes after a 16-bit little-endian length.
    mutating func run(limit: Int) -> [UInt8] { bytes(min(Int(word()), limit)) }

    /// Everything left.
    mutating func rest() -> [UInt8] { bytes(remaining) }
}

/// Writes inputs in the layout `FuzzInput` reads (the seeds).
struct FuzzInputWriter {
    private(set) var bytes: [UInt8] = []

    mutating func byte(_ value: UInt8) { bytes.append(value) }

    mutating func word(_ value: UInt16) {
        bytes.append(UInt8(truncatingIfNeeded: value))
        bytes.append(UInt8(truncatingIfNeeded: value >> 8))
    }

    mutating func dword(_ value: UInt32) {
        word(UInt16(truncatingIfNeeded: value))
        word(UInt16(truncatingIfNeeded: value >> 16))
    }

    mutating func run(_ run: [UInt8]) {
        word(UInt16(clamping: run.count))
        bytes += run.prefix(Int(UInt16.max))
    }

    mutating func append(_ other: [UInt8]) { bytes += other }
}
