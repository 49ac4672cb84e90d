// Vendor-Specific Extended Capability (0x000B, PCIe Base §7.9.5) and Designated Vendor-Specific
// Extended Capability (0x0023, §7.9.6). Header layouts from Linux pci_regs.h (PCI_VNDR_HEADER_*,
// PCI_DVSEC_HEADER1/2_*); the body is vendor-defined and shown as one opaque block.

extension RegisterCatalog {
    /// VSEC: the vendor-specific header, then the body up to the VSEC Length.
    static func vendorSpecificRegisters(length: Int?) -> [RegisterSpec] {
        var registers = [extendedCapabilityHeader, vsecHeader]
        if let length, length > 8 {
            registers.append(opaque(0x08, width: length - 8, "Vendor-Specific Registers"))
        }
        return registers
    }

    /// DVSEC: header 1 (vendor, revision, length), header 2 (DVSEC ID), then the body.
    static func designatedVendorSpecificRegisters(length: Int?) -> [RegisterSpec] {
        var registers = [extendedCapabilityHeader, dvsecHeader1, dvsecHeader2]
        if let length, length > 0x0A {
            registers.append(opaque(0x0A, width: length - 0x0A, "Designated Vendor-Specific Registers"))
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
