/// A growable byte buffer for fast text and JSON output.
///
/// Reports append straight into bytes (no intermediate Strings per value), because `show` on a
/// 4,096-function dump writes about 100 MB.
public struct OutputBuffer: Sendable {
    public var bytes: [UInt8]

    public init(capacity: Int = 4096) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    public var count: Int { bytes.count }

    @inlinable
    public mutating func append(_ text: String) {
        var text = text
        text.withUTF8 { bytes.append(contentsOf: $0) }
    }

    @inlinable
    public mutating func append(_ byte: UInt8) { bytes.append(byte) }

    public mutating func append(_ other: OutputBuffer) { bytes.append(contentsOf: other.bytes) }

    @inlinable
    public mutating func newline() { bytes.append(0x0A) }

    /// `count` spaces.
    @inlinable
    public mutating func spaces(_ count: Int) {
        guard count > 0 else { return }
        var remaining = count
        while remaining > 0 {
            let chunk = min(remaining, Self.blanks.count)
            Self.blanks.withUnsafeBufferPointer {
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: $0[..<chunk]))
            }
            remaining -= chunk
        }
    }

    @usableFromInline
    static let blanks = [UInt8](repeating: 0x20, count: 64)

    /// Empties the buffer, keeping its storage for reuse.
    public mutating func removeAll() { bytes.removeAll(keepingCapacity: true) }

    /// Text padded with spaces to `width` columns (longer text is not cut).
    public mutating func append(_ text: String, paddedTo width: Int) {
        let before = bytes.count
        append(text)
        let written = bytes.count - before
        // Pad by columns: count UTF-8 lead bytes, not bytes.
        var columns = written
        if written > 0 {
            for index in before..<bytes.count where bytes[index] & 0xC0 == 0x80 { columns -= 1 }
        }
        spaces(width - columns)
    }

    /// Lower-case hex with at least `digits` digits.
    @inlinable
    public mutating func appendHex(_ value: UInt64, digits: Int = 1) {
        var significant = 1
        var rest = value >> 4
        while rest != 0 {
            significant += 1
            rest >>= 4
        }
        let total = max(significant, digits)
        var shift = (total - 1) * 4
        while shift >= 0 {
            bytes.append(Self.hexDigits[Int((value >> UInt64(shift)) & 0xF)])
            shift -= 4
        }
    }

    /// `0x` and lower-case hex.
    @inlinable
    public mutating func appendHexLiteral(_ value: UInt64, digits: Int = 1) {
        bytes.append(0x30)
        bytes.append(0x78)
        appendHex(value, digits: digits)
    }

    @inlinable
    public mutating func appendDecimal(_ value: Int) {
        if value < 0 {
            bytes.append(0x2D)
            appendDecimal(UInt64(-(value + 1)) + 1)
        } else {
            appendDecimal(UInt64(value))
        }
    }

    @inlinable
    public mutating func appendDecimal(_ value: UInt64) {
        if value < 10 {
            bytes.append(0x30 + UInt8(value))
            return
        }
        // Least significant digit first, then turned round in place: no scratch array.
        let start = bytes.count
        var rest = value
        while rest > 0 {
            bytes.append(0x30 + UInt8(rest % 10))
            rest /= 10
        }
        bytes[start...].reverse()
    }

    /// A JSON string literal, escaped: runs of bytes that need no escape are copied whole.
    public mutating func appendJSONString(_ text: String) {
        bytes.append(0x22)
        var text = text
        text.withUTF8 { utf8 in
            let count = utf8.count
            var runStart = 0
            var index = 0
            while index < count {
                let byte = utf8[index]
                if byte >= 0x20 && byte < 0x7F && byte != 0x22 && byte != 0x5C || byte >= 0x80 && byte != 0xC2 {
                    index += 1
                    continue
                }
                let isC1 = byte == 0xC2 && index + 1 < count && (0x80...0x9F).contains(utf8[index + 1])
                if byte == 0xC2 && !isC1 {
                    index += 1
                    continue
                }
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<index]))
                switch byte {
                case 0x22: bytes.append(contentsOf: [0x5C, 0x22])
                case 0x5C: bytes.append(contentsOf: [0x5C, 0x5C])
                case 0x0A: bytes.append(contentsOf: [0x5C, 0x6E])
                case 0x0D: bytes.append(contentsOf: [0x5C, 0x72])
                case 0x09: bytes.append(contentsOf: [0x5C, 0x74])
                default:
                    // Other C0 controls, DEL, and C1 controls (U+0080-U+009F), so no JSON string
                    // carries one raw.
                    let value = isC1 ? utf8[index + 1] : byte
                    bytes.append(contentsOf: [0x5C, 0x75, 0x30, 0x30])
                    bytes.append(Self.hexDigits[Int(value >> 4)])
                    bytes.append(Self.hexDigits[Int(value & 0xF)])
                }
                index += isC1 ? 2 : 1
                runStart = index
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<count]))
        }
        bytes.append(0x22)
    }

    public static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// The text, for tests and small outputs.
    public var text: String { String(decoding: bytes, as: UTF8.self) }
}
