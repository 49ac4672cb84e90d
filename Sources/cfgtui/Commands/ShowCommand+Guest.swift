import ArgumentParser
import Model
import Views

/// The layer `show --guest` reads through.
enum GuestLayer: String, CaseIterable, Sendable {
    case vfio
    case qemu

    var model: SimulationModel { self == .vfio ? .vfio : .qemu }
}

extension GuestLayer: CommandLineChoice {
    static var noun: String { "guest layer" }
    var argumentName: String { rawValue }
    init?(argument: String) {
        guard let value = Self.named(argument) else { return nil }
        self = value
    }
}

extension ShowCommand {
    /// Each function as the guest reads it right after assignment (no writes), with the
    /// setup notes of the layer; functions that cannot be assigned keep their own view and
    /// get a note saying why.
    func guestViews(of functions: [PCIFunction], layer: GuestLayer, names: PCINameDatabase) throws
        -> ([PCIFunction], [PCIAddress: [String]])
    {
        var result = [PCIFunction]()
        var notes = [PCIAddress: [String]]()
        var given = BARSizes()
        for option in barSizeOptions { given[option.slot] = option.size }
        for function in functions {
            let physicalFunction = function.physicalFunction(in: functions)
            try BARSizeOption.check(barSizeOptions, for: function, physicalFunction: physicalFunction)
            var sizes = given
            if case .host(let root) = source.sourceKind,
                let fromSysfs = HostBARSizes.read(of: function, root: root, names: names)
            {
                sizes = sizes.merging(fromSysfs)
            }
            let options = SimulationOptions(
                model: layer.model, barSizes: sizes, physicalFunction: physicalFunction?.space,
                qemu: try qemu.options(physicalFunction: physicalFunction?.space, function: function.space))
            do {
                let emulator = try WriteEmulator(function: SimulatedFunction(function), options: options)
                var guest = function
                guest.space = emulator.guestSpace
                guest.relation = .none
                guest.sourceDiagnostics = []
                result.append(guest)
                notes[function.address] = emulator.setupNotes.filter { note in
                    if case .gaps = note { return false }
                    return true
                }.map { "\(DiagnosticText.severity($0.severity)): " + SimulationReport.message($0) }
            } catch {
                result.append(function)
                notes[function.address] = ["not assigned: " + SimulationReport.message(error)]
            }
        }
        return (result, notes)
    }
}
