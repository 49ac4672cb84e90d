// MSI (ID 0x05) and MSI-X (ID 0x11): PCIe r6.0 §7.7.1-7.7.2 (PCI Local Bus 3.0 §6.8).
// MSI has four layouts chosen by Message Control (+2) bit 7 (64-bit address) and bit 8
// (per-vector masking); Extended Message Data (bit 9) adds the upper half of the data dword.

extension CapabilityID {
    /// MSI (PCIe r6.0 §7.7.1).
    public static let msi = CapabilityID(0x05)
    /// MSI-X (PCIe r6.0 §7.7.2).
    public static let msix = CapabilityID(0x11)
}

extension CapabilityDefinition {
    static let messageSignaledInterruptsFamily = [msi, msix]

    static let msi = CapabilityDefinition(
        .standard(.msi), "Message Signaled Interrupts", abbreviation: "MSI", setpci: "CAP_MSI",
        reference: .pcie("7.7.1"),
        length: .computed("10, +4 with 64-bit addresses, +10 with per-vector masking", msiLength),
        registers: .computed { input, _ in RegisterCatalog.msiRegisters(at: input.base, in: input.space) },
        sections: [
            "Capability Header": "7.7.1.1", "Message Control": "7.7.1.2", "Message Address": "7.7.1.3",
            "Message Upper Address": "7.7.1.4", "Message Data": "7.7.1.5", "Extended Message Data": "7.7.1.6",
            "Mask Bits": "7.7.1.7", "Pending Bits": "7.7.1.8",
        ],
        derivedValues: { input in RegisterCatalog.msiDerivedValues(at: input.base, in: input.space) },
        writeRules: { builder, base in
            builder.addHook(.msiControl(capability: base), at: base + 2, count: 2)
            // Extended Message Data Enable only with Extended Message Data Capable (bit 9).
            if builder.byte(base + 3) & 0x02 == 0 { builder.removeTake(base + 3, 0x04) }
        })

    static let msix = CapabilityDefinition(
        .standard(.msix), "MSI-X", abbreviation: "MSI-X", setpci: "CAP_MSIX", reference: .pcie("7.7.2"),
        length: .fixed(12), registers: .fixed(RegisterCatalog.msixRegisters),
        sections: [
            "Capability Header": "7.7.2.1", "Message Control": "7.7.2.2", "Table Offset": "7.7.2.3",
            "PBA Offset": "7.7.2.4",
        ],
        derivedValues: { input in RegisterCatalog.msixDerivedValues(at: input.base, in: input.space) })

    /// 10, +4 with 64-bit addresses, +10 with per-vector masking; without masking, an Extended
    /// Message Data register (Message Control bit 9) adds 2 more bytes.
    private static func msiLength(_ input: CapabilityInput) -> CapabilityLength {
        let reader = input.reader
        guard let flags = reader.word(2) else { return reader.unreadable(2) }
        let isMaskable = flags & 0x100 != 0
        let hasExtendedData = flags & 0x200 != 0
        return .computed(10 + (flags & 0x80 != 0 ? 4 : 0) + (isMaskable ? 10 : hasExtendedData ? 2 : 0))
    }
}

extension RegisterCatalog {
    // MARK: - MSI

    /// The MSI registers for the layout Message Control selects.
    fileprivate static func msiRegisters(at base: Int, in space: ConfigSpace) -> [RegisterSpec] {
        guard let control = space.word(at: base + 2) else {
            return [standardCapabilityHeader, msiMessageControl]
        }
        let is64Bit = control & 0x80 != 0
        let hasMasking = control & 0x100 != 0
        let hasExtendedData = control & 0x200 != 0
        var registers = [RegisterSpec]()
        registers.reserveCapacity(8)
        registers.append(standardCapabilityHeader)
        registers.append(msiMessageControl)
        registers.append(msiMessageAddress)
        var dataOffset = 8
        if is64Bit {
            registers.append(msiMessageUpperAddress)
            dataOffset = 0x0C
        }
        registers.append(msiMessageData.moved(by: dataOffset))
        if hasExtendedData {
            // The upper half of the data dword. In the layouts without masking it lies past the
            // 10/14 bytes the catalog's length rule counts.
            registers.append(msiExtendedMessageData.moved(by: dataOffset + 2))
        } else if hasMasking {
            registers.append(msiDataReserved.moved(by: dataOffset + 2))
        }
        if hasMasking {
            let capable = min(Int(control >> 1) & 7, 5)
            registers.append(msiMaskBits[capable].moved(by: dataOffset + 4))
            registers.append(msiPendingBits[capable].moved(by: dataOffset + 8))
        }
        return registers
    }

