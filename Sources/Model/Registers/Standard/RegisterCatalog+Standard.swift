// Standard (conventional) capabilities, IDs 0x00-0x15: the dispatch and the pieces the
// tables share. PCI Local Bus 3.0 §6.7-6.8, PCI Code and ID Assignment §2, PCIe Base 6.x
// §7.5-7.8; the per-capability files cite their own sections.

extension RegisterCatalog {
    /// Registers of a standard capability (offsets relative to it).
    ///
    /// Layouts that depend on the structure (MSI, PCI Express, PCI-X, HyperTransport, SATA,
    /// Enhanced Allocation, Vendor-Specific) read it from `space`; every other table is static.
    static func standardCapabilityRegisters(
        _ id: CapabilityID, at base: Int, in space: ConfigSpace, context: FunctionContext
    ) -> [RegisterSpec] {
        switch id {
        case .null: return [standardCapabilityHeader]
        case .powerManagement: return powerManagementRegisters(context: context)
        case .agp: return agpRegisters
        case .vpd: return vpdRegisters
        case .slotID: return slotIdentificationRegisters
        case .msi: return msiRegisters(at: base, in: space)
        case .compactPCIHotSwap: return compactPCIHotSwapRegisters
        case .pcix: return pcixRegisters(at: base, in: space, context: context)
        case .hyperTransport: return hyperTransportRegisters(at: base, in: space)
        case .vendorSpecific: return standardVendorSpecificRegisters(at: base, in: space)
        case .debugPort: return debugPortRegisters
        case .hotPlug: return hotPlugControllerRegisters
        case .bridgeSubsystemVendorID: return bridgeSubsystemVendorIDRegisters
        case .pciExpress: return pciExpressRegisters(at: base, in: space, context: context)
        case .msix: return msixRegisters
        case .sata: return sataRegisters(at: base, in: space)
        case .advancedFeatures: return advancedFeaturesRegisters
        case .enhancedAllocation: return enhancedAllocationRegisters(at: base, in: space, context: context)
        case .flatteningPortalBridge: return flatteningPortalBridgeRegisters
        default:
            // CompactPCI CRC (0x0B), AGP 8x (0x0E), Secure Device (0x0F) and unknown IDs: no
            // public layout, so the header and whatever length the catalog knows.
            let length = CapabilityCatalog.length(of: .standard(id), at: base, in: space, context: context).bytes
            return genericRegisters(space: .standard, length: length)
        }
    }

    /// Derived values of a standard capability.
    static func standardCapabilityDerivedValues(
        _ id: CapabilityID, at base: Int, in space: ConfigSpace, context: FunctionContext
    ) -> [DerivedValue] {
        switch id {
        case .msi: return msiDerivedValues(at: base, in: space)
        case .msix: return msixDerivedValues(at: base, in: space)
        case .pciExpress: return pciExpressDerivedValues(at: base, in: space)
        case .enhancedAllocation: return enhancedAllocationDerivedValues(at: base, in: space, context: context)
        default: return []
        }
    }

    // MARK: - Shared pieces

    /// A register whose bits are all reserved: one field named "Reserved" covering it.
    static func standardReservedRegister(
        _ offset: Int, width: Int, _ name: String, _ access: RegisterAccess, _ meaning: String
    ) -> RegisterSpec {
        RegisterSpec(
            offset, width: width, name,
            fields: [RegisterField(0...(width * 8 - 1), "Reserved", access, meaning)])
    }

    /// BAR Indicator (BIR) values: which Base Address Register a structure lives in.
    static let standardBARIndicatorNames = FieldDecoding.values([
        FieldValueName(0, "BAR0 (0x10)"), FieldValueName(1, "BAR1 (0x14)"), FieldValueName(2, "BAR2 (0x18)"),
        FieldValueName(3, "BAR3 (0x1C)"), FieldValueName(4, "BAR4 (0x20)"), FieldValueName(5, "BAR5 (0x24)"),
    ])
}
