import Model
import Views

/// `cfgtui simulate -e TEXT` on the demo set: the setpci parser and resolver
/// (`SetpciProgram`), then the accesses on the simulator.
///
/// Input: one byte choosing the demo function and model, then the text (any bytes; invalid
/// UTF-8 is replaced as `String(decoding:)` does, as the executable reads a script).
///
/// Checked beyond "no trap": an error names a line and a column inside the text; every
/// access the resolver gives is one the simulator takes (`ConfigAccess.problem` is nil); each
/// access has the place of the expression it came from.
enum SetpciFuzzing {
    /// Accesses applied per input, at most (the rest are only resolved).
    static let appliedLimit = 256

    static func run(_ bytes: [UInt8]) {
        let emulators = FuzzSeeds.demoEmulators
        guard let choice = bytes.first, !emulators.isEmpty else { return }
        var emulator = emulators[Int(choice) % emulators.count]
        let text = String(decoding: bytes.dropFirst(), as: UTF8.self)
        var program = SetpciProgram()
        let source = SetpciProgram.Source(label: "-e #1", text: text)
        do throws(SetpciProgramError) {
            try program.append(source, resolver: emulator.resolver)
        } catch {
            checkPlace(error.error, in: text)
            _ = SimulationReport.message(error)
        }
        for (index, access) in program.accesses.enumerated() {
            let problem = access.problem(size: emulator.size, readable: emulator.accessibleLength)
            FuzzFailure.check(
                problem == nil,
                "the resolver gave \(access), which the simulator refuses: \(String(describing: problem))")
            let place = program.place(ofAccess: index)
            FuzzFailure.check(place.line >= 1 && place.column >= 1, "access \(index) at line \(place.line)")
            guard index < appliedLimit else { continue }
            do throws(WriteEmulationError) {
                let record = try emulator.apply(access)
                var trace = OutputBuffer()
                SimulationReport.appendStep(
                    SimulationStep(record: record, program: program, access: index), model: emulator.options.model,
                    analysis: emulator.guestAnalysis, to: &trace)
            } catch {
                FuzzFailure.fail("\(access) from \(program.expression(ofAccess: index)) refused: \(error)")
            }
        }
    }

    /// An error's line is one of the text's lines, its column at most one past the line's end.
    static func checkPlace(_ error: SetpciError, in text: String) {
        let lines = text.utf8.split(separator: 0x0A, omittingEmptySubsequences: false)
        FuzzFailure.check(error.line >= 1 && error.line <= lines.count, "\(error): line outside the text")
        let length = lines[error.line - 1].count
        FuzzFailure.check(
            error.column >= 1 && error.column <= length + 1, "\(error): column outside line \(error.line)")
    }
}
