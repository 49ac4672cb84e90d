import Foundation
import Model
import Testing

/// `simulate --plan FILE` checks the plan against the function it is applied to: made for it
/// (address, Vendor/Device IDs), and every placement allowed there by the planner's rules;
/// a plan that does not fit is refused with the planner's reason (exit 2).
@Suite struct SimulatePlanCheckTests {
    static let vf = ["--demo", "-s", "01:00.1"]

    /// A fresh directory; the caller removes it.
    static func temporaryDirectory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "cfgtui-plan-check-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    /// `plan ... --json` written to `plan.json` in `directory`, and its document.
    static func plan(_ arguments: [String], in directory: URL) throws -> (URL, [String: Any]) {
        let output = try #require(try Tooling.runCfgtui(["plan"] + arguments + ["--json"]))
        try #require(output.status == 0, "\(output.stderr)")
        let file = directory.appendingPathComponent("plan.json")
        try output.stdout.write(to: file)
        let document = try #require(try JSONSerialization.jsonObject(with: output.stdout) as? [String: Any])
        return (file, document)
    }

    /// Writes a changed plan document next to the original.
    static func write(_ document: [String: Any], in directory: URL, name: String = "edited.json") throws -> URL {
        let file = directory.appendingPathComponent(name)
        try JSONSerialization.data(withJSONObject: document).write(to: file)
        return file
    }

    /// The demo VF 01:00.1 alone as a dump, with `bytes` set (the PF is not in the file, so
    /// the function is not a VF there).
    static func vfDump(in directory: URL, name: String, setting bytes: [Int: UInt8] = [:]) throws -> URL {
        let entry = try #require(DemoSet.functions().first { $0.address.description == "0000:01:00.1" })
        var raw = entry.space.bytes
        for (offset, value) in bytes { raw[offset] = value }
        let file = directory.appendingPathComponent(name)
        try Data(LspciDump.write([(address: entry.address, title: entry.title, space: ConfigSpace(bytes: raw))]))
            .write(to: file)
        return file
    }

    static func simulate(_ source: [String], plan: URL, _ extra: [String] = []) throws -> Tooling.Output {
        try #require(try Tooling.runCfgtui(["simulate"] + source + ["--plan", plan.path] + extra + ["-e", "STATUS"]))
    }

