import Testing

@testable import Model

/// Functions and emulators for the write-emulation tests.
enum SimulationFixtures {
    /// The demo set's function at `address` (e.g. "01:00.0", the NVMe SR-IOV PF).
    static func demo(_ address: String) -> DumpedFunction? {
        DemoSet.functions().first { $0.address.description.hasSuffix(address) }
    }

    /// The demo NVMe PF (PM, MSI-X, PCIe with FLR, ARI, SR-IOV, ATS, PRI, PASID).
    static var physicalFunction: DumpedFunction? { demo("01:00.0") }
    /// Its first VF.
    static var virtualFunction: DumpedFunction? { demo("01:00.1") }

    /// An emulator on `function`.
    static func emulator(
        _ function: DumpedFunction, model: SimulationModel, isVirtualFunction: Bool = false,
        barSizes: BARSizes = BARSizes(), gaps: GapPolicy = .passthrough, virtual: [VirtualRegion] = [],
        physicalFunction: ConfigSpace? = nil, vendorID: UInt16? = nil, deviceID: UInt16? = nil
    ) throws -> WriteEmulator {
        try WriteEmulator(
            function: SimulatedFunction(
                space: function.space, address: function.address, isVirtualFunction: isVirtualFunction,
                vendorID: vendorID, deviceID: deviceID),
            options: SimulationOptions(
                model: model, gaps: gaps, barSizes: barSizes, virtualCapabilities: virtual,
                physicalFunction: physicalFunction))
    }

    /// An emulator on a built space.
    static func emulator(
        _ builder: SpaceBuilder, model: SimulationModel, barSizes: BARSizes = BARSizes(), gaps: GapPolicy = .passthrough
    ) throws -> WriteEmulator {
        try WriteEmulator(
            function: SimulatedFunction(space: builder.space),
            options: SimulationOptions(model: model, gaps: gaps, barSizes: barSizes))
    }

    /// Parses and resolves a script against the emulator, then applies it.
    static func run(_ script: String, on emulator: inout WriteEmulator) throws -> [WriteRecord] {
        var records = [WriteRecord]()
        for expression in try SetpciExpression.parse(script) {
            for access in try emulator.resolver.accesses(for: expression) {
                records.append(try emulator.apply(access))
            }
        }
        return records
    }
}
