import Testing

@testable import Model

/// The registry of capability definitions: every ID the catalog names has one complete
/// definition, registered under its own kind, and the references it gives can be followed.
@Suite struct CapabilityDefinitionTests {
    /// The IDs defined to date (PCI Code and ID Assignment): standard 0x00-0x15, extended
    /// 0x0000-0x003A.
    static let definedKinds: [CapabilityKind] =
        (0...0x15).map { CapabilityKind.standard(CapabilityID(UInt8($0))) }
        + (0...0x3A).map { CapabilityKind.extended(ExtendedCapabilityID(UInt16($0))) }

    @Test func everyDefinedIDHasExactlyOneDefinitionUnderItsOwnKind() {
        let kinds = CapabilityCatalog.all.map(\.kind)
        #expect(kinds.count == Set(kinds).count, "two definitions share a kind")
        #expect(Set(kinds) == Set(Self.definedKinds), "registered: \(kinds.count), defined: \(Self.definedKinds.count)")
        for kind in Self.definedKinds {
            let definition = CapabilityCatalog.definition(for: kind)
            #expect(definition.kind == kind)
            #expect(definition.isKnown, "\(kind)")
        }
        // Outside the defined ranges: the unknown entry, with the asked kind.
        for kind in [CapabilityKind.standard(CapabilityID(0x16)), .extended(ExtendedCapabilityID(0x3B))] {
            let definition = CapabilityCatalog.definition(for: kind)
            #expect(!definition.isKnown && definition.kind == kind)
        }
    }

    @Test(arguments: CapabilityCatalog.all.map(\.kind))
    func everyDefinitionIsComplete(kind: CapabilityKind) {
        let definition = CapabilityCatalog.definition(for: kind)
        #expect(!definition.name.isEmpty && !definition.abbreviation.isEmpty)
        #expect(!definition.reference.document.isEmpty)
        // The revision the tables follow names a section; later revisions do where one was verified.
        if definition.reference.document == "PCIe r6.0" {
            #expect(definition.reference.section != nil, "a PCIe r6.0 reference names its section")
        }
        switch definition.lengthRule {
        case .fixed(let length): #expect(length >= (kind.space == .standard ? 2 : 4))
        case .computed(let how, _): #expect(!how.isEmpty)
        case .unknown(let why): #expect(!why.isEmpty)
        }
        switch definition.registerTable {
        case .notPublic(let why): #expect(!why.isEmpty)
        case .fixed(let registers): #expect(registers.first == Self.header(for: kind))
        case .computed: #expect(Self.tables(for: kind).allSatisfy { $0.first == Self.header(for: kind) })
        }
        // Register subsections refine the capability's own section.
        if let section = definition.reference.section {
            for (name, subsection) in definition.registerSections.entries {
                #expect(subsection.hasPrefix(section + "."), "\(name): \(subsection) is not inside \(section)")
            }
        }
    }

    @Test func namesAreUniqueWithinEachList() {
        for space in [CapabilitySpace.standard, .extended] {
            let definitions = CapabilityCatalog.all.filter { $0.kind.space == space }
            let abbreviations = definitions.map { $0.abbreviation.uppercased() }
            #expect(abbreviations.count == Set(abbreviations).count, "\(space): \(abbreviations)")
        }
        let setpciNames = CapabilityCatalog.all.compactMap(\.setpciName)
        #expect(setpciNames.count == Set(setpciNames).count)
    }

