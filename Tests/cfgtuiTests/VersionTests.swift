import Foundation
import Testing

@testable import cfgtui

/// `cfgtui --version`: `Version.current`, the one place the version is written (the package
/// scripts ask the binary for it).
@Suite struct VersionTests {
    @Test func noOtherVersionFile() {
        let stale = Tooling.packageRoot.appendingPathComponent("VERSION").path
        #expect(!FileManager.default.fileExists(atPath: stale), "VERSION would be a second place for the version")
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
        #expect(output.text == Version.current + "\n")
        #expect(output.stderr.isEmpty)
    }
}
