import Model

/// The placement overlay: proposed virtual capabilities for the selected function (usually a
/// VF), planned by `PlacementPlanner` and drawn over its map.
///
/// While it is on, the map, chain and fields show the plan's virtual configuration space, so the
/// proposed capabilities have registers and fields like real ones; their bytes are drawn in the
/// `.proposed` style. Moving one re-plans with its offset pinned: where it cannot go, the bytes
/// it would cover are drawn as `.conflict` and the reasons are listed.
public struct PlanOverlay: Sendable {
    /// Index of the target in the function list.
    public var targetIndex: Int
    /// Index of its PF, when known.
    public var physicalFunctionIndex: Int?
    public var capabilities: [RequestedCapability]
    public var strategy: PlacementStrategy
    /// The current plan, or nil when planning was refused.
    public private(set) var plan: PlacementPlan?
    public private(set) var refusal: PlacementError?
    /// The request index the move keys act on.
    public var selection: Int = 0
    /// Whether the arrow keys move the selected proposal.
    public var isMoving = false
    /// While moving: where the selected proposal last was placed (where Esc returns it), nil
    /// when it was not placed when the move started.
    public private(set) var lastValidOffset: ConfigOffset?
    /// While moving: the selected proposal's request as it was at `lastValidOffset` (or when the
    /// move started), which Esc restores.
    private var lastValidRequest: RequestedCapability?
    /// Where the selected proposal was pinned and cannot go, with the reasons.
    public private(set) var conflict: PlanConflict?
    /// QEMU's default vPASID placement (0xFF8) checked with the same constraints, for
    /// comparison: nil when PASID is not requested, else the reasons it could not go there
    /// (empty: it could).
    public private(set) var qemuDefault: [RejectionReason]?
    /// What the views show while the overlay is on: the virtual space laid out.
    public private(set) var display: SelectedFunction?

    /// The strategies the `s` key cycles through.
    public static let strategies: [PlacementStrategy] = PlacementStrategy.selectable

    /// The capabilities a VMM would add: PASID and PRI (which a VF must not implement), and ATS
    /// when the function lacks it.
    static func defaultCapabilities(for function: PCIFunction) -> [RequestedCapability] {
        var capabilities = [RequestedCapability(.pasid), RequestedCapability(.pri)]
        if function.analyze().capability(.extended(.addressTranslationServices)) == nil {
            capabilities.append(RequestedCapability(.ats))
        }
        return capabilities
    }

    init(targetIndex: Int, functions: [PCIFunction], foldZeroRows: Bool) {
        self.targetIndex = targetIndex
        physicalFunctionIndex = functions[targetIndex].physicalFunctionIndex(in: functions)
        capabilities = Self.defaultCapabilities(for: functions[targetIndex])
        strategy = .auto
        replan(functions: functions, foldZeroRows: foldZeroRows)
    }

    /// PASID bits when there is no PF PASID capability to copy. `cfgtui plan` refuses and asks
    /// for `--pasid-width`; the overlay is about where things go, so it assumes the widest PASID
    /// with no Execute/Privileged support, and the legend says so.
    public static let assumedPASIDBits = PASIDBits(maxWidth: PASIDBits.maximumWidth)
    /// PRI bits when there is no PF PRI capability to copy (an arbitrary capacity, shown as assumed).
    public static let assumedPRIBits = PRIBits(outstandingCapacity: 512)

    /// The capabilities whose bits are assumed because the PF has none to copy.
    public func assumedBits(functions: [PCIFunction]) -> [VirtualCapabilityKind] {
        let pf = physicalFunctionIndex.map { functions[$0].analyze() }
        return [VirtualCapabilityKind.pasid, .pri].filter { kind in
            capabilities.contains { $0.capability.kind == kind } && pf?.capability(.extended(kind.extendedID)) == nil
        }
    }

