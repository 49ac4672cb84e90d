/// What constrains placements in one function: every structure of the target and its peers,
/// the bytes that may belong to capabilities of unknown length, the suspected hidden
/// registers, the reserved ranges and the list head; then each placement as it is made.
///
/// The planner uses it to check candidates; the explorer can use it to draw conflicts in
/// place and to re-check a capability the user moves.
///
/// ```
/// var environment = PlacementEnvironment(target: analysis, peers: [], reserved: [], tableEntries: [])
/// environment.conflicts(for: ConfigRange(0xFF8, length: 8))   // [] when free
/// environment.occupy(ConfigRange(0xFF8, length: 8), by: .pasid)
/// ```
public struct PlacementEnvironment: Hashable, Sendable {
    /// The obstacles that come from the functions and the request, sorted by start.
    public private(set) var fixedObstacles: [PlacementObstacle]
    /// The placements made so far, as obstacles.
    public private(set) var placementObstacles: [PlacementObstacle]
    /// Whether non-zero bytes outside every structure may be covered.
    public var allowsNonZeroBytes: Bool

    /// Builds the obstacles of the target and peers (both must be fully readable with an
    /// extended list; the planner checks this first).
    public init(
        target: FunctionAnalysis, peers: [FunctionAnalysis], reserved: [ConfigRange],
        tableEntries: [KnownOffsetTable.Entry], allowsNonZeroBytes: Bool = false
    ) {
        var obstacles = Self.obstacles(of: target)
        for (index, peer) in peers.enumerated() {
            obstacles += Self.obstacles(of: peer).map { obstacle in
                PlacementObstacle(
                    range: obstacle.range, reason: .onPeer(index, obstacle.reason), allowedStart: obstacle.allowedStart)
            }
        }
        for range in reserved where !range.isEmpty {
            obstacles.append(PlacementObstacle(range: range, reason: .reserved(range, by: .user)))
        }
        for entry in tableEntries {
            for range in entry.reserved where !range.isEmpty {
                obstacles.append(PlacementObstacle(range: range, reason: .reserved(range, by: .table(entry))))
            }
        }
        self.fixedObstacles = obstacles.sorted { $0.range.start < $1.range.start }
        self.placementObstacles = []
        self.allowsNonZeroBytes = allowsNonZeroBytes
    }

    /// Every obstacle: fixed ones, then placements.
    public var obstacles: [PlacementObstacle] { fixedObstacles + placementObstacles }

    /// Records a placement, so later candidates must stay clear of it.
    public mutating func occupy(_ range: ConfigRange, by capability: VirtualCapabilityKind) {
        placementObstacles.append(
            PlacementObstacle(range: range, reason: .overlapsPlacement(capability, at: range.start, range: range)))
    }

    /// Whether an obstacle counts under the current settings (non-zero bytes may be allowed).
    private func isActive(_ obstacle: PlacementObstacle) -> Bool {
        !(allowsNonZeroBytes && Self.isNonZero(obstacle.reason))
    }

    /// Whether a reason is non-zero bytes, on the target or on a peer.
    static func isNonZero(_ reason: RejectionReason) -> Bool {
        switch reason {
        case .nonZeroBytes: true
        case .onPeer(_, let inner): isNonZero(inner)
        default: false
        }
    }

    /// The obstacles a structure at `range` would run into (alignment and area excluded).
    public func blockingObstacles(_ range: ConfigRange) -> [PlacementObstacle] {
        obstacles.filter { isActive($0) && $0.blocks(range) }
    }

    /// Every reason a structure at `range` is not acceptable; empty when it is.
    public func conflicts(for range: ConfigRange) -> [RejectionReason] {
        var reasons = [RejectionReason]()
        if !range.start.isDwordAligned { reasons.append(.misaligned(range.start)) }
        if range.start.rawValue < ConfigSpace.conventionalSize || range.end.rawValue > ConfigSpace.extendedSize {
            reasons.append(.outsideExtendedSpace(range))
        }
        reasons += blockingObstacles(range).map(\.reason)
        return reasons
    }

    /// The most telling reason among several (a structure before a guess, the target before
    /// a peer), or nil when there is none.
    public static func primaryReason(_ reasons: [RejectionReason]) -> RejectionReason? {
        reasons.enumerated().min { lhs, rhs in
            let left = rank(lhs.element)
            let right = rank(rhs.element)
            return left != right ? left < right : lhs.offset < rhs.offset
        }?.element
    }

    private static func rank(_ reason: RejectionReason) -> Int {
        switch reason {
        case .misaligned: 0
        case .outsideExtendedSpace: 1
        case .exceedsAdvertisedRange: 2
        case .overlapsCapability: 3
        case .overlapsPlacement: 4
        case .extendedListHead: 5
        case .mayBelongToCapability: 6
        case .reserved: 7
        case .nonZeroBytes: 8
        case .onPeer(_, let inner): 10 + rank(inner)
        }
    }

