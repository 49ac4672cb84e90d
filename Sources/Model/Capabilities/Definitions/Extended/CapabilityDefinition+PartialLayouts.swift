// Extended capabilities from the newest revisions. Most have register offsets that are public
// but bit fields that no source cfgtui cites: the offsets come from the register list (table of
// contents) of the PCI Express Base Specification r6.0 (r6.3 for Streamlined VC), chapter 7,
// and, for Flit Logging and Flit Error Injection, agree with the dword counts pciutils
// ls-ecaps.c fetches. Each such register is shown as an opaque dword with its specification
// name; a structure whose extent is not listed (Flit Performance Measurement, Shadow
// Functions, Streamlined VC) stops after its listed registers. The MMIO Register Block Locator
// is decoded in full from PCIe r6.3 §7.9.30.

extension ExtendedCapabilityID {
    public static let hierarchyID = ExtendedCapabilityID(0x0028)
    public static let alternateProtocol = ExtendedCapabilityID(0x002B)
    public static let systemFirmwareIntermediary = ExtendedCapabilityID(0x002C)
    public static let shadowFunctions = ExtendedCapabilityID(0x002D)
    public static let flitLogging = ExtendedCapabilityID(0x0032)
    public static let flitPerformanceMeasurement = ExtendedCapabilityID(0x0033)
    public static let flitErrorInjection = ExtendedCapabilityID(0x0034)
    public static let streamlinedVirtualChannel = ExtendedCapabilityID(0x0035)
    public static let mmioRegisterBlockLocator = ExtendedCapabilityID(0x0036)
}

extension CapabilityDefinition {
    static let partialLayoutFamily = [
        hierarchyID, alternateProtocol, systemFirmwareIntermediary, shadowFunctions, flitLogging,
        flitPerformanceMeasurement, flitErrorInjection, streamlinedVirtualChannel, mmioRegisterBlockLocator,
    ]

    static let hierarchyID = CapabilityDefinition(
        .extended(.hierarchyID), "Hierarchy ID", abbreviation: "HierID", setpci: "ECAP_HIER_ID",
        reference: .pcie("7.9.17"), length: .fixed(0x20), registers: .fixed(RegisterCatalog.hierarchyIDRegisters),
        sections: [
            "Extended Capability Header": "7.9.17.1", "Hierarchy ID Status": "7.9.17.2",
            "Hierarchy ID Data": "7.9.17.3",
            "Hierarchy ID GUID 1": "7.9.17.4", "Hierarchy ID GUID 2": "7.9.17.5", "Hierarchy ID GUID 3": "7.9.17.6",
            "Hierarchy ID GUID 4": "7.9.17.7", "Hierarchy ID GUID 5": "7.9.17.8",
        ])

    static let alternateProtocol = CapabilityDefinition(
        .extended(.alternateProtocol), "Alternate Protocol", abbreviation: "AltProt", reference: .pcie("7.9.20"),
        length: .fixed(0x18), registers: .fixed(RegisterCatalog.alternateProtocolRegisters),
        sections: [
            "Extended Capability Header": "7.9.20.1", "Alternate Protocol Capabilities": "7.9.20.2",
            "Alternate Protocol Control": "7.9.20.3",
            "Alternate Protocol Data 1": "7.9.20.4", "Alternate Protocol Data 2": "7.9.20.5",
            "Alternate Protocol Selective Enable Mask": "7.9.20.6",
        ])

    static let systemFirmwareIntermediary = CapabilityDefinition(
        .extended(.systemFirmwareIntermediary), "System Firmware Intermediary", abbreviation: "SFI",
        reference: .pcie("7.9.22"), length: .fixed(0x14),
        registers: .fixed(RegisterCatalog.firmwareIntermediaryRegisters),
        sections: [
            "Extended Capability Header": "7.9.22.1", "SFI Capability": "7.9.22.2", "SFI Control": "7.9.22.3",
            "SFI Status": "7.9.22.4",
            "SFI CAM Address": "7.9.22.5", "SFI CAM Data": "7.9.22.6",
        ])