    /// The full message address and the vector counts.
    fileprivate static func msiDerivedValues(at base: Int, in space: ConfigSpace) -> [DerivedValue] {
        guard let control = space.word(at: base + 2) else { return [] }
        var values = [
            DerivedValue("Vectors capable", msiVectorCount(Int(control >> 1) & 7)),
            DerivedValue("Vectors enabled", msiVectorCount(Int(control >> 4) & 7)),
        ]
        if let low = space.dword(at: base + 4) {
            var address = UInt64(low & ~3)
            if control & 0x80 != 0 {
                guard let high = space.dword(at: base + 8) else { return values }
                address |= UInt64(high) << 32
            }
            values.insert(DerivedValue("Message Address", .address(address)), at: 0)
        }
        return values
    }

    private static func msiVectorCount(_ encoded: Int) -> DecodedValue {
        encoded <= 5 ? .count(UInt64(1) << UInt64(encoded)) : .reserved(UInt64(encoded))
    }

    private static let msiVectorNames = FieldDecoding.values([
        FieldValueName(0, "1 vector"), FieldValueName(1, "2 vectors"), FieldValueName(2, "4 vectors"),
        FieldValueName(3, "8 vectors"), FieldValueName(4, "16 vectors"), FieldValueName(5, "32 vectors"),
    ])

    private static let msiMessageControl = RegisterSpec(
        2, width: 2, "Message Control",
        fields: [
            RegisterField(0, "MSI Enable", .readWrite, "Signal interrupts with MSI (INTx and MSI-X are then off)"),
            RegisterField(
                1...3, "Multiple Message Capable", .readOnly, "Vectors the function asks for (log2 encoded)",
                msiVectorNames),
            RegisterField(
                4...6, "Multiple Message Enable", .readWrite,
                "Vectors software granted (log2 encoded); the low data bits carry the vector number", msiVectorNames),
            RegisterField(7, "64 bit Address Capable", .readOnly, "Has the Message Upper Address register"),
            RegisterField(8, "Per-Vector Masking Capable", .readOnly, "Has the Mask Bits and Pending Bits registers"),
            RegisterField(9, "Extended Message Data Capable", .readOnly, "Can send 32-bit message data"),
            RegisterField(
                10, "Extended Message Data Enable", .readWrite,
                "Send the Extended Message Data register as the data's upper 16 bits"),
            RegisterField(11...15, "Reserved", .reservedPreserve, "Reserved"),
        ])

    private static let msiMessageAddress = RegisterSpec(
        4, width: 4, "Message Address",
        fields: [
            RegisterField(0...1, "Reserved", .readOnly, "Always 0: the message address is dword aligned"),
            RegisterField(2...31, "Message Address", .readWrite, "Bits 31:2 of the address MSI writes go to", .address),
        ])

    private static let msiMessageUpperAddress = RegisterSpec(
        8, width: 4, "Message Upper Address",
        fields: [
            RegisterField(
                0...31, "Message Upper Address", .readWrite,
                "Bits 63:32 of the message address; 0 sends 32-bit address writes", .number)
        ])

    private static let msiMessageData = RegisterSpec(
        0, width: 2, "Message Data",
        fields: [
            RegisterField(
                0...15, "Message Data", .readWrite,
                "Data written with each message; the function replaces the low bits with the vector number",
                .number)
        ])

    private static let msiExtendedMessageData = RegisterSpec(
        0, width: 2, "Extended Message Data",
        fields: [
            RegisterField(
                0...15, "Extended Message Data", .readWrite,
                "Upper 16 bits of the message data while Extended Message Data Enable is set", .number)
        ])

