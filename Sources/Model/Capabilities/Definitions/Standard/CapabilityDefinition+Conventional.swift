// Capabilities from conventional PCI and its companion specifications, most with a fixed
// layout: AGP (0x02), VPD (0x03, PCIe r6.0 §7.9.18), Slot Identification (0x04), CompactPCI Hot
// Swap (0x06), Debug Port (0x0A), CompactPCI Central Resource Control (0x0B), Standard Hot-Plug
// Controller (0x0C), Bridge Subsystem Vendor ID (0x0D, PCIe r6.0 §7.9.23), AGP 8x (0x0E),
// Secure Device (0x0F) and the Null capability (0x00, PCIe r6.0 §7.9.27). Where only the
// defining document is known, the reference names the document alone.

extension CapabilityID {
    /// The Null capability: an ID and a next pointer, nothing else (PCIe r6.0 §7.9.27).
    public static let null = CapabilityID(0x00)
    public static let agp = CapabilityID(0x02)
    public static let vpd = CapabilityID(0x03)
    public static let slotID = CapabilityID(0x04)
    public static let compactPCIHotSwap = CapabilityID(0x06)
    public static let debugPort = CapabilityID(0x0A)
    public static let compactPCICentralResource = CapabilityID(0x0B)
    public static let hotPlug = CapabilityID(0x0C)
    public static let bridgeSubsystemVendorID = CapabilityID(0x0D)
    public static let agp3 = CapabilityID(0x0E)
    public static let secureDevice = CapabilityID(0x0F)
}

extension CapabilityDefinition {
    static let conventionalFamily = [
        null, agp, vpd, slotIdentification, compactPCIHotSwap, debugPort, compactPCICentralResource, hotPlug,
        bridgeSubsystemVendorID, agp3, secureDevice,
    ]

    static let null = CapabilityDefinition(
        .standard(.null), "Null", abbreviation: "Null", reference: .pcie("7.9.27"),
        length: .unknown("the Null capability's extent is the header; what follows belongs to no structure"),
        registers: .fixed([RegisterCatalog.standardCapabilityHeader]))

    static let agp = CapabilityDefinition(
        .standard(.agp), "AGP", abbreviation: "AGP", setpci: "CAP_AGP",
        reference: SpecReference("AGP Interface Specification 3.0"), length: .fixed(12),
        registers: .fixed(RegisterCatalog.agpRegisters))

    static let vpd = CapabilityDefinition(
        .standard(.vpd), "Vital Product Data", abbreviation: "VPD", setpci: "CAP_VPD", reference: .pcie("7.9.18"),
        length: .fixed(8), registers: .fixed(RegisterCatalog.vpdRegisters),
        sections: ["VPD Address": "7.9.18.1", "VPD Data": "7.9.18.2"])

    static let slotIdentification = CapabilityDefinition(
        .standard(.slotID), "Slot Identification", abbreviation: "SlotID", setpci: "CAP_SLOTID",
        reference: SpecReference("PCI-to-PCI Bridge Architecture 1.2"), length: .fixed(4),
        registers: .fixed(RegisterCatalog.slotIdentificationRegisters))

    static let compactPCIHotSwap = CapabilityDefinition(
        .standard(.compactPCIHotSwap), "CompactPCI Hot Swap", abbreviation: "CHSWP", setpci: "CAP_CHSWP",
        reference: SpecReference("PICMG 2.1 CompactPCI Hot Swap"), length: .fixed(4),
        registers: .fixed(RegisterCatalog.compactPCIHotSwapRegisters))

    static let debugPort = CapabilityDefinition(
        .standard(.debugPort), "Debug Port", abbreviation: "Debug", setpci: "CAP_DBG",
        reference: SpecReference("EHCI 1.0 Appendix C"), length: .fixed(4),
        registers: .fixed(RegisterCatalog.debugPortRegisters))

    static let compactPCICentralResource = CapabilityDefinition(
        .standard(.compactPCICentralResource), "CompactPCI Central Resource Control", abbreviation: "CCRC",
        setpci: "CAP_CCRC", reference: SpecReference("PICMG 2.13"),
        length: .unknown("the PICMG 2.13 layout is not public"),
        registers: .notPublic("the PICMG 2.13 layout is not public"))

    static let hotPlug = CapabilityDefinition(
        .standard(.hotPlug), "PCI Hot-Plug (SHPC)", abbreviation: "SHPC", setpci: "CAP_HOTPLUG",
        reference: SpecReference("PCI Standard Hot-Plug Controller 1.0"), length: .fixed(8),
        registers: .fixed(RegisterCatalog.hotPlugControllerRegisters))

    static let bridgeSubsystemVendorID = CapabilityDefinition(
        .standard(.bridgeSubsystemVendorID), "Bridge Subsystem Vendor ID", abbreviation: "SSVID", setpci: "CAP_SSVID",
        reference: .pcie("7.9.23"), length: .fixed(8),
        registers: .fixed(RegisterCatalog.bridgeSubsystemVendorIDRegisters))

