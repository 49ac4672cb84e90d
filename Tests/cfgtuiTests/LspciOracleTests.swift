import Foundation
import Testing

/// lspci (Debian's pciutils) is the reference decoder: on every corpus dump, `cfgtui show
/// --json` must list the same capabilities (space, offset, extended version) as `lspci -vvv`,
/// except where cfgtui deliberately differs, named here with the reason.
@Suite(.serialized) struct LspciOracleTests {
    /// A deliberate difference from lspci, and why.
    enum Deviation: String {
        /// lspci follows a standard pointer into the 64-byte header and decodes header bytes as
        /// capabilities; cfgtui stops there with a diagnostic.
        case standardPointerIntoHeader
        /// lspci follows an extended pointer below 0x100 and decodes conventional space as
        /// extended headers; cfgtui stops with a diagnostic.
        case extendedPointerBelow0x100
        /// lspci walks the extended list of any PCI-X function; cfgtui only of PCI-X 2.0 ones
        /// (266/533 MHz capable), the only PCI-X functions with a 4 KiB space, as the kernel decides.
        case pcixVersion1HasNoExtendedSpace
        /// The 4 KiB space repeats the first 256 bytes (the kernel's alias test); lspci decodes the
        /// alias as extended capabilities, cfgtui reports the alias.
        case aliasedExtendedSpace
    }

    struct Comparison {
        var mismatches: [String] = []
        var deviations: [Deviation] = []
        var functions = 0
    }

    /// Compares one file's functions.
    static func compare(lspciText: String, cfgtuiJSON: Data, file: String) throws -> Comparison {
        var result = Comparison()
        let lspci = LspciListing(lspciText)
        let cfgtui = try CfgtuiListing(cfgtuiJSON)
        guard lspci.functions.count == cfgtui.devices.count else {
            result.mismatches.append(
                "\(file): lspci lists \(lspci.functions.count) functions, cfgtui \(cfgtui.devices.count)")
            return result
        }
        for (reference, device) in zip(lspci.functions, cfgtui.devices) {
            result.functions += 1
            let address = device["address"] as? String ?? "?"
            guard reference.address == address else {
                result.mismatches.append("\(file): lspci has \(reference.address) where cfgtui has \(address)")
                continue
            }
            let kinds = CfgtuiListing.diagnosticKinds(of: device)
            let headerLength = (device["headerType"] as? Int) == 2 ? 0x48 : 0x40
            var expectedStandard = [LspciListing.Capability]()
            for capability in reference.capabilities where !capability.isExtended {
                if capability.offset < headerLength {
                    if !kinds.contains("pointerIntoHeader") {
                        result.mismatches.append(
                            "\(file) \(address): lspci follows into the header but cfgtui reports no pointerIntoHeader")
                    }
                    result.deviations.append(.standardPointerIntoHeader)
                    break
                }
                expectedStandard.append(capability)
            }
            var expectedExtended = [LspciListing.Capability]()
            for capability in reference.capabilities where capability.isExtended {
                if capability.offset < 0x100 {
                    if !kinds.contains("pointerBelowExtendedSpace") {
                        result.mismatches.append(
                            "\(file) \(address): lspci follows below 0x100 but cfgtui reports no pointerBelowExtendedSpace"
                        )
                    }
                    result.deviations.append(.extendedPointerBelow0x100)
                    break
                }
                expectedExtended.append(capability)
            }
            if !expectedExtended.isEmpty && kinds.contains("extendedSpaceAliased") {
                result.deviations.append(.aliasedExtendedSpace)
                expectedExtended = []
            }
            if !expectedExtended.isEmpty && device["express"] == nil {
                // lspci walks extended space for PCI-X functions of any version.
                let hasPCIX = (device["capabilities"] as? [[String: Any]] ?? []).contains {
                    ($0["space"] as? String) == "standard" && ($0["id"] as? Int) == 7
                }
                if hasPCIX && CfgtuiListing.capabilities(of: device).allSatisfy({ !$0.isExtended }) {
                    result.deviations.append(.pcixVersion1HasNoExtendedSpace)
                    expectedExtended = []
                }
            }
            let actual = CfgtuiListing.capabilities(of: device)
            let expected = expectedStandard + expectedExtended
            if actual != expected {
                result.mismatches.append("\(file) \(address): lspci \(expected), cfgtui \(actual)")
            }
        }
        return result
    }

