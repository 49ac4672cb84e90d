// The predefined configuration header: type 0 (endpoint), type 1 (PCI-to-PCI bridge) and
// type 2 (CardBus bridge). PCIe r6.0 §7.5.1 (PCI Local Bus 3.0 §6.2, PCI-to-PCI Bridge 1.2
// §3.2), the PC Card Standard for CardBus; VF differences from PCIe r6.0 §9.3.4 (SR-IOV 1.1
// §3.4).

extension RegisterCatalog {
    // MARK: - References

    /// Where the header of this layout is defined.
    public static func headerReference(for layout: HeaderLayout) -> SpecReference {
        switch layout {
        case .endpoint: .pcie("7.5.1.2")
        case .bridge: .pcie("7.5.1.3")
        case .cardBus: SpecReference("PC Card Standard (CardBus bridge header)")
        case .reserved: .pcie("7.5.1.1")
        }
    }

    /// The reference for a header register: its subsection of PCIe r6.0 §7.5.1 (the common
    /// registers, then the layout's own), else the layout's.
    public static func headerReference(forRegisterNamed name: String, layout: HeaderLayout) -> SpecReference {
        let sections: RegisterSections
        switch layout {
        case .endpoint: sections = endpointHeaderSections
        case .bridge: sections = bridgeHeaderSections
        case .cardBus, .reserved: sections = commonHeaderSections
        }
        return sections.section(forRegisterNamed: name).map { .pcie($0) } ?? headerReference(for: layout)
    }

    /// Registers every layout shares (§7.5.1.1).
    private static let commonHeaderSections = RegisterSections(commonHeaderSectionEntries)

    private static let commonHeaderSectionEntries = [
        "Vendor ID": "7.5.1.1.1", "Device ID": "7.5.1.1.2", "Command": "7.5.1.1.3", "Status": "7.5.1.1.4",
        "Revision ID": "7.5.1.1.5", "Class Code": "7.5.1.1.6", "Cache Line Size": "7.5.1.1.7",
        "Latency Timer": "7.5.1.1.8", "Header Type": "7.5.1.1.9", "BIST": "7.5.1.1.10",
        "Capabilities Pointer": "7.5.1.1.11", "Interrupt Line": "7.5.1.1.12", "Interrupt Pin": "7.5.1.1.13",
    ]

    /// Type 0 (§7.5.1.2), with the common registers.
    private static let endpointHeaderSections = RegisterSections(
        commonHeaderSectionEntries.merging([
            "BAR#": "7.5.1.2.1", "CardBus CIS Pointer": "7.5.1.2.2", "Subsystem Vendor ID": "7.5.1.2.3",
            "Subsystem ID": "7.5.1.2.3", "Expansion ROM Base Address": "7.5.1.2.4", "Min_Gnt": "7.5.1.2.5",
            "Max_Lat": "7.5.1.2.5",
        ]) { common, _ in common })

    /// Type 1 (§7.5.1.3), with the common registers.
    private static let bridgeHeaderSections = RegisterSections(
        commonHeaderSectionEntries.merging([
            "BAR#": "7.5.1.3.1", "Primary Bus Number": "7.5.1.3.2", "Secondary Bus Number": "7.5.1.3.3",
            "Subordinate Bus Number": "7.5.1.3.4", "Secondary Latency Timer": "7.5.1.3.5", "I/O Base": "7.5.1.3.6",
            "I/O Limit": "7.5.1.3.6", "Secondary Status": "7.5.1.3.7", "Memory Base": "7.5.1.3.8",
            "Memory Limit": "7.5.1.3.8", "Prefetchable Memory Base": "7.5.1.3.9",
            "Prefetchable Memory Limit": "7.5.1.3.9",
            "Prefetchable Base Upper 32 Bits": "7.5.1.3.10", "Prefetchable Limit Upper 32 Bits": "7.5.1.3.10",
            "I/O Base Upper 16 Bits": "7.5.1.3.11", "I/O Limit Upper 16 Bits": "7.5.1.3.11",
            "Expansion ROM Base Address": "7.5.1.3.12", "Bridge Control": "7.5.1.3.13",
        ]) { common, _ in common })

    /// The header's registers for this function, in offset order, covering every header byte.
    public static func headerRegisters(in space: ConfigSpace, context: FunctionContext) -> [RegisterSpec] {
        var registers = commonHeader(context: context)
        switch context.headerLayout {
        case .endpoint:
            registers += barRegisters(count: 6, in: space, context: context)
            registers += endpointTail(context: context)
        case .bridge:
            registers += barRegisters(count: 2, in: space, context: context)
            registers += bridgeTail(context: context)
        case .cardBus:
            registers += cardBusTail
        case .reserved:
            registers.append(
                opaque(0x10, width: 0x30, "Header-type-specific registers (reserved layout)", .undocumented))
        }
        return registers
    }

