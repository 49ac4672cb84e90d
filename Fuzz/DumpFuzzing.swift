import Model
import Views

/// `cfgtui list -F FILE` and `cfgtui show -F FILE` on an arbitrary file: the dump reader (text
/// or binary), VF inference, the list, and `show` (text and JSON) of the first functions.
///
/// Checked beyond "no trap": what the reader returns reads back the same through
/// `LspciDump.write` (addresses and every byte; the writer's promise).
enum DumpFuzzing {
    /// `show` runs on at most this many functions of one input (each costs a full decode).
    static let shownFunctions = 4

    static func run(_ bytes: [UInt8]) {
        // Binary dumps take their address from the path; half the inputs get one.
        let file = bytes.first.map { $0 & 1 == 0 } ?? true ? "fuzz/0000:3b:00.1/config" : "fuzz.txt"
        let dumped: [DumpedFunction]
        do throws(DumpError) {
            dumped = try LspciDump.read(bytes, file: file)
        } catch {
            FuzzFailure.check(error.file == file, "a dump error names \(error.file), not \(file)")
            _ = ErrorText.message(error)
            return
        }
        FuzzFailure.check(!dumped.isEmpty, "read returned no functions and no error")
        for function in dumped {
            let space = function.space
            FuzzFailure.check(
                space.size == ConfigSpace.conventionalSize || space.size == ConfigSpace.extendedSize,
                "space size \(space.size)")
            FuzzFailure.check(space.readableLength <= space.size, "readable \(space.readableLength) > \(space.size)")
        }
        checkRoundTrip(dumped)

        var functions = dumped.map { entry in
            PCIFunction(
                address: entry.address, space: entry.space,
                names: FunctionNames(sourceTitle: entry.title.isEmpty ? nil : entry.title),
                origin: .dump(file: file, line: entry.line), sourceDiagnostics: entry.diagnostics)
        }
        functions = FunctionTopology.inferringVirtualFunctions(in: functions)
        FuzzFailure.check(functions.count == dumped.count, "VF inference changed the function count")
        var buffer = OutputBuffer()
        TextReport.appendList(functions, to: &buffer)
        for function in functions.prefix(shownFunctions) {
            ShowFuzzing.show(function)
        }
    }

    /// Writing what was read and reading it again gives the same functions.
    /// A function with no byte read (only malformed hex lines) has nothing to write: its device
    /// line alone reads back as no function, so it is left out of the comparison.
    static func checkRoundTrip(_ all: [DumpedFunction]) {
        let dumped = all.filter { $0.space.readableLength > 0 }
        guard !dumped.isEmpty else { return }
        let text = LspciDump.write(dumped.map { ($0.address, "fuzz", $0.space) })
        let again: [DumpedFunction]
        do throws(DumpError) {
            again = try LspciDump.read(text, file: "again.txt")
        } catch {
            FuzzFailure.fail("the written dump of \(dumped.count) functions does not read back: \(error)")
        }
        FuzzFailure.check(again.count == dumped.count, "\(dumped.count) functions written, \(again.count) read back")
        for (first, second) in zip(dumped, again) {
            FuzzFailure.check(
                first.address == second.address, "address \(first.address) read back as \(second.address)")
            // Every function reads back exactly: its bytes, size and holes (the writer leaves
            // holes out, the reader finds them again; bytes end at the last one read).
            FuzzFailure.check(
                second.space == first.space,
                "\(first.address): \(first.space.readableLength) bytes with \(first.space.unreadable.count) holes read back as "
                    + "\(second.space.readableLength) with \(second.space.unreadable.count)")
        }
    }
}
