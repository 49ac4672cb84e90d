import Foundation
import Model
import Views

/// The demo functions the targets share, and the seed corpus of every target: the demo set,
/// the dump files in the directories given (the public corpus, the broken-chain fixtures),
/// and inputs made from them in each target's layout. Written into a build directory, one
/// folder per target, never into the repository.
enum FuzzSeeds {
    // MARK: - Shared demo functions

    static let demoFunctions: [DumpedFunction] = DemoSet.functions()

    /// The demo NVMe SR-IOV PF (01:00.0).
    static let demoPhysicalFunction: ConfigSpace? = demoFunctions.first { $0.address.description == "0000:01:00.0" }?
        .space

    /// Its first VF (01:00.1).
    static let demoVirtualFunction: DumpedFunction? = demoFunctions.first { $0.address.description == "0000:01:00.1" }

    /// A simulator per demo function and model (those the model takes), for the setpci target.
    static let demoEmulators: [WriteEmulator] = {
        var emulators = [WriteEmulator]()
        for function in demoFunctions {
            let isVirtualFunction = function.address.function > 0 && function.address.bus == 1
            for model in SimulationModel.allCases {
                let emulator = try? WriteEmulator(
                    function: SimulatedFunction(space: function.space, isVirtualFunction: isVirtualFunction),
                    options: SimulationOptions(
                        model: model, physicalFunction: isVirtualFunction ? demoPhysicalFunction : nil))
                if let emulator { emulators.append(emulator) }
            }
        }
        return emulators
    }()

    // MARK: - Writing the seeds

    /// Writes every target's seeds under `directory/<target>/`; returns how many each got.
    static func write(to directory: String, dumpDirectories: [String]) -> [FuzzTarget: Int] {
        let files = dumpFiles(in: dumpDirectories)
        var spaces = demoFunctions.map { (label: "demo-" + $0.address.description, space: $0.space) }
        var seen = Set(spaces.map(\.space.bytes))
        for (name, bytes) in files {
            guard let functions = try? LspciDump.read(bytes, file: name) else { continue }
            for function in functions where seen.insert(function.space.bytes).inserted {
                spaces.append((label: name + "-" + function.address.description, space: function.space))
            }
        }
        var seeds = [FuzzTarget: [(String, [UInt8])]]()
        seeds[.dump] = dumpSeeds(files: files)
        seeds[.show] = spaces.map { ($0.label, $0.space.bytes) } + showVariants()
        seeds[.plan] = planSeeds(spaces)
        seeds[.setpci] = setpciSeeds()
        for model in SimulationModel.allCases {
            let target: FuzzTarget = model == .device ? .writeDevice : model == .vfio ? .writeVfio : .writeQemu
            seeds[target] = writeSeeds(spaces, model: model)
        }
        seeds[.planFile] = planFileSeeds()
        seeds[.selfTestCrash] = [("ok", Array("ok".utf8)), ("crash", Array("crash".utf8))]
        seeds[.selfTestLeak] = [("any", [0])]
        seeds[.selfTestHang] = [("ok", Array("ok".utf8)), ("hang", Array("hang".utf8))]

        var counts = [FuzzTarget: Int]()
        let manager = FileManager.default
        for (target, list) in seeds {
            let folder = directory + "/" + target.rawValue
            try? manager.removeItem(atPath: folder)
            do {
                try manager.createDirectory(atPath: folder, withIntermediateDirectories: true)
                for (index, (label, bytes)) in list.enumerated() {
                    let name = String(format: "%04d-", index) + safeName(label)
                    try Data(bytes).write(to: URL(fileURLWithPath: folder + "/" + name))
                }
            } catch {
                FuzzFailure.usage("cannot write seeds to \(folder): \(error)")
            }
            counts[target] = list.count
        }
        return counts
    }

    /// Dump files (any `*.txt`, and binary `config` files) in `directories`, by name.
    static func dumpFiles(in directories: [String]) -> [(String, [UInt8])] {
        var files = [(String, [UInt8])]()
        let manager = FileManager.default
        for directory in directories {
            guard let names = manager.enumerator(atPath: directory) else { continue }
            var paths = [String]()
            while let name = names.nextObject() as? String {
                if name.hasSuffix(".txt") || name.hasSuffix("config") { paths.append(name) }
            }
            for path in paths.sorted() {
                guard let data = manager.contents(atPath: directory + "/" + path) else { continue }
                files.append((path, [UInt8](data)))
            }
        }
        return files
    }

