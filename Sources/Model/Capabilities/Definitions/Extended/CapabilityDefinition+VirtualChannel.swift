// Virtual Channel (0x0002, and 0x0009 when an MFVC capability is present) and Multi-Function
// Virtual Channel (0x0008), PCIe r6.0 §7.9.1-7.9.2. Offsets and masks from Linux pci_regs.h
// (PCI_VC_PORT_CAP1/2, PCI_VC_RES_CAP/CTRL/STATUS, 0x10 + 0x0C per resource); arbitration tables
// are placed by the 8-bit offsets in bits 31:24 (16-byte units, as the length rule reads them).

extension ExtendedCapabilityID {
    public static let virtualChannel = ExtendedCapabilityID(0x0002)
    public static let multiFunctionVirtualChannel = ExtendedCapabilityID(0x0008)
    public static let virtualChannel9 = ExtendedCapabilityID(0x0009)
}

extension CapabilityDefinition {
    static let virtualChannelFamily = [virtualChannel, multiFunctionVirtualChannel, virtualChannel9]

    static let virtualChannel = virtualChannel(
        .virtualChannel, "Virtual Channel", abbreviation: "VC", setpci: "ECAP_VC", isMultiFunction: false)

    static let multiFunctionVirtualChannel = virtualChannel(
        .multiFunctionVirtualChannel, "Multi-Function Virtual Channel", abbreviation: "MFVC", setpci: "ECAP_MFVC",
        isMultiFunction: true)

    /// The VC structure under the ID used when an MFVC capability is present (§7.9.1).
    static let virtualChannel9 = virtualChannel(
        .virtualChannel9, "Virtual Channel (MFVC present)", abbreviation: "VC9", setpci: "ECAP_VC2",
        isMultiFunction: false)

    /// VC (§7.9.1) and MFVC (§7.9.2) share their layout and their subsections' numbering; MFVC's
    /// per-resource tables arbitrate between functions, VC's between ports.
    private static func virtualChannel(
        _ id: ExtendedCapabilityID, _ name: String, abbreviation: String, setpci: String, isMultiFunction: Bool
    ) -> CapabilityDefinition {
        let section = isMultiFunction ? "7.9.2" : "7.9.1"
        return CapabilityDefinition(
            .extended(id), name, abbreviation: abbreviation, setpci: setpci, reference: .pcie(section),
            length: vcLength,
            registers: .computed { input, length in
                RegisterCatalog.virtualChannelRegisters(input.reader, length: length, isMultiFunction: isMultiFunction)
            },
            sections: [
                "Extended Capability Header": section + ".1", "Port VC Capability 1": section + ".2",
                "Port VC Capability 2": section + ".3", "Port VC Control": section + ".4",
                "Port VC Status": section + ".5", "VC# Resource Capability": section + ".6",
                "VC# Resource Control": section + ".7", "VC# Resource Status": section + ".8",
                "VC Arbitration Table": section + ".9",
                (isMultiFunction ? "VC# Function Arbitration Table" : "VC# Port Arbitration Table"): section + ".10",
            ])
    }

    private static let vcLength = LengthRule.computed(
        "0x10 + 0x0C per VC resource, plus the arbitration tables", virtualChannelLength)

    // VC / MFVC (PCIe §7.9.1-7.9.2): 0x10 + 0x0C per VC resource (Extended VC Count + 1), plus
    // the VC Arbitration Table (Port VC Capability 2 bits 31:24, in 16-byte units) and each
    // resource's Port (or Function) Arbitration Table (resource capability bits 31:24).
    private static func virtualChannelLength(_ input: CapabilityInput) -> CapabilityLength {
        let reader = input.reader
        guard let capability1 = reader.dword(4) else { return reader.unreadable(4) }
        guard let capability2 = reader.dword(8) else { return reader.unreadable(8) }
        let resources = Int(capability1 & 7) + 1
        var end = 0x10 + 0x0C * resources
        let vcTableOffset = Int(capability2 >> 24) * 16
        if vcTableOffset != 0 {
            end = max(end, vcTableOffset + VirtualChannelArbitration.vcPhases(capability2) * 4 / 8)
        }
        // Port Arbitration Table Entry Size (bits 11:10): 1, 2, 4 or 8 bits per phase.
        let entryBits = 1 << Int((capability1 >> 10) & 3)
        for resource in 0..<resources {
            guard let resourceCapability = reader.dword(0x10 + 0x0C * resource) else { break }
            let tableOffset = Int(resourceCapability >> 24) * 16
            guard tableOffset != 0 else { continue }
            let phases = VirtualChannelArbitration.portPhases(resourceCapability)
            end = max(end, tableOffset + (phases * entryBits + 7) / 8)
        }
        return .computed(end)
    }
}