    private static let msiDataReserved = standardReservedRegister(
        0, width: 2, "Reserved", .reservedPreserve, "Upper half of the data dword (no Extended Message Data)")

    /// Mask Bits by Multiple Message Capable (0-5): one bit per vector the function can use.
    private static let msiMaskBits: [RegisterSpec] = (0...5).map { encoded in
        let vectors = 1 << encoded
        var fields = [
            RegisterField(
                0...(vectors - 1), "Mask Bits", .readWrite, "Bit n set: the function may not send vector n",
                .number)
        ]
        if vectors < 32 {
            fields.append(
                RegisterField(vectors...31, "Reserved", .reservedPreserve, "Bits for vectors not implemented"))
        }
        return RegisterSpec(0, width: 4, "Mask Bits", fields: fields)
    }

    /// Pending Bits by Multiple Message Capable (0-5).
    private static let msiPendingBits: [RegisterSpec] = (0...5).map { encoded in
        let vectors = 1 << encoded
        var fields = [
            RegisterField(
                0...(vectors - 1), "Pending Bits", .readOnly, "Bit n set: vector n is masked with a message pending",
                .number)
        ]
        if vectors < 32 {
            fields.append(RegisterField(vectors...31, "Reserved", .reservedZero, "Bits for vectors not implemented"))
        }
        return RegisterSpec(0, width: 4, "Pending Bits", fields: fields)
    }

    // MARK: - MSI-X

    /// The MSI-X registers (fixed layout, 12 bytes).
    fileprivate static let msixRegisters = [
        standardCapabilityHeader,
        RegisterSpec(
            2, width: 2, "Message Control",
            fields: [
                RegisterField(
                    0...10, "Table Size", .readOnly, "Number of MSI-X table entries (stored as N-1)", .countMinusOne),
                RegisterField(11...13, "Reserved", .reservedPreserve, "Reserved"),
                RegisterField(14, "Function Mask", .readWrite, "Masks every vector regardless of its own mask bit"),
                RegisterField(
                    15, "MSI-X Enable", .readWrite, "Signal interrupts with MSI-X (INTx and MSI are then off)"),
            ]),
        RegisterSpec(
            4, width: 4, "Table Offset/Table BIR",
            fields: [
                RegisterField(
                    0...2, "Table BIR", .readOnly, "BAR whose memory holds the MSI-X table", standardBARIndicatorNames),
                RegisterField(
                    3...31, "Table Offset", .readOnly, "Offset of the table within that BAR (8-byte aligned)", .address),
            ]),
        RegisterSpec(
            8, width: 4, "PBA Offset/PBA BIR",
            fields: [
                RegisterField(
                    0...2, "PBA BIR", .readOnly, "BAR whose memory holds the Pending Bit Array",
                    standardBARIndicatorNames),
                RegisterField(
                    3...31, "PBA Offset", .readOnly, "Offset of the Pending Bit Array within that BAR", .address),
            ]),
    ]

    /// Where the table and the Pending Bit Array live, and the table size.
    fileprivate static func msixDerivedValues(at base: Int, in space: ConfigSpace) -> [DerivedValue] {
        var values = [DerivedValue]()
        if let control = space.word(at: base + 2) {
            values.append(DerivedValue("Table size", .count(UInt64(control & 0x7FF) + 1)))
        }
        if let table = space.dword(at: base + 4) {
            values.append(DerivedValue("Table BIR", msixIndicator(table)))
            values.append(DerivedValue("Table offset", .address(UInt64(table & ~7))))
        }
        if let pba = space.dword(at: base + 8) {
            values.append(DerivedValue("PBA BIR", msixIndicator(pba)))
            values.append(DerivedValue("PBA offset", .address(UInt64(pba & ~7))))
        }
        return values
    }

    private static func msixIndicator(_ register: UInt32) -> DecodedValue {
        standardBARIndicatorNames.decode(UInt64(register & 7), lowBit: 0)
    }
}
