/// The registry of capability definitions, keyed by `CapabilityKind`: every standard
/// (0x00-0x15) and extended (0x0000-0x003A) capability ID defined to date.
///
/// Each family file (`Definitions/Standard/CapabilityDefinition+MSI.swift`, ...) declares its
/// definitions and a family list; `families` collects those lists. Nothing here depends on the
/// order of the lists: a definition is found by its own kind.
///
/// ```
/// let definition = CapabilityCatalog.definition(for: .extended(.processAddressSpaceID))
/// definition.abbreviation       // "PASID"
/// definition.reference          // PCIe r6.0 §7.8.9
/// ```
public enum CapabilityCatalog {
    /// Every family of definitions. A new family file adds its list here.
    static let families: [[CapabilityDefinition]] = [
        CapabilityDefinition.conventionalFamily, CapabilityDefinition.powerManagementFamily,
        CapabilityDefinition.messageSignaledInterruptsFamily, CapabilityDefinition.pciExpressFamily,
        CapabilityDefinition.pcixFamily, CapabilityDefinition.hyperTransportFamily,
        CapabilityDefinition.platformFamily, CapabilityDefinition.enhancedAllocationFamily,
        CapabilityDefinition.errorReportingFamily, CapabilityDefinition.accessControlFamily,
        CapabilityDefinition.addressTranslationFamily, CapabilityDefinition.containmentFamily,
        CapabilityDefinition.deviceFamily, CapabilityDefinition.integrityFamily,
        CapabilityDefinition.partialLayoutFamily, CapabilityDefinition.physicalLayerFamily,
        CapabilityDefinition.powerAndTimingFamily, CapabilityDefinition.resizableBARFamily,
        CapabilityDefinition.rootComplexFamily, CapabilityDefinition.virtualizationFamily,
        CapabilityDefinition.vendorSpecificFamily, CapabilityDefinition.virtualChannelFamily,
        CapabilityDefinition.unpublishedFamily,
    ]

    /// Every definition, standard ones first, each list by ID.
    public static let all: [CapabilityDefinition] = families.joined().sorted { lhs, rhs in
        lhs.kind.space != rhs.kind.space ? lhs.kind.space == .standard : lhs.kind.rawID < rhs.kind.rawID
    }

    /// Definitions by raw ID, one table per list (built from `all`, so a missing definition
    /// leaves a hole that `definition(for:)` fills with the unknown entry, never shifts others).
    /// Each table is as long as its highest defined ID, so a newly added ID is always found.
    private static let standardTable: [CapabilityDefinition?] = table(for: .standard)
    private static let extendedTable: [CapabilityDefinition?] = table(for: .extended)

    private static func table(for space: CapabilitySpace) -> [CapabilityDefinition?] {
        let definitions = all.filter { $0.kind.space == space }
        var table = [CapabilityDefinition?](repeating: nil, count: (definitions.map(\.kind.rawID).max() ?? -1) + 1)
        for definition in definitions { table[definition.kind.rawID] = definition }
        return table
    }

    /// The definition for a capability of either list (unknown IDs get a generic one).
    public static func definition(for kind: CapabilityKind) -> CapabilityDefinition {
        let table = kind.space == .standard ? standardTable : extendedTable
        let index = kind.rawID
        if index < table.count, let definition = table[index] { return definition }
        return unknown(kind)
    }

    /// The definition for a standard capability ID.
    public static func definition(for id: CapabilityID) -> CapabilityDefinition { definition(for: .standard(id)) }

    /// The definition for an extended capability ID.
    public static func definition(for id: ExtendedCapabilityID) -> CapabilityDefinition {
        definition(for: .extended(id))
    }

    /// The length of the capability `kind` at `offset`, by its definition's rule.
    public static func length(
        of kind: CapabilityKind, at offset: Int, in space: ConfigSpace, context: FunctionContext
    ) -> CapabilityLength {
        definition(for: kind).length(at: offset, in: space, context: context)
    }

    /// Finds a capability kind by setpci name (`CAP_PM`, `ECAP_PASID`), catalog abbreviation
    /// (`PASID`), or setpci's numeric form (`CAP10`, `ECAP1b`), ignoring case.
    public static func kind(named name: String) -> CapabilityKind? {
        let wanted = name.uppercased()
        if let match = all.first(where: { $0.setpciName == wanted }) { return match.kind }
        if wanted.hasPrefix("ECAP"), let value = UInt16(numeral(wanted.dropFirst(4)), radix: 16) {
            return .extended(ExtendedCapabilityID(value))
        }
        if wanted.hasPrefix("CAP"), let value = UInt8(numeral(wanted.dropFirst(3)), radix: 16) {
            return .standard(CapabilityID(value))
        }
        // Extended abbreviations first: "VC" and "Vendor"-like names are more often meant there.
        for space in [CapabilitySpace.extended, .standard] {
            if let match = all.first(where: { $0.kind.space == space && $0.abbreviation.uppercased() == wanted }) {
                return match.kind
            }
        }
        return nil
    }

    /// setpci's numeric suffix: `10`, `_10` or `0x10`.
    private static func numeral(_ text: Substring) -> Substring {
        var rest = text.drop { $0 == "_" }
        if rest.hasPrefix("0X") { rest = rest.dropFirst(2) }
        return rest
    }

    /// The definition of an ID no specification the catalog covers defines.
    static func unknown(_ kind: CapabilityKind) -> CapabilityDefinition {
        CapabilityDefinition(
            kind, kind.space == .standard ? "Unknown capability" : "Unknown extended capability", abbreviation: "?",
            reference: kind.space == .standard ? .pcie("7.5.1.1.11") : .pcie("7.6.3"),
            length: .unknown("no specification cfgtui covers defines this ID"),
            registers: .notPublic("no specification cfgtui covers defines this ID"), isKnown: false)
    }
}
