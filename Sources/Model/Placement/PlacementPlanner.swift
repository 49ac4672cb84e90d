/// Plans where virtual PASID, PRI, ATS and DVSEC capabilities go in a function's extended
/// configuration space, and builds the resulting virtual space.
///
/// For each requested capability, in order: if the target already has it (ATS, PASID, PRI),
/// nothing is added and the plan says so (a VF with PASID or PRI gets a warning). Otherwise its
/// registers are built (`VirtualCapabilityBuilder`, copying the PF's bits), and the strategy
/// proposes candidate offsets; each candidate is checked against every constraint
/// (`PlacementConstraint`) on the target and its peers, and the first acceptable one is taken.
/// Rejected candidates are kept with their reason. `auto` tries the strategies in
/// `PlacementStrategy.autoOrder` and records why each was taken or passed over. Scanning
/// strategies (`end`, `first-fit`, `dvsec-hint`) jump past each obstacle, so every candidate
/// they try is one that an obstacle turned down.
///
/// The placed capabilities are then linked at the end of the extended list, every existing
/// capability keeping its offset; an empty list gets its head at 0x100 (`ListHead`).
///
/// ```
/// let plan = try PlacementPlanner.plan(
///     PlacementRequest(target: PlacementFunction(vf), physicalFunction: PlacementFunction(pf),
///                      capabilities: [.init(.pasid), .init(.pri)], strategy: .end))
/// plan.placements.map(\.offset)    // [0xff8, 0xfe8]
/// ```
public enum PlacementPlanner {
    /// Plans the request. Throws when planning is impossible as a whole (the target is not
    /// fully readable, has no extended list, PASID/PRI bits are missing, ...); a capability
    /// that merely finds no room is a failed decision in the returned plan.
    public static func plan(_ request: PlacementRequest) throws(PlacementError) -> PlacementPlan {
        guard !request.capabilities.isEmpty || request.addsFreeSpaceDVSEC else { throw .nothingRequested }
        var seen = Set<VirtualCapabilityKind>()
        for requested in request.capabilities {
            let kind = requested.capability.kind
            if case .dvsec(let identity) = requested.capability, let problem = identity.problem {
                throw .invalidDVSEC(problem)
            }
            if kind != .dvsec, !seen.insert(kind).inserted { throw .duplicateCapability(kind) }
        }

        let target = request.target
        let analysis = FunctionAnalysis(space: target.space, isVirtualFunction: target.isVirtualFunction)
        if let problem = usabilityProblem(analysis, isUnprivilegedRead: target.isUnprivilegedRead) {
            throw problem.targetError
        }
        var peerAnalyses = [FunctionAnalysis]()
        for (index, peer) in request.peers.enumerated() {
            let peerAnalysis = FunctionAnalysis(space: peer.space)
            if let problem = usabilityProblem(peerAnalysis, isUnprivilegedRead: peer.isUnprivilegedRead) {
                throw problem.peerError(index)
            }
            peerAnalyses.append(peerAnalysis)
        }
        let pfSpace = request.physicalFunction?.space
        let pfAnalysis = pfSpace.map { FunctionAnalysis(space: $0) }

        // A VF without entries of its own follows its PF's (the PF is the VF's template).
        var tableEntries = [KnownOffsetTable.Entry]()
        if let vendor = target.vendorID, let device = target.deviceID {
            tableEntries = request.table.entries(vendorID: vendor, deviceID: device)
        }
        if tableEntries.isEmpty, let pf = request.physicalFunction, let vendor = pf.vendorID, let device = pf.deviceID {
            tableEntries = request.table.entries(vendorID: vendor, deviceID: device)
        }
        var environment = PlacementEnvironment(
            target: analysis, peers: peerAnalyses, reserved: request.reserved, tableEntries: tableEntries,
            allowsNonZeroBytes: request.allowsNonZeroBytes)
        var state = PlanningState(
            request: request, analysis: analysis, pfAnalysis: pfAnalysis, tableEntries: tableEntries,
            hints: FreeSpaceDVSEC.read(in: analysis))
        state.notes = initialNotes(request: request, analysis: analysis, environment: environment, state: state)

        for (index, requested) in request.capabilities.enumerated() {
            let capability = requested.capability
            if let present = presentCapability(capability.kind, in: analysis) {
                let isForbidden = target.isVirtualFunction && (capability.kind == .pasid || capability.kind == .pri)
                state.notes.append(
                    PlacementNote(.alreadyPresent(capability.kind, at: present, isForbidden: isForbidden)))
                state.decisions.append(
                    CapabilityDecision(
                        requestIndex: index, capability: capability, steps: [], outcome: .alreadyPresent(present)))
                continue
            }
            let contents = try VirtualCapabilityBuilder.contents(
                for: capability, physicalFunction: pfSpace, pasidOptions: request.pasidBits,
                priOptions: request.priBits)
            if let note = overrideNote(capability, contents: contents, physicalFunction: pfSpace) {
                state.notes.append(note)
            }
            state.place(
                capability, requestIndex: index, explicitOffset: requested.explicitOffset, contents: contents,
                in: &environment)
        }
        if request.addsFreeSpaceDVSEC { state.placeFreeSpaceDVSEC(in: &environment) }

        let (virtualSpace, listHead) = try link(state.placements, into: target.space, order: request.linkOrder)
        if listHead == .nullCapability, let first = state.placements.first {
            state.notes.append(PlacementNote(.nullListHead(first: first.offset)))
        }
        return PlacementPlan(
            strategy: request.strategy, placements: state.placements, decisions: state.decisions,
            rejected: state.rejected, notes: state.notes, obstacles: environment.fixedObstacles, listHead: listHead,
            targetSpace: target.space, virtualSpace: virtualSpace)
    }

