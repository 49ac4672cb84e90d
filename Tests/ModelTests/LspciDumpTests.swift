import Testing

@testable import Model

@Suite struct LspciDumpTests {
    static func parse(_ text: String) throws(DumpError) -> [DumpedFunction] {
        try LspciDump.parse(Array(text.utf8), file: "test.txt")
    }

    @Test func readsDevicesOfEveryAddressFormAndIgnoresVerboseLines() throws {
        let functions = try Self.parse(
            """
            00:1f.3 SMBus: Intel Corporation Device 2930
            \tSubsystem: whatever
            00: 86 80 30 29 00 00 00 00 02 00 05 0c 00 00 00 00

            0001:3a:00.1 Ethernet controller: thing\r
            00: 86 80 72 15 00 00 00 00 02 00 05 0c 00 00 00 00\r
            10: 00 00\r

            10000:00:02.0 VMD-style domain
            00: ff ff ff ff
            """)
        #expect(functions.map(\.address.description) == ["0000:00:1f.3", "0001:3a:00.1", "10000:00:02.0"])
        #expect(functions.map(\.space.readableLength) == [16, 18, 4])
        #expect(functions.map(\.line) == [1, 5, 9])
        #expect(functions[0].title == "SMBus: Intel Corporation Device 2930")
        #expect(functions[1].space.word(at: 2) == 0x1572)
    }

    @Test func hexLinesOfFourKiBAndThreeDigitOffsets() throws {
        var text = "00:00.0 x\n"
        for offset in stride(from: 0, to: 4096, by: 16) {
            text += (offset < 256 ? String(format2(offset)) : String(offset, radix: 16)) + ":"
            for index in 0..<16 { text += " " + hex2((offset + index) & 0xFF) }
            text += "\n"
        }
        let function = try #require(try Self.parse(text).first)
        #expect(function.space.readableLength == 4096)
        #expect(function.space.byte(at: 0xFFF) == 0xFF)
        #expect(function.space.byte(at: 0x123) == 0x23)
    }

    private func format2(_ value: Int) -> String { hex2(value) }
    private func hex2(_ value: Int) -> String {
        let text = String(value, radix: 16)
        return text.count == 1 ? "0" + text : text
    }

