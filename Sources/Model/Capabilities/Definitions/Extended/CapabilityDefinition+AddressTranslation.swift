// Address Translation Services (0x000F, PCIe r6.0 §10.5.1), Page Request Interface (0x0013,
// §10.5.2) and Process Address Space ID (0x001B, §7.8.9). Bits from Linux pci_regs.h
// (PCI_ATS_*, PCI_PRI_*, PCI_PASID_*); a VF shares its PF's PRI and PASID (§9.3.7.11, §9.3.7.14).

extension ExtendedCapabilityID {
    public static let addressTranslationServices = ExtendedCapabilityID(0x000F)
    public static let pageRequest = ExtendedCapabilityID(0x0013)
    public static let processAddressSpaceID = ExtendedCapabilityID(0x001B)
}

extension CapabilityDefinition {
    static let addressTranslationFamily = [addressTranslationServices, pageRequest, processAddressSpaceID]

    static let addressTranslationServices = CapabilityDefinition(
        .extended(.addressTranslationServices), "Address Translation Services", abbreviation: "ATS",
        setpci: "ECAP_ATS", reference: .pcie("10.5.1"), length: .fixed(8),
        registers: .computed { input, _ in RegisterCatalog.addressTranslationRegisters(context: input.context) },
        sections: ["Extended Capability Header": "10.5.1.1", "ATS Capability": "10.5.1.2", "ATS Control": "10.5.1.3"])

    static let pageRequest = CapabilityDefinition(
        .extended(.pageRequest), "Page Request Interface", abbreviation: "PRI", setpci: "ECAP_PRI",
        reference: .pcie("10.5.2"), length: .fixed(16), registers: .fixed(RegisterCatalog.pageRequestRegisters),
        sections: [
            "Extended Capability Header": "10.5.2.1", "Page Request Control": "10.5.2.2",
            "Page Request Status": "10.5.2.3",
            "Outstanding Page Request Capacity": "10.5.2.4", "Outstanding Page Request Allocation": "10.5.2.5",
        ],
        writeRules: { builder, base in
            builder.addHook(.priControl(capability: base), at: base + 4, count: 2)
            builder.addHook(.priAllocation(capability: base), at: base + 0x0C, count: 4)
        })

    static let processAddressSpaceID = CapabilityDefinition(
        .extended(.processAddressSpaceID), "Process Address Space ID", abbreviation: "PASID", setpci: "ECAP_PASID",
        reference: .pcie("7.8.9"), length: .fixed(8), registers: .fixed(RegisterCatalog.processAddressSpaceIDRegisters),
        sections: ["Extended Capability Header": "7.8.9.1", "PASID Capability": "7.8.9.2", "PASID Control": "7.8.9.3"],
        writeRules: { builder, base in
            // PASID Control (§7.8.9.3): Execute and Privileged Mode Enable are RW only when the
            // matching Supported bit is set, else hardwired 0.
            let supported = builder.byte(base + 4) & 0x06
            builder.removeTake(base + 6, 0x06 & ~supported)
            builder.addHook(.pasidControl(capability: base), at: base + 6, count: 2)
        })
}

extension RegisterCatalog {
    /// ATS. On a VF the Invalidate Queue Depth and the Smallest Translation Unit are hardwired
    /// to 0: the PF's values apply to all its VFs.
    fileprivate static func addressTranslationRegisters(context: FunctionContext) -> [RegisterSpec] {
        context.isVirtualFunction ? atsVirtualFunctionRegisters : atsRegisters
    }

