import Foundation
import Model
import Testing

/// The write simulator against QEMU's device models.
///
/// QEMU implements the write masks of the devices it emulates (`wmask`/`w1cmask` in
/// hw/pci/pci.c, pci_default_write_config; docs/simulator.md). Each test starts qemu-system-x86_64 stopped
/// (`-S -qtest stdio`, QEMU's qtest protocol on standard input), enables ECAM, numbers the
/// buses, reads one function's configuration space, sizes its BARs with the all-ones probe
/// (restoring them), applies seeded random writes through ECAM, and reads the result. The same
/// writes go through `cfgtui simulate --model device` on the starting dump, and the two
/// results are compared over the header and the capabilities. Every difference must be
/// explained below (a QEMU deviation from the specification, with the reference); none is
/// tuned away. Set CFGTUI_ORACLE_SEED to replay a run; the seed is printed.
@Suite(.serialized, .requires(.qemu)) struct QemuWriteOracleTests {
    static let writesPerTarget = 400
    /// The vendor and device ID dword of q35's host bridge (MCH) at 00:00.0.
    static let q35HostBridgeID: UInt32 = 0x29C0_8086

    struct Target: CustomTestStringConvertible, Sendable {
        var name: String
        var arguments: [String]
        /// The function's address after the bus walk.
        var bus: Int
        var device: Int
        var function: Int
        var testDescription: String { name }
    }

    static let rootPort = ["-device", "pcie-root-port,id=rp1,chassis=1,port=1,bus=pcie.0,addr=0x2"]

    static let targets: [Target] = [
        Target(
            name: "e1000e", arguments: rootPort + ["-device", "e1000e,bus=rp1,netdev=n0", "-netdev", "user,id=n0"],
            bus: 1, device: 0, function: 0),
        Target(
            name: "virtio-net-pci ats=on",
            arguments: rootPort + [
                "-device", "virtio-net-pci,bus=rp1,disable-legacy=on,ats=on,netdev=n0", "-netdev", "user,id=n0",
            ],
            bus: 1, device: 0, function: 0),
        Target(
            name: "nvme sr-iov",
            arguments: rootPort + [
                "-device", "nvme-subsys,id=s0", "-device",
                "nvme,serial=cfgtui,subsys=s0,bus=rp1,sriov_max_vfs=4,sriov_vq_flexible=8,sriov_vi_flexible=4",
            ], bus: 1, device: 0, function: 0),
        Target(name: "pcie-root-port", arguments: rootPort, bus: 0, device: 2, function: 0),
        Target(
            name: "x3130-upstream",
            arguments: rootPort + [
                "-device", "x3130-upstream,id=up1,bus=rp1", "-device",
                "xio3130-downstream,id=dn1,bus=up1,chassis=11,slot=0",
            ],
            bus: 1, device: 0, function: 0),
        Target(
            name: "xio3130-downstream",
            arguments: rootPort + [
                "-device", "x3130-upstream,id=up1,bus=rp1", "-device",
                "xio3130-downstream,id=dn1,bus=up1,chassis=11,slot=0",
            ],
            bus: 2, device: 0, function: 0),
        Target(name: "ICH9 LPC", arguments: [], bus: 0, device: 0x1F, function: 0),
        Target(name: "ICH9 AHCI", arguments: [], bus: 0, device: 0x1F, function: 2),
        Target(name: "ICH9 SMBus", arguments: [], bus: 0, device: 0x1F, function: 3),
        Target(
            name: "ich9-intel-hda", arguments: ["-device", "ich9-intel-hda,bus=pcie.0,addr=0x1b"], bus: 0, device: 0x1B,
            function: 0),
        Target(
            name: "ich9-usb-ehci1", arguments: ["-device", "ich9-usb-ehci1,bus=pcie.0,addr=0x1d.7"], bus: 0,
            device: 0x1D, function: 7),
    ]

    static var seed: UInt64 {
        if let text = ProcessInfo.processInfo.environment["CFGTUI_ORACLE_SEED"], let value = UInt64(text) {
            return value
        }
        return 0x5EED_C0DE_2026
    }

    /// What every comparison rests on: QEMU starts stopped under qtest, ECAM answers once
    /// PCIEXBAR is set, and the bus walk finds the built-in q35 functions the targets name.
    @Test func qtestReachesTheQ35FunctionsThroughECAM() throws {
        try Requirement.check(.qemu)
        let session = try QTestSession(qemu: Tooling.qemuPath, arguments: [])
        defer { session.close() }
        try session.enableECAM()
        #expect(try session.read32((0, 0, 0), 0) == Self.q35HostBridgeID, "00:00.0 is not q35's host bridge")
        try session.walk()
        for target in Self.targets where target.arguments.isEmpty {
            #expect(try session.isPresent((target.bus, target.device, target.function)), "\(target.name) is missing")
        }
    }

    @Test(arguments: QemuWriteOracleTests.targets)
    func simulatorMatchesQEMU(_ target: Target) throws {
        try Requirement.check(.qemu)
        let seed = Self.seed ^ UInt64(truncatingIfNeeded: target.name.hashValueStable)
        print("oracle \(target.name): seed \(seed) (CFGTUI_ORACLE_SEED=\(Self.seed))")
        let session = try QTestSession(qemu: Tooling.qemuPath, arguments: target.arguments)
        defer { session.close() }
        try session.enableECAM()
        try session.walk()
        let bdf = (target.bus, target.device, target.function)
        guard try session.isPresent(bdf) else {
            Issue.record(
                "\(target.name): no function at \(String(format: "%02x:%02x.%x", target.bus, target.device, target.function))"
            )
            return
        }
        let start = try session.dump(bdf)
        let (sizes, barSizes) = try session.probeBARs(bdf, start: start)
        let startSpace = ConfigSpace(bytes: start)
        let analysis = FunctionAnalysis(space: startSpace)

        var generator = SplitMix64(seed: seed)
        let writes = Self.randomWrites(analysis: analysis, count: Self.writesPerTarget, generator: &generator)
        for write in writes { try session.write(bdf, write.offset, write.width, write.value) }
        let qemu = try session.dump(bdf)
        let ecamStillWorks = try session.read32((0, 0, 0), 0) == (start.count > 0 ? Self.q35HostBridgeID : 0)
        #expect(ecamStillWorks, "ECAM of 00:00.0 changed during the writes: the run is not trustworthy")

        let (simulated, lastReset) = try simulate(
            start: start, writes: writes, sizes: sizes, target: target, qemu: qemu)
        compare(
            qemu: qemu, cfgtui: simulated, start: start, writes: writes, lastReset: lastReset, analysis: analysis,
            barSizes: barSizes, target: target, seed: seed)
    }

    // MARK: - Writes

    struct Write {
        var offset: Int
        var width: Int
        var value: UInt32
    }

    /// Random writes inside the header and the capabilities (where QEMU's masks and cfgtui's
    /// attributes both apply): a structure, an offset in it, an aligned width, and a value that
    /// is all ones, zero or random.
    static func randomWrites(analysis: FunctionAnalysis, count: Int, generator: inout SplitMix64) -> [Write] {
        var structures = [ConfigRange(0, length: analysis.context.headerLayout.headerLength)]
        structures += analysis.capabilities.map(\.extent)
        var writes = [Write]()
        while writes.count < count {
            let range = structures[Int(generator.next() % UInt64(structures.count))]
            let width = [1, 2, 4][Int(generator.next() % 3)]
            let offset = (range.start.rawValue + Int(generator.next() % UInt64(max(1, range.length)))) & ~(width - 1)
            guard offset + width <= analysis.space.readableLength else { continue }
            let mask: UInt32 = width == 4 ? 0xFFFF_FFFF : (1 << UInt32(8 * width)) - 1
            let value: UInt32
            switch generator.next() % 8 {
            case 0, 1: value = mask
            case 2: value = 0
            default: value = UInt32(truncatingIfNeeded: generator.next()) & mask
            }
            writes.append(Write(offset: offset, width: width, value: value))
        }
        return writes
    }

    // MARK: - cfgtui

    /// Runs the writes through `cfgtui simulate --model device`. With CFGTUI_ORACLE_KEEP=DIR
    /// the dumps (start, QEMU's result, cfgtui's) and the script stay in DIR/<target>.
    private func simulate(start: [UInt8], writes: [Write], sizes: [String], target: Target, qemu: [UInt8]) throws
        -> (bytes: [UInt8], lastReset: Int?)
    {
        let keep = ProcessInfo.processInfo.environment["CFGTUI_ORACLE_KEEP"]
        let name = target.name.replacingOccurrences(of: " ", with: "_").replacingOccurrences(of: "=", with: "-")
        let directory =
            keep.map { URL(fileURLWithPath: $0).appendingPathComponent(name) }
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("cfgtui-oracle-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { if keep == nil { try? FileManager.default.removeItem(at: directory) } }
        let dump = directory.appendingPathComponent("start.txt")
        let script = directory.appendingPathComponent("writes.txt")
        let result = directory.appendingPathComponent("result.txt")
        let address = PCIAddress(domain: 0, bus: target.bus, device: target.device, function: target.function)
        guard let address else { return ([], nil) }
        let text = LspciDump.write([(address: address, title: target.name, space: ConfigSpace(bytes: start))])
        try Data(text).write(to: dump)
        if keep != nil {
            try Data(LspciDump.write([(address: address, title: target.name, space: ConfigSpace(bytes: qemu))])).write(
                to: directory.appendingPathComponent("qemu.txt"))
            try Data((sizes.joined(separator: " ") + "\n").utf8).write(
                to: directory.appendingPathComponent("sizes.txt"))
        }
        let letters = [1: "B", 2: "W", 4: "L"]
        let lines = writes.map { String(format: "0x%03x.%@=0x%x", $0.offset, letters[$0.width] ?? "L", $0.value) }
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: script)
        let arguments =
            [
                "simulate", "-F", dump.path, "--model", "device", "--script", script.path, "--emit-dump", result.path,
                "--json",
            ]
            + sizes.flatMap { ["--bar-size", $0] }
        guard let output = try Tooling.runCfgtui(arguments) else { return ([], nil) }
        #expect(output.status == 0, "cfgtui simulate failed: \(output.stderr)")
        if keep != nil { try output.stdout.write(to: directory.appendingPathComponent("trace.json")) }
        // The last step at which cfgtui reset the function (FLR, or D3hot to D0 without No_Soft_Reset).
        var lastReset: Int?
        let document = try JSONSerialization.jsonObject(with: output.stdout) as? [String: Any]
        for step in document?["steps"] as? [[String: Any]] ?? [] {
            let kinds = (step["notes"] as? [[String: Any]] ?? []).compactMap { $0["kind"] as? String }
            if kinds.contains("functionLevelReset") || kinds.contains("softReset"), let number = step["step"] as? Int {
                lastReset = number - 1
            }
        }
        let functions = try LspciDump.read([UInt8](try Data(contentsOf: result)), file: result.path)
        return (functions.first?.space.bytes ?? [], lastReset)
    }

    // MARK: - Comparison

    private func compare(
        qemu: [UInt8], cfgtui: [UInt8], start: [UInt8], writes: [Write], lastReset: Int?, analysis: FunctionAnalysis,
        barSizes: BARSizes, target: Target, seed: UInt64
    ) {
        guard qemu.count == cfgtui.count else {
            Issue.record("\(target.name): QEMU gave \(qemu.count) bytes, cfgtui \(cfgtui.count)")
            return
        }
        var compared = [Bool](repeating: false, count: qemu.count)
        for offset in 0..<min(analysis.context.headerLayout.headerLength, qemu.count) { compared[offset] = true }
        for capability in analysis.capabilities {
            let extent = capability.extent
            for offset in extent.start.rawValue..<min(extent.end.rawValue, qemu.count) { compared[offset] = true }
        }
        func writtenAfter(_ step: Int?) -> [Bool] {
            var written = [Bool](repeating: false, count: qemu.count)
            guard let step else { return written }
            for write in writes[(step + 1)...] {
                for offset in write.offset..<min(write.offset + write.width, qemu.count) { written[offset] = true }
            }
            return written
        }
        // QEMU's x3130 switch ports reset on Device Control bit 15 (see the explanations).
        var lastQEMUReset: Int?
        if let express = analysis.context.express, !express.portType.isRootComplexIntegrated,
            express.portType != .endpoint, express.portType != .legacyEndpoint,
            (analysis.space.dword(at: express.offset.rawValue + 4) ?? 0) & (1 << 28) != 0
        {
            let control = express.offset.rawValue + 9
            for (index, write) in writes.enumerated()
            where write.offset <= control && control < write.offset + write.width
                && (write.value >> UInt32(8 * (control - write.offset))) & 0x80 != 0
            {
                lastQEMUReset = index
            }
        }
        let context = ExplanationContext(
            target: target.name, analysis: analysis, start: start, qemu: qemu, cfgtui: cfgtui,
            map: AccessMap(analysis: analysis, barSizes: barSizes, gapsAreStorage: true), wasReset: lastReset != nil,
            writtenAfterReset: writtenAfter(lastReset), wasResetByQEMU: lastQEMUReset != nil,
            writtenAfterQEMUReset: writtenAfter(lastQEMUReset))
        var unexplained = [String]()
        var explained = [String: Int]()
        for offset in 0..<qemu.count where compared[offset] && qemu[offset] != cfgtui[offset] {
            var bits = qemu[offset] ^ cfgtui[offset]
            for explanation in Self.explanations {
                let covered = explanation.bits(offset, context) & bits
                if covered != 0 {
                    explained[explanation.reason, default: 0] += covered.nonzeroBitCount
                    bits &= ~covered
                }
            }
            if bits != 0 {
                let history = writes.filter { $0.offset <= offset && offset < $0.offset + $0.width }.suffix(4)
                    .map { String(format: "0x%03x.%d=0x%x", $0.offset, $0.width, $0.value) }.joined(separator: " ")
                unexplained.append(
                    String(
                        format: "0x%03x: start %02x qemu %02x cfgtui %02x (bits %02x) %@ [last writes: %@]", offset,
                        start[offset], qemu[offset], cfgtui[offset], bits, context.describe(offset), history))
            }
        }
        for (reason, count) in explained.sorted(by: { $0.key < $1.key }) {
            print("oracle \(target.name): \(count) bits explained: \(reason)")
        }
        if !unexplained.isEmpty {
            let list = unexplained.prefix(40).joined(separator: "\n")
            Issue.record("\(target.name) (seed \(seed)): \(unexplained.count) unexplained differences:\n\(list)")
        }
    }

    // MARK: - Explained differences

    struct ExplanationContext {
        var target: String
        var analysis: FunctionAnalysis
        var start: [UInt8]
        var qemu: [UInt8]
        var cfgtui: [UInt8]
        /// cfgtui's attributes for the starting bytes.
        var map: AccessMap
        /// Whether cfgtui reset the function during the run, and which bytes were written after
        /// the last reset.
        var wasReset: Bool
        var writtenAfterReset: [Bool]
        /// Whether QEMU reset the function (x3130 ports' Device Control bit 15), and which bytes
        /// were written after its last reset.
        var wasResetByQEMU: Bool
        var writtenAfterQEMUReset: [Bool]

        var isExpress: Bool { analysis.context.express != nil }

        /// Whether the target's name contains any of `names`.
        func isTarget(_ names: String...) -> Bool { names.contains { target.contains($0) } }

        /// The bits of `offset` that differ.
        func differing(_ offset: Int) -> UInt8 { qemu[offset] ^ cfgtui[offset] }

        /// `mask` when the byte is in capability `kind` at relative offset `relative`.
        func capability(_ kind: CapabilityKind, _ relative: Int, _ offset: Int, _ mask: UInt8) -> UInt8 {
            guard let found = capability(at: offset), found.kind == kind, found.relative == relative else { return 0 }
            return mask
        }

        /// The capability containing `offset` and the offset within it.
        func capability(at offset: Int) -> (kind: CapabilityKind, relative: Int)? {
            for capability in analysis.capabilities where capability.extent.contains(ConfigOffset(offset)) {
                return (capability.kind, offset - capability.offset.rawValue)
            }
            return nil
        }

        func describe(_ offset: Int) -> String {
            guard let found = capability(at: offset) else { return "header" }
            return String(
                format: "%@+0x%02x", CapabilityCatalog.definition(for: found.kind).abbreviation, found.relative)
        }
    }

    struct Explanation {
        var reason: String
        /// The bits of the byte at `offset` this explanation covers.
        var bits: @Sendable (Int, ExplanationContext) -> UInt8
    }

    /// Each difference between QEMU 7.2 and cfgtui, with why. References: PCI Local Bus 3.0
    /// (PCI), PCI Bus Power Management 1.2 (PCI PM), PCIe Base 6.0 (PCIe), QEMU 7.2 hw/pci.
    static let explanations: [Explanation] = [
        Explanation(
            reason:
                "cfgtui reset the function (FLR, or D3hot to D0 without No_Soft_Reset: PCIe r6 §6.6.2, PCI PM 1.2 §5.4.1): non-sticky state back to the start; QEMU 7.2 has no PM soft reset, and its FLR (pci_device_reset) resets only Command, Status, Cache Line Size, Interrupt Line, BARs, MSI/MSI-X and SR-IOV Control"
        ) { offset, context in
            guard context.wasReset, !context.writtenAfterReset[offset] else { return 0 }
            let rule = context.map.rules[offset]
            let resettable = (rule.take | rule.clear) & ~rule.sticky
            return resettable & ~(context.cfgtui[offset] ^ context.start[offset])
        },
        Explanation(
            reason:
                "QEMU's x3130 switch ports advertise FLR (Device Capabilities bit 28) and reset on Device Control bit 15; PCIe r6 §7.5.3.3 makes FLR an endpoint feature (bit 28 is 0 for ports, bit 15 RsvdP)"
        ) { offset, context in
            guard context.wasResetByQEMU, !context.writtenAfterQEMUReset[offset] else { return 0 }
            // Back to QEMU's own reset values: the start, except the bus numbers the walk set.
            if (0x18...0x1A).contains(offset) && context.qemu[offset] == 0 { return 0xFF }
            return ~(context.qemu[offset] ^ context.start[offset])
        },
        Explanation(
            reason:
                "QEMU 7.2's SR-IOV VFs implement Command's I/O Space Enable, Memory Space Enable and Interrupt Disable (the kernel's pci_enable_device and vfio's INTx masking then set them); PCIe r6 §9.3.4.1.3: RO 0 in a VF"
        ) { offset, context in
            guard context.analysis.context.isVirtualFunction else { return 0 }
            return offset == 0x04 ? 0x03 : offset == 0x05 ? 0x04 : 0
        },
        Explanation(
            reason:
                "QEMU's pci_init_wmask leaves Command.Parity Error Response read-only; PCI §6.2.2, PCIe r6 §7.5.1.1.3: RW"
        ) { offset, _ in offset == 0x04 ? 0x40 : 0 },
        Explanation(
            reason:
                "conventional functions: Special Cycle, Memory Write and Invalidate, VGA Palette Snoop and Fast Back-to-Back Enable are optional (PCI §6.2.2, hardwired 0 when not implemented); QEMU implements none, cfgtui's catalog makes them RW"
        ) { offset, context in
            guard !context.isExpress else { return 0 }
            return offset == 0x04 ? 0x38 : offset == 0x05 ? 0x02 : 0
        },
        Explanation(
            reason:
                "conventional functions: QEMU keeps the Latency Timer read-only (PCI §6.2.4 lets a function hardwire it); cfgtui's catalog makes it RW"
        ) { offset, context in !context.isExpress && offset == 0x0D ? 0xFF : 0 },
        Explanation(
            reason:
                "QEMU's x3130 switch ports keep Cache Line Size read-only; PCIe r6 §7.5.1.1.7: RW (no effect on PCIe)"
        ) { offset, context in context.isTarget("x3130", "xio3130") && offset == 0x0C ? 0xFF : 0 },
        Explanation(
            reason:
                "QEMU's xio3130-downstream keeps Command.SERR# Enable read-only (QEMU_PCI_CAP_SERR unset); PCIe r6 §7.5.1.1.3: RW"
        ) { offset, context in context.isTarget("xio3130-downstream") && offset == 0x05 ? 0x01 : 0 },
        Explanation(
            reason:
                "QEMU's bridges make the Secondary Latency Timer writable; PCIe r6 §7.5.1.3.4: RO, hardwired 0 on PCI Express"
        ) { offset, context in
            context.isExpress && context.analysis.context.headerLayout == .bridge && offset == 0x1B ? 0xFF : 0
        },
        Explanation(
            reason:
                "QEMU's xio3130-downstream implements no I/O window (PCI-to-PCI Bridge 1.2 §3.2.5.6 lets it hardwire I/O Base/Limit to 0); a dump cannot tell that from an empty window, so cfgtui keeps the address bits RW"
        ) { offset, context in context.isTarget("xio3130-downstream") && (offset == 0x1C || offset == 0x1D) ? 0xF0 : 0
        },
        Explanation(
            reason:
                "QEMU limits MSI Multiple Message Enable to Multiple Message Capable only while MSI is enabled (hw/pci/msi.c msi_write_config); PCI §6.8.1.3 leaves a larger value undefined, cfgtui always limits it"
        ) { offset, context in
            let mask = context.capability(.standard(.msi), 2, offset, 0x70)
            guard mask != 0 else { return 0 }
            let capable = (context.qemu[offset] >> 1) & 7
            return (context.qemu[offset] >> 4) & 7 > capable ? mask : 0
        },
        Explanation(
            reason:
                "QEMU's e1000e and nvme leave PCIe Device Control read-only but for FLR (no pcie_cap_deverr_init); PCIe r6 §7.5.3.4: the error reporting enables, Relaxed Ordering, MPS, No Snoop and MRRS are RW"
        ) { offset, context in
            guard context.isTarget("e1000e", "nvme") else { return 0 }
            return context.capability(.standard(.pciExpress), 8, offset, 0xFF)
                | context.capability(.standard(.pciExpress), 9, offset, 0x7F)
        },
        Explanation(
            reason:
                "QEMU's PCIe Device Control implements only the error reporting enables (pcie_cap_deverr_init); PCIe r6 §7.5.3.4: Relaxed Ordering, Max_Payload_Size, Aux Power PM, No Snoop and Max_Read_Request_Size are RW"
        ) { offset, context in
            context.capability(.standard(.pciExpress), 8, offset, 0xF0)
                | context.capability(.standard(.pciExpress), 9, offset, 0x7C)
        },
        Explanation(
            reason:
                "QEMU 7.2's PCIe Link Control is read-only; PCIe r6 §7.5.3.7: ASPM Control, RCB, Link Disable (ports), Common Clock Configuration, Extended Synch, Clock PM Enable and HAWD are RW"
        ) { offset, context in
            context.capability(.standard(.pciExpress), 0x10, offset, 0xFF)
                | context.capability(.standard(.pciExpress), 0x11, offset, 0xFF)
        },
        Explanation(
            reason:
                "QEMU's PCIe Link Control 2 is read-only; PCIe r6 §7.5.3.19: Target Link Speed, Enter Compliance, HASD, Transmit Margin, Enter Modified Compliance, Compliance SOS and Compliance Preset are RWS"
        ) { offset, context in
            context.capability(.standard(.pciExpress), 0x30, offset, 0xFF)
                | context.capability(.standard(.pciExpress), 0x31, offset, 0xFF)
        },
        Explanation(
            reason:
                "QEMU's PCIe Device Control 2 implements only End-End TLP Prefix Blocking (and ARI Forwarding on ports), even without End-End TLP Prefix Supported; PCIe r6 §7.5.3.16: AtomicOp Requester Enable and the IDO enables are RW, bit 15 RsvdP without the prefix support"
        ) { offset, context in
            context.capability(.standard(.pciExpress), 0x28, offset, 0x40)
                | context.capability(.standard(.pciExpress), 0x29, offset, 0x83)
        },
        Explanation(
            reason:
                "QEMU's hot-plug controller model sets Slot Status Command Completed after each Slot Control write and toggles Electromechanical Interlock Status on EIC even without an interlock (PCIe r6 §6.7.3.2, §7.5.3.11); cfgtui does not model hot-plug events"
        ) { offset, context in context.capability(.standard(.pciExpress), 0x1A, offset, 0x90) },
        Explanation(
            reason:
                "QEMU 7.2's Slot Control keeps Power Fault Detected Enable and Auto Slot Power Limit Disable read-only; PCIe r6 §7.5.3.10: RW on ports with a slot and power controller"
        ) { offset, context in
            context.capability(.standard(.pciExpress), 0x18, offset, 0x02)
                | context.capability(.standard(.pciExpress), 0x19, offset, 0x20)
        },
        Explanation(
            reason:
                "QEMU's Root Control implements only the System Error enables (pcie_cap_root_init); PCIe r6 §7.5.3.12: PME Interrupt Enable is RW"
        ) { offset, context in context.capability(.standard(.pciExpress), 0x1C, offset, 0x08) },
        Explanation(
            reason:
                "QEMU's ATS Control makes STU bits 3:0 writable but not bit 4 (pcie_ats_init wmask 0x800F); PCIe r6 §10.5.1.3: STU 4:0 RW"
        ) { offset, context in context.capability(.extended(.addressTranslationServices), 6, offset, 0x10) },
        Explanation(
            reason:
                "QEMU's e1000e makes PMCSR PME_En and Data_Select writable although PMC reports no PME support and the Data register reads 0; PCI PM 1.2 §3.2.4 hardwires Data_Select to 0 without a Data register and permits it for PME_En without PME support"
        ) { offset, context in
            context.isTarget("e1000e") ? context.capability(.standard(.powerManagement), 5, offset, 0x1F) : 0
        },
        Explanation(
            reason:
                "QEMU 7.2 stores SR-IOV NumVFs above TotalVFs and while VF Enable is set; SR-IOV 1.1 §3.3.10: NumVFs may change only while VF Enable is clear and values above TotalVFs are undefined (cfgtui ignores such writes)"
        ) { offset, context in
            guard
                context.capability(.extended(.singleRootIOV), 0x10, offset, 1) != 0
                    || context.capability(.extended(.singleRootIOV), 0x11, offset, 1) != 0,
                let sriov = context.analysis.capability(.extended(.singleRootIOV))
            else { return 0 }
            let base = sriov.offset.rawValue
            let total = Int(context.start[base + 0x0E]) | Int(context.start[base + 0x0F]) << 8
            let numVFs = Int(context.qemu[base + 0x10]) | Int(context.qemu[base + 0x11]) << 8
            let enabled = context.qemu[base + 8] & 1 != 0 || context.cfgtui[base + 8] & 1 != 0
            return numVFs > total || enabled ? 0xFF : 0
        },
        Explanation(
            reason:
                "QEMU 7.2's Slot Control keeps Data Link Layer State Changed Enable read-only although the port reports Data Link Layer Link Active Reporting Capable; PCIe r6 §7.5.3.10: RW then"
        ) { offset, context in context.capability(.standard(.pciExpress), 0x19, offset, 0x10) },
        Explanation(
            reason:
                "QEMU 7.2: AER Uncorrectable Error Mask is read-only (its wmask arrived in QEMU 8.0, commit 9a6ef182c0); PCIe r6 §7.8.4.3: RWS"
        ) { offset, context in
            (0x08...0x0B).reduce(UInt8(0)) {
                $0 | context.capability(.extended(.advancedErrorReporting), $1, offset, 0xFF)
            }
        },
        Explanation(
            reason:
                "QEMU implements the uncorrectable errors up to TLP Prefix Blocked (bit 25); the later ones (Poisoned TLP Egress Blocked ... TLP Translation Egress Blocked) are optional, PCIe r6 §7.8.4.4 lets their severity bits be hardwired"
        ) { offset, context in context.capability(.extended(.advancedErrorReporting), 0x0F, offset, 0xFC) },
        Explanation(
            reason:
                "vendor-defined bytes: cfgtui stores writes (the layout is the vendor's, PCI §6.7); QEMU's virtio-pci and ICH9 vendor capabilities are read-only except the VIRTIO_PCI_CAP_PCI_CFG window (virtio 1.1 §4.1.4.7)"
        ) { offset, context in
            guard let found = context.capability(at: offset), found.kind == .standard(.vendorSpecific),
                found.relative >= 3
            else { return 0 }
            return 0xFF
        },
        Explanation(
            reason:
                "QEMU 7.2's nvme PMCSR takes any PowerState (no pci_pm_update before QEMU 10); PCI PM 1.2 §5.4.1: a write of an unsupported state (D1/D2 without D1_Support/D2_Support) is discarded"
        ) { offset, context in
            guard context.capability(.standard(.powerManagement), 4, offset, 0x03) != 0 else { return 0 }
            let state = Int(context.qemu[offset] & 3)
            guard let pm = context.analysis.capability(.standard(.powerManagement)),
                let capabilities = context.analysis.space.word(at: pm.offset.rawValue + 2)
            else { return 0 }
            return (state == 1 || state == 2) && capabilities & (1 << (8 + state)) == 0 ? 0x03 : 0
        },
    ]

}