    /// Values the header encodes across several registers: BAR addresses and bridge windows.
    public static func headerDerivedValues(in space: ConfigSpace, context: FunctionContext) -> [DerivedValue] {
        var values = [DerivedValue]()
        switch context.headerLayout {
        case .endpoint:
            values += barValues(count: 6, in: space)
            if let rom = space.dword(at: 0x30) {
                values.append(
                    DerivedValue("Expansion ROM", rom & ~0x7FF == 0 ? .notImplemented : .address(UInt64(rom & ~0x7FF))))
            }
        case .bridge:
            values += barValues(count: 2, in: space)
            values += bridgeWindows(in: space)
            if let rom = space.dword(at: 0x38) {
                values.append(
                    DerivedValue("Expansion ROM", rom & ~0x7FF == 0 ? .notImplemented : .address(UInt64(rom & ~0x7FF))))
            }
        case .cardBus, .reserved:
            break
        }
        return values
    }

    // MARK: - 0x00-0x0F, all layouts

    private static func commonHeader(context: FunctionContext) -> [RegisterSpec] {
        let isExpress = context.express != nil
        let isVF = context.isVirtualFunction
        // Bits that conventional PCI may implement and PCI Express hardwires to 0.
        let legacyAccess: RegisterAccess = isExpress ? .readOnly : .readWrite
        let legacyNote = isExpress ? "; hardwired 0 on PCI Express" : ""
        let vfDecodeAccess: RegisterAccess = isVF ? .readOnly : .readWrite
        let vfDecodeNote = isVF ? "; not implemented by VFs (the PF's SR-IOV VF MSE governs VF memory)" : ""
        return [
            RegisterSpec(
                0x00, width: 2, "Vendor ID", setpci: "VENDOR_ID",
                fields: [
                    RegisterField(
                        0...15, "Vendor ID", .readOnly,
                        isVF ? "Reads 0xFFFF on a VF; the PF's vendor applies" : "PCI-SIG assigned vendor", .vendorID)
                ]),
            RegisterSpec(
                0x02, width: 2, "Device ID", setpci: "DEVICE_ID",
                fields: [
                    RegisterField(
                        0...15, "Device ID", .readOnly,
                        isVF ? "Reads 0xFFFF on a VF; the PF's SR-IOV VF Device ID applies" : "Vendor-assigned device")
                ]),
            RegisterSpec(
                0x04, width: 2, "Command", setpci: "COMMAND",
                fields: [
                    RegisterField(
                        0, "I/O Space Enable", vfDecodeAccess, "Respond to I/O space accesses" + vfDecodeNote),
                    RegisterField(
                        1, "Memory Space Enable", vfDecodeAccess, "Respond to memory space accesses" + vfDecodeNote),
                    RegisterField(
                        2, "Bus Master Enable", .readWrite, "Allow the function to issue memory and I/O requests"),
                    RegisterField(
                        3, "Special Cycle Enable", legacyAccess, "Monitor Special Cycle operations" + legacyNote),
                    RegisterField(
                        4, "Memory Write and Invalidate", legacyAccess,
                        "May use Memory Write and Invalidate" + legacyNote),
                    RegisterField(5, "VGA Palette Snoop", legacyAccess, "Snoop VGA palette writes" + legacyNote),
                    RegisterField(
                        6, "Parity Error Response", .readWrite, "Report data parity errors (Master Data Parity Error)"),
                    RegisterField(7, "IDSEL Stepping", .readOnly, "Address/data stepping; hardwired 0 since PCI 3.0"),
                    RegisterField(
                        8, "SERR# Enable", .readWrite, "Report fatal and non-fatal errors to the Root Complex"),
                    RegisterField(
                        9, "Fast Back-to-Back Enable", legacyAccess,
                        "Fast back-to-back transactions to different targets" + legacyNote),
                    RegisterField(
                        10, "Interrupt Disable", isVF ? .readOnly : .readWrite,
                        isVF ? "VFs have no INTx; hardwired 0" : "Disable INTx interrupt messages"),
                    RegisterField(11...15, "Reserved", .reservedPreserve, "Reserved"),
                ]),
            RegisterSpec(
                0x06, width: 2, "Status", setpci: "STATUS",
                fields: [
                    RegisterField(
                        0, "Immediate Readiness", .readOnly, "Ready for config accesses right after reset (no 1 s wait)"
                    ),
                    RegisterField(1...2, "Reserved", .reservedZero, "Reserved"),
                    RegisterField(3, "Interrupt Status", .readOnly, "An INTx interrupt is pending"),
                    RegisterField(
                        4, "Capabilities List", .readOnly, "The capability pointer at 0x34 (0x14 on CardBus) is valid"),
                    RegisterField(5, "66 MHz Capable", .readOnly, "Conventional PCI: runs at 66 MHz" + legacyNote),
                    RegisterField(6, "Reserved", .reservedZero, "Reserved"),
                    RegisterField(
                        7, "Fast Back-to-Back Capable", .readOnly,
                        "Conventional PCI: accepts fast back-to-back transactions" + legacyNote),
                    RegisterField(
                        8, "Master Data Parity Error", .writeOneToClear,
                        "Detected or signalled a data parity error as requester"),
                    RegisterField(
                        9...10, "DEVSEL Timing", .readOnly, "Conventional PCI DEVSEL# timing" + legacyNote,
                        .values([FieldValueName(0, "fast"), FieldValueName(1, "medium"), FieldValueName(2, "slow")])),
                    RegisterField(
                        11, "Signaled Target Abort", .writeOneToClear, "Completed a request with Completer Abort"),
                    RegisterField(
                        12, "Received Target Abort", .writeOneToClear, "Received a Completer Abort completion"),
                    RegisterField(
                        13, "Received Master Abort", .writeOneToClear, "Received an Unsupported Request completion"),
                    RegisterField(
                        14, "Signaled System Error", .writeOneToClear,
                        "Sent ERR_FATAL or ERR_NONFATAL (with SERR# Enable)"),
                    RegisterField(
                        15, "Detected Parity Error", .writeOneToClear, "Received a poisoned TLP or a parity error"),
                ]),
            RegisterSpec(
                0x08, width: 1, "Revision ID", setpci: "REVISION",
                fields: [
                    RegisterField(0...7, "Revision ID", .readOnly, "Vendor-assigned revision")
                ]),
            RegisterSpec(
                0x09, width: 3, "Class Code", setpci: "CLASS_PROG",
                fields: [
                    RegisterField(0...7, "Programming Interface", .readOnly, "Register-level programming interface"),
                    RegisterField(8...15, "Sub-Class", .readOnly, "Function within the base class"),
                    RegisterField(
                        16...23, "Base Class", .readOnly, "Broad function class (storage, network, bridge, ...)"),
                ]),
            RegisterSpec(
                0x0C, width: 1, "Cache Line Size", setpci: "CACHE_LINE_SIZE",
                fields: [
                    RegisterField(
                        0...7, "Cache Line Size", .readWrite,
                        "System cache line size in dwords" + (isExpress ? "; no effect on PCI Express" : ""))
                ]),
            RegisterSpec(
                0x0D, width: 1, "Latency Timer", setpci: "LATENCY_TIMER",
                fields: [
                    RegisterField(
                        0...7, "Latency Timer", legacyAccess, "Conventional PCI bus master latency timer" + legacyNote)
                ]),
            RegisterSpec(
                0x0E, width: 1, "Header Type", setpci: "HEADER_TYPE",
                fields: [
                    RegisterField(
                        0...6, "Header Layout", .readOnly, "Layout of bytes 0x10-0x3F",
                        .values([
                            FieldValueName(0, "endpoint"), FieldValueName(1, "PCI-to-PCI bridge"),
                            FieldValueName(2, "CardBus bridge"),
                        ])),
                    RegisterField(
                        7, "Multi-Function Device", .readOnly, "The device implements more than one function"),
                ]),
            RegisterSpec(
                0x0F, width: 1, "BIST", setpci: "BIST",
                fields: [
                    RegisterField(0...3, "Completion Code", .readOnly, "0 means the built-in self test passed"),
                    RegisterField(4...5, "Reserved", .reservedPreserve, "Reserved"),
                    RegisterField(6, "Start BIST", .readWrite, "Write 1 to start the self test; clears when done"),
                    RegisterField(7, "BIST Capable", .readOnly, "The function implements a built-in self test"),
                ]),
        ]
    }

