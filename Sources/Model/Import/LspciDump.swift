/// One function read from a dump file.
public struct DumpedFunction: Hashable, Sendable {
    public var address: PCIAddress
    public var space: ConfigSpace
    /// The text after the address on the device line (lspci's description), possibly empty.
    public var title: String
    /// The 1-based line of the device line (0 for binary files).
    public var line: Int
    /// Problems found while reading it (holes in the hex lines).
    public var diagnostics: [Diagnostic]

    public init(address: PCIAddress, space: ConfigSpace, title: String, line: Int, diagnostics: [Diagnostic] = []) {
        self.address = address
        self.space = space
        self.title = title
        self.line = line
        self.diagnostics = diagnostics
    }
}

/// Reads and writes the text `lspci -x`, `-xxx` and `-xxxx` print, as `lspci -F` accepts it,
/// and raw binary copies of a sysfs `config` file.
///
/// Text rules (pciutils `lib/dump.c`): a device line starts with `bb:dd.f `, `dddd:bb:dd.f `
/// or `ddddd:bb:dd.f ` (hex, then a space); a hex line starts with 2-8 hex digits and `: `,
/// followed by two-digit hex bytes separated by single spaces, and belongs to the last device
/// line; an empty line ends the device; every other line is ignored (so `lspci -vvvxxxx`
/// output reads fine). Unlike lspci, a device line with nothing after the address is accepted.
///
/// ```
/// let functions = try LspciDump.parse(Array(text.utf8), file: "host.txt")
/// functions[0].space.readableLength   // 4096 for an -xxxx dump
/// ```
public enum LspciDump {
    /// The most functions one dump may hold: every routing ID of a domain once. Bounds what a
    /// hostile file of repeated device lines can make cfgtui hold.
    public static let functionLimit = 65536

    /// Parses dump text or, when the content is not text, a binary config file.
    ///
    /// Decided on the whole content, as `lspci -F` reads it: text is whatever holds a device
    /// line with hex lines, whatever else it carries (a UTF-8 BOM, CRLF line ends, UTF-8 or
    /// Latin-1 titles, lspci -vvv decoding between them). Otherwise content with line ends and
    /// no control bytes is text without functions, and the rest is a binary config file of
    /// 64 to 4096 bytes.
    public static func read(_ bytes: [UInt8], file: String) throws(DumpError) -> [DumpedFunction] {
        let stream = LspciDumpStream(file: file)
        try stream.consume(bytes)
        return try stream.finish()
    }

    /// Whether a byte never appears in text: a control byte other than tab, CR, LF and form
    /// feed, or DEL (bytes from 0x80 up are text: UTF-8 or Latin-1). Content without functions
    /// is text when it has a line end and no such byte.
    static func neverInText(_ byte: UInt8) -> Bool {
        (byte < 0x20 && byte != 0x09 && byte != 0x0A && byte != 0x0D && byte != 0x0C) || byte == 0x7F
    }

    /// The last path component that is a PCI address (`.../0000:03:00.0/config`), if any.
    public static func addressInPath(_ path: String) -> PCIAddress? {
        for component in path.split(separator: "/").reversed() {
            if component.contains(":"), component.contains("."), let address = PCIAddress(parsing: component) {
                return address
            }
        }
        return nil
    }

    /// Parses dump text.
    public static func parse(_ bytes: [UInt8], file: String) throws(DumpError) -> [DumpedFunction] {
        let functions = try parseFunctions(bytes, file: file)
        guard !functions.isEmpty else { throw DumpError(file: file, problem: .noFunctions) }
        return functions
    }

    /// The functions in dump text, possibly none.
    static func parseFunctions(_ bytes: [UInt8], file: String) throws(DumpError) -> [DumpedFunction] {
        let stream = LspciDumpStream(file: file)
        try stream.consume(bytes)
        return try stream.finishText()
    }

    // MARK: - Writing

    /// The `lspci -xxxx` text for functions: a device line, the readable bytes 16 per line,
    /// and an empty line. `lspci -F` reads it back byte for byte. A space's holes are left out,
    /// so reading the text back gives the same holes and every byte that was read.
    public static func write(_ functions: [(address: PCIAddress, title: String, space: ConfigSpace)]) -> [UInt8] {
        var output = [UInt8]()
        output.reserveCapacity(
            functions.reduce(0) { $0 + $1.space.readableLength * 3 + $1.space.readableLength / 16 * 6 + 80 })
        for function in functions {
            output.append(contentsOf: function.address.description.utf8)
            output.append(0x20)
            output.append(contentsOf: function.title.utf8)
            output.append(0x0A)
            if function.space.unreadable.isEmpty {
                appendHexLines(function.space.bytes, to: &output)
            } else {
                for run in function.space.readableRuns {
                    appendHexLines(function.space.bytes, run.start.rawValue..<run.end.rawValue, to: &output)
                }
            }
            output.append(0x0A)
        }
        return output
    }