    // MARK: - Checks before planning

    /// Why a function's extended space cannot take new capabilities.
    enum UsabilityProblem {
        case notFullyReadable(readable: Int, needsRoot: Bool)
        case noExtendedSpace
        case aliased
        case inaccessible
        case unterminated(last: ConfigOffset?)

        var targetError: PlacementError {
            switch self {
            case .notFullyReadable(let readable, let needsRoot):
                .targetNotFullyReadable(readable: readable, needsRoot: needsRoot)
            case .noExtendedSpace: .targetHasNoExtendedSpace
            case .aliased: .extendedSpaceAliased
            case .inaccessible: .extendedSpaceInaccessible
            case .unterminated(let last): .extendedListUnterminated(last: last)
            }
        }

        func peerError(_ index: Int) -> PlacementError {
            switch self {
            case .notFullyReadable(let readable, _): .peerNotFullyReadable(peer: index, readable: readable)
            default: .peerHasNoExtendedSpace(peer: index)
            }
        }
    }

    static func usabilityProblem(_ analysis: FunctionAnalysis, isUnprivilegedRead: Bool) -> UsabilityProblem? {
        let space = analysis.space
        // Holes a dump left count as not read (first, since one can hide the Express
        // capability): what they hold is unknown, and a written dump could not keep them.
        if !space.unreadable.isEmpty {
            return .notFullyReadable(readable: space.readByteCount, needsRoot: isUnprivilegedRead)
        }
        // A whole 256-byte read shows the standard list: without a PCI Express (or PCI-X)
        // capability there is no extended space at all, which says more than "not readable".
        let couldHaveExtendedSpace =
            analysis.context.express != nil || analysis.capabilities.contains { $0.kind == .standard(.pcix) }
        if space.readableLength >= ConfigSpace.conventionalSize, !couldHaveExtendedSpace {
            return .noExtendedSpace
        }
        guard space.readableLength >= ConfigSpace.extendedSize else {
            return .notFullyReadable(readable: space.readableLength, needsRoot: isUnprivilegedRead)
        }
        if analysis.diagnostics.contains(where: { $0.kind == .extendedSpaceAliased }) { return .aliased }
        guard analysis.hasExtendedList else { return .noExtendedSpace }
        if space.dword(at: ConfigSpace.conventionalSize) == 0xFFFF_FFFF { return .inaccessible }
        if let last = analysis.extendedCapabilities.last, last.nextPointer != 0 {
            return .unterminated(last: last.offset)
        }
        if analysis.extendedCapabilities.isEmpty, space.dword(at: ConfigSpace.conventionalSize) != 0 {
            return .unterminated(last: nil)
        }
        return nil
    }

