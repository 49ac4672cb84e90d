import ArgumentParser
import Model
import Views

/// `cfgtui bench-simulate` (hidden): times the write simulator on a scripted workload and
/// prints numbers (target: one million scripted writes in under a second). Asserts nothing.
struct BenchSimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-simulate", abstract: "Time the write simulator (benchmark).", shouldDisplay: false)

    @Option(help: "Scripted writes to simulate.")
    var count: Int = 1_000_000

    /// A workload over the demo NVMe PF: header, capability-relative and plain-offset writes
    /// (with BAR sizing, FLR-free Device Control, MSI-X, SR-IOV, PASID) and a read now and then.
    static let lines = [
        "COMMAND=0x0406", "CAP_EXP+8.W=0x2810", "BASE_ADDRESS_0=ffffffff", "CAP_MSIX+2.W=0xc000",
        "ECAP_PASID+6.W=0x7", "STATUS.W=0xffff", "0x3c.B=0x0b", "ECAP_SRIOV+10.W=0x2", "CAP_PM+4.W=0x0000",
        "CAP_EXP+28.W=0x0005", "COMMAND=0x0002:0x0006", "INTERRUPT_LINE",
    ]

    func run() throws {
        guard let pf = DemoSet.functions().first(where: { $0.address.description.hasSuffix("01:00.0") }) else {
            throw ValidationError("the demo set has no 01:00.0")
        }
        let clock = ContinuousClock()
        var script = ""
        script.reserveCapacity(count * 20)
        for index in 0..<count {
            script += Self.lines[index % Self.lines.count]
            script += "\n"
        }
        let function = SimulatedFunction(space: pf.space, address: pf.address)
        let sizes = BARSizes([.bar(0): 0x4000, .bar(2): 0, .bar(3): 0, .bar(4): 0x1000, .bar(5): 0, .expansionROM: 0])
        print(
            "workload: \(count) scripted accesses over \(Self.lines.count) expressions, demo \(pf.address) (NVMe SR-IOV PF)"
        )

        for model in [SimulationModel.device, .vfio] {
            // Through vfio the PF's PASID is hidden: a virtual one at 0xFF8 takes its place.
            let virtualPASID = VirtualRegion(
                id: .processAddressSpaceID, version: 1, offset: 0xFF8, body: [0x06, 0x14, 0x00, 0x00])
            var emulator = try WriteEmulator(
                function: function,
                options: SimulationOptions(
                    model: model, barSizes: sizes, virtualCapabilities: model == .vfio ? [virtualPASID] : []))
            let started = clock.now
            let expressions = try SetpciExpression.parse(script)
            let parsed = clock.now
            let resolver = emulator.resolver
            var accesses = [ConfigAccess]()
            accesses.reserveCapacity(expressions.count)
            for expression in expressions { try resolver.resolve(expression, into: &accesses) }
            let resolved = clock.now
            var checksum: UInt64 = 0
            for access in accesses {
                let record = try emulator.apply(access)
                checksum &+= UInt64(record.guestAfter)
            }
            let simulated = clock.now
            let total = seconds(simulated - started)
            let stepNanoseconds = seconds(simulated - resolved) * 1e9 / Double(max(1, accesses.count))
            print(
                "\(model.rawValue): parse \(seconds(parsed - started).fixed(3)) s,"
                    + " resolve \(seconds(resolved - parsed).fixed(3)) s,"
                    + " simulate \(seconds(simulated - resolved).fixed(3)) s (\(stepNanoseconds.fixed(0)) ns/step,"
                    + " \((1e3 / max(stepNanoseconds, 1e-9)).fixed(1)) M steps/s);"
                    + " total \(total.fixed(3)) s for \(accesses.count) (target < 1 s)"
                    + "  [checksum \(String(checksum, radix: 16))]")
        }
    }

    private func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
