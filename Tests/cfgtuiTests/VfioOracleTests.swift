import Foundation
import Model
import Testing

/// The vfio model against the real Linux vfio-pci.
///
/// `../shared/tools/vfio_oracle/vfio_oracle.py` boots Debian's Linux 6.1 in a throwaway QEMU
/// guest with an emulated IOMMU, binds QEMU's devices to vfio-pci and applies an access script
/// through the vfio config region, writing the guest's view (`vfio-*`) and the device's own
/// config (`dev-*`) at every checkpoint. cfgtui gets what a user has on the host: the device's
/// config before vfio opened it (`dev-initial`; the PF and its VF in one dump) and the BAR sizes
/// the kernel's probe found (the guest's dmesg). The same accesses go through `cfgtui simulate
/// --model vfio`, and every byte of both views at every checkpoint, and every read value, is
/// compared: read values on the bits vfio virtualizes (the rest it reads from the device, whose
/// view is compared at each checkpoint). A difference is either a QEMU device deviation the QEMU
/// oracle explains (for the device view, and for guest bits vfio reads from the device) or a
/// failure.
/// CFGTUI_ORACLE_SEED replays a run (the seed is printed); CFGTUI_ORACLE_KEEP=DIR keeps the
/// oracle's output and cfgtui's dumps there.
@Suite(.serialized, .requires(.qemu, .vfioOracle)) struct VfioOracleTests {
    static let accessesPerTarget = 320
    static let checkpointEvery = 64

    /// A function the oracle opens: a preset name (or PF/vfN) and its guest address.
    struct Target: Sendable {
        var spec: String
        var address: String
        /// The PF whose dump goes with a VF's.
        var physicalFunction: String?
        var name: String
    }

    static let devices = "nvme-sriov,e1000e,virtio-net"
    static let targets = [
        Target(spec: "nvme-sriov", address: "01:00.0", physicalFunction: nil, name: "nvme SR-IOV PF"),
        Target(spec: "nvme-sriov/vf0", address: "01:00.1", physicalFunction: "01:00.0", name: "nvme VF"),
        Target(spec: "e1000e", address: "02:00.0", physicalFunction: nil, name: "e1000e"),
        Target(spec: "virtio-net", address: "03:00.0", physicalFunction: nil, name: "virtio-net"),
    ]

    /// How vfio-pci is loaded: by default an idle bound device is runtime-suspended (D3hot) when
    /// the user dumps it; with disable_idle_d3=1 it stays in D0.
    struct Configuration: CustomTestStringConvertible, Sendable {
        var name: String
        var parameters: [String]
        var testDescription: String { name }
    }

    static let configurations = [
        Configuration(name: "idle-d3", parameters: []),
        Configuration(name: "disable_idle_d3", parameters: ["--vfio-pci-params", "disable_idle_d3=1"]),
    ]

    @Test(arguments: VfioOracleTests.configurations)
    func simulatorMatchesLinuxVfioPCI(_ configuration: Configuration) throws {
        try Requirement.check(.qemu, .vfioOracle)
        let seed = QemuWriteOracleTests.seed ^ 0x0F10_0F10 ^ configuration.name.hashValueStable
        print("vfio oracle \(configuration.name): seed \(seed) (CFGTUI_ORACLE_SEED=\(QemuWriteOracleTests.seed))")
        let (directory, keep) = try Self.workDirectory("vfio-\(configuration.name)")
        defer { if !keep { try? FileManager.default.removeItem(at: directory) } }
        var generator = SplitMix64(seed: seed)
        let (output, probe) = try Self.runOracle(
            "vfio oracle", tool: Tooling.vfioOraclePath, cache: Tooling.vfioOracleCache,
            arguments: configuration.parameters, directory: directory
        ) { Self.randomScript(&generator) }

        var totals = Totals()
        for target in Self.targets {
            try Self.compare(target, output: output, directory: directory, probe: probe, totals: &totals)
        }
        print(
            "vfio oracle \(configuration.name): \(Self.targets.count) functions, \(totals.accesses) accesses "
                + "(and \(totals.refused) past the end, refused), \(totals.reads) reads, "
                + "\(totals.bytes) bytes compared at \(totals.checkpoints) checkpoints, "
                + "\(totals.explainedBits) bits explained, \(totals.unexplained) unexplained")
    }

    // MARK: - Running an oracle

    /// Where a run keeps its files: under CFGTUI_ORACLE_KEEP (kept), else a fresh temporary
    /// directory the caller removes.
    static func workDirectory(_ name: String) throws -> (URL, keep: Bool) {
        let keep = ProcessInfo.processInfo.environment["CFGTUI_ORACLE_KEEP"]
        let directory =
            keep.map { URL(fileURLWithPath: $0).appendingPathComponent(name) }
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("cfgtui-\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return (directory, keep != nil)
    }

    /// Writes one `script()` per target and boots `tool` (vfio_oracle.py or
    /// qemu_vfio_oracle.py: the same targets and script format) with `arguments`. With
    /// CFGTUI_ORACLE_REUSE=1 and CFGTUI_ORACLE_KEEP, a kept run with the same scripts is compared
    /// instead of booting again (for working on the model). Returns the output directory and the
    /// kernel's BAR probe.
    static func runOracle(
        _ label: String, tool: String, cache: URL, arguments extra: [String], directory: URL,
        script: () -> String
    ) throws -> (output: URL, probe: KernelBARProbe) {
        let environment = ProcessInfo.processInfo.environment
        let reuse = environment["CFGTUI_ORACLE_KEEP"] != nil && environment["CFGTUI_ORACLE_REUSE"] == "1"
        let output = directory.appendingPathComponent("out")
        var arguments =
            [
                tool, "--outdir", output.path, "--prefix", "o", "--devices", devices, "--vfs", "nvme-sriov:1",
                "--cache", cache.path,
            ] + extra
        var unchanged = reuse
        for (index, target) in targets.enumerated() {
            let file = directory.appendingPathComponent("script\(index).txt")
            let text = Data(script().utf8)
            if (try? Data(contentsOf: file)) != text { unchanged = false }
            try text.write(to: file)
            arguments += ["--target", "\(target.spec)=\(file.path)"]
        }
        if !unchanged {
            try FileManager.default.createDirectory(at: cache, withIntermediateDirectories: true)
            let started = Date()
            let run = try Tooling.run("/usr/bin/python3", arguments)
            print("\(label): guest run \(String(format: "%.1f", Date().timeIntervalSince(started))) s")
            try #require(run.status == 0, "\(tool) failed (\(run.status)):\n\(run.stderr.suffix(3000))")
        }
        let dmesg = String(decoding: try Data(contentsOf: output.appendingPathComponent("o-dmesg.txt")), as: UTF8.self)
        return (output, KernelBARProbe(dmesg: dmesg))
    }

    // MARK: - The access script

    /// Capabilities the script aims at (oracle syntax) and how many bytes to cover in each.
    static let structures: [(name: String, length: Int)] = [
        ("cap01", 8), ("cap05", 24), ("cap10", 0x3C), ("cap11", 12), ("cap03", 8), ("cap09", 8), ("cap13", 8),
        ("ecap1", 0x48), ("ecap10", 0x40), ("ecape", 8), ("ecap3", 12), ("ecapf", 8), ("ecapd", 8), ("ecap4", 16),
        ("ecap18", 8), ("ecap1b", 8), ("ecap13", 16),
    ]

    /// Seeded random accesses: reads and writes of every width, aligned and not, in the header,
    /// the capabilities (by ID, resolved by the oracle in the vfio view) and anywhere else;
    /// BAR sizing and Command writes; a checkpoint every `checkpointEvery` accesses.
    static func randomScript(_ generator: inout SplitMix64) -> String {
        func pick(_ count: Int) -> Int { Int(generator.next() % UInt64(count)) }
        var lines = ["# cfgtui vfio oracle"]
        for index in 0..<accessesPerTarget {
            if index > 0 && index % checkpointEvery == 0 { lines.append("D c\(index / checkpointEvery)") }
            let widths = [1, 2, 4, 1, 2, 4, 8]
            var width = widths[pick(widths.count)]
            var place: String
            var offset: Int
            switch pick(10) {
            case 0, 1, 2, 3:
                let structure = structures[pick(structures.count)]
                offset = pick(structure.length)
                place = "\(structure.name)+"
            case 4:
                // Command, Status, BARs, ROM, Interrupt Line/Pin: the header's busy registers.
                offset = [0x04, 0x04, 0x05, 0x06, 0x10, 0x14, 0x18, 0x1C, 0x20, 0x24, 0x30, 0x3C, 0x3D][pick(13)]
                place = ""
            case 5, 6:
                offset = pick(0x100)
                place = ""
            default:
                offset = pick(0x1000)
                place = ""
            }
            if pick(10) < 7 { offset &= ~(min(width, 4) - 1) }
            // Now and then an access that runs past the end of the space: vfio_config_do_rw
            // checks the whole count before the first chunk, so it fails (EFAULT) with nothing
            // applied, which the checkpoints confirm; cfgtui refuses it as out of range.
            if place.isEmpty && pick(50) == 0 {
                offset = 0x1000 - 1 - pick(3)
                width = 4
            } else if place.isEmpty && offset + width > 0x1000 {
                width = 0x1000 - offset
            }
            let text = place.isEmpty ? String(format: "%x", offset) : place + String(format: "%x", offset)
            if pick(100) < 35 {
                lines.append("R \(text) \(width)")
            } else {
                let mask: UInt64 = width == 8 ? ~0 : (1 << UInt64(8 * width)) - 1
                let value: UInt64
                switch pick(8) {
                case 0, 1: value = mask
                case 2: value = 0
                default: value = generator.next() & mask
                }
                lines.append("W \(text) \(width) \(String(value, radix: 16))")
                // A BAR sizing probe is usually followed by its read.
                if place.isEmpty && (0x10...0x30).contains(offset) && value == mask && pick(2) == 0 {
                    lines.append("R \(text) \(width)")
                }
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// One line of the oracle's access log.
    struct Access {
        enum Kind { case read(UInt64?), write(UInt64), checkpoint(String) }
        var kind: Kind
        var offset: Int
        var width: Int
    }

    /// The log, with capability offsets resolved; skipped lines (capability absent) and failed
    /// accesses (beyond the region) are left out: neither reached vfio's handlers.
    static func accesses(log: String) -> [Access] {
        var result = [Access]()
        for line in log.split(separator: "\n") where !line.hasPrefix("#") {
            let fields = line.split(separator: " ").map(String.init)
            guard fields.count >= 3 else { continue }
            if fields[1] == "D" {
                result.append(Access(kind: .checkpoint(fields[2]), offset: 0, width: 0))
                continue
            }
            guard let arrow = fields.firstIndex(of: "->"), arrow + 1 < fields.count, fields.count >= 4,
                let offset = Int(fields[2].dropFirst(2), radix: 16), let width = Int(fields[3])
            else { continue }
            let outcome = fields[arrow + 1]
            if fields[1] == "R", outcome.hasPrefix("0x") {
                result.append(
                    Access(kind: .read(UInt64(outcome.dropFirst(2), radix: 16)), offset: offset, width: width))
            } else if fields[1] == "W", outcome == "ok", let value = UInt64(fields[4].dropFirst(2), radix: 16) {
                result.append(Access(kind: .write(value), offset: offset, width: width))
            }
        }
        return result
    }

    /// An access as setpci expressions: split the way vfio_pci_config_rw splits it (the largest
    /// aligned 4, 2 or 1 bytes at each step; vfio then also stops each chunk at a capability's
    /// end, as the model does).
    static func expressions(_ access: Access) -> [(offset: Int, width: Int, text: String)] {
        var pieces = [(offset: Int, width: Int, text: String)]()
        var position = access.offset
        var remaining = access.width
        while remaining > 0 {
            let width = remaining >= 4 && position % 4 == 0 ? 4 : remaining >= 2 && position % 2 == 0 ? 2 : 1
            let letter = [1: "B", 2: "W", 4: "L"][width] ?? "L"
            var text = String(format: "0x%03x.%@", position, letter)
            if case .write(let value) = access.kind {
                let shift = UInt64(8 * (position - access.offset))
                let mask: UInt64 = (1 << UInt64(8 * width)) - 1
                text += "=" + String((value >> shift) & mask, radix: 16)
            }
            pieces.append((position, width, text))
            position += width
            remaining -= width
        }
        return pieces
    }

    // MARK: - Comparing one function

    /// The layer an oracle shows the guest: the kernel's vfio view, or QEMU's on top.
    struct Layer: Sendable {
        /// The oracle's name for the guest view's files (`vfio-LABEL`, `guest-LABEL`).
        var guestStage: String
        /// cfgtui's model arguments.
        var arguments: [String]
        /// The model, for which bits the guest reads from the device.
        var options: SimulationOptions
        /// How messages name it.
        var name: String
        /// The bytes the guest reaches (256 behind a conventional bus): accesses past them never
        /// reach the function (reads return all ones) and the oracle's view past them is all ones.
        var reach = 0x1000
        /// Device differences this oracle's setup explains, per function (the oracle's output
        /// directory and the function's file suffix): a reason and the bits at an offset.
        var deviceExplanations:
            @Sendable (_ output: URL, _ suffix: String) -> [(reason: String, bits: (Int) -> UInt8)] = {
                _, _ in []
            }

        static let vfio = Layer(
            guestStage: "vfio", arguments: ["--model", "vfio"], options: SimulationOptions(), name: "Linux vfio-pci")
    }

    /// The script lines (0-based) at which cfgtui reset the function, from its JSON trace.
    static func resetSteps(
        lines: [String], input: URL, address: String, sizes: [String], directory: URL, layer: Layer
    ) throws -> [Int] {
        let script = directory.appendingPathComponent(
            "script-\(address.replacingOccurrences(of: ":", with: "_"))-all.txt")
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: script)
        let arguments =
            ["simulate", "-F", input.path, "-s", address] + layer.arguments + ["--script", script.path, "--json"]
            + sizes
        guard let output = try Tooling.runCfgtui(arguments), output.status == 0 else { return [] }
        let document = try JSONSerialization.jsonObject(with: output.stdout) as? [String: Any]
        var steps = [Int]()
        for step in document?["steps"] as? [[String: Any]] ?? [] {
            let kinds = (step["notes"] as? [[String: Any]] ?? []).compactMap { $0["kind"] as? String }
            if kinds.contains("softReset") || kinds.contains("functionLevelReset"), let number = step["step"] as? Int {
                steps.append(number - 1)
            }
        }
        return steps
    }

    struct Totals {
        var accesses = 0
        /// Accesses the kernel refused (past the end of the space) and that therefore changed nothing.
        var refused = 0
        var reads = 0
        var bytes = 0
        var checkpoints = 0
        var explainedBits = 0
        var unexplained = 0
    }

    static func compare(
        _ target: Target, output: URL, directory: URL, probe: KernelBARProbe, totals: inout Totals,
        layer: Layer = .vfio
    ) throws {
        let suffix = target.address.replacingOccurrences(of: ":", with: "_")
        func file(_ stage: String, _ address: String = target.address) -> URL {
            output.appendingPathComponent("o-\(stage)-\(address.replacingOccurrences(of: ":", with: "_")).txt")
        }
        func bytes(_ url: URL) throws -> [UInt8] {
            let functions = try LspciDump.read([UInt8](try Data(contentsOf: url)), file: url.path)
            return functions.first?.space.bytes ?? []
        }
        let log = String(decoding: try Data(contentsOf: file("access")), as: UTF8.self)
        try #require(
            log.contains("# status: OK"), "\(target.name): the oracle did not run the script:\n\(log.prefix(2000))")
        var accesses = Self.accesses(log: log)
        var unreachable = [String]()
        accesses.removeAll { access in
            guard case .checkpoint = access.kind else {
                guard access.offset + access.width > layer.reach else { return false }
                if case .read(let value?) = access.kind,
                    value != (access.width == 8 ? ~0 : (1 << (8 * UInt64(access.width))) - 1)
                {
                    unreachable.append(
                        String(
                            format: "read 0x%03x.%d past the reachable bytes: %llx, not all ones", access.offset,
                            access.width, value))
                }
                return true
            }
            return false
        }
        totals.refused += log.split(separator: "\n").filter { $0.contains("-> err") }.count

        // cfgtui's input: the dev-initial dumps (PF first for a VF), as a user has them.
        var input = [UInt8]()
        if let pf = target.physicalFunction { input += try Data(contentsOf: file("dev-initial", pf)) }
        input += try Data(contentsOf: file("dev-initial"))
        let inputURL = directory.appendingPathComponent("input-\(suffix).txt")
        try Data(input).write(to: inputURL)
        let sizes = probe.sizeOptions(for: target.address, physicalFunction: target.physicalFunction)
        let initial = try bytes(file("dev-initial"))
        let analysis = FunctionAnalysis(
            space: ConfigSpace(bytes: initial), isVirtualFunction: target.physicalFunction != nil)
        // Which bits the guest reads from vfio's virtual copy or QEMU's (the rest come from the device).
        let model = try WriteEmulator(
            function: SimulatedFunction(space: analysis.space, isVirtualFunction: target.physicalFunction != nil),
            options: layer.options)
        func virtualized(_ offset: Int) -> UInt8 {
            guard let vfio = model.kernelModel else { return 0 }
            let emulated = UInt8(truncatingIfNeeded: model.qemuLayer?.emulatedMask(at: offset, count: 1) ?? 0)
            return vfio.handler(at: offset) == .virtual ? 0xFF : vfio.permissions(at: offset).virt | emulated
        }

        // The checkpoints: before, each D label, after.
        var stages: [(label: String, count: Int)] = [("before", 0)]
        var lines = [String]()
        var reads = [(access: Access, pieces: Int, line: Int)]()
        for access in accesses {
            switch access.kind {
            case .checkpoint(let label): stages.append((label, lines.count))
            case .read:
                let pieces = Self.expressions(access)
                reads.append((access, pieces.count, lines.count))
                lines += pieces.map(\.text)
            case .write: lines += Self.expressions(access).map(\.text)
            }
        }
        stages.append(("after", lines.count))
        totals.accesses += accesses.filter { if case .checkpoint = $0.kind { false } else { true } }.count

        // Where cfgtui reset the function (a soft reset on D3hot to D0, an FLR): QEMU 7.2 has
        // no PM soft reset, which the QEMU oracle's explanations cover given these steps.
        let resets = try resetSteps(
            lines: lines, input: inputURL, address: target.address, sizes: sizes, directory: directory, layer: layer)
        // Per script line: the bytes a write covers (none for a read).
        var pieceOffsets = [(offset: Int, width: Int)]()
        for access in accesses {
            switch access.kind {
            case .checkpoint: continue
            case .read: pieceOffsets += Self.expressions(access).map { ($0.offset, 0) }
            case .write: pieceOffsets += Self.expressions(access).map { ($0.offset, $0.width) }
            }
        }
        var unexplained = unreachable
        var explainedBits = [String: Int]()
        let layerExplanations = layer.deviceExplanations(output, suffix)
        for stage in stages {
            let lastReset = resets.last { $0 < stage.count }
            var writtenAfterReset = [Bool](repeating: false, count: initial.count)
            if let lastReset {
                for piece in pieceOffsets[(lastReset + 1)..<stage.count] {
                    for offset in piece.offset..<min(piece.offset + piece.width, initial.count) {
                        writtenAfterReset[offset] = true
                    }
                }
            }
            let script = directory.appendingPathComponent("script-\(suffix)-\(stage.label).txt")
            try Data((lines.prefix(stage.count).joined(separator: "\n") + "\n").utf8).write(to: script)
            let guestURL = directory.appendingPathComponent("cfgtui-\(layer.guestStage)-\(stage.label)-\(suffix).txt")
            let deviceURL = directory.appendingPathComponent("cfgtui-dev-\(stage.label)-\(suffix).txt")
            let arguments =
                ["simulate", "-F", inputURL.path, "-s", target.address] + layer.arguments + [
                    "--script", script.path, "--emit-dump", guestURL.path, "--emit-device-dump", deviceURL.path,
                ] + sizes
            guard let result = try Tooling.runCfgtui(arguments) else { return }
            try #require(result.status == 0, "\(target.name): cfgtui simulate failed: \(result.stderr)")
            var oracleGuest = try bytes(file("\(layer.guestStage)-\(stage.label)"))
            if oracleGuest.count > layer.reach {
                if oracleGuest[layer.reach...].contains(where: { $0 != 0xFF }) {
                    unexplained.append("\(stage.label) guest: bytes past \(layer.reach) are not all ones")
                }
                oracleGuest = Array(oracleGuest.prefix(layer.reach))
            }
            let oracleDevice = try bytes(file("dev-\(stage.label)"))
            let guest = try bytes(guestURL)
            let device = try bytes(deviceURL)
            try #require(
                oracleGuest.count == guest.count && oracleDevice.count == device.count,
                "\(target.name) \(stage.label): sizes differ")
            totals.bytes += guest.count + device.count
            totals.checkpoints += 1
            let context = QemuWriteOracleTests.ExplanationContext(
                target: target.spec, analysis: analysis, start: initial, qemu: oracleDevice, cfgtui: device,
                map: AccessMap(analysis: analysis, barSizes: BARSizes(), gapsAreStorage: true),
                wasReset: lastReset != nil, writtenAfterReset: writtenAfterReset, wasResetByQEMU: false,
                writtenAfterQEMUReset: [Bool](repeating: false, count: device.count))
            var deviceExplained = [UInt8](repeating: 0, count: device.count)
            for offset in 0..<device.count where oracleDevice[offset] != device[offset] {
                var bits = oracleDevice[offset] ^ device[offset]
                for explanation in QemuWriteOracleTests.explanations {
                    let covered = explanation.bits(offset, context) & bits
                    guard covered != 0 else { continue }
                    explainedBits["device: " + explanation.reason, default: 0] += covered.nonzeroBitCount
                    deviceExplained[offset] |= covered
                    bits &= ~covered
                }
                for explanation in layerExplanations {
                    let covered = explanation.bits(offset) & bits
                    guard covered != 0 else { continue }
                    explainedBits["device: " + explanation.reason, default: 0] += covered.nonzeroBitCount
                    deviceExplained[offset] |= covered
                    bits &= ~covered
                }
                if bits != 0 {
                    unexplained.append(
                        String(
                            format: "%@ device 0x%03x: initial %02x kernel %02x cfgtui %02x (bits %02x)", stage.label,
                            offset, initial[offset], oracleDevice[offset], device[offset], bits))
                }
            }
            for offset in 0..<guest.count where oracleGuest[offset] != guest[offset] {
                // A bit vfio reads from the device differs because the device does.
                var bits = oracleGuest[offset] ^ guest[offset]
                let fromDevice = bits & deviceExplained[offset] & (oracleGuest[offset] ^ oracleDevice[offset] ^ 0xFF)
                if fromDevice != 0 {
                    explainedBits["guest: read from the device (above)", default: 0] += fromDevice.nonzeroBitCount
                    bits &= ~fromDevice
                }
                if bits != 0 {
                    unexplained.append(
                        String(
                            format: "%@ guest 0x%03x: initial %02x kernel %02x cfgtui %02x (bits %02x)", stage.label,
                            offset, initial[offset], oracleGuest[offset], guest[offset], bits))
                }
            }
            if stage.label == "after" {
                // Read values: setpci prints one line per piece, in order.
                let values = result.text.split(separator: "\n").compactMap { UInt64($0, radix: 16) }
                var index = 0
                totals.reads += reads.count
                for read in reads {
                    defer { index += read.pieces }
                    guard case .read(let expected?) = read.access.kind, index + read.pieces <= values.count else {
                        continue
                    }
                    var value: UInt64 = 0
                    var shift: UInt64 = 0
                    for (piece, part) in zip(Self.expressions(read.access), values[index..<(index + read.pieces)]) {
                        value |= part << shift
                        shift += UInt64(8 * piece.width)
                    }
                    guard value != expected else { continue }
                    // Bits vfio reads from the device: the device view is compared at the checkpoints.
                    var differing = value ^ expected
                    for byte in 0..<read.access.width {
                        let offset = read.access.offset + byte
                        differing &= ~(UInt64(~virtualized(offset)) << UInt64(8 * byte))
                    }
                    if differing != 0 {
                        unexplained.append(
                            String(
                                format: "read 0x%03x.%d: kernel %llx cfgtui %llx", read.access.offset,
                                read.access.width, expected, value))
                    }
                }
                if values.count != lines.count - lines.filter({ $0.contains("=") }).count {
                    unexplained.append("cfgtui printed \(values.count) read values")
                }
            }
        }
        for (reason, count) in explainedBits.sorted(by: { $0.key < $1.key }) {
            print("\(layer.guestStage) oracle \(target.name): \(count) bits explained: \(reason)")
            totals.explainedBits += count
        }
        totals.unexplained += unexplained.count
        if !unexplained.isEmpty {
            let list = unexplained.prefix(60).joined(separator: "\n")
            Issue.record("\(target.name): \(unexplained.count) differences from \(layer.name):\n\(list)")
        }
    }
}

/// The BARs the guest kernel's probe found (its dmesg), as `--bar-size` options: what `lspci
/// -vv` shows a user on the host. A BAR the probe did not report has no resource: size 0.
struct KernelBARProbe {
    /// Per address: BAR index, ROM (-1) or VF BAR (100 + index) to (size, is 64-bit).
    var sizes: [String: [Int: (size: UInt64, is64Bit: Bool)]] = [:]

    init(dmesg: String) {
        for line in dmesg.split(separator: "\n") {
            // "pci 0000:01:00.0: BAR 0 [mem 0xfe440000-0xfe45ffff 64bit]", "ROM [mem ...]", "VF BAR 0 [...]"
            guard let start = line.range(of: "pci 0000:"), !line.contains("contains"), !line.contains("assigned")
            else { continue }
            let rest = line[start.upperBound...]
            let address = String(rest.prefix(7))
            guard let colon = rest.range(of: ": "),
                let open = rest.range(of: " [", range: colon.upperBound..<rest.endIndex),
                let close = rest[open.upperBound...].firstIndex(of: "]")
            else { continue }
            let label = String(rest[colon.upperBound..<open.lowerBound])
            let slot: Int
            if label == "ROM" {
                slot = -1
            } else if label.hasPrefix("VF BAR "), let index = Int(label.dropFirst(7)) {
                slot = 100 + index
            } else if label.hasPrefix("BAR "), let index = Int(label.dropFirst(4)) {
                slot = index
            } else {
                continue
            }
            let body = rest[open.upperBound..<close].split(separator: " ")
            guard body.count >= 2 else { continue }
            let bounds = body[1].split(separator: "-")
            guard bounds.count == 2, let low = UInt64(bounds[0].dropFirst(2), radix: 16),
                let high = UInt64(bounds[1].dropFirst(2), radix: 16), high >= low, sizes[address]?[slot] == nil
            else { continue }
            sizes[address, default: [:]][slot] = (high - low + 1, body.contains("64bit"))
        }
    }

    /// `--bar-size` options for a function: its own BARs, or for a VF its PF's VF BARs.
    func sizeOptions(for address: String, physicalFunction: String?) -> [String] {
        var options = [String]()
        let own =
            physicalFunction.map { pf in
                Dictionary(
                    uniqueKeysWithValues: (sizes[pf] ?? [:]).compactMap { slot, value in
                        slot >= 100 ? (slot - 100, value) : nil
                    })
            } ?? (sizes[address] ?? [:])
        var index = 0
        while index < 6 {
            if let found = own[index] {
                options += ["--bar-size", "\(index)=\(found.size)"]
                index += found.is64Bit ? 2 : 1
            } else {
                options += ["--bar-size", "\(index)=0"]
                index += 1
            }
        }
        if physicalFunction == nil {
            options += ["--bar-size", "rom=\(own[-1]?.size ?? 0)"]
            for index in 0..<6 {
                if let vf = sizes[address]?[100 + index] { options += ["--bar-size", "vf\(index)=\(vf.size)"] }
            }
        }
        return options
    }
}
