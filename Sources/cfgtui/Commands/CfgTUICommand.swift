import ArgumentParser

/// The `cfgtui` command.
struct CfgTUICommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cfgtui",
        abstract: "Explore PCI/PCIe configuration space: decode it, map it, plan virtual capabilities. Read-only.",
        discussion: """
            Sources: this host through libpci (the default), -F dump files, --demo.
            Exit status: 0 success, 1 a source could not be read, 2 plan: a capability could not be placed,
            3 the selection matched nothing, 4 check: warnings (diff: differences that keep migration compatible),
            5 check: errors (diff: migration-incompatible differences), 64 usage error.
            """,
        version: Version.current,
        subcommands: [
            ExploreCommand.self, ListCommand.self, ShowCommand.self, PlanCommand.self, SimulateCommand.self,
            DiffCommand.self,
            CheckCommand.self,
            BenchViewsCommand.self, BenchSimulateCommand.self,
        ],
        defaultSubcommand: ExploreCommand.self)
}