    /// The request for the current choices.
    public func request(functions: [PCIFunction]) -> PlacementRequest {
        let assumed = assumedBits(functions: functions)
        return PlacementRequest(
            target: PlacementFunction(functions[targetIndex]),
            physicalFunction: physicalFunctionIndex.map { PlacementFunction(functions[$0]) },
            capabilities: capabilities, strategy: strategy,
            pasidBits: assumed.contains(.pasid) ? Self.assumedPASIDBits : nil,
            priBits: assumed.contains(.pri) ? Self.assumedPRIBits : nil)
    }

    /// Plans again after any change, and lays out the virtual space for the views.
    mutating func replan(functions: [PCIFunction], foldZeroRows: Bool) {
        conflict = nil
        qemuDefault = nil
        if capabilities.contains(where: { $0.capability.kind == .pasid }) {
            var check = request(functions: functions)
            let offset = ConfigOffset(QemuVirtualPASID.defaultOffset)
            check.capabilities = [RequestedCapability(.pasid, at: offset)]
            if let checked = try? PlacementPlanner.plan(check) {
                qemuDefault =
                    checked.placements.contains { $0.offset == offset }
                    ? [] : checked.rejected.filter { $0.offset == offset }.map(\.reason)
            }
        }
        guard !capabilities.isEmpty else {
            plan = nil
            refusal = .nothingRequested
            display = nil
            return
        }
        do {
            let result = try PlacementPlanner.plan(request(functions: functions))
            plan = result
            refusal = nil
            var virtual = functions[targetIndex]
            virtual.space = result.virtualSpace
            var shown = SelectedFunction(functionIndex: targetIndex, function: virtual, foldZeroRows: foldZeroRows)
            shown.acceptVirtualCapabilities(at: Set(result.placements.map(\.offset)))
            display = shown
            if let pinned = capabilities.indices.contains(selection) ? capabilities[selection].explicitOffset : nil,
                !result.placements.contains(where: { $0.requestIndex == selection })
            {
                let range = ConfigRange(start: pinned, length: capabilities[selection].capability.length)
                let reasons = result.rejected.filter { $0.requestIndex == selection && $0.offset == pinned }.map(
                    \.reason)
                conflict = PlanConflict(range: range, reasons: reasons)
            }
        } catch {
            plan = nil
            refusal = error
            display = nil
        }
    }

    /// The bytes of every placed proposal.
    public var proposedRanges: [ConfigRange] { plan?.placements.map(\.range) ?? [] }

    /// The offset the selected proposal has (placed) or was pinned to (not placed).
    public var selectedOffset: ConfigOffset? {
        guard capabilities.indices.contains(selection) else { return nil }
        if let placement = plan?.placements.first(where: { $0.requestIndex == selection }) { return placement.offset }
        return capabilities[selection].explicitOffset
    }

    /// Moves the selected proposal by `delta` bytes (dword-aligned, inside 0x100-0xFFF) and re-plans.
    mutating func move(by delta: Int, functions: [PCIFunction], foldZeroRows: Bool) {
        guard capabilities.indices.contains(selection) else { return }
        let length = capabilities[selection].capability.length
        let current = selectedOffset?.rawValue ?? 0x100
        let target = max(0x100, min(0x1000 - length, (current + delta) & ~3))
        capabilities[selection].explicitOffset = ConfigOffset(target)
        replan(functions: functions, foldZeroRows: foldZeroRows)
        if isMoving { rememberPlacement() }
    }

    // MARK: - Moving

    /// The selected proposal's acronym (PASID), for messages.
    var selectedName: String {
        capabilities.indices.contains(selection)
            ? PlanText.acronym(capabilities[selection].capability.kind) : "proposal"
    }

    /// The selected proposal's offset in the current plan, if it is placed.
    private var selectedPlacementOffset: ConfigOffset? {
        plan?.placements.first { $0.requestIndex == selection }?.offset
    }

    /// Starts moving the selected proposal; where it is now is its last valid offset.
    mutating func startMoving() {
        guard capabilities.indices.contains(selection) else { return }
        isMoving = true
        lastValidRequest = capabilities[selection]
        lastValidOffset = selectedPlacementOffset
    }

