import Foundation
import Testing

/// Running real programs from tests: the built cfgtui binary, lspci, tmux, QEMU. Whether they
/// (and the corpus) are there is `Requirement`'s business.
enum Tooling {
    struct Output {
        var status: Int32
        var stdout: Data
        var stderr: String
        var text: String { String(decoding: stdout, as: UTF8.self) }
    }

    /// The package root, from this file's path.
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// ../shared/corpus.
    static let corpus = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/corpus")

    /// The cfgtui binary next to the test bundle (SwiftPM builds it with the tests).
    static var cfgtui: URL? {
        var candidates = [URL]()
        if let executable = Bundle.main.executableURL {
            candidates.append(executable.deletingLastPathComponent().appendingPathComponent("cfgtui"))
        }
        for bundle in Bundle.allBundles {
            candidates.append(bundle.bundleURL.deletingLastPathComponent().appendingPathComponent("cfgtui"))
        }
        candidates.append(packageRoot.appendingPathComponent(".build/debug/cfgtui"))
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    static let lspciPath = "/usr/bin/lspci"
    static let tmuxPath = "/usr/bin/tmux"
    static let qemuPath = "/usr/bin/qemu-system-x86_64"
    static let stracePath = "/usr/bin/strace"
    /// The real kernel's vfio-pci in a throwaway guest (../shared/tools/vfio_oracle).
    static let vfioOraclePath = packageRoot.deletingLastPathComponent()
        .appendingPathComponent("shared/tools/vfio_oracle/vfio_oracle.py").path
    /// QEMU's vfio-pci in that guest, read through qtest (the project's own harness).
    static let qemuVfioOraclePath = packageRoot.appendingPathComponent("scripts/qemu_vfio_oracle.py").path
    /// Where it caches its initramfs (with the inner QEMU) between runs.
    static let qemuVfioOracleCache = URL(
        fileURLWithPath: ProcessInfo.processInfo.environment["QEMU_VFIO_ORACLE_CACHE"] ?? "/tmp/qemu-vfio-oracle/cache")
    /// Where it caches its initramfs between runs.
    static let vfioOracleCache = URL(
        fileURLWithPath: ProcessInfo.processInfo.environment["VFIO_ORACLE_CACHE"] ?? "/tmp/vfio-oracle/cache")

    /// The cfgtui binary; a test that runs it fails when it is not built (it is part of the
    /// package, not an oracle).
    static func requireCfgtui(sourceLocation: SourceLocation = #_sourceLocation) throws -> URL {
        try #require(cfgtui, "the cfgtui binary is not built next to the tests", sourceLocation: sourceLocation)
    }

    /// Runs a program; stdout goes through a temporary file so large outputs cannot block.
    static func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil) throws -> Output
    {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        let directory = FileManager.default.temporaryDirectory
        let outURL = directory.appendingPathComponent("cfgtui-test-\(UUID().uuidString).out")
        let errURL = directory.appendingPathComponent("cfgtui-test-\(UUID().uuidString).err")
        FileManager.default.createFile(atPath: outURL.path, contents: nil)
        FileManager.default.createFile(atPath: errURL.path, contents: nil)
        defer {
            try? FileManager.default.removeItem(at: outURL)
            try? FileManager.default.removeItem(at: errURL)
        }
        let outHandle = try FileHandle(forWritingTo: outURL)
        let errHandle = try FileHandle(forWritingTo: errURL)
        process.standardOutput = outHandle
        process.standardError = errHandle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try outHandle.close()
        try errHandle.close()
        return Output(
            status: process.terminationStatus, stdout: try Data(contentsOf: outURL),
            stderr: String(decoding: try Data(contentsOf: errURL), as: UTF8.self))
    }

    /// Runs cfgtui, or records an issue when it is not built.
    static func runCfgtui(_ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) throws -> Output? {
        guard let binary = cfgtui else {
            Issue.record("the cfgtui binary is not built next to the tests", sourceLocation: sourceLocation)
            return nil
        }
        return try run(binary.path, arguments)
    }

    /// Every dump file of the corpus.
    static var corpusDumps: [URL] {
        var files = [URL]()
        for folder in ["raw", "qemu"] {
            let directory = corpus.appendingPathComponent(folder)
            let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
            for name in names.sorted()
            where name.hasSuffix(".txt") && !name.hasSuffix(".lspci-vvv.txt") && !name.hasSuffix("-cmdline.txt") {
                files.append(directory.appendingPathComponent(name))
            }
        }
        return files
    }
}

/// What `lspci -vvv` says about each function: its capabilities and chain markers.
struct LspciListing {
    struct Capability: Hashable, CustomStringConvertible {
        var isExtended: Bool
        var offset: Int
        var version: Int?
        var description: String {
            (isExtended ? "ext" : "std") + "@" + String(offset, radix: 16) + (version.map { " v\($0)" } ?? "")
        }
    }

    struct Function {
        var address: String
        var capabilities: [Capability] = []
        var markers: [String] = []
    }

    var functions: [Function] = []

    /// Parses lspci -vvv output. Device lines start at column 0; capability lines look like
    /// "\tCapabilities: [40] ..." or "\tCapabilities: [100 v1] ...".
    init(_ text: String) {
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if let first = line.first, first != "\t", first != " ", let space = line.firstIndex(of: " ") {
                functions.append(Function(address: String(line[..<space])))
                continue
            }
            guard line.hasPrefix("\tCapabilities: "), !functions.isEmpty else { continue }
            let rest = line.dropFirst("\tCapabilities: ".count)
            guard rest.hasPrefix("["), let close = rest.firstIndex(of: "]") else {
                functions[functions.count - 1].markers.append(String(rest))
                continue
            }
            let inside = rest[rest.index(after: rest.startIndex)..<close]
            let after = rest[rest.index(after: close)...].trimmingCharacters(in: .whitespaces)
            if after.hasPrefix("<") {
                functions[functions.count - 1].markers.append(after)
                continue
            }
            let parts = inside.split(separator: " ")
            guard let offset = parts.first.flatMap({ Int($0, radix: 16) }) else { continue }
            let version = parts.count > 1 ? Int(parts[1].dropFirst()) : nil
            functions[functions.count - 1].capabilities.append(
                Capability(isExtended: parts[0].count == 3, offset: offset, version: version))
        }
    }
}

/// What `cfgtui show --json` / `list --json` says about each function.
struct CfgtuiListing {
    var devices: [[String: Any]]

    init(_ data: Data) throws {
        let object = try JSONSerialization.jsonObject(with: data)
        devices = ((object as? [String: Any])?["devices"] as? [[String: Any]]) ?? []
    }

    static func capabilities(of device: [String: Any]) -> [LspciListing.Capability] {
        let entries = device["capabilities"] as? [[String: Any]] ?? []
        return entries.map { entry in
            LspciListing.Capability(
                isExtended: (entry["space"] as? String) == "extended", offset: entry["offset"] as? Int ?? -1,
                version: (entry["space"] as? String) == "extended" ? entry["version"] as? Int : nil)
        }
    }

    static func diagnosticKinds(of device: [String: Any]) -> [String] {
        (device["diagnostics"] as? [[String: Any]] ?? []).compactMap { $0["kind"] as? String }
    }
}
