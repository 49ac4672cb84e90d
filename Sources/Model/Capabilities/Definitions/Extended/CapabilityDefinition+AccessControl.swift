// Access Control Services (0x000D, PCIe r6.0 §7.7.11), Alternative Routing-ID Interpretation
// (0x000E, §7.8.8) and Multicast (0x0012, §7.9.11). Bits from Linux pci_regs.h (PCI_ACS_*,
// PCI_ARI_*) and pciutils lib/header.h (PCI_MCAST_*).

extension ExtendedCapabilityID {
    public static let accessControlServices = ExtendedCapabilityID(0x000D)
    public static let alternativeRoutingID = ExtendedCapabilityID(0x000E)
    public static let multicast = ExtendedCapabilityID(0x0012)
}

extension CapabilityDefinition {
    static let accessControlFamily = [accessControlServices, alternativeRoutingID, multicast]

    static let accessControlServices = CapabilityDefinition(
        .extended(.accessControlServices), "Access Control Services", abbreviation: "ACS", setpci: "ECAP_ACS",
        reference: .pcie("7.7.11"),
        length: .computed("8, plus the egress control vector when P2P Egress Control is supported") { input in
            let reader = input.reader
            guard let capability = reader.word(4) else { return reader.unreadable(4) }
            guard capability & 0x20 != 0 else { return .computed(8) }
            let bits = capability >> 8 == 0 ? 256 : Int(capability >> 8)
            return .computed(8 + (bits + 31) / 32 * 4)
        },
        registers: .computed { input, length in
            RegisterCatalog.accessControlServicesRegisters(input.reader, length: length)
        },
        sections: [
            "Extended Capability Header": "7.7.11.1", "ACS Capability": "7.7.11.2", "ACS Control": "7.7.11.3",
            "Egress Control Vector": "7.7.11.4",
        ])

    static let alternativeRoutingID = CapabilityDefinition(
        .extended(.alternativeRoutingID), "Alternative Routing-ID Interpretation", abbreviation: "ARI",
        setpci: "ECAP_ARI", reference: .pcie("7.8.8"), length: .fixed(8),
        registers: .fixed(RegisterCatalog.alternativeRoutingIDRegisters),
        sections: ["Extended Capability Header": "7.8.8.1", "ARI Capability": "7.8.8.2", "ARI Control": "7.8.8.3"],
        writeRules: { builder, base in
            // ARI Control (§7.8.8.3): the Function Group enables need their Capable bits; the
            // Function Group number needs one of them.
            let capable = builder.byte(base + 4) & 0x03
            builder.removeTake(base + 6, 0x03 & ~capable)
            if capable == 0 { builder.removeTake(base + 6, 0x70) }
        })

    static let multicast = CapabilityDefinition(
        .extended(.multicast), "Multicast", abbreviation: "MCast", setpci: "ECAP_MCAST", reference: .pcie("7.9.11"),
        length: .computed("0x28 for endpoints, 0x30 for ports (Overlay BAR)") { input in
            guard let express = input.context.express else { return .computed(0x28) }
            let isPort = express.portType.isDownstreamFacing || express.portType == .upstreamPort
            return .computed(isPort ? 0x30 : 0x28)
        },
        registers: .computed { _, length in RegisterCatalog.multicastRegisters(length: length) },
        sections: [
            "Extended Capability Header": "7.9.11.1", "Multicast Capability": "7.9.11.2",
            "Multicast Control": "7.9.11.3",
            "MC_Base_Address": "7.9.11.4", "MC_Receive": "7.9.11.5", "MC_Block_All": "7.9.11.6",
            "MC_Block_Untranslated": "7.9.11.7", "MC_Overlay_BAR": "7.9.11.8",
        ])
}

