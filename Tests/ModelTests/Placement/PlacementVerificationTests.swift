import Foundation
import Testing

@testable import Model

/// `PlacementPlanner.violation`: placements made elsewhere, checked with the planner's rules.
@Suite struct PlacementVerificationTests {
    static func pasid(_ offset: Int) -> PlacedRange { PlacedRange(kind: .pasid, range: ConfigRange(offset, length: 8)) }

    /// AER at 0x100-0x12b, DSN at 0x140-0x14b, a non-zero byte at 0x800.
    static func target() -> PlacementFunction {
        var builder = PlacementFixtures.aerAndDSN()
        builder.bytes[0x800] = 0x5A
        return PlacementFixtures.function(builder)
    }

    @Test func whatThePlannerPlacesHolds() throws {
        let request = PlacementFixtures.request(PlacementFixtures.aerAndDSN(), [.pasid, .pri], strategy: .end)
        let plan = try PlacementPlanner.plan(request)
        let placed = plan.placements.map { PlacedRange(kind: $0.capability.kind, range: $0.range) }
        #expect(placed.count == 2)
        #expect(try PlacementPlanner.violation(of: placed, target: request.target) == nil)
    }

    @Test(arguments: [
        (
            [0x104], 0,
            RejectionReason?.some(
                .overlapsCapability(
                    .extended(.advancedErrorReporting), at: ConfigOffset(0x100),
                    extent: ConfigRange(0x100, length: 0x2C)))
        ),
        ([0x202], 0, .misaligned(ConfigOffset(0x202))),
        ([0xF8], 0, .outsideExtendedSpace(ConfigRange(0xF8, length: 8))),
        ([0x200, 0x204], 1, .overlapsPlacement(.pasid, at: ConfigOffset(0x200), range: ConfigRange(0x200, length: 8))),
        ([0x7FC], 0, .nonZeroBytes(ConfigRange(0x800, length: 1), count: 1)),
    ])
    func eachRuleIsThePlanners(offsets: [Int], index: Int, reason: RejectionReason?) throws {
        let violation = try PlacementPlanner.violation(of: offsets.map(Self.pasid), target: Self.target())
        #expect(violation?.index == index)
        #expect(violation?.reason == reason)
    }

    @Test func nonZeroBytesAreAllowedOnlyWhenAskedAndNeverUnderTheFreeSpaceDVSEC() throws {
        let target = Self.target()
        #expect(
            try PlacementPlanner.violation(of: [Self.pasid(0x7FC)], target: target, allowsNonZeroBytes: true) == nil)
        // Allowing non-zero bytes does not allow anything else.
        let overlap = try PlacementPlanner.violation(
            of: [Self.pasid(0x7FC), Self.pasid(0x800)], target: target, allowsNonZeroBytes: true)
        #expect(overlap?.index == 1)
        #expect(overlap?.reason.constraint == .otherPlacement)
        let dvsec = PlacedRange(kind: .freeSpaceDVSEC, range: ConfigRange(0x7FC, length: 16))
        let strict = try PlacementPlanner.violation(of: [dvsec], target: target, allowsNonZeroBytes: true)
        #expect(strict?.reason.constraint == .hiddenRegisters)
    }

    @Test func peersAndUnusableTargetsAreThePlanners() throws {
        var peer = PlacementFixtures.aerAndDSN()
        peer.bytes[0x200] = 1
        let violation = try PlacementPlanner.violation(
            of: [Self.pasid(0x200)], target: PlacementFixtures.function(PlacementFixtures.aerAndDSN()),
            peers: [PlacementFixtures.function(peer)])
        #expect(violation?.reason == .onPeer(0, .nonZeroBytes(ConfigRange(0x200, length: 1), count: 1)))
        let short = PlacementFixtures.function(PlacementFixtures.aerAndDSN(), isVirtualFunction: true)
        let conventional = PlacementFunction(space: ConfigSpace(bytes: Array(short.space.bytes.prefix(256))))
        #expect(throws: PlacementError.self) {
            try PlacementPlanner.violation(of: [Self.pasid(0x200)], target: conventional)
        }
    }

    @Test func planFilesCarryTheTargetsIDsAndOldOnesReadWithout() throws {
        let new = try JSONDecoder().decode(
            PlanFile.self,
            from: Data(#"{"target":"0000:01:00.1","vendorID":6966,"deviceID":16,"placements":[]}"#.utf8))
        #expect(new.vendorID == 0x1B36 && new.deviceID == 0x0010)
        let old = try JSONDecoder().decode(
            PlanFile.self, from: Data(#"{"target":"0000:01:00.1","placements":[]}"#.utf8))
        #expect(old.vendorID == nil && old.deviceID == nil)
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(PlanFile.self, from: Data(#"{"vendorID":65536,"placements":[]}"#.utf8))
        }
    }

    @Test(arguments: [
        (VirtualCapabilityKind?.some(.pri), 27, VirtualCapabilityKind.pri), (nil, 27, .pasid), (nil, 0x13, .pri),
        (nil, 0x0F, .ats), (nil, 0x23, .dvsec), (nil, 0x99, .dvsec),
    ])
    func plannedKindFollowsTheCapabilityThenTheID(
        capability: VirtualCapabilityKind?, id: Int, kind: VirtualCapabilityKind
    ) {
        #expect(PlanFile.Placement(capability: capability, id: id, offset: 0x200, length: 8).plannedKind == kind)
    }
}
