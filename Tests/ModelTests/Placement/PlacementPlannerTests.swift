import Testing

@testable import Model

/// The planner on synthetic spaces: every strategy, every constraint, and the list-linking
/// edge cases, with the exact offsets and reasons expected.
@Suite struct PlacementPlannerTests {
    typealias F = PlacementFixtures

    // MARK: - Strategies

    @Test func endPutsPASIDAt0xFF8AndPRIBelowIt() throws {
        let plan = try PlacementPlanner.plan(F.request(F.aerAndDSN(), [.pasid, .pri], strategy: .end))
        #expect(plan.placements.map(\.offset) == [0xFF8, 0xFE8])
        #expect(plan.placements.map(\.strategy) == [.end, .end])
        // PRI's first candidate 0xFF0 runs into the PASID just placed.
        #expect(
            plan.rejected == [
                RejectedCandidate(
                    requestIndex: 1, capability: .pri, strategy: .end, offset: 0xFF0,
                    reason: .overlapsPlacement(.pasid, at: 0xFF8, range: ConfigRange(0xFF8, length: 8)))
            ])
        #expect(plan.isComplete)
        #expect(plan.listHead == .existing)
        // Linked after DSN, the old last capability: AER -> DSN -> PASID -> PRI.
        let chain = FunctionAnalysis(space: plan.virtualSpace).extendedCapabilities.map(\.offset)
        #expect(chain == [0x100, 0x140, 0xFF8, 0xFE8])
        #expect(plan.virtualSpace.dword(at: 0x140) == 0xFF81_0003)
        #expect(plan.virtualSpace.dword(at: 0xFF8) == 0xFE81_001B)
        #expect(plan.virtualSpace.dword(at: 0xFE8) == 0x0001_0013)
        expectInvariants(plan)
    }

    @Test func firstFitTakesTheLowestFreeRange() throws {
        // AER (v1 endpoint: 0x100-0x12b), DSN 0x140-0x14b: the first 8 free bytes are at 0x12c.
        let plan = try PlacementPlanner.plan(F.request(F.aerAndDSN(), [.pasid, .pri], strategy: .firstFit))
        #expect(plan.placements.map(\.offset) == [0x12C, 0x14C])
        // PASID: 0x100 (AER). PRI: 0x100 (AER), 0x12c (the PASID just placed), 0x134 (DSN).
        #expect(plan.rejected.map(\.offset) == [0x100, 0x100, 0x12C, 0x134])
        #expect(
            plan.rejected.last?.reason
                == .overlapsCapability(
                    .extended(.deviceSerialNumber), at: 0x140, extent: ConfigRange(0x140, length: 12)))
        expectInvariants(plan)
    }

    @Test func pfOffsetUsesThePFsOffsetsAndSaysWhyOneIsRejected() throws {
        var target = F.aerAndDSN()
        target.extended(0x140, id: 0x0003, next: 0x160)
        target.extended(0x160, id: 0x0018, next: 0)  // LTR where the PF has PRI
        let plan = try PlacementPlanner.plan(F.request(target, [.pasid, .pri, .ats], strategy: .pfOffset))
        #expect(plan.placements.map(\.offset) == [0x170, 0x150])
        #expect(plan.placements.map(\.capability.kind) == [.pasid, .ats])
        #expect(
            plan.rejected == [
                RejectedCandidate(
                    requestIndex: 1, capability: .pri, strategy: .pfOffset, offset: 0x160,
                    reason: .overlapsCapability(
                        .extended(.latencyToleranceReporting), at: 0x160, extent: ConfigRange(0x160, length: 8)))
            ])
        #expect(plan.failures.map(\.capability) == [.pri])
        #expect(!plan.isComplete)
        expectInvariants(plan)
    }

    @Test func pfOffsetWithoutAPFHasNoCandidate() throws {
        var request = F.request(F.aerAndDSN(), [.ats], strategy: .pfOffset, physicalFunction: nil)
        request.target.isVirtualFunction = true
        let plan = try PlacementPlanner.plan(request)
        #expect(plan.decisions.first?.steps == [StrategyStep(.pfOffset, .noCandidate(.noPhysicalFunction))])
        #expect(plan.notes.contains(PlacementNote(.physicalFunctionMissing)))
        #expect(!plan.isComplete)
    }

    @Test(
        arguments: [
            (0x200, nil),
            (0x202, RejectionReason.misaligned(0x202)),
            (0x0F8, .outsideExtendedSpace(ConfigRange(0x0F8, length: 8))),
            (0xFFC, .outsideExtendedSpace(ConfigRange(0xFFC, length: 8))),
            (
                0x128,
                .overlapsCapability(
                    .extended(.advancedErrorReporting), at: 0x100, extent: ConfigRange(0x100, length: 0x2C))
            ),
        ] as [(Int, RejectionReason?)])
    func explicitOffsetIsAcceptedOrRejectedWithItsReason(offset: Int, reason: RejectionReason?) throws {
        var request = F.request(F.aerAndDSN(), [.pasid], strategy: .end)
        request.capabilities[0].explicitOffset = ConfigOffset(offset)
        let plan = try PlacementPlanner.plan(request)
        if let reason {
            #expect(plan.placements.isEmpty)
            #expect(plan.rejected.map(\.reason) == [reason])
            #expect(plan.rejected.map(\.strategy) == [.explicitOffset])
        } else {
            #expect(plan.placements.map(\.offset) == [ConfigOffset(offset)])
            #expect(plan.placements.first?.strategy == .explicitOffset)
        }
        expectInvariants(plan)
    }

    @Test func autoTakesAnExplicitOffsetAsBinding() throws {
        var request = F.request(F.aerAndDSN(), [.pasid])
        request.capabilities[0].explicitOffset = 0x104
        let plan = try PlacementPlanner.plan(request)
        #expect(plan.placements.isEmpty)
        let steps = try #require(plan.decisions.first?.steps)
        #expect(steps.first == StrategyStep(.explicitOffset, .rejected(candidates: 1)))
        #expect(steps.dropFirst().allSatisfy { $0.outcome == .notTried(.explicitOffsetIsBinding) })
        #expect(steps.map(\.strategy) == PlacementStrategy.autoOrder)
    }

    @Test func autoFallsThroughInOrderAndSaysWhy() throws {
        // The PF's PASID offset 0x170 is taken on the target by a VSEC; no table, no hint.
        var target = F.aerAndDSN()
        target.extended(0x140, id: 0x0003, next: 0x170)
        target.extended(0x170, id: 0x000B, next: 0)
        target.set32(0x174, 0x0100_0001)  // VSEC length 0x10
        let plan = try PlacementPlanner.plan(F.request(target, [.pasid]))
        #expect(
            plan.decisions.first?.steps == [
                StrategyStep(.explicitOffset, .noCandidate(.noExplicitOffset)),
                StrategyStep(.dvsecHint, .noCandidate(.noFreeSpaceDVSEC)),
                StrategyStep(.table, .noCandidate(.noTableEntry(vendorID: 0x1234, deviceID: 0x5678))),
                StrategyStep(.pfOffset, .rejected(candidates: 1)),
                StrategyStep(.end, .placed(0xFF8)),
            ])
        #expect(plan.decisions.first?.outcome == .placed(0xFF8, by: .end))
        expectInvariants(plan)
    }

    @Test func autoPassesOverFirstFitWhenEndFindsNothing() throws {
        // An unknown-length capability at 0x100 may own everything up to 0xFFF.
        let target = F.endpoint([(0x100, 0x0039, 1, 0)])
        let plan = try PlacementPlanner.plan(F.request(target, [.pasid], physicalFunction: nil).withPASIDBits())
        let steps = try #require(plan.decisions.first?.steps)
        #expect(steps.last == StrategyStep(.firstFit, .notTried(.sameSearchAsEnd)))
        #expect(steps.dropLast().last == StrategyStep(.end, .rejected(candidates: 1)))
        #expect(
            plan.rejected.first?.reason
                == .mayBelongToCapability(
                    .extended(.physicalLayer128), at: 0x100, possibleExtent: ConfigRange(0x100, length: 0xF00)))
        #expect(!plan.isComplete)
        #expect(plan.failures.count == 1)
    }

    @Test func tableOffsetsAreProposedAndTableHiddenRegistersBlockEveryStrategy() throws {
        let entry = KnownOffsetTable.Entry(
            vendorID: 0x1234, deviceID: 0x5678, offsets: [.pasid: 0x200], reserved: [ConfigRange(0xFF0, length: 0x10)],
            source: "test")
        var request = F.request(F.aerAndDSN(), [.pasid, .pri])
        request.table = KnownOffsetTable(entries: [entry])
        let plan = try PlacementPlanner.plan(request)
        #expect(plan.placements.map(\.offset) == [0x200, 0x160])
        #expect(plan.placements.map(\.strategy) == [.table, .pfOffset])
        #expect(plan.notes.contains(PlacementNote(.tableEntryApplies(entry))))

        request.strategy = .end
        let end = try PlacementPlanner.plan(request)
        #expect(end.placements.map(\.offset) == [0xFE8, 0xFD8])
        #expect(end.rejected.first?.reason == .reserved(ConfigRange(0xFF0, length: 0x10), by: .table(entry)))
        expectInvariants(end)
    }

    @Test func aVFWithoutATableEntryFollowsItsPFsEntry() throws {
        let entry = KnownOffsetTable.Entry(vendorID: 0x1234, deviceID: 0xAAAA, offsets: [.pasid: 0x300], source: "pf")
        var request = F.request(F.aerAndDSN(), [.pasid], strategy: .table)
        request.physicalFunction?.deviceID = 0xAAAA
        request.table = KnownOffsetTable(entries: [entry])
        let plan = try PlacementPlanner.plan(request)
        #expect(plan.placements.map(\.offset) == [0x300])
    }

    @Test func dvsecHintPlacesInsideAdvertisedRanges() throws {
        var target = F.aerAndDSN()
        target.extended(0x140, id: 0x0003, next: 0x800)
        let hint = FreeSpaceDVSEC(ranges: [ConfigRange(0x400, length: 8), ConfigRange(0x600, length: 0x20)])
        target.extended(0x800, id: 0x0023, next: 0)
        for (index, byte) in hint.body.enumerated() { target.bytes[0x804 + index] = byte }
        target.bytes[0x608] = 0x77  // a hidden register inside the second range
        let plan = try PlacementPlanner.plan(F.request(target, [.pasid, .pri], strategy: .dvsecHint))
        #expect(plan.placements.map(\.offset) == [0x400, 0x60C])
        #expect(
            plan.rejected == [
                RejectedCandidate(
                    requestIndex: 1, capability: .pri, strategy: .dvsecHint, offset: 0x400,
                    reason: .exceedsAdvertisedRange(ConfigRange(0x400, length: 8))),
                RejectedCandidate(
                    requestIndex: 1, capability: .pri, strategy: .dvsecHint, offset: 0x600,
                    reason: .nonZeroBytes(ConfigRange(0x608, length: 1), count: 1)),
            ])
        expectInvariants(plan)
    }

    @Test func dvsecHintWithoutADVSECHasNoCandidate() throws {
        let plan = try PlacementPlanner.plan(F.request(F.aerAndDSN(), [.pasid], strategy: .dvsecHint))
        #expect(plan.decisions.first?.steps == [StrategyStep(.dvsecHint, .noCandidate(.noFreeSpaceDVSEC))])
    }

    // MARK: - Constraints

    @Test func unknownExtentsAreAvoidedUpToTheNextStructure() throws {
        // A capability of unknown length at 0x200, then DSN at 0x800: 0x204-0x7ff may be its.
        let target = F.endpoint([(0x100, 0x0001, 1, 0x200), (0x200, 0x0039, 1, 0x800), (0x800, 0x0003, 1, 0)])
        var request = F.request(target, [.pasid])
        request.capabilities[0].explicitOffset = 0x400
        let plan = try PlacementPlanner.plan(request)
        #expect(
            plan.rejected.first?.reason
                == .mayBelongToCapability(
                    .extended(.physicalLayer128), at: 0x200, possibleExtent: ConfigRange(0x200, length: 0x600)))
        #expect(
            plan.notes.contains(
                PlacementNote(
                    .unknownExtent(
                        .extended(.physicalLayer128), at: 0x200, possibleExtent: ConfigRange(0x200, length: 0x600),
                        peer: nil))))
        // Past the next structure the space is free again.
        let end = try PlacementPlanner.plan(F.request(target, [.pasid], strategy: .end))
        #expect(end.placements.map(\.offset) == [0xFF8])
    }

    @Test func nonZeroBytesOutsideStructuresAreRefusedUnlessAllowed() throws {
        var target = F.aerAndDSN()
        target.bytes[0xFF9] = 0x5A
        target.bytes[0xFFE] = 0xA5
        var request = F.request(target, [.pasid], strategy: .end)
        let plan = try PlacementPlanner.plan(request)
        #expect(plan.rejected.first?.reason == .nonZeroBytes(ConfigRange(0xFF9, length: 6), count: 2))
        #expect(plan.placements.map(\.offset) == [0xFF0])
        #expect(
            plan.notes.contains(
                PlacementNote(.suspectedHiddenRegisters(ConfigRange(0xFF9, length: 6), count: 2, peer: nil))))

        request.allowsNonZeroBytes = true
        let forced = try PlacementPlanner.plan(request)
        #expect(forced.placements.map(\.offset) == [0xFF8])
        #expect(forced.placements.first?.coveredNonZeroBytes == [ConfigRange(0xFF9, length: 6)])
        #expect(forced.notes.contains(PlacementNote(.coversNonZeroBytes(.pasid, ConfigRange(0xFF9, length: 6)))))
        #expect(forced.virtualSpace.word(at: 0xFFE) == 0)  // PASID Control now covers the stray byte
        #expect(forced.virtualSpace.dword(at: 0xFF8) == 0x0001_001B)
        expectInvariants(forced)
    }

    @Test func reservedRangesAreAvoided() throws {
        var request = F.request(F.aerAndDSN(), [.pasid], strategy: .end)
        request.reserved = [ConfigRange(0xF00, length: 0x100)]
        let plan = try PlacementPlanner.plan(request)
        #expect(plan.placements.map(\.offset) == [0xEF8])
        #expect(plan.rejected.map(\.reason) == [.reserved(ConfigRange(0xF00, length: 0x100), by: .user)])
    }

    @Test func peersMustBeFreeAtTheSameOffsets() throws {
        var peer = F.aerAndDSN()
        peer.extended(0x140, id: 0x0003, next: 0xFF8)
        peer.extended(0xFF8, id: 0x0018, next: 0)  // LTR 0xFF8-0xFFF on the peer
        var stray = F.aerAndDSN()
        stray.bytes[0xFE4] = 1
        var request = F.request(F.aerAndDSN(), [.pasid], strategy: .end)
        request.peers = [F.function(peer), F.function(stray)]
        let plan = try PlacementPlanner.plan(request)
        #expect(plan.placements.map(\.offset) == [0xFF0])
        #expect(
            plan.rejected.map(\.reason) == [
                .onPeer(
                    0,
                    .overlapsCapability(
                        .extended(.latencyToleranceReporting), at: 0xFF8, extent: ConfigRange(0xFF8, length: 8)))
            ])
        // The second peer's stray byte at 0xFE4 blocks 0xFE0, free on the target and the first peer.
        request.strategy = .explicitOffset
        request.capabilities[0].explicitOffset = 0xFE0
        let blocked = try PlacementPlanner.plan(request)
        #expect(blocked.rejected.map(\.reason) == [.onPeer(1, .nonZeroBytes(ConfigRange(0xFE4, length: 1), count: 1))])
        expectInvariants(plan)
    }

    @Test func dwordAlignmentAndAreaAreCheckedForEveryCandidate() {
        let environment = PlacementEnvironment(
            target: F.aerAndDSN().analysis(), peers: [], reserved: [], tableEntries: [])
        #expect(environment.conflicts(for: ConfigRange(0x301, length: 8)) == [.misaligned(0x301)])
        #expect(
            environment.conflicts(for: ConfigRange(0xFFC, length: 8)) == [
                .outsideExtendedSpace(ConfigRange(0xFFC, length: 8))
            ])
        #expect(environment.conflicts(for: ConfigRange(0x300, length: 8)).isEmpty)
    }

    // MARK: - Refusals

    @Test(arguments: [(64, true), (256, false), (4092, false)])
    func refusesATargetThatIsNotFullyReadable(readable: Int, needsRoot: Bool) {
        let short = ConfigSpace(bytes: Array(F.aerAndDSN().bytes.prefix(readable)), size: 4096)
        var request = F.request(F.aerAndDSN(), [.pasid])
        request.target = PlacementFunction(space: short, isUnprivilegedRead: needsRoot)
        #expect(throws: PlacementError.targetNotFullyReadable(readable: readable, needsRoot: needsRoot)) {
            try PlacementPlanner.plan(request)
        }
    }

    @Test func aConventionalFunctionReadIn256BytesHasNoExtendedSpaceRatherThanAShortRead() {
        var conventional = F.aerAndDSN()
        conventional.bytes[0x06] = 0  // no capability list, so no PCI Express capability
        let short = ConfigSpace(bytes: Array(conventional.bytes.prefix(256)), size: 256)
        var request = F.request(conventional, [.pasid])
        request.target = PlacementFunction(space: short)
        #expect(throws: PlacementError.targetHasNoExtendedSpace) { try PlacementPlanner.plan(request) }
        // 64 bytes do not show the capability list: that stays a short read.
        let first64 = ConfigSpace(bytes: Array(conventional.bytes.prefix(64)), size: 256)
        request.target = PlacementFunction(space: first64, isUnprivilegedRead: true)
        #expect(throws: PlacementError.targetNotFullyReadable(readable: 64, needsRoot: true)) {
            try PlacementPlanner.plan(request)
        }
    }

    @Test func refusesFunctionsWithoutAUsableExtendedList() {
        var conventional = F.aerAndDSN()
        conventional.bytes[0x06] = 0  // no capability list, so no PCI Express capability
        #expect(throws: PlacementError.targetHasNoExtendedSpace) {
            try PlacementPlanner.plan(F.request(conventional, [.pasid]))
        }
        var inaccessible = F.endpoint()
        inaccessible.set32(0x100, 0xFFFF_FFFF)
        #expect(throws: PlacementError.extendedSpaceInaccessible) {
            try PlacementPlanner.plan(F.request(inaccessible, [.pasid]))
        }
        let looped = F.endpoint([(0x100, 0x0001, 1, 0x140), (0x140, 0x0003, 1, 0x100)])
        #expect(throws: PlacementError.extendedListUnterminated(last: 0x140)) {
            try PlacementPlanner.plan(F.request(looped, [.pasid]))
        }
        var aliased = F.endpoint()
        for block in stride(from: 0x100, to: 0x1000, by: 0x100) {
            for index in 0..<0x100 { aliased.bytes[block + index] = aliased.bytes[index] }
        }
        #expect(throws: PlacementError.extendedSpaceAliased) {
            try PlacementPlanner.plan(F.request(aliased, [.pasid]))
        }
        var request = F.request(F.aerAndDSN(), [.pasid])
        request.peers = [PlacementFunction(space: ConfigSpace(bytes: Array(F.aerAndDSN().bytes.prefix(256))))]
        #expect(throws: PlacementError.peerNotFullyReadable(peer: 0, readable: 256)) {
            try PlacementPlanner.plan(request)
        }
    }

    @Test func refusesPASIDAndPRIWithoutBitsToCopy() throws {
        #expect(throws: PlacementError.missingCapabilityBits(.pasid)) {
            try PlacementPlanner.plan(F.request(F.aerAndDSN(), [.pasid], physicalFunction: nil))
        }
        #expect(throws: PlacementError.missingCapabilityBits(.pri)) {
            try PlacementPlanner.plan(F.request(F.aerAndDSN(), [.pri], physicalFunction: F.aerAndDSN()))
        }
        // ATS needs no bits: without a PF its capability register is 0.
        let ats = try PlacementPlanner.plan(F.request(F.aerAndDSN(), [.ats], physicalFunction: nil))
        #expect(ats.placements.first?.contents.bitsSource == .cleared)
        #expect(ats.placements.first?.contents.body == [0, 0, 0, 0])
    }

    @Test func refusesDuplicatesAndBadDVSECs() {
        #expect(throws: PlacementError.duplicateCapability(.pasid)) {
            try PlacementPlanner.plan(F.request(F.aerAndDSN(), [.pasid, .pasid]))
        }
        let long = DVSECIdentity(vendorID: 1, dvsecID: 2, length: 0x1000)
        #expect(throws: PlacementError.invalidDVSEC(.lengthOutOfRange(0x1000))) {
            try PlacementPlanner.plan(F.request(F.aerAndDSN(), [.dvsec(long)]))
        }
        let revision = DVSECIdentity(vendorID: 1, dvsecID: 2, revision: 16)
        #expect(throws: PlacementError.invalidDVSEC(.revisionOutOfRange(16))) {
            try PlacementPlanner.plan(F.request(F.aerAndDSN(), [.dvsec(revision)]))
        }
        #expect(throws: PlacementError.nothingRequested) {
            try PlacementPlanner.plan(F.request(F.aerAndDSN(), []))
        }
    }

    // MARK: - What is already there

    @Test func existingATSIsReportedAndNotAdded() throws {
        var target = F.aerAndDSN()
        target.extended(0x140, id: 0x0003, next: 0x150)
        target.extended(0x150, id: 0x000F, next: 0)
        let plan = try PlacementPlanner.plan(F.request(target, [.ats, .pasid], strategy: .end))
        #expect(plan.decisions.first?.outcome == .alreadyPresent(0x150))
        #expect(plan.notes.contains(PlacementNote(.alreadyPresent(.ats, at: 0x150, isForbidden: false))))
        #expect(plan.placements.map(\.capability.kind) == [.pasid])
        #expect(plan.isComplete)
    }

    @Test func aVFWithPASIDGetsAWarningAndNoSecondPASID() throws {
        var target = F.aerAndDSN()
        target.extended(0x140, id: 0x0003, next: 0x150)
        target.extended(0x150, id: 0x001B, next: 0)
        let plan = try PlacementPlanner.plan(F.request(target, [.pasid, .pri], strategy: .end))
        let note = PlacementNote(.alreadyPresent(.pasid, at: 0x150, isForbidden: true))
        #expect(plan.notes.contains(note))
        #expect(note.severity == .warning)
        #expect(plan.placements.map(\.capability.kind) == [.pri])
    }

    // MARK: - The extended list

    @Test func emptyListWithFirstFitStartsTheListWithTheCapability() throws {
        let plan = try PlacementPlanner.plan(F.request(F.endpoint(), [.pasid, .pri], strategy: .firstFit))
        #expect(plan.placements.map(\.offset) == [0x100, 0x108])
        #expect(plan.listHead == .placement(0x100))
        #expect(plan.virtualSpace.dword(at: 0x100) == 0x1081_001B)
        #expect(FunctionAnalysis(space: plan.virtualSpace).extendedCapabilities.map(\.offset) == [0x100, 0x108])
        expectInvariants(plan)
    }

    @Test func emptyListWithEndGetsANullCapabilityHead() throws {
        let plan = try PlacementPlanner.plan(F.request(F.endpoint(), [.pasid, .pri], strategy: .end))
        #expect(plan.placements.map(\.offset) == [0xFF8, 0xFE8])
        #expect(plan.listHead == .nullCapability)
        #expect(plan.virtualSpace.dword(at: 0x100) == 0xFF80_0000)  // ID 0, version 0, next 0xFF8
        let chain = FunctionAnalysis(space: plan.virtualSpace).extendedCapabilities
        #expect(chain.map(\.offset) == [0x100, 0xFF8, 0xFE8])
        #expect(chain.map(\.kind) == [.extended(.null), .extended(.processAddressSpaceID), .extended(.pageRequest)])
        #expect(plan.notes.contains(PlacementNote(.nullListHead(first: 0xFF8))))
        expectInvariants(plan)
    }

    @Test func emptyListKeepsItsHeadFreeForLaterCapabilities() throws {
        // An explicit 0x102..0x109 would sit on the head's dword; 0x104 too.
        var request = F.request(F.endpoint(), [.pasid])
        request.capabilities[0].explicitOffset = 0x104
        let environment = PlacementEnvironment(
            target: F.endpoint().analysis(), peers: [], reserved: [], tableEntries: [])
        #expect(environment.conflicts(for: ConfigRange(0x100, length: 8)).isEmpty)
        #expect(
            environment.conflicts(for: ConfigRange(0x0FC, length: 8)).contains(
                .extendedListHead(ConfigRange(0x100, length: 4))))
        let plan = try PlacementPlanner.plan(request)
        #expect(plan.placements.map(\.offset) == [0x104])
        #expect(plan.virtualSpace.dword(at: 0x100) == 0x1040_0000)
        expectInvariants(plan)
    }

    @Test func placeholderAt0x100IsKeptAndNewCapabilitiesFollowTheLast() throws {
        // vfio hid the first capability: ID 0 at 0x100 leading to AER at 0x200.
        var target = F.endpoint([(0x200, 0x0001, 1, 0)])
        target.set32(0x100, 0x2000_0000)
        let plan = try PlacementPlanner.plan(F.request(target, [.pasid], strategy: .firstFit))
        #expect(plan.notes.contains(PlacementNote(.placeholderAtListHead(next: 0x200))))
        #expect(plan.placements.map(\.offset) == [0x104])
        #expect(plan.virtualSpace.dword(at: 0x100) == 0x2000_0000)
        #expect(plan.virtualSpace.dword(at: 0x200) == 0x1041_0001)
        let chain = FunctionAnalysis(space: plan.virtualSpace).extendedCapabilities.map(\.offset)
        #expect(chain == [0x100, 0x200, 0x104])
        expectInvariants(plan)
    }

    // MARK: - DVSECs

    @Test func dvsecIsBuiltFromItsIdentityAndFollowsThePFsDVSEC() throws {
        var pf = F.physicalFunction()
        pf.extended(0x170, id: 0x001B, next: 0x300)
        pf.extended(0x300, id: 0x0023, next: 0)
        pf.set32(0x304, 0x0180_1E98)  // Vendor 1e98, rev 0, length 0x18
        pf.set16(0x308, 0x0007)
        let identity = DVSECIdentity(vendorID: 0x1E98, dvsecID: 7, length: 0x18)
        let plan = try PlacementPlanner.plan(
            F.request(
                F.aerAndDSN(), [.dvsec(identity), .dvsec(DVSECIdentity(vendorID: 0x1E98, dvsecID: 8))],
                strategy: .pfOffset, physicalFunction: pf))
        #expect(plan.placements.map(\.offset) == [0x300])
        #expect(plan.decisions.last?.steps == [StrategyStep(.pfOffset, .noCandidate(.physicalFunctionLacksCapability))])
        #expect(plan.virtualSpace.dword(at: 0x304) == 0x0180_1E98)
        #expect(plan.virtualSpace.word(at: 0x308) == 7)
        #expect(DVSECIdentity(vendorID: 1, dvsecID: 1, length: 13).length == 16)
    }

    @Test func freeSpaceDVSECListsExactlyTheSpaceLeftFree() throws {
        var request = F.request(F.aerAndDSN(), [.pasid], strategy: .end)
        request.addsFreeSpaceDVSEC = true
        request.reserved = [ConfigRange(0x800, length: 0x10)]
        let plan = try PlacementPlanner.plan(request)
        #expect(plan.placements.map(\.capability.kind) == [.pasid, .freeSpaceDVSEC])
        let placement = try #require(plan.placements.last)
        // Free before it: 0x12c-0x13f, 0x14c-0x7ff, 0x810-0xff7 (3 ranges): 12 + 3 x 4 = 24 bytes at the top.
        #expect(placement.offset == 0xFE0 && placement.length == 24)
        let reading = try #require(FreeSpaceDVSEC.read(in: FunctionAnalysis(space: plan.virtualSpace)).first)
        #expect(reading.offset == 0xFE0)
        #expect(reading.problems.isEmpty)
        #expect(
            reading.ranges == [
                ConfigRange(0x12C, length: 0x14), ConfigRange(0x14C, length: 0x800 - 0x14C),
                ConfigRange(0x810, length: 0xFE0 - 0x810),
            ])
        expectInvariants(plan)

        // Read back as a hint: PRI (16 bytes) fits the first advertised range, a 24-byte DVSEC
        // does not and goes into the second.
        let dvsec = VirtualCapability.dvsec(DVSECIdentity(vendorID: 0x8086, dvsecID: 5, length: 24))
        var next = F.request(F.aerAndDSN(), [.pri, dvsec], strategy: .dvsecHint)
        next.target.space = plan.virtualSpace
        let hinted = try PlacementPlanner.plan(next)
        #expect(hinted.placements.map(\.offset) == [0x12C, 0x14C])
        #expect(hinted.rejected.map(\.reason) == [.exceedsAdvertisedRange(ConfigRange(0x12C, length: 0x14))])
        #expect(hinted.rejected.map(\.capability) == [.dvsec])
        expectInvariants(hinted)
    }

    @Test func freeSpaceDVSECIsNotAddedTwice() throws {
        var request = F.request(F.aerAndDSN(), [], strategy: .end)
        request.addsFreeSpaceDVSEC = true
        let first = try PlacementPlanner.plan(request)
        request.target.space = first.virtualSpace
        let second = try PlacementPlanner.plan(request)
        #expect(second.placements.isEmpty)
        // Free were 0x12c-0x13f and 0x14c-0xfff: 12 + 2 x 4 bytes at the top.
        #expect(first.placements.map(\.offset) == [0xFEC])
        #expect(second.notes.contains(PlacementNote(.freeSpaceDVSECPresent(at: 0xFEC))))
        #expect(second.isComplete)
    }

    // MARK: - Invariants on many layouts

    @Test(arguments: PlacementStrategy.allCases)
    func everyStrategyKeepsThePlanInvariants(strategy: PlacementStrategy) throws {
        var target = F.aerAndDSN()
        target.extended(0x140, id: 0x0003, next: 0x400)
        target.extended(0x400, id: 0x0039, next: 0x600)  // unknown length: 0x404-0x5ff possibly owned
        target.extended(0x600, id: 0x000B, next: 0)
        target.set32(0x604, 0x0400_0001)  // VSEC 0x600-0x63f
        target.bytes[0xFFB] = 9
        target.bytes[0x701] = 9
        var request = F.request(target, [.pasid, .pri, .ats, .dvsec(DVSECIdentity(vendorID: 0xFFFF, dvsecID: 1))])
        request.strategy = strategy
        request.addsFreeSpaceDVSEC = true
        request.reserved = [ConfigRange(0x900, length: 0x40)]
        if strategy == .explicitOffset {
            for index in request.capabilities.indices {
                request.capabilities[index].explicitOffset = ConfigOffset(0xA00 + index * 0x20)
            }
        }
        let plan = try PlacementPlanner.plan(request)
        expectInvariants(plan)
        for placement in plan.placements {
            let range = placement.range
            #expect(!range.overlaps(ConfigRange(0x400, length: 0x200)), "\(placement)")
            #expect(!range.overlaps(ConfigRange(0x900, length: 0x40)), "\(placement)")
            #expect(!range.contains(0xFFB) && !range.contains(0x701), "\(placement)")
        }
    }
}

extension PlacementRequest {
    /// With PASID bits given as options (width 8, Exec).
    fileprivate func withPASIDBits() -> PlacementRequest {
        var copy = self
        copy.pasidBits = PASIDBits(maxWidth: 8, executeSupported: true)
        return copy
    }
}
