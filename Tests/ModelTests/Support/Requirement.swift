import Foundation
import Testing

/// What an oracle test needs from the machine, and the one rule for when it is missing.
///
/// Outside CI such a test is reported as skipped, naming what is missing. Under CI=true
/// (`.ci/run`: `make test` with the corpus and pciutils installed) it runs and `check` fails
/// it, naming what is missing, so an oracle cannot silently drop out. Use both:
/// `@Test(.requires(.corpus, .lspci))` and `try Requirement.check(.corpus, .lspci)` as the
/// test's first line.
enum Requirement: Sendable, CustomStringConvertible {
    /// ../shared/corpus, the public dump corpus next to the package.
    case corpus
    case lspci
    case setpci

    static let lspciPath = "/usr/bin/lspci"
    static let setpciPath = "/usr/bin/setpci"

    static var isCI: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }

    var isMet: Bool {
        switch self {
        case .corpus: FileManager.default.fileExists(atPath: Corpus.root.path)
        case .lspci: FileManager.default.isExecutableFile(atPath: Self.lspciPath)
        case .setpci: FileManager.default.isExecutableFile(atPath: Self.setpciPath)
        }
    }

    var description: String {
        switch self {
        case .corpus: "../shared/corpus (\(Corpus.root.path))"
        case .lspci: "\(Self.lspciPath) (Debian package pciutils)"
        case .setpci: "\(Self.setpciPath) (Debian package pciutils)"
        }
    }

    static func missing(_ requirements: [Requirement]) -> String {
        requirements.filter { !$0.isMet }.map(\.description).joined(separator: ", ")
    }

    /// Fails and stops the test when a requirement is missing. Only reachable then under CI=true,
    /// since `.requires` skips the test otherwise.
    static func check(_ requirements: Requirement..., sourceLocation: SourceLocation = #_sourceLocation) throws {
        let missing = Self.missing(requirements)
        try #require(
            missing.isEmpty, "missing: \(missing); with CI=true an oracle test must run, so this is a failure",
            sourceLocation: sourceLocation)
    }
}

extension Trait where Self == ConditionTrait {
    /// Enabled when every requirement is met, or under CI=true (where `Requirement.check` then
    /// fails the test); otherwise skipped, naming what is missing.
    static func requires(_ requirements: Requirement..., sourceLocation: SourceLocation = #_sourceLocation) -> Self {
        let missing = Requirement.missing(requirements)
        return .enabled(
            if: missing.isEmpty || Requirement.isCI,
            "missing: \(missing) (with CI=true this is a failure, not a skip)", sourceLocation: sourceLocation)
    }
}
