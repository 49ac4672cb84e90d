// Vendor-Specific Extended Capability (0x000B, PCIe r6.0 §7.9.5) and Designated Vendor-Specific
// Extended Capability (0x0023, §7.9.6). Header layouts from Linux pci_regs.h (PCI_VNDR_HEADER_*,
// PCI_DVSEC_HEADER1/2_*); the body is vendor-defined and shown as one opaque block.

extension ExtendedCapabilityID {
    public static let vendorSpecific = ExtendedCapabilityID(0x000B)
    public static let designatedVendorSpecific = ExtendedCapabilityID(0x0023)
}

extension CapabilityDefinition {
    static let vendorSpecificFamily = [vendorSpecificExtended, designatedVendorSpecific]

    static let vendorSpecificExtended = CapabilityDefinition(
        .extended(.vendorSpecific), "Vendor-Specific Extended", abbreviation: "VSEC", setpci: "ECAP_VNDR",
        reference: .pcie("7.9.5"), length: lengthField(minimum: 0x08),
        registers: .computed { _, length in RegisterCatalog.vendorSpecificRegisters(length: length) },
        sections: ["Extended Capability Header": "7.9.5.1", "Vendor-Specific Header": "7.9.5.2"])

    static let designatedVendorSpecific = CapabilityDefinition(
        .extended(.designatedVendorSpecific), "Designated Vendor-Specific", abbreviation: "DVSEC",
        setpci: "ECAP_DVSEC", reference: .pcie("7.9.6"), length: lengthField(minimum: 0x0A),
        registers: .computed { _, length in RegisterCatalog.designatedVendorSpecificRegisters(length: length) },
        sections: [
            "Extended Capability Header": "7.9.6.1", "Designated Vendor-Specific Header 1": "7.9.6.2",
            "Designated Vendor-Specific Header 2": "7.9.6.3",
        ])

    /// The 12-bit length field in bits 31:20 at +4; shorter than the headers is invalid.
    private static func lengthField(minimum: Int) -> LengthRule {
        .computed("the 12-bit length field in bits 31:20 at +4") { input in
            let reader = input.reader
            guard let header = reader.dword(4) else { return reader.unreadable(4) }
            let length = Int(header >> 20)
            return length < minimum
                ? .unknown(.invalidField(ConfigOffset(input.base + 4), value: length)) : .computed(length)
        }
    }
}

extension RegisterCatalog {
    /// VSEC: the vendor-specific header, then the body up to the VSEC Length.
    fileprivate static func vendorSpecificRegisters(length: Int?) -> [RegisterSpec] {
        var registers = [extendedCapabilityHeader, vsecHeader]
        if let length, length > 8 {
            registers.append(opaque(0x08, width: length - 8, "Vendor-Specific Registers", .vendorDefined))
        }
        return registers
    }

    /// DVSEC: header 1 (vendor, revision, length), header 2 (DVSEC ID), then the body.
    fileprivate static func designatedVendorSpecificRegisters(length: Int?) -> [RegisterSpec] {
        var registers = [extendedCapabilityHeader, dvsecHeader1, dvsecHeader2]
        if let length, length > 0x0A {
            registers.append(opaque(0x0A, width: length - 0x0A, "Designated Vendor-Specific Registers", .vendorDefined))
        }
        return registers
    }

    private static let vsecHeader = RegisterSpec(
        0x04, width: 4, "Vendor-Specific Header",
        fields: [
            RegisterField(0...15, "VSEC ID", .readOnly, "Vendor-defined ID of this structure's layout", .number),
            RegisterField(16...19, "VSEC Rev", .readOnly, "Vendor-defined version of that layout", .number),
            RegisterField(20...31, "VSEC Length", .readOnly, "Bytes in the whole structure, header included", .number),
        ])

    private static let dvsecHeader1 = RegisterSpec(
        0x04, width: 4, "Designated Vendor-Specific Header 1",
        fields: [
            RegisterField(0...15, "DVSEC Vendor ID", .readOnly, "Vendor that defines this structure", .vendorID),
            RegisterField(16...19, "DVSEC Revision", .readOnly, "Version of the structure's layout", .number),
            RegisterField(20...31, "DVSEC Length", .readOnly, "Bytes in the whole structure, header included", .number),
        ])

    private static let dvsecHeader2 = RegisterSpec(
        0x08, width: 2, "Designated Vendor-Specific Header 2",
        fields: [
            RegisterField(0...15, "DVSEC ID", .readOnly, "Structure type, defined by the DVSEC vendor", .number)
        ])
}
