import Testing

@testable import Model

/// Undo, redo and reset, and the records they keep.
@Suite struct SimulationHistoryTests {
    @Test func undoRedoAndReset() throws {
        var history = SimulationHistory(try VfioModelTests.demo())
        let first = try history.apply(.write(0x04, .word, 0x0006))
        _ = try history.apply(.write(0x3C, .byte, 0x0B))
        #expect(history.current.guestValue(at: 0x3C, count: 1) == 0x0B)
        let undone = history.undo()
        #expect(undone)
        #expect(history.current.guestValue(at: 0x3C, count: 1) == 0)
        #expect(history.current.guestValue(at: 0x04, count: 2) == 0x0006)
        #expect(history.canRedo)
        let redone = history.redo()
        #expect(redone)
        #expect(history.current.guestValue(at: 0x3C, count: 1) == 0x0B)
        let nothing = history.redo()
        #expect(!nothing)
        let twice = history.undo() && history.undo()
        #expect(twice)
        let atStart = history.undo()
        #expect(!atStart)
        // Applying after an undo drops the redo tail.
        let again = try history.apply(.write(0x04, .word, 0x0006))
        #expect(again == first)
        #expect(history.records.count == 1)
        history.reset()
        #expect(history.records.isEmpty)
        // Back to the state after vfio's open: Memory Space Enable set for BAR0.
        #expect(history.current.guestValue(at: 0x04, count: 2) == 0x0002)
    }

    @Test func aRefusedAccessLeavesTheHistoryAlone() throws {
        var history = SimulationHistory(try VfioModelTests.demo())
        #expect(throws: WriteEmulationError.misaligned(offset: 1, width: .word)) {
            try history.apply(.write(0x01, .word, 0))
        }
        #expect(history.position == 0)
        #expect(history.records.isEmpty)
    }

    @Test func recordsNumberTheSteps() throws {
        var emulator = try VfioModelTests.demo()
        let records = try SimulationFixtures.run("COMMAND=6 STATUS 3c.B=0b", on: &emulator)
        #expect(records.map(\.step) == [0, 1, 2])
        #expect(records[1].isRead && records[1].value == 0x0010)
        #expect(emulator.stepCount == 3)
    }
}