    /// Where the target already carries a capability the planner would add (ATS, PASID, PRI,
    /// or a free-space DVSEC); DVSECs of a given identity may repeat.
    static func presentCapability(_ kind: VirtualCapabilityKind, in analysis: FunctionAnalysis) -> ConfigOffset? {
        switch kind {
        case .pasid, .pri, .ats: analysis.capability(.extended(kind.extendedID))?.offset
        case .freeSpaceDVSEC: FreeSpaceDVSEC.read(in: analysis).first?.offset
        case .dvsec: nil
        }
    }

    static func initialNotes(
        request: PlacementRequest, analysis: FunctionAnalysis, environment: PlacementEnvironment, state: PlanningState
    ) -> [PlacementNote] {
        var notes = [PlacementNote]()
        if !request.target.isVirtualFunction { notes.append(PlacementNote(.targetIsNotVirtualFunction)) }
        if let pf = request.physicalFunction {
            if pf.space.readableLength < ConfigSpace.extendedSize {
                notes.append(PlacementNote(.physicalFunctionPartial(readable: pf.space.readableLength)))
            }
        } else if request.target.isVirtualFunction {
            notes.append(PlacementNote(.physicalFunctionMissing))
        }
        if let head = analysis.extendedCapabilities.first, head.kind == .extended(.null),
            head.offset.rawValue == ConfigSpace.conventionalSize
        {
            notes.append(PlacementNote(.placeholderAtListHead(next: head.nextPointer)))
        }
        for entry in state.tableEntries { notes.append(PlacementNote(.tableEntryApplies(entry))) }
        for reading in state.hints {
            for problem in reading.problems {
                notes.append(PlacementNote(.freeSpaceDVSECProblem(at: reading.offset, problem)))
            }
        }
        for obstacle in environment.fixedObstacles {
            var peer: Int?
            var reason = obstacle.reason
            if case .onPeer(let index, let inner) = reason {
                peer = index
                reason = inner
            }
            switch reason {
            case .mayBelongToCapability(let kind, let offset, let extent):
                notes.append(PlacementNote(.unknownExtent(kind, at: offset, possibleExtent: extent, peer: peer)))
            case .nonZeroBytes(let range, let count):
                notes.append(PlacementNote(.suspectedHiddenRegisters(range, count: count, peer: peer)))
            default:
                break
            }
        }
        return notes
    }

    /// A warning when options replaced PF bits that differ from them.
    static func overrideNote(
        _ capability: VirtualCapability, contents: VirtualCapabilityContents, physicalFunction: ConfigSpace?
    ) -> PlacementNote? {
        guard contents.bitsSource == .options, let pf = physicalFunction,
            let fromPF = try? VirtualCapabilityBuilder.contents(for: capability, physicalFunction: pf),
            fromPF.bits != contents.bits
        else { return nil }
        return PlacementNote(.optionsOverridePhysicalFunction(capability.kind))
    }

    // MARK: - Linking

