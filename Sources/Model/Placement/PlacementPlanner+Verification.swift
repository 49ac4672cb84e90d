// Re-checking placements made elsewhere (a plan file from `cfgtui plan`, possibly for another
// function or edited by hand) with the planner's own rules: the same usability checks as
// `plan`, and each placement checked as a pinned offset (`--at`) is, against the same
// `PlacementEnvironment`, earlier placements occupying their bytes as the planner does.

/// A placement to re-check: its kind and the bytes it occupies.
public struct PlacedRange: Hashable, Sendable {
    public var kind: VirtualCapabilityKind
    public var range: ConfigRange

    public init(kind: VirtualCapabilityKind, range: ConfigRange) {
        self.kind = kind
        self.range = range
    }
}

/// The first placement that breaks a rule, and the rule's reason as the planner gives it.
public struct PlacementViolation: Hashable, Sendable {
    /// The placement's index in the list checked.
    public var index: Int
    public var placement: PlacedRange
    /// The most telling reason (`PlacementEnvironment.primaryReason`), as a rejected
    /// candidate of `plan` carries it.
    public var reason: RejectionReason
}

extension PlacementPlanner {
    /// Checks placements against `target` (and `peers`) as the planner checks a pinned offset:
    /// alignment, the extended area, existing structures and bytes that may belong to them,
    /// the list head, non-zero bytes (unless `allowsNonZeroBytes`; never under the free-space
    /// DVSEC, which the planner places strictly), the placements before it, and each peer's
    /// structures. Throws when the target or a peer cannot take placements at all, as `plan`
    /// refuses them; returns the first violation, or nil when every placement holds.
    public static func violation(
        of placements: [PlacedRange], target: PlacementFunction, peers: [PlacementFunction] = [],
        allowsNonZeroBytes: Bool = false
    ) throws(PlacementError) -> PlacementViolation? {
        let analysis = FunctionAnalysis(space: target.space, isVirtualFunction: target.isVirtualFunction)
        if let problem = usabilityProblem(analysis, isUnprivilegedRead: target.isUnprivilegedRead) {
            throw problem.targetError
        }
        var peerAnalyses = [FunctionAnalysis]()
        for (index, peer) in peers.enumerated() {
            let peerAnalysis = FunctionAnalysis(space: peer.space)
            if let problem = usabilityProblem(peerAnalysis, isUnprivilegedRead: peer.isUnprivilegedRead) {
                throw problem.peerError(index)
            }
            peerAnalyses.append(peerAnalysis)
        }
        // Strict: non-zero bytes always count here, and are let through per placement below.
        var environment = PlacementEnvironment(target: analysis, peers: peerAnalyses, reserved: [], tableEntries: [])
        for (index, placement) in placements.enumerated() {
            let reasons = environment.conflicts(for: placement.range)
            let mayCoverNonZero = allowsNonZeroBytes && placement.kind != .freeSpaceDVSEC
            let blocking = mayCoverNonZero ? reasons.filter { !PlacementEnvironment.isNonZero($0) } : reasons
            if let reason = PlacementEnvironment.primaryReason(blocking) {
                return PlacementViolation(index: index, placement: placement, reason: reason)
            }
            environment.occupy(placement.range, by: placement.kind)
        }
        return nil
    }
}
