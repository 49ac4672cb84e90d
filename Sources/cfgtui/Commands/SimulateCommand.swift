import ArgumentParser
import Model
import Views

/// `cfgtui simulate`: what a guest reads, and what the device receives, when it writes the
/// configuration space of one function, through vfio-pci or straight to the device. The
/// device is a simulated copy: nothing touches hardware.
struct SimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract:
            "Simulate guest config reads and writes on one function, through vfio-pci or on the device. Read-only.",
        discussion: """
            Selects exactly one function as `show` does (-s/-d with this host, -F dumps or --demo) \
            and applies setpci expressions to a simulated copy of it: --script FILE and -e EXPR, \
            repeatable, in command-line order. Syntax as setpci(8): COMMAND=0x0406, \
            CAP_EXP+8.W=2810:f000, ECAP_PASID+6.W=1, 0x44.L=0, STATUS (a read); numbers are hex; \
            # starts a comment.

            Models: \(SimulationModel.choiceList(marking: .vfio)); vfio is vfio-pci's virtualization \
            layer over the device, device the register attributes alone, qemu QEMU's vfio-pci layer \
            (hw/vfio/pci.c) over vfio: what a QEMU guest reads, with --guest-bus, --qemu-device \
            (vfio-pci properties) and --vpasid. Virtual capabilities (vfio \
            model): --plan FILE (from `cfgtui plan --json`) or --add with plan's strategy and \
            capability-bit options. --irq is the interrupt setup the VMM has made (vfio model); \
            the trace's "vfio open" notes say what the kernel did to the device when it opened it.

            Output: reads print their value as setpci does, warnings go to stderr; --trace prints \
            every step, --json the whole trace. --emit-dump writes the final guest view (vfio) or \
            device (device) as `lspci -xxxx` text; --emit-device-dump the device's final state \
            (with the vfio model: what reached it).

            A --plan file must be for the selected function (address, Vendor/Device IDs) and each \
            placement is checked again with plan's rules; --force-nonzero lets placements cover \
            non-zero bytes outside every structure.

            Exit status: 0 success, 1 a source, script, plan or dump could not be read or an \
            expression is wrong (unknown name, missing capability, value too wide, offset out of \
            range), 2 the plan is for another function or a placement breaks a rule there, 3 the \
            selection matched nothing, 64 usage error. docs/simulator.md has the details.
            """)

    @OptionGroup var source: SourceOptions

    @Option(
        help: ArgumentHelp(SimulationModel.choiceList(marking: .vfio) + ". (default: vfio)", valueName: "model"),
        completion: SimulationModel.completion, transform: SimulationModel.parse)
    var model = SimulationModel.vfio

    @Option(
        help: ArgumentHelp(
            "Writes outside every structure: \(GapPolicy.choiceList(marking: .passthrough)). passthrough stores them, as vfio passes them raw.",
            valueName: "policy"),
        completion: GapPolicy.completion, transform: GapPolicy.parse)
    var gaps = GapPolicy.passthrough

    @Option(
        name: .customLong("irq"),
        help: ArgumentHelp(
            "The interrupts the VMM has set up through vfio (VFIO_DEVICE_SET_IRQS): \(InterruptOption.syntax). (default: none, what a guest sees before the VMM enables interrupts)",
            valueName: "setup"),
        transform: InterruptOption.parse)
    var interrupts = VfioInterrupts.none

    @Option(
        name: .customLong("bar-size"),
        help: ArgumentHelp(
            "A BAR's size for the sizing probe: N=SIZE with N 0-5, rom or vf0-vf5; SIZE in bytes (K/M/G suffixes, 0x hex; 0 = not implemented). Repeatable; host functions get sizes from sysfs.",
            valueName: "n=size"),
        transform: BARSizeOption.parse)
    var barSizeOptions: [BARSizeOption] = []

    @Option(
        help: ArgumentHelp(
            "Add the virtual capabilities of this plan (`cfgtui plan --json` output) fully virtual (vfio model).",
            valueName: "file"))
    var plan: String?

    @Flag(
        help:
            "Allow virtual capabilities (--plan or --add) over non-zero bytes outside every structure (suspected hidden registers)."
    )
    var forceNonzero = false

    @Option(
        name: .customLong("virtual-dump"),
        help: ArgumentHelp(
            "The plan's virtual configuration space (`cfgtui plan --emit-dump`), for plan files without capability bytes.",
            valueName: "file"))
    var virtualDump: String?

    /// `--add` and its strategy and bit options, as `plan` takes them.
    @OptionGroup var virtual: VirtualCapabilityOptions

    /// The guest bus and vfio-pci properties of the qemu model.
    @OptionGroup var qemu: QemuDeviceOptions

    @Option(
        name: .customLong("script"),
        help: ArgumentHelp("A file of setpci expressions (one or more per line). Repeatable.", valueName: "file"))
    var scripts: [String] = []

    @Option(
        name: [.customShort("e"), .customLong("expression")],
        help: ArgumentHelp("A setpci expression. Repeatable.", valueName: "expr"))
    var expressions: [String] = []

    @Flag(help: "Print every step: values before and after, bits, changed fields, notes.")
    var trace = false

    @Flag(help: "Write the whole trace as JSON (schema in the README).")
    var json = false

    @Option(
        help: ArgumentHelp(
            "Write the final guest view (vfio) or device (device) as `lspci -xxxx` text to this file.",
            valueName: "file"))
    var emitDump: String?

    @Option(
        name: .customLong("emit-device-dump"),
        help: ArgumentHelp(
            "Write the final state of the simulated device (what reached it through vfio) as `lspci -xxxx` text to this file.",
            valueName: "file"))
    var emitDeviceDump: String?

    // MARK: - Validation (exit 64)

    func validate() throws {
        if json && trace { throw ValidationError("--json and --trace are different outputs; choose one") }
        try BARSizeOption.checkDistinct(barSizeOptions)
        if plan != nil && !virtual.additions.isEmpty {
            throw ValidationError("--plan and --add both give virtual capabilities; use one")
        }
        if virtualDump != nil && plan == nil { throw ValidationError("--virtual-dump goes with --plan") }
        if forceNonzero && plan == nil && virtual.additions.isEmpty {
            throw ValidationError("--force-nonzero goes with --plan or --add")
        }
        if interrupts != .none && model != .vfio {
            throw ValidationError(
                model == .qemu
                    ? "--irq: QEMU sets interrupts up itself as the guest enables them; drop --irq with --model qemu"
                    : "--irq is the VMM's interrupt setup through vfio: it needs --model vfio")
        }
        if (plan != nil || !virtual.additions.isEmpty) && model == .device {
            throw ValidationError(
                "virtual capabilities are the VMM's, not the device's: --plan and --add need --model vfio")
        }
        if (plan != nil || !virtual.additions.isEmpty) && model == .qemu {
            throw ValidationError(
                "--plan and --add link cfgtui's capabilities in vfio's view; with --model qemu use --vpasid for QEMU's own"
            )
        }
        if qemu.isGiven && model != .qemu {
            throw ValidationError("--guest-bus, --qemu-device and --vpasid describe QEMU: they need --model qemu")
        }
    }

    /// The `--bar-size` values (each BAR once: `validate` checks).
    var barSizes: BARSizes {
        var sizes = BARSizes()
        for option in barSizeOptions { sizes[option.slot] = option.size }
        return sizes
    }

    // MARK: - Running

    func run() throws {
        let names = PCINameDatabase()
        let all = try source.loadAllOrExit(names: names)
        let target = try source.selectOne(in: all, command: "simulate")
        let physicalFunction = target.physicalFunction(in: all)
        try BARSizeOption.check(barSizeOptions, for: target, physicalFunction: physicalFunction)
        let selectedModel = model
        let gapPolicy = gaps
        var barSizes = self.barSizes
        var barSizeSource: String? = barSizeOptions.isEmpty ? nil : "--bar-size"
        if case .host(let root) = source.sourceKind,
            let fromSysfs = HostBARSizes.read(of: target, root: root, names: names)
        {
            barSizes = barSizes.merging(fromSysfs)
            barSizeSource = barSizeOptions.isEmpty ? "sysfs resource" : "--bar-size and sysfs resource"
        }
        let virtualCapabilities = try virtualRegions(for: target, physicalFunction: physicalFunction)

        let qemuOptions = try qemu.options(physicalFunction: physicalFunction?.space, function: target.space)
        var emulator: WriteEmulator
        do {
            emulator = try WriteEmulator(
                function: SimulatedFunction(target),
                options: SimulationOptions(
                    model: selectedModel, gaps: gapPolicy, barSizes: barSizes,
                    virtualCapabilities: virtualCapabilities, physicalFunction: physicalFunction?.space,
                    interrupts: interrupts, qemu: qemuOptions))
        } catch {
            StandardOutput.error("\(target.address): \(SimulationReport.message(error))")
            throw ExitStatus.sourceError
        }
        let program = try compile(for: emulator)

        let context = SimulationContext(
            address: target.address, title: FunctionText.title(target), model: selectedModel, gaps: gapPolicy,
            barSizes: barSizes, barSizeSource: barSizeSource)
        try execute(program, on: &emulator, context: context) { emulator in
            writeDumps(of: emulator, target: target)
        }
    }

    /// Writes --emit-dump and --emit-device-dump; the first that cannot be written is the
    /// simulation's failure (later ones are not attempted).
    private func writeDumps(of emulator: WriteEmulator, target: PCIFunction) -> SimulationFailure? {
        let dumps = [
            ("emitDump", emitDump, model.usesVfio ? emulator.guestSpace : emulator.deviceSpace),
            ("emitDeviceDump", emitDeviceDump, emulator.deviceSpace),
        ]
        for case (let kind, let path?, let space) in dumps {
            let text = LspciDump.write([(address: target.address, title: FunctionText.title(target), space: space)])
            do {
                try FileWriter.write(text, to: path)
            } catch {
                return SimulationFailure(kind: kind, message: "\(path): cannot write: \(error.reason)")
            }
        }
        return nil
    }

    // MARK: - Virtual capabilities

    private func virtualRegions(for target: PCIFunction, physicalFunction: PCIFunction?) throws -> [VirtualRegion] {
        if let plan { return try regions(fromPlan: plan, for: target) }
        let capabilities = try virtual.capabilities()
        guard !capabilities.isEmpty else { return [] }
        var request = PlacementRequest(
            target: PlacementFunction(target), physicalFunction: physicalFunction.map { PlacementFunction($0) },
            capabilities: capabilities.map { RequestedCapability($0) },
            strategy: virtual.strategy, allowsNonZeroBytes: forceNonzero)
        virtual.applyBits(to: &request)
        let planned: PlacementPlan
        do {
            planned = try PlacementPlanner.plan(request)
        } catch {
            StandardOutput.error("--add: \(PlanText.error(error))")
            throw ExitStatus.sourceError
        }
        guard planned.isComplete else {
            let failed = planned.failures.map { PlanText.name($0.capability.kind) }.joined(separator: ", ")
            StandardOutput.error("--add: could not place \(failed) (see `cfgtui plan` for the reasons)")
            throw ExitStatus.sourceError
        }
        return VirtualRegion.regions(of: planned)
    }

    /// The placements of a plan file (`cfgtui plan --json`, or the explorer's export) as
    /// virtual capabilities; bytes from the plan, or from --virtual-dump. The file is read
    /// and its JSON decoded here; `PlanFile` (Model) says what it holds and checks it, and
    /// `checkPlan` that it was made for `target` and still holds there.
    private func regions(fromPlan path: String, for target: PCIFunction) throws -> [VirtualRegion] {
        func fail(_ error: PlanFileError) -> ExitCode {
            StandardOutput.error(ErrorText.message(error))
            return ExitStatus.sourceError
        }
        let bytes: [UInt8]
        do {
            bytes = try FileReader.readAll(path)
        } catch {
            StandardOutput.error("\(path): cannot read: \(error.reason)")
            throw ExitStatus.sourceError
        }
        let planFile: PlanFile
        do {
            planFile = try PlanFileDecoder.decode(bytes)
        } catch {
            throw fail(PlanFileError(file: path, decoding: error))
        }
        if !planFile.isComplete { throw fail(PlanFileError(file: path, problem: .incomplete)) }
        var dump: ConfigSpace?
        if let virtualDump {
            do {
                let functions = try LspciDump.read(try FileReader.readAll(virtualDump), file: virtualDump)
                guard functions.count == 1, let only = functions.first else {
                    StandardOutput.error("\(path): --virtual-dump \(virtualDump) must hold exactly one function")
                    throw ExitStatus.sourceError
                }
                dump = only.space
            } catch let error as DumpError {
                StandardOutput.error(ErrorText.message(error))
                throw ExitStatus.sourceError
            } catch let error as FileReader.Failure {
                StandardOutput.error("\(path): --virtual-dump \(virtualDump): cannot read: \(error.reason)")
                throw ExitStatus.sourceError
            }
        }
        let regions: [VirtualRegion]
        do {
            regions = try planFile.virtualRegions(virtualSpace: dump)
        } catch {
            throw fail(PlanFileError(file: path, problem: error))
        }
        try checkPlan(planFile, path: path, for: target)
        return regions
    }
}
