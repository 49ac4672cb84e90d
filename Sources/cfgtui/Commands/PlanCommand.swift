import ArgumentParser
import Model
import Views

/// `cfgtui plan`: where virtual PASID, PRI, ATS and DVSEC capabilities could go in one
/// function's extended configuration space, by each placement policy in use today.
struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Plan virtual PASID/PRI/ATS/DVSEC capabilities for one function (usually a VF). Read-only.",
        discussion: """
            Selects exactly one target function as `show` does (-s/-d with this host, -F dumps or \
            --demo). The PF of a VF found through sysfs, or through its PF's SR-IOV capability in \
            the same dump, is used automatically; --pf and --pf-file choose another.

            Strategies: \(PlacementStrategy.choiceList(marking: .auto)); auto tries \
            \(PlacementStrategy.autoOrder.map(\.rawValue).joined(separator: ", ")), in that order. \
            --at CAP=OFFSET binds one capability to an offset.

            Exit status: 0 every capability placed (or already present), 1 a source, PF, peer or \
            table file could not be read, 2 a capability could not be placed or planning was \
            refused, 3 the selection matched nothing, 64 usage error.

            docs/placement.md describes the strategies, the built-in table and its sources, and \
            the free-space DVSEC layout.
            """)

    @OptionGroup var source: SourceOptions

    @Option(
        name: .customLong("pf-file"),
        help: ArgumentHelp(
            "Read the PF from this dump file (with --pf to pick one of its functions).", valueName: "file"))
    var pfFile: String?

    @Option(
        name: .customLong("pf"),
        help: ArgumentHelp("Select the PF by address, as -s (in --pf-file, or in the main source).", valueName: "slot"),
        transform: { try SlotSelection.parse($0, option: "--pf") })
    var pfSlot: SlotSelection?

    @OptionGroup var virtual: VirtualCapabilityOptions

    @Option(
        name: .customLong("at"), parsing: .unconditionalSingleValue,
        help: ArgumentHelp(
            "Place a capability at this offset or nowhere: CAP=OFFSET (hex; CAP as in --add, dvsec#2 for the second DVSEC). Repeatable.",
            valueName: "cap=offset"), transform: ExplicitOffset.parse)
    var explicitOffsets: [ExplicitOffset] = []

    @Option(
        name: .customLong("reserve"),
        help: ArgumentHelp(
            "Keep this inclusive range free: START-END in hex, e.g. 0xa0-0xaf. Repeatable.", valueName: "range"),
        transform: ReservedRange.parse)
    var reserves: [ConfigRange] = []

    @Option(
        name: .customLong("table"),
        help: ArgumentHelp(
            "Read more vendor:device entries from this table file (format in docs/placement.md). Repeatable.",
            valueName: "file"))
    var tables: [String] = []

    @Option(
        name: .customLong("peer"),
        help: ArgumentHelp(
            "Another configuration space (dump file) on which the same offsets must also be free, for live migration. Repeatable.",
            valueName: "file"))
    var peers: [String] = []

    @Flag(help: "Allow placements over non-zero bytes outside every structure (suspected hidden registers).")
    var forceNonzero = false

    @Flag(help: "Add cfgtui's free-space DVSEC (a proposal) describing the space left free.")
    var addFreeSpaceDvsec = false

    @Flag(help: "Write JSON ({\"placements\": [...], \"rejected\": [...], \"ok\": true}; schema in the README).")
    var json = false

    @Option(
        help: ArgumentHelp(
            "Write the virtual configuration space as `lspci -xxxx` text to this file (only when every capability is placed).",
            valueName: "file"))
    var emitDump: String?

    @Option(
        help: ArgumentHelp(
            "How the virtual space links the new capabilities: \(ExtendedListOrder.choiceList(marking: .append)). ascending is QEMU v7's pcie_insert_capability. (default: append)",
            valueName: "order"),
        completion: ExtendedListOrder.completion, transform: ExtendedListOrder.parse)
    var link = ExtendedListOrder.append

    @Option(
        help: ArgumentHelp(
            "Also say what this VMM would do with a vPASID: \(VmmChoice.choiceList()) (QEMU's x-vpasid-cap-offset from --qemu-device, else 0xff8; checked against cfgtui's constraints).",
            valueName: "vmm"),
        completion: VmmChoice.completion, transform: VmmChoice.parse)
    var vmm: VmmChoice?

    /// --guest-bus and --qemu-device, for --vmm qemu.
    @OptionGroup var qemu: QemuDeviceOptions

    // MARK: - Validation (usage errors, exit 64)

    func validate() throws {
        let capabilities = try virtual.capabilities()
        guard !capabilities.isEmpty || addFreeSpaceDvsec else {
            throw ValidationError(
                "nothing to add: give --add \(CapabilityAddition.syntax(separator: "|", last: "|")) or --add-free-space-dvsec"
            )
        }
        _ = try explicitOffsets(for: capabilities)
        if qemu.isGiven && vmm != .qemu {
            throw ValidationError("--guest-bus, --qemu-device and --vpasid describe QEMU: they go with --vmm qemu")
        }
    }

    /// The `--at` values, by request index.
    func explicitOffsets(for capabilities: [VirtualCapability]) throws -> [Int: ConfigOffset] {
        let labels = PlanText.labels(capabilities)
        var result = [Int: ConfigOffset]()
        for explicit in explicitOffsets {
            guard let index = labels.firstIndex(of: explicit.label) else {
                throw ValidationError(
                    "--at '\(explicit.text)': \(explicit.label) is not requested with --add (requested: \(labels.joined(separator: ", ")))"
                )
            }
            guard result[index] == nil else { throw ValidationError("--at gives \(explicit.label) twice") }
            result[index] = explicit.offset
        }
        return result
    }

    // MARK: - Running

    func run() throws {
        let names = PCINameDatabase()
        let all = try source.loadAllOrExit(names: names)
        let target = try source.selectOne(in: all, command: "plan")
        let (pf, pfSource) = try selectPhysicalFunction(of: target, in: all, names: names)
        let peerFunctions = try loadPeers(near: target, names: names)
        let table = try loadTable()

        let capabilities = try virtual.capabilities()
        let explicit = try explicitOffsets(for: capabilities)
        var request = PlacementRequest(
            target: PlacementFunction(target),
            physicalFunction: pf.map { PlacementFunction($0) },
            capabilities: capabilities.enumerated().map { RequestedCapability($1, at: explicit[$0]) },
            strategy: virtual.strategy, reserved: reserves,
            peers: peerFunctions.map { PlacementFunction($0) }, table: table, allowsNonZeroBytes: forceNonzero,
            addsFreeSpaceDVSEC: addFreeSpaceDvsec)
        virtual.applyBits(to: &request)
        request.linkOrder = link
        let context = PlanContext(
            targetAddress: target.address, targetTitle: FunctionText.title(target), physicalFunction: pfSource,
            peers: peers, request: request)

        var buffer = OutputBuffer(capacity: 1 << 14)
        let plan: PlacementPlan
        do {
            plan = try PlacementPlanner.plan(request)
        } catch {
            if json {
                PlanReport.appendJSONError(error, context: context, to: &buffer)
                StandardOutput.write(buffer)
            }
            StandardOutput.error(PlanText.error(error))
            throw ExitStatus.placementFailed
        }
        let comparison =
            vmm == .qemu
            ? try qemuComparison(target: target, physicalFunction: pf, request: request, plan: plan, names: names)
            : nil
        if json {
            PlanReport.appendJSON(plan, context: context, qemu: comparison, to: &buffer)
        } else {
            PlanReport.appendText(plan, context: context, to: &buffer)
            if let comparison { PlanReport.appendQemu(comparison, to: &buffer) }
        }
        StandardOutput.write(buffer)

        if let emitDump {
            if plan.isComplete {
                let text = LspciDump.write([
                    (address: target.address, title: FunctionText.title(target), space: plan.virtualSpace)
                ])
                do {
                    try FileWriter.write(text, to: emitDump)
                } catch {
                    StandardOutput.error("\(emitDump): cannot write: \(error.reason)")
                    throw ExitStatus.sourceError
                }
            } else {
                StandardOutput.notice("\(emitDump) not written: not every capability could be placed")
            }
        }
        if !plan.isComplete { throw ExitStatus.placementFailed }
    }

    /// The PF: from --pf-file (and --pf), from --pf in the main source, or the target's own PF.
    private func selectPhysicalFunction(of target: PCIFunction, in all: [PCIFunction], names: PCINameDatabase) throws
        -> (PCIFunction?, PlanContext.PhysicalFunctionSource)
    {
        var candidates = all
        if let pfFile {
            do throws(SourceError) {
                candidates = try DumpFileSource(paths: [pfFile], names: names).loadFunctions()
            } catch {
                StandardOutput.error(ErrorText.message(error))
                throw ExitStatus.sourceError
            }
        }
        if let pfSlot {
            candidates = candidates.filter(pfSlot.filter.matches)
        } else if pfFile == nil {
            guard case .virtualFunction(let address) = target.relation else { return (nil, .none) }
            guard let pf = target.physicalFunction(in: all) else { return (nil, .none) }
            return (pf, .related(address))
        }
        guard candidates.count == 1, let pf = candidates.first else {
            let place = pfFile ?? "the source"
            if candidates.isEmpty {
                StandardOutput.error("--pf: no function in \(place) matches \(pfSlot?.text ?? "")")
                throw ExitStatus.noMatch
            }
            throw ValidationError("\(place) holds \(candidates.count) functions: choose the PF with --pf SLOT")
        }
        try checkIsPhysicalFunction(pf, for: target, in: all)
        return (pf, .selected(pf.address, file: pfFile))
    }

    /// A function chosen as the PF must have an SR-IOV capability: `--pf` naming another is a
    /// usage error that says so (and names the target's own PF when the source knows it). A
    /// lone `--pf-file` function without one is used as given, with a notice: a dump of a
    /// device that is not a PF is how capability bits are borrowed from a real device.
    private func checkIsPhysicalFunction(_ pf: PCIFunction, for target: PCIFunction, in all: [PCIFunction]) throws {
        let analysis = pf.analyze()
        guard analysis.capability(.extended(.singleRootIOV)) == nil else { return }
        let inFile = pfFile.map { " in \($0)" } ?? ""
        // Without the extended space the SR-IOV capability cannot be looked for.
        guard pf.space.readableLength >= ConfigSpace.extendedSize else {
            StandardOutput.notice(
                "\(pf.address)\(inFile): only \(pf.space.readableLength) bytes read, so whether it is a PF (SR-IOV) cannot be checked"
            )
            return
        }
        let reason = "\(pf.address)\(inFile) is not a PF: it has no SR-IOV capability"
        guard let pfSlot else {
            StandardOutput.notice("\(reason); its capabilities are copied as a PF's would be")
            return
        }
        var hint = ""
        if case .virtualFunction(let address) = target.relation, address != pf.address {
            hint = " (the PF of \(target.address) is \(address))"
        }
        throw ValidationError("--pf \(pfSlot.text): \(reason)\(hint)")
    }

    /// Each --peer file's function: its only one, or the one at the target's address.
    private func loadPeers(near target: PCIFunction, names: PCINameDatabase) throws -> [PCIFunction] {
        try peers.map { path in
            let functions: [PCIFunction]
            do throws(SourceError) {
                functions = try DumpFileSource(paths: [path], names: names).loadFunctions()
            } catch {
                StandardOutput.error(ErrorText.message(error))
                throw ExitStatus.sourceError
            }
            return try Self.peer(in: functions, path: path, near: target)
        }
    }

    /// A peer file's function: its only one, or the one at the target's address (`simulate
    /// --plan` chooses the plan's peers the same way).
    static func peer(in functions: [PCIFunction], path: String, near target: PCIFunction) throws -> PCIFunction {
        if functions.count == 1, let only = functions.first { return only }
        if let same = functions.first(where: { $0.address == target.address }) { return same }
        throw ValidationError(
            "--peer \(path) holds \(functions.count) functions and none at \(target.address): give a file with one function"
        )
    }

    /// The built-in table plus every --table file.
    private func loadTable() throws -> KnownOffsetTable {
        var table = KnownOffsetTable.builtIn
        for path in tables {
            let bytes: [UInt8]
            do {
                bytes = try FileReader.readAll(path)
            } catch {
                StandardOutput.error("\(path): cannot read: \(error.reason)")
                throw ExitStatus.sourceError
            }
            do {
                table = table.merging(try KnownOffsetTable.parse(String(decoding: bytes, as: UTF8.self), file: path))
            } catch {
                StandardOutput.error(PlanText.error(error))
                throw ExitStatus.sourceError
            }
        }
        return table
    }
}

extension ExitStatus {
    /// A requested capability could not be placed, or planning was refused.
    static let placementFailed = ExitCode(2)
}
