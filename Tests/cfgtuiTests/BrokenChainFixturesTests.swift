import Foundation
import Model
import Testing

/// The broken-chain fixtures as dump files: what the lspci oracle and the fuzzers read.
@Suite struct BrokenChainFixturesTests {
    /// Every fixture's dump text reads back as exactly its bytes, at its address. With
    /// `CFGTUI_FUZZ_FIXTURE_DIR` set (scripts/fuzz.sh does), the texts are also written there
    /// as seeds for the fuzz targets.
    @Test func dumpTextReadsBackAsTheFixtureBytes() throws {
        let fixtures = BrokenChainFixtures.all
        try #require(!fixtures.isEmpty)
        let directory = ProcessInfo.processInfo.environment["CFGTUI_FUZZ_FIXTURE_DIR"]
        if let directory {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        for fixture in fixtures {
            let text = fixture.dumpText
            let functions = try LspciDump.read(Array(text.utf8), file: fixture.name + ".txt")
            #expect(functions.count == 1, "\(fixture.name)")
            #expect(functions.first?.space.bytes == fixture.bytes, "\(fixture.name)")
            #expect(functions.first?.address.description == "0000:42:00.0", "\(fixture.name)")
            if let directory {
                try Data(text.utf8).write(to: URL(fileURLWithPath: directory + "/" + fixture.name + ".txt"))
            }
        }
    }
}
