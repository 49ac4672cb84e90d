import Foundation
import Glibc
import Model
import Testing

@testable import cfgtui

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

    @Test func aMissingVendorFileCostsThatFunctionItsSysfsIdentityOnly() throws {
        let demo = DemoSet.functions()
        let root = try Self.makeTree(demo, brokenAddress: "0000:00:1f.0")
        defer { try? FileManager.default.removeItem(at: root) }
        guard let output = try Tooling.runCfgtui(["list", "--sysfs-root", root.path]) else { return }
        #expect(output.status == 0, "\(output.stderr)")
        let lines = output.text.split(separator: "\n")
        #expect(lines.map { String($0.prefix(12)) } == demo.map { $0.address.description })
        let broken = try #require(lines.first { $0.hasPrefix("0000:00:1f.0") })
        #expect(broken.contains("0000:00:1f.0/vendor: missing"), "\(broken)")
        // The identity then comes from the function's own ID registers, read through libpci.
        let expected = demo.first { $0.address.description == "0000:00:1f.0" }?.space.word(at: 0) ?? 0
        #expect(broken.contains(String(format: "[%04x:", expected)), "\(broken)")
    }

    // MARK: - Edge cases: each costs its own function only

    static let vf1 = "0000:01:00.1"
    static let vf2 = "0000:01:00.2"
    static let pf = "0000:01:00.0"

    static func devicePath(_ root: URL, _ address: String) -> String {
        root.appendingPathComponent("bus/pci/devices/" + address).path
    }

    /// Runs cfgtui under timeout(1): a hang is exit 124 after `seconds`, not a stuck test.
    static func runBounded(_ arguments: [String], seconds: Int = 20) throws -> Tooling.Output {
        let binary = try Tooling.requireCfgtui()
        return try Tooling.run("/usr/bin/timeout", ["-s", "KILL", "\(seconds)", binary.path] + arguments)
    }

    /// `show --json` of the tree, by address; every other function's bytes as written.
    static func showsTheOthersIntact(
        _ root: URL, except broken: Set<String>, sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> [String: [String: Any]] {
        let output = try runBounded(["show", "--json", "--sysfs-root", root.path])
        #expect(output.status == 0, "\(output.stderr)", sourceLocation: sourceLocation)
        let devices = try CfgtuiListing(output.stdout).devices
        var byAddress = [String: [String: Any]]()
        for device in devices { if let address = device["address"] as? String { byAddress[address] = device } }
        let demo = DemoSet.functions()
        #expect(Set(byAddress.keys) == Set(demo.map(\.address.description)), sourceLocation: sourceLocation)
        let hex = try runBounded(["show", "--hex", "--sysfs-root", root.path])
        let parsed = try LspciDump.parse([UInt8](hex.stdout), file: "stdout")
        for function in demo where !broken.contains(function.address.description) {
            let read = parsed.first { $0.address == function.address }
            #expect(read?.space.bytes == function.space.bytes, "\(function.address)", sourceLocation: sourceLocation)
        }
        return byAddress
    }

    static func sysfsMessages(_ device: [String: Any]?) -> [String] {
        (device?["diagnostics"] as? [[String: Any]] ?? []).filter { $0["kind"] as? String == "sysfsFileUnusable" }
            .compactMap { $0["message"] as? String }
    }

    @Test func aFIFOConfigIsRefusedWithoutOpeningIt() throws {
        let root = try Self.makeTree(DemoSet.functions())
        defer { try? FileManager.default.removeItem(at: root) }
        let config = Self.devicePath(root, Self.vf1) + "/config"
        try FileManager.default.removeItem(atPath: config)
        #expect(mkfifo(config, 0o644) == 0)
        let start = Date()
        let output = try Self.runBounded(["list", "--sysfs-root", root.path])
        #expect(output.status == 0, "exit \(output.status) (124 or 137: it hung) \(output.stderr)")
        #expect(Date().timeIntervalSince(start) < 10)
        let line = try #require(output.text.split(separator: "\n").first { $0.hasPrefix(Self.vf1) })
        #expect(line.contains("0/256 bytes"), "\(line)")
        #expect(line.contains(config + ": a FIFO, not a regular file: not opened"), "\(line)")
        let devices = try Self.showsTheOthersIntact(root, except: [Self.vf1])
        let messages = Self.sysfsMessages(devices[Self.vf1])
        #expect(messages == [config + ": a FIFO, not a regular file: not opened; no configuration space bytes read"])
        #expect((devices[Self.vf1]?["relation"] as? [String: Any])?["physicalFunction"] as? String == Self.pf)
    }

    @Test(arguments: ["missing", "empty", "directory"])
    func anUnusableConfigListsTheFunctionWithoutBytes(_ kind: String) throws {
        let root = try Self.makeTree(DemoSet.functions())
        defer { try? FileManager.default.removeItem(at: root) }
        let config = Self.devicePath(root, Self.vf2) + "/config"
        try FileManager.default.removeItem(atPath: config)
        switch kind {
        case "empty": #expect(FileManager.default.createFile(atPath: config, contents: Data()))
        case "directory": try FileManager.default.createDirectory(atPath: config, withIntermediateDirectories: false)
        default: break
        }
        let devices = try Self.showsTheOthersIntact(root, except: [Self.vf2])
        let vf = devices[Self.vf2]
        let problem = kind == "directory" ? "a directory, not a regular file: not opened" : kind
        #expect(Self.sysfsMessages(vf) == [config + ": " + problem + "; no configuration space bytes read"])
        #expect(CfgtuiListing.diagnosticKinds(of: vf ?? [:]).contains("headerTruncated"))
        // The identity is still the kernel's (sysfs vendor and device files, through libpci).
        #expect(vf?["vendorID"] as? Int == 0x1B36)
        #expect(vf?["deviceID"] as? Int == 0x0010)
    }

    @Test func aDanglingPhysfnIsNoVFRelation() throws {
        let root = try Self.makeTree(DemoSet.functions())
        defer { try? FileManager.default.removeItem(at: root) }
        let physfn = Self.devicePath(root, Self.vf2) + "/physfn"
        try FileManager.default.removeItem(atPath: physfn)
        try FileManager.default.createSymbolicLink(atPath: physfn, withDestinationPath: "../0000:07:00.0")
        let devices = try Self.showsTheOthersIntact(root, except: [])
        #expect(
            Self.sysfsMessages(devices[Self.vf2]) == [
                physfn + ": links to ../0000:07:00.0, which does not exist; not shown as a VF"
            ])
        #expect((devices[Self.vf2]?["relation"] as? [String: Any])?["kind"] as? String == "none")
        let pfRelation = devices[Self.pf]?["relation"] as? [String: Any]
        #expect(pfRelation?["virtualFunctions"] as? [String] == [Self.vf1])
    }

    @Test func aLoopingOrDanglingDriverLinkIsNoDriver() throws {
        let root = try Self.makeTree(DemoSet.functions())
        defer { try? FileManager.default.removeItem(at: root) }
        // The PF's driver link loops on itself; a VF's leads nowhere. As root, permissions do not
        // stop a readlink, so these are the links that really fail.
        let pfDriver = Self.devicePath(root, Self.pf) + "/driver"
        try FileManager.default.removeItem(atPath: pfDriver)
        try FileManager.default.createSymbolicLink(atPath: pfDriver, withDestinationPath: "driver")
        try FileManager.default.createSymbolicLink(
            atPath: Self.devicePath(root, Self.vf1) + "/driver", withDestinationPath: "../../drivers/vanished")
        let devices = try Self.showsTheOthersIntact(root, except: [])
        // JSON null: no driver (the untouched tree gives the PF "nvme").
        #expect(devices[Self.pf]?["driver"] is NSNull)
        #expect(devices[Self.vf1]?["driver"] is NSNull)
        #expect(devices.values.allSatisfy { Self.sysfsMessages($0).isEmpty })
        let pfRelation = devices[Self.pf]?["relation"] as? [String: Any]
        #expect(pfRelation?["virtualFunctions"] as? [String] == [Self.vf1, Self.vf2])
    }

    @Test func aLibpciErrorOnEveryFunctionListsEachWithItsMessage() throws {
        // libpci refuses names over 1024 bytes ("File name too long") for each function's files,
        // while the devices directory itself is still within its limit: every function fails in
        // libpci, each on a fresh access, and each is still listed.
        var root = FileManager.default.temporaryDirectory.appendingPathComponent("cfgtui-sysfs-\(UUID().uuidString)")
        let top = root
        defer { try? FileManager.default.removeItem(at: top) }
        while root.path.count + 101 < 1000 { root.appendPathComponent(String(repeating: "d", count: 100)) }
        // 1012 bytes: DIR/devices fits in 1024, DIR/devices/0000:00:00.0/vendor does not.
        root.appendPathComponent(String(repeating: "e", count: 1012 - root.path.count - 1))
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let tree = try Self.makeTree(DemoSet.functions())
        defer { try? FileManager.default.removeItem(at: tree) }
        let devicesPath = root.appendingPathComponent("devices")
        try FileManager.default.moveItem(at: tree.appendingPathComponent("bus/pci/devices"), to: devicesPath)
        #expect(devicesPath.path.count < 1024)
        let output = try Self.runBounded(["show", "--json", "--sysfs-root", root.path])
        #expect(output.status == 0, "\(output.stderr)")
        let devices = try CfgtuiListing(output.stdout).devices
        #expect(devices.map { $0["address"] as? String } == DemoSet.functions().map { $0.address.description })
        for device in devices {
            let messages = Self.sysfsMessages(device)
            #expect(!messages.isEmpty && messages.allSatisfy { $0.contains("libpci failed: File name too long") })
        }
    }

    @Test(arguments: ["fifo", "huge"])
    func aResourceFileThatIsNotTextIsNoBARSizesNotAHang(_ kind: String) throws {
        let root = try Self.makeTree(DemoSet.functions())
        defer { try? FileManager.default.removeItem(at: root) }
        let resource = Self.devicePath(root, Self.pf) + "/resource"
        try FileManager.default.removeItem(atPath: resource)
        if kind == "fifo" {
            #expect(mkfifo(resource, 0o644) == 0)
        } else {
            // Past the 16 KiB bound: refused, not parsed in part.
            let line = "0x00000000fe000000 0x00000000fe003fff 0x0000000000040200\n"
            #expect(
                FileManager.default.createFile(
                    atPath: resource, contents: Data(String(repeating: line, count: 400).utf8)))
        }
        let output = try Self.runBounded([
            "simulate", "--sysfs-root", root.path, "-s", Self.pf, "-e", "BASE_ADDRESS_0=ffffffff",
        ])
        #expect(output.status == 0, "exit \(output.status) (124 or 137: it hung) \(output.stderr)")
        #expect(output.stderr.contains("BAR0's size is unknown"), "\(output.stderr)")
    }

    @Test func aRemovedDirectoryIsGoneAtTheRereadAndBackWhenRestored() throws {
        let root = try Self.makeTree(DemoSet.functions())
        defer { try? FileManager.default.removeItem(at: root) }
        let source = try LibPCISource(sysfsRoot: root.path, names: PCINameDatabase())
        let functions = try source.loadFunctions()
        #expect(functions.count == 10)
        let vf = try #require(PCIAddress(parsing: Self.vf1))
        let directory = Self.devicePath(root, Self.vf1)
        let saved = root.appendingPathComponent("saved-" + Self.vf1).path
        try FileManager.default.moveItem(atPath: directory, toPath: saved)
        #expect(throws: SourceError.functionGone(vf)) { try source.reread(vf) }
        // The others still read.
        let pf = try #require(PCIAddress(parsing: Self.pf))
        #expect(try source.reread(pf)?.space == functions.first { $0.address == pf }?.space)
        try FileManager.default.moveItem(atPath: saved, toPath: directory)
        #expect(try source.reread(vf)?.space == functions.first { $0.address == vf }?.space)
    }

    @Test func aMissingTreeIsAClearError() throws {
        guard let output = try Tooling.runCfgtui(["list", "--sysfs-root", "/nonexistent/cfgtui-sysfs"]) else { return }
        #expect(output.status == 1)
        #expect(output.stderr.contains("no PCI devices directory"))
    }
}
