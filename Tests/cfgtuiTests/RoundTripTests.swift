import Foundation
import Testing

/// `cfgtui show --hex` writes `lspci -xxxx` text that `lspci -F` reads back byte for byte.
@Suite(.serialized) struct RoundTripTests {
    /// The hex lines lspci prints for each function, keyed by address.
    static func hexByFunction(_ text: String) -> [String: [String]] {
        var result = [String: [String]]()
        var current: String?
        for line in text.split(separator: "\n") {
            if let first = line.first, first.isHexDigit, let space = line.firstIndex(of: " "),
                line[..<space].contains(".")
            {
                current = String(line[..<space])
                result[current ?? ""] = []
            } else if let current, line.count > 3, line.contains(": ") {
                result[current, default: []].append(String(line))
            }
        }
        return result
    }

    static func roundTrip(_ file: URL) throws -> (original: [String: [String]], again: [String: [String]])? {
        let original = try Tooling.run(Tooling.lspciPath, ["-D", "-F", file.path, "-xxxx"])
        guard let hex = try Tooling.runCfgtui(["show", "--hex", "-F", file.path]) else { return nil }
        #expect(hex.status == 0, "\(hex.stderr)")
        let copy = FileManager.default.temporaryDirectory.appendingPathComponent(
            "cfgtui-roundtrip-\(UUID().uuidString).txt")
        try hex.stdout.write(to: copy)
        defer { try? FileManager.default.removeItem(at: copy) }
        let again = try Tooling.run(Tooling.lspciPath, ["-D", "-F", copy.path, "-xxxx"])
        #expect(
            again.status == 0, "lspci rejected cfgtui's --hex output for \(file.lastPathComponent): \(again.stderr)")
        return (hexByFunction(original.text), hexByFunction(again.text))
    }

    @Test(.requires(.corpus, .lspci)) func everyCorpusDumpSurvivesTheRoundTripThroughLspci() throws {
        try Requirement.check(.corpus, .lspci)
        var compared = 0
        for file in Tooling.corpusDumps {
            guard let result = try Self.roundTrip(file) else { return }
            #expect(result.original == result.again, "\(file.lastPathComponent) changed in the round trip")
            #expect(!result.original.isEmpty)
            compared += result.original.count
        }
        #expect(compared >= 300)
    }

    @Test func binaryConfigFilesRoundTripToTheSameBytes() throws {
        for size in [64, 256, 0x180, 4096] {
            let bytes = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
                "cfgtui-bin-\(UUID().uuidString)/0000:05:00.1")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let file = directory.appendingPathComponent("config")
            try Data(bytes).write(to: file)
            defer { try? FileManager.default.removeItem(at: directory.deletingLastPathComponent()) }
            guard let hex = try Tooling.runCfgtui(["show", "--hex", "-F", file.path]) else { return }
            #expect(hex.status == 0, "\(hex.stderr)")
            #expect(hex.text.hasPrefix("0000:05:00.1 "), "the address comes from the sysfs-style path")
            let parsed = Self.hexByFunction(hex.text)["0000:05:00.1"] ?? []
            let values = parsed.flatMap { line in
                line.split(separator: " ").dropFirst().compactMap { UInt8($0, radix: 16) }
            }
            #expect(values == bytes)
        }
    }

    @Test(.requires(.lspci, .root, .pciSysfs)) func liveDevicesSurviveTheRoundTrip() throws {
        try Requirement.check(.lspci, .root, .pciSysfs)
        let live = try Tooling.run(Tooling.lspciPath, ["-D", "-xxxx"])
        guard let hex = try Tooling.runCfgtui(["show", "--hex"]) else { return }
        let copy = FileManager.default.temporaryDirectory.appendingPathComponent("cfgtui-live-\(UUID().uuidString).txt")
        try hex.stdout.write(to: copy)
        defer { try? FileManager.default.removeItem(at: copy) }
        let again = try Tooling.run(Tooling.lspciPath, ["-D", "-F", copy.path, "-xxxx"])
        let expected = Self.hexByFunction(live.text)
        #expect(!expected.isEmpty)
        #expect(expected == Self.hexByFunction(again.text))
    }
}
