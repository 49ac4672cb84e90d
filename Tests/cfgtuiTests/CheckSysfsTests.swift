import Foundation
import Model
import Testing

/// `cfgtui check --sysfs-root` on generated sysfs trees: the real libpci reads the demo set as
/// this host's functions, and the check reads IOMMU groups and drivers the way it does on a
/// real /sys (`iommu_group` links, `kernel/iommu_groups/N/devices`).
@Suite(.serialized) struct CheckSysfsTests {
    /// The demo set as a sysfs tree, with IOMMU groups (group number: members) and drivers.
    static func makeTree(groups: [Int: [String]], drivers: [String: String] = [:]) throws -> URL {
        let root = try FakeSysfsTests.makeTree(DemoSet.functions())
        let manager = FileManager.default
        for (number, members) in groups {
            let devices = root.appendingPathComponent("kernel/iommu_groups/\(number)/devices")
            try manager.createDirectory(at: devices, withIntermediateDirectories: true)
            for member in members {
                try manager.createSymbolicLink(
                    atPath: devices.appendingPathComponent(member).path,
                    withDestinationPath: "../../../../bus/pci/devices/" + member)
                try manager.createSymbolicLink(
                    atPath: root.appendingPathComponent("bus/pci/devices/\(member)/iommu_group").path,
                    withDestinationPath: "../../../../kernel/iommu_groups/\(number)")
            }
        }
        for (address, driver) in drivers {
            try manager.createDirectory(
                at: root.appendingPathComponent("bus/pci/drivers/" + driver), withIntermediateDirectories: true)
            let link = root.appendingPathComponent("bus/pci/devices/\(address)/driver").path
            try? manager.removeItem(atPath: link)
            try manager.createSymbolicLink(atPath: link, withDestinationPath: "../../drivers/" + driver)
        }
        return root
    }

    static let groups = [
        0: ["0000:00:00.0"], 1: ["0000:00:02.0", "0000:01:00.0"], 2: ["0000:01:00.1"], 3: ["0000:01:00.2"],
        4: ["0000:00:1f.0", "0000:00:1f.2", "0000:00:1f.3"], 5: ["0000:00:03.0", "0000:02:01.0"],
    ]

    static func check(_ root: URL, _ extra: [String] = []) throws -> (status: Int32, report: [String: Any])? {
        guard let output = try Tooling.runCfgtui(["check", "--sysfs-root", root.path, "--json"] + extra) else {
            return nil
        }
        let object = try JSONSerialization.jsonObject(with: output.stdout) as? [String: Any]
        return (output.status, try #require(object))
    }

    static func findings(_ report: [String: Any], kind: String) -> [[String: Any]] {
        (report["findings"] as? [[String: Any]] ?? []).filter { $0["kind"] as? String == kind }
    }

    @Test func withoutIOMMUGroupsTheHostSaysSoOnce() throws {
        let root = try FakeSysfsTests.makeTree(DemoSet.functions())
        defer { try? FileManager.default.removeItem(at: root) }
        guard let (_, report) = try Self.check(root) else { return }
        let none = Self.findings(report, kind: "no-iommu-groups")
        #expect(none.count == 1)
        #expect(none.first?["address"] is NSNull)
        let functions = report["functions"] as? [[String: Any]] ?? []
        #expect(functions.count == 10)
        #expect(functions.allSatisfy { $0["iommuGroup"] is NSNull })
    }

    @Test func groupsNameTheirOtherMembersAndBridgesDoNotCount() throws {
        let root = try Self.makeTree(groups: Self.groups)
        defer { try? FileManager.default.removeItem(at: root) }
        guard let (_, report) = try Self.check(root) else { return }
        #expect(Self.findings(report, kind: "no-iommu-groups").isEmpty)
        let functions = report["functions"] as? [[String: Any]] ?? []
        func group(_ address: String) -> [String: Any]? {
            functions.first { $0["address"] as? String == address }?["iommuGroup"] as? [String: Any]
        }
        // The PF shares group 1 with its root port only: it can be assigned alone.
        #expect(group("0000:01:00.0")?["number"] as? Int == 1)
        #expect(group("0000:01:00.0")?["members"] as? [String] == ["0000:00:02.0", "0000:01:00.0"])
        #expect(group("0000:01:00.0")?["assignableAlone"] as? Bool == true)
        #expect(group("0000:02:01.0")?["assignableAlone"] as? Bool == true)
        // The ICH9 functions share group 4.
        #expect(group("0000:00:1f.2")?["assignableAlone"] as? Bool == false)
        let shared = Self.findings(report, kind: "iommu-group-shared")
        #expect(
            Set(shared.compactMap { $0["address"] as? String }) == ["0000:00:1f.0", "0000:00:1f.2", "0000:00:1f.3"])
        let sata = try #require(shared.first { $0["address"] as? String == "0000:00:1f.2" })
        #expect(sata["severity"] as? String == "info")
        #expect((sata["values"] as? [String: Any])?["members"] as? [String] == ["0000:00:1f.0", "0000:00:1f.3"])
    }

    @Test func aFunctionBoundToVfioPciTurnsIsolationNotesIntoWarnings() throws {
        let root = try Self.makeTree(
            groups: Self.groups, drivers: ["0000:00:1f.2": "vfio-pci", "0000:01:00.1": "vfio-pci"])
        defer { try? FileManager.default.removeItem(at: root) }
        guard let (status, report) = try Self.check(root) else { return }
        let sata = Self.findings(report, kind: "iommu-group-shared").first {
            $0["address"] as? String == "0000:00:1f.2"
        }
        #expect(sata?["severity"] as? String == "warning")
        let others = Self.findings(report, kind: "iommu-group-shared").filter {
            $0["address"] as? String != "0000:00:1f.2"
        }
        #expect(others.allSatisfy { $0["severity"] as? String == "info" })
        // The root port above the vfio-bound VF has ACS with every control clear.
        let acs = Self.findings(report, kind: "acs-incomplete").first
        #expect(acs?["address"] as? String == "0000:00:02.0")
        #expect(acs?["severity"] as? String == "warning")
        #expect(status == 5)  // the demo's root port link is down: an error
        // The text tree shows the group on each function.
        guard let text = try Tooling.runCfgtui(["check", "--sysfs-root", root.path]) else { return }
        let output = String(decoding: text.stdout, as: UTF8.self)
        #expect(output.contains("group 4"))
        #expect(output.contains("IOMMU group 4 also holds 0000:00:1f.0, 0000:00:1f.3"))
    }
}
