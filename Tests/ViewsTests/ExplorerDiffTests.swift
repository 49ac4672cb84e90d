import Testing

@testable import Model
@testable import Views

/// The explorer's comparison with any function (`C`): picking in the tree, the diff in the
/// fields pane, the differing bytes marked in the map.
@Suite struct ExplorerDiffTests {
    @Test func cOnAVFPreselectsItsPFAndEnterComparesThem() throws {
        var state = Fixtures.demoState(size: Size(width: 120, height: 40), preselect: "01:00.1")
        UpdateTests.press([.character("C")], &state)
        #expect(state.diffPick != nil)
        #expect(state.selectedFunction?.address.description == "0000:01:00.0")
        var text = AppView.frame(state).text
        #expect(text.contains("Compare 0000:01:00.1 with:"))
        #expect(text.contains("COMPARE:"))
        assertSnapshot(AppView.frame(state).snapshot, suite: "ExplorerDiffTests", name: "picking_120x40")
        UpdateTests.press([.enter], &state)
        #expect(state.diffPick == nil)
        let diff = try #require(state.diff)
        #expect(state.selectedFunction?.address.description == "0000:01:00.1")
        #expect(diff.comparison.b.address.description == "0000:01:00.0")
        #expect(!diff.comparison.diff.isMigrationCompatible)
        // Vendor ID at 0x000 differs (0xffff on the VF), so it is marked; a byte both share is not.
        #expect(diff.marked.contains(0))
        #expect(!diff.marked.contains(0x0E))
        text = AppView.frame(state).text
        #expect(text.contains("Diff: a 0000:01:00.1 vs b 0000:01:00.0"))
        #expect(text.contains("Migration: not compatible"))
        #expect(text.contains("~diff"))
        assertSnapshot(AppView.frame(state).snapshot, suite: "ExplorerDiffTests", name: "vfAgainstPF_120x40")
    }

    @Test func anyFunctionCanBePickedAndEscCancels() throws {
        var state = Fixtures.demoState(size: Size(width: 120, height: 40), preselect: "01:00.1")
        UpdateTests.press([.character("C"), .down], &state)
        #expect(state.selectedFunction?.address.description == "0000:01:00.1")
        UpdateTests.press([.enter], &state)
        // The function itself is no choice: picking goes on.
        #expect(state.diffPick != nil)
        #expect(state.diff == nil)
        UpdateTests.press([.down], &state)
        #expect(state.selectedFunction?.address.description == "0000:01:00.2")
        UpdateTests.press([.enter], &state)
        let diff = try #require(state.diff)
        #expect(diff.comparison.b.address.description == "0000:01:00.2")
        #expect(diff.comparison.diff.isEmpty)
        #expect(diff.marked.isEmpty)
        #expect(AppView.frame(state).text.contains("Migration: compatible (no differences)"))
        UpdateTests.press([.escape], &state)
        #expect(state.diff == nil)
        // Esc while picking cancels, and the tree keeps its selection.
        UpdateTests.press([.character("C"), .escape], &state)
        #expect(state.diffPick == nil)
        #expect(state.diff == nil)
    }

    @Test func selectingAnotherDeviceClosesTheComparison() {
        var state = Fixtures.demoState(size: Size(width: 120, height: 40), preselect: "01:00.1")
        UpdateTests.press([.character("C"), .enter], &state)
        #expect(state.diff != nil)
        UpdateTests.press([.character("C")], &state)
        #expect(state.diff == nil)
        UpdateTests.press([.character("C"), .enter], &state)
        #expect(state.diff != nil)
        update(&state, .focus(.devices))
        UpdateTests.press([.down], &state)
        #expect(state.selectedFunction?.address.description == "0000:01:00.2")
        #expect(state.diff == nil)
    }

    @Test func theDiffPaneScrollsAndRendersInATinyArea() throws {
        var state = Fixtures.demoState(size: Size(width: 120, height: 40), preselect: "01:00.1")
        UpdateTests.press([.character("C"), .up, .up, .up, .enter], &state)
        let diff = try #require(state.diff)
        let lines = DiffView.lines(for: diff.comparison)
        #expect(lines.count > 3)
        UpdateTests.press([.down, .down], &state)
        #expect(state.diff?.list.selection == 2)
        var buffer = ScreenBuffer(size: Size(width: 3, height: 2))
        DiffView(comparison: diff.comparison, scroll: 0, isFocused: true, glyphs: .ascii).render(
            into: &buffer, area: buffer.bounds)
        assertSnapshot(buffer.snapshot, suite: "ExplorerDiffTests", name: "diffView_3x2")
        var small = ScreenBuffer(size: Size(width: 60, height: 6))
        DiffView(comparison: diff.comparison, scroll: 0, isFocused: true, glyphs: .ascii).render(
            into: &small, area: small.bounds)
        assertSnapshot(small.snapshot, suite: "ExplorerDiffTests", name: "diffView_60x6")
    }
}
