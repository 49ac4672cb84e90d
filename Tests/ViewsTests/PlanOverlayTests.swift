import Model
import Testing

@testable import Views

/// The placement overlay in the explorer: proposals drawn over the map, strategies, adding,
/// removing and moving with live validity, export, and the PF/VF comparison.
@Suite struct PlanOverlayTests {
    static func vf() -> AppState {
        var state = Fixtures.demoState(size: Size(width: 120, height: 40), preselect: "01:00.1")
        UpdateTests.press([.character("v")], &state)
        return state
    }

    static func placement(_ state: AppState, _ kind: VirtualCapabilityKind) -> ConfigOffset? {
        state.overlay?.plan?.placements.first { $0.capability.kind == kind }?.offset
    }

    @Test func openingOnADemoVFProposesPASIDAndPRIWhereThePFHasThem() throws {
        let state = Self.vf()
        let overlay = try #require(state.overlay)
        #expect(overlay.refusal == nil)
        #expect(Self.placement(state, .pasid) == DemoSet.pasidOffset)
        #expect(Self.placement(state, .pri) == DemoSet.priOffset)
        // The VF already has ATS, so it is not proposed.
        #expect(!overlay.capabilities.contains { $0.capability.kind == .ats })
        // The map shows the virtual space: PASID is a capability there, with registers.
        #expect(state.displayed?.analysis.capability(.extended(.processAddressSpaceID)) != nil)
        #expect(state.selected?.analysis.capability(.extended(.processAddressSpaceID)) == nil)
        let frame = AppView.frame(state)
        #expect(frame.cells.contains { $0.style.role == .proposed })
        #expect(frame.text.contains("+PASID"))
        #expect(frame.text.contains("PLAN auto"))
    }

    @Test func strategiesCycleAndEndPutsPASIDAt0xFF8() {
        var state = Self.vf()
        UpdateTests.press([.character("s")], &state)
        #expect(state.overlay?.strategy == .pfOffset)
        UpdateTests.press([.character("s")], &state)
        #expect(state.overlay?.strategy == .end)
        #expect(Self.placement(state, .pasid) == 0xFF8)
        #expect(state.cursor == 0xFF8)
    }

