/// Names, setpci names and length rules for every standard (0x00-0x15) and extended
/// (0x0000-0x003A) capability ID defined to date.
///
/// Names follow the PCI Express Base Specification; setpci names are those pciutils' setpci
/// accepts. Facts come from registers.md (Linux `pci_regs.h`, pciutils `lib/header.h`) and the
/// specification's structure layouts; where a structure's layout is not public the length rule
/// is `.unknown` rather than a guess.
public enum CapabilityCatalog {
    /// The descriptor for a capability of either list.
    public static func descriptor(for kind: CapabilityKind) -> CapabilityDescriptor {
        switch kind {
        case .standard(let id): descriptor(for: id)
        case .extended(let id): descriptor(for: id)
        }
    }

    /// The descriptor for a standard capability ID (unknown IDs get a generic entry).
    public static func descriptor(for id: CapabilityID) -> CapabilityDescriptor {
        let index = Int(id.rawValue)
        return index < standard.count ? standard[index] : unknownStandard
    }

    /// The descriptor for an extended capability ID (unknown IDs get a generic entry).
    public static func descriptor(for id: ExtendedCapabilityID) -> CapabilityDescriptor {
        let index = Int(id.rawValue)
        return index < extended.count ? extended[index] : unknownExtended
    }

    /// Every catalogued standard ID, in order.
    public static var standardIDs: [CapabilityID] { (0..<standard.count).map { CapabilityID(UInt8($0)) } }
    /// Every catalogued extended ID, in order.
    public static var extendedIDs: [ExtendedCapabilityID] {
        (0..<extended.count).map { ExtendedCapabilityID(UInt16($0)) }
    }

    /// Finds a capability kind by setpci name (`CAP_PM`, `ECAP_PASID`), catalog abbreviation
    /// (`PASID`), or setpci's numeric form (`CAP10`, `ECAP1b`), ignoring case.
    public static func kind(named name: String) -> CapabilityKind? {
        let wanted = name.uppercased()
        for id in standardIDs {
            let entry = descriptor(for: id)
            if entry.setpciName == wanted { return .standard(id) }
        }
        for id in extendedIDs {
            let entry = descriptor(for: id)
            if entry.setpciName == wanted { return .extended(id) }
        }
        if wanted.hasPrefix("ECAP"), let value = UInt16(numeral(wanted.dropFirst(4)), radix: 16) {
            return .extended(ExtendedCapabilityID(value))
        }
        if wanted.hasPrefix("CAP"), let value = UInt8(numeral(wanted.dropFirst(3)), radix: 16) {
            return .standard(CapabilityID(value))
        }
        for id in extendedIDs where descriptor(for: id).abbreviation.uppercased() == wanted {
            return .extended(id)
        }
        for id in standardIDs where descriptor(for: id).abbreviation.uppercased() == wanted {
            return .standard(id)
        }
        return nil
    }

    /// setpci's numeric suffix: `10`, `_10` or `0x10`.
    private static func numeral(_ text: Substring) -> Substring {
        var rest = text.drop { $0 == "_" }
        if rest.hasPrefix("0X") { rest = rest.dropFirst(2) }
        return rest
    }

    static let unknownStandard = CapabilityDescriptor(
        name: "Unknown capability", abbreviation: "?", setpciName: nil, lengthRule: .unknown, isKnown: false)
    static let unknownExtended = CapabilityDescriptor(
        name: "Unknown extended capability", abbreviation: "?", setpciName: nil, lengthRule: .unknown, isKnown: false)

    // MARK: - Standard capabilities (PCI Local Bus 3.0 §6.7, PCI Code and ID Assignment §2)

