import Foundation
import Model
import Testing

/// The qemu model against real QEMU 7.2 on the real Linux vfio-pci.
///
/// `scripts/qemu_vfio_oracle.py` boots Debian's Linux 6.1 in a throwaway QEMU guest (as the
/// kernel oracle does), binds QEMU's devices to vfio-pci, and inside that guest starts a second
/// QEMU 7.2 under qtest with `-device vfio-pci` on each function, on q35's root bus or behind a
/// pcie-root-port. qtest reads and writes the function's config space through ECAM, as a guest's
/// accesses arrive; the guest's view (`guest-*`) and the device's sysfs config (`dev-*`) are
/// dumped at every checkpoint. cfgtui gets the device's config before vfio opened it and the
/// kernel's BAR sizes; the same accesses go through `cfgtui simulate --model qemu --guest-bus`,
/// and both views at every checkpoint, and every read value, are compared (read values on the
/// bits QEMU or vfio emulate; the rest come from the device, whose view is compared). QEMU device
/// deviations are explained as in the kernel oracle. Guest accesses are naturally aligned.
/// CFGTUI_ORACLE_SEED replays a run; CFGTUI_ORACLE_KEEP=DIR keeps the outputs.
@Suite(.serialized, .requires(.qemu, .vfioOracle)) struct QemuVfioOracleTests {
    static let accessesPerTarget = 256

    struct Configuration: CustomTestStringConvertible, Sendable {
        var bus: QemuGuestBus
        var testDescription: String { bus.rawValue }
    }

    static let configurations = [
        Configuration(bus: .root), Configuration(bus: .rootPort), Configuration(bus: .conventional),
    ]

    @Test(arguments: QemuVfioOracleTests.configurations)
    func simulatorMatchesQemu(_ configuration: Configuration) throws {
        try Requirement.check(.qemu, .vfioOracle)
        let name = configuration.bus.rawValue
        let seed = QemuWriteOracleTests.seed ^ 0x0E_3A_0E_3A ^ name.hashValueStable
        print("qemu oracle \(name): seed \(seed) (CFGTUI_ORACLE_SEED=\(QemuWriteOracleTests.seed))")
        let (directory, keep) = try VfioOracleTests.workDirectory("qemu-\(name)")
        defer { if !keep { try? FileManager.default.removeItem(at: directory) } }
        var generator = SplitMix64(seed: seed)
        let (output, probe) = try VfioOracleTests.runOracle(
            "qemu oracle \(name)", tool: Tooling.qemuVfioOraclePath, cache: Tooling.qemuVfioOracleCache,
            arguments: ["--guest-bus", name], directory: directory
        ) { Self.randomScript(&generator) }
        let layer = VfioOracleTests.Layer(
            guestStage: "guest", arguments: ["--model", "qemu", "--guest-bus", name],
            options: SimulationOptions(model: .qemu, qemu: QemuOptions(bus: configuration.bus)),
            name: "QEMU 7.2's vfio-pci (\(name))", reach: configuration.bus == .conventional ? 0x100 : 0x1000,
            deviceExplanations: Self.hostExplanations)
        var totals = VfioOracleTests.Totals()
        for target in VfioOracleTests.targets {
            try VfioOracleTests.compare(
                target, output: output, directory: directory, probe: probe, totals: &totals, layer: layer)
        }
        print(
            "qemu oracle \(name): \(VfioOracleTests.targets.count) functions, \(totals.accesses) accesses, "
                + "\(totals.reads) reads, \(totals.bytes) bytes compared at \(totals.checkpoints) checkpoints, "
                + "\(totals.explainedBits) bits explained, \(totals.unexplained) unexplained")
        #expect(totals.checkpoints >= VfioOracleTests.targets.count * 2)
    }

    /// What the host kernel did that cfgtui does not simulate, as the oracle's output shows it.
    /// MSI's address and data: when the guest enables MSI, QEMU has the kernel allocate a host
    /// vector (VFIO_DEVICE_SET_IRQS) and the kernel writes its own address (0xFEExxxxx on x86)
    /// and data into the device. MSI refused: when QEMU's stderr says the kernel refused the MSI
    /// setup, the device's MSI Enable and Multiple Message Enable stay off, where cfgtui assumes
    /// the host grants it.
    static func hostExplanations(output: URL, suffix: String) -> [(reason: String, bits: (Int) -> UInt8)] {
        func bytes(_ stage: String) -> [UInt8] {
            let url = output.appendingPathComponent("o-\(stage)-\(suffix).txt")
            guard let data = try? Data(contentsOf: url),
                let functions = try? LspciDump.read([UInt8](data), file: url.path)
            else { return [] }
            return functions.first?.space.bytes ?? []
        }
        let device = bytes("dev-after")
        guard device.count >= 0x100 else { return [] }
        let analysis = FunctionAnalysis(space: ConfigSpace(bytes: device))
        let msi = analysis.capability(.standard(.msi))?.offset.rawValue
        let msix = analysis.capability(.standard(.msix))?.offset.rawValue
        var result = [(reason: String, bits: (Int) -> UInt8)]()
        // At any checkpoint: the guest may later overwrite what the kernel wrote.
        let programmed = ["before", "c1", "c2", "c3", "after"].contains { stage in
            let bytes = bytes("dev-\(stage)")
            guard let msi, bytes.count > msi + 8 else { return false }
            return (ConfigSpace(bytes: bytes).dword(at: msi + 4) ?? 0) & 0xFFF0_0000 == 0xFEE0_0000
        }
        if let msi, programmed {
            let end = msi + (device[msi + 2] & 0x80 != 0 ? 0x0E : 0x0A)
            result.append(
                ("MSI address and data the host kernel programmed (host values)", { (msi + 4)..<end ~= $0 ? 0xFF : 0 }))
        }
        let stderr = String(
            decoding: (try? Data(contentsOf: output.appendingPathComponent("o-qemu-stderr-\(suffix).txt"))) ?? Data(),
            as: UTF8.self)
        if let msi, stderr.contains("Failed to enable MSI") {
            result.append(("the host kernel refused QEMU's MSI setup (QEMU's stderr)", { $0 == msi + 2 ? 0x71 : 0 }))
        }
        if let msix, stderr.contains("failed to enable vectors") {
            result.append(("the host kernel refused QEMU's MSI-X setup (QEMU's stderr)", { $0 == msix + 3 ? 0x80 : 0 }))
        }
        return result
    }

    /// Seeded random guest accesses: naturally aligned reads and writes of 1, 2 and 4 bytes in
    /// the header (BAR sizing, Command), the capabilities by ID (resolved in the guest's view)
    /// and anywhere in the space; a checkpoint every 64.
    static func randomScript(_ generator: inout SplitMix64) -> String {
        func pick(_ count: Int) -> Int { Int(generator.next() % UInt64(count)) }
        var lines = ["# cfgtui qemu oracle"]
        for index in 0..<accessesPerTarget {
            if index > 0 && index % VfioOracleTests.checkpointEvery == 0 {
                lines.append("D c\(index / VfioOracleTests.checkpointEvery)")
            }
            let width = [1, 2, 4][pick(3)]
            var place = ""
            var offset: Int
            switch pick(10) {
            case 0, 1, 2, 3:
                let structure = VfioOracleTests.structures[pick(VfioOracleTests.structures.count)]
                offset = pick(structure.length)
                place = "\(structure.name)+"
            case 4:
                offset = [0x04, 0x04, 0x06, 0x10, 0x14, 0x18, 0x1C, 0x20, 0x24, 0x30, 0x3C][pick(11)]
            case 5, 6: offset = pick(0x100)
            default: offset = pick(0x1000)
            }
            // Capability offsets are dword aligned, so aligning the offset from it aligns the access.
            offset &= ~(width - 1)
            let text = place + String(offset, radix: 16)
            if pick(100) < 35 {
                lines.append("R \(text) \(width)")
            } else {
                let mask: UInt64 = (1 << UInt64(8 * width)) - 1
                let value: UInt64 =
                    switch pick(8) {
                    case 0, 1: mask
                    case 2: 0
                    default: generator.next() & mask
                    }
                lines.append("W \(text) \(width) \(String(value, radix: 16))")
                if place.isEmpty && (0x10...0x30).contains(offset) && value == mask && pick(2) == 0 {
                    lines.append("R \(text) \(width)")
                }
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
