import Model

extension PlanFile {
    /// The plan file of a plan: its placements with their bytes and bits, the rejected
    /// candidates, decisions and notes with the report's sentences, and the list head.
    public init(_ plan: PlacementPlan, context: PlanContext) {
        self.init(
            target: context.targetAddress, vendorID: context.request.target.vendorID,
            deviceID: context.request.target.deviceID, physicalFunction: context.physicalFunctionAddress,
            strategy: context.request.strategy, peers: context.peers,
            placements: plan.placements.map { placement in
                Placement(
                    capability: placement.capability.kind, id: Int(placement.capability.extendedID.rawValue),
                    offset: placement.offset.rawValue, length: placement.length, strategy: placement.strategy,
                    label: context.label(placement.requestIndex, placement.capability.kind),
                    request: placement.requestIndex, version: placement.capability.version,
                    bytes: placement.contents.body, bitsFrom: BitsSource(placement.contents.bitsSource),
                    bits: Bits(placement.contents.bits), coversNonZero: placement.coveredNonZeroBytes.map(Span.init))
            },
            rejected: plan.rejected.map { rejection in
                var peer: Int?
                if case .onPeer(let index, _) = rejection.reason { peer = index }
                return Rejection(
                    capability: rejection.capability, strategy: rejection.strategy, offset: rejection.offset.rawValue,
                    reason: PlanText.reason(rejection.reason, peers: context.peers),
                    label: context.label(rejection.requestIndex, rejection.capability),
                    reasonCode: PlanText.code(rejection.reason), constraint: rejection.reason.constraint, peer: peer,
                    range: rejection.reason.range.map(Span.init))
            },
            present: plan.decisions.compactMap { decision in
                guard case .alreadyPresent(let offset) = decision.outcome else { return nil }
                return Present(
                    capability: decision.capability.kind, offset: offset.rawValue,
                    label: context.label(decision.requestIndex, decision.capability.kind))
            },
            failed: plan.failures.map { decision in
                Failure(
                    capability: decision.capability.kind, length: decision.capability.length,
                    label: context.label(decision.requestIndex, decision.capability.kind))
            },
            decisions: plan.decisions.map { Decision($0, context: context) },
            warnings: plan.notes.map { note in
                Warning(
                    severity: DiagnosticText.severity(note.severity), kind: PlanText.code(note.kind),
                    message: PlanText.note(note.kind, peers: context.peers))
            },
            listHead: ListHead(plan.listHead), isComplete: plan.isComplete)
    }

    /// The plan file of a refusal: no placements, `ok` false, and the error.
    public init(refusal error: PlacementError, context: PlanContext) {
        self.init(
            target: context.targetAddress, vendorID: context.request.target.vendorID,
            deviceID: context.request.target.deviceID, physicalFunction: context.physicalFunctionAddress,
            strategy: context.request.strategy, peers: context.peers,
            error: Refusal(kind: PlanText.code(error), message: PlanText.error(error)), isComplete: false)
    }
}

extension PlanFile.Decision {
    init(_ decision: CapabilityDecision, context: PlanContext) {
        let outcome: Outcome
        var offset: Int?
        var strategy: PlacementStrategy?
        switch decision.outcome {
        case .placed(let placedAt, let placedBy):
            (outcome, offset, strategy) = (.placed, placedAt.rawValue, placedBy)
        case .alreadyPresent(let presentAt):
            (outcome, offset) = (.present, presentAt.rawValue)
        case .failed:
            outcome = .failed
        }
        self.init(
            capability: decision.capability.kind, label: context.label(decision.requestIndex, decision.capability.kind),
            outcome: outcome, offset: offset, strategy: strategy,
            steps: decision.steps.map { step in
                var offset: Int?
                var rejected: Int?
                switch step.outcome {
                case .placed(let placedAt): offset = placedAt.rawValue
                case .rejected(let count): rejected = count
                case .noCandidate, .notTried: break
                }
                return Step(
                    strategy: step.strategy, outcome: PlanText.code(step.outcome), offset: offset, rejected: rejected,
                    text: PlanText.step(step.outcome))
            })
    }
}

extension PlanFile.BitsSource {
    init(_ source: CapabilityBitsSource) {
        switch source {
        case .physicalFunction(let offset): self.init(kind: .physicalFunction, offset: offset.rawValue)
        case .options: self.init(kind: .options)
        case .cleared: self.init(kind: .cleared)
        case .layout: self.init(kind: .layout)
        }
    }
}

extension PlanFile.Bits {
    init(_ bits: VirtualCapabilityBits) {
        switch bits {
        case .pasid(let pasid):
            self.init(
                maxPASIDWidth: pasid.maxWidth, executeSupported: pasid.executeSupported,
                privilegedSupported: pasid.privilegedSupported)
        case .pri(let pri):
            self.init(
                outstandingPageRequestCapacity: UInt64(pri.outstandingCapacity),
                prgResponsePASIDRequired: pri.prgResponsePASIDRequired, status: Int(pri.statusRegister))
        case .ats(let register):
            self.init(capability: Int(register))
        case .dvsec(let identity):
            self.init(vendorID: Int(identity.vendorID), dvsecID: Int(identity.dvsecID), revision: identity.revision)
        case .freeSpaceDVSEC(let dvsec):
            self.init(
                vendorID: Int(FreeSpaceDVSEC.vendorID), dvsecID: Int(FreeSpaceDVSEC.dvsecID), slots: dvsec.slots,
                ranges: dvsec.ranges.map(PlanFile.Span.init))
        }
    }
}

extension PlanContext {
    /// The PF's address, however it was found.
    var physicalFunctionAddress: PCIAddress? {
        switch physicalFunction {
        case .none: nil
        case .related(let address), .selected(let address, _): address
        }
    }
}
