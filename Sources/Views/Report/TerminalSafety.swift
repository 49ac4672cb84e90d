/// Keeps text from untrusted input (dump titles, file names, script lines) from reaching a
/// terminal as control sequences: control characters become visible `\xNN` escapes.
///
/// Escaped: C0 controls (ESC, BEL, CR, backspace, ...), DEL, and the C1 controls U+0080-U+009F
/// (U+009B is CSI on terminals that take 8-bit controls). Line feeds and tabs stay in report
/// text, where the report itself writes them; `escaped` escapes them too, for one-line messages.
///
/// ```
/// TerminalSafety.escaped("x\u{1B}]0;title\u{07}")   // "x\\x1b]0;title\\x07"
/// ```
public enum TerminalSafety {
    /// `text` with every control character written as `\xNN` (line feeds and tabs included).
    public static func escaped(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var result = ""
        for scalar in text.unicodeScalars {
            if isControl(scalar) {
                result += "\\x" + hex(Int(scalar.value))
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// Report bytes (UTF-8) with control characters other than line feed and tab escaped; nil
    /// when there is none, which is the common case and costs one scan.
    public static func escapedReport(_ bytes: [UInt8]) -> [UInt8]? {
        guard let first = firstUnsafe(bytes) else { return nil }
        var result = [UInt8]()
        result.reserveCapacity(bytes.count + 16)
        result.append(contentsOf: bytes[0..<first])
        var index = first
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0xC2, index + 1 < bytes.count, (0x80...0x9F).contains(bytes[index + 1]) {
                appendEscape(Int(bytes[index + 1]), to: &result)
                index += 2
                continue
            }
            if (byte < 0x20 && byte != 0x0A && byte != 0x09) || byte == 0x7F {
                appendEscape(Int(byte), to: &result)
            } else {
                result.append(byte)
            }
            index += 1
        }
        return result
    }

    private static func firstUnsafe(_ bytes: [UInt8]) -> Int? {
        bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return nil }
            let raw = UnsafeRawPointer(base)
            let count = buffer.count
            var index = 0
            while index < count {
                // Eight bytes at a time past words of printable ASCII (0x20-0x7E): no byte
                // with its top bit set, none below 0x20, none equal to 0x7F.
                if index + 8 <= count {
                    let word = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: index, as: UInt64.self))
                    let high = word & 0x8080_8080_8080_8080
                    let below = (word &- 0x2020_2020_2020_2020) & ~word & 0x8080_8080_8080_8080
                    let delete = word ^ 0x7F7F_7F7F_7F7F_7F7F
                    let deletes = (delete &- 0x0101_0101_0101_0101) & ~delete & 0x8080_8080_8080_8080
                    if high | below | deletes == 0 {
                        index += 8
                        continue
                    }
                }
                let byte = buffer[index]
                let isUnsafe: Bool
                if byte >= 0x20 && byte < 0x7F || byte == 0x0A || byte == 0x09 {
                    isUnsafe = false
                } else if byte == 0xC2 {
                    isUnsafe = index + 1 < count && (0x80...0x9F).contains(buffer[index + 1])
                } else {
                    isUnsafe = byte < 0x80
                }
                if isUnsafe { return index }
                index += 1
            }
            return nil
        }
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (scalar.value >= 0x7F && scalar.value < 0xA0)
    }

    private static func appendEscape(_ value: Int, to bytes: inout [UInt8]) {
        bytes.append(contentsOf: Array("\\x".utf8))
        bytes.append(contentsOf: Array(hex(value).utf8))
    }

    private static func hex(_ value: Int) -> String {
        let digits = String(value, radix: 16)
        return digits.count == 1 ? "0" + digits : digits
    }
}