extension RegisterCatalog {
    /// ACS: the capability, the control register (an enable is writable only when its
    /// capability bit is set) and the Egress Control Vector when P2P Egress Control is supported.
    fileprivate static func accessControlServicesRegisters(_ reader: FieldReader, length: Int?) -> [RegisterSpec] {
        let capability = reader.word(4) ?? 0
        func enable(_ bit: Int, _ name: String, _ meaning: String) -> RegisterField {
            capability & (1 << bit) != 0
                ? RegisterField(bit, name, .readWrite, meaning)
                : RegisterField(bit, name, .readOnly, meaning + " (not supported: hardwired 0)")
        }
        let enhanced = capability & 0x80 != 0
        let enhancedAccess: RegisterAccess = enhanced ? .readWrite : .reservedPreserve
        var registers = [
            extendedCapabilityHeader,
            RegisterSpec(
                0x04, width: 2, "ACS Capability",
                fields: [
                    RegisterField(0, "ACS Source Validation", .readOnly, "Checks the bus number of upstream requests"),
                    RegisterField(1, "ACS Translation Blocking", .readOnly, "Can block upstream translated requests"),
                    RegisterField(
                        2, "ACS P2P Request Redirect", .readOnly, "Can redirect peer-to-peer requests upstream"),
                    RegisterField(
                        3, "ACS P2P Completion Redirect", .readOnly, "Can redirect peer-to-peer completions upstream"),
                    RegisterField(4, "ACS Upstream Forwarding", .readOnly, "Forwards redirected traffic upstream"),
                    RegisterField(5, "ACS P2P Egress Control", .readOnly, "Has a per-port egress control vector"),
                    RegisterField(6, "ACS Direct Translated P2P", .readOnly, "Lets translated P2P requests go direct"),
                    RegisterField(
                        7, "ACS Enhanced Capability", .readOnly, "Supports the enhanced ACS controls (bits 7-12)"),
                    RegisterField(
                        8...15, "Egress Control Vector Size", .hardwareInit, "Bits in the egress vector (0 means 256)",
                        .number),
                ]),
            RegisterSpec(
                0x06, width: 2, "ACS Control",
                fields: [
                    enable(0, "ACS Source Validation Enable", "Validate the bus number of upstream requests"),
                    enable(1, "ACS Translation Blocking Enable", "Block upstream requests with a non-default AT field"),
                    enable(2, "ACS P2P Request Redirect Enable", "Redirect peer-to-peer requests upstream"),
                    enable(3, "ACS P2P Completion Redirect Enable", "Redirect peer-to-peer completions upstream"),
                    enable(4, "ACS Upstream Forwarding Enable", "Forward redirected traffic upstream"),
                    enable(5, "ACS P2P Egress Control Enable", "Apply the egress control vector"),
                    enable(6, "ACS Direct Translated P2P Enable", "Let translated P2P requests bypass redirect"),
                    RegisterField(
                        7, "ACS I/O Request Blocking Enable", enhancedAccess,
                        "Treat upstream I/O requests as violations"),
                    RegisterField(
                        8...9, "ACS DSP Memory Target Access Control", enhancedAccess,
                        "Handling of requests aimed at downstream port BARs",
                        .values([
                            FieldValueName(0, "direct"), FieldValueName(1, "blocked"), FieldValueName(2, "redirected"),
                        ])),
                    RegisterField(
                        10...11, "ACS USP Memory Target Access Control", enhancedAccess,
                        "Handling of requests aimed at the upstream port's BARs",
                        .values([
                            FieldValueName(0, "direct"), FieldValueName(1, "blocked"), FieldValueName(2, "redirected"),
                        ])),
                    RegisterField(
                        12, "ACS Unclaimed Request Redirect Control", enhancedAccess,
                        "Forward unclaimed requests upstream instead of UR"),
                    .reserved(13...15),
                ]),
        ]
        if capability & 0x20 != 0 {
            let bits = capability >> 8 == 0 ? 256 : Int(capability >> 8)
            for index in 0..<((bits + 31) / 32) {
                let first = 32 * index
                let used = min(32, bits - first)
                var fields = [
                    RegisterField(
                        0...(used - 1), "Egress Control Vector", .readWriteSticky,
                        "Bit n blocks or redirects P2P requests to port/function \(first) + n", .number)
                ]
                if used < 32 { fields.append(.reserved(used...31)) }
                registers.append(
                    RegisterSpec(
                        0x08 + 4 * index, width: 4, "Egress Control Vector [\(first + 31):\(first)]", fields: fields))
            }
        }
        return finished(registers, length: length)
    }

