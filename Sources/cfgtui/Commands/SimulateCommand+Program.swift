import ArgumentParser
import Foundation
import Model
import Views

/// The expressions of `cfgtui simulate`, resolved before anything runs, so a mistake on the
/// last line stops the simulation before the first step. Compact: a million-line script keeps
/// its text once, and each expression only where it is.
struct SimulationProgram {
    /// Where each expression came from (a script path or `-e #n`), and its text.
    var sources: [String] = []
    var texts: [String] = []
    /// Per expression: its source, line, column and byte range in the source's text.
    struct Place {
        var source: Int32
        var line: Int32
        var column: Int32
        var start: Int32
        var end: Int32
    }
    var places: [Place] = []
    /// The accesses in order, each with the expression it came from.
    var accesses: [ConfigAccess] = []
    var expressionOfAccess: [Int32] = []

    /// The expression's text, as written.
    func text(of place: Place) -> String {
        let source = texts[Int(place.source)]
        let utf8 = source.utf8
        guard place.start >= 0, Int(place.end) <= utf8.count, place.start <= place.end else { return "" }
        let start = utf8.index(utf8.startIndex, offsetBy: Int(place.start))
        let end = utf8.index(start, offsetBy: Int(place.end - place.start))
        return String(decoding: utf8[start..<end], as: UTF8.self)
    }
}

