/// The built-in demo set: ten PCI functions embedded in the binary, for training and for
/// machines with nothing interesting to show.
///
/// | address | function | what it shows |
/// | --- | --- | --- |
/// | 00:00.0 | q35 host bridge | a conventional function without capabilities |
/// | 00:02.0 | QEMU PCIe root port | port type 4, slot, AER with root registers, ACS |
/// | 00:03.0 | QEMU PCIe-to-PCI bridge | port type 7, SHPC, a bridge to conventional PCI |
/// | 00:1f.0, 00:1f.2, 00:1f.3 | ICH9 LPC, AHCI, SMBus | conventional functions q35 always has |
/// | 01:00.0 | QEMU NVMe, SR-IOV PF | ARI, SR-IOV (2 VFs enabled), plus ATS, PRI and PASID |
/// | 01:00.1, 01:00.2 | its two VFs | ID registers 0xFFFF, ARI, plus ATS; no PASID or PRI |
/// | 02:01.0 | e1000 behind the bridge | a conventional function (no PCI Express capability) |
///
/// **How it was made.** `scripts/make-demo.sh` ran `../shared/tools/qtest_dump.py`, which
/// starts QEMU 7.2 (q35, vCPU stopped, no guest, no firmware) and reads config space through
/// the qtest protocol and ECAM, with
/// ```
/// qtest_dump.py --prefix demo --enable-vfs 01:00.0:2 -- \
///     -device pcie-root-port,id=rp1,chassis=1,port=1,bus=pcie.0,addr=0x2 \
///     -device nvme-subsys,id=s0 \
///     -device nvme,serial=cfgtui-demo,subsys=s0,bus=rp1,sriov_max_vfs=2,sriov_vq_flexible=4,sriov_vi_flexible=2 \
///     -device pcie-pci-bridge,id=pb1,bus=pcie.0,addr=0x3 \
///     -device e1000,bus=pb1,addr=0x1
/// ```
/// and stored the "after" stage (NumVFs 2, VF Enable and VF MSE set) as `lspci -xxxx` text in
/// `DemoSet+Dumps.swift` (the exact QEMU command line and versions are in its header).
///
/// **What cfgtui adds.** QEMU 7.2's NVMe model has no ATS, PRI or PASID, so `functions()` adds
/// them with `ConfigSpace.appendingExtendedCapability(_:version:body:at:)`, each linked at the
/// end of the function's extended list, at offsets QEMU leaves unused (its NVMe PF has ARI at
/// 0x100 and SR-IOV at 0x120-0x15F, a VF only ARI at 0x100-0x107):
///
/// | function | offset | capability (v1) | registers (every Control register is 0) |
/// | --- | --- | --- | --- |
/// | PF 01:00.0 | 0x160 | ATS | Capability 0x0020: Invalidate Queue Depth 0, Page Aligned Request |
/// | PF 01:00.0 | 0x170 | PRI | Status 0x8100: Stopped, PRG Response PASID Required; capacity 0x200 |
/// | PF 01:00.0 | 0x180 | PASID | Capability 0x1406: Max PASID Width 20, Execute and Privileged Supported |
/// | VFs 01:00.1, 01:00.2 | 0x160 | ATS | Capability 0 |
///
/// The VFs carry ATS at the PF's offset, as many real SR-IOV devices do, and no PASID or
/// PRI: SR-IOV VFs must not implement them (PCIe r5.0 §9.3.7.11, §9.3.7.14), which is the
/// placement problem cfgtui exists to explore. Every QEMU capability keeps its offset.
///
/// ```
/// let functions = DemoSet.functions()     // ten functions, in address order
/// functions[6].address                    // 0000:01:00.0, the PF
/// ```
public enum DemoSet {
    /// Where the demo PF and VFs carry the ATS capability.
    public static let atsOffset: ConfigOffset = 0x160
    /// Where the demo PF carries the Page Request (PRI) capability.
    public static let priOffset: ConfigOffset = 0x170
    /// Where the demo PF carries the PASID capability.
    public static let pasidOffset: ConfigOffset = 0x180

    /// The demo functions in address order, with the capabilities cfgtui adds.
    ///
    /// Returns an empty array only if the embedded text or the additions were broken, which
    /// the tests rule out.
    public static func functions() -> [DumpedFunction] {
        guard let parsed = try? LspciDump.parse(Array(lspciText.utf8), file: "demo set") else { return [] }
        var result = [DumpedFunction]()
        result.reserveCapacity(parsed.count)
        for var function in parsed {
            for addition in additions where addition.routingID == function.address.routingID {
                guard
                    let space = try? function.space.appendingExtendedCapability(
                        addition.id, version: 1, body: addition.body, at: addition.offset)
                else { return [] }
                function.space = space
            }
            result.append(function)
        }
        return result.sorted { $0.address < $1.address }
    }

    // MARK: - The additions

    /// One capability cfgtui adds to a QEMU function.
    private struct Addition {
        var routingID: Int
        var id: ExtendedCapabilityID
        var offset: ConfigOffset
        /// The bytes from +4 on, little-endian.
        var body: [UInt8]
    }

    private static let pfRoutingID = 0x0100
    private static let vfRoutingIDs = [0x0101, 0x0102]

    /// ATS (PCIe r6.0 §10.5.1): ATS Capability (+4, 16 bits) and ATS Control (+6, 16 bits).
    /// PF: Invalidate Queue Depth 0 (meaning 32), Page Aligned Request (bit 5). VF: all zero.
    private static let pfATSBody: [UInt8] = [0x20, 0x00, 0x00, 0x00]
    private static let vfATSBody: [UInt8] = [0x00, 0x00, 0x00, 0x00]

    /// PRI (PCIe r6.0 §10.5.2): Control (+4) 0; Status (+6) 0x8100 = Stopped (bit 8, set while
    /// PRI is disabled) and PRG Response PASID Required (bit 15); Outstanding Page Request
    /// Capacity (+8) 0x200; Outstanding Page Request Allocation (+0xC) 0.
    private static let priBody: [UInt8] = [0x00, 0x00, 0x00, 0x81, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00]

    /// PASID (PCIe r6.0 §7.8.9): Capability (+4) 0x1406 = Execute Permission Supported (bit 1),
    /// Privileged Mode Supported (bit 2), Max PASID Width 20 (bits 12:8); Control (+6) 0.
    private static let pasidBody: [UInt8] = [0x06, 0x14, 0x00, 0x00]

    /// In the order they are linked: each goes at the end of its function's list.
    private static let additions: [Addition] =
        [
            Addition(routingID: pfRoutingID, id: .addressTranslationServices, offset: atsOffset, body: pfATSBody),
            Addition(routingID: pfRoutingID, id: .pageRequest, offset: priOffset, body: priBody),
            Addition(routingID: pfRoutingID, id: .processAddressSpaceID, offset: pasidOffset, body: pasidBody),
        ]
        + vfRoutingIDs.map { routingID in
            Addition(routingID: routingID, id: .addressTranslationServices, offset: atsOffset, body: vfATSBody)
        }
}