    static func safeName(_ label: String) -> String {
        String(label.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "." ? $0 : "_" }.prefix(80))
    }

    // MARK: - Per target

    static func dumpSeeds(files: [(String, [UInt8])]) -> [(String, [UInt8])] {
        var seeds = [(String, [UInt8])]()
        let demo = demoFunctions.map { ($0.address, $0.title, $0.space) }
        seeds.append(("demo-set.txt", LspciDump.write(demo)))
        for function in demoFunctions {
            seeds.append(
                ("demo-\(function.address).txt", LspciDump.write([(function.address, function.title, function.space)])))
            seeds.append(("demo-\(function.address).bin", function.space.bytes))
        }
        // Files as they are (the reader sees -vvv decoding, CRLF, titles); the long trees cut
        // to the fuzzer's maximum length.
        for (name, bytes) in files { seeds.append((name, Array(bytes.prefix(32768)))) }
        return seeds
    }

    static func showVariants() -> [(String, [UInt8])] {
        guard let pf = demoPhysicalFunction else { return [] }
        return [
            ("pf-64", Array(pf.bytes.prefix(64))), ("pf-256", Array(pf.bytes.prefix(256))),
            ("pf-255", Array(pf.bytes.prefix(255))), ("empty", []),
            ("all-ones", [UInt8](repeating: 0xFF, count: 4096)),
        ]
    }

    /// Plan inputs: `PlanFuzzing.Parameters` bytes, the target, the PF and a peer.
    static func planSeeds(_ spaces: [(label: String, space: ConfigSpace)]) -> [(String, [UInt8])] {
        var seeds = [(String, [UInt8])]()
        let pf = demoPhysicalFunction?.bytes ?? []
        // requested, flags, pasid byte, strategy index.
        let presets: [(String, UInt8, UInt8, UInt8, UInt8)] = [
            ("pasid-pri", 0x03, 0x18, 0x00, 0), ("pasid-end", 0x01, 0x18, 0x00, 2),
            ("all-first-fit", 0x1F, 0x3A, 0x74, 3), ("ats-table", 0x04, 0x08, 0x00, 4),
            ("pasid-at", 0x41, 0x6D, 0x14, 0), ("dvsec-hint", 0x09, 0x9A, 0x00, 5),
            ("pf-offset-peer", 0x03, 0x98, 0x00, 1), ("duplicate", 0x21, 0x28, 0x14, 0),
        ]
        for (index, entry) in spaces.enumerated() where entry.space.readableLength == ConfigSpace.extendedSize {
            // Every preset on the demo set, one per corpus space (in turn).
            let chosen = entry.label.hasPrefix("demo") ? presets : [presets[index % presets.count]]
            for (name, requested, flags, pasid, strategy) in chosen {
                var writer = FuzzInputWriter()
                writer.byte(strategy)
                writer.byte(requested)
                writer.byte(flags)
                writer.byte(pasid)
                writer.word(0xFF8)  // explicit offset
                writer.word(0x200)  // reserved start
                writer.byte(16)  // reserved length
                writer.word(0x1AF4)  // DVSEC vendor
                writer.byte(4)  // DVSEC length / 4
                writer.byte(0)  // DVSEC revision
                writer.dword(0x20)  // PRI capacity
                writer.byte(UInt8(index % 3))  // table
                writer.word(0x300)  // table offset
                writer.byte(0)
                writer.run(entry.space.bytes)
                writer.run(pf)
                writer.run(entry.space.bytes)
                seeds.append((entry.label + "-" + name, writer.bytes))
            }
        }
        return seeds
    }

    static func setpciSeeds() -> [(String, [UInt8])] {
        let texts = [
            "COMMAND=0406 STATUS", "BASE_ADDRESS_0=ffffffff BASE_ADDRESS_0", "CAP_EXP+8.W=2810:ffff",
            "ECAP_PASID+6.W=1 ECAP_PRI+4.W=1", "CAP_MSIX+2.W=8000", "CAP_PM+4.L=3 # D3hot\nCAP_PM+4.L=0",
            "0x44.B=ff,00,11", "ECAP_SRIOV+8.W=9 ECAP_SRIOV+0x10.W=2", "CAP_MSI+2.W=1\r\nLATENCY_TIMER=40",
            "ECAP_ATS+6.W=8000 ECAP_AER+4.L=ffffffff", "ROM_ADDRESS=fffff800 INTERRUPT_LINE=0b",
            "CAP10+0x10.w=0 ecap_dvsec+8.l", "0xffc.L=12345678 0x1000.B 0x3.W",
        ]
        var seeds = [(String, [UInt8])]()
        for (index, text) in texts.enumerated() {
            seeds.append(("text-\(index)", [UInt8(truncatingIfNeeded: index * 7)] + Array(text.utf8)))
        }
        return seeds
    }

    /// Write inputs: parameters, the space, then accesses near the header, the BARs and each
    /// capability (a fixed pseudo-random sequence, the same on every run).
    static func writeSeeds(_ spaces: [(label: String, space: ConfigSpace)], model: SimulationModel)
        -> [(String, [UInt8])]
    {
        var seeds = [(String, [UInt8])]()
        var state: UInt64 = 0x2026_C0F1
        func next() -> UInt32 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return UInt32(truncatingIfNeeded: state >> 33)
        }
        for (index, entry) in spaces.enumerated() {
            let analysis = FunctionAnalysis(space: entry.space)
            let offsets = [0x04, 0x10, 0x14, 0x18, 0x30, 0x3C] + analysis.capabilities.map(\.offset.rawValue)
            var writer = FuzzInputWriter()
            let isVirtualFunction = entry.label.hasPrefix("demo-0000:01:00.") && !entry.label.hasSuffix(".0")
            writer.byte((isVirtualFunction ? 0x05 : 0) | UInt8(index % 4) << 5)  // flags: VF with PF, interrupts
            writer.byte(UInt8(index % 3) << 6 | 4)  // MSI vectors, QEMU bus
            writer.byte(index % 2 == 0 ? 0x04 : 0)  // QEMU: a vPASID
            writer.word(0)  // vPASID offset: QEMU's default
            for bar in 0..<6 { writer.byte(bar < 2 ? UInt8(12 + bar * 2) : 0) }
            writer.word(0xF00)
            writer.byte(2)
            writer.run(entry.space.bytes)
            for _ in 0..<48 {
                let base = offsets[Int(next()) % offsets.count]
                let width = UInt8(next() % 3)
                let offset = (base + Int(next() % 16)) & ~((1 << Int(width)) - 1)
                let isRead = next() % 4 == 0
                writer.byte(width | (isRead ? 0x80 : 0))
                writer.word(UInt16(truncatingIfNeeded: offset))
                writer.dword(next() % 3 == 0 ? 0xFFFF_FFFF : next())
            }
            seeds.append((entry.label + "-" + model.rawValue, writer.bytes))
        }
        return seeds
    }

    /// Plan files: `plan --json` on demo VFs (several requests), a refusal, small hand-made ones.
    static func planFileSeeds() -> [(String, [UInt8])] {
        var seeds = [(String, [UInt8])]()
        let requests: [[RequestedCapability]] = [
            [RequestedCapability(.pasid), RequestedCapability(.pri)], [RequestedCapability(.ats)],
            [RequestedCapability(.dvsec(DVSECIdentity(vendorID: 0x1AF4, dvsecID: 1, length: 16)))],
            [RequestedCapability(.pasid, at: 0x200)],
        ]
        for function in demoFunctions where function.space.readableLength == ConfigSpace.extendedSize {
            for (index, capabilities) in requests.enumerated() {
                var request = PlacementRequest(
                    target: PlacementFunction(space: function.space, isVirtualFunction: true),
                    physicalFunction: demoPhysicalFunction.map { PlacementFunction(space: $0) },
                    capabilities: capabilities, addsFreeSpaceDVSEC: index == 2)
                request.pasidBits = PASIDBits(maxWidth: 20)
                request.priBits = PRIBits(outstandingCapacity: 32)
                let context = PlanContext(
                    targetAddress: function.address, targetTitle: function.title, physicalFunction: .none, peers: [],
                    request: request)
                var buffer = OutputBuffer()
                do throws(PlacementError) {
                    let plan = try PlacementPlanner.plan(request)
                    PlanReport.appendJSON(plan, context: context, to: &buffer)
                } catch {
                    PlanReport.appendJSONError(error, context: context, to: &buffer)
                }
                seeds.append(("plan-\(function.address)-\(index).json", buffer.bytes))
            }
        }
        let handMade = [
            #"{"placements":[{"id":27,"offset":4088,"length":8,"bytes":"06140000"}]}"#,
            #"{"placements":[{"id":27,"offset":4088,"length":8}],"ok":true}"#,
            #"{"placements":[],"ok":false,"error":{"kind":"x","message":"y"}}"#,
            #"{"placements":[{"id":19,"offset":3840,"length":16,"bytes":"000000000000000000000000"}]}"#,
        ]
        for (index, text) in handMade.enumerated() { seeds.append(("hand-\(index).json", Array(text.utf8))) }
        return seeds
    }
}