// MARK: - qtest

/// A QEMU process driven over the qtest protocol on its stdin/stdout.
final class QTestSession {
    static let ecamBase = 0xB000_0000
    private let process = Process()
    private let input: FileHandle
    private let output: FileHandle
    private var pending = [UInt8]()
    private var nextBus = 1

    init(qemu: String, arguments: [String]) throws {
        process.executableURL = URL(fileURLWithPath: qemu)
        process.arguments =
            [
                "-machine", "q35", "-S", "-qtest", "stdio", "-qtest-log", "/dev/null", "-display", "none",
                "-nodefaults",
                "-monitor", "none", "-serial", "none",
            ] + arguments
        let stdinPipe = Pipe()
        let stdoutPipe = Pipe()
        process.standardInput = stdinPipe
        process.standardOutput = stdoutPipe
        process.standardError = FileHandle.nullDevice
        input = stdinPipe.fileHandleForWriting
        output = stdoutPipe.fileHandleForReading
        try process.run()
    }

    /// QEMU with -qtest ignores SIGTERM while the machine is stopped: SIGKILL it.
    func close() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Sends a command and returns what follows "OK".
    @discardableResult
    func command(_ line: String) throws -> String {
        input.write(Data((line + "\n").utf8))
        while true {
            let response = try readLine()
            if response.hasPrefix("IRQ") { continue }
            guard response.hasPrefix("OK") else {
                throw Failure(description: "qtest: '\(line)' answered '\(response)'")
            }
            return String(response.dropFirst(2)).trimmingCharacters(in: .whitespaces)
        }
    }

