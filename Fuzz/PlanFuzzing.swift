import Foundation
import Model
import Views

/// `cfgtui plan` on random spaces and requests: the target (and a PF and a peer) from the
/// input, the capabilities, strategy, constraints and bits from its first bytes.
///
/// Input: 20 parameter bytes (`Parameters`), then the target's bytes, the PF's and the
/// peer's, each as a `FuzzInput` run (a 16-bit length and the bytes).
///
/// Checked beyond "no trap": the plan's own invariants (`invariantViolations()`: disjoint,
/// aligned, clear of obstacles, every capability kept and every placement reachable, no other
/// byte changed); its plan file reads back through Foundation's decoder as the same value and
/// gives the placements as virtual regions; and the vfio simulator accepts those regions.
enum PlanFuzzing {
    struct Parameters {
        var strategy: PlacementStrategy
        var capabilities: [RequestedCapability]
        var allowsNonZeroBytes: Bool
        var addsFreeSpaceDVSEC: Bool
        var linkOrder: ExtendedListOrder
        var isVirtualFunction: Bool
        var hasPhysicalFunction: Bool
        var hasPeer: Bool
        var pasidBits: PASIDBits?
        var priBits: PRIBits?
        var reserved: [ConfigRange]
        var table: KnownOffsetTable
        var padsTarget: Bool

        /// Reads the 20 parameter bytes.
        init(_ input: inout FuzzInput) {
            strategy = input.pick(PlacementStrategy.selectable)
            let requested = input.byte()
            let flags = input.byte()
            let pasid = input.byte()
            let explicitOffset = Int(input.word())
            let reservedStart = Int(input.word())
            let reservedLength = Int(input.byte())
            let dvsecVendor = input.word()
            let dvsecLength = Int(input.byte()) * 4
            let dvsecRevision = Int(input.byte() & 0x0F)
            let priCapacity = input.dword()
            let tableChoice = input.byte()
            let tableOffset = Int(input.word())
            let more = input.byte()

            var capabilities = [RequestedCapability]()
            if requested & 0x01 != 0 { capabilities.append(RequestedCapability(.pasid)) }
            if requested & 0x02 != 0 { capabilities.append(RequestedCapability(.pri)) }
            if requested & 0x04 != 0 { capabilities.append(RequestedCapability(.ats)) }
            if requested & 0x08 != 0 {
                let identity = DVSECIdentity(
                    vendorID: dvsecVendor, dvsecID: 0x23, revision: dvsecRevision, length: dvsecLength)
                capabilities.append(RequestedCapability(.dvsec(identity)))
            }
            if requested & 0x10 != 0 {
                capabilities.append(
                    RequestedCapability(.dvsec(DVSECIdentity(vendorID: 0x1AF4, dvsecID: 7, length: 16))))
            }
            if requested & 0x20 != 0 { capabilities.append(RequestedCapability(.pasid)) }  // a duplicate
            if requested & 0x40 != 0, !capabilities.isEmpty {
                capabilities[0].explicitOffset = ConfigOffset(explicitOffset)
            }
            self.capabilities = capabilities
            allowsNonZeroBytes = flags & 0x01 != 0
            addsFreeSpaceDVSEC = flags & 0x02 != 0
            linkOrder = flags & 0x04 != 0 ? .ascending : .append
            isVirtualFunction = flags & 0x08 != 0
            hasPhysicalFunction = flags & 0x10 != 0
            pasidBits =
                flags & 0x20 != 0
                ? PASIDBits(
                    maxWidth: Int(pasid & 0x1F), executeSupported: pasid & 0x20 != 0,
                    privilegedSupported: pasid & 0x40 != 0) : nil
            priBits =
                flags & 0x40 != 0
                ? PRIBits(outstandingCapacity: priCapacity, prgResponsePASIDRequired: pasid & 0x80 != 0) : nil
            hasPeer = flags & 0x80 != 0
            reserved = reservedLength > 0 ? [ConfigRange(reservedStart, length: reservedLength)] : []
            switch tableChoice % 3 {
            case 0: table = .builtIn
            case 1: table = KnownOffsetTable()
            default:
                table = KnownOffsetTable(entries: [
                    KnownOffsetTable.Entry(
                        vendorID: 0x1B36, deviceID: nil,
                        offsets: [.pasid: ConfigOffset(tableOffset), .pri: ConfigOffset(tableOffset &+ 8)],
                        reserved: [ConfigRange(tableOffset & 0xFFC, length: 16)], source: "fuzz")
                ])
            }
            padsTarget = more & 0x01 != 0
        }
    }

