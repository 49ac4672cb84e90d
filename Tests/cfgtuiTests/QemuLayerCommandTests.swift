import Foundation
import Model
import Testing

/// The qemu model as a user runs it: `simulate --model qemu`, `show --guest qemu` and `plan --vmm
/// qemu` on the demo set's nvme PF and VF, with the real `lspci -F` decoding what the guest sees.
@Suite(.serialized) struct QemuLayerCommandTests {
    static func temporaryFile(_ name: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("cfgtui-qemu-\(UUID().uuidString)-\(name)")
    }

    @Test(.requires(.lspci)) func theGuestsLspciSeesQemusLayout() throws {
        try Requirement.check(.lspci)
        let dump = Self.temporaryFile("guest.txt")
        defer { try? FileManager.default.removeItem(at: dump) }
        let output = try #require(
            try Tooling.runCfgtui([
                "simulate", "--demo", "-s", "01:00.0", "--model", "qemu", "--guest-bus", "root", "--emit-dump",
                dump.path, "--bar-size", "0=16K", "-e", "BASE_ADDRESS_0=ffffffff",
            ]))
        #expect(output.status == 0, "\(output.stderr)")
        let lspci = try Tooling.run(Tooling.lspciPath, ["-F", dump.path, "-vvv"])
        let text = lspci.text
        // On the root bus the Endpoint is a Root Complex Integrated Endpoint; SR-IOV and ARI are gone.
        #expect(text.contains("Express (v2) Root Complex Integrated Endpoint"), "\(text)")
        #expect(!text.contains("Single Root I/O Virtualization"))
        #expect(!text.contains("Alternative Routing-ID"))
        #expect(text.contains("MSI-X: Enable- Count="))
        // BAR0 was sized: QEMU's register holds the size mask, not the host address.
        let functions = try LspciDump.read([UInt8](try Data(contentsOf: dump)), file: dump.path)
        let bar0 = try #require(functions.first?.space.dword(at: 0x10))
        #expect(bar0 & ~0xF == 0xFFFF_C000, "\(String(bar0, radix: 16))")
        // Under a root port the type stays an Endpoint.
        let port = try #require(
            try Tooling.runCfgtui([
                "simulate", "--demo", "-s", "01:00.0", "--model", "qemu", "--guest-bus", "root-port", "--emit-dump",
                dump.path,
            ]))
        #expect(port.status == 0)
        #expect(try Tooling.run(Tooling.lspciPath, ["-F", dump.path, "-vvv"]).text.contains("Express (v2) Endpoint"))
    }

    @Test func showGuestNotesEveryChange() throws {
        let output = try #require(try Tooling.runCfgtui(["show", "--demo", "-s", "01:00.0", "--guest", "qemu"]))
        #expect(output.status == 0, "\(output.stderr)")
        let text = output.text
        #expect(text.contains("Guest view (qemu) of 0000:01:00.0:"))
        #expect(text.contains("qemu: SR-IOV at 0x"), "\(text.prefix(3000))")
        #expect(text.contains("dropped from the list: SR-IOV is never shown"))
        #expect(text.contains("qemu: MSI-X at 0x"))
        // Usage: QEMU options need --guest qemu.
        let usage = try #require(try Tooling.runCfgtui(["show", "--demo", "--guest-bus", "root"]))
        #expect(usage.status == 64)
    }

    @Test func planComparesQemusDefaultWithTheProposal() throws {
        let output = try #require(
            try Tooling.runCfgtui(["plan", "--demo", "-s", "01:00.1", "--add", "pasid", "--vmm", "qemu", "--json"]))
        #expect(output.status == 0, "\(output.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: output.stdout) as? [String: Any])
        let qemu = try #require(document["qemu"] as? [String: Any])
        #expect(qemu["offset"] as? Int == 0xFF8)
        #expect(qemu["default"] as? Bool == true)
        #expect(qemu["qemuAdds"] as? Bool == true)
        #expect(qemu["safe"] as? Bool == true)
        // A reserve over 0xff8 makes QEMU's choice unsafe; QEMU itself would still add it.
        let reserved = try #require(
            try Tooling.runCfgtui([
                "plan", "--demo", "-s", "01:00.1", "--add", "pasid", "--vmm", "qemu", "--reserve", "0xff0-0xfff",
                "--json",
            ]))
        let second = try #require(try JSONSerialization.jsonObject(with: reserved.stdout) as? [String: Any])
        let verdict = try #require(second["qemu"] as? [String: Any])
        #expect(verdict["qemuAdds"] as? Bool == true)
        #expect(verdict["safe"] as? Bool == false)
        #expect((verdict["conflict"] as? String)?.contains("reserved") == true)
        // An offset on a header is QEMU's refusal.
        let header = try #require(
            try Tooling.runCfgtui([
                "plan", "--demo", "-s", "01:00.1", "--add", "pasid", "--vmm", "qemu", "--qemu-device",
                "x-vpasid-cap-offset=0x100",
            ]))
        #expect(
            header.text.contains("QEMU    refuses: 0x100 falls inside the capability header at 0x100"), "\(header.text)"
        )
    }

    @Test func theVirtualPASIDIsWritableAsQemuHasIt() throws {
        let output = try #require(
            try Tooling.runCfgtui([
                "simulate", "--demo", "-s", "01:00.1", "--model", "qemu", "--vpasid", "-e", "ECAP_PASID+6.W=ffff",
                "-e", "ECAP_PASID+6.W", "-e", "ECAP_PASID+4.W",
            ]))
        #expect(output.status == 0, "\(output.stderr)")
        let values = output.text.split(separator: "\n").map(String.init)
        // Control's write mask is 0x07; Capability copies the PF's width 20 and no enables.
        #expect(values == ["0007", "1400"], "\(output.text)")
    }
}
