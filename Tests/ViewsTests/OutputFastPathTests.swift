import Foundation
import Testing

@testable import Views

/// The word-at-a-time and run-copying fast paths give what the one-byte-at-a-time rules say:
/// checked on every position of a control byte in long printable runs (so each lands in every
/// lane of an eight-byte word), and JSON strings read back by Foundation's JSON parser.
@Suite struct OutputFastPathTests {
    /// The rule, a byte at a time: C0 controls but LF and tab, DEL, and C2 80-9F are unsafe.
    static func firstUnsafeByRule(_ bytes: [UInt8]) -> Int? {
        for (index, byte) in bytes.enumerated() {
            if byte == 0x0A || byte == 0x09 { continue }
            if byte < 0x20 || byte == 0x7F { return index }
            if byte == 0xC2, index + 1 < bytes.count, (0x80...0x9F).contains(bytes[index + 1]) { return index }
        }
        return nil
    }

    @Test func everyUnsafeByteIsFoundInEveryLane() {
        let unsafe: [[UInt8]] = [[0x1B], [0x07], [0x0D], [0x00], [0x7F], [0xC2, 0x9B], [0xC2, 0x80]]
        let harmless: [[UInt8]] = [[0x0A], [0x09], [0xC2, 0xA9], [0xC3, 0xBC], [0x7E], [0x20], [0xE2, 0x94, 0x80]]
        for length in [0, 1, 7, 8, 9, 15, 16, 17, 31, 40] {
            for position in 0...length {
                for inserted in unsafe + harmless {
                    var bytes = [UInt8](repeating: 0x61, count: length)
                    bytes.insert(contentsOf: inserted, at: position)
                    bytes += Array("tail text".utf8)
                    let expected = Self.firstUnsafeByRule(bytes)
                    let escaped = TerminalSafety.escapedReport(bytes)
                    #expect((escaped == nil) == (expected == nil), "\(inserted) at \(position) of \(length)")
                    if let escaped, let expected {
                        #expect(Array(escaped.prefix(expected)) == Array(bytes.prefix(expected)))
                        #expect(escaped[expected] == 0x5C, "\(inserted) at \(position): the escape starts there")
                    }
                }
            }
        }
    }

    @Test func jsonStringsReadBackAsWritten() throws {
        var samples = [String]()
        for value in 0..<0x300 {
            guard let scalar = Unicode.Scalar(value) else { continue }
            samples.append("a\(Character(scalar))b")
            samples.append(String(Character(scalar)))
        }
        samples += ["", "plain text of some length, no escapes at all", "\"quoted\" and \\back\\", "tab\there\nnew"]
        samples += ["ünïcode ✓ ──", "\u{1B}[31mred\u{1B}[0m", "c1 \u{9B}31m", "\u{7F}", "end\u{85}"]
        for sample in samples {
            var buffer = OutputBuffer()
            buffer.appendJSONString(sample)
            let object = try JSONSerialization.jsonObject(with: Data(buffer.bytes), options: [.fragmentsAllowed])
            #expect(object as? String == sample, "\(sample.unicodeScalars.map(\.value))")
            // Nothing a terminal would act on is left raw.
            #expect(TerminalSafety.escapedReport(buffer.bytes) == nil, "\(sample.unicodeScalars.map(\.value))")
        }
    }

    @Test(arguments: [0, 9, 10, 99, 100, 12_345, Int.max, -1, -10, Int.min])
    func decimalsMatchTheStandardLibrary(value: Int) {
        var buffer = OutputBuffer()
        buffer.appendDecimal(value)
        #expect(buffer.text == String(value))
    }
}