    static let shadowFunctions = CapabilityDefinition(
        .extended(.shadowFunctions), "Shadow Functions", abbreviation: "Shadow", reference: .pcie("7.9.25"),
        length: .unknown("the instance register entries that follow are not sized publicly"),
        registers: .fixed(RegisterCatalog.shadowFunctionsRegisters),
        sections: [
            "Extended Capability Header": "7.9.25.1", "Shadow Functions Capability": "7.9.25.2",
            "Shadow Functions Control": "7.9.25.3",
        ])

    static let flitLogging = CapabilityDefinition(
        .extended(.flitLogging), "Flit Logging", abbreviation: "FlitLog", reference: .pcie("7.7.8"),
        length: .fixed(0x3C), registers: .fixed(RegisterCatalog.flitLoggingRegisters),
        sections: [
            "Extended Capability Header": "7.7.8.1", "Flit Error Log 1": "7.7.8.2", "Flit Error Log 2": "7.7.8.3",
            "Flit Error Counter Control": "7.7.8.4", "Flit Error Counter Status": "7.7.8.5",
            "FBER Measurement Control": "7.7.8.6", "FBER Measurement Status 1": "7.7.8.7",
            "FBER Measurement Status 2": "7.7.8.8", "FBER Measurement Status 3": "7.7.8.9",
            "FBER Measurement Status 4": "7.7.8.10", "FBER Measurement Status 5": "7.7.8.11",
            "FBER Measurement Status 6": "7.7.8.12", "FBER Measurement Status 7": "7.7.8.13",
            "FBER Measurement Status 8": "7.7.8.14", "FBER Measurement Status 9": "7.7.8.15",
            "FBER Measurement Status 10": "7.7.8.16",
        ])

    static let flitPerformanceMeasurement = CapabilityDefinition(
        .extended(.flitPerformanceMeasurement), "Flit Performance Measurement", abbreviation: "FlitPerf",
        reference: .pcie("7.8.12"), length: .unknown("the LTSSM status block at 0x10 is not sized unambiguously"),
        registers: .fixed(RegisterCatalog.flitPerformanceRegisters),
        sections: [
            "Extended Capability Header": "7.8.12.1", "Flit Performance Measurement Capability": "7.8.12.2",
            "Flit Performance Measurement Control": "7.8.12.3", "Flit Performance Measurement Status": "7.8.12.4",
        ])

    static let flitErrorInjection = CapabilityDefinition(
        .extended(.flitErrorInjection), "Flit Error Injection", abbreviation: "FlitEI", reference: .pcie("7.8.13"),
        length: .fixed(0x24), registers: .fixed(RegisterCatalog.flitErrorInjectionRegisters),
        sections: [
            "Extended Capability Header": "7.8.13.1", "Flit Error Injection Capability": "7.8.13.2",
            "Flit Error Injection Control 1": "7.8.13.3",
            "Flit Error Injection Control 2": "7.8.13.4", "Flit Error Injection Status": "7.8.13.5",
            "Ordered Set Error Injection Control 1": "7.8.13.6", "Ordered Set Error Injection Control 2": "7.8.13.7",
            "Ordered Set Error Tx Injection Status": "7.8.13.8", "Ordered Set Error Rx Injection Status": "7.8.13.9",
        ])

    static let streamlinedVirtualChannel = CapabilityDefinition(
        .extended(.streamlinedVirtualChannel), "Streamlined Virtual Channel", abbreviation: "SVC",
        reference: .pcie(revision: "6.3", "7.9.29"),
        length: .unknown("the per-resource registers are not sized publicly"),
        registers: .fixed(RegisterCatalog.streamlinedVirtualChannelRegisters),
        sections: [
            "Extended Capability Header": "7.9.29.1", "SVC Port Capability 1": "7.9.29.2",
            "SVC Port Capability 2": "7.9.29.3",
            "SVC Port Control": "7.9.29.4", "SVC Port Status": "7.9.29.5",
        ])