    // MARK: - Base Address Registers

    /// BAR0...BAR(count-1) at 0x10. A 64-bit memory BAR takes the next slot as its upper half.
    private static func barRegisters(count: Int, in space: ConfigSpace, context: FunctionContext) -> [RegisterSpec] {
        let isVF = context.isVirtualFunction
        let vfNote = "; VF BARs are in the PF's SR-IOV capability, so this reads 0"
        var registers = [RegisterSpec]()
        var index = 0
        while index < count {
            let offset = 0x10 + 4 * index
            let name = "BAR\(index)"
            let setpci = "BASE_ADDRESS_\(index)"
            let value = space.dword(at: offset) ?? 0
            if isVF {
                registers.append(
                    RegisterSpec(
                        offset, width: 4, name, setpci: setpci,
                        fields: [
                            RegisterField(0...31, "Base Address", .readOnly, "Not implemented" + vfNote, .address)
                        ]))
                index += 1
                continue
            }
            if value & 1 == 1 {
                registers.append(
                    RegisterSpec(
                        offset, width: 4, name, setpci: setpci,
                        fields: [
                            RegisterField(0, "I/O Space Indicator", .readOnly, "1: the BAR maps I/O space"),
                            RegisterField(1, "Reserved", .reservedZero, "Reserved"),
                            RegisterField(
                                2...31, "I/O Base Address", .readWrite,
                                "Base of the I/O range (size found by the all-ones probe)", .address),
                        ]))
                index += 1
                continue
            }
            let type = (value >> 1) & 3
            registers.append(
                RegisterSpec(
                    offset, width: 4, name, setpci: setpci,
                    fields: [
                        RegisterField(0, "Memory Space Indicator", .readOnly, "0: the BAR maps memory space"),
                        RegisterField(
                            1...2, "Type", .readOnly, "Decoder width",
                            .values([
                                FieldValueName(0, "32-bit"), FieldValueName(1, "below 1 MiB (legacy)"),
                                FieldValueName(2, "64-bit"),
                            ])),
                        RegisterField(3, "Prefetchable", .readOnly, "Reads have no side effects; writes may be merged"),
                        RegisterField(
                            4...31, "Memory Base Address", .readWrite,
                            "Low bits of the base (size found by the all-ones probe)", .address),
                    ]))
            if type == 2 && index + 1 < count {
                registers.append(
                    RegisterSpec(
                        offset + 4, width: 4, "BAR\(index + 1) (upper half of BAR\(index))",
                        setpci: "BASE_ADDRESS_\(index + 1)",
                        fields: [
                            RegisterField(
                                0...31, "Memory Base Address (upper 32 bits)", .readWrite,
                                "Bits 63:32 of BAR\(index)'s base", .number)
                        ]))
                index += 2
            } else {
                index += 1
            }
        }
        return registers
    }

