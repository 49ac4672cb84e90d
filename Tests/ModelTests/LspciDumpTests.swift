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
        ("00:00.0 x\n00: 86 80 zz 00\n", 2, 11),
        ("00:00.0 x\n00: 86  80\n", 2, 8),
        ("00:00.0 x\n00: 86 80 1\n", 2, 11),
        ("00:00.0 x\n00: 86 80 trailing\n", 2, 11),
    ])
    func malformedHexLinesNameTheLineAndColumn(text: String, line: Int, column: Int) {
        #expect(throws: DumpError(file: "test.txt", line: line, problem: .malformedHexLine(column: column))) {
            try Self.parse(text)
        }
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

    @Test func aHoleEndsTheReadableBytesAndIsReported() throws {
        let function = try #require(try Self.parse("00:00.0 x\n00: 86 80 00 00\n20: 01 02\n").first)
        #expect(function.space.readableLength == 4)
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