    @Test func theFileRecordsTheTargetsIDs() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let (_, document) = try Self.plan(Self.vf + ["--add", "pasid"], in: directory)
        // A VF's identity is its PF's vendor and the SR-IOV VF Device ID (QEMU's nvme: 1b36:0010).
        #expect(document["target"] as? String == "0000:01:00.1")
        #expect(document["vendorID"] as? Int == 0x1B36)
        #expect(document["deviceID"] as? Int == 0x0010)
    }

    @Test func aPlanForAnotherFunctionIsRefused() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let (file, _) = try Self.plan(Self.vf + ["--add", "pasid"], in: directory)
        let same = try Self.simulate(Self.vf, plan: file)
        #expect(same.status == 0, "\(same.stderr)")
        #expect(same.stderr.isEmpty, "\(same.stderr)")
        let sibling = try Self.simulate(["--demo", "-s", "01:00.2"], plan: file)
        #expect(sibling.status == 2)
        #expect(sibling.stdout.isEmpty)
        #expect(
            sibling.stderr.contains("\(file.path): the plan was made for 0000:01:00.1, not 0000:01:00.2"),
            "\(sibling.stderr)")
    }

    @Test func aPlanForOtherIDsIsRefused() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        var (_, document) = try Self.plan(Self.vf + ["--add", "pasid"], in: directory)
        document["deviceID"] = 0x0011
        let edited = try Self.write(document, in: directory)
        let output = try Self.simulate(Self.vf, plan: edited)
        #expect(output.status == 2)
        #expect(
            output.stderr.contains("the plan was made for a [1b36:0011] function; 0000:01:00.1 is [1b36:0010]"),
            "\(output.stderr)")
    }

    @Test func anOldPlanWithoutIDsIsCheckedByItsAddressAndSaysSo() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        var (_, document) = try Self.plan(Self.vf + ["--add", "pasid"], in: directory)
        document["vendorID"] = nil
        document["deviceID"] = nil
        let old = try Self.write(document, in: directory)
        let output = try Self.simulate(Self.vf, plan: old)
        #expect(output.status == 0, "\(output.stderr)")
        #expect(output.stderr.contains("records no Vendor/Device ID (written before cfgtui 0.11)"), "\(output.stderr)")
        let elsewhere = try Self.simulate(["--demo", "-s", "01:00.2"], plan: old)
        #expect(elsewhere.status == 2)
    }

    /// Placements moved by hand onto what the planner refuses: each gets the planner's reason.
    @Test(arguments: [
        ([0x160], "placements[0] (pasid at 0x160) cannot go on 0000:01:00.1: overlaps"),
        ([0x202], "placements[0] (pasid at 0x202) cannot go on 0000:01:00.1: 0x202 is not dword-aligned"),
        (
            [0xF8],
            "placements[0] (pasid at 0x0f8) cannot go on 0000:01:00.1: 0x0f8-0x0ff is not inside the extended space"
        ),
        ([0x200, 0x204], "placements[1] (pri at 0x204) cannot go on 0000:01:00.1: overlaps the PASID placed at 0x200"),
        ([0x104, 0x200], "placements[0] (pasid at 0x104) cannot go on 0000:01:00.1: overlaps"),
    ])
    func movedPlacementsAreRefusedWithThePlannersReason(offsets: [Int], message: String) throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        var (_, document) = try Self.plan(Self.vf + ["--add", "pasid", "--add", "pri"], in: directory)
        var placements = try #require(document["placements"] as? [[String: Any]])
        try #require(placements.count == 2)
        for (index, offset) in offsets.enumerated() { placements[index]["offset"] = offset }
        document["placements"] = placements
        let edited = try Self.write(document, in: directory)
        let output = try Self.simulate(Self.vf, plan: edited)
        #expect(output.status == 2, "\(output.stderr)")
        #expect(output.stdout.isEmpty)
        #expect(output.stderr.contains(message), "\(output.stderr)")
    }

    @Test func nonZeroBytesNeedForceNonzero() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let clean = try Self.vfDump(in: directory, name: "clean.txt")
        let (file, _) = try Self.plan(
            ["-F", clean.path, "--add", "pasid", "--pasid-width", "20", "--at", "pasid=0x200"], in: directory)
        // The same function, read again with a suspected hidden register where the plan put PASID.
        let hidden = try Self.vfDump(in: directory, name: "hidden.txt", setting: [0x204: 0x5A])
        let refused = try Self.simulate(["-F", hidden.path], plan: file)
        #expect(refused.status == 2)
        #expect(
            refused.stderr.contains(
                "placements[0] (pasid at 0x200) cannot go on 0000:01:00.1: covers 1 non-zero byte at 0x204 outside every structure"
            ), "\(refused.stderr)")
        let forced = try Self.simulate(["-F", hidden.path], plan: file, ["--force-nonzero"])
        #expect(forced.status == 0, "\(forced.stderr)")
        // --force-nonzero lets non-zero bytes through, nothing else.
        let overlapping = try Self.vfDump(in: directory, name: "overlap.txt", setting: [0x204: 0x5A])
        var (_, document) = try Self.plan(
            ["-F", clean.path, "--add", "pasid", "--pasid-width", "20", "--at", "pasid=0x200"], in: directory)
        var placements = try #require(document["placements"] as? [[String: Any]])
        placements[0]["offset"] = 0x160
        document["placements"] = placements
        let moved = try Self.write(document, in: directory)
        let stillRefused = try Self.simulate(["-F", overlapping.path], plan: moved, ["--force-nonzero"])
        #expect(stillRefused.status == 2)
        #expect(stillRefused.stderr.contains("overlaps"), "\(stillRefused.stderr)")
    }

    @Test func thePlansPeersAreCheckedAgain() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let peer = try Self.vfDump(in: directory, name: "peer.txt")
        let (file, _) = try Self.plan(
            Self.vf + ["--add", "pasid", "--at", "pasid=0x200", "--peer", peer.path], in: directory)
        #expect(try Self.simulate(Self.vf, plan: file).status == 0)
        // The peer has changed since: a hidden register where the plan put PASID.
        _ = try Self.vfDump(in: directory, name: "peer.txt", setting: [0x200: 1])
        let refused = try Self.simulate(Self.vf, plan: file)
        #expect(refused.status == 2)
        #expect(
            refused.stderr.contains("on peer 1 (\(peer.path)): covers 1 non-zero byte at 0x200"), "\(refused.stderr)")
        // A peer that cannot be read any more is named, and the rest is checked.
        try FileManager.default.removeItem(at: peer)
        let gone = try Self.simulate(Self.vf, plan: file)
        #expect(gone.status == 0, "\(gone.stderr)")
        #expect(gone.stderr.contains("peer \(peer.path) not checked again"), "\(gone.stderr)")
    }

    @Test func forceNonzeroNeedsVirtualCapabilities() throws {
        let output = try #require(try Tooling.runCfgtui(["simulate"] + Self.vf + ["--force-nonzero", "-e", "STATUS"]))
        #expect(output.status == 64)
        #expect(output.stderr.contains("--force-nonzero goes with --plan or --add"))
    }
}