    private func readLine() throws -> String {
        while true {
            if let newline = pending.firstIndex(of: 0x0A) {
                let line = String(decoding: pending[..<newline], as: UTF8.self)
                pending.removeSubrange(...newline)
                return line
            }
            let data = output.availableData
            guard !data.isEmpty else { throw Failure(description: "qtest: QEMU exited") }
            pending += data
        }
    }

    static func ecam(_ bdf: (Int, Int, Int), _ offset: Int) -> Int {
        ecamBase | bdf.0 << 20 | bdf.1 << 15 | bdf.2 << 12 | offset
    }

    func read32(_ bdf: (Int, Int, Int), _ offset: Int) throws -> UInt32 {
        let text = try command(String(format: "readl 0x%x", Self.ecam(bdf, offset)))
        return UInt32(text.dropFirst(2), radix: 16) ?? 0
    }

    func write(_ bdf: (Int, Int, Int), _ offset: Int, _ width: Int, _ value: UInt32) throws {
        let operation = width == 1 ? "writeb" : width == 2 ? "writew" : "writel"
        try command(String(format: "%@ 0x%x 0x%x", operation, Self.ecam(bdf, offset), value))
    }

    /// q35: PCIEXBAR (MCH 00:00.0, 0x60) through CF8/CFC, as no firmware runs.
    func enableECAM() throws {
        try command("outl 0xcf8 0x80000064")
        try command("outl 0xcfc 0x0")
        try command("outl 0xcf8 0x80000060")
        try command(String(format: "outl 0xcfc 0x%x", Self.ecamBase | 1))
    }

