import Model
import Testing

@testable import Views

/// Control characters from input never reach the terminal raw: escaped in reports, `?` in
/// the explorer's cells.
@Suite struct TerminalSafetyTests {
    static let hostile = "dump\u{1B}]0;owned\u{07}\u{1B}[2J\u{9B}31m\r.txt"

    @Test func escapedWritesEveryControlCharacterVisibly() {
        #expect(TerminalSafety.escaped(Self.hostile) == "dump\\x1b]0;owned\\x07\\x1b[2J\\x9b31m\\x0d.txt")
        #expect(TerminalSafety.escaped("a\nb\tc\u{7F}") == "a\\x0ab\\x09c\\x7f")
        #expect(TerminalSafety.escaped("Gesellschaft für Technik") == "Gesellschaft für Technik")
    }

    @Test func reportsKeepLineFeedsAndTabsAndEscapeTheRest() throws {
        let report = Array("line one\n\tSource: \(Self.hostile)\n".utf8)
        let escaped = try #require(TerminalSafety.escapedReport(report))
        #expect(
            String(decoding: escaped, as: UTF8.self)
                == "line one\n\tSource: dump\\x1b]0;owned\\x07\\x1b[2J\\x9b31m\\x0d.txt\n")
        #expect(TerminalSafety.escapedReport(Array("plain, ünïcode\n".utf8)) == nil)
    }

    @Test func jsonStringsCarryNoControlCharacterRaw() {
        var buffer = OutputBuffer(capacity: 64)
        buffer.appendJSONString(Self.hostile + "\u{7F}")
        #expect(buffer.text == "\"dump\\u001b]0;owned\\u0007\\u001b[2J\\u009b31m\\r.txt\\u007f\"")
        #expect(TerminalSafety.escapedReport(buffer.bytes) == nil)
    }

    @Test func theExplorerDrawsNoControlCharacter() throws {
        var functions = Fixtures.demoFunctions
        for index in functions.indices { functions[index].origin = .dump(file: Self.hostile, line: 1) }
        let state = AppState(
            functions: functions, sourceDescription: Self.hostile, isLive: false, size: Size(width: 120, height: 40),
            glyphs: .unicode, preselect: functions.first?.address)
        let frame = AppView.frame(state)
        let scalars = frame.text.unicodeScalars.filter { $0 != "\n" }
        #expect(!scalars.contains { $0.value < 0x20 || ($0.value >= 0x7F && $0.value < 0xA0) })
        #expect(frame.text.contains("dump?]0;owned??[2J?31m?.txt"))
    }
}