    /// Remembers the selected proposal's position when the plan placed it there.
    private mutating func rememberPlacement() {
        guard capabilities.indices.contains(selection), let offset = selectedPlacementOffset else { return }
        lastValidRequest = capabilities[selection]
        lastValidOffset = offset
    }

    /// Ends moving with the proposal where it is, unless it conflicts there: then moving goes
    /// on and the conflict (with the planner's reasons) is returned.
    mutating func keepMovedProposal() -> PlanConflict? {
        if let conflict { return conflict }
        stopMoving()
        return nil
    }

    /// Ends moving with the proposal back at its last valid offset (or as it was when the move
    /// started, if it was never placed since).
    mutating func returnMovedProposal(functions: [PCIFunction], foldZeroRows: Bool) {
        if let lastValidRequest, capabilities.indices.contains(selection) {
            capabilities[selection] = lastValidRequest
        }
        stopMoving()
        replan(functions: functions, foldZeroRows: foldZeroRows)
    }

    /// Ends moving however it stands: kept where it is when it can go there, else back at its
    /// last valid offset (for what leaves moving without Enter or Esc: adding a proposal,
    /// starting the write simulator).
    mutating func finishMoving(functions: [PCIFunction], foldZeroRows: Bool) {
        guard isMoving else { return }
        if conflict == nil {
            stopMoving()
        } else {
            returnMovedProposal(functions: functions, foldZeroRows: foldZeroRows)
        }
    }

    private mutating func stopMoving() {
        isMoving = false
        lastValidRequest = nil
        lastValidOffset = nil
    }

    /// Cycles the strategy; pinned offsets are released so the strategy chooses again.
    mutating func cycleStrategy(functions: [PCIFunction], foldZeroRows: Bool) {
        let index = Self.strategies.firstIndex(of: strategy) ?? 0
        strategy = Self.strategies[(index + 1) % Self.strategies.count]
        for index in capabilities.indices { capabilities[index].explicitOffset = nil }
        stopMoving()
        replan(functions: functions, foldZeroRows: foldZeroRows)
    }

    /// Adds the next capability not requested yet: PASID, PRI, ATS, then a 12-byte DVSEC.
    mutating func addNext(functions: [PCIFunction], foldZeroRows: Bool) {
        finishMoving(functions: functions, foldZeroRows: foldZeroRows)
        let requested = Set(capabilities.map(\.capability.kind))
        if let kind = [VirtualCapabilityKind.pasid, .pri, .ats].first(where: { !requested.contains($0) }) {
            let capability: VirtualCapability = kind == .pasid ? .pasid : kind == .pri ? .pri : .ats
            capabilities.append(RequestedCapability(capability))
        } else {
            let identity = DVSECIdentity(vendorID: functions[targetIndex].vendorID, dvsecID: 0)
            capabilities.append(RequestedCapability(.dvsec(identity)))
        }
        selection = capabilities.count - 1
        replan(functions: functions, foldZeroRows: foldZeroRows)
    }

    /// Removes the selected proposal.
    mutating func removeSelected(functions: [PCIFunction], foldZeroRows: Bool) {
        guard capabilities.indices.contains(selection) else { return }
        capabilities.remove(at: selection)
        selection = max(0, min(selection, capabilities.count - 1))
        stopMoving()
        replan(functions: functions, foldZeroRows: foldZeroRows)
    }

    /// Selects the proposal covering `offset`, if any.
    mutating func selectProposal(at offset: Int) {
        guard let placement = plan?.placements.first(where: { $0.range.contains(ConfigOffset(offset)) }),
            let index = placement.requestIndex
        else { return }
        selection = index
    }
}

/// Where a pinned proposal cannot go, and why.
public struct PlanConflict: Hashable, Sendable {
    public var range: ConfigRange
    public var reasons: [RejectionReason]
}
