import Foundation
import Model

/// The public dump corpus at ../shared/corpus, read in place (never copied into the repository).
/// Tests that read it carry `.requires(.corpus)`.
enum Corpus {
    /// The package root, found from this file's path.
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// ../shared/corpus next to the package root.
    static let root = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/corpus")

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
}
