import ArgumentParser
import Model
import Views

extension SimulateCommand {
    /// Checks that a plan file fits the function it is applied to: made for it (address, and
    /// Vendor/Device IDs where the file records them), and every placement still allowed
    /// there by the planner's own rules (`PlacementPlanner.violation`: alignment, the extended
    /// area, existing structures, earlier placements, non-zero bytes unless --force-nonzero,
    /// and the plan's peers, read again from their files). A plan that does not fit is
    /// refused with the planner's reason (exit 2, as `plan` refuses).
    func checkPlan(_ planFile: PlanFile, path: String, for target: PCIFunction) throws {
        func refuse(_ message: String) -> ExitCode {
            StandardOutput.error("\(path): \(message)")
            return ExitStatus.placementFailed
        }
        if let planned = planFile.target {
            guard planned == target.address else {
                throw refuse("the plan was made for \(planned), not \(target.address); plan again for it")
            }
        } else {
            StandardOutput.notice("\(path): the plan names no target, so it is not checked to be \(target.address)'s")
        }
        if let vendor = planFile.vendorID, let device = planFile.deviceID {
            guard vendor == target.vendorID, device == target.deviceID else {
                throw refuse(
                    "the plan was made for a [\(Self.ids(vendor, device))] function; \(target.address) is [\(Self.ids(target.vendorID, target.deviceID))]"
                )
            }
        } else {
            StandardOutput.notice(
                "\(path): the plan records no Vendor/Device ID (written before cfgtui 0.11), so only its address is checked"
            )
        }

        let peers = planPeers(planFile.peers, path: path, near: target)
        let placed = planFile.placements.map { placement in
            PlacedRange(kind: placement.plannedKind, range: ConfigRange(placement.offset, length: placement.length))
        }
        let violation: PlacementViolation?
        do {
            violation = try PlacementPlanner.violation(
                of: placed, target: PlacementFunction(target), peers: peers.map { PlacementFunction($0.function) },
                allowsNonZeroBytes: forceNonzero)
        } catch {
            throw refuse("cannot be applied to \(target.address): \(PlanText.error(error))")
        }
        guard let violation else { return }
        let placement = violation.placement
        let name = planFile.placements[violation.index].label ?? PlanText.name(placement.kind)
        throw refuse(
            "placements[\(violation.index)] (\(name) at \(HexFormat.literal(UInt64(placement.range.start.rawValue), digits: 3))) cannot go on \(target.address): \(PlanText.reason(violation.reason, peers: peers.map(\.path)))"
        )
    }

    /// The plan's peers that can still be read, each with its path; the others are named in
    /// a notice (the plan is then checked without them).
    private func planPeers(_ paths: [String], path: String, near target: PCIFunction) -> [(
        path: String, function: PCIFunction
    )] {
        let names = PCINameDatabase()
        var peers = [(path: String, function: PCIFunction)]()
        for peerPath in paths {
            do {
                let functions = try DumpFileSource(paths: [peerPath], names: names).loadFunctions()
                peers.append((peerPath, try PlanCommand.peer(in: functions, path: peerPath, near: target)))
            } catch {
                let reason = (error as? SourceError).map(ErrorText.message) ?? "\(error)"
                StandardOutput.notice("\(path): peer \(peerPath) not checked again: \(reason)")
            }
        }
        return peers
    }

    private static func ids(_ vendor: UInt16, _ device: UInt16) -> String {
        HexFormat.hex(UInt64(vendor), digits: 4) + ":" + HexFormat.hex(UInt64(device), digits: 4)
    }
}