    @Test(arguments: [
        ("00:00.0 x\n00: 86 80 zz 00\n", 2, 11, 4),
        ("00:00.0 x\n00: 86  80\n", 2, 8, 2),
        ("00:00.0 x\n00: 86 80 1\n", 2, 11, 3),
        ("00:00.0 x\n00: 86 80 trailing\n", 2, 11, 3),
    ])
    func aMalformedHexLineLosesOnlyItsOwnBytes(text: String, line: Int, column: Int, length: Int) throws {
        let function = try #require(try Self.parse(text + "10: 01 02 03 04\n").first)
        // The malformed line's bytes, and the rest of its row that no line holds.
        let hole = ConfigRange(0, length: length)
        #expect(
            function.diagnostics == [
                Diagnostic(.malformedHexLine(line: line, column: column, range: hole), at: 0),
                Diagnostic(.missingBytes(ConfigRange(length, length: 16 - length)), at: length),
            ])
        #expect(function.space.unreadable == [ConfigRange(0, length: 16)])
        #expect(function.space.byte(at: 0) == nil)
        #expect(function.space.dword(at: 0x10) == 0x0403_0201)
        #expect(function.space.readableLength == 0x14)
    }

    @Test func aMissingRowOfAFourKiBDumpLosesOnlyThatRow() throws {
        let bytes = (0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 13 &+ 1) }
        let address = try #require(PCIAddress(parsing: "0000:3b:00.1"))
        var text = LspciDump.write([(address, "x", ConfigSpace(bytes: bytes))])
        // Drop the row at 0x40.
        let lines = String(decoding: text, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        text = Array(lines.filter { !$0.hasPrefix("40:") }.joined(separator: "\n").utf8)
        let function = try #require(try LspciDump.parse(text, file: "x").first)
        #expect(function.space.readableLength == 4096)
        #expect(function.space.readByteCount == 4096 - 16)
        #expect(function.space.unreadable == [ConfigRange(0x40, length: 16)])
        #expect(function.diagnostics == [Diagnostic(.missingBytes(ConfigRange(0x40, length: 16)), at: 0x40)])
        #expect(function.space.byte(at: 0x3F) == bytes[0x3F])
        #expect(function.space.byte(at: 0x40) == nil)
        #expect(function.space.dword(at: 0x3E) == nil)
        #expect(function.space.byte(at: 0xFFF) == bytes[0xFFF])
        // Written back, every byte read is there and the hole stays a hole.
        let rewritten = LspciDump.write([(address, "x", function.space)])
        #expect(rewritten == text)
        let again = try #require(try LspciDump.parse(rewritten, file: "y").first)
        #expect(again.space == function.space)
    }

    @Test func aMalformedLastLineEndsTheBytesAndTheTextReadsBackTheSame() throws {
        let function = try #require(try Self.parse("00:00.0 x\n00: 01 02 03 04\n10: 01 02 0\n").first)
        #expect(function.space.readableLength == 4)
        #expect(function.space.unreadable.isEmpty)
        #expect(
            function.diagnostics.map(\.kind) == [
                .malformedHexLine(line: 3, column: 11, range: ConfigRange(0x10, length: 3))
            ])
        let text = LspciDump.write([(function.address, "x", function.space)])
        #expect(try LspciDump.parse(text, file: "y").first?.space == function.space)
    }

    @Test func aDeviceLineWithABadAddressIsAnErrorNotSkipped() {
        #expect(throws: DumpError(file: "test.txt", line: 3, problem: .invalidAddress("0000:0g:00.0"))) {
            try Self.parse("00:00.0 a\n00: 01 02\n0000:0g:00.0 Broken\n00: 03 04\n")
        }
        #expect(throws: DumpError(file: "test.txt", line: 1, problem: .invalidAddress("zz:00.0"))) {
            try Self.parse("zz:00.0 x\n00: 01\n")
        }
    }

    @Test func hexLinesAfterABlankLineAreNamedOnTheFunctionBefore() throws {
        let functions = try Self.parse("00:00.0 a\n00: 01 02 03 04\n\n10: 05 06\n20: 07\n\n00:01.0 b\n00: 01\n")
        #expect(functions.count == 2)
        #expect(functions[0].space.readableLength == 4)
        #expect(functions[0].diagnostics.map(\.kind) == [.hexLinesOutsideDevice(firstLine: 4, count: 2)])
        #expect(functions[1].diagnostics.isEmpty)
    }

    @Test func deviceLinesWithoutHexLinesHoldNoFunction() throws {
        #expect(throws: DumpError(file: "t", problem: .noFunctions)) {
            try LspciDump.read(Array("00:00.0 Host bridge\n\tControl: I/O+\n\n00:01.0 x\n".utf8), file: "t")
        }
        let functions = try Self.parse("00:00.0 a\n\n00:01.0 b\n00: 01\n")
        #expect(functions.map(\.address.description) == ["0000:00:01.0"])
    }

    @Test func aFileOfEndlessDeviceLinesStopsAtTheFunctionLimit() {
        let text = String(repeating: "00:00.0 x\n00: 01\n", count: LspciDump.functionLimit + 1)
        #expect(
            throws: DumpError(
                file: "test.txt", line: 2 * LspciDump.functionLimit + 1,
                problem: .tooManyFunctions(LspciDump.functionLimit))
        ) { try Self.parse(text) }
    }

    @Test func holesAreZeroedAndDoNotLeakIntoTheNextFunction() throws {
        let functions = try Self.parse("00:00.0 a\n00: 11 22 33 44\n04: aa bb\n\n00:01.0 b\n00: 01\n04: zz\n08: 02\n")
        #expect(functions.count == 2)
        #expect(functions[1].space.bytes == [0x01, 0, 0, 0, 0, 0, 0, 0, 0x02])
        #expect(functions[1].space.unreadable == [ConfigRange(1, length: 7)])
        #expect(
            functions[1].diagnostics.map(\.kind) == [
                .malformedHexLine(line: 7, column: 5, range: ConfigRange(4, length: 1)),
                .missingBytes(ConfigRange(1, length: 3)), .missingBytes(ConfigRange(5, length: 3)),
            ])
    }

    @Test func textIsDecidedOnTheWholeContent() throws {
        let row = " 86 80 30 29 00 00 00 00 02 00 05 0c 00 00 00 00"
        // A UTF-8 BOM, CRLF line ends, a UTF-8 title and a Latin-1 one are all text.
        var bytes: [UInt8] =
            [0xEF, 0xBB, 0xBF] + Array("00:1f.3 Gesellschaft f".utf8) + [0xC3, 0xBC] + Array("r\r\n".utf8)
        bytes += Array("00:\(row)\r\n\r\n01:00.0 M".utf8) + [0xFC] + Array("ller\n00:\(row)\n".utf8)
        let functions = try LspciDump.read(bytes, file: "t")
        #expect(functions.map(\.address.description) == ["0000:00:1f.3", "0000:01:00.0"])
        #expect(functions[0].title == "Gesellschaft für")
        #expect(functions[1].title == "Müller")
        #expect(functions.allSatisfy { $0.space.readableLength == 16 && $0.diagnostics.isEmpty })
    }

    @Test func binaryConfigFilesHoldSixtyFourToFourKiBBytes() throws {
        for size in [1, 63] {
            #expect(throws: DumpError(file: "b", problem: .binaryTooSmall(size))) {
                try LspciDump.read([0x86] + [UInt8](repeating: 0, count: size - 1), file: "b")
            }
        }
        for size in [64, 256, 4096] {
            let functions = try LspciDump.read([0x86] + [UInt8](repeating: 0, count: size - 1), file: "b")
            #expect(functions.first?.space.readableLength == size)
        }
        // Text without functions stays a text error, not a binary one.
        #expect(throws: DumpError(file: "t", problem: .noFunctions)) {
            try LspciDump.read(Array("just some words\nand more\n".utf8), file: "t")
        }
        // All-ones binary (an absent function) is binary, whatever its bytes look like.
        let absent = try LspciDump.read([UInt8](repeating: 0xFF, count: 256), file: "b")
        #expect(absent.first?.space.readableLength == 256)
    }

    @Test func bytesPast4096AreAnError() {
        #expect(throws: DumpError(file: "test.txt", line: 2, problem: .offsetPastConfigSpace(4096))) {
            try Self.parse("00:00.0 x\nff8: 00 00 00 00 00 00 00 00 00 00\n")
        }
    }

    @Test func outOfRangeAddressesAreAnError() {
        #expect(throws: DumpError(file: "test.txt", line: 1, problem: .invalidAddress("00:20.0"))) {
            try Self.parse("00:20.0 x\n00: 00\n")
        }
        #expect(throws: DumpError(file: "test.txt", line: 1, problem: .invalidAddress("00:1f.8"))) {
            try Self.parse("00:1f.8 x\n00: 00\n")
        }
    }

    @Test func textWithoutDevicesIsAnError() {
        #expect(throws: DumpError(file: "test.txt", problem: .noFunctions)) {
            try Self.parse("hello\n00: 86 80\n")
        }
        #expect(throws: DumpError(file: "f", problem: .empty)) { try LspciDump.read([], file: "f") }
    }

    @Test func aHoleIsUnreadableAndTheBytesAfterItStillCount() throws {
        let function = try #require(try Self.parse("00:00.0 x\n00: 86 80 00 00\n20: 01 02\n").first)
        #expect(function.space.readableLength == 0x22)
        #expect(function.space.unreadable == [ConfigRange(4, length: 0x1C)])
        #expect(function.space.word(at: 0x20) == 0x0201)
        #expect(function.diagnostics == [Diagnostic(.missingBytes(ConfigRange(4, length: 0x1C)), at: 4)])
    }

    @Test func binaryConfigFilesAreRecognisedAndAddressedFromThePath() throws {
        let bytes: [UInt8] = [0x86, 0x80, 0x72, 0x15] + [UInt8](repeating: 0, count: 60)
        let functions = try LspciDump.read(bytes, file: "/sys/bus/pci/devices/0000:3b:00.1/config")
        #expect(functions.map(\.address.description) == ["0000:3b:00.1"])
        #expect(functions.first?.space.readableLength == 64)
        #expect(throws: DumpError(file: "big", problem: .binaryTooLarge(5000))) {
            try LspciDump.read([0x86] + [UInt8](repeating: 0, count: 4999), file: "big")
        }
    }

    @Test func writingAndReadingBackGivesTheSameBytes() throws {
        for size in [1, 64, 100, 256, 0x130, 4096] {
            let bytes = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 7) }
            let address = try #require(PCIAddress(parsing: "0002:03:04.5"))
            let text = LspciDump.write([(address, "title", ConfigSpace(bytes: bytes))])
            let function = try #require(try LspciDump.parse(text, file: "x").first)
            #expect(function.address == address)
            #expect(function.space.bytes == bytes)
        }
    }
}