    /// Appends `bytes` as lspci hex lines (`00: 86 80 ...`).
    public static func appendHexLines(_ bytes: [UInt8], to output: inout [UInt8]) {
        appendHexLines(bytes, 0..<bytes.count, to: &output)
    }

    /// Appends `bytes[range]` as lspci hex lines; a line ends at each 16-byte boundary.
    public static func appendHexLines(_ bytes: [UInt8], _ range: Range<Int>, to output: inout [UInt8]) {
        var offset = max(range.lowerBound, 0)
        let end = min(range.upperBound, bytes.count)
        while offset < end {
            let lineEnd = min((offset | 0xF) + 1, end)
            if offset >= 0x100 { output.append(hexDigit(offset >> 8)) }
            output.append(hexDigit(offset >> 4))
            output.append(hexDigit(offset))
            output.append(0x3A)
            for index in offset..<lineEnd {
                output.append(0x20)
                output.append(hexDigit(Int(bytes[index]) >> 4))
                output.append(hexDigit(Int(bytes[index])))
            }
            output.append(0x0A)
            offset = lineEnd
        }
    }

    private static func hexDigit(_ value: Int) -> UInt8 {
        let nibble = UInt8(value & 0xF)
        return nibble < 10 ? 0x30 + nibble : 0x57 + nibble
    }
}

// MARK: - Reading a piece at a time

/// `LspciDump.read` fed a piece at a time, so a command reading a 56 MB dump never holds the
/// file's text whole: the pieces may split a line anywhere (the part before a split waits for
/// the rest), and the result is what `LspciDump.read` gives for the same bytes at once, text
/// or binary.
///
/// ```
/// let stream = LspciDumpStream(file: "big.txt")
/// for piece in pieces { try stream.consume(piece) }
/// let functions = try stream.finish()
/// ```
public final class LspciDumpStream {
    private var state: Lines
    private let scratch: UnsafeMutableBufferPointer<UInt8>
    private let present: UnsafeMutableBufferPointer<Bool>
    private let lineScratch: UnsafeMutableBufferPointer<UInt8>

    public init(file: String) {
        scratch = .allocate(capacity: ConfigSpace.extendedSize)
        present = .allocate(capacity: ConfigSpace.extendedSize)
        lineScratch = .allocate(capacity: ConfigSpace.extendedSize)
        scratch.initialize(repeating: 0)
        present.initialize(repeating: false)
        lineScratch.initialize(repeating: 0)
        state = Lines(parser: Parser(file: file, bytes: scratch, present: present, line: lineScratch))
    }

    deinit {
        scratch.deallocate()
        present.deallocate()
        lineScratch.deallocate()
    }

    /// The bytes consumed so far.
    public var byteCount: Int { state.byteCount }

    public func consume(_ bytes: [UInt8]) throws(DumpError) {
        try bytes.withUnsafeBufferPointer { (buffer) throws(DumpError) in try state.consume(buffer) }
    }

    /// Reads the lines `piece` ends, keeping the part after its last line end for the next.
    public func consume(_ piece: UnsafeBufferPointer<UInt8>) throws(DumpError) {
        try state.consume(piece)
    }

    /// The functions in the text, possibly none (the last line needs no line end).
    func finishText() throws(DumpError) -> [DumpedFunction] {
        try state.finishText()
    }

    /// What `LspciDump.read` says of the whole content: its functions, or the binary config
    /// file it is, or why it is neither.
    public func finish() throws(DumpError) -> [DumpedFunction] {
        let file = state.parser.file
        let byteCount = state.byteCount
        guard byteCount > 0 else { throw DumpError(file: file, problem: .empty) }
        let functions = try state.finishText()
        if !functions.isEmpty { return functions }
        if state.sawLineEnd && !state.sawBinaryByte { throw DumpError(file: file, problem: .noFunctions) }
        guard byteCount >= ConfigSpace.headerLength else {
            throw DumpError(file: file, problem: .binaryTooSmall(byteCount))
        }
        guard byteCount <= ConfigSpace.extendedSize else {
            throw DumpError(file: file, problem: .binaryTooLarge(byteCount))
        }
        let address = LspciDump.addressInPath(file) ?? PCIAddress(domain: 0, bus: 0, device: 0, function: 0)
        guard let address else { throw DumpError(file: file, problem: .noFunctions) }
        return [DumpedFunction(address: address, space: ConfigSpace(bytes: state.head), title: "", line: 0)]
    }
}