    static let agp3 = CapabilityDefinition(
        .standard(.agp3), "AGP 8x", abbreviation: "AGP3", setpci: "CAP_AGP3",
        reference: SpecReference("AGP Interface Specification 3.0"),
        length: .unknown("the AGP 8x bridge capability's layout is not in a public specification"),
        registers: .notPublic("the AGP 8x bridge capability's layout is not in a public specification"))

    static let secureDevice = CapabilityDefinition(
        .standard(.secureDevice), "Secure Device", abbreviation: "Secure", setpci: "CAP_SECURE",
        reference: SpecReference("AMD I/O Virtualization Technology (IOMMU) Specification"),
        length: .unknown("the capability block's length depends on the IOMMU revision; not catalogued"),
        registers: .notPublic("the IOMMU capability block is vendor documentation, not catalogued"))
}

extension RegisterCatalog {
    // MARK: - AGP (12 bytes)

    /// AGP version, status and command.
    fileprivate static let agpRegisters = [
        standardCapabilityHeader,
        RegisterSpec(
            2, width: 2, "AGP Version",
            fields: [
                RegisterField(0...3, "Minor Revision", .readOnly, "Minor revision of the AGP specification"),
                RegisterField(4...7, "Major Revision", .readOnly, "Major revision of the AGP specification"),
                RegisterField(8...15, "Reserved", .reservedPreserve, "Reserved"),
            ]),
        RegisterSpec(
            4, width: 4, "AGP Status",
            fields: [
                RegisterField(0, "Rate 1x (4x in AGP3 mode)", .readOnly, "Supports this transfer rate"),
                RegisterField(1, "Rate 2x (8x in AGP3 mode)", .readOnly, "Supports this transfer rate"),
                RegisterField(2, "Rate 4x (reserved in AGP3 mode)", .readOnly, "Supports this transfer rate"),
                RegisterField(3, "AGP3 Mode", .readOnly, "Operating in AGP 3.0 signalling mode"),
                RegisterField(4, "Fast Writes", .readOnly, "Supports fast write transactions"),
                RegisterField(5, "Over 4G", .readOnly, "Supports addresses above 4 GiB"),
                RegisterField(6, "HTRANS", .readOnly, "0: host accesses through the aperture are translated"),
                RegisterField(7, "GART64", .readOnly, "Supports 64-bit GART entries"),
                RegisterField(8, "ITA_COH", .readOnly, "Accesses in the aperture are always coherent"),
                RegisterField(9, "Sideband Addressing", .readOnly, "Supports sideband addressing"),
                RegisterField(10...12, "Calibration Cycle", .readOnly, "Required calibration period"),
                RegisterField(13...15, "Optimum Request Size", .readOnly, "log2(optimum request size in bytes) - 4"),
                RegisterField(16, "Isochronous Support", .readOnly, "Supports isochronous transactions"),
                RegisterField(17...23, "Reserved", .reservedPreserve, "Reserved"),
                RegisterField(
                    24...31, "Maximum Requests", .readOnly, "Requests the target can queue", .countMinusOne),
            ]),
        RegisterSpec(
            8, width: 4, "AGP Command",
            fields: [
                RegisterField(0...2, "Data Rate", .readWrite, "Transfer rate in use (one bit of the Status rates)"),
                RegisterField(3, "Reserved", .reservedPreserve, "Reserved"),
                RegisterField(4, "Fast Writes Enable", .readWrite, "Use fast write transactions"),
                RegisterField(5, "Over 4G Enable", .readWrite, "Generate addresses above 4 GiB"),
                RegisterField(6, "Reserved", .reservedPreserve, "Reserved"),
                RegisterField(7, "GART64 Enable", .readWrite, "Use 64-bit GART entries"),
                RegisterField(8, "AGP Enable", .readWrite, "Process AGP transactions"),
                RegisterField(9, "Sideband Addressing Enable", .readWrite, "Use sideband addressing"),
                RegisterField(10...12, "Calibration Cycle", .readWrite, "Calibration period in use"),
                RegisterField(13...15, "Optimum Request Size", .readWrite, "Request size the master should use"),
                RegisterField(16...23, "Reserved", .reservedPreserve, "Reserved"),
                RegisterField(24...31, "Request Depth", .readWrite, "Requests the master may queue at the target"),
            ]),
    ]

    // MARK: - Vital Product Data (8 bytes)

    /// VPD address (with the F completion flag) and data.
    fileprivate static let vpdRegisters = [
        standardCapabilityHeader,
        RegisterSpec(
            2, width: 2, "VPD Address",
            fields: [
                RegisterField(0...14, "VPD Address", .readWrite, "Dword-aligned byte address in the VPD storage"),
                RegisterField(
                    15, "F", .readWrite,
                    "Write 0 to read (hardware sets 1 when data is ready); write 1 to write (cleared when done)"),
            ]),
        RegisterSpec(
            4, width: 4, "VPD Data",
            fields: [RegisterField(0...31, "VPD Data", .readWrite, "Four VPD bytes at the address", .number)]),
    ]

