/// One setpci operation: a register, a width, and values to write (none to read).
///
/// setpci's syntax (pciutils setpci(8)): a register is a name (`COMMAND`, `STATUS`,
/// `BASE_ADDRESS_0`), a capability and an offset (`CAP_EXP+8`, `ECAP_PASID+6`, `CAP10+2`,
/// `ECAP1b`), or a hexadecimal offset (`44`, `0x44`); `.B`, `.W` or `.L` sets the width; `=`
/// and comma-separated hexadecimal values write consecutive registers, each optionally
/// `VALUE:MASK` (only the mask's bits change); without `=` the register is read. Everything
/// after `#` on a line is a comment.
///
/// ```
/// let operations = try SetpciExpression.parse("COMMAND=0x0406  CAP_EXP+8.W=2810:f000 # MRRS\nSTATUS")
/// operations.count          // 3
/// operations[1].register    // .capability("CAP_EXP", displacement: 8)
/// operations[2].isRead      // true
/// ```
public struct SetpciExpression: Hashable, Sendable {
    /// Where a register is.
    public enum Register: Hashable, Sendable {
        /// A hexadecimal offset.
        case offset(Int)
        /// A header register name (upper-cased), plus a displacement.
        case named(String, displacement: Int)
        /// A capability name (`CAP_...`/`ECAP_...`, upper-cased), plus the offset in it.
        case capability(String, displacement: Int)
    }

    /// A value to write, with its optional mask, and where it was written.
    public struct Value: Hashable, Sendable {
        public var value: UInt64
        public var mask: UInt64?
        public var column: Int

        public init(_ value: UInt64, mask: UInt64? = nil, column: Int) {
            self.value = value
            self.mask = mask
            self.column = column
        }
    }

    public var register: Register
    /// The width given with .B/.W/.L; nil means the register's own width.
    public var width: AccessWidth?
    /// The values to write, in order; empty for a read.
    public var values: [Value]
    /// The operation as written.
    public var text: String
    /// Where it starts (from 1).
    public var line: Int
    public var column: Int
    /// Its UTF-8 byte range in the parsed text.
    public var byteRange: Range<Int> = 0..<0

    public init(register: Register, width: AccessWidth?, values: [Value], text: String, line: Int, column: Int) {
        self.register = register
        self.width = width
        self.values = values
        self.text = text
        self.line = line
        self.column = column
    }

    /// Whether the operation reads.
    public var isRead: Bool { values.isEmpty }

    // MARK: - Parsing

    /// Parses a script: any number of operations per line, separated by blanks; `#` starts a comment.
    public static func parse(_ text: String) throws(SetpciError) -> [SetpciExpression] {
        var expressions = [SetpciExpression]()
        try parse(text) { expressions.append($0) }
        return expressions
    }

    /// Parses a script and hands each expression to `body` as it is found (for long scripts:
    /// nothing is kept). An error from `body` stops the parse and is rethrown.
    public static func parse(_ text: String, each body: (SetpciExpression) throws(SetpciError) -> Void)
        throws(SetpciError)
    {
        var source = text
        let failure: SetpciError? = source.withUTF8 { bytes in
            do throws(SetpciError) {
                try SetpciParser.parse(bytes, each: body)
                return nil
            } catch {
                return error
            }
        }
        if let failure { throw failure }
    }

    /// Parses one expression (`-e` text): the same syntax as a script line.
    public static func parseExpression(_ text: String) throws(SetpciError) -> [SetpciExpression] {
        try parse(text)
    }
}

/// A byte-level parser: scripts can have millions of lines.
enum SetpciParser {
    static func parse(
        _ bytes: UnsafeBufferPointer<UInt8>, each body: (SetpciExpression) throws(SetpciError) -> Void
    ) throws(SetpciError) {
        try scan(bytes) { (start, end, line, column) throws(SetpciError) in
            try body(try expression(bytes, from: start, to: end, line: line, column: column))
        }
    }

