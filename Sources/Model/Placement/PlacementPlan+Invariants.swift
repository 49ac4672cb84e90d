extension PlacementPlan {
    /// A broken promise of a plan; `invariantViolations()` lists them (tests expect none).
    public enum InvariantViolation: Hashable, Sendable {
        /// Two placements share bytes.
        case placementsOverlap(ConfigOffset, ConfigOffset)
        /// A placement is misaligned or outside 0x100-0xFFF.
        case placementOutsideExtendedSpace(ConfigOffset)
        /// A placement covers an obstacle it may not cover.
        case placementBlocked(ConfigOffset, RejectionReason)
        /// An original capability is no longer found at its offset with its ID and version.
        case capabilityLost(CapabilityKind, at: ConfigOffset)
        /// A placement is not reachable through the virtual extended list, or has the wrong ID.
        case placementUnreachable(ConfigOffset)
        /// A byte outside the placements, the list head and the relinked next pointer changed.
        case byteChanged(Int)
    }

    /// Checks what a plan promises: placements are disjoint, aligned, in extended space and
    /// clear of every obstacle (non-zero bytes excepted when they were allowed); every original
    /// capability is still at its offset; every placement is reachable; and no other byte
    /// changed. Empty for a correct plan.
    public func invariantViolations() -> [InvariantViolation] {
        var violations = [InvariantViolation]()
        for (position, placement) in placements.enumerated() {
            let range = placement.range
            if !range.start.isDwordAligned || range.start.rawValue < ConfigSpace.conventionalSize
                || range.end.rawValue > ConfigSpace.extendedSize
            {
                violations.append(.placementOutsideExtendedSpace(placement.offset))
            }
            for other in placements[(position + 1)...] where other.range.overlaps(range) {
                violations.append(.placementsOverlap(placement.offset, other.offset))
            }
            for obstacle in obstacles where obstacle.blocks(range) {
                if !placement.coveredNonZeroBytes.isEmpty, PlacementEnvironment.isNonZero(obstacle.reason) {
                    continue
                }
                violations.append(.placementBlocked(placement.offset, obstacle.reason))
            }
        }

        let before = FunctionAnalysis(space: targetSpace)
        let after = FunctionAnalysis(space: virtualSpace)
        for capability in before.capabilities {
            let kept = after.capabilities.contains {
                $0.kind == capability.kind && $0.offset == capability.offset && $0.version == capability.version
            }
            if !kept { violations.append(.capabilityLost(capability.kind, at: capability.offset)) }
        }
        for placement in placements {
            let found = after.extendedCapabilities.contains {
                $0.offset == placement.offset && $0.kind == .extended(placement.capability.extendedID)
                    && $0.version == placement.capability.version
            }
            if !found { violations.append(.placementUnreachable(placement.offset)) }
        }

        var allowed = Set<Int>()
        for placement in placements { allowed.formUnion(placement.range.start.rawValue..<placement.range.end.rawValue) }
        if listHead == .nullCapability { allowed.formUnion(0x100..<0x104) }
        if let last = before.extendedCapabilities.last {
            allowed.formUnion([last.offset.rawValue + 2, last.offset.rawValue + 3])
        }
        // Linked in ascending order, a placement goes after the capability below it: that
        // capability's next pointer is the one relinked, and it must point at a placement.
        let placed = Set(placements.map(\.offset.rawValue))
        for capability in before.extendedCapabilities {
            let base = capability.offset.rawValue
            if let header = virtualSpace.dword(at: base), placed.contains(Int(header >> 20) & 0xFFC) {
                allowed.formUnion([base + 2, base + 3])
            }
        }
        for index in 0..<min(targetSpace.readableLength, virtualSpace.readableLength) where !allowed.contains(index) {
            if targetSpace.byte(at: index) != virtualSpace.byte(at: index) { violations.append(.byteChanged(index)) }
        }
        if targetSpace.readableLength != virtualSpace.readableLength {
            violations.append(.byteChanged(min(targetSpace.readableLength, virtualSpace.readableLength)))
        }
        return violations
    }
}
