import Model

/// What a plan report says about where the plan came from, beyond the plan itself.
public struct PlanContext: Sendable {
    /// How the PF was found.
    public enum PhysicalFunctionSource: Sendable, Equatable {
        /// No PF.
        case none
        /// The target's PF, found through SR-IOV (sysfs or the PF's SR-IOV capability).
        case related(PCIAddress)
        /// Chosen with `--pf` (and `--pf-file`, when `file` is set).
        case selected(PCIAddress, file: String?)
    }

    public var targetAddress: PCIAddress?
    /// lspci's line for the target (`Non-Volatile memory controller [0108]: ...`).
    public var targetTitle: String
    public var physicalFunction: PhysicalFunctionSource
    /// The peer files, in `--peer` order.
    public var peers: [String]
    /// The request the plan answers.
    public var request: PlacementRequest

    public init(
        targetAddress: PCIAddress?, targetTitle: String, physicalFunction: PhysicalFunctionSource, peers: [String],
        request: PlacementRequest
    ) {
        self.targetAddress = targetAddress
        self.targetTitle = targetTitle
        self.physicalFunction = physicalFunction
        self.peers = peers
        self.request = request
    }

    /// The label of each requested capability (`pasid`, `dvsec`, `dvsec#2`).
    public var labels: [String] { PlanText.labels(request.capabilities.map(\.capability)) }

    /// The label of a placement or decision (`free-space-dvsec` for the unrequested one).
    func label(_ requestIndex: Int?, _ kind: VirtualCapabilityKind) -> String {
        guard let requestIndex, requestIndex < labels.count else { return PlanText.name(kind) }
        return labels[requestIndex]
    }
}

/// The output of `cfgtui plan`: a readable report with a small map of the extended space,
/// or JSON (`PlanReport.appendJSON`).
public enum PlanReport {
    /// The readable report: target, strategy and constraints, placements with their
    /// registers, capabilities already present or not placed, how each was decided, the
    /// rejected candidates, notes, and the map.
    public static func appendText(_ plan: PlacementPlan, context: PlanContext, to buffer: inout OutputBuffer) {
        appendHeading(context, to: &buffer)
        var labels = context.labels
        if context.request.addsFreeSpaceDVSEC { labels.append(PlanText.name(.freeSpaceDVSEC)) }
        let width = max(6, labels.map(\.count).max() ?? 6) + 2

        buffer.newline()
        buffer.append("  Placed:")
        if plan.placements.isEmpty { buffer.append(" nothing") }
        buffer.newline()
        for placement in plan.placements {
            buffer.append("    ")
            buffer.append(context.label(placement.requestIndex, placement.capability.kind), paddedTo: width)
            buffer.append("[")
            buffer.appendHex(UInt64(placement.offset.rawValue), digits: 3)
            buffer.append(" v")
            buffer.appendDecimal(placement.capability.version)
            buffer.append("] ")
            buffer.append(PlanText.title(placement.capability.kind))
            buffer.append(", ")
            buffer.appendDecimal(placement.length)
            buffer.append(" bytes, by ")
            buffer.append(PlanText.name(placement.strategy))
            buffer.newline()
            buffer.spaces(4 + width)
            buffer.append(PlanText.bits(placement.contents.bits))
            buffer.newline()
            buffer.spaces(4 + width)
            buffer.append("(")
            buffer.append(PlanText.source(placement.contents.bitsSource, placement.capability.kind))
            buffer.append(")\n")
        }
        let present = plan.decisions.compactMap { decision -> (String, ConfigOffset)? in
            guard case .alreadyPresent(let offset) = decision.outcome else { return nil }
            return (context.label(decision.requestIndex, decision.capability.kind), offset)
        }
        if !present.isEmpty {
            buffer.append("  Already present (not added):\n")
            for (label, offset) in present {
                buffer.append("    ")
                buffer.append(label, paddedTo: width)
                buffer.append("at ")
                buffer.append(PlanText.offsetText(offset))
                buffer.newline()
            }
        }
        if !plan.failures.isEmpty {
            buffer.append("  Not placed:\n")
            for decision in plan.failures {
                buffer.append("    ")
                buffer.append(context.label(decision.requestIndex, decision.capability.kind), paddedTo: width)
                buffer.append("no acceptable offset (")
                buffer.appendDecimal(decision.capability.length)
                buffer.append(" bytes); see the decisions and rejected candidates\n")
            }
        }

        appendDecisions(plan, context: context, width: width, to: &buffer)
        appendRejected(plan, context: context, width: width, to: &buffer)
        appendNotes(plan, context: context, to: &buffer)
        buffer.newline()
        appendMap(plan, context: context, to: &buffer)
        buffer.newline()
        buffer.append("  Result: ")
        buffer.appendDecimal(plan.placements.count)
        buffer.append(" placed, ")
        buffer.appendDecimal(present.count)
        buffer.append(" already present, ")
        buffer.appendDecimal(plan.failures.count)
        buffer.append(" not placed")
        buffer.append(plan.isComplete ? "\n" : " (exit status 2)\n")
    }

