import Testing

@testable import Model

/// `ConfigSpace.appendingExtendedCapability(_:version:body:at:emptyList:)` with the policy the
/// planner uses for an empty extended list.
@Suite struct ExtendedListLinkingTests {
    static let pasidBody: [UInt8] = [0x06, 0x14, 0x00, 0x00]

    @Test func nullCapabilityHeadLeadsToTheOffsetAskedFor() throws {
        let empty = PlacementFixtures.endpoint().space
        let built = try empty.appendingExtendedCapability(
            .processAddressSpaceID, version: 1, body: Self.pasidBody, at: 0xFF8, emptyList: .linkThroughNullCapability)
        #expect(built.dword(at: 0x100) == 0xFF80_0000)
        #expect(built.dword(at: 0xFF8) == 0x0001_001B)
        #expect(built.dword(at: 0xFFC) == 0x0000_1406)
        let chain = FunctionAnalysis(space: built).extendedCapabilities
        #expect(chain.map(\.offset) == [0x100, 0xFF8])
        #expect(chain.map(\.version) == [0, 1])
        // Only the head and the new structure changed.
        let changed = (0..<4096).filter { empty.byte(at: $0) != built.byte(at: $0) }
        #expect(changed.allSatisfy { (0x100..<0x104).contains($0) || (0xFF8..<0x1000).contains($0) })
    }

    @Test func nullCapabilityHeadPolicyStillStartsAt0x100WhenAskedTo() throws {
        let empty = PlacementFixtures.endpoint().space
        let built = try empty.appendingExtendedCapability(
            .processAddressSpaceID, version: 1, body: Self.pasidBody, at: 0x100, emptyList: .linkThroughNullCapability)
        #expect(built.dword(at: 0x100) == 0x0001_001B)
        #expect(FunctionAnalysis(space: built).extendedCapabilities.map(\.offset) == [0x100])
    }

    @Test func aLaterCapabilityAt0x100BecomesTheHead() throws {
        // PASID goes to 0xff8 first; ATS is then bound to 0x100, so it heads the list and no
        // Null capability is needed.
        var request = PlacementFixtures.request(PlacementFixtures.endpoint(), [.pasid, .ats], strategy: .end)
        request.capabilities[1].explicitOffset = 0x100
        let plan = try PlacementPlanner.plan(request)
        #expect(plan.placements.map(\.offset) == [0xFF8, 0x100])
        #expect(plan.listHead == .placement(0x100))
        #expect(plan.virtualSpace.dword(at: 0x100) == 0xFF81_000F)
        #expect(FunctionAnalysis(space: plan.virtualSpace).extendedCapabilities.map(\.offset) == [0x100, 0xFF8])
        expectInvariants(plan)
    }

    @Test func defaultPolicyIsUnchanged() throws {
        let empty = PlacementFixtures.endpoint().space
        let built = try empty.appendingExtendedCapability(
            .processAddressSpaceID, version: 1, body: Self.pasidBody, at: 0xFF8)
        #expect(built.dword(at: 0x100) == 0x0001_001B)
        #expect(built.dword(at: 0xFF8) == 0)
    }
}