    /// Non-zero byte runs (suspected hidden registers, on the target or a peer) that a
    /// structure at `range` covers.
    public func nonZeroRuns(in range: ConfigRange) -> [ConfigRange] {
        fixedObstacles.compactMap { obstacle in
            guard Self.isNonZero(obstacle.reason), obstacle.range.overlaps(range) else { return nil }
            return obstacle.reason.range ?? obstacle.range
        }
    }

    /// The free dword-aligned runs of the extended area, at least `minimumLength` bytes long:
    /// the bytes no obstacle covers. Non-zero bytes never count as free here, even when
    /// placements may cover them.
    public func freeRanges(minimumLength: Int = 4) -> [ConfigRange] {
        var blocked = [Bool](repeating: false, count: ConfigSpace.extendedSize / 4)
        for obstacle in obstacles {
            let first = max(obstacle.range.start.rawValue, 0) / 4
            let last = min(obstacle.range.end.rawValue + 3, ConfigSpace.extendedSize) / 4
            guard first < last else { continue }
            for dword in first..<last { blocked[dword] = true }
        }
        var ranges = [ConfigRange]()
        var start: Int?
        for dword in (ConfigSpace.conventionalSize / 4)...(ConfigSpace.extendedSize / 4) {
            let isFree = dword < blocked.count && !blocked[dword]
            if isFree, start == nil { start = dword }
            if !isFree, let first = start {
                let range = ConfigRange(first * 4, length: (dword - first) * 4)
                if range.length >= minimumLength { ranges.append(range) }
                start = nil
            }
        }
        return ranges
    }

    // MARK: - Obstacles of one function

    /// The obstacles in one function's extended area: capability extents, unknown-extent
    /// tails, non-zero runs outside every structure (dword-granular), and the list head when
    /// the list is empty.
    static func obstacles(of analysis: FunctionAnalysis) -> [PlacementObstacle] {
        var obstacles = [PlacementObstacle]()
        let space = analysis.space
        let area = ConfigRange(ConfigSpace.conventionalSize, length: ConfigSpace.extendedSize - 0x100)
        for region in analysis.map.regions where region.range.overlaps(area) {
            let range = region.range.clamped(to: area)
            switch region.owner {
            case .capability(let index):
                guard index < analysis.capabilities.count else { continue }
                let capability = analysis.capabilities[index]
                obstacles.append(
                    PlacementObstacle(
                        range: range,
                        reason: .overlapsCapability(capability.kind, at: capability.offset, extent: capability.extent)))
            case .possiblyCapability(let index):
                guard index < analysis.capabilities.count else { continue }
                let capability = analysis.capabilities[index]
                let possible = ConfigRange(start: capability.offset, length: range.end - capability.offset)
                obstacles.append(
                    PlacementObstacle(
                        range: range,
                        reason: .mayBelongToCapability(capability.kind, at: capability.offset, possibleExtent: possible)
                    ))
            case .unclaimed:
                obstacles += nonZeroObstacles(in: range, of: space)
            case .header, .alias, .unreadable:
                obstacles.append(
                    PlacementObstacle(range: range, reason: .outsideExtendedSpace(range)))
            }
        }
        if space.dword(at: ConfigSpace.conventionalSize) == 0 {
            let head = ConfigRange(ConfigSpace.conventionalSize, length: 4)
            obstacles.append(
                PlacementObstacle(range: head, reason: .extendedListHead(head), allowedStart: head.start))
        }
        return obstacles
    }

    /// Runs of dwords holding a non-zero byte, within `range`, each as an obstacle whose
    /// reported range is the non-zero bytes' span.
    private static func nonZeroObstacles(in range: ConfigRange, of space: ConfigSpace) -> [PlacementObstacle] {
        var obstacles = [PlacementObstacle]()
        var runStart: Int?
        var first = 0
        var last = 0
        var count = 0
        func close(at end: Int) {
            guard let start = runStart else { return }
            let span = ConfigRange(first, length: last - first + 1)
            obstacles.append(
                PlacementObstacle(
                    range: ConfigRange(start, length: end - start), reason: .nonZeroBytes(span, count: count)))
            runStart = nil
            count = 0
        }
        var dword = range.start.rawValue & ~3
        while dword < range.end.rawValue {
            var nonZero = false
            for offset in dword..<(dword + 4) where range.contains(ConfigOffset(offset)) {
                if let byte = space.byte(at: offset), byte != 0 {
                    if runStart == nil {
                        runStart = dword
                        first = offset
                    }
                    nonZero = true
                    last = offset
                    count += 1
                }
            }
            if !nonZero { close(at: dword) }
            dword += 4
        }
        close(at: dword)
        return obstacles
    }
}