    /// MMIO Register Block Locator (PCIe r6.3 §7.9.30): where register blocks (MMIO
    /// Capabilities, vendor-specific blocks) sit in the function's BARs, one 64-bit locator each.
    static let mmioRegisterBlockLocator = CapabilityDefinition(
        .extended(.mmioRegisterBlockLocator), "MMIO Register Block Locator", abbreviation: "MRBL",
        reference: .pcie(revision: "6.3", "7.9.30"),
        length: .computed("the MRBL Structure Length in bits 11:0 at +4: 8 + 8 per locator") { input in
            let reader = input.reader
            guard let capabilities = reader.dword(4) else { return reader.unreadable(4) }
            let length = Int(capabilities & 0xFFF)
            // At least one locator (§7.9.30), and whole locators.
            guard length >= 0x10, (length - 8) % 8 == 0 else {
                return .unknown(.invalidField(ConfigOffset(input.base + 4), value: length))
            }
            return .computed(length)
        },
        registers: .computed { _, length in RegisterCatalog.registerBlockLocatorRegisters(length: length) },
        sections: [
            "Extended Capability Header": "7.9.30.1", "MRBL Capabilities": "7.9.30.2", "MRBL Locator #": "7.9.30.3",
        ],
        derivedValues: { input in RegisterCatalog.registerBlockLocatorValues(input.reader) })
}

extension RegisterCatalog {
    private static func named(_ offsets: [(Int, String)], width: Int = 4) -> [RegisterSpec] {
        [extendedCapabilityHeader] + offsets.map { opaque($0.0, width: width, $0.1, .undocumented) }
    }

    /// Hierarchy ID (0x0028, §7.9.17): status, data and a 128-bit GUID in five dwords.
    fileprivate static let hierarchyIDRegisters = named([
        (0x04, "Hierarchy ID Status"), (0x08, "Hierarchy ID Data"), (0x0C, "Hierarchy ID GUID 1"),
        (0x10, "Hierarchy ID GUID 2"), (0x14, "Hierarchy ID GUID 3"), (0x18, "Hierarchy ID GUID 4"),
        (0x1C, "Hierarchy ID GUID 5"),
    ])

    /// Alternate Protocol (0x002B, §7.9.20).
    fileprivate static let alternateProtocolRegisters = named([
        (0x04, "Alternate Protocol Capabilities"), (0x08, "Alternate Protocol Control"),
        (0x0C, "Alternate Protocol Data 1"), (0x10, "Alternate Protocol Data 2"),
        (0x14, "Alternate Protocol Selective Enable Mask"),
    ])

    /// System Firmware Intermediary (0x002C, §7.9.22).
    fileprivate static let firmwareIntermediaryRegisters: [RegisterSpec] = [
        extendedCapabilityHeader, opaque(0x04, width: 2, "SFI Capability", .undocumented),
        opaque(0x06, width: 2, "SFI Control", .undocumented),
        opaque(0x08, width: 4, "SFI Status", .undocumented), opaque(0x0C, width: 4, "SFI CAM Address", .undocumented),
        opaque(0x10, width: 4, "SFI CAM Data", .undocumented),
    ]

    /// Shadow Functions (0x002D, §7.9.25): the instance entries that follow are not sized publicly.
    fileprivate static let shadowFunctionsRegisters = named([
        (0x04, "Shadow Functions Capability"), (0x08, "Shadow Functions Control"),
    ])

    /// Flit Logging (0x0032, §7.7.8).
    fileprivate static let flitLoggingRegisters: [RegisterSpec] =
        [
            extendedCapabilityHeader, opaque(0x04, width: 4, "Flit Error Log 1", .undocumented),
            opaque(0x08, width: 4, "Flit Error Log 2", .undocumented),
            opaque(0x0C, width: 2, "Flit Error Counter Control", .undocumented),
            opaque(0x0E, width: 2, "Flit Error Counter Status", .undocumented),
            opaque(0x10, width: 4, "FBER Measurement Control", .undocumented),
        ] + (1...10).map { opaque(0x10 + 4 * $0, width: 4, "FBER Measurement Status \($0)", .undocumented) }