    /// The expression in `bytes[start..<end]` (one word of a script) at `line` and `column`.
    static func expression(
        _ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int, line: Int, column: Int
    ) throws(SetpciError) -> SetpciExpression {
        var expression = try operation(bytes, from: start, to: end, line: line, column: column)
        expression.byteRange = start..<end
        return expression
    }

    /// Finds each expression's word (its byte range, line and column), skipping blanks and
    /// comments, without parsing it.
    static func scan(
        _ bytes: UnsafeBufferPointer<UInt8>,
        each body: (_ start: Int, _ end: Int, _ line: Int, _ column: Int) throws(SetpciError) -> Void
    ) throws(SetpciError) {
        var index = 0
        var line = 1
        var lineStart = 0
        let count = bytes.count
        while index < count {
            let byte = bytes[index]
            if byte == 0x0A {
                line += 1
                index += 1
                lineStart = index
                continue
            }
            if byte == 0x20 || byte == 0x09 || byte == 0x0D {
                index += 1
                continue
            }
            if byte == 0x23 {
                while index < count && bytes[index] != 0x0A { index += 1 }
                continue
            }
            var end = index
            while end < count {
                let next = bytes[end]
                if next == 0x20 || next == 0x09 || next == 0x0A || next == 0x0D || next == 0x23 {
                    break
                }
                end += 1
            }
            try body(index, end, line, index - lineStart + 1)
            index = end
        }
    }

    private static func operation(
        _ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int, line: Int, column: Int
    ) throws(SetpciError) -> SetpciExpression {
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
        func error(_ at: Int, _ problem: SetpciProblem) -> SetpciError {
            SetpciError(line: line, column: column + (at - start), problem)
        }
        func slice(_ from: Int, _ to: Int) -> String {
            String(decoding: UnsafeBufferPointer(rebasing: bytes[from..<to]), as: UTF8.self)
        }
        // The register: up to '.', '=', '+' or the end.
        var cursor = start
        while cursor < end && bytes[cursor] != 0x2E && bytes[cursor] != 0x3D && bytes[cursor] != 0x2B {
            cursor += 1
        }
        guard cursor > start else { throw error(start, .expectedRegister(found: slice(start, end))) }
        let nameEnd = cursor
        var displacement = 0
        if cursor < end && bytes[cursor] == 0x2B {
            let numberStart = cursor + 1
            cursor = numberStart
            while cursor < end && bytes[cursor] != 0x2E && bytes[cursor] != 0x3D { cursor += 1 }
            guard let value = hex(bytes, numberStart, cursor) else {
                let problem: SetpciProblem =
                    isHexDigits(bytes, numberStart, cursor)
                    ? .offsetOutsideConfigSpace(slice(start, cursor)) : .malformedNumber(slice(numberStart, cursor))
                throw error(numberStart, problem)
            }
            guard value <= 0xFFF else { throw error(numberStart, .offsetOutsideConfigSpace(slice(start, cursor))) }
            displacement = Int(value)
        }
        let register: SetpciExpression.Register
        if let offset = hex(bytes, start, nameEnd) {
            // Compared without adding: a 16-digit offset plus a displacement overflows UInt64.
            guard offset <= 0xFFF, UInt64(displacement) <= 0xFFF - offset else {
                throw error(start, .offsetOutsideConfigSpace(slice(start, cursor)))
            }
            register = .offset(Int(offset) + displacement)
        } else if isHexDigits(bytes, start, nameEnd) {
            // More hex digits than any offset has (no register name is all hex digits).
            throw error(start, .offsetOutsideConfigSpace(slice(start, cursor)))
        } else {
            guard isName(bytes, start, nameEnd) else {
                throw error(start, .expectedRegister(found: slice(start, nameEnd)))
            }
            let upper = uppercased(bytes, start, nameEnd)
            let isCapability =
                bytes[start] | 0x20 == 0x63
                || (bytes[start] | 0x20 == 0x65 && nameEnd - start > 1 && bytes[start + 1] | 0x20 == 0x63)
            register =
                isCapability && (upper.hasPrefix("CAP") || upper.hasPrefix("ECAP"))
                    && SetpciResolver.names[upper] == nil
                ? .capability(upper, displacement: displacement) : .named(upper, displacement: displacement)
        }
        var width: AccessWidth?
        if cursor < end && bytes[cursor] == 0x2E {
            let widthStart = cursor + 1
            cursor = widthStart
            while cursor < end && bytes[cursor] != 0x3D { cursor += 1 }
            switch cursor - widthStart == 1 ? bytes[widthStart] | 0x20 : 0 {
            case 0x62: width = .byte
            case 0x77: width = .word
            case 0x6C: width = .dword
            default: throw error(widthStart, .unknownWidth(slice(widthStart, cursor)))
            }
        }
        var values = [SetpciExpression.Value]()
        if cursor < end && bytes[cursor] == 0x3D {
            cursor += 1
            guard cursor < end else { throw error(cursor, .missingValue) }
            while cursor <= end {
                let valueStart = cursor
                while cursor < end && bytes[cursor] != 0x2C && bytes[cursor] != 0x3A { cursor += 1 }
                guard cursor > valueStart else { throw error(valueStart, .missingValue) }
                guard let value = hex(bytes, valueStart, cursor) else {
                    throw error(valueStart, .malformedNumber(slice(valueStart, cursor)))
                }
                var mask: UInt64?
                if cursor < end && bytes[cursor] == 0x3A {
                    let maskStart = cursor + 1
                    cursor = maskStart
                    while cursor < end && bytes[cursor] != 0x2C { cursor += 1 }
                    guard cursor > maskStart else { throw error(maskStart, .missingValue) }
                    guard let parsed = hex(bytes, maskStart, cursor) else {
                        throw error(maskStart, .malformedNumber(slice(maskStart, cursor)))
                    }
                    mask = parsed
                }
                values.append(SetpciExpression.Value(value, mask: mask, column: column + (valueStart - start)))
                if cursor >= end { break }
                cursor += 1  // the comma
                if cursor >= end { throw error(cursor, .missingValue) }
            }
        } else if cursor < end {
            throw error(cursor, .unexpectedText(slice(cursor, end)))
        }
        return SetpciExpression(
            register: register, width: width, values: values, text: text, line: line, column: column)
    }

