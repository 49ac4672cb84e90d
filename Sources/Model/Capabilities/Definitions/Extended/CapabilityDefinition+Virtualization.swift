// Single Root I/O Virtualization (extended capability 0x0010), PCIe r6.0 §9.3.3 (SR-IOV 1.1
// §3.3), and Multi-Root I/O Virtualization (0x0011, MR-IOV 1.0, whose layout is not public).
// Offsets from Linux pci_regs.h (PCI_SRIOV_*) and pciutils (PCI_IOV_*). The routing ID of VF n
// is PF RID + First VF Offset + (n - 1) x VF Stride (§9.3.3.9-9.3.3.10).

extension ExtendedCapabilityID {
    public static let singleRootIOV = ExtendedCapabilityID(0x0010)
    public static let multiRootIOV = ExtendedCapabilityID(0x0011)
}

extension CapabilityDefinition {
    static let virtualizationFamily = [singleRootIOV, multiRootIOV]

    static let singleRootIOV = CapabilityDefinition(
        .extended(.singleRootIOV), "Single Root I/O Virtualization", abbreviation: "SR-IOV", setpci: "ECAP_SRIOV",
        reference: .pcie("9.3.3"), length: .fixed(0x40),
        registers: .computed { input, _ in RegisterCatalog.singleRootIOVRegisters(input.reader) },
        sections: [
            "Extended Capability Header": "9.3.3.1", "SR-IOV Capabilities": "9.3.3.2", "SR-IOV Control": "9.3.3.3",
            "SR-IOV Status": "9.3.3.4",
            "InitialVFs": "9.3.3.5", "TotalVFs": "9.3.3.6", "NumVFs": "9.3.3.7", "Function Dependency Link": "9.3.3.8",
            "First VF Offset": "9.3.3.9", "VF Stride": "9.3.3.10", "VF Device ID": "9.3.3.11",
            "Supported Page Sizes": "9.3.3.12", "System Page Size": "9.3.3.13", "VF BAR": "9.3.3.14",
            "VF Migration State Array Offset": "9.3.3.15",
        ],
        derivedValues: { input in RegisterCatalog.singleRootIOVValues(input.reader, context: input.context) },
        writeRules: { builder, base in builder.applySRIOV(at: base) })

    static let multiRootIOV = CapabilityDefinition(
        .extended(.multiRootIOV), "Multi-Root I/O Virtualization", abbreviation: "MR-IOV", setpci: "ECAP_MRIOV",
        reference: SpecReference("MR-IOV 1.0"), length: .unknown("the MR-IOV 1.0 layout is not public"),
        registers: .notPublic("the MR-IOV 1.0 layout is not public"))
}

extension AccessMapBuilder {
    /// SR-IOV (SR-IOV 1.1 §3.3.3-3.3.14): control bits only when supported, NumVFs and VF
    /// Enable hooks, System Page Size limited to supported sizes, VF BARs by size.
    fileprivate mutating func applySRIOV(at base: Int) {
        let capabilities = dword(base + 4)
        // VF Migration Enable and Interrupt Enable need VF Migration Capable (bit 0); VF
        // 10-Bit Tag Requester Enable needs its Supported bit (bit 2).
        if capabilities & 0x1 == 0 { removeTake(base + 8, 0x06) }
        if capabilities & 0x4 == 0 { removeTake(base + 8, 0x20) }
        addHook(.sriovControl(capability: base), at: base + 8, count: 2)
        addHook(.sriovNumVFs(capability: base), at: base + 0x10, count: 2)
        let supported = dword(base + 0x1C)
        setTake(base + 0x20, count: 4, UInt64(supported))
        addHook(.sriovSystemPageSize(capability: base), at: base + 0x20, count: 4)
        applyBARs(count: 6, base: base + 0x24, sizes: barSizes, slot: BARSlot.virtualFunctionBAR)
    }
}