    private static func barValues(count: Int, in space: ConfigSpace) -> [DerivedValue] {
        var values = [DerivedValue]()
        var index = 0
        while index < count, let value = space.dword(at: 0x10 + 4 * index) {
            defer { index += 1 }
            if value == 0 {
                values.append(DerivedValue("BAR\(index)", .notImplemented))
                continue
            }
            if value & 1 == 1 {
                values.append(DerivedValue("BAR\(index)", .bar(address: UInt64(value & ~3), kind: .io)))
                continue
            }
            let prefetchable = value & 8 != 0
            switch (value >> 1) & 3 {
            case 2:
                guard index + 1 < count, let upper = space.dword(at: 0x14 + 4 * index) else {
                    values.append(
                        DerivedValue(
                            "BAR\(index)",
                            .bar(address: UInt64(value & ~0xF), kind: .memory64(prefetchable: prefetchable))))
                    continue
                }
                let address = UInt64(upper) << 32 | UInt64(value & ~0xF)
                values.append(
                    DerivedValue("BAR\(index)", .bar(address: address, kind: .memory64(prefetchable: prefetchable))))
                index += 1
            case 1:
                values.append(
                    DerivedValue(
                        "BAR\(index)",
                        .bar(address: UInt64(value & ~0xF), kind: .memoryBelow1M(prefetchable: prefetchable))))
            case 3:
                values.append(DerivedValue("BAR\(index)", .bar(address: UInt64(value & ~0xF), kind: .memoryReserved)))
            default:
                values.append(
                    DerivedValue(
                        "BAR\(index)", .bar(address: UInt64(value & ~0xF), kind: .memory32(prefetchable: prefetchable)))
                )
            }
        }
        return values
    }

    // MARK: - Type 0 tail (0x28-0x3F)

    private static func endpointTail(context: FunctionContext) -> [RegisterSpec] {
        let isVF = context.isVirtualFunction
        return [
            RegisterSpec(
                0x28, width: 4, "CardBus CIS Pointer", setpci: "CARDBUS_CIS",
                fields: [
                    RegisterField(
                        0...31, "CardBus CIS Pointer", .readOnly,
                        "Where the Card Information Structure is (CardBus cards only)")
                ]),
            RegisterSpec(
                0x2C, width: 2, "Subsystem Vendor ID", setpci: "SUBSYSTEM_VENDOR_ID",
                fields: [
                    RegisterField(
                        0...15, "Subsystem Vendor ID", .hardwareInit, "Vendor of the board or subsystem", .vendorID)
                ]),
            RegisterSpec(
                0x2E, width: 2, "Subsystem ID", setpci: "SUBSYSTEM_ID",
                fields: [
                    RegisterField(0...15, "Subsystem ID", .hardwareInit, "Vendor-assigned board or subsystem")
                ]),
            RegisterSpec(
                0x30, width: 4, "Expansion ROM Base Address", setpci: "ROM_ADDRESS",
                fields: [
                    RegisterField(
                        0, "ROM Enable", isVF ? .readOnly : .readWrite,
                        isVF ? "VFs have no expansion ROM" : "Decode the ROM address (with Memory Space Enable)"),
                    RegisterField(1...10, "Reserved", .reservedPreserve, "Reserved"),
                    RegisterField(
                        11...31, "ROM Base Address", isVF ? .readOnly : .readWrite, "Base of the expansion ROM",
                        .address),
                ]),
            capabilitiesPointer(0x34),
            opaque(0x35, width: 3, "Reserved", .reserved),
            opaque(0x38, width: 4, "Reserved", .reserved),
            interruptLine(context: context),
            interruptPin(context: context),
            RegisterSpec(
                0x3E, width: 1, "Min_Gnt", setpci: "MIN_GNT",
                fields: [
                    RegisterField(
                        0...7, "Min_Gnt", .readOnly, "Conventional PCI burst period in 0.25 us units; 0 on PCI Express")
                ]),
            RegisterSpec(
                0x3F, width: 1, "Max_Lat", setpci: "MAX_LAT",
                fields: [
                    RegisterField(
                        0...7, "Max_Lat", .readOnly,
                        "Conventional PCI bus access interval in 0.25 us units; 0 on PCI Express")
                ]),
        ]
    }

    private static func capabilitiesPointer(_ offset: Int) -> RegisterSpec {
        RegisterSpec(
            offset, width: 1, "Capabilities Pointer", setpci: offset == 0x34 ? "CAPABILITIES" : "CB_CAPABILITIES",
            fields: [
                RegisterField(
                    0...7, "Capabilities Pointer", .readOnly,
                    "Offset of the first capability; bits 1:0 are reserved (0)", .configPointer)
            ])
    }