/// The stream's state, a value the stream changes once per piece (a class's stored property
/// is checked for exclusive access on every change; per line that cost a tenth of `list`).
private struct Lines {
    var parser: Parser
    /// A line whose end has not come yet.
    var pending: [UInt8] = []
    var lineNumber = 0
    /// The first bytes, up to one more than a config space holds: a binary file is decided on
    /// them when no function is found.
    var head: [UInt8] = []
    var byteCount = 0
    /// Whether the content so far has a line end, and whether it has a byte text never holds
    /// (checked only while no function has been found: with one, the content is text).
    var sawLineEnd = false
    var sawBinaryByte = false

    init(parser: Parser) { self.parser = parser }

    mutating func consume(_ piece: UnsafeBufferPointer<UInt8>) throws(DumpError) {
        guard !piece.isEmpty else { return }
        let count = piece.count
        if head.count <= ConfigSpace.extendedSize {
            head.append(
                contentsOf: UnsafeBufferPointer(rebasing: piece.prefix(ConfigSpace.extendedSize + 1 - head.count)))
        }
        byteCount += count
        if parser.functions.isEmpty && !sawBinaryByte {
            for byte in piece {
                if byte == 0x0A { sawLineEnd = true }
                if LspciDump.neverInText(byte) {
                    sawBinaryByte = true
                    break
                }
            }
        }
        var start = 0
        while start < count {
            let end = Self.lineEnd(in: piece, from: start)
            guard end < count else {
                pending.append(contentsOf: UnsafeBufferPointer(rebasing: piece[start...]))
                return
            }
            if pending.isEmpty {
                try line(UnsafeBufferPointer(rebasing: piece[start..<end]))
            } else {
                pending.append(contentsOf: UnsafeBufferPointer(rebasing: piece[start..<end]))
                // Out of `pending` while it is read (line changes self), its storage kept.
                var text = [UInt8]()
                swap(&text, &pending)
                try text.withUnsafeBufferPointer { (buffer) throws(DumpError) in try line(buffer) }
                text.removeAll(keepingCapacity: true)
                pending = text
            }
            start = end + 1
        }
    }

    /// The index of the first LF at or after `start`, or the piece's count: eight bytes at a
    /// time (a word's zero bytes after XOR with LFs mark them; the lowest marked byte is the
    /// first LF, whatever the bytes above it), then byte by byte.
    static func lineEnd(in piece: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        let count = piece.count
        var index = start
        if let base = piece.baseAddress {
            let raw = UnsafeRawPointer(base)
            while index + 8 <= count {
                let word = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: index, as: UInt64.self))
                let flipped = word ^ 0x0A0A_0A0A_0A0A_0A0A
                let marks = (flipped &- 0x0101_0101_0101_0101) & ~flipped & 0x8080_8080_8080_8080
                if marks != 0 { return index + marks.trailingZeroBitCount / 8 }
                index += 8
            }
        }
        while index < count && piece[index] != 0x0A { index += 1 }
        return index
    }

    /// One line without its LF: a CR before it is dropped, and a UTF-8 byte order mark before
    /// the first line.
    mutating func line(_ text: UnsafeBufferPointer<UInt8>) throws(DumpError) {
        lineNumber += 1
        var lower = 0
        var upper = text.count
        if lineNumber == 1 && upper >= 3 && text[0] == 0xEF && text[1] == 0xBB && text[2] == 0xBF { lower = 3 }
        if upper > lower && text[upper - 1] == 0x0D { upper -= 1 }
        try parser.consume(UnsafeBufferPointer(rebasing: text[lower..<upper]), line: lineNumber)
    }

    mutating func finishText() throws(DumpError) -> [DumpedFunction] {
        if !pending.isEmpty {
            let last = pending
            pending.removeAll()
            try last.withUnsafeBufferPointer { (buffer) throws(DumpError) in try line(buffer) }
        }
        parser.finishFunction()
        parser.noteStrayLines()
        return parser.functions
    }
}

// MARK: - The line parser

private struct Parser {
    let file: String
    var functions: [DumpedFunction] = []

