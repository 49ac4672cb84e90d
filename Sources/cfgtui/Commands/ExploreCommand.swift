import ArgumentParser
import Model
import Views

/// `cfgtui` with no subcommand: the interactive explorer.
struct ExploreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explore",
        abstract: "Open the interactive explorer (the default).")

    @OptionGroup var source: SourceOptions

    func run() throws {
        let names = PCINameDatabase()
        var functions = try source.loadOrExit(names: names, allowEmpty: true)
        if functions.isEmpty, case .host = source.sourceKind, source.selectionText.isEmpty {
            StandardOutput.notice("no PCI functions are readable on this host; showing the built-in demo set")
            functions = (try? SourceOptions.load(.demo, names: names)) ?? []
        }
        StandardOutput.notice("the interactive explorer is not built yet; listing instead (see `cfgtui show`)")
        var buffer = OutputBuffer(capacity: functions.count * 160)
        TextReport.appendList(functions, to: &buffer)
        StandardOutput.write(buffer)
    }
}