extension RegisterCatalog {
    /// VC or MFVC: port registers, one capability/control/status triple per VC resource
    /// (Extended VC Count + 1), and the arbitration tables as opaque blocks.
    fileprivate static func virtualChannelRegisters(_ reader: FieldReader, length: Int?, isMultiFunction: Bool)
        -> [RegisterSpec]
    {
        let arbitrated = isMultiFunction ? "Function" : "Port"
        var registers = isMultiFunction ? mfvcPortRegisters : vcPortRegisters
        guard let capability1 = reader.dword(4) else { return finished(registers, length: length) }
        let resources = Int(capability1 & 7) + 1
        let entryBits = 1 << Int((capability1 >> 10) & 3)
        if let capability2 = reader.dword(8), capability2 >> 24 != 0 {
            let phases = VirtualChannelArbitration.vcPhases(capability2)
            if phases > 0 {
                registers.append(
                    opaque(Int(capability2 >> 24) * 16, width: phases * 4 / 8, "VC Arbitration Table", .undocumented))
            }
        }
        for resource in 0..<resources {
            let offset = 0x10 + 0x0C * resource
            let template = isMultiFunction ? mfvcResourceRegisters : vcResourceRegisters
            for register in template {
                registers.append(register.moved(by: offset, name: "VC\(resource) " + register.name))
            }
            if let resourceCapability = reader.dword(offset), resourceCapability >> 24 != 0 {
                let phases = VirtualChannelArbitration.portPhases(resourceCapability)
                if phases > 0 {
                    registers.append(
                        opaque(
                            Int(resourceCapability >> 24) * 16, width: (phases * entryBits + 7) / 8,
                            "VC\(resource) \(arbitrated) Arbitration Table", .undocumented))
                }
            }
        }
        return finished(registers, length: length)
    }

    // MARK: - Port registers

    private static func portRegisters(arbitrated: String) -> [RegisterSpec] {
        [
            extendedCapabilityHeader,
            RegisterSpec(
                0x04, width: 4, "Port VC Capability 1",
                fields: [
                    RegisterField(0...2, "Extended VC Count", .readOnly, "VCs supported besides VC0", .number),
                    .reserved(3),
                    RegisterField(
                        4...6, "Low Priority Extended VC Count", .readOnly,
                        "Extended VCs in the low-priority arbitration group", .number),
                    .reserved(7),
                    RegisterField(
                        8...9, "Reference Clock", .readOnly, "Time unit of time-based arbitration",
                        .values([FieldValueName(0, "100 ns")])),
                    RegisterField(
                        10...11, "\(arbitrated) Arbitration Table Entry Size", .readOnly,
                        "Bits per arbitration table entry",
                        .values([
                            FieldValueName(0, "1 bit"), FieldValueName(1, "2 bits"), FieldValueName(2, "4 bits"),
                            FieldValueName(3, "8 bits"),
                        ])),
                    .reserved(12...31),
                ]),
            RegisterSpec(
                0x08, width: 4, "Port VC Capability 2",
                fields: [
                    RegisterField(0, "Hardware Fixed Arbitration", .readOnly, "VC arbitration: fixed scheme supported"),
                    RegisterField(1, "WRR 32 Phases", .readOnly, "VC arbitration: weighted round robin, 32 phases"),
                    RegisterField(2, "WRR 64 Phases", .readOnly, "VC arbitration: weighted round robin, 64 phases"),
                    RegisterField(3, "WRR 128 Phases", .readOnly, "VC arbitration: weighted round robin, 128 phases"),
                    RegisterField(4...7, "Reserved Arbitration Schemes", .readOnly, "Reserved scheme bits", .number),
                    .reserved(8...23),
                    RegisterField(
                        24...31, "VC Arbitration Table Offset", .readOnly,
                        "Where the VC arbitration table starts, in 16-byte units from the header (0: none)", .number),
                ]),
            RegisterSpec(
                0x0C, width: 2, "Port VC Control",
                fields: [
                    RegisterField(
                        0, "Load VC Arbitration Table", .writeOnlyReadsZero,
                        "Write 1 to apply the VC arbitration table"),
                    RegisterField(
                        1...3, "VC Arbitration Select", .readWrite, "VC arbitration scheme in use",
                        .values([
                            FieldValueName(0, "hardware fixed"), FieldValueName(1, "WRR 32"),
                            FieldValueName(2, "WRR 64"), FieldValueName(3, "WRR 128"),
                        ])),
                    .reserved(4...15),
                ]),
            RegisterSpec(
                0x0E, width: 2, "Port VC Status",
                fields: [
                    RegisterField(0, "VC Arbitration Table Status", .readOnly, "A table load is still in progress"),
                    .reserved(1...15, .reservedZero),
                ]),
        ]
    }