    /// Writes the placements into the target and links them into its extended list: at the end,
    /// or in ascending offset order.
    static func link(_ placements: [Placement], into space: ConfigSpace, order: ExtendedListOrder = .append)
        throws(PlacementError) -> (
            ConfigSpace, ListHead
        )
    {
        let listStart = ConfigOffset(ConfigSpace.conventionalSize)
        let isEmpty = space.dword(at: listStart) == 0
        var ordered = placements
        var head = ListHead.existing
        if isEmpty {
            if let index = placements.firstIndex(where: { $0.offset == listStart }) {
                ordered.insert(ordered.remove(at: index), at: 0)
                head = .placement(listStart)
            } else {
                head = placements.isEmpty ? .empty : .nullCapability
            }
        }
        var result = space
        for placement in ordered {
            do {
                result = try result.appendingExtendedCapability(
                    placement.capability.extendedID, version: placement.capability.version,
                    body: placement.contents.body, at: placement.offset, emptyList: .linkThroughNullCapability,
                    order: order)
            } catch {
                throw .linkingFailed(error)
            }
        }
        return (result, head)
    }
}

// MARK: - The state of one planning run

/// What the planner accumulates while it places capabilities one by one.
struct PlanningState {
    let request: PlacementRequest
    let analysis: FunctionAnalysis
    let pfAnalysis: FunctionAnalysis?
    let tableEntries: [KnownOffsetTable.Entry]
    let hints: [FreeSpaceDVSECReading]
    var placements = [Placement]()
    var decisions = [CapabilityDecision]()
    var rejected = [RejectedCandidate]()
    var notes = [PlacementNote]()

    init(
        request: PlacementRequest, analysis: FunctionAnalysis, pfAnalysis: FunctionAnalysis?,
        tableEntries: [KnownOffsetTable.Entry], hints: [FreeSpaceDVSECReading]
    ) {
        self.request = request
        self.analysis = analysis
        self.pfAnalysis = pfAnalysis
        self.tableEntries = tableEntries
        self.hints = hints
    }

    /// Where a strategy looks for an offset.
    enum Candidates {
        case offsets([ConfigOffset])
        case scanDown
        case scanUp
        case within([ConfigRange])
        case none(NoCandidateReason)
    }

    /// Places one capability by the request's strategy (or its explicit offset).
    mutating func place(
        _ capability: VirtualCapability, requestIndex: Int?, explicitOffset: ConfigOffset?,
        contents: VirtualCapabilityContents, in environment: inout PlacementEnvironment
    ) {
        let strategies: [PlacementStrategy]
        if request.strategy == .auto {
            strategies = PlacementStrategy.autoOrder
        } else if explicitOffset != nil {
            strategies = [.explicitOffset]
        } else {
            strategies = [request.strategy]
        }
        var steps = [StrategyStep]()
        var outcome = DecisionOutcome.failed
        var stopReason: NotTriedReason?
        var endFailed = false
        for strategy in strategies {
            if let stopReason {
                steps.append(StrategyStep(strategy, .notTried(stopReason)))
                continue
            }
            if strategy == .firstFit, endFailed {
                steps.append(StrategyStep(strategy, .notTried(.sameSearchAsEnd)))
                continue
            }
            let candidates = self.candidates(for: capability, by: strategy, explicitOffset: explicitOffset)
            if case .none(let reason) = candidates {
                steps.append(StrategyStep(strategy, .noCandidate(reason)))
                continue
            }
            let (offset, rejections) = search(
                candidates, capability: capability.kind, length: capability.length, requestIndex: requestIndex,
                strategy: strategy, environment: environment)
            if let offset {
                steps.append(StrategyStep(strategy, .placed(offset)))
                outcome = .placed(offset, by: strategy)
                let range = ConfigRange(start: offset, length: capability.length)
                let covered = request.allowsNonZeroBytes ? environment.nonZeroRuns(in: range) : []
                for run in covered { notes.append(PlacementNote(.coversNonZeroBytes(capability.kind, run))) }
                placements.append(
                    Placement(
                        requestIndex: requestIndex, capability: capability, offset: offset, strategy: strategy,
                        contents: contents, coveredNonZeroBytes: covered))
                environment.occupy(range, by: capability.kind)
                break
            }
            steps.append(StrategyStep(strategy, .rejected(candidates: rejections)))
            if strategy == .explicitOffset { stopReason = .explicitOffsetIsBinding }
            if strategy == .end { endFailed = true }
        }
        decisions.append(
            CapabilityDecision(requestIndex: requestIndex, capability: capability, steps: steps, outcome: outcome))
    }