    /// Flit Performance Measurement (0x0033, §7.8.12): the LTSSM status block at 0x10 is not
    /// sized unambiguously, so it is left out.
    fileprivate static let flitPerformanceRegisters = named([
        (0x04, "Flit Performance Measurement Capability"), (0x08, "Flit Performance Measurement Control"),
        (0x0C, "Flit Performance Measurement Status"),
    ])

    /// Flit Error Injection (0x0034, §7.8.13).
    fileprivate static let flitErrorInjectionRegisters = named([
        (0x04, "Flit Error Injection Capability"), (0x08, "Flit Error Injection Control 1"),
        (0x0C, "Flit Error Injection Control 2"), (0x10, "Flit Error Injection Status"),
        (0x14, "Ordered Set Error Injection Control 1"), (0x18, "Ordered Set Error Injection Control 2"),
        (0x1C, "Ordered Set Error Tx Injection Status"), (0x20, "Ordered Set Error Rx Injection Status"),
    ])

    /// Streamlined Virtual Channel (0x0035, §7.9.29): the per-resource registers are not sized publicly.
    fileprivate static let streamlinedVirtualChannelRegisters = named([
        (0x04, "SVC Port Capability 1"), (0x08, "SVC Port Capability 2"), (0x0C, "SVC Port Control"),
        (0x10, "SVC Port Status"),
    ])

    /// MMIO Register Block Locator (0x0036, §7.9.30): the locators' count depends on a length
    /// field whose position is not public.
    // MARK: - MMIO Register Block Locator

    /// The capabilities register, then one locator per 8 bytes of the structure length.
    fileprivate static func registerBlockLocatorRegisters(length: Int?) -> [RegisterSpec] {
        var registers = [extendedCapabilityHeader, registerBlockLocatorCapabilities]
        if let length {
            for locator in 0..<max(0, (length - 8) / 8) {
                registers.append(registerBlockLocator.moved(by: 8 * locator, name: "MRBL Locator \(locator)"))
            }
        }
        return finished(registers, length: length)
    }

    /// Each locator's register block: its BAR and offset there, and what kind of block it is.
    fileprivate static func registerBlockLocatorValues(_ reader: FieldReader) -> [DerivedValue] {
        guard let capabilities = reader.dword(4) else { return [] }
        let length = Int(capabilities & 0xFFF)
        guard length >= 0x10, (length - 8) % 8 == 0 else { return [] }
        var values = [DerivedValue]()
        for locator in 0..<(length - 8) / 8 {
            guard let low = reader.dword(8 + 8 * locator), let high = reader.dword(12 + 8 * locator),
                (low >> 8) & 0xFF != 0
            else { continue }
            let offset = UInt64(high) << 32 | UInt64(low & 0xFFFF_0000)
            values.append(DerivedValue("Register block \(locator) offset in BAR\(low & 7)", .address(offset)))
        }
        return values
    }

    private static let registerBlockLocatorCapabilities = RegisterSpec(
        0x04, width: 4, "MRBL Capabilities",
        fields: [
            RegisterField(
                0...11, "MRBL Structure Length", .hardwareInit, "Bytes in the structure: 08h + 08h per locator",
                .number),
            .reserved(12...31),
        ])

    private static let registerBlockLocator = RegisterSpec(
        0x08, width: 8, "MRBL Locator",
        fields: [
            RegisterField(
                0...2, "Register BIR", .hardwareInit, "BAR (or Enhanced Allocation entry) holding the register block",
                standardBARIndicatorNames),
            .reserved(3...7),
            RegisterField(
                8...15, "Register Block ID", .hardwareInit, "What the register block holds",
                .values([
                    FieldValueName(0x00, "empty/invalid"), FieldValueName(0x01, "MMIO Capabilities (MCAP)"),
                    FieldValueName(0xFF, "MMIO Designated Vendor-Specific (MDVS)"),
                ])),
            RegisterField(
                16...31, "Register Block Offset Low", .hardwareInit,
                "Bits 31:16 of the block's offset in the BAR (bits 15:0 are 0)", .address),
            RegisterField(
                32...63, "Register Block Offset High", .hardwareInit, "Bits 63:32 of the block's offset in the BAR",
                .address),
        ])
}