    private static func interruptLine(context: FunctionContext) -> RegisterSpec {
        RegisterSpec(
            0x3C, width: 1, "Interrupt Line", setpci: "INTERRUPT_LINE",
            fields: [
                RegisterField(
                    0...7, "Interrupt Line", .readWrite, "Interrupt routing for software; no effect on the hardware")
            ])
    }

    private static func interruptPin(context: FunctionContext) -> RegisterSpec {
        RegisterSpec(
            0x3D, width: 1, "Interrupt Pin", setpci: "INTERRUPT_PIN",
            fields: [
                RegisterField(
                    0...7, "Interrupt Pin", .readOnly,
                    context.isVirtualFunction ? "Must be 0 on a VF (no INTx)" : "Which INTx the function uses",
                    .values([
                        FieldValueName(0, "none"), FieldValueName(1, "INTA"), FieldValueName(2, "INTB"),
                        FieldValueName(3, "INTC"), FieldValueName(4, "INTD"),
                    ]))
            ])
    }

    // MARK: - Type 1 tail (0x18-0x3F)

    private static let secondaryStatusFields: [RegisterField] = [
        RegisterField(0...4, "Reserved", .reservedZero, "Reserved"),
        RegisterField(5, "66 MHz Capable", .readOnly, "Secondary bus runs at 66 MHz (conventional PCI)"),
        RegisterField(6, "Reserved", .reservedZero, "Reserved"),
        RegisterField(7, "Fast Back-to-Back Capable", .readOnly, "Secondary bus fast back-to-back (conventional PCI)"),
        RegisterField(
            8, "Master Data Parity Error", .writeOneToClear, "Parity error as requester on the secondary side"),
        RegisterField(
            9...10, "DEVSEL Timing", .readOnly, "Secondary DEVSEL# timing (conventional PCI)",
            .values([FieldValueName(0, "fast"), FieldValueName(1, "medium"), FieldValueName(2, "slow")])),
        RegisterField(11, "Signaled Target Abort", .writeOneToClear, "Target abort signalled on the secondary side"),
        RegisterField(12, "Received Target Abort", .writeOneToClear, "Target abort received on the secondary side"),
        RegisterField(
            13, "Received Master Abort", .writeOneToClear, "Master abort (Unsupported Request) on the secondary side"),
        RegisterField(
            14, "Received System Error", .writeOneToClear, "SERR# / ERR_FATAL or ERR_NONFATAL received from below"),
        RegisterField(
            15, "Detected Parity Error", .writeOneToClear, "Parity error or poisoned TLP on the secondary side"),
    ]

