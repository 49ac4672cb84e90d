import Foundation
import Testing

@testable import cfgtui

/// `cfgtui --version`, and the one version the Swift constant and the `VERSION` file share.
@Suite struct VersionTests {
    /// The top-level `VERSION` file, without its newline.
    static func versionFile() throws -> String {
        let text = try String(contentsOf: Tooling.packageRoot.appendingPathComponent("VERSION"), encoding: .utf8)
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func versionFileMatchesTheConstant() throws {
        let file = try Self.versionFile()
        #expect(file == Version.current)
    }

    @Test func versionIsMajorMinorPatch() {
        let parts = Version.current.split(separator: ".", omittingEmptySubsequences: false)
        #expect(parts.count == 3, "\(Version.current)")
        #expect(parts.allSatisfy { !$0.isEmpty && $0.allSatisfy(\.isASCII) && Int($0) != nil }, "\(Version.current)")
    }

    @Test(arguments: [["--version"], ["plan", "--version"]])
    func versionOptionPrintsTheVersion(arguments: [String]) throws {
        guard let output = try Tooling.runCfgtui(arguments) else { return }
        #expect(output.status == 0, "\(output.stderr)")
        let expected = try Self.versionFile()
        #expect(output.text == expected + "\n")
        #expect(output.stderr.isEmpty)
    }
}