    fileprivate static let alternativeRoutingIDRegisters: [RegisterSpec] = [
        extendedCapabilityHeader,
        RegisterSpec(
            0x04, width: 2, "ARI Capability",
            fields: [
                RegisterField(0, "MFVC Function Groups Capability", .readOnly, "Supports function groups for MFVC"),
                RegisterField(1, "ACS Function Groups Capability", .readOnly, "Supports function groups for ACS"),
                .reserved(2...7),
                RegisterField(
                    8...15, "Next Function Number", .readOnly, "Function number of the next function (0: last)",
                    .number),
            ]),
        RegisterSpec(
            0x06, width: 2, "ARI Control",
            fields: [
                RegisterField(0, "MFVC Function Groups Enable", .readWrite, "Arbitrate MFVC by function group"),
                RegisterField(1, "ACS Function Groups Enable", .readWrite, "Apply ACS by function group"),
                .reserved(2...3),
                RegisterField(4...6, "Function Group", .readWrite, "Function group this function belongs to", .number),
                .reserved(7...15),
            ]),
    ]

    /// Multicast: endpoints stop at MC_Block_Untranslated (0x28); ports add the Overlay BAR.
    fileprivate static func multicastRegisters(length: Int?) -> [RegisterSpec] {
        (length ?? 0x28) >= 0x30 ? multicastPortRegisters : multicastEndpointRegisters
    }

    private static let multicastEndpointRegisters: [RegisterSpec] = [
        extendedCapabilityHeader,
        RegisterSpec(
            0x04, width: 2, "Multicast Capability",
            fields: [
                RegisterField(0...5, "MC_Max_Group", .readOnly, "Multicast groups supported", .countMinusOne),
                .reserved(6...7),
                RegisterField(
                    8...13, "MC_Window_Size_Requested", .readOnly, "Log2 of the window size an endpoint asks for",
                    .bytesPowerOfTwo(exponentOffset: 0)),
                .reserved(14),
                RegisterField(
                    15, "MC_ECRC_Regeneration_Supported", .readOnly, "Port can regenerate ECRC for multicast"),
            ]),
        RegisterSpec(
            0x06, width: 2, "Multicast Control",
            fields: [
                RegisterField(0...5, "MC_Num_Group", .readWrite, "Multicast groups enabled", .countMinusOne),
                .reserved(6...14),
                RegisterField(15, "MC_Enable", .readWrite, "Multicast is enabled"),
            ]),
        RegisterSpec(
            0x08, width: 8, "MC_Base_Address",
            fields: [
                RegisterField(
                    0...5, "MC_Index_Position", .readWrite, "Address bit where the multicast group number starts",
                    .number),
                .reserved(6...11),
                RegisterField(12...63, "MC_Base_Address", .readWrite, "Base of the multicast address range", .address),
            ]),
        whole(0x10, width: 8, "MC_Receive", .readWrite, "Groups this function receives (bit n = group n)"),
        whole(0x18, width: 8, "MC_Block_All", .readWrite, "Groups whose multicast TLPs are blocked"),
        whole(0x20, width: 8, "MC_Block_Untranslated", .readWrite, "Groups whose untranslated TLPs are blocked"),
    ]

    private static let multicastPortRegisters: [RegisterSpec] =
        multicastEndpointRegisters + [
            RegisterSpec(
                0x28, width: 8, "MC_Overlay_BAR",
                fields: [
                    RegisterField(
                        0...5, "MC_Overlay_Size", .readWrite, "Log2 of the overlay size (below 6: overlay disabled)",
                        .number),
                    RegisterField(
                        6...63, "MC_Overlay_BAR", .readWrite, "Address multicast TLPs are redirected to", .address),
                ])
        ]
}