    /// A hexadecimal number, with or without `0x`, of at most 16 digits.
    private static func hex(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> UInt64? {
        var index = start
        if end - start > 2 && bytes[start] == 0x30 && bytes[start + 1] | 0x20 == 0x78 { index += 2 }
        guard index < end, end - index <= 16 else { return nil }
        var value: UInt64 = 0
        while index < end {
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case 0x30...0x39: digit = byte - 0x30
            case 0x41...0x46: digit = byte - 0x41 + 10
            case 0x61...0x66: digit = byte - 0x61 + 10
            default: return nil
            }
            value = value << 4 | UInt64(digit)
            index += 1
        }
        return value
    }

    /// Whether the text is hex digits only (after an optional `0x`), of any length.
    private static func isHexDigits(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        var index = start
        if end - start > 2 && bytes[start] == 0x30 && bytes[start + 1] | 0x20 == 0x78 { index += 2 }
        guard index < end else { return false }
        for position in index..<end {
            switch bytes[position] {
            case 0x30...0x39, 0x41...0x46, 0x61...0x66: continue
            default: return false
            }
        }
        return true
    }

    /// The ASCII upper-case text of a name.
    private static func uppercased(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> String {
        String(unsafeUninitializedCapacity: end - start) { buffer in
            for index in start..<end {
                let byte = bytes[index]
                buffer[index - start] = byte >= 0x61 && byte <= 0x7A ? byte - 0x20 : byte
            }
            return end - start
        }
    }

    /// Letters, digits and underscores, starting with a letter or underscore.
    private static func isName(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        guard start < end else { return false }
        for index in start..<end {
            let byte = bytes[index]
            let isLetter = (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A
            let isDigit = byte >= 0x30 && byte <= 0x39
            if !(isLetter || byte == 0x5F || (isDigit && index > start)) { return false }
        }
        return true
    }
}