    static func appendHeading(_ context: PlanContext, to buffer: inout OutputBuffer) {
        buffer.append("Plan for ")
        if let address = context.targetAddress {
            buffer.append(address.description)
            buffer.append(0x20)
        }
        buffer.append(context.targetTitle)
        buffer.newline()
        buffer.append("  Target: ")
        buffer.append(context.request.target.isVirtualFunction ? "SR-IOV VF" : "not known to be a VF")
        buffer.append("; PF: ")
        switch context.physicalFunction {
        case .none: buffer.append("none")
        case .related(let address):
            buffer.append(address.description)
            buffer.append(" (found through SR-IOV)")
        case .selected(let address, let file):
            buffer.append(address.description)
            buffer.append(file.map { " (from " + $0 + ")" } ?? " (--pf)")
        }
        buffer.newline()
        buffer.append("  Strategy: ")
        buffer.append(PlanText.name(context.request.strategy))
        if context.request.strategy == .auto {
            buffer.append(" (")
            buffer.append(PlacementStrategy.autoOrder.map { PlanText.name($0) }.joined(separator: ", then "))
            buffer.append(")")
        }
        buffer.newline()
        buffer.append("  Constraints: dword alignment; 0x100-0xfff; existing structures; unknown extents; ")
        buffer.append(
            context.request.allowsNonZeroBytes
                ? "non-zero bytes allowed (--force-nonzero)" : "no non-zero bytes outside structures")
        for range in context.request.reserved {
            buffer.append("; reserved ")
            buffer.append(PlanText.rangeText(range))
        }
        if !context.peers.isEmpty {
            buffer.append("; free on ")
            buffer.appendDecimal(context.peers.count)
            buffer.append(context.peers.count == 1 ? " peer (" : " peers (")
            buffer.append(context.peers.joined(separator: ", "))
            buffer.append(")")
        }
        buffer.newline()
    }

    static func appendDecisions(
        _ plan: PlacementPlan, context: PlanContext, width: Int, to buffer: inout OutputBuffer
    ) {
        let decided = plan.decisions.filter { !$0.steps.isEmpty }
        guard !decided.isEmpty else { return }
        buffer.newline()
        buffer.append("  Decisions:\n")
        for decision in decided {
            for (index, step) in decision.steps.enumerated() {
                buffer.append("    ")
                if index == 0 {
                    buffer.append(context.label(decision.requestIndex, decision.capability.kind), paddedTo: width)
                } else {
                    buffer.spaces(width)
                }
                buffer.append(PlanText.name(step.strategy), paddedTo: 11)
                buffer.append(PlanText.step(step.outcome))
                buffer.newline()
            }
        }
    }

    static func appendRejected(_ plan: PlacementPlan, context: PlanContext, width: Int, to buffer: inout OutputBuffer) {
        buffer.newline()
        buffer.append("  Rejected candidates:")
        if plan.rejected.isEmpty {
            buffer.append(" none\n")
            return
        }
        buffer.newline()
        for rejection in plan.rejected {
            buffer.append("    ")
            buffer.append(context.label(rejection.requestIndex, rejection.capability), paddedTo: width)
            buffer.append(PlanText.name(rejection.strategy), paddedTo: 11)
            buffer.append(PlanText.offsetText(rejection.offset))
            buffer.append("  ")
            buffer.append(PlanText.reason(rejection.reason, peers: context.peers))
            buffer.newline()
        }
    }

    static func appendNotes(_ plan: PlacementPlan, context: PlanContext, to buffer: inout OutputBuffer) {
        guard !plan.notes.isEmpty else { return }
        buffer.newline()
        buffer.append("  Notes:\n")
        for note in plan.notes.sorted(by: { $0.severity > $1.severity }) {
            buffer.append("    ")
            buffer.append(DiagnosticText.severity(note.severity), paddedTo: 8)
            buffer.append(PlanText.note(note.kind, peers: context.peers))
            buffer.newline()
        }
    }

    // MARK: - Errors

    /// The text for a refusal to plan.
    public static func appendError(_ error: PlacementError, context: PlanContext, to buffer: inout OutputBuffer) {
        appendHeading(context, to: &buffer)
        buffer.newline()
        buffer.append("  Refused: ")
        buffer.append(PlanText.error(error))
        buffer.newline()
    }
}
