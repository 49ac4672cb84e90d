import Foundation
import Testing

/// The commands as a script or a person uses them: output formats, errors, exit statuses.
@Suite(.serialized) struct CommandLineTests {
    /// Writes `text` to a fresh file; the caller removes it with `remove(_:)`.
    static func temporaryFile(_ text: String, name: String = "dump.txt") throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cfgtui-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let file = directory.appendingPathComponent(name)
        try Data(text.utf8).write(to: file)
        return file
    }

    static func remove(_ file: URL) { try? FileManager.default.removeItem(at: file.deletingLastPathComponent()) }

    static let healthyDump = """
        00:1f.3 SMBus: Intel Corporation Device 2930 (rev 02)
        00: 86 80 30 29 03 01 80 02 02 00 05 0c 00 00 00 00
        10: 04 10 00 fe 00 00 00 00 00 00 00 00 00 00 00 00
        20: 41 07 00 00 00 00 00 00 00 00 00 00 f4 1a 00 11
        30: 00 00 00 00 00 00 00 00 00 00 00 00 0a 01 00 00

        """

    @Test func aMalformedHexLineIsUnreadableInPlaceNamingLineAndColumn() throws {
        let file = try Self.temporaryFile(Self.healthyDump.replacingOccurrences(of: "10: 04 10", with: "10: 04 1g"))
        defer { Self.remove(file) }
        guard let output = try Tooling.runCfgtui(["show", "-F", file.path]) else { return }
        #expect(output.status == 0)
        #expect(output.text.contains("dump line 3 is malformed at column 8"), "\(output.text)")
        #expect(output.text.contains("0x010-0x01f is unreadable"), "\(output.text)")
        // The lines around it still count: the Subsystem IDs at 0x2c come from line 4.
        #expect(output.text.contains("[1af4:1100]") || output.text.contains("1af4"), "\(output.text)")
        guard let hex = try Tooling.runCfgtui(["show", "-F", file.path, "--hex"]) else { return }
        #expect(!hex.text.contains("\n10:") && hex.text.contains("\n20: 41 07"), "\(hex.text)")
    }

    @Test func fileWithoutFunctionsIsAnError() throws {
        let file = try Self.temporaryFile("hello\nworld\n")
        defer { Self.remove(file) }
        guard let output = try Tooling.runCfgtui(["list", "-F", file.path]) else { return }
        #expect(output.status == 1)
        #expect(output.stderr.contains("no functions found"))
    }

    @Test func missingFileIsAnError() throws {
        guard let output = try Tooling.runCfgtui(["list", "-F", "/nonexistent/cfgtui/dump.txt"]) else { return }
        #expect(output.status == 1)
        #expect(output.stderr.contains("/nonexistent/cfgtui/dump.txt: cannot read"))
    }

    @Test func selectionThatMatchesNothingExitsThree() throws {
        let file = try Self.temporaryFile(Self.healthyDump)
        defer { Self.remove(file) }
        guard let output = try Tooling.runCfgtui(["list", "-F", file.path, "-s", "03:00.0"]) else { return }
        #expect(output.status == 3)
        #expect(output.stderr.contains("no function matches -s 03:00.0"))
    }

    @Test(arguments: [
        ["list", "-s", "zz:00.0"], ["list", "-d", "8086"], ["show", "--json", "--hex"], ["list", "--demo", "-F", "x"],
    ])
    func usageErrorsExit64(arguments: [String]) throws {
        guard let output = try Tooling.runCfgtui(arguments) else { return }
        #expect(output.status == 64, "\(arguments): \(output.status) \(output.stderr)")
        #expect(output.stdout.isEmpty)
    }

    @Test func listJSONHasTheDocumentedKeysAsIntegers() throws {
        let file = try Self.temporaryFile(Self.healthyDump)
        defer { Self.remove(file) }
        guard let output = try Tooling.runCfgtui(["list", "--json", "-F", file.path]) else { return }
        #expect(output.status == 0)
        let listing = try CfgtuiListing(output.stdout)
        let device = try #require(listing.devices.first)
        #expect(device["address"] as? String == "0000:00:1f.3")
        #expect(device["vendorID"] as? Int == 0x8086)
        #expect(device["deviceID"] as? Int == 0x2930)
        #expect(device["classCode"] as? Int == 0x0C0500)
        #expect(device["headerType"] as? Int == 0)
        #expect(device["readableLength"] as? Int == 64)
        #expect(device["capabilities"] is [Any])
        #expect(device["diagnostics"] is [Any])
        #expect(device["gaps"] is [Any])
    }

    @Test func showJSONCarriesRegistersFieldsAndGaps() throws {
        let file = try Self.temporaryFile(
            Self.healthyDump.replacingOccurrences(of: "\n\n", with: "\n") + """
                40: 01 00 03 00 08 00 00 00 00 00 00 00 00 00 00 00
                50: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00

                """)
        defer { Self.remove(file) }
        guard let output = try Tooling.runCfgtui(["show", "--json", "-F", file.path]) else { return }
        #expect(output.status == 0, "\(output.stderr)")
        let device = try #require(try CfgtuiListing(output.stdout).devices.first)
        let header = try #require(device["header"] as? [String: Any])
        let registers = try #require(header["registers"] as? [[String: Any]])
        let command = try #require(registers.first { $0["name"] as? String == "Command" })
        #expect(command["offset"] as? Int == 4)
        #expect(command["value"] as? Int == 0x0103)
        let fields = try #require(command["fields"] as? [[String: Any]])
        let memory = try #require(fields.first { $0["name"] as? String == "Memory Space Enable" })
        #expect(memory["value"] as? Int == 1)
        #expect(memory["access"] as? String == "RW")
        let gaps = try #require(device["gaps"] as? [[String: Any]])
        #expect(gaps.first?["offset"] as? Int == 0x40)
        #expect(gaps.first?["nonZeroBytes"] as? Int == 3)
    }

    @Test(.requires(.root, .pciSysfs)) func unprivilegedReadIsShownAsPartialNotAsData() throws {
        try Requirement.check(.root, .pciSysfs)
        let binary = try Tooling.requireCfgtui()
        let output = try Tooling.run(
            "/usr/bin/setpriv", ["--reuid=nobody", "--regid=nogroup", "--clear-groups", binary.path, "list", "--json"])
        #expect(output.status == 0, "\(output.stderr)")
        let devices = try CfgtuiListing(output.stdout).devices
        #expect(!devices.isEmpty)
        for device in devices {
            #expect(device["readableLength"] as? Int == 64)
            #expect(device["needsRoot"] as? Bool == true)
        }
        let show = try Tooling.run(
            "/usr/bin/setpriv", ["--reuid=nobody", "--regid=nogroup", "--clear-groups", binary.path, "show"])
        #expect(show.status == 0)
        #expect(show.text.contains("without root"))
    }
}
