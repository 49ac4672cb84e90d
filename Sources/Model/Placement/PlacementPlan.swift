/// The result of planning: where each capability goes and why, what was rejected, and the
/// complete virtual configuration space.
///
/// ```
/// let plan = try PlacementPlanner.plan(request)
/// plan.placements.map(\.offset)        // [0xff8, 0xfe8]
/// plan.rejected                        // every candidate turned down, with its reason
/// plan.decisions[0].steps              // what `auto` tried for the first capability
/// plan.virtualSpace                    // the target with the new capabilities linked in
/// plan.isComplete                      // false when a capability could not be placed
/// ```
public struct PlacementPlan: Hashable, Sendable {
    /// The strategy the request asked for.
    public var strategy: PlacementStrategy
    /// The placed capabilities, in the order they were placed (and linked).
    public var placements: [Placement]
    /// One decision per requested capability (plus the free-space DVSEC when requested).
    public var decisions: [CapabilityDecision]
    /// Every candidate that was turned down, in the order it was tried.
    public var rejected: [RejectedCandidate]
    /// Warnings and information about the plan.
    public var notes: [PlacementNote]
    /// What constrained the placements: the target's and peers' structures, unknown extents,
    /// suspected hidden registers, reserved ranges and the list head (not the placements).
    public var obstacles: [PlacementObstacle]
    /// How the extended list starts in the virtual space.
    public var listHead: ListHead
    /// The target's configuration space as given.
    public var targetSpace: ConfigSpace
    /// The target with the placed capabilities written and linked into the extended list.
    public var virtualSpace: ConfigSpace

    public init(
        strategy: PlacementStrategy, placements: [Placement], decisions: [CapabilityDecision],
        rejected: [RejectedCandidate], notes: [PlacementNote], obstacles: [PlacementObstacle], listHead: ListHead,
        targetSpace: ConfigSpace, virtualSpace: ConfigSpace
    ) {
        self.strategy = strategy
        self.placements = placements
        self.decisions = decisions
        self.rejected = rejected
        self.notes = notes
        self.obstacles = obstacles
        self.listHead = listHead
        self.targetSpace = targetSpace
        self.virtualSpace = virtualSpace
    }

    /// The decisions whose capability could not be placed.
    public var failures: [CapabilityDecision] { decisions.filter { $0.outcome == .failed } }

    /// Whether every requested capability was placed or was already present.
    public var isComplete: Bool { failures.isEmpty }
}

/// One capability written into the virtual space.
public struct Placement: Hashable, Sendable {
    /// Its position in `PlacementRequest.capabilities`; nil for the free-space DVSEC.
    public var requestIndex: Int?
    public var capability: VirtualCapability
    public var offset: ConfigOffset
    /// The strategy that chose the offset.
    public var strategy: PlacementStrategy
    /// Its registers and where their bits came from.
    public var contents: VirtualCapabilityContents
    /// Non-zero bytes it covers (only when the request allows them).
    public var coveredNonZeroBytes: [ConfigRange]

    public init(
        requestIndex: Int?, capability: VirtualCapability, offset: ConfigOffset, strategy: PlacementStrategy,
        contents: VirtualCapabilityContents, coveredNonZeroBytes: [ConfigRange] = []
    ) {
        self.requestIndex = requestIndex
        self.capability = capability
        self.offset = offset
        self.strategy = strategy
        self.contents = contents
        self.coveredNonZeroBytes = coveredNonZeroBytes
    }

    public var length: Int { capability.length }
    /// The bytes it occupies.
    public var range: ConfigRange { ConfigRange(start: offset, length: length) }
}

/// A candidate offset a strategy proposed and a constraint turned down.
public struct RejectedCandidate: Hashable, Sendable {
    public var requestIndex: Int?
    public var capability: VirtualCapabilityKind
    public var strategy: PlacementStrategy
    public var offset: ConfigOffset
    public var reason: RejectionReason

    public init(
        requestIndex: Int?, capability: VirtualCapabilityKind, strategy: PlacementStrategy, offset: ConfigOffset,
        reason: RejectionReason
    ) {
        self.requestIndex = requestIndex
        self.capability = capability
        self.strategy = strategy
        self.offset = offset
        self.reason = reason
    }
}

/// What the planner decided for one capability, step by step.
public struct CapabilityDecision: Hashable, Sendable {
    public var requestIndex: Int?
    public var capability: VirtualCapability
    /// Each strategy tried (one for a single strategy, several for `auto`), in order.
    public var steps: [StrategyStep]
    public var outcome: DecisionOutcome

    public init(
        requestIndex: Int?, capability: VirtualCapability, steps: [StrategyStep], outcome: DecisionOutcome
    ) {
        self.requestIndex = requestIndex
        self.capability = capability
        self.steps = steps
        self.outcome = outcome
    }
}

/// How a capability's decision ended.
public enum DecisionOutcome: Hashable, Sendable {
    /// Placed at this offset by this strategy.
    case placed(ConfigOffset, by: PlacementStrategy)
    /// The target already has this capability here; nothing was added.
    case alreadyPresent(ConfigOffset)
    /// No strategy found an acceptable offset.
    case failed
}

/// One strategy's part in a decision.
public struct StrategyStep: Hashable, Sendable {
    public var strategy: PlacementStrategy
    public var outcome: StepOutcome