    private static func atsTable(isVirtualFunction: Bool) -> [RegisterSpec] {
        let depth =
            isVirtualFunction
            ? RegisterField(
                0...4, "Invalidate Queue Depth", .readOnly, "Hardwired 0 on a VF: the PF's queue depth applies",
                .number)
            : RegisterField(
                0...4, "Invalidate Queue Depth", .readOnly,
                "Invalidation requests the function can queue (0 means 32)", .number)
        let unit =
            isVirtualFunction
            ? RegisterField(
                0...4, "Smallest Translation Unit", .readOnly, "Hardwired 0 on a VF: the PF's STU applies",
                .bytesPowerOfTwo(exponentOffset: 12))
            : RegisterField(
                0...4, "Smallest Translation Unit", .readWrite,
                "Smallest translation the function requests: 2^(STU+12) bytes",
                .bytesPowerOfTwo(exponentOffset: 12))
        return [
            extendedCapabilityHeader,
            RegisterSpec(
                0x04, width: 2, "ATS Capability",
                fields: [
                    depth,
                    RegisterField(
                        5, "Page Aligned Request", .readOnly, "Translation requests use page-aligned addresses"),
                    RegisterField(6, "Global Invalidate Supported", .readOnly, "Handles invalidations for all PASIDs"),
                    RegisterField(
                        7, "Relaxed Ordering Supported", .readOnly, "May use relaxed ordering for translations"),
                    .reserved(8...15),
                ]),
            RegisterSpec(
                0x06, width: 2, "ATS Control",
                fields: [
                    unit,
                    .reserved(5...14),
                    RegisterField(15, "Enable", .readWrite, "The function may request and cache translations"),
                ]),
        ]
    }

    private static let atsRegisters = atsTable(isVirtualFunction: false)
    private static let atsVirtualFunctionRegisters = atsTable(isVirtualFunction: true)

    /// PRI (VFs must not implement it; a VF shares its PF's).
    fileprivate static let pageRequestRegisters: [RegisterSpec] = [
        extendedCapabilityHeader,
        RegisterSpec(
            0x04, width: 2, "Page Request Control",
            fields: [
                RegisterField(0, "Enable", .readWrite, "The function may issue page requests"),
                RegisterField(
                    1, "Reset", .writeOnlyReadsZero, "Write 1 (with Enable clear) to drop outstanding requests"),
                .reserved(2...15),
            ]),
        RegisterSpec(
            0x06, width: 2, "Page Request Status",
            fields: [
                RegisterField(0, "Response Failure", .writeOneToClear, "A page request response reported failure"),
                RegisterField(
                    1, "Unexpected Page Request Group Index", .writeOneToClear, "A response named an unknown group"),
                .reserved(2...7, .reservedZero),
                RegisterField(
                    8, "Stopped", .readOnly, "No page requests are outstanding (valid while Enable is clear)"),
                .reserved(9...14, .reservedZero),
                RegisterField(
                    15, "PRG Response PASID Required", .readOnly, "Responses must carry a PASID when the request did"),
            ]),
        whole(
            0x08, width: 4, "Outstanding Page Request Capacity", .readOnly,
            "Most page requests the function can have outstanding", .number),
        whole(
            0x0C, width: 4, "Outstanding Page Request Allocation", .readWrite,
            "Most page requests software lets the function have outstanding", .number),
    ]

    /// PASID (VFs must not implement it; the PF's configuration is shared by its VFs).
    fileprivate static let processAddressSpaceIDRegisters: [RegisterSpec] = [
        extendedCapabilityHeader,
        RegisterSpec(
            0x04, width: 2, "PASID Capability",
            fields: [
                .reserved(0),
                RegisterField(1, "Execute Permission Supported", .readOnly, "Can request execute permission"),
                RegisterField(2, "Privileged Mode Supported", .readOnly, "Can issue privileged-mode requests"),
                .reserved(3...7),
                RegisterField(
                    8...12, "Max PASID Width", .readOnly, "PASID bits supported (0-20; PASIDs 0 to 2^width - 1)",
                    .number),
                .reserved(13...15),
            ]),
        RegisterSpec(
            0x06, width: 2, "PASID Control",
            fields: [
                RegisterField(0, "PASID Enable", .readWrite, "Requests may carry a PASID prefix"),
                RegisterField(1, "Execute Permission Enable", .readWrite, "Requests may ask for execute permission"),
                RegisterField(2, "Privileged Mode Enable", .readWrite, "Requests may be marked privileged"),
                .reserved(3...15),
            ]),
    ]
}