    @Test func movingAProposalUpdatesValidityLiveAndShowsTheReasonInPlace() throws {
        var state = Self.vf()
        state.moveCursor(to: DemoSet.pasidOffset.rawValue)
        UpdateTests.press([.character("m"), .right], &state)
        #expect(state.overlay?.isMoving == true)
        #expect(Self.placement(state, .pasid) == 0x184)
        #expect(state.overlay?.conflict == nil)
        // Two rows up lands on the VF's real ATS capability (0x160-0x167): rejected, with the
        // reason shown in place. (Other proposals are not pinned, so they move out of the way;
        // only real structures and the pinned proposal itself can conflict.)
        UpdateTests.press([.up, .up], &state)
        let conflict = try #require(state.overlay?.conflict)
        #expect(conflict.range.start == 0x164)
        #expect(
            conflict.reasons.contains {
                if case .overlapsCapability(_, let at, _) = $0 { return at.rawValue == 0x160 }
                return false
            })
        #expect(Self.placement(state, .pasid) == nil)
        let frame = AppView.frame(state)
        #expect(frame.cells.contains { $0.style.role == .conflict })
        #expect(frame.text.contains("cannot go at 0x164"))
        // Back to a free offset: valid again.
        UpdateTests.press([.down, .down], &state)
        #expect(state.overlay?.conflict == nil)
        #expect(Self.placement(state, .pasid) == 0x184)
        UpdateTests.press([.enter], &state)
        #expect(state.overlay?.isMoving == false)
    }

    @Test func enterOnAConflictIsRefusedWithTheReasonAndEscReturnsToTheLastValidOffset() throws {
        var state = Self.vf()
        state.moveCursor(to: DemoSet.pasidOffset.rawValue)
        UpdateTests.press([.character("m"), .right], &state)
        #expect(state.overlay?.lastValidOffset == 0x184)
        // A row up is free (PRI moves out of the way): the last valid offset follows.
        UpdateTests.press([.up], &state)
        #expect(state.overlay?.lastValidOffset == 0x174)
        // Onto the VF's ATS (0x160-0x167): Enter (and m) refuse, moving goes on, the status line
        // gives the planner's reason and where Esc goes.
        UpdateTests.press([.up], &state)
        #expect(state.overlay?.conflict != nil)
        #expect(state.overlay?.lastValidOffset == 0x174, "a conflicting offset is not remembered")
        for key in [Key.enter, .character("m")] {
            UpdateTests.press([key], &state)
            #expect(state.overlay?.isMoving == true, "\(key)")
            #expect(state.overlay?.capabilities.first { $0.capability.kind == .pasid }?.explicitOffset == 0x164)
            let status = try #require(state.status)
            #expect(status.kind == .warning)
            #expect(status.text.hasPrefix("PASID cannot stay at 0x164: "))
            #expect(status.text.contains("Address Translation Services capability at 0x160"))
            #expect(status.text.hasSuffix("; Esc returns it to 0x174"))
            #expect(AppView.frame(state).text.contains("PASID cannot stay at 0x164"))
        }
        #expect(Self.placement(state, .pasid) == nil)
        // Esc: back at the last valid offset (pinned there), no conflict, moving over.
        UpdateTests.press([.escape], &state)
        let overlay = try #require(state.overlay)
        #expect(!overlay.isMoving)
        #expect(overlay.conflict == nil)
        #expect(overlay.lastValidOffset == nil)
        #expect(Self.placement(state, .pasid) == 0x174)
        #expect(overlay.capabilities.first { $0.capability.kind == .pasid }?.explicitOffset == 0x174)
        #expect(state.cursor == 0x174)
        #expect(state.status?.text == "PASID back at 0x174")
        // Not moving any more: the arrows move the cursor again.
        UpdateTests.press([.right], &state)
        #expect(state.cursor == 0x175)
        #expect(Self.placement(state, .pasid) == 0x174)
    }

    @Test func escBeforeAnyValidMoveGivesTheProposalBackToItsStrategy() throws {
        var state = Self.vf()
        let before = try #require(state.overlay?.plan?.placements)
        // PRI (16 bytes at 0x170): a row up overlaps ATS at once, so it was never moved validly.
        state.moveCursor(to: DemoSet.priOffset.rawValue)
        UpdateTests.press([.character("m"), .up], &state)
        #expect(state.overlay?.conflict?.range.start == 0x160)
        #expect(state.overlay?.lastValidOffset == DemoSet.priOffset)
        UpdateTests.press([.escape], &state)
        #expect(state.overlay?.isMoving == false)
        #expect(state.overlay?.capabilities.allSatisfy { $0.explicitOffset == nil } == true, "nothing stays pinned")
        #expect(state.overlay?.plan?.placements == before)
        #expect(state.status?.text == "PRI back at 0x170")
    }

    @Test func enterOnAValidOffsetKeepsIt() throws {
        var state = Self.vf()
        state.moveCursor(to: DemoSet.pasidOffset.rawValue)
        UpdateTests.press([.character("m"), .right, .right], &state)
        UpdateTests.press([.enter], &state)
        let overlay = try #require(state.overlay)
        #expect(!overlay.isMoving)
        #expect(Self.placement(state, .pasid) == 0x188)
        #expect(overlay.capabilities.first { $0.capability.kind == .pasid }?.explicitOffset == 0x188)
        #expect(state.status == StatusMessage("PASID kept at 0x188"))
        // Esc when not moving does nothing to the plan.
        UpdateTests.press([.escape], &state)
        #expect(Self.placement(state, .pasid) == 0x188)
    }

    @Test func addingOrSimulatingWhileOnAConflictReturnsTheProposalFirst() throws {
        var state = Self.vf()
        state.moveCursor(to: DemoSet.pasidOffset.rawValue)
        UpdateTests.press([.character("m"), .right, .up, .up], &state)
        #expect(state.overlay?.conflict != nil)
        UpdateTests.press([.character("a")], &state)
        #expect(state.overlay?.isMoving == false)
        #expect(state.overlay?.conflict == nil)
        #expect(Self.placement(state, .pasid) == 0x174)
        // The write simulator takes the plan as it stands: never with the moved one left out.
        state.moveCursor(to: 0x174)
        UpdateTests.press([.character("m"), .up], &state)
        #expect(state.overlay?.isMoving == true)
        #expect(state.overlay?.conflict != nil)
        UpdateTests.press([.character("w")], &state)
        #expect(state.writeSession != nil)
        #expect(state.overlay?.isMoving == false)
        #expect(state.overlay?.conflict == nil)
        #expect(Self.placement(state, .pasid) == 0x174)
        #expect(state.displayed?.analysis.capability(.extended(.processAddressSpaceID))?.offset == 0x174)
    }

    @Test func withoutAPFToCopyTheBitsAreAssumedAndSaidToBe() throws {
        // The demo root port is PCI Express with an extended space, and no PF.
        var state = Fixtures.demoState(size: Size(width: 160, height: 40), preselect: "00:02.0")
        UpdateTests.press([.character("v")], &state)
        let overlay = try #require(state.overlay)
        #expect(overlay.refusal == nil)
        #expect(overlay.assumedBits(functions: state.functions) == [.pasid, .pri])
        let pasid = try #require(Self.placement(state, .pasid))
        // The PASID capability register holds the assumed width (20 in bits 12:8), nothing else.
        #expect(overlay.plan?.virtualSpace.word(at: pasid.rawValue + 4) == 0x1400)
        #expect(AppView.frame(state).text.contains("assumed (no PF bits): PASID width 20, PRI capacity 512"))
        // On a VF whose PF has PASID and PRI, nothing is assumed.
        let vf = Self.vf()
        #expect(vf.overlay?.assumedBits(functions: vf.functions) == [])
        #expect(!AppView.frame(vf).text.contains("assumed"))
    }

    @Test func addingAndRemovingProposals() {
        var state = Self.vf()
        let before = state.overlay?.capabilities.count ?? 0
        UpdateTests.press([.character("a")], &state)  // ATS: the VF has it, so it stays "present"
        UpdateTests.press([.character("a")], &state)  // then a DVSEC
        #expect(state.overlay?.capabilities.count == before + 2)
        #expect(Self.placement(state, .dvsec) != nil)
        let dvsec = Self.placement(state, .dvsec)?.rawValue ?? 0
        state.moveCursor(to: dvsec)
        UpdateTests.press([.character("x")], &state)
        #expect(Self.placement(state, .dvsec) == nil)
        #expect(state.overlay?.capabilities.count == before + 1)
    }

    @Test func exportWritesThePlanAndTheVirtualDump() throws {
        var state = Self.vf()
        let effects = UpdateTests.press([.character("e")], &state)
        guard case .export(let files)? = effects.first else {
            Issue.record("no export effect: \(effects)")
            return
        }
        #expect(files.map(\.name) == ["cfgtui-plan-0000-01-00.1.json", "cfgtui-virtual-0000-01-00.1.txt"])
        let json = String(decoding: files[0].bytes, as: UTF8.self)
        #expect(json.contains("\"placements\""))
        #expect(json.contains("\"offset\":384") || json.contains("\"offset\": 384"))
        let dump = try LspciDump.parse(files[1].bytes, file: "export")
        #expect(
            FunctionAnalysis(space: try #require(dump.first).space).capability(.extended(.processAddressSpaceID)) != nil
        )
        update(&state, .exported(.success(files.map(\.name))))
        #expect(state.status?.text.contains("cfgtui-plan-0000-01-00.1.json") == true)
    }

    @Test func theComparisonShowsWhatTheVFLacks() {
        var state = Fixtures.demoState(size: Size(width: 120, height: 40), preselect: "01:00.1")
        UpdateTests.press([.character("c")], &state)
        var text = AppView.frame(state).text
        #expect(text.contains("PF/VF: 0000:01:00.0 vs 0000:01:00.1"))
        #expect(text.contains("VFs must not have it; a VMM synthesizes it"))
        #expect(text.contains("PF only"))
        UpdateTests.press([.character("v")], &state)
        text = AppView.frame(state).text
        #expect(text.contains("proposed at 0x180"))
        assertSnapshot(AppView.frame(state).snapshot, suite: "PlanOverlayTests", name: "overlayWithComparison_120x40")
    }

    @Test func overlayKeysDoNothingWhenItIsOffAndItClosesOnAnotherDevice() {
        var state = Fixtures.demoState(size: Size(width: 120, height: 40), preselect: "01:00.1")
        #expect(KeyMap.action(for: .character("s"), in: state) == nil)
        UpdateTests.press([.character("v")], &state)
        #expect(KeyMap.action(for: .character("s"), in: state) == .overlay(.cycleStrategy))
        UpdateTests.press([.function(7)], &state)
        #expect(state.overlay == nil)
        UpdateTests.press([.character("v"), .tab, .tab, .tab, .down], &state)
        #expect(state.focus == .devices)
        #expect(state.overlay == nil)
    }

    @Test func aShortReadCannotBePlannedAndSaysWhy() {
        var state = Fixtures.unprivilegedState(size: Size(width: 120, height: 40))
        UpdateTests.press([.character("v")], &state)
        #expect(state.overlay?.refusal != nil)
        #expect(state.status?.kind == .warning)
        #expect(AppView.frame(state).text.contains("4096"))
    }
}
