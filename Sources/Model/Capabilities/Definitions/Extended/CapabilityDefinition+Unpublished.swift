// Extended capability IDs that are assigned but whose layout no public specification gives:
// the Null extended capability (0x0000, PCIe r6.0 §7.9.28: a header and nothing else),
// Configuration Access Correlation (0x000C, a withdrawn ECN), the ID reserved for AMD (0x0014),
// NOP Flit (0x0037, PCIe r6.3 §7.8.14, not yet tabled here), Scalable I/O Virtualization
// (0x0038, PCIe r7.0) and Captured Data (0x003A). Each shows its header and, where a length is
// known, an opaque body.

extension ExtendedCapabilityID {
    public static let null = ExtendedCapabilityID(0x0000)
    public static let configurationAccessCorrelation = ExtendedCapabilityID(0x000C)
    public static let reservedAMD = ExtendedCapabilityID(0x0014)
    public static let nopFlit = ExtendedCapabilityID(0x0037)
    public static let scalableIOV = ExtendedCapabilityID(0x0038)
    public static let capturedData = ExtendedCapabilityID(0x003A)
}

extension CapabilityDefinition {
    static let unpublishedFamily = [
        extendedNull, configurationAccessCorrelation, reservedAMD, nopFlit, scalableIOV, capturedData,
    ]

    static let extendedNull = CapabilityDefinition(
        .extended(.null), "Null", abbreviation: "Null", reference: .pcie("7.9.28"), length: .fixed(4),
        registers: .fixed([RegisterCatalog.extendedCapabilityHeader]))

    static let configurationAccessCorrelation = CapabilityDefinition(
        .extended(.configurationAccessCorrelation), "Configuration Access Correlation", abbreviation: "CAC",
        reference: SpecReference("Trusted Configuration Space for PCI Express ECN (withdrawn)"),
        length: .unknown("defined only in a withdrawn ECN"), registers: .notPublic("defined only in a withdrawn ECN"))

    static let reservedAMD = CapabilityDefinition(
        .extended(.reservedAMD), "Reserved for AMD", abbreviation: "AMD",
        reference: SpecReference("PCI Code and ID Assignment", section: "3"),
        length: .unknown("reserved for AMD; no public layout"),
        registers: .notPublic("reserved for AMD; no public layout"))

    static let nopFlit = CapabilityDefinition(
        .extended(.nopFlit), "NOP Flit", abbreviation: "NOPFlit", reference: .pcie(revision: "6.3", "7.8.14"),
        length: .unknown("not tabled yet: its register sizes were not verified"),
        registers: .notPublic("not tabled yet: its register sizes were not verified"))

    static let scalableIOV = CapabilityDefinition(
        .extended(.scalableIOV), "Scalable I/O Virtualization", abbreviation: "SIOV",
        reference: SpecReference("PCIe r7.0"), length: .unknown("the layout is not in a public specification"),
        registers: .notPublic("the layout is not in a public specification"))

    static let capturedData = CapabilityDefinition(
        .extended(.capturedData), "Captured Data", abbreviation: "CaptData",
        reference: SpecReference("PCI Code and ID Assignment", section: "3"),
        length: .unknown("the layout is not in a public specification"),
        registers: .notPublic("the layout is not in a public specification"))
}