extension RegisterCatalog {
    /// SR-IOV: capability, control, status, the VF counts and routing, page sizes, the six VF
    /// BARs (64-bit pairs read from the space) and the migration state array pointer.
    fileprivate static func singleRootIOVRegisters(_ reader: FieldReader) -> [RegisterSpec] {
        var registers = sriovFixedRegisters
        var index = 0
        while index < 6 {
            let offset = 0x24 + 4 * index
            let value = reader.dword(offset) ?? 0
            registers.append(
                RegisterSpec(
                    offset, width: 4, "VF BAR\(index)",
                    fields: [
                        RegisterField(0, "Memory Space Indicator", .readOnly, "0: VF BARs map memory only"),
                        RegisterField(
                            1...2, "Type", .readOnly, "Decoder width of every VF's copy of this BAR",
                            .values([FieldValueName(0, "32-bit"), FieldValueName(2, "64-bit")])),
                        RegisterField(3, "Prefetchable", .readOnly, "The VF BAR's memory is prefetchable"),
                        RegisterField(
                            4...31, "Base Address", .readWrite,
                            "Base of the VF BAR range (VF n's BAR is base + (n - 1) x size)", .address),
                    ]))
            if (value >> 1) & 3 == 2 && index < 5 {
                registers.append(
                    whole(
                        offset + 4, width: 4, "VF BAR\(index + 1) (upper half of VF BAR\(index))", .readWrite,
                        "Bits 63:32 of VF BAR\(index)'s base", .number))
                index += 2
            } else {
                index += 1
            }
        }
        registers.append(
            RegisterSpec(
                0x3C, width: 4, "VF Migration State Array Offset",
                fields: [
                    RegisterField(
                        0...2, "VF Migration State BIR", .readOnly, "BAR that holds the migration state array",
                        .number),
                    RegisterField(
                        3...31, "VF Migration State Offset", .readOnly, "Offset of the array within that BAR",
                        .address),
                ]))
        return registers
    }

    /// Derived SR-IOV values: offsets, the VF Device ID, the VF count, every VF's routing ID,
    /// the system page size and the VF BAR bases.
    fileprivate static func singleRootIOVValues(_ reader: FieldReader, context: FunctionContext) -> [DerivedValue] {
        guard let totalVFs = reader.word(0x0E), let numVFs = reader.word(0x10), let firstOffset = reader.word(0x14),
            let stride = reader.word(0x16)
        else { return [] }
        var values = [
            DerivedValue("First VF Offset", .routingIDOffset(Int(firstOffset))),
            DerivedValue("VF Stride", .routingIDOffset(Int(stride))),
        ]
        if let deviceID = reader.word(0x1A) { values.append(DerivedValue("VF Device ID", .number(UInt64(deviceID)))) }
        values.append(DerivedValue("NumVFs", .count(UInt64(numVFs))))
        values += virtualFunctionAddresses(
            pf: context.address, firstOffset: Int(firstOffset), stride: Int(stride), numVFs: Int(numVFs),
            totalVFs: Int(totalVFs))
        if let pageSize = reader.dword(0x20), pageSize != 0 {
            values.append(
                DerivedValue("System page size", .bytes(UInt64(1) << UInt64(pageSize.trailingZeroBitCount + 12))))
        }
        values += virtualFunctionBARValues(reader)
        return values
    }

    /// Routing IDs of the VFs: of VF 1...NumVFs, or, when NumVFs is 0, of the TotalVFs VFs the
    /// PF would create (named as would-be VFs, since the offset and stride can change with
    /// NumVFs). Stops at the first routing ID past 16 bits; empty without the PF's address.
    static func virtualFunctionAddresses(
        pf: PCIAddress?, firstOffset: Int, stride: Int, numVFs: Int, totalVFs: Int
    ) -> [DerivedValue] {
        let isEnabled = numVFs > 0
        let count = isEnabled ? numVFs : totalVFs
        guard let pf, count > 0 else { return [] }
        var values = [DerivedValue]()
        values.reserveCapacity(min(count, 256))
        for number in 1...count {
            let routingID = pf.routingID + firstOffset + (number - 1) * stride
            guard let address = PCIAddress(domain: pf.domain, routingID: routingID) else { break }
            let name = isEnabled ? "VF \(number)" : "Would-be VF \(number) (NumVFs is 0; from TotalVFs)"
            values.append(DerivedValue(name, .function(address)))
        }
        return values
    }