    // MARK: - Slot Identification (4 bytes)

    /// Expansion slot count and chassis number.
    fileprivate static let slotIdentificationRegisters = [
        standardCapabilityHeader,
        RegisterSpec(
            2, width: 1, "Expansion Slot",
            fields: [
                RegisterField(0...4, "Expansion Slots Provided", .hardwareInit, "Slots on the bridge's secondary bus"),
                RegisterField(5, "First In Chassis", .hardwareInit, "This bridge is the first one in the chassis"),
                RegisterField(6...7, "Reserved", .reservedPreserve, "Reserved"),
            ]),
        RegisterSpec(
            3, width: 1, "Chassis Number",
            fields: [RegisterField(0...7, "Chassis Number", .readWrite, "Chassis number assigned by firmware")]),
    ]

    // MARK: - CompactPCI Hot Swap (4 bytes)

    /// Hot swap control and status.
    fileprivate static let compactPCIHotSwapRegisters = [
        standardCapabilityHeader,
        RegisterSpec(
            2, width: 1, "Hot Swap Control and Status",
            fields: [
                RegisterField(0, "Device Hiding Arm", .readWrite, "Arms hiding of the device on ejector opening"),
                RegisterField(1, "ENUM# Signal Mask", .readWrite, "Masks the ENUM# insertion/extraction signal"),
                RegisterField(2, "Pending Insert or Extract", .readOnly, "An insertion or extraction is in progress"),
                RegisterField(3, "LED On/Off", .readWrite, "Turns the blue hot swap LED on"),
                RegisterField(4...5, "Programming Interface", .readOnly, "Hot swap programming interface level"),
                RegisterField(6, "ENUM# Status - Extraction", .writeOneToClear, "The board is about to be extracted"),
                RegisterField(7, "ENUM# Status - Insertion", .writeOneToClear, "The board was inserted"),
            ]),
        standardReservedRegister(3, width: 1, "Reserved", .reservedPreserve, "Reserved"),
    ]

    // MARK: - Debug Port (4 bytes)

    /// Where the USB debug port registers are.
    fileprivate static let debugPortRegisters = [
        standardCapabilityHeader,
        RegisterSpec(
            2, width: 2, "Debug Port Base",
            fields: [
                RegisterField(0...12, "Offset", .readOnly, "Offset of the debug port registers in the BAR"),
                RegisterField(
                    13...15, "BAR Number", .readOnly, "BAR holding the registers",
                    .values([
                        FieldValueName(1, "BAR0 (0x10)"), FieldValueName(2, "BAR1 (0x14)"),
                        FieldValueName(3, "BAR2 (0x18)"), FieldValueName(4, "BAR3 (0x1C)"),
                        FieldValueName(5, "BAR4 (0x20)"), FieldValueName(6, "BAR5 (0x24)"),
                    ])),
            ]),
    ]

    // MARK: - Standard Hot-Plug Controller (8 bytes)

    /// The window onto the SHPC working register set.
    fileprivate static let hotPlugControllerRegisters = [
        standardCapabilityHeader,
        RegisterSpec(
            2, width: 1, "DWORD Select",
            fields: [
                RegisterField(0...7, "DWORD Select", .readWrite, "Which SHPC register dword DWORD Data shows")
            ]),
        RegisterSpec(
            3, width: 1, "Pending",
            fields: [
                RegisterField(
                    0...7, "Interrupt and SERR# Pending", .readOnly,
                    "Controller interrupt and SERR# pending flags (bit positions not decoded)")
            ]),
        RegisterSpec(
            4, width: 4, "DWORD Data",
            fields: [
                RegisterField(0...31, "DWORD Data", .readWrite, "The SHPC register selected by DWORD Select", .number)
            ]),
    ]

    // MARK: - Bridge Subsystem Vendor ID (8 bytes)

    /// The bridge's subsystem IDs (a type 1 header has no room for them).
    fileprivate static let bridgeSubsystemVendorIDRegisters = [
        standardCapabilityHeader,
        standardReservedRegister(2, width: 2, "Reserved", .reservedPreserve, "Reserved"),
        RegisterSpec(
            4, width: 2, "Subsystem Vendor ID",
            fields: [
                RegisterField(
                    0...15, "Subsystem Vendor ID", .hardwareInit, "Vendor of the board or subsystem", .vendorID)
            ]),
        RegisterSpec(
            6, width: 2, "Subsystem ID",
            fields: [RegisterField(0...15, "Subsystem ID", .hardwareInit, "Vendor-assigned board or subsystem")]),
    ]
}
