import ArgumentParser
import Model
import Testing
import Views

@testable import cfgtui

/// Option values with a fixed set of names: lists, completions and errors come from the type.
@Suite struct CommandLineChoiceTests {
    @Test func namesComeFromTheTypes() {
        #expect(PlacementStrategy.allValueStrings == ["auto", "pf-offset", "end", "first-fit", "table", "dvsec-hint"])
        #expect(PlacementStrategy.choiceList() == "auto, pf-offset, end, first-fit, table or dvsec-hint")
        #expect(SimulationModel.choiceList(marking: .vfio) == "vfio (default), device or qemu")
        #expect(GapPolicy.allValueStrings == ["passthrough", "drop"])
        #expect(PlacementStrategy(argument: "at") == nil)
        #expect(PlacementStrategy(argument: "first-fit") == .firstFit)
        #expect(GapPolicy(argument: "PASS") == .passthrough)
        #expect(GapPolicy(argument: "Drop") == .drop)
    }

    @Test func unknownNamesListTheKnownOnes() throws {
        let error = try #require(throws: UnknownChoice.self) { try SimulationModel.parse("kvm") }
        #expect(error.description == "unknown model 'kvm': expected vfio, device or qemu")
    }

    @Test func optionsParseOnce() throws {
        let simulate = try SimulateCommand.parse([
            "--demo", "--model", "device", "--gaps", "drop", "--bar-size", "0=16K", "--bar-size", "rom=0",
        ])
        #expect(simulate.model == .device)
        #expect(simulate.gaps == .drop)
        #expect(simulate.barSizes[.bar(0)] == 0x4000)
        #expect(simulate.barSizes[.expansionROM] == 0)
        let plan = try PlanCommand.parse(["--demo", "--add", "pri", "--strategy", "end", "--pri-capacity", "0x40"])
        #expect(plan.virtual.strategy == .end)
        #expect(plan.virtual.priCapacity == 0x40)
        let explore = try ExploreCommand.parse(["--size", "80x24"])
        #expect(explore.size == Size(width: 80, height: 24))
    }
}