    private static let standard: [CapabilityDescriptor] = [
        .init(name: "Null", abbreviation: "Null", setpciName: nil, lengthRule: .unknown),
        .init(name: "Power Management", abbreviation: "PM", setpciName: "CAP_PM", lengthRule: .fixed(8)),
        .init(name: "AGP", abbreviation: "AGP", setpciName: "CAP_AGP", lengthRule: .fixed(12)),
        .init(name: "Vital Product Data", abbreviation: "VPD", setpciName: "CAP_VPD", lengthRule: .fixed(8)),
        .init(name: "Slot Identification", abbreviation: "SlotID", setpciName: "CAP_SLOTID", lengthRule: .fixed(4)),
        .init(name: "Message Signaled Interrupts", abbreviation: "MSI", setpciName: "CAP_MSI", lengthRule: .msi),
        .init(name: "CompactPCI Hot Swap", abbreviation: "CHSWP", setpciName: "CAP_CHSWP", lengthRule: .fixed(4)),
        .init(name: "PCI-X", abbreviation: "PCI-X", setpciName: "CAP_PCIX", lengthRule: .pcix),
        .init(name: "HyperTransport", abbreviation: "HT", setpciName: "CAP_HT", lengthRule: .hyperTransport),
        .init(name: "Vendor-Specific", abbreviation: "Vendor", setpciName: "CAP_VNDR", lengthRule: .vendorSpecificByte),
        .init(name: "Debug Port", abbreviation: "Debug", setpciName: "CAP_DBG", lengthRule: .fixed(4)),
        .init(
            name: "CompactPCI Central Resource Control", abbreviation: "CCRC", setpciName: "CAP_CCRC",
            lengthRule: .unknown),
        .init(name: "PCI Hot-Plug (SHPC)", abbreviation: "SHPC", setpciName: "CAP_HOTPLUG", lengthRule: .fixed(8)),
        .init(
            name: "Bridge Subsystem Vendor ID", abbreviation: "SSVID", setpciName: "CAP_SSVID", lengthRule: .fixed(8)),
        .init(name: "AGP 8x", abbreviation: "AGP3", setpciName: "CAP_AGP3", lengthRule: .unknown),
        .init(name: "Secure Device", abbreviation: "Secure", setpciName: "CAP_SECURE", lengthRule: .unknown),
        .init(name: "PCI Express", abbreviation: "PCIe", setpciName: "CAP_EXP", lengthRule: .pciExpress),
        .init(name: "MSI-X", abbreviation: "MSI-X", setpciName: "CAP_MSIX", lengthRule: .fixed(12)),
        .init(
            name: "Serial ATA Data/Index Configuration", abbreviation: "SATA", setpciName: "CAP_SATA", lengthRule: .sata
        ),
        .init(name: "Advanced Features", abbreviation: "AF", setpciName: "CAP_AF", lengthRule: .fixed(6)),
        .init(name: "Enhanced Allocation", abbreviation: "EA", setpciName: "CAP_EA", lengthRule: .enhancedAllocation),
        .init(name: "Flattening Portal Bridge", abbreviation: "FPB", setpciName: nil, lengthRule: .fixed(0x24)),
    ]

    // MARK: - Extended capabilities (PCIe Base 6.x §7.6-7.9, PCI Code and ID Assignment §3)