    public init(_ strategy: PlacementStrategy, _ outcome: StepOutcome) {
        self.strategy = strategy
        self.outcome = outcome
    }
}

/// What one strategy did.
public enum StepOutcome: Hashable, Sendable {
    /// It chose this offset.
    case placed(ConfigOffset)
    /// It had no candidate to offer.
    case noCandidate(NoCandidateReason)
    /// Every candidate it offered was rejected (see `PlacementPlan.rejected`).
    case rejected(candidates: Int)
    /// It was not tried.
    case notTried(NotTriedReason)
}

/// Why a strategy had no candidate.
public enum NoCandidateReason: Hashable, Sendable {
    /// `--at` gave no offset for this capability.
    case noExplicitOffset
    /// No PF is known (give `--pf` or `--pf-file`).
    case noPhysicalFunction
    /// The PF does not have this capability (for a DVSEC: none with the same vendor and ID).
    case physicalFunctionLacksCapability
    /// No table entry matches the target's vendor:device (nil IDs: the identity is unknown).
    case noTableEntry(vendorID: UInt16?, deviceID: UInt16?)
    /// Table entries match, but none gives an offset for this capability.
    case tableHasNoOffset
    /// The target has no free-space DVSEC.
    case noFreeSpaceDVSEC
    /// The target's free-space DVSECs advertise no valid range.
    case noAdvertisedRanges
    /// The capability kind has no candidate under this strategy (the free-space DVSEC is
    /// placed by `end` only).
    case notApplicable
}

/// Why a strategy was passed over.
public enum NotTriedReason: Hashable, Sendable {
    /// An explicit offset was given and rejected; it is binding, so no other offset is tried.
    case explicitOffsetIsBinding
    /// `end` already searched the same free space, so `first-fit` cannot find more.
    case sameSearchAsEnd
}

/// How the virtual extended list starts.
public enum ListHead: Hashable, Sendable {
    /// The target's list (possibly an ID-0 placeholder at 0x100) is kept; new capabilities
    /// are linked after its last capability.
    case existing
    /// The list was empty and a placed capability sits at 0x100.
    case placement(ConfigOffset)
    /// The list was empty and no capability sits at 0x100: a Null extended capability header
    /// (ID 0, version 0) at 0x100 leads to the first placed capability, as vfio-pci's
    /// placeholder does.
    case nullCapability
    /// The list was empty and nothing was placed.
    case empty
}

/// A warning or a piece of information about a plan.
public struct PlacementNote: Hashable, Sendable {
    public var kind: PlacementNoteKind
    public init(_ kind: PlacementNoteKind) { self.kind = kind }

    public var severity: DiagnosticSeverity { kind.severity }
}

/// Every kind of note.
public enum PlacementNoteKind: Hashable, Sendable {
    /// The target already has this capability, so it is not added. `isForbidden`: PASID or
    /// PRI on a VF, which SR-IOV forbids (PCIe r5.0 §9.3.7.11, §9.3.7.14).
    case alreadyPresent(VirtualCapabilityKind, at: ConfigOffset, isForbidden: Bool)
    /// The target is a VF but no PF was given or found.
    case physicalFunctionMissing
    /// The PF's space is not fully readable; its capabilities may be missing.
    case physicalFunctionPartial(readable: Int)
    /// Options replaced the PF's capability bits, and they differ.
    case optionsOverridePhysicalFunction(VirtualCapabilityKind)
    /// A capability of unknown length: the planner stays clear of the bytes up to the next
    /// structure. `peer` is nil for the target.
    case unknownExtent(CapabilityKind, at: ConfigOffset, possibleExtent: ConfigRange, peer: Int?)
    /// Non-zero bytes outside every structure (`peer` nil for the target).
    case suspectedHiddenRegisters(ConfigRange, count: Int, peer: Int?)
    /// A placement covers non-zero bytes because the request allowed it.
    case coversNonZeroBytes(VirtualCapabilityKind, ConfigRange)
    /// The extended list was empty; a Null capability at 0x100 now heads it.
    case nullListHead(first: ConfigOffset)
    /// The first extended capability is an ID-0 placeholder (a hidden capability); it is
    /// kept and new capabilities are linked after the list's last capability.
    case placeholderAtListHead(next: Int)
    /// A free-space DVSEC in the target has a problem; the affected part is ignored.
    case freeSpaceDVSECProblem(at: ConfigOffset, FreeSpaceDVSECProblem)
    /// A table entry applies to the target.
    case tableEntryApplies(KnownOffsetTable.Entry)
    /// The target has a free-space DVSEC already; no other is added.
    case freeSpaceDVSECPresent(at: ConfigOffset)
    /// The target is not an SR-IOV VF (planning for a PF, or the relation is unknown).
    case targetIsNotVirtualFunction

    public var severity: DiagnosticSeverity {
        switch self {
        case .alreadyPresent(_, _, let isForbidden): isForbidden ? .warning : .info
        case .physicalFunctionMissing, .physicalFunctionPartial, .optionsOverridePhysicalFunction,
            .coversNonZeroBytes, .freeSpaceDVSECProblem:
            .warning
        case .unknownExtent, .suspectedHiddenRegisters, .nullListHead, .placeholderAtListHead, .tableEntryApplies,
            .freeSpaceDVSECPresent, .targetIsNotVirtualFunction:
            .info
        }
    }
}