    // The function being filled. `bytes` and `present` hold 4096 entries each (owned by parse()).
    var address: PCIAddress?
    var title = ""
    var headerLine = 0
    let bytes: UnsafeMutableBufferPointer<UInt8>
    let present: UnsafeMutableBufferPointer<Bool>
    /// One hex line's bytes, kept until the whole line proved well formed.
    let line: UnsafeMutableBufferPointer<UInt8>
    var highest = 0
    /// Hex lines after a function's end (a blank line) and before the next device line.
    var strayLines: (first: Int, count: Int)?
    /// The function's malformed hex lines, as diagnostics, and the bytes they would have held.
    var malformed: [(diagnostic: Diagnostic, range: ConfigRange)] = []

    init(
        file: String, bytes: UnsafeMutableBufferPointer<UInt8>, present: UnsafeMutableBufferPointer<Bool>,
        line: UnsafeMutableBufferPointer<UInt8>
    ) {
        self.file = file
        self.bytes = bytes
        self.present = present
        self.line = line
    }

    mutating func consume(_ line: UnsafeBufferPointer<UInt8>, line number: Int) throws(DumpError) {
        if line.isEmpty {
            finishFunction()
            return
        }
        if let (parsed, titleStart) = try deviceLine(line, number: number) {
            finishFunction()
            noteStrayLines()
            guard functions.count < LspciDump.functionLimit else {
                throw DumpError(file: file, line: number, problem: .tooManyFunctions(LspciDump.functionLimit))
            }
            address = parsed
            headerLine = number
            title = titleStart < line.count ? Self.text(UnsafeBufferPointer(rebasing: line[titleStart...])) : ""
            return
        }
        guard let (offset, dataStart) = hexLineOffset(line) else { return }
        guard address != nil else {
            // lspci ignores hex lines outside a device; after a function (a blank line inside
            // it), that function says so rather than losing them silently.
            if !functions.isEmpty {
                if strayLines == nil { strayLines = (number, 0) }
                strayLines?.count += 1
            }
            return
        }
        try hexBytes(line, from: dataStart, offset: offset, number: number)
    }

    /// `bb:dd.f `, `dddd:bb:dd.f ` or `ddddd:bb:dd.f `: the address and where the title starts.
    /// A line shaped like a device line (`bb:dd.f `, with the colons and dot in place) whose
    /// address is not valid hex or out of range is an error naming it: skipping it would give
    /// its hex lines to the function before.
    func deviceLine(_ line: UnsafeBufferPointer<UInt8>, number: Int) throws(DumpError) -> (PCIAddress, Int)? {
        var shaped: Int?
        for domainDigits in [0, 4, 5] {
            let prefix = domainDigits == 0 ? 0 : domainDigits + 1
            let length = prefix + 7
            guard line.count >= length else { continue }
            if line.count > length && line[length] != 0x20 { continue }
            if domainDigits > 0 && line[domainDigits] != 0x3A { continue }
            guard line[prefix + 2] == 0x3A, line[prefix + 5] == 0x2E else { continue }
            shaped = length
            guard let bus = hexValue(line, prefix, 2), let device = hexValue(line, prefix + 3, 2),
                let function = hexValue(line, prefix + 6, 1)
            else { continue }
            let domain = domainDigits == 0 ? 0 : (hexValue(line, 0, domainDigits) ?? -1)
            guard domain >= 0, let address = PCIAddress(domain: domain, bus: bus, device: device, function: function)
            else { break }
            return (address, min(length + 1, line.count))
        }
        guard let shaped else { return nil }
        throw DumpError(
            file: file, line: number,
            problem: .invalidAddress(Self.text(UnsafeBufferPointer(rebasing: line[..<shaped]))))
    }

    /// `##: ` to `########: `: the offset and where the bytes start.
    func hexLineOffset(_ line: UnsafeBufferPointer<UInt8>) -> (Int, Int)? {
        var digits = 0
        var value = 0
        while digits < line.count, digits <= 8, let digit = Self.nibble(line[digits]) {
            value = value << 4 | digit
            digits += 1
        }
        guard (2...8).contains(digits), digits + 1 < line.count, line[digits] == 0x3A, line[digits + 1] == 0x20 else {
            return nil
        }
        return (value, digits + 2)
    }