    /// Adds a free-space DVSEC listing the free space left, placed by `end`.
    mutating func placeFreeSpaceDVSEC(in environment: inout PlacementEnvironment) {
        if let present = FreeSpaceDVSEC.read(in: analysis).first {
            notes.append(PlacementNote(.freeSpaceDVSECPresent(at: present.offset)))
            decisions.append(
                CapabilityDecision(
                    requestIndex: nil, capability: .freeSpaceDVSEC(FreeSpaceDVSEC(ranges: present.ranges)), steps: [],
                    outcome: .alreadyPresent(present.offset)))
            return
        }
        let free = environment.freeRanges(minimumLength: FreeSpaceDVSEC.minimumRangeLength)
        var strict = environment
        strict.allowsNonZeroBytes = false
        let sized = FreeSpaceDVSEC(ranges: [], slots: free.count)
        let (offset, rejections) = search(
            .scanDown, capability: .freeSpaceDVSEC, length: sized.length, requestIndex: nil, strategy: .end,
            environment: strict)
        guard let offset else {
            decisions.append(
                CapabilityDecision(
                    requestIndex: nil, capability: .freeSpaceDVSEC(sized),
                    steps: [StrategyStep(.end, .rejected(candidates: rejections))], outcome: .failed))
            return
        }
        let range = ConfigRange(start: offset, length: sized.length)
        environment.occupy(range, by: .freeSpaceDVSEC)
        // Placed at the top of a free run, so the run shrinks or vanishes: never more ranges.
        let left = Array(environment.freeRanges(minimumLength: FreeSpaceDVSEC.minimumRangeLength).prefix(free.count))
        let dvsec = FreeSpaceDVSEC(ranges: left, slots: free.count)
        let capability = VirtualCapability.freeSpaceDVSEC(dvsec)
        let contents = VirtualCapabilityContents(body: dvsec.body, bitsSource: .layout, bits: .freeSpaceDVSEC(dvsec))
        placements.append(
            Placement(requestIndex: nil, capability: capability, offset: offset, strategy: .end, contents: contents))
        decisions.append(
            CapabilityDecision(
                requestIndex: nil, capability: capability, steps: [StrategyStep(.end, .placed(offset))],
                outcome: .placed(offset, by: .end)))
    }

    // MARK: - Candidates