    func isPresent(_ bdf: (Int, Int, Int)) throws -> Bool {
        let vendor = try read32(bdf, 0) & 0xFFFF
        return vendor != 0xFFFF && vendor != 0
    }

    /// Numbers the buses below every bridge, as firmware would (depth first from bus 0).
    func walk(bus: Int = 0) throws {
        for device in 0..<32 {
            for function in 0..<8 {
                let bdf = (bus, device, function)
                guard try isPresent(bdf) else { continue }
                let headerType = (try read32(bdf, 0x0C) >> 16) & 0x7F
                guard headerType == 1 else { continue }
                let secondary = nextBus
                nextBus += 1
                try write(bdf, 0x18, 1, UInt32(bus))
                try write(bdf, 0x19, 1, UInt32(secondary))
                try write(bdf, 0x1A, 1, 0xFF)
                try walk(bus: secondary)
                try write(bdf, 0x1A, 1, UInt32(nextBus - 1))
            }
        }
    }

    /// The function's bytes: 4096 with a PCI Express capability, else 256 (as sysfs).
    func dump(_ bdf: (Int, Int, Int)) throws -> [UInt8] {
        var bytes = [UInt8]()
        for offset in stride(from: 0, to: 256, by: 4) { bytes += try dword(bdf, offset) }
        let space = ConfigSpace(bytes: bytes)
        if FunctionAnalysis(space: space).context.express != nil {
            for offset in stride(from: 256, to: 4096, by: 4) { bytes += try dword(bdf, offset) }
        }
        return bytes
    }