    /// Reads a hex line's bytes. A malformed line loses only its own bytes: they stay
    /// unread (unless another line holds them) and a diagnostic names the line and column.
    mutating func hexBytes(_ text: UnsafeBufferPointer<UInt8>, from start: Int, offset: Int, number: Int)
        throws(DumpError)
    {
        // A line at or past 0x1000 is past the space whatever it holds (even nothing).
        guard offset < ConfigSpace.extendedSize else {
            throw DumpError(file: file, line: number, problem: .offsetPastConfigSpace(offset))
        }
        var position = start
        var count = 0
        let length = text.count
        while position + 1 < length, let high = Self.nibble(text[position]), let low = Self.nibble(text[position + 1]),
            position + 2 == length || text[position + 2] == 0x20
        {
            guard offset + count < ConfigSpace.extendedSize else {
                throw DumpError(file: file, line: number, problem: .offsetPastConfigSpace(offset + count))
            }
            line[count] = UInt8(high << 4 | low)
            count += 1
            position += 2
            if position < length { position += 1 }
        }
        guard position >= length else {
            // The bytes the line meant to hold: one per space-separated word after the offset.
            var words = 0
            var inWord = false
            for index in start..<length {
                let isSpace = text[index] == 0x20 || text[index] == 0x09
                if !isSpace && !inWord { words += 1 }
                inWord = !isSpace
            }
            let range = ConfigRange(
                min(offset, ConfigSpace.extendedSize),
                length: min(max(words, 1), ConfigSpace.extendedSize - min(offset, ConfigSpace.extendedSize)))
            malformed.append(
                (
                    Diagnostic(.malformedHexLine(line: number, column: position + 1, range: range), at: range.start),
                    range
                ))
            if range.end.rawValue > highest { highest = range.end.rawValue }
            return
        }
        for index in 0..<count {
            bytes[offset + index] = line[index]
            present[offset + index] = true
        }
        if offset + count > highest { highest = offset + count }
    }

    /// Tells the last function about hex lines that came after it outside any device.
    mutating func noteStrayLines() {
        guard let stray = strayLines, !functions.isEmpty else { return }
        functions[functions.count - 1].diagnostics.append(
            Diagnostic(.hexLinesOutsideDevice(firstLine: stray.first, count: stray.count)))
        strayLines = nil
    }

    /// Ends the function being filled: its bytes, with every range no line held unreadable.
    /// A device line without any hex line (lspci -vvv text) holds no function.
    mutating func finishFunction() {
        guard let address else { return }
        guard highest > 0 || !malformed.isEmpty else {
            self.address = nil
            return
        }
        var diagnostics = malformed.map(\.diagnostic)
        // Bytes end at the last one read: a malformed last line is past them, not a hole, so
        // the text written back reads back the same.
        while highest > 0 && !present[highest - 1] {
            bytes[highest - 1] = 0
            highest -= 1
        }
        var holes = [ConfigRange]()
        var index = 0
        while index < highest {
            guard !present[index] else {
                index += 1
                continue
            }
            var end = index
            while end < highest && !present[end] {
                bytes[end] = 0
                end += 1
            }
            let hole = ConfigRange(index, length: end - index)
            holes.append(hole)
            // The parts of the hole no malformed line explains are missing lines.
            var cursor = index
            for explained in malformed.map(\.range).sorted(by: { $0.start < $1.start }) where explained.overlaps(hole) {
                if explained.start.rawValue > cursor {
                    diagnostics.append(
                        Diagnostic(
                            .missingBytes(ConfigRange(cursor, length: explained.start.rawValue - cursor)), at: cursor))
                }
                cursor = max(cursor, explained.end.rawValue)
            }
            if cursor < end {
                diagnostics.append(Diagnostic(.missingBytes(ConfigRange(cursor, length: end - cursor)), at: cursor))
            }
            index = end
        }
        let space = ConfigSpace(bytes: Array(UnsafeBufferPointer(rebasing: bytes[0..<highest])), unreadable: holes)
        functions.append(
            DumpedFunction(address: address, space: space, title: title, line: headerLine, diagnostics: diagnostics))
        for index in 0..<highest { present[index] = false }
        highest = 0
        malformed = []
        self.address = nil
    }

    func hexValue(_ line: UnsafeBufferPointer<UInt8>, _ start: Int, _ length: Int) -> Int? {
        var value = 0
        for index in start..<(start + length) {
            guard let digit = Self.nibble(line[index]) else { return nil }
            value = value << 4 | digit
        }
        return value
    }

    /// A title's text: UTF-8 when it is valid UTF-8, otherwise Latin-1 (each byte one character),
    /// as pci.ids-derived titles from older tools are.
    static func text(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        if let utf8 = String(validating: bytes, as: UTF8.self) { return utf8 }
        var result = ""
        result.unicodeScalars.append(contentsOf: bytes.map { Unicode.Scalar($0) })
        return result
    }

    @inline(__always)
    static func nibble(_ byte: UInt8) -> Int? {
        switch byte {
        case 0x30...0x39: Int(byte - 0x30)
        case 0x41...0x46: Int(byte - 0x37)
        case 0x61...0x66: Int(byte - 0x57)
        default: nil
        }
    }
}
