import ArgumentParser
import Model
import Views

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

    /// Reads the scripts and parses and resolves every input in order; errors name the file
    /// or `-e #n`, the line and the column.
    func compile(for emulator: WriteEmulator) throws -> SetpciProgram {
        var program = SetpciProgram()
        let resolver = emulator.resolver
        var expressionNumber = 0
        for input in orderedInputs() {
            let source: SetpciProgram.Source
            if input.isScript {
                do {
                    let text = String(decoding: try FileReader.readAll(input.text), as: UTF8.self)
                    source = SetpciProgram.Source(label: input.text, text: text)
                } catch {
                    StandardOutput.error("\(input.text): cannot read: \(error.reason)")
                    throw ExitStatus.sourceError
                }
            } else {
                expressionNumber += 1
                source = SetpciProgram.Source(label: "-e #\(expressionNumber)", text: input.text)
            }
            do {
                try program.append(source, resolver: resolver)
            } catch {
                StandardOutput.error(SimulationReport.message(error))
                throw ExitStatus.sourceError
            }
        }
        return program
    }

    /// Runs the program, streaming the output. `finish` runs after the last access and before
    /// the JSON document closes (the --emit-dump files): its failure makes the JSON `"ok":
    /// false` with the error, goes to stderr and exits 1.
    func execute(
        _ program: SetpciProgram, on emulator: inout WriteEmulator, context: SimulationContext,
        finish: (WriteEmulator) -> SimulationFailure? = { _ in nil }
    ) throws {
        var buffer = OutputBuffer(capacity: 1 << 16)
        var errors = OutputBuffer(capacity: 1 << 12)
        let analysis = emulator.guestAnalysis
        let setup = emulator.setupNotes
        var summary = SimulationSummary()
        if trace { SimulationReport.appendHeader(context, setup: setup, to: &buffer) }
        var jsonSteps = [SimulationStep]()
        // The flags read once: an option's getter costs more than a simulated write.
        let trace = self.trace
        let json = self.json
        for (index, access) in program.accesses.enumerated() {
            let record: WriteRecord
            do {
                record = try emulator.apply(access)
            } catch {
                // Resolution checked every access; this is unreachable in practice.
                StandardOutput.error(SimulationReport.message(error))
                throw ExitStatus.sourceError
            }
            let warningsBefore = summary.warnings
            summary.count(record)
            if !trace && !json {
                // The plain output: setpci's read values; warnings, with their place, on stderr.
                if record.isRead { SimulationReport.appendReadValue(record, to: &buffer) }
                if summary.warnings > warningsBefore {
                    SimulationReport.appendNotes(
                        of: record, program: program, access: index, minimum: .warning, to: &errors)
                }
            } else if trace {
                let step = SimulationStep(record: record, program: program, access: index)
                SimulationReport.appendStep(step, model: context.model, analysis: analysis, to: &buffer)
            } else {
                jsonSteps.append(SimulationStep(record: record, program: program, access: index))
            }
            if buffer.count > 1 << 20 {
                StandardOutput.write(buffer)
                buffer.removeAll()
            }
            if errors.count > 1 << 16 {
                StandardOutput.errorReport(errors.bytes)
                errors.removeAll()
            }
        }
        let failure = finish(emulator)
        if json {
            SimulationReport.appendJSON(
                context, setup: setup, steps: jsonSteps, analysis: analysis, failure: failure, to: &buffer)
        } else if trace {
            buffer.newline()
            SimulationReport.appendSummary(summary, to: &buffer)
        }
        StandardOutput.write(buffer)
        if !errors.bytes.isEmpty { StandardOutput.errorReport(errors.bytes) }
        if !trace && !json && summary.warnings > 0 {
            var line = OutputBuffer(capacity: 128)
            SimulationReport.appendSummary(summary, to: &line)
            StandardOutput.notice(String(line.text.drop { $0.isNewline }.reversed().drop { $0.isNewline }.reversed()))
        }
        if let failure {
            StandardOutput.error(failure.message)
            throw ExitStatus.sourceError
        }
    }
}