    func candidates(
        for capability: VirtualCapability, by strategy: PlacementStrategy, explicitOffset: ConfigOffset?
    ) -> Candidates {
        let kind = capability.kind
        switch strategy {
        case .auto:
            return .none(.notApplicable)
        case .explicitOffset:
            return explicitOffset.map { .offsets([$0]) } ?? .none(.noExplicitOffset)
        case .end:
            return .scanDown
        case .firstFit:
            return .scanUp
        case .dvsecHint:
            guard kind != .freeSpaceDVSEC else { return .none(.notApplicable) }
            guard !hints.isEmpty else { return .none(.noFreeSpaceDVSEC) }
            let ranges = hints.flatMap(\.ranges)
            return ranges.isEmpty ? .none(.noAdvertisedRanges) : .within(ranges)
        case .table:
            guard kind != .freeSpaceDVSEC else { return .none(.notApplicable) }
            guard !tableEntries.isEmpty else {
                return .none(.noTableEntry(vendorID: request.target.vendorID, deviceID: request.target.deviceID))
            }
            var offsets = [ConfigOffset]()
            for entry in tableEntries {
                if let offset = entry.offsets[kind], !offsets.contains(offset) { offsets.append(offset) }
            }
            return offsets.isEmpty ? .none(.tableHasNoOffset) : .offsets(offsets)
        case .pfOffset:
            guard kind != .freeSpaceDVSEC else { return .none(.notApplicable) }
            guard let pfAnalysis else { return .none(.noPhysicalFunction) }
            let offset: ConfigOffset?
            if case .dvsec(let identity) = capability {
                offset =
                    pfAnalysis.extendedCapabilities.first { candidate in
                        guard candidate.kind == .extended(.designatedVendorSpecific),
                            let header1 = pfAnalysis.space.dword(at: candidate.offset.rawValue + 4),
                            let header2 = pfAnalysis.space.word(at: candidate.offset.rawValue + 8)
                        else { return false }
                        return UInt16(truncatingIfNeeded: header1) == identity.vendorID && header2 == identity.dvsecID
                    }?.offset
            } else {
                offset = pfAnalysis.capability(.extended(kind.extendedID))?.offset
            }
            return offset.map { .offsets([$0]) } ?? .none(.physicalFunctionLacksCapability)
        }
    }

    /// Tries candidates in order; returns the accepted offset (if any) and how many were
    /// rejected, appending each rejection to `rejected`.
    mutating func search(
        _ candidates: Candidates, capability: VirtualCapabilityKind, length: Int, requestIndex: Int?,
        strategy: PlacementStrategy, environment: PlacementEnvironment
    ) -> (ConfigOffset?, Int) {
        var count = 0
        func reject(_ offset: ConfigOffset, _ reason: RejectionReason) {
            rejected.append(
                RejectedCandidate(
                    requestIndex: requestIndex, capability: capability, strategy: strategy, offset: offset,
                    reason: reason))
            count += 1
        }
        /// Checks one candidate: nil when accepted, else its blockers (possibly empty when only
        /// alignment or area failed).
        func check(_ offset: ConfigOffset) -> [PlacementObstacle]? {
            let range = ConfigRange(start: offset, length: length)
            let reasons = environment.conflicts(for: range)
            guard let primary = PlacementEnvironment.primaryReason(reasons) else { return nil }
            reject(offset, primary)
            return environment.blockingObstacles(range)
        }
        let lowest = ConfigSpace.conventionalSize
        let highest = ConfigSpace.extendedSize - length
        switch candidates {
        case .none:
            return (nil, 0)
        case .offsets(let offsets):
            for offset in offsets where check(offset) == nil { return (offset, count) }
        case .scanDown:
            var offset = highest & ~3
            while offset >= lowest {
                guard let blockers = check(ConfigOffset(offset)) else { return (ConfigOffset(offset), count) }
                let lowestStart = blockers.map(\.range.start.rawValue).min() ?? offset
                offset = min(offset - 4, (lowestStart - length) & ~3)
            }
        case .scanUp:
            var offset = lowest
            while offset <= highest {
                guard let blockers = check(ConfigOffset(offset)) else { return (ConfigOffset(offset), count) }
                let highestEnd = blockers.map(\.range.end.rawValue).max() ?? offset
                offset = max(offset + 4, (highestEnd + 3) & ~3)
            }
        case .within(let ranges):
            for range in ranges {
                var offset = (range.start.rawValue + 3) & ~3
                if offset + length > range.end.rawValue {
                    reject(ConfigOffset(offset), .exceedsAdvertisedRange(range))
                    continue
                }
                while offset + length <= range.end.rawValue {
                    guard let blockers = check(ConfigOffset(offset)) else { return (ConfigOffset(offset), count) }
                    let highestEnd = blockers.map(\.range.end.rawValue).max() ?? offset
                    offset = max(offset + 4, (highestEnd + 3) & ~3)
                }
            }
        }
        return (nil, count)
    }
}