    private static let extended: [CapabilityDescriptor] = [
        .init(name: "Null", abbreviation: "Null", setpciName: nil, lengthRule: .fixed(4)),
        .init(
            name: "Advanced Error Reporting", abbreviation: "AER", setpciName: "ECAP_AER",
            lengthRule: .advancedErrorReporting),
        .init(name: "Virtual Channel", abbreviation: "VC", setpciName: "ECAP_VC", lengthRule: .virtualChannel),
        .init(name: "Device Serial Number", abbreviation: "DSN", setpciName: "ECAP_DSN", lengthRule: .fixed(12)),
        .init(name: "Power Budgeting", abbreviation: "PwrBudget", setpciName: "ECAP_PB", lengthRule: .fixed(16)),
        .init(
            name: "Root Complex Link Declaration", abbreviation: "RCLD", setpciName: "ECAP_RCLINK",
            lengthRule: .rootComplexLinkDeclaration),
        .init(
            name: "Root Complex Internal Link Control", abbreviation: "RCILC", setpciName: "ECAP_RCILINK",
            lengthRule: .fixed(0x0C)),
        .init(
            name: "Root Complex Event Collector Endpoint Association", abbreviation: "RCEC", setpciName: "ECAP_RCEC",
            lengthRule: .rcecAssociation),
        .init(
            name: "Multi-Function Virtual Channel", abbreviation: "MFVC", setpciName: "ECAP_MFVC",
            lengthRule: .virtualChannel),
        .init(
            name: "Virtual Channel (MFVC present)", abbreviation: "VC9", setpciName: "ECAP_VC2",
            lengthRule: .virtualChannel),
        .init(
            name: "Root Complex Register Block Header", abbreviation: "RCRB", setpciName: "ECAP_RBCB",
            lengthRule: .fixed(0x14)),
        .init(
            name: "Vendor-Specific Extended", abbreviation: "VSEC", setpciName: "ECAP_VNDR",
            lengthRule: .vendorLengthField),
        .init(name: "Configuration Access Correlation", abbreviation: "CAC", setpciName: nil, lengthRule: .unknown),
        .init(
            name: "Access Control Services", abbreviation: "ACS", setpciName: "ECAP_ACS",
            lengthRule: .accessControlServices),
        .init(
            name: "Alternative Routing-ID Interpretation", abbreviation: "ARI", setpciName: "ECAP_ARI",
            lengthRule: .fixed(8)),
        .init(name: "Address Translation Services", abbreviation: "ATS", setpciName: "ECAP_ATS", lengthRule: .fixed(8)),
        .init(
            name: "Single Root I/O Virtualization", abbreviation: "SR-IOV", setpciName: "ECAP_SRIOV",
            lengthRule: .fixed(0x40)),
        .init(
            name: "Multi-Root I/O Virtualization", abbreviation: "MR-IOV", setpciName: "ECAP_MRIOV",
            lengthRule: .unknown),
        .init(name: "Multicast", abbreviation: "MCast", setpciName: "ECAP_MCAST", lengthRule: .multicast),
        .init(name: "Page Request Interface", abbreviation: "PRI", setpciName: "ECAP_PRI", lengthRule: .fixed(16)),
        .init(name: "Reserved for AMD", abbreviation: "AMD", setpciName: nil, lengthRule: .unknown),
        .init(name: "Resizable BAR", abbreviation: "ReBAR", setpciName: "ECAP_REBAR", lengthRule: .resizableBAR),
        .init(
            name: "Dynamic Power Allocation", abbreviation: "DPA", setpciName: "ECAP_DPA",
            lengthRule: .dynamicPowerAllocation),
        .init(name: "TPH Requester", abbreviation: "TPH", setpciName: "ECAP_TPH", lengthRule: .tphRequester),
        .init(name: "Latency Tolerance Reporting", abbreviation: "LTR", setpciName: "ECAP_LTR", lengthRule: .fixed(8)),
        .init(
            name: "Secondary PCI Express", abbreviation: "SecPCIe", setpciName: "ECAP_SECPCI",
            lengthRule: .perLane(base: 0x0C, bytesPerLane: 2)),
        .init(name: "Protocol Multiplexing", abbreviation: "PMUX", setpciName: "ECAP_PMUX", lengthRule: .unknown),
        .init(name: "Process Address Space ID", abbreviation: "PASID", setpciName: "ECAP_PASID", lengthRule: .fixed(8)),
        .init(name: "LN Requester", abbreviation: "LNR", setpciName: "ECAP_LNR", lengthRule: .fixed(8)),
        .init(
            name: "Downstream Port Containment", abbreviation: "DPC", setpciName: "ECAP_DPC",
            lengthRule: .downstreamPortContainment),
        .init(name: "L1 PM Substates", abbreviation: "L1SS", setpciName: "ECAP_L1PM", lengthRule: .fixed(0x10)),
        .init(
            name: "Precision Time Measurement", abbreviation: "PTM", setpciName: "ECAP_PTM", lengthRule: .fixed(0x0C)),
        .init(
            name: "PCI Express over M-PHY", abbreviation: "M-PCIe", setpciName: "ECAP_M_PCIE", lengthRule: .fixed(0x1C)),
        .init(name: "FRS Queueing", abbreviation: "FRS", setpciName: "ECAP_FRS", lengthRule: .fixed(0x10)),
        .init(name: "Readiness Time Reporting", abbreviation: "RTR", setpciName: "ECAP_RTR", lengthRule: .fixed(0x0C)),
        .init(
            name: "Designated Vendor-Specific", abbreviation: "DVSEC", setpciName: "ECAP_DVSEC",
            lengthRule: .vendorLengthField),
        .init(
            name: "VF Resizable BAR", abbreviation: "VFReBAR", setpciName: "ECAP_VF_REBAR", lengthRule: .resizableBAR),
        .init(name: "Data Link Feature", abbreviation: "DLF", setpciName: "ECAP_DLNK", lengthRule: .fixed(0x0C)),
        .init(
            name: "Physical Layer 16.0 GT/s", abbreviation: "PL16", setpciName: "ECAP_16GT",
            lengthRule: .perLane(base: 0x20, bytesPerLane: 1)),
        .init(
            name: "Lane Margining at the Receiver", abbreviation: "LMR", setpciName: "ECAP_LMR",
            lengthRule: .perLane(base: 0x08, bytesPerLane: 4)),
        .init(name: "Hierarchy ID", abbreviation: "HierID", setpciName: "ECAP_HIER_ID", lengthRule: .fixed(0x20)),
        .init(
            name: "Native PCIe Enclosure Management", abbreviation: "NPEM", setpciName: "ECAP_NPEM",
            lengthRule: .fixed(0x10)),
        .init(
            name: "Physical Layer 32.0 GT/s", abbreviation: "PL32", setpciName: "ECAP_32GT",
            lengthRule: .perLane(base: 0x20, bytesPerLane: 1)),
        .init(name: "Alternate Protocol", abbreviation: "AltProt", setpciName: nil, lengthRule: .fixed(0x18)),
        .init(name: "System Firmware Intermediary", abbreviation: "SFI", setpciName: nil, lengthRule: .fixed(0x14)),
        .init(name: "Shadow Functions", abbreviation: "Shadow", setpciName: nil, lengthRule: .unknown),
        .init(name: "Data Object Exchange", abbreviation: "DOE", setpciName: nil, lengthRule: .fixed(0x18)),
        .init(name: "Device 3", abbreviation: "Dev3", setpciName: nil, lengthRule: .fixed(0x10)),
        .init(
            name: "Integrity and Data Encryption", abbreviation: "IDE", setpciName: "ECAP_IDE",
            lengthRule: .integrityAndDataEncryption),
        .init(
            name: "Physical Layer 64.0 GT/s", abbreviation: "PL64", setpciName: "ECAP_64GT",
            lengthRule: .perLane(base: 0x20, bytesPerLane: 1)),
        .init(name: "Flit Logging", abbreviation: "FlitLog", setpciName: nil, lengthRule: .fixed(0x3C)),
        .init(name: "Flit Performance Measurement", abbreviation: "FlitPerf", setpciName: nil, lengthRule: .unknown),
        .init(name: "Flit Error Injection", abbreviation: "FlitEI", setpciName: nil, lengthRule: .fixed(0x24)),
        .init(name: "Streamlined Virtual Channel", abbreviation: "SVC", setpciName: nil, lengthRule: .unknown),
        .init(name: "MMIO Register Block Locator", abbreviation: "MMIO-RBL", setpciName: nil, lengthRule: .unknown),
        .init(name: "NOP Flit", abbreviation: "NOPFlit", setpciName: nil, lengthRule: .unknown),
        .init(name: "Scalable I/O Virtualization", abbreviation: "SIOV", setpciName: nil, lengthRule: .unknown),
        .init(name: "Physical Layer 128.0 GT/s", abbreviation: "PL128", setpciName: nil, lengthRule: .unknown),
        .init(name: "Captured Data", abbreviation: "CaptData", setpciName: nil, lengthRule: .unknown),
    ]
}