    private func dword(_ bdf: (Int, Int, Int), _ offset: Int) throws -> [UInt8] {
        let value = try read32(bdf, offset)
        return (0..<4).map { UInt8(truncatingIfNeeded: value >> UInt32(8 * $0)) }
    }

    /// The all-ones probe on BARs, the ROM and VF BARs, restoring each; `--bar-size` values.
    func probeBARs(_ bdf: (Int, Int, Int), start: [UInt8]) throws -> (options: [String], sizes: BARSizes) {
        let space = ConfigSpace(bytes: start)
        let analysis = FunctionAnalysis(space: space)
        var sizes = [String]()
        var model = BARSizes()
        func probe(_ offset: Int, count: Int, name: (Int) -> String, slot: (Int) -> BARSlot) throws {
            var index = 0
            while index < count {
                let position = offset + 4 * index
                let original = space.dword(at: position) ?? 0
                try write(bdf, position, 4, 0xFFFF_FFFF)
                let low = try read32(bdf, position)
                try write(bdf, position, 4, original)
                let isIO = original & 1 == 1
                let is64Bit = !isIO && (original >> 1) & 3 == 2 && index + 1 < count
                var mask = UInt64(low & (isIO ? ~UInt32(3) : ~UInt32(0xF)))
                if is64Bit {
                    let upperOriginal = space.dword(at: position + 4) ?? 0
                    try write(bdf, position + 4, 4, 0xFFFF_FFFF)
                    let high = try read32(bdf, position + 4)
                    try write(bdf, position + 4, 4, upperOriginal)
                    mask |= UInt64(high) << 32
                } else if mask != 0 {
                    mask |= 0xFFFF_FFFF_0000_0000
                }
                let size = mask == 0 ? 0 : (~mask &+ 1) & (isIO ? 0xFFFF_FFFF : UInt64.max)
                sizes.append("\(name(index))=\(size)")
                model[slot(index)] = size
                index += is64Bit ? 2 : 1
            }
        }
        switch analysis.context.headerLayout {
        case .endpoint: try probe(0x10, count: 6, name: { "\($0)" }, slot: BARSlot.bar)
        case .bridge: try probe(0x10, count: 2, name: { "\($0)" }, slot: BARSlot.bar)
        default: break
        }
        let romOffset = analysis.context.headerLayout == .bridge ? 0x38 : 0x30
        if analysis.context.headerLayout != .cardBus {
            let original = space.dword(at: romOffset) ?? 0
            try write(bdf, romOffset, 4, 0xFFFF_F800)
            let value = try read32(bdf, romOffset) & 0xFFFF_F800
            try write(bdf, romOffset, 4, original)
            let size = UInt64(value == 0 ? 0 : (~value &+ 1) & 0xFFFF_FFFF)
            sizes.append("rom=\(size)")
            model[.expansionROM] = size
        }
        if let sriov = analysis.capability(.extended(.singleRootIOV)) {
            try probe(sriov.offset.rawValue + 0x24, count: 6, name: { "vf\($0)" }, slot: BARSlot.virtualFunctionBAR)
        }
        return (sizes, model)
    }
}

/// A small seeded generator (SplitMix64), so failures reproduce.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension String {
    /// A hash that is the same in every run (Swift's hashValue is seeded per process).
    var hashValueStable: UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01B3
        }
        return hash
    }
}
