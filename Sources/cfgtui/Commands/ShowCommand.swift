import ArgumentParser
import Dispatch
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

    @Option(
        help: ArgumentHelp(
            "Show what a guest reads when the functions are assigned: vfio (the kernel's vfio-pci view) or qemu (QEMU's vfio-pci layer on top), each capability's change noted. Nothing is written anywhere.",
            valueName: "layer"),
        transform: GuestLayer.parse)
    var guest: GuestLayer?

    @Option(
        name: .customLong("bar-size"),
        help: ArgumentHelp(
            "With --guest: a BAR's size, N=SIZE as `simulate` takes it (host functions get sizes from sysfs).",
            valueName: "n=size"),
        transform: BARSizeOption.parse)
    var barSizeOptions: [BARSizeOption] = []

    /// The guest bus and vfio-pci properties, for --guest qemu.
    @OptionGroup var qemu: QemuDeviceOptions

    func validate() throws {
        if json && hex { throw ValidationError("--json and --hex are different outputs; choose one") }
        if guest != .qemu && qemu.isGiven {
            throw ValidationError("--guest-bus, --qemu-device and --vpasid describe QEMU: they need --guest qemu")
        }
        if guest == nil && !barSizeOptions.isEmpty { throw ValidationError("--bar-size goes with --guest") }
        try BARSizeOption.checkDistinct(barSizeOptions)
    }

    func run() throws {
        let names = PCINameDatabase()
        var functions = try source.loadOrExit(names: names)
        var notes = [PCIAddress: [String]]()
        if let guest {
            (functions, notes) = try guestViews(of: functions, layer: guest, names: names)
        }
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
            let guestNotes = notes
            let layer = guest
            ParallelReport.write(functions, separator: nil) { function, output in
                if let layer, let lines = guestNotes[function.address] {
                    output.append("Guest view (\(layer.rawValue)) of \(function.address):\n")
                    for line in lines {
                        output.append("  ")
                        output.append(line)
                        output.append("\n")
                    }
                }
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
        let workers = ProcessEnvironment.processorCount
        let chunks = workers * 2
        // 16 functions per worker buffer and round: a function's text is up to ~50 KB (its
        // JSON twice that), so the buffers stay a few MB instead of holding a large part of
        // the output; a round costs one dispatch, far less than rendering 16 functions.
        let roundSize = chunks * 16
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
