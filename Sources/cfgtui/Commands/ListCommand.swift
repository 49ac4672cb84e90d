import ArgumentParser
import Model
import Views

/// `cfgtui list`: one line per function.
struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List functions: address, class, vendor and device names, PF/VF relation, readable bytes.")

    @OptionGroup var source: SourceOptions

    @Flag(help: "Write JSON ({\"devices\": [...]}, schema in the README).")
    var json = false

    func run() throws {
        let names = PCINameDatabase()
        let functions = try source.loadOrExit(names: names)
        var buffer = OutputBuffer(capacity: functions.count * 160)
        if json {
            JSONReport.append(functions, detail: false, to: &buffer)
        } else {
            TextReport.appendList(functions, to: &buffer)
        }
        StandardOutput.write(buffer)
    }
}
