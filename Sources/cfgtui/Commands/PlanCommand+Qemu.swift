import Model
import Views

extension PlanCommand {
    /// What QEMU's vfio-pci would do with a vPASID on `target` (its offset, its own header-only
    /// check through the qemu model) and cfgtui's constraints on that offset.
    func qemuComparison(
        target: PCIFunction, physicalFunction: PCIFunction?, request: PlacementRequest, plan: PlacementPlan,
        names: PCINameDatabase
    ) throws -> QemuPlacementComparison {
        var options = try qemu.options(physicalFunction: physicalFunction?.space, function: target.space)
        var pasid = options.virtualPASID ?? QemuVirtualPASID()
        if options.virtualPASID == nil {
            // plan --vmm qemu asks what QEMU would do with a vPASID: width and enables as --vpasid takes them.
            var withPASID = qemu
            withPASID.virtualPASID = true
            pasid =
                try withPASID.options(physicalFunction: physicalFunction?.space, function: target.space)
                .virtualPASID ?? pasid
        }
        options.virtualPASID = pasid
        let offset = ConfigOffset(pasid.effectiveOffset)

        var sizes = BARSizes()
        if case .host(let root) = source.sourceKind,
            let fromSysfs = HostBARSizes.read(of: target, root: root, names: names)
        {
            sizes = fromSysfs
        }
        var outcome: QemuChange?
        if let emulator = try? WriteEmulator(
            function: SimulatedFunction(target),
            options: SimulationOptions(
                model: .qemu, barSizes: sizes, physicalFunction: physicalFunction?.space, qemu: options))
        {
            for case .qemu(let change) in emulator.setupNotes {
                switch change {
                case .added(.processAddressSpaceID, _, _), .virtualPASIDRefused: outcome = change
                default: break
                }
            }
        }

        // cfgtui's constraints on QEMU's offset: the same request with PASID alone, --at there.
        var check = request
        check.capabilities = [RequestedCapability(.pasid, at: offset)]
        check.addsFreeSpaceDVSEC = false
        var conflict: RejectionReason?
        if let checked = try? PlacementPlanner.plan(check) {
            let placedThere = checked.placements.contains { $0.offset == offset }
            conflict = placedThere ? nil : checked.rejected.first { $0.offset == offset }?.reason
        }
        let proposal = plan.placements.first { $0.capability.kind == .pasid }?.offset
        return QemuPlacementComparison(
            offset: offset, isDefault: pasid.offset == 0, qemu: outcome, conflict: conflict, proposal: proposal)
    }
}