    static func run(_ bytes: [UInt8]) {
        var input = FuzzInput(bytes)
        let parameters = Parameters(&input)
        var targetBytes = input.run(limit: ConfigSpace.extendedSize)
        if parameters.padsTarget && targetBytes.count < ConfigSpace.extendedSize {
            targetBytes += [UInt8](repeating: 0, count: ConfigSpace.extendedSize - targetBytes.count)
        }
        let pfBytes = input.run(limit: ConfigSpace.extendedSize)
        let peerBytes = input.run(limit: ConfigSpace.extendedSize)
        let target = PlacementFunction(
            space: ConfigSpace(bytes: targetBytes, size: ConfigSpace.extendedSize), vendorID: 0x1B36, deviceID: 0x0010,
            isVirtualFunction: parameters.isVirtualFunction)
        var request = PlacementRequest(
            target: target,
            physicalFunction: parameters.hasPhysicalFunction
                ? PlacementFunction(space: ConfigSpace(bytes: pfBytes, size: ConfigSpace.extendedSize)) : nil,
            capabilities: parameters.capabilities, strategy: parameters.strategy, reserved: parameters.reserved,
            peers: parameters.hasPeer
                ? [PlacementFunction(space: ConfigSpace(bytes: peerBytes, size: ConfigSpace.extendedSize))] : [],
            table: parameters.table, allowsNonZeroBytes: parameters.allowsNonZeroBytes,
            addsFreeSpaceDVSEC: parameters.addsFreeSpaceDVSEC, pasidBits: parameters.pasidBits,
            priBits: parameters.priBits)
        request.linkOrder = parameters.linkOrder
        guard let targetAddress = PCIAddress(parsing: "0000:01:00.1"), let pfAddress = PCIAddress(parsing: "01:00.0")
        else { return }
        let context = PlanContext(
            targetAddress: targetAddress, targetTitle: "fuzz",
            physicalFunction: parameters.hasPhysicalFunction ? .related(pfAddress) : .none,
            peers: parameters.hasPeer ? ["peer.txt"] : [], request: request)

        let plan: PlacementPlan
        do throws(PlacementError) {
            plan = try PlacementPlanner.plan(request)
        } catch {
            if case .linkingFailed = error { FuzzFailure.fail("the planner's own linking failed: \(error)") }
            var buffer = OutputBuffer()
            PlanReport.appendError(error, context: context, to: &buffer)
            PlanReport.appendJSONError(error, context: context, to: &buffer)
            return
        }
        let violations = plan.invariantViolations()
        FuzzFailure.check(violations.isEmpty, "plan invariants: \(violations)")
        var text = OutputBuffer()
        PlanReport.appendText(plan, context: context, to: &text)
        checkPlanFile(plan, context: context, target: target)
    }

    /// The plan's file decodes to the same value, and its placements go into the simulator.
    static func checkPlanFile(_ plan: PlacementPlan, context: PlanContext, target: PlacementFunction) {
        let file = PlanFile(plan, context: context)
        var json = OutputBuffer()
        PlanReport.appendJSON(plan, context: context, to: &json)
        let decoded: PlanFile
        do {
            decoded = try JSONDecoder().decode(PlanFile.self, from: Data(json.bytes))
        } catch {
            FuzzFailure.fail("plan --json does not decode: \(PlanFileError(file: "plan.json", decoding: error))")
        }
        FuzzFailure.check(decoded == file, "plan --json decodes to a different plan file")
        guard file.isComplete else { return }
        let regions: [VirtualRegion]
        do throws(PlanFileProblem) {
            regions = try decoded.virtualRegions(virtualSpace: nil)
        } catch {
            FuzzFailure.fail("a complete plan's file has no virtual regions: \(error)")
        }
        FuzzFailure.check(regions == VirtualRegion.regions(of: plan), "the plan file's regions differ from the plan's")
        do throws(WriteEmulationError) {
            _ = try WriteEmulator(
                function: SimulatedFunction(space: target.space, isVirtualFunction: target.isVirtualFunction),
                options: SimulationOptions(model: .vfio, virtualCapabilities: regions))
        } catch {
            switch error {
            case .virtualCapabilityOutOfRange, .virtualCapabilityOverlaps, .virtualCapabilitiesNeedExtendedSpace:
                FuzzFailure.fail("the simulator refuses a plan's placements: \(error)")
            default: break
            }
        }
    }
}