    private static func virtualFunctionBARValues(_ reader: FieldReader) -> [DerivedValue] {
        var values = [DerivedValue]()
        var index = 0
        while index < 6, let value = reader.dword(0x24 + 4 * index) {
            defer { index += 1 }
            guard value != 0 else {
                values.append(DerivedValue("VF BAR\(index)", .notImplemented))
                continue
            }
            let prefetchable = value & 8 != 0
            if (value >> 1) & 3 == 2, index < 5, let upper = reader.dword(0x28 + 4 * index) {
                let address = UInt64(upper) << 32 | UInt64(value & ~0xF)
                values.append(
                    DerivedValue("VF BAR\(index)", .bar(address: address, kind: .memory64(prefetchable: prefetchable))))
                index += 1
            } else {
                values.append(
                    DerivedValue(
                        "VF BAR\(index)",
                        .bar(address: UInt64(value & ~0xF), kind: .memory32(prefetchable: prefetchable))))
            }
        }
        return values
    }

    private static let sriovFixedRegisters: [RegisterSpec] = [
        extendedCapabilityHeader,
        RegisterSpec(
            0x04, width: 4, "SR-IOV Capabilities",
            fields: [
                RegisterField(0, "VF Migration Capable", .readOnly, "The PF supports VF migration (MR-IOV)"),
                RegisterField(
                    1, "ARI Capable Hierarchy Preserved", .readOnly,
                    "ARI Capable Hierarchy survives power-state changes (lowest PF only)"),
                RegisterField(2, "VF 10-Bit Tag Requester Supported", .readOnly, "VFs can use 10-bit tags"),
                .reserved(3...20),
                RegisterField(
                    21...31, "VF Migration Interrupt Message Number", .readOnly,
                    "MSI/MSI-X vector for VF migration interrupts", .number),
            ]),
        RegisterSpec(
            0x08, width: 2, "SR-IOV Control",
            fields: [
                RegisterField(0, "VF Enable", .readWrite, "Create the NumVFs virtual functions"),
                RegisterField(1, "VF Migration Enable", .readWrite, "Allow VF migration"),
                RegisterField(
                    2, "VF Migration Interrupt Enable", .readWrite, "Interrupt on VF migration state changes"),
                RegisterField(3, "VF MSE", .readWrite, "Memory space enable for all VF BARs"),
                RegisterField(
                    4, "ARI Capable Hierarchy", .readWrite,
                    "Lay out VF routing IDs for ARI (lowest PF only; RO 0 elsewhere)"),
                RegisterField(5, "VF 10-Bit Tag Requester Enable", .readWrite, "VFs may use 10-bit tags"),
                .reserved(6...15),
            ]),
        RegisterSpec(
            0x0A, width: 2, "SR-IOV Status",
            fields: [
                RegisterField(0, "VF Migration Status", .writeOneToClear, "A VF migration request is pending"),
                .reserved(1...15, .reservedZero),
            ]),
        whole(0x0C, width: 2, "InitialVFs", .hardwareInit, "VFs initially associated with the PF", .number),
        whole(0x0E, width: 2, "TotalVFs", .hardwareInit, "Most VFs the PF can create", .number),
        whole(
            0x10, width: 2, "NumVFs", .readWrite, "VFs to create when VF Enable is set (change only while 0)", .number),
        whole(
            0x12, width: 1, "Function Dependency Link", .readOnly, "Function number of the PF this PF depends on",
            .number),
        reservedRegister(0x13, width: 1),
        whole(
            0x14, width: 2, "First VF Offset", .readOnly, "Routing-ID offset of VF 1 from the PF (varies with NumVFs)",
            .routingIDOffset),
        whole(0x16, width: 2, "VF Stride", .readOnly, "Routing-ID distance between consecutive VFs", .routingIDOffset),
        reservedRegister(0x18, width: 2),
        whole(0x1A, width: 2, "VF Device ID", .readOnly, "Device ID the VFs report (their own header reads FFFFh)"),
        RegisterSpec(
            0x1C, width: 4, "Supported Page Sizes",
            fields: flagFields(0...31, .readOnly, name: { "\(sizeName(exponent: $0 + 12)) Pages" }) {
                "VF BARs can be aligned to \(sizeName(exponent: $0 + 12)) pages"
            }),
        RegisterSpec(
            0x20, width: 4, "System Page Size",
            fields: flagFields(0...31, .readWrite, name: { "\(sizeName(exponent: $0 + 12)) Pages" }) {
                "Align VF BARs to \(sizeName(exponent: $0 + 12)) (set exactly one supported bit)"
            }),
    ]
}