    private static func bridgeTail(context: FunctionContext) -> [RegisterSpec] {
        let isExpress = context.express != nil
        return [
            RegisterSpec(
                0x18, width: 1, "Primary Bus Number", setpci: "PRIMARY_BUS",
                fields: [
                    RegisterField(
                        0...7, "Primary Bus Number", .readWrite, "Bus the bridge's upstream side is on", .busNumber)
                ]),
            RegisterSpec(
                0x19, width: 1, "Secondary Bus Number", setpci: "SECONDARY_BUS",
                fields: [
                    RegisterField(
                        0...7, "Secondary Bus Number", .readWrite, "Bus directly below the bridge", .busNumber)
                ]),
            RegisterSpec(
                0x1A, width: 1, "Subordinate Bus Number", setpci: "SUBORDINATE_BUS",
                fields: [
                    RegisterField(
                        0...7, "Subordinate Bus Number", .readWrite, "Highest bus number below the bridge", .busNumber)
                ]),
            RegisterSpec(
                0x1B, width: 1, "Secondary Latency Timer", setpci: "SEC_LATENCY_TIMER",
                fields: [
                    RegisterField(
                        0...7, "Secondary Latency Timer", isExpress ? .readOnly : .readWrite,
                        "Latency timer for the secondary bus" + (isExpress ? "; hardwired 0 on PCI Express" : ""))
                ]),
            RegisterSpec(
                0x1C, width: 1, "I/O Base", setpci: "IO_BASE",
                fields: [
                    RegisterField(
                        0...3, "I/O Addressing Capability", .readOnly, "Window decode width",
                        .values([FieldValueName(0, "16-bit"), FieldValueName(1, "32-bit")])),
                    RegisterField(4...7, "I/O Base Address", .readWrite, "Bits 15:12 of the I/O window's base"),
                ]),
            RegisterSpec(
                0x1D, width: 1, "I/O Limit", setpci: "IO_LIMIT",
                fields: [
                    RegisterField(
                        0...3, "I/O Addressing Capability", .readOnly, "Window decode width",
                        .values([FieldValueName(0, "16-bit"), FieldValueName(1, "32-bit")])),
                    RegisterField(
                        4...7, "I/O Limit Address", .readWrite, "Bits 15:12 of the I/O window's last 4 KiB block"),
                ]),
            RegisterSpec(0x1E, width: 2, "Secondary Status", setpci: "SEC_STATUS", fields: secondaryStatusFields),
            RegisterSpec(
                0x20, width: 2, "Memory Base", setpci: "MEMORY_BASE",
                fields: [
                    RegisterField(0...3, "Reserved", .reservedZero, "Reserved"),
                    RegisterField(
                        4...15, "Memory Base Address", .readWrite, "Bits 31:20 of the non-prefetchable window's base"),
                ]),
            RegisterSpec(
                0x22, width: 2, "Memory Limit", setpci: "MEMORY_LIMIT",
                fields: [
                    RegisterField(0...3, "Reserved", .reservedZero, "Reserved"),
                    RegisterField(
                        4...15, "Memory Limit Address", .readWrite, "Bits 31:20 of the window's last 1 MiB block"),
                ]),
            RegisterSpec(
                0x24, width: 2, "Prefetchable Memory Base", setpci: "PREF_MEMORY_BASE",
                fields: [
                    RegisterField(
                        0...3, "Addressing Capability", .readOnly, "Window decode width",
                        .values([FieldValueName(0, "32-bit"), FieldValueName(1, "64-bit")])),
                    RegisterField(
                        4...15, "Prefetchable Base Address", .readWrite, "Bits 31:20 of the prefetchable window's base"),
                ]),
            RegisterSpec(
                0x26, width: 2, "Prefetchable Memory Limit", setpci: "PREF_MEMORY_LIMIT",
                fields: [
                    RegisterField(
                        0...3, "Addressing Capability", .readOnly, "Window decode width",
                        .values([FieldValueName(0, "32-bit"), FieldValueName(1, "64-bit")])),
                    RegisterField(
                        4...15, "Prefetchable Limit Address", .readWrite, "Bits 31:20 of the window's last 1 MiB block"),
                ]),
            RegisterSpec(
                0x28, width: 4, "Prefetchable Base Upper 32 Bits", setpci: "PREF_BASE_UPPER32",
                fields: [
                    RegisterField(
                        0...31, "Prefetchable Base (upper)", .readWrite,
                        "Bits 63:32 of the prefetchable base (64-bit windows)")
                ]),
            RegisterSpec(
                0x2C, width: 4, "Prefetchable Limit Upper 32 Bits", setpci: "PREF_LIMIT_UPPER32",
                fields: [
                    RegisterField(
                        0...31, "Prefetchable Limit (upper)", .readWrite,
                        "Bits 63:32 of the prefetchable limit (64-bit windows)")
                ]),
            RegisterSpec(
                0x30, width: 2, "I/O Base Upper 16 Bits", setpci: "IO_BASE_UPPER16",
                fields: [
                    RegisterField(0...15, "I/O Base (upper)", .readWrite, "Bits 31:16 of the I/O base (32-bit windows)")
                ]),
            RegisterSpec(
                0x32, width: 2, "I/O Limit Upper 16 Bits", setpci: "IO_LIMIT_UPPER16",
                fields: [
                    RegisterField(
                        0...15, "I/O Limit (upper)", .readWrite, "Bits 31:16 of the I/O limit (32-bit windows)")
                ]),
            capabilitiesPointer(0x34),
            opaque(0x35, width: 3, "Reserved", .reserved),
            RegisterSpec(
                0x38, width: 4, "Expansion ROM Base Address", setpci: "BRIDGE_ROM_ADDRESS",
                fields: [
                    RegisterField(0, "ROM Enable", .readWrite, "Decode the ROM address"),
                    RegisterField(1...10, "Reserved", .reservedPreserve, "Reserved"),
                    RegisterField(11...31, "ROM Base Address", .readWrite, "Base of the expansion ROM", .address),
                ]),
            interruptLine(context: context),
            interruptPin(context: context),
            RegisterSpec(
                0x3E, width: 2, "Bridge Control", setpci: "BRIDGE_CONTROL",
                fields: [
                    RegisterField(
                        0, "Parity Error Response Enable", .readWrite, "Report parity errors on the secondary side"),
                    RegisterField(1, "SERR# Enable", .readWrite, "Forward ERR_FATAL/ERR_NONFATAL from below"),
                    RegisterField(
                        2, "ISA Enable", .readWrite, "Block ISA alias I/O addresses in the window's first 64 KiB"),
                    RegisterField(3, "VGA Enable", .readWrite, "Forward legacy VGA memory and I/O ranges"),
                    RegisterField(4, "VGA 16-bit Decode", .readWrite, "Decode VGA I/O with 16 address bits"),
                    RegisterField(
                        5, "Master Abort Mode", isExpress ? .readOnly : .readWrite,
                        "Report master aborts" + (isExpress ? "; hardwired 0 on PCI Express" : "")),
                    RegisterField(
                        6, "Secondary Bus Reset", .readWrite,
                        "Assert reset on the secondary side (hot reset below a PCIe port)"),
                    RegisterField(
                        7, "Fast Back-to-Back Enable", isExpress ? .readOnly : .readWrite,
                        "Secondary fast back-to-back" + (isExpress ? "; hardwired 0 on PCI Express" : "")),
                    RegisterField(
                        8, "Primary Discard Timeout", isExpress ? .readOnly : .readWrite,
                        "Conventional PCI delayed-transaction timer"),
                    RegisterField(
                        9, "Secondary Discard Timeout", isExpress ? .readOnly : .readWrite,
                        "Conventional PCI delayed-transaction timer"),
                    RegisterField(
                        10, "Discard Timer Status", isExpress ? .readOnly : .writeOneToClear, "A discard timer expired"),
                    RegisterField(
                        11, "Discard Timer SERR# Enable", isExpress ? .readOnly : .readWrite,
                        "Signal SERR# when a discard timer expires"),
                    RegisterField(12...15, "Reserved", .reservedPreserve, "Reserved"),
                ]),
        ]
    }

