import Foundation
import Model
import Testing

/// The public dump corpus at ../shared/corpus, read in place (never copied into the repository).
enum Corpus {
    /// The package root, found from this file's path.
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// ../shared/corpus next to the package root.
    static let root = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/corpus")

    /// Whether the corpus is present. Under CI (CI=true) its absence is a failure, not a skip.
    static var isAvailable: Bool { FileManager.default.fileExists(atPath: root.path) }

    static var isRequired: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }

    /// Every dump file (`*.txt` that is not lspci -vvv output, a command line or a manifest).
    static var dumpFiles: [URL] {
        var files = [URL]()
        for folder in ["raw", "qemu"] {
            let directory = root.appendingPathComponent(folder)
            let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
            for name in names.sorted()
            where name.hasSuffix(".txt") && !name.hasSuffix(".lspci-vvv.txt") && !name.hasSuffix("-cmdline.txt") {
                files.append(directory.appendingPathComponent(name))
            }
        }
        return files
    }

    /// Parses a corpus dump file.
    static func functions(in file: URL) throws -> [DumpedFunction] {
        let data = try Data(contentsOf: file)
        return try LspciDump.read([UInt8](data), file: file.lastPathComponent)
    }

    /// Records a failure when the corpus is required but missing. Returns whether it is present.
    static func check(sourceLocation: SourceLocation = #_sourceLocation) -> Bool {
        if isAvailable { return true }
        if isRequired {
            Issue.record(
                "../shared/corpus is missing and CI=true: the corpus tests cannot run", sourceLocation: sourceLocation)
        }
        return false
    }
}