    /// Every register subsection a definition names matches a register its table really
    /// produces (on synthetic spaces of every shape), so a renamed register cannot silently
    /// lose its reference.
    @Test func everyRegisterSectionNamesARegisterOfTheTable() {
        for definition in CapabilityCatalog.all where !definition.registerSections.isEmpty {
            let names = Set(Self.tables(for: definition.kind).joined().map(\.name))
            for key in definition.registerSections.entries.keys {
                #expect(
                    names.contains { RegisterSections.name($0, startsWith: key) },
                    "\(definition.abbreviation): no register matches '\(key)' (have \(names.sorted()))")
            }
        }
    }

    @Test func registerReferencesPickTheLongestMatchAndDigitRuns() {
        let express = CapabilityCatalog.definition(for: .standard(.pciExpress))
        #expect(express.reference(forRegisterNamed: "Link Capabilities").description == "PCIe r6.0 §7.5.3.6")
        #expect(express.reference(forRegisterNamed: "Link Capabilities 2").description == "PCIe r6.0 §7.5.3.18")
        #expect(express.reference(forRegisterNamed: "Slot Control (no slot)").description == "PCIe r6.0 §7.5.3.10")
        // A register the table does not cite takes the capability's section.
        #expect(express.reference(forRegisterNamed: "Something else").description == "PCIe r6.0 §7.5.3")
        let channel = CapabilityCatalog.definition(for: .extended(.virtualChannel))
        #expect(channel.reference(forRegisterNamed: "VC12 Resource Control").description == "PCIe r6.0 §7.9.1.7")
        #expect(channel.reference(forRegisterNamed: "VCx Resource Control").description == "PCIe r6.0 §7.9.1")
        #expect(RegisterSections.name("Lane 3 16.0 GT/s", startsWith: "Lane # 16.0"))
        #expect(!RegisterSections.name("Lane", startsWith: "Lane #"))
    }

    @Test func referencesReadAsCitations() {
        #expect(SpecReference.pcie("7.8.9").description == "PCIe r6.0 §7.8.9")
        #expect(SpecReference.pcie(revision: "6.3", "7.9.30").description == "PCIe r6.3 §7.9.30")
        #expect(SpecReference("PICMG 2.13").description == "PICMG 2.13")
        #expect(
            SpecReference.source("Linux drivers/vfio/pci/vfio_pci_config.c", "vfio_msi_config_read").description
                == "Linux drivers/vfio/pci/vfio_pci_config.c vfio_msi_config_read()")
    }

    // MARK: - Helpers

    static func header(for kind: CapabilityKind) -> RegisterSpec {
        kind.space == .standard ? RegisterCatalog.standardCapabilityHeader : RegisterCatalog.extendedCapabilityHeader
    }

    /// The tables a definition builds over synthetic spaces: zeros, all ones and random bytes
    /// around the structure, for endpoints, bridges, every port type and several link widths.
    static func tables(for kind: CapabilityKind) -> [[RegisterSpec]] {
        let definition = CapabilityCatalog.definition(for: kind)
        let base = kind.space == .standard ? 0x40 : 0x100
        var generator = SplitMix(seed: UInt64(kind.rawID) + (kind.space == .standard ? 0 : 0x1000))
        let portTypes: [PortType] = [
            .endpoint, .rootPort, .downstreamPort, .upstreamPort, .rootComplexIntegratedEndpoint,
        ]
        var tables = [[RegisterSpec]]()
        for pattern in 0..<12 {
            var bytes = [UInt8](repeating: pattern == 1 ? 0xFF : 0, count: ConfigSpace.extendedSize)
            if pattern >= 2 {
                for index in bytes.indices { bytes[index] = UInt8(truncatingIfNeeded: generator.next()) }
            }
            let space = ConfigSpace(bytes: bytes)
            for (index, portType) in portTypes.enumerated() {
                let express = ExpressInfo(
                    offset: 0x40, version: 2, portType: portType, maxLinkWidth: [1, 4, 16][(index + pattern) % 3],
                    deviceCapabilities2: pattern % 2 == 0 ? 1 << 21 : 0, isSlotImplemented: pattern % 3 == 0)
                for layout in [HeaderLayout.endpoint, .bridge] {
                    let context = FunctionContext(
                        headerLayout: layout, express: express, isVirtualFunction: pattern % 4 == 1,
                        address: PCIAddress(bus: 3, device: 0, function: 0))
                    tables.append(
                        definition.registers(at: base, version: pattern % 3 + 1, in: space, context: context))
                }
            }
        }
        return tables
    }
}