    private static func bridgeWindows(in space: ConfigSpace) -> [DerivedValue] {
        var values = [DerivedValue]()
        if let ioBase = space.byte(at: 0x1C), let ioLimit = space.byte(at: 0x1D) {
            var base = UInt64(ioBase & 0xF0) << 8
            var limit = UInt64(ioLimit & 0xF0) << 8 | 0xFFF
            if ioBase & 0x0F == 1, let upperBase = space.word(at: 0x30), let upperLimit = space.word(at: 0x32) {
                base |= UInt64(upperBase) << 16
                limit |= UInt64(upperLimit) << 16
            }
            values.append(DerivedValue("I/O window", .addressWindow(base: base, limit: limit)))
        }
        if let memoryBase = space.word(at: 0x20), let memoryLimit = space.word(at: 0x22) {
            let base = UInt64(memoryBase & 0xFFF0) << 16
            let limit = UInt64(memoryLimit & 0xFFF0) << 16 | 0xF_FFFF
            values.append(DerivedValue("Memory window", .addressWindow(base: base, limit: limit)))
        }
        if let prefetchBase = space.word(at: 0x24), let prefetchLimit = space.word(at: 0x26) {
            var base = UInt64(prefetchBase & 0xFFF0) << 16
            var limit = UInt64(prefetchLimit & 0xFFF0) << 16 | 0xF_FFFF
            if prefetchBase & 0xF == 1, let upperBase = space.dword(at: 0x28), let upperLimit = space.dword(at: 0x2C) {
                base |= UInt64(upperBase) << 32
                limit |= UInt64(upperLimit) << 32
            }
            values.append(DerivedValue("Prefetchable window", .addressWindow(base: base, limit: limit)))
        }
        return values
    }

    // MARK: - Type 2 (CardBus) tail (0x10-0x47)

