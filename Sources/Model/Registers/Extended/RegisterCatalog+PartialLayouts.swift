// Extended capabilities whose register offsets are public but whose bit fields are not in any
// source cfgtui cites: the offsets come from the register list (table of contents) of the
// PCI Express Base Specification 6.x, chapter 7, and, for Flit Logging and Flit Error
// Injection, agree with the dword counts pciutils ls-ecaps.c fetches. Each register is shown
// as an opaque dword with its specification name; a structure whose extent is not listed
// (Flit Performance Measurement, Shadow Functions, Streamlined VC, MMIO Register Block
// Locator) stops after its listed registers.

extension RegisterCatalog {
    private static func named(_ offsets: [(Int, String)], width: Int = 4) -> [RegisterSpec] {
        [extendedCapabilityHeader] + offsets.map { opaque($0.0, width: width, $0.1) }
    }

    /// Hierarchy ID (0x0028, §7.9.17): status, data and a 128-bit GUID in five dwords.
    static let hierarchyIDRegisters = named([
        (0x04, "Hierarchy ID Status"), (0x08, "Hierarchy ID Data"), (0x0C, "Hierarchy ID GUID 1"),
        (0x10, "Hierarchy ID GUID 2"), (0x14, "Hierarchy ID GUID 3"), (0x18, "Hierarchy ID GUID 4"),
        (0x1C, "Hierarchy ID GUID 5"),
    ])

    /// Alternate Protocol (0x002B, §7.9.20).
    static let alternateProtocolRegisters = named([
        (0x04, "Alternate Protocol Capabilities"), (0x08, "Alternate Protocol Control"),
        (0x0C, "Alternate Protocol Data 1"), (0x10, "Alternate Protocol Data 2"),
        (0x14, "Alternate Protocol Selective Enable Mask"),
    ])

    /// System Firmware Intermediary (0x002C, §7.9.22).
    static let firmwareIntermediaryRegisters: [RegisterSpec] = [
        extendedCapabilityHeader, opaque(0x04, width: 2, "SFI Capability"), opaque(0x06, width: 2, "SFI Control"),
        opaque(0x08, width: 4, "SFI Status"), opaque(0x0C, width: 4, "SFI CAM Address"),
        opaque(0x10, width: 4, "SFI CAM Data"),
    ]

    /// Shadow Functions (0x002D, §7.9.25): the instance entries that follow are not sized publicly.
    static let shadowFunctionsRegisters = named([
        (0x04, "Shadow Functions Capability"), (0x08, "Shadow Functions Control"),
    ])

    /// Flit Logging (0x0032, §7.7.8).
    static let flitLoggingRegisters: [RegisterSpec] =
        [
            extendedCapabilityHeader, opaque(0x04, width: 4, "Flit Error Log 1"),
            opaque(0x08, width: 4, "Flit Error Log 2"),
            opaque(0x0C, width: 2, "Flit Error Counter Control"), opaque(0x0E, width: 2, "Flit Error Counter Status"),
            opaque(0x10, width: 4, "FBER Measurement Control"),
        ] + (1...10).map { opaque(0x10 + 4 * $0, width: 4, "FBER Measurement Status \($0)") }

    /// Flit Performance Measurement (0x0033, §7.8.12): the LTSSM status block at 0x10 is not
    /// sized unambiguously, so it is left out.
    static let flitPerformanceRegisters = named([
        (0x04, "Flit Performance Measurement Capability"), (0x08, "Flit Performance Measurement Control"),
        (0x0C, "Flit Performance Measurement Status"),
    ])

    /// Flit Error Injection (0x0034, §7.8.13).
    static let flitErrorInjectionRegisters = named([
        (0x04, "Flit Error Injection Capability"), (0x08, "Flit Error Injection Control 1"),
        (0x0C, "Flit Error Injection Control 2"), (0x10, "Flit Error Injection Status"),
        (0x14, "Ordered Set Error Injection Control 1"), (0x18, "Ordered Set Error Injection Control 2"),
        (0x1C, "Ordered Set Error Tx Injection Status"), (0x20, "Ordered Set Error Rx Injection Status"),
    ])

    /// Streamlined Virtual Channel (0x0035, §7.9.29): the per-resource registers are not sized publicly.
    static let streamlinedVirtualChannelRegisters = named([
        (0x04, "SVC Port Capability 1"), (0x08, "SVC Port Capability 2"), (0x0C, "SVC Port Control"),
        (0x10, "SVC Port Status"),
    ])

    /// MMIO Register Block Locator (0x0036, §7.9.30): the locators' count depends on a length
    /// field whose position is not public.
    static let registerBlockLocatorRegisters = named([(0x04, "MRBL Capabilities")])
}
