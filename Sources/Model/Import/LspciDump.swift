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
    /// Parses dump text or, when the content is not text, a binary config file.
    public static func read(_ bytes: [UInt8], file: String) throws(DumpError) -> [DumpedFunction] {
        guard !bytes.isEmpty else { throw DumpError(file: file, problem: .empty) }
        if isBinary(bytes) {
            guard bytes.count <= ConfigSpace.extendedSize else {
                throw DumpError(file: file, problem: .binaryTooLarge(bytes.count))
            }
            let address = addressInPath(file) ?? PCIAddress(domain: 0, bus: 0, device: 0, function: 0)
            guard let address else { throw DumpError(file: file, problem: .noFunctions) }
            return [DumpedFunction(address: address, space: ConfigSpace(bytes: bytes), title: "", line: 0)]
        }
        return try parse(bytes, file: file)
    }

    /// Whether the content is a binary config file rather than dump text: text dumps hold only
    /// printable ASCII, tabs and line ends.
    public static func isBinary(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBufferPointer { buffer in
            for byte in buffer.prefix(ConfigSpace.extendedSize) {
                if byte >= 0x20 && byte < 0x7F { continue }
                if byte == 0x0A || byte == 0x0D || byte == 0x09 { continue }
                return true
            }
            return false
        }
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
        // Scratch storage for the function being filled, allocated once for the whole file.
        let scratch = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: ConfigSpace.extendedSize)
        let present = UnsafeMutableBufferPointer<Bool>.allocate(capacity: ConfigSpace.extendedSize)
        scratch.initialize(repeating: 0)
        present.initialize(repeating: false)
        defer {
            scratch.deallocate()
            present.deallocate()
        }
        var parser = Parser(file: file, bytes: scratch, present: present)
        let result: Result<Void, DumpError> = bytes.withUnsafeBufferPointer { buffer in
            var lineStart = 0
            var lineNumber = 0
            let count = buffer.count
            while lineStart < count {
                var lineEnd = lineStart
                while lineEnd < count && buffer[lineEnd] != 0x0A { lineEnd += 1 }
                lineNumber += 1
                var contentEnd = lineEnd
                if contentEnd > lineStart && buffer[contentEnd - 1] == 0x0D { contentEnd -= 1 }
                do throws(DumpError) {
                    try parser.consume(UnsafeBufferPointer(rebasing: buffer[lineStart..<contentEnd]), line: lineNumber)
                } catch {
                    return .failure(error)
                }
                lineStart = lineEnd + 1
            }
            return .success(())
        }
        if case .failure(let error) = result { throw error }
        parser.finishFunction()
        guard !parser.functions.isEmpty else { throw DumpError(file: file, problem: .noFunctions) }
        return parser.functions
    }

    // MARK: - Writing

    /// The `lspci -xxxx` text for functions: a device line, the readable bytes 16 per line,
    /// and an empty line. `lspci -F` reads it back byte for byte.
    public static func write(_ functions: [(address: PCIAddress, title: String, space: ConfigSpace)]) -> [UInt8] {
        var output = [UInt8]()
        output.reserveCapacity(
            functions.reduce(0) { $0 + $1.space.readableLength * 3 + $1.space.readableLength / 16 * 6 + 80 })
        for function in functions {
            output.append(contentsOf: function.address.description.utf8)
            output.append(0x20)
            output.append(contentsOf: function.title.utf8)
            output.append(0x0A)
            appendHexLines(function.space.bytes, to: &output)
            output.append(0x0A)
        }
        return output
    }

    /// Appends `bytes` as lspci hex lines (`00: 86 80 ...`).
    public static func appendHexLines(_ bytes: [UInt8], to output: inout [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            if offset >= 0x100 { output.append(hexDigit(offset >> 8)) }
            output.append(hexDigit(offset >> 4))
            output.append(hexDigit(offset))
            output.append(0x3A)
            for index in offset..<min(offset + 16, bytes.count) {
                output.append(0x20)
                output.append(hexDigit(Int(bytes[index]) >> 4))
                output.append(hexDigit(Int(bytes[index])))
            }
            output.append(0x0A)
            offset += 16
        }
    }

    private static func hexDigit(_ value: Int) -> UInt8 {
        let nibble = UInt8(value & 0xF)
        return nibble < 10 ? 0x30 + nibble : 0x57 + nibble
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
    var highest = 0

    init(file: String, bytes: UnsafeMutableBufferPointer<UInt8>, present: UnsafeMutableBufferPointer<Bool>) {
        self.file = file
        self.bytes = bytes
        self.present = present
    }

    mutating func consume(_ line: UnsafeBufferPointer<UInt8>, line number: Int) throws(DumpError) {
        if line.isEmpty {
            finishFunction()
            return
        }
        if let (parsed, titleStart) = try deviceLine(line, number: number) {
            finishFunction()
            address = parsed
            headerLine = number
            title =
                titleStart < line.count
                ? String(decoding: UnsafeBufferPointer(rebasing: line[titleStart...]), as: UTF8.self) : ""
            return
        }
        guard let (offset, dataStart) = hexLineOffset(line) else { return }
        guard address != nil else { return }  // lspci ignores hex lines outside a device
        try hexBytes(line, from: dataStart, offset: offset, number: number)
    }

    /// `bb:dd.f `, `dddd:bb:dd.f ` or `ddddd:bb:dd.f `: the address and where the title starts.
    func deviceLine(_ line: UnsafeBufferPointer<UInt8>, number: Int) throws(DumpError) -> (PCIAddress, Int)? {
        for domainDigits in [0, 4, 5] {
            let prefix = domainDigits == 0 ? 0 : domainDigits + 1
            let length = prefix + 7
            guard line.count >= length else { continue }
            if line.count > length && line[length] != 0x20 { continue }
            if domainDigits > 0 && line[domainDigits] != 0x3A { continue }
            guard line[prefix + 2] == 0x3A, line[prefix + 5] == 0x2E,
                let bus = hexValue(line, prefix, 2), let device = hexValue(line, prefix + 3, 2),
                let function = hexValue(line, prefix + 6, 1)
            else { continue }
            let domain = domainDigits == 0 ? 0 : (hexValue(line, 0, domainDigits) ?? -1)
            guard domain >= 0 else { continue }
            guard let address = PCIAddress(domain: domain, bus: bus, device: device, function: function) else {
                throw DumpError(
                    file: file, line: number,
                    problem: .invalidAddress(
                        String(decoding: UnsafeBufferPointer(rebasing: line[..<length]), as: UTF8.self)))
            }
            return (address, min(length + 1, line.count))
        }
        return nil
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

    mutating func hexBytes(_ line: UnsafeBufferPointer<UInt8>, from start: Int, offset: Int, number: Int)
        throws(DumpError)
    {
        var position = start
        var index = offset
        let count = line.count
        while position + 1 < count, let high = Self.nibble(line[position]), let low = Self.nibble(line[position + 1]),
            position + 2 == count || line[position + 2] == 0x20
        {
            guard index < ConfigSpace.extendedSize else {
                throw DumpError(file: file, line: number, problem: .offsetPastConfigSpace(index))
            }
            bytes[index] = UInt8(high << 4 | low)
            present[index] = true
            index += 1
            position += 2
            if position < count { position += 1 }
        }
        if index > highest { highest = index }
        guard position >= count else {
            throw DumpError(file: file, line: number, problem: .malformedHexLine(column: position + 1))
        }
    }

    mutating func finishFunction() {
        guard let address else { return }
        var readable = 0
        while readable < highest && present[readable] { readable += 1 }
        var diagnostics = [Diagnostic]()
        if readable < highest {
            var holeEnd = readable
            while holeEnd < highest && !present[holeEnd] { holeEnd += 1 }
            diagnostics.append(
                Diagnostic(.missingBytes(ConfigRange(readable, length: holeEnd - readable)), at: readable))
        }
        let space = ConfigSpace(bytes: Array(UnsafeBufferPointer(rebasing: bytes[0..<readable])))
        functions.append(
            DumpedFunction(address: address, space: space, title: title, line: headerLine, diagnostics: diagnostics))
        for index in 0..<highest { present[index] = false }
        highest = 0
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