    private static let cardBusTail: [RegisterSpec] = [
        RegisterSpec(
            0x10, width: 4, "CardBus Socket/ExCA Base Address", setpci: "CB_CARDBUS_BASE",
            fields: [
                RegisterField(0...11, "Reserved", .readOnly, "Reserved; the registers occupy 4 KiB"),
                RegisterField(
                    12...31, "Base Address", .readWrite, "Memory base of the socket and ExCA registers", .address),
            ]),
        capabilitiesPointer(0x14),
        opaque(0x15, width: 1, "Reserved", .reserved),
        RegisterSpec(0x16, width: 2, "Secondary Status", setpci: "CB_SEC_STATUS", fields: secondaryStatusFields),
        RegisterSpec(
            0x18, width: 1, "PCI Bus Number", setpci: "CB_BUS_NUMBER",
            fields: [
                RegisterField(0...7, "PCI Bus Number", .readWrite, "Bus the bridge's PCI side is on", .busNumber)
            ]),
        RegisterSpec(
            0x19, width: 1, "CardBus Bus Number", setpci: "CB_CARDBUS_NUMBER",
            fields: [
                RegisterField(0...7, "CardBus Bus Number", .readWrite, "Bus number of the CardBus", .busNumber)
            ]),
        RegisterSpec(
            0x1A, width: 1, "Subordinate Bus Number", setpci: "CB_SUBORDINATE_BUS",
            fields: [
                RegisterField(
                    0...7, "Subordinate Bus Number", .readWrite, "Highest bus number below the bridge", .busNumber)
            ]),
        RegisterSpec(
            0x1B, width: 1, "CardBus Latency Timer", setpci: "CB_CARDBUS_LATENCY",
            fields: [
                RegisterField(0...7, "CardBus Latency Timer", .readWrite, "Latency timer for the CardBus")
            ]),
        RegisterSpec(
            0x1C, width: 4, "Memory Base 0", setpci: "CB_MEMORY_BASE_0",
            fields: [
                RegisterField(0...11, "Reserved", .readOnly, "Reserved; 4 KiB granularity"),
                RegisterField(12...31, "Memory Base 0", .readWrite, "Base of memory window 0", .address),
            ]),
        RegisterSpec(
            0x20, width: 4, "Memory Limit 0", setpci: "CB_MEMORY_LIMIT_0",
            fields: [
                RegisterField(0...11, "Reserved", .readOnly, "Reserved; 4 KiB granularity"),
                RegisterField(12...31, "Memory Limit 0", .readWrite, "Last 4 KiB block of memory window 0", .address),
            ]),
        RegisterSpec(
            0x24, width: 4, "Memory Base 1", setpci: "CB_MEMORY_BASE_1",
            fields: [
                RegisterField(0...11, "Reserved", .readOnly, "Reserved; 4 KiB granularity"),
                RegisterField(12...31, "Memory Base 1", .readWrite, "Base of memory window 1", .address),
            ]),
        RegisterSpec(
            0x28, width: 4, "Memory Limit 1", setpci: "CB_MEMORY_LIMIT_1",
            fields: [
                RegisterField(0...11, "Reserved", .readOnly, "Reserved; 4 KiB granularity"),
                RegisterField(12...31, "Memory Limit 1", .readWrite, "Last 4 KiB block of memory window 1", .address),
            ]),
        RegisterSpec(
            0x2C, width: 4, "I/O Base 0", setpci: "CB_IO_BASE_0",
            fields: [
                RegisterField(
                    0...1, "I/O Addressing Capability", .readOnly, "1: 32-bit I/O window",
                    .values([FieldValueName(0, "16-bit"), FieldValueName(1, "32-bit")])),
                RegisterField(2...31, "I/O Base 0", .readWrite, "Base of I/O window 0", .address),
            ]),
        RegisterSpec(
            0x30, width: 4, "I/O Limit 0", setpci: "CB_IO_LIMIT_0",
            fields: [
                RegisterField(0...1, "Reserved", .readOnly, "Reserved"),
                RegisterField(2...31, "I/O Limit 0", .readWrite, "Last dword of I/O window 0", .address),
            ]),
        RegisterSpec(
            0x34, width: 4, "I/O Base 1", setpci: "CB_IO_BASE_1",
            fields: [
                RegisterField(
                    0...1, "I/O Addressing Capability", .readOnly, "1: 32-bit I/O window",
                    .values([FieldValueName(0, "16-bit"), FieldValueName(1, "32-bit")])),
                RegisterField(2...31, "I/O Base 1", .readWrite, "Base of I/O window 1", .address),
            ]),
        RegisterSpec(
            0x38, width: 4, "I/O Limit 1", setpci: "CB_IO_LIMIT_1",
            fields: [
                RegisterField(0...1, "Reserved", .readOnly, "Reserved"),
                RegisterField(2...31, "I/O Limit 1", .readWrite, "Last dword of I/O window 1", .address),
            ]),
        RegisterSpec(
            0x3C, width: 1, "Interrupt Line", setpci: "INTERRUPT_LINE",
            fields: [
                RegisterField(
                    0...7, "Interrupt Line", .readWrite, "Interrupt routing for software; no effect on the hardware")
            ]),
        RegisterSpec(
            0x3D, width: 1, "Interrupt Pin", setpci: "INTERRUPT_PIN",
            fields: [
                RegisterField(
                    0...7, "Interrupt Pin", .readOnly, "Which INTx the bridge uses",
                    .values([
                        FieldValueName(0, "none"), FieldValueName(1, "INTA"), FieldValueName(2, "INTB"),
                        FieldValueName(3, "INTC"), FieldValueName(4, "INTD"),
                    ]))
            ]),
        RegisterSpec(
            0x3E, width: 2, "Bridge Control", setpci: "BRIDGE_CONTROL",
            fields: [
                RegisterField(0, "Parity Error Response Enable", .readWrite, "Report parity errors on the CardBus"),
                RegisterField(1, "SERR# Enable", .readWrite, "Forward SERR# from the CardBus"),
                RegisterField(2, "ISA Enable", .readWrite, "Block ISA alias I/O addresses"),
                RegisterField(3, "VGA Enable", .readWrite, "Forward legacy VGA ranges"),
                RegisterField(4, "Reserved", .reservedPreserve, "Reserved"),
                RegisterField(5, "Master Abort Mode", .readWrite, "Report master aborts"),
                RegisterField(6, "CardBus Reset", .readWrite, "Hold the CardBus in reset"),
                RegisterField(
                    7, "16-bit Interrupt Enable", .readWrite,
                    "Route 16-bit PC Card interrupts through the PCI interrupt"),
                RegisterField(8, "Memory 0 Prefetch Enable", .readWrite, "Memory window 0 is prefetchable"),
                RegisterField(9, "Memory 1 Prefetch Enable", .readWrite, "Memory window 1 is prefetchable"),
                RegisterField(10, "Write Posting Enable", .readWrite, "Post writes across the bridge"),
                RegisterField(11...15, "Reserved", .reservedPreserve, "Reserved"),
            ]),
        RegisterSpec(
            0x40, width: 2, "Subsystem Vendor ID", setpci: "CB_SUBSYSTEM_VENDOR_ID",
            fields: [
                RegisterField(0...15, "Subsystem Vendor ID", .hardwareInit, "Vendor of the board", .vendorID)
            ]),
        RegisterSpec(
            0x42, width: 2, "Subsystem ID", setpci: "CB_SUBSYSTEM_ID",
            fields: [
                RegisterField(0...15, "Subsystem ID", .hardwareInit, "Vendor-assigned board")
            ]),
        RegisterSpec(
            0x44, width: 4, "16-bit PC Card Legacy Mode Base Address", setpci: "CB_LEGACY_MODE_BASE",
            fields: [
                RegisterField(
                    0...31, "Legacy Mode Base Address", .readWrite, "I/O base of the ExCA registers in legacy mode",
                    .address)
            ]),
    ]
}