    @Test(.requires(.corpus, .lspci)) func everyCorpusDumpListsTheSameCapabilitiesAsLspci() throws {
        try Requirement.check(.corpus, .lspci)
        var total = Comparison()
        for file in Tooling.corpusDumps {
            let lspci = try Tooling.run(Tooling.lspciPath, ["-D", "-F", file.path, "-vvv"])
            #expect(lspci.status == 0, "lspci failed on \(file.lastPathComponent): \(lspci.stderr)")
            guard let cfgtui = try Tooling.runCfgtui(["show", "--json", "-F", file.path]) else { return }
            #expect(cfgtui.status == 0, "cfgtui failed on \(file.lastPathComponent): \(cfgtui.stderr)")
            let comparison = try Self.compare(
                lspciText: lspci.text, cfgtuiJSON: cfgtui.stdout, file: file.lastPathComponent)
            total.mismatches += comparison.mismatches
            total.deviations += comparison.deviations
            total.functions += comparison.functions
        }
        #expect(total.mismatches.isEmpty, "\(total.mismatches.joined(separator: "\n"))")
        #expect(total.functions >= 300, "only \(total.functions) functions compared")
    }

    /// Our own fixtures: broken chains that real hardware shows, each compared with lspci. The
    /// deliberate differences must appear exactly where expected.
    @Test(.requires(.lspci), arguments: BrokenChainFixtures.all)
    func brokenChainsMatchLspciWhereCfgtuiDoesNotDeliberatelyDiffer(fixture: BrokenChainFixtures.Fixture) throws {
        try Requirement.check(.lspci)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("cfgtui-fixture-\(fixture.name).txt")
        try Data(fixture.dumpText.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let lspci = try Tooling.run(Tooling.lspciPath, ["-D", "-F", file.path, "-vvv"])
        #expect(lspci.status == 0, "\(lspci.stderr)")
        guard let cfgtui = try Tooling.runCfgtui(["show", "--json", "-F", file.path]) else { return }
        #expect(cfgtui.status == 0, "\(cfgtui.stderr)")
        let comparison = try Self.compare(lspciText: lspci.text, cfgtuiJSON: cfgtui.stdout, file: fixture.name)
        #expect(comparison.mismatches.isEmpty, "\(comparison.mismatches.joined(separator: "\n"))")
        #expect(Set(comparison.deviations.map(\.rawValue)) == Set(fixture.deviations.map(\.rawValue)))
        let kinds = try CfgtuiListing(cfgtui.stdout).devices.flatMap { CfgtuiListing.diagnosticKinds(of: $0) }
        for kind in fixture.expectedDiagnostics {
            #expect(kinds.contains(kind), "\(fixture.name): expected diagnostic \(kind), got \(kinds)")
        }
    }

    @Test(.requires(.lspci, .root, .pciSysfs)) func liveDevicesListTheSameCapabilitiesAsLspci() throws {
        try Requirement.check(.lspci, .root, .pciSysfs)
        let lspci = try Tooling.run(Tooling.lspciPath, ["-D", "-vvv"])
        guard let cfgtui = try Tooling.runCfgtui(["show", "--json"]) else { return }
        #expect(cfgtui.status == 0, "\(cfgtui.stderr)")
        let comparison = try Self.compare(lspciText: lspci.text, cfgtuiJSON: cfgtui.stdout, file: "live")
        #expect(comparison.mismatches.isEmpty, "\(comparison.mismatches.joined(separator: "\n"))")
        #expect(comparison.functions > 0)
    }
}
