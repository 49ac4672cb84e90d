import Foundation
import Model
import Testing

/// The real libpci on a generated sysfs tree (`--sysfs-root`): the same code path as this host,
/// with functions we control (the demo set, written as sysfs device directories).
@Suite(.serialized) struct FakeSysfsTests {
    /// Writes DIR/bus/pci/devices/<address>/{config,vendor,device,class,irq,resource,...} for
    /// each function; VFs get a `physfn` link to their PF, the PF a `driver` link.
    static func makeTree(_ functions: [DumpedFunction], brokenAddress: String? = nil) throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("cfgtui-sysfs-\(UUID().uuidString)")
        let devices = root.appendingPathComponent("bus/pci/devices")
        let drivers = root.appendingPathComponent("bus/pci/drivers/nvme")
        try FileManager.default.createDirectory(at: devices, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: drivers, withIntermediateDirectories: true)
        let sriov = functions.compactMap { function in
            SRIOVSummary(in: function.space).map { (function.address, $0) }
        }
        for function in functions {
            let directory = devices.appendingPathComponent(function.address.description)
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try Data(function.space.bytes).write(to: directory.appendingPathComponent("config"))
            var vendor = function.space.word(at: 0) ?? 0xFFFF
            var device = function.space.word(at: 2) ?? 0xFFFF
            for (pf, summary) in sriov where summary.virtualFunctionAddresses(of: pf).contains(function.address) {
                // The kernel reports a VF's identity from its PF, as the ID registers read 0xFFFF.
                vendor = functions.first { $0.address == pf }?.space.word(at: 0) ?? vendor
                device = summary.vfDeviceID
                try FileManager.default.createSymbolicLink(
                    atPath: directory.appendingPathComponent("physfn").path, withDestinationPath: "../" + pf.description
                )
            }
            if function.address.description == brokenAddress { continue }  // no vendor file: libpci fails
            let classCode = function.space.value(at: 9, length: 3) ?? 0
            let attributes = [
                "vendor": String(format: "0x%04x\n", vendor), "device": String(format: "0x%04x\n", device),
                "class": String(format: "0x%06x\n", classCode), "irq": "0\n",
                "resource": String(repeating: "0x0000000000000000 0x0000000000000000 0x0000000000000000\n", count: 13),
            ]
            for (name, value) in attributes {
                try Data(value.utf8).write(to: directory.appendingPathComponent(name))
            }
            if !sriov.filter({ $0.0 == function.address }).isEmpty {
                try FileManager.default.createSymbolicLink(
                    atPath: directory.appendingPathComponent("driver").path, withDestinationPath: "../../drivers/nvme")
            }
        }
        return root
    }

    @Test func listsTheTreeWithRelationsIdentitiesAndDriver() throws {
        let demo = DemoSet.functions()
        #expect(demo.count == 10)
        let root = try Self.makeTree(demo)
        defer { try? FileManager.default.removeItem(at: root) }
        guard let output = try Tooling.runCfgtui(["list", "--json", "--sysfs-root", root.path]) else { return }
        #expect(output.status == 0, "\(output.stderr)")
        let devices = try CfgtuiListing(output.stdout).devices
        #expect(devices.map { $0["address"] as? String } == demo.map { $0.address.description })
        let pf = try #require(devices.first { $0["address"] as? String == "0000:01:00.0" })
        let relation = try #require(pf["relation"] as? [String: Any])
        #expect(relation["kind"] as? String == "pf")
        #expect(relation["virtualFunctions"] as? [String] == ["0000:01:00.1", "0000:01:00.2"])
        #expect(pf["driver"] as? String == "nvme")
        let vf = try #require(devices.first { $0["address"] as? String == "0000:01:00.2" })
        #expect((vf["relation"] as? [String: Any])?["physicalFunction"] as? String == "0000:01:00.0")
        #expect(vf["vendorID"] as? Int == 0x1B36)
        #expect(vf["deviceID"] as? Int == 0x0010)
        #expect(devices.allSatisfy { ($0["source"] as? [String: Any])?["kind"] as? String == "host" })
    }

    @Test func readsTheSameBytesThatWereWritten() throws {
        let demo = DemoSet.functions()
        let root = try Self.makeTree(demo)
        defer { try? FileManager.default.removeItem(at: root) }
        guard
            let output = try Tooling.runCfgtui([
                "show", "--hex", "--sysfs-root", root.appendingPathComponent("bus/pci").path,
            ])
        else {
            return
        }
        #expect(output.status == 0, "\(output.stderr)")
        let parsed = try LspciDump.parse([UInt8](output.stdout), file: "stdout")
        #expect(parsed.map(\.address) == demo.map(\.address))
        #expect(parsed.map(\.space.bytes) == demo.map(\.space.bytes))
    }

    @Test func aBrokenDeviceDirectoryIsALibpciErrorNotAnExit() throws {
        let root = try Self.makeTree(DemoSet.functions(), brokenAddress: "0000:00:1f.0")
        defer { try? FileManager.default.removeItem(at: root) }
        guard let output = try Tooling.runCfgtui(["list", "--sysfs-root", root.path]) else { return }
        #expect(output.status == 1)
        #expect(output.stdout.isEmpty)
        #expect(output.stderr.contains("libpci:"), "\(output.stderr)")
        #expect(output.stderr.contains("0000:00:1f.0/vendor"), "\(output.stderr)")
    }

    @Test func aMissingTreeIsAClearError() throws {
        guard let output = try Tooling.runCfgtui(["list", "--sysfs-root", "/nonexistent/cfgtui-sysfs"]) else { return }
        #expect(output.status == 1)
        #expect(output.stderr.contains("no PCI devices directory"))
    }
}