extension SimulateCommand {
    /// The inputs in command-line order: `--script FILE` and `-e EXPR` interleaved as given.
    func orderedInputs(arguments: [String] = CommandLine.arguments) -> [(isScript: Bool, text: String)] {
        var kinds = [Bool]()
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            if argument == "--" { break }
            if argument == "--script" || argument == "-e" || argument == "--expression" {
                kinds.append(argument == "--script")
                index += 2
                continue
            }
            if argument.hasPrefix("--script=") {
                kinds.append(true)
            } else if argument.hasPrefix("--expression=") || (argument.hasPrefix("-e") && !argument.hasPrefix("--")) {
                kinds.append(false)
            }
            index += 1
        }
        guard kinds.filter({ $0 }).count == scripts.count, kinds.filter({ !$0 }).count == expressions.count else {
            return scripts.map { (true, $0) } + expressions.map { (false, $0) }
        }
        var scriptIterator = scripts.makeIterator()
        var expressionIterator = expressions.makeIterator()
        return kinds.compactMap { isScript in
            if isScript { return scriptIterator.next().map { (true, $0) } }
            return expressionIterator.next().map { (false, $0) }
        }
    }

    /// Parses and resolves every input; errors name the file or `-e #n`, the line and the column.
    func compile(for emulator: WriteEmulator) throws -> SimulationProgram {
        var program = SimulationProgram()
        let resolver = emulator.resolver
        var expressionNumber = 0
        for input in orderedInputs() {
            let label: String
            let text: String
            if input.isScript {
                label = input.text
                do {
                    text = String(decoding: try FileReader.readAll(input.text), as: UTF8.self)
                } catch {
                    StandardOutput.error("\(input.text): cannot read: \(error.reason)")
                    throw ExitStatus.sourceError
                }
            } else {
                expressionNumber += 1
                label = "-e #\(expressionNumber)"
                text = input.text
            }
            let sourceIndex = Int32(program.sources.count)
            program.sources.append(label)
            program.texts.append(text)
            do {
                try SetpciExpression.parse(text) { (expression) throws(SetpciError) in
                    let first = program.accesses.count
                    try resolver.resolve(expression, into: &program.accesses)
                    let expressionIndex = Int32(program.places.count)
                    program.places.append(
                        SimulationProgram.Place(
                            source: sourceIndex, line: Int32(clamping: expression.line),
                            column: Int32(clamping: expression.column),
                            start: Int32(clamping: expression.byteRange.lowerBound),
                            end: Int32(clamping: expression.byteRange.upperBound)))
                    for _ in first..<program.accesses.count { program.expressionOfAccess.append(expressionIndex) }
                }
            } catch {
                report(error, source: label, text: text)
                throw ExitStatus.sourceError
            }
        }
        return program
    }

    private func report(_ error: SetpciError, source: String, text: String) {
        var message = "\(source):\(error.line):\(error.column): \(SimulationReport.message(error.problem))"
        // Lines as the parser counts them: split at "\n" bytes (a "\r\n" is one Character, so
        // splitting the String would leave a CRLF script as one line), without the "\r".
        let lines = text.utf8.split(separator: 0x0A, omittingEmptySubsequences: false)
        if error.line >= 1 && error.line <= lines.count {
            var bytes = lines[error.line - 1]
            if bytes.last == 0x0D { bytes = bytes.dropLast() }
            let line = String(decoding: bytes, as: UTF8.self).replacingOccurrences(of: "\t", with: " ")
            message += "\n    \(line)\n    \(String(repeating: " ", count: max(0, error.column - 1)))^"
        }
        StandardOutput.error(message)
    }

    /// Runs the program, streaming the output.
    func execute(_ program: SimulationProgram, on emulator: inout WriteEmulator, context: SimulationContext) throws {
        var buffer = OutputBuffer(capacity: 1 << 16)
        var errors = OutputBuffer(capacity: 1 << 12)
        let analysis = emulator.guestAnalysis
        let setup = emulator.setupNotes
        var reads = 0
        var warnings = 0
        if trace { SimulationReport.appendHeader(context, setup: setup, to: &buffer) }
        var jsonSteps = [SimulationStep]()
        for (index, access) in program.accesses.enumerated() {
            let record: WriteRecord
            do {
                record = try emulator.apply(access)
            } catch {
                // Resolution checked every access; this is unreachable in practice.
                StandardOutput.error(SimulationReport.message(error))
                throw ExitStatus.sourceError
            }
            if record.isRead { reads += 1 }
            let warningCount = record.notes.isEmpty ? 0 : record.warnings.count
            warnings += warningCount
            if !trace && !json {
                // The plain output: setpci's read values; warnings, with their place, on stderr.
                if record.isRead { SimulationReport.appendReadValue(record, to: &buffer) }
                if warningCount > 0 {
                    SimulationReport.appendNotes(step(record, index, program), minimum: .warning, to: &errors)
                }
            } else if trace {
                let step = step(record, index, program)
                SimulationReport.appendStep(step, model: context.model, analysis: analysis, to: &buffer)
            } else {
                jsonSteps.append(step(record, index, program))
            }
            if buffer.count > 1 << 20 {
                StandardOutput.write(buffer)
                buffer.removeAll()
            }
            if errors.count > 1 << 16 {
                FileHandle.standardError.write(Data(errors.bytes))
                errors.removeAll()
            }
        }
        if json {
            SimulationReport.appendJSON(context, setup: setup, steps: jsonSteps, analysis: analysis, to: &buffer)
        } else if trace {
            buffer.newline()
            appendSummary(steps: program.accesses.count, reads: reads, warnings: warnings, to: &buffer)
        }
        StandardOutput.write(buffer)
        if !errors.bytes.isEmpty { FileHandle.standardError.write(Data(errors.bytes)) }
        if !trace && !json && warnings > 0 {
            var summary = OutputBuffer(capacity: 128)
            appendSummary(steps: program.accesses.count, reads: reads, warnings: warnings, to: &summary)
            StandardOutput.notice(summary.text.trimmingCharacters(in: .newlines))
        }
    }

    private func step(_ record: WriteRecord, _ index: Int, _ program: SimulationProgram) -> SimulationStep {
        let place = program.places[Int(program.expressionOfAccess[index])]
        return SimulationStep(
            record: record, source: program.sources[Int(place.source)], line: Int(place.line),
            column: Int(place.column), expression: program.text(of: place))
    }

    private func appendSummary(steps: Int, reads: Int, warnings: Int, to buffer: inout OutputBuffer) {
        buffer.appendDecimal(steps)
        buffer.append(steps == 1 ? " step: " : " steps: ")
        buffer.appendDecimal(steps - reads)
        buffer.append(steps - reads == 1 ? " write, " : " writes, ")
        buffer.appendDecimal(reads)
        buffer.append(reads == 1 ? " read, " : " reads, ")
        buffer.appendDecimal(warnings)
        buffer.append(warnings == 1 ? " warning\n" : " warnings\n")
    }
}