    private static let vcPortRegisters = portRegisters(arbitrated: "Port")
    private static let mfvcPortRegisters = portRegisters(arbitrated: "Function")

    // MARK: - VC resources (offsets relative to the resource)

    private static func resourceRegisters(arbitrated: String, isMultiFunction: Bool) -> [RegisterSpec] {
        var capabilityFields = [
            RegisterField(0, "Hardware Fixed Arbitration", .readOnly, "\(arbitrated) arbitration: fixed scheme"),
            RegisterField(1, "WRR 32 Phases", .readOnly, "\(arbitrated) arbitration: WRR with 32 phases"),
            RegisterField(2, "WRR 64 Phases", .readOnly, "\(arbitrated) arbitration: WRR with 64 phases"),
            RegisterField(3, "WRR 128 Phases", .readOnly, "\(arbitrated) arbitration: WRR with 128 phases"),
            RegisterField(4, "Time-Based WRR 128 Phases", .readOnly, "\(arbitrated) arbitration: time-based WRR"),
            RegisterField(5, "WRR 256 Phases", .readOnly, "\(arbitrated) arbitration: WRR with 256 phases"),
            RegisterField(6...7, "Reserved Arbitration Schemes", .readOnly, "Reserved scheme bits", .number),
        ]
        if isMultiFunction {
            capabilityFields.append(.reserved(8...15))
        } else {
            capabilityFields += [
                .reserved(8...13),
                RegisterField(14, "Undefined", .readOnly, "Was Advanced Packet Switching; ignore"),
                RegisterField(
                    15, "Reject Snoop Transactions", .hardwareInit, "Snooped requests are rejected on this VC"),
            ]
        }
        capabilityFields += [
            RegisterField(
                16...22, "Maximum Time Slots", .hardwareInit, "Time slots for time-based arbitration",
                .countMinusOne),
            .reserved(23),
            RegisterField(
                24...31, "\(arbitrated) Arbitration Table Offset", .readOnly,
                "Where this VC's arbitration table starts, in 16-byte units (0: none)", .number),
        ]
        return [
            RegisterSpec(0x00, width: 4, "Resource Capability", fields: capabilityFields),
            RegisterSpec(
                0x04, width: 4, "Resource Control",
                fields: [
                    RegisterField(0...7, "TC/VC Map", .readWrite, "Traffic classes carried on this VC (bit n = TC n)"),
                    .reserved(8...15),
                    RegisterField(
                        16, "Load \(arbitrated) Arbitration Table", .writeOnlyReadsZero,
                        "Write 1 to apply this VC's arbitration table"),
                    RegisterField(
                        17...19, "\(arbitrated) Arbitration Select", .readWrite,
                        "Arbitration scheme (bit number in the capability)", .number),
                    .reserved(20...23),
                    RegisterField(24...26, "VC ID", .readWrite, "Identifier assigned to this VC (0 for VC0)", .number),
                    .reserved(27...30),
                    RegisterField(31, "VC Enable", .readWrite, "The VC is enabled (VC0: always 1)"),
                ]),
            reservedRegister(0x08, width: 2),
            RegisterSpec(
                0x0A, width: 2, "Resource Status",
                fields: [
                    RegisterField(
                        0, "\(arbitrated) Arbitration Table Status", .readOnly, "A table load is still in progress"),
                    RegisterField(1, "VC Negotiation Pending", .readOnly, "The VC's flow-control setup is not done"),
                    .reserved(2...15, .reservedZero),
                ]),
        ]
    }

    private static let vcResourceRegisters = resourceRegisters(arbitrated: "Port", isMultiFunction: false)
    private static let mfvcResourceRegisters = resourceRegisters(arbitrated: "Function", isMultiFunction: true)
}
