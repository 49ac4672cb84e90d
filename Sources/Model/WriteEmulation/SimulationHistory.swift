/// A simulation with undo and redo: every applied access keeps the emulator state after it.
///
/// Emulators are values, so a state is a copy (the access maps are shared; only the
/// simulated bytes are copied when they change). Applying after an undo drops the redo tail.
///
/// ```
/// var history = SimulationHistory(try WriteEmulator(function: f, options: o))
/// try history.apply(.write(0x04, .word, 0x0406))
/// history.undo()             // back to the start
/// history.redo()             // the write again, same record
/// history.reset()            // everything undone, redo cleared
/// ```
public struct SimulationHistory: Sendable {
    /// `states[n]` is the emulator after the first `n` records.
    public private(set) var states: [WriteEmulator]
    /// Every record, including those undone (the redo tail).
    public private(set) var records: [WriteRecord]
    /// How many records are applied.
    public private(set) var position: Int

    /// A history starting at `initial`, with nothing applied.
    public init(_ initial: WriteEmulator) {
        states = [initial]
        records = []
        position = 0
    }

    /// The emulator now.
    public var current: WriteEmulator { states[min(position, states.count - 1)] }
    /// The starting emulator.
    public var initial: WriteEmulator { states[0] }
    /// The applied records, in order.
    public var applied: ArraySlice<WriteRecord> { records[..<position] }
    public var canUndo: Bool { position > 0 }
    public var canRedo: Bool { position < records.count }

    /// Applies an access after the current state (dropping anything undone) and returns its record.
    @discardableResult
    public mutating func apply(_ access: ConfigAccess) throws(WriteEmulationError) -> WriteRecord {
        var next = current
        let record = try next.apply(access)
        states.removeSubrange((position + 1)...)
        records.removeSubrange(position...)
        states.append(next)
        records.append(record)
        position += 1
        return record
    }

    /// Steps back one access. Returns false at the start.
    @discardableResult
    public mutating func undo() -> Bool {
        guard canUndo else { return false }
        position -= 1
        return true
    }

    /// Re-applies the next undone access. Returns false when there is none.
    @discardableResult
    public mutating func redo() -> Bool {
        guard canRedo else { return false }
        position += 1
        return true
    }

    /// Back to the start, forgetting every record.
    public mutating func reset() {
        states.removeSubrange(1...)
        records.removeAll()
        position = 0
    }
}
