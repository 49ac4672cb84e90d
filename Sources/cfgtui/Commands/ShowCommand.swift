import ArgumentParser
import Dispatch
import Foundation
import Model
import Synchronization
import Views

/// `cfgtui show`: everything about the selected functions.
struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Decode functions: header, every capability with its registers and fields, diagnostics, gaps.")

    @OptionGroup var source: SourceOptions

    @Flag(help: "Write JSON ({\"devices\": [...]} with registers and fields; schema in the README).")
    var json = false

    @Flag(help: "Write `lspci -xxxx` text that `lspci -F` reads back byte for byte.")
    var hex = false

    func validate() throws {
        if json && hex { throw ValidationError("--json and --hex are different outputs; choose one") }
    }

    func run() throws {
        let names = PCINameDatabase()
        let functions = try source.loadOrExit(names: names)
        if hex {
            let entries = functions.map { (address: $0.address, title: FunctionText.title($0), space: $0.space) }
            var buffer = OutputBuffer(capacity: 0)
            buffer.bytes = LspciDump.write(entries)
            StandardOutput.write(buffer)
        } else if json {
            var buffer = OutputBuffer(capacity: 256)
            buffer.append("{\"devices\":[")
            StandardOutput.write(buffer)
            ParallelReport.write(functions, separator: ",") { function, output in
                output.newline()
                JSONReport.appendFunction(function, detail: true, to: &output)
            }
            buffer = OutputBuffer(capacity: 8)
            buffer.append("\n]}\n")
            StandardOutput.write(buffer)
        } else {
            ParallelReport.write(functions, separator: nil) { function, output in
                TextReport.appendShow(function, to: &output)
            }
        }
    }
}

/// Renders functions on all cores and writes the results in order, a round at a time, so the
/// output of a 4,096-function dump never sits in memory all at once. Each worker keeps its
/// buffer across rounds: fresh multi-megabyte buffers every round cost more in page faults
/// than the rendering itself.
enum ParallelReport {
    static func write(
        _ functions: [PCIFunction], separator: String?,
        render: @escaping @Sendable (PCIFunction, inout OutputBuffer) -> Void
    ) {
        let workers = max(1, ProcessInfo.processInfo.activeProcessorCount)
        let chunks = workers * 2
        let roundSize = 512
        let buffers = Mutex([OutputBuffer](repeating: OutputBuffer(capacity: 1 << 20), count: chunks))
        var start = 0
        while start < functions.count {
            let end = min(start + roundSize, functions.count)
            let round = functions[start..<end]
            let perChunk = (round.count + chunks - 1) / chunks
            let isFirstRound = start == 0
            DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                var output = buffers.withLock { buffers in
                    var taken = OutputBuffer(capacity: 0)
                    swap(&taken, &buffers[chunk])
                    return taken
                }
                output.removeAll()
                let lower = round.startIndex + chunk * perChunk
                let upper = min(lower + perChunk, round.endIndex)
                if lower < upper {
                    for index in lower..<upper {
                        if let separator, !(isFirstRound && index == 0) { output.append(separator) }
                        render(round[index], &output)
                    }
                }
                buffers.withLock { $0[chunk] = output }
            }
            buffers.withLock { buffers in
                for buffer in buffers { StandardOutput.write(buffer) }
            }
            start = end
        }
    }
}
