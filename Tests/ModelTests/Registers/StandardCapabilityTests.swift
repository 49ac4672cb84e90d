import Foundation
import Testing

@testable import Model

/// The standard capability tables (IDs 0x00-0x15): structure on synthetic spaces, the layouts
/// that depend on the structure's own bytes, and an oracle comparison with `lspci -vvv`.
@Suite struct StandardCapabilityTests {
    // MARK: - Helpers

    /// A 256-byte space, zero except for the capability ID at `base` and the given values.
    static func space(id: UInt8, base: Int = 0x40, _ values: [(offset: Int, value: UInt64, width: Int)] = [])
        -> ConfigSpace
    {
        var space = ConfigSpace(bytes: [UInt8](repeating: 0, count: 256)).setting(UInt64(id), at: base, length: 1)
        for entry in values {
            space = space.setting(entry.value, at: base + entry.offset, length: entry.width)
        }
        return space
    }

    static func registers(
        _ id: CapabilityID, base: Int = 0x40, in space: ConfigSpace, context: FunctionContext = .init()
    )
        -> [RegisterSpec]
    {
        CapabilityCatalog.definition(for: .standard(id)).registers(at: base, version: 0, in: space, context: context)
    }

    static func length(_ id: CapabilityID, base: Int = 0x40, in space: ConfigSpace, context: FunctionContext = .init())
        -> Int?
    {
        CapabilityCatalog.length(of: .standard(id), at: base, in: space, context: context).bytes
    }

    /// The field covering `bit` of the register at `offset`.
    static func field(at offset: Int, bit: Int, in registers: [RegisterSpec]) -> RegisterField? {
        registers.first { $0.offset == offset }?.fields.first { $0.lowBit <= bit && bit <= $0.highBit }
    }

    /// The decoded value of the field named `name` in the register at `offset`.
    static func decoded(
        _ name: String, register offset: Int, in registers: [RegisterSpec], base: Int, space: ConfigSpace
    ) -> DecodedValue? {
        guard let register = registers.first(where: { $0.offset == offset }),
            let field = register.fields.first(where: { $0.name == name }),
            let value = space.value(at: base + register.offset, length: register.width)
        else { return nil }
        return field.decoding.decode(field.value(in: value), lowBit: field.lowBit)
    }

    static func raw(_ name: String, register offset: Int, in registers: [RegisterSpec], base: Int, space: ConfigSpace)
        -> UInt64?
    {
        guard let register = registers.first(where: { $0.offset == offset }),
            let field = register.fields.first(where: { $0.name == name }),
            let value = space.value(at: base + register.offset, length: register.width)
        else { return nil }
        return field.value(in: value)
    }

    static let allPortTypes: [PortType] = (0...15).map { PortType(rawValue: $0) }

    // MARK: - Structure

    /// Every ID, with the body filled with several patterns, in both header layouts.
    @Test(arguments: 0...0x15)
    func tablesSatisfyTheInvariantsForEveryPattern(id: Int) {
        for pattern: UInt8 in [0x00, 0xFF, 0x55, 0xAA, 0x0F, 0xF0, 0x03] {
            for layout in [HeaderLayout.endpoint, .bridge] {
                for isVF in [false, true] {
                    var bytes = [UInt8](repeating: pattern, count: 256)
                    bytes[0x40] = UInt8(id)
                    bytes[0x41] = 0
                    let space = ConfigSpace(bytes: bytes)
                    let capabilityID = CapabilityID(UInt8(id))
                    let context = FunctionContext(headerLayout: layout, isVirtualFunction: isVF)
                    let registers = Self.registers(capabilityID, in: space, context: context)
                    let length = Self.length(capabilityID, in: space, context: context)
                    let name = "ID \(id) pattern \(pattern) \(layout) VF \(isVF)"
                    let found = RegisterTableTests.problems(in: registers, length: length, name: name)
                    #expect(found.isEmpty, "\(found)")
                    #expect(registers.first == RegisterCatalog.standardCapabilityHeader, "\(name)")
                }
            }
        }
    }

    @Test func pciExpressTablesEndExactlyAtTheCatalogLength() {
        for version: UInt64 in [1, 2, 3] {
            for type in Self.allPortTypes {
                for slot: UInt64 in [0, 0x100] {
                    let flags = version | UInt64(type.rawValue) << 4 | slot
                    let space = Self.space(id: 0x10, [(2, flags, 2)])
                    let registers = Self.registers(.pciExpress, in: space)
                    let length = Self.length(.pciExpress, in: space)
                    let end = registers.map { $0.offset + $0.width }.max()
                    #expect(end == length, "v\(version) type \(type.rawValue) slot \(slot)")
                    let found = RegisterTableTests.problems(in: registers, length: length, name: "PCIe \(flags)")
                    #expect(found.isEmpty, "\(found)")
                }
            }
        }
    }

    @Test func unreadablePCIExpressFlagsGiveHeaderAndFlagsOnly() {
        let space = ConfigSpace(bytes: [UInt8](repeating: 0, count: 0x42))
        let registers = Self.registers(.pciExpress, in: space)
        #expect(registers.map(\.offset) == [0, 2])
    }

    @Test func deviceControlBit15FollowsThePortType() {
        let expectations: [(PortType, String, RegisterAccess)] = [
            (.endpoint, "Initiate Function Level Reset", .writeOnlyReadsZero),
            (.legacyEndpoint, "Initiate Function Level Reset", .writeOnlyReadsZero),
            (.rootComplexIntegratedEndpoint, "Initiate Function Level Reset", .writeOnlyReadsZero),
            (.pcieToPCIBridge, "Bridge Configuration Retry Enable", .readWrite),
            (.rootPort, "Reserved", .reservedPreserve),
            (.upstreamPort, "Reserved", .reservedPreserve),
            (.downstreamPort, "Reserved", .reservedPreserve),
        ]
        for (type, name, access) in expectations {
            let space = Self.space(id: 0x10, [(2, 2 | UInt64(type.rawValue) << 4, 2)])
            let field = Self.field(at: 0x08, bit: 15, in: Self.registers(.pciExpress, in: space))
            #expect(field?.name == name, "type \(type.rawValue)")
            #expect(field?.access == access, "type \(type.rawValue)")
        }
    }

    @Test func linkControlPortBitsExistOnlyOnDownstreamFacingPorts() {
        for type in [PortType.rootPort, .downstreamPort, .endpoint, .upstreamPort, .pcieToPCIBridge] {
            let space = Self.space(id: 0x10, [(2, 2 | UInt64(type.rawValue) << 4, 2)])
            let registers = Self.registers(.pciExpress, in: space)
            let disable = Self.field(at: 0x10, bit: 4, in: registers)
            let retrain = Self.field(at: 0x10, bit: 5, in: registers)
            let training = Self.field(at: 0x12, bit: 11, in: registers)
            if type.isDownstreamFacing {
                #expect(disable?.name == "Link Disable" && disable?.access == .readWrite)
                #expect(retrain?.name == "Retrain Link" && retrain?.access == .writeOnlyReadsZero)
                #expect(training?.name == "Link Training")
            } else {
                #expect(disable?.access == .reservedPreserve && retrain?.access == .reservedPreserve)
                #expect(training?.access == .reservedZero)
            }
            let boundary = Self.field(at: 0x10, bit: 3, in: registers)
            let isRCBWritable = type == .endpoint || type == .pcieToPCIBridge
            #expect(boundary?.access == (isRCBWritable ? .readWrite : .readOnly), "type \(type.rawValue)")
        }
    }

    @Test func virtualFunctionsTakeMaxPayloadAndLinkControlFromThePF() {
        let space = Self.space(id: 0x10, [(2, 2, 2)])
        let pf = Self.registers(.pciExpress, in: space)
        let vf = Self.registers(.pciExpress, in: space, context: FunctionContext(isVirtualFunction: true))
        #expect(Self.field(at: 0x08, bit: 5, in: pf)?.name == "Max_Payload_Size")
        #expect(Self.field(at: 0x08, bit: 5, in: vf)?.access == .reservedPreserve)
        #expect(Self.field(at: 0x08, bit: 15, in: vf)?.access == .writeOnlyReadsZero)
        #expect(Self.field(at: 0x10, bit: 0, in: vf)?.access == .reservedPreserve)
        #expect(Self.field(at: 0x12, bit: 0, in: vf)?.access == .reservedZero)
        #expect(Self.field(at: 0x12, bit: 0, in: pf)?.decoding == .linkSpeed)
    }

    @Test func slotAndRootRegistersFollowTheFunction() {
        let rootWithSlot = Self.space(id: 0x10, [(2, 0x142, 2)])
        let rootWithoutSlot = Self.space(id: 0x10, [(2, 0x042, 2)])
        let endpoint = Self.space(id: 0x10, [(2, 0x002, 2)])
        let collector = Self.space(id: 0x10, [(2, 0x0A2, 2)])
        #expect(
            Self.field(at: 0x14, bit: 6, in: Self.registers(.pciExpress, in: rootWithSlot))?.name == "Hot-Plug Capable")
        #expect(Self.field(at: 0x14, bit: 6, in: Self.registers(.pciExpress, in: rootWithoutSlot))?.name == "Reserved")
        #expect(
            Self.field(at: 0x34, bit: 0, in: Self.registers(.pciExpress, in: rootWithSlot))?.access == .hardwareInit)
        #expect(
            Self.field(at: 0x1C, bit: 3, in: Self.registers(.pciExpress, in: rootWithoutSlot))?.name
                == "PME Interrupt Enable")
        #expect(Self.field(at: 0x1C, bit: 3, in: Self.registers(.pciExpress, in: endpoint))?.name == "Reserved")
        let collectorRegisters = Self.registers(.pciExpress, in: collector)
        #expect(Self.field(at: 0x20, bit: 16, in: collectorRegisters)?.name == "PME Status")
        #expect(Self.field(at: 0x0C, bit: 0, in: collectorRegisters)?.name == "Reserved")
        #expect(collectorRegisters.last.map { $0.offset + $0.width } == 0x2C)
    }

    @Test func expressDecodingsUseTheSharedKinds() {
        // Root Port v2, MPS supported 512, MPS 256, MRRS 4096, x8 at 8 GT/s, speeds 2.5-16.
        let space = Self.space(
            id: 0x10,
            [(2, 0x42, 2), (4, 2, 4), (8, 0x5020, 2), (0x0C, 0x83, 4), (0x12, 0x83, 2), (0x2C, 0x1E, 4)])
        let registers = Self.registers(.pciExpress, in: space)
        let value = { (name: String, offset: Int) in
            Self.decoded(name, register: offset, in: registers, base: 0x40, space: space)
        }
        #expect(value("Max_Payload_Size Supported", 4) == .bytes(512))
        #expect(value("Max_Payload_Size", 8) == .bytes(256))
        #expect(value("Max_Read_Request_Size", 8) == .bytes(4096))
        #expect(value("Max Link Speed", 0x0C) == .linkSpeed(index: 3, tenthsGTs: 80))
        #expect(value("Maximum Link Width", 0x0C) == .linkWidth(8))
        #expect(value("Negotiated Link Width", 0x12) == .linkWidth(8))
        #expect(value("Supported Link Speeds Vector", 0x2C) == .linkSpeeds([1, 2, 3, 4]))
        #expect(value("Device/Port Type", 2) == .named(4, "Root Port"))
        let derived = CapabilityCatalog.definition(for: .standard(.pciExpress)).derivedValues(
            at: 0x40, in: space, context: .init())
        #expect(derived == [DerivedValue("Device/Port Type", .named(4, "Root Port"))])
    }

    // MARK: - MSI and MSI-X

    @Test(arguments: [
        (UInt64(0x0000), [0, 2, 4, 8], 10),
        (UInt64(0x0080), [0, 2, 4, 8, 0x0C], 14),
        (UInt64(0x0100), [0, 2, 4, 8, 0x0A, 0x0C, 0x10], 20),
        (UInt64(0x0180), [0, 2, 4, 8, 0x0C, 0x0E, 0x10, 0x14], 24),
    ])
    func msiLayoutFollowsMessageControl(control: UInt64, offsets: [Int], length: Int) {
        let space = Self.space(id: 5, [(2, control, 2)])
        let registers = Self.registers(.msi, in: space)
        #expect(registers.map(\.offset) == offsets)
        #expect(Self.length(.msi, in: space) == length)
        #expect(registers.last.map { $0.offset + $0.width } == length)
    }

    @Test func msiExtendedMessageDataFollowsTheData() {
        let space = Self.space(id: 5, [(2, 0x0380, 2)])
        let registers = Self.registers(.msi, in: space)
        #expect(registers.first { $0.offset == 0x0E }?.name == "Extended Message Data")
        #expect(Self.field(at: 2, bit: 9, in: registers)?.name == "Extended Message Data Capable")
        #expect(Self.field(at: 2, bit: 10, in: registers)?.access == .readWrite)
    }

    @Test func msiMaskBitsCoverOnlyTheCapableVectors() {
        // 64-bit, maskable, 8 vectors capable (MMC 3), 4 enabled (MME 2).
        let space = Self.space(id: 5, [(2, 0x01A6, 2), (4, 0xFEE0_0000, 4), (8, 0x1, 4)])
        let registers = Self.registers(.msi, in: space)
        let mask = registers.first { $0.name == "Mask Bits" }
        #expect(mask?.offset == 0x10)
        #expect(mask?.fields.map(\.bitCount) == [8, 24])
        #expect(mask?.fields.last?.access == .reservedPreserve)
        let derived = CapabilityCatalog.definition(for: .standard(.msi)).derivedValues(
            at: 0x40, in: space, context: .init())
        #expect(
            derived == [
                DerivedValue("Message Address", .address(0x1_FEE0_0000)),
                DerivedValue("Vectors capable", .count(8)),
                DerivedValue("Vectors enabled", .count(4)),
            ])
        #expect(
            Self.decoded("Multiple Message Capable", register: 2, in: registers, base: 0x40, space: space)
                == .named(3, "8 vectors"))
    }

    @Test func msixDerivedValuesLocateTheTableAndPBA() {
        let space = Self.space(id: 0x11, [(2, 0xC00F, 2), (4, 0x2003, 4), (8, 0x3004, 4)])
        let derived = CapabilityCatalog.definition(for: .standard(.msix)).derivedValues(
            at: 0x40, in: space, context: .init())
        #expect(
            derived == [
                DerivedValue("Table size", .count(16)),
                DerivedValue("Table BIR", .named(3, "BAR3 (0x1C)")),
                DerivedValue("Table offset", .address(0x2000)),
                DerivedValue("PBA BIR", .named(4, "BAR4 (0x20)")),
                DerivedValue("PBA offset", .address(0x3000)),
            ])
        let registers = Self.registers(.msix, in: space)
        #expect(Self.decoded("Table Size", register: 2, in: registers, base: 0x40, space: space) == .count(16))
        #expect(Self.decoded("Function Mask", register: 2, in: registers, base: 0x40, space: space) == .flag(true))
    }

    // MARK: - Other structures

    @Test(arguments: [(0, [0, 2]), (2, [0, 2]), (3, [0, 2]), (4, [0, 2, 3]), (0x14, [0, 2, 3])])
    func vendorSpecificBodyFollowsTheLengthByte(length: Int, offsets: [Int]) {
        let space = Self.space(id: 9, [(2, UInt64(length), 1)])
        let registers = Self.registers(.vendorSpecific, in: space)
        #expect(registers.map(\.offset) == offsets)
        if length > 3 {
            #expect(registers.last?.width == length - 3)
            #expect(registers.last?.fields.isEmpty == true)
        }
    }

    @Test func pcixLayoutsFollowTheVersionAndHeaderLayout() {
        let version0 = Self.space(id: 7)
        let version2 = Self.space(id: 7, [(2, 0x2000, 2)])
        #expect(Self.registers(.pcix, in: version0).map(\.offset) == [0, 2, 4])
        #expect(Self.registers(.pcix, in: version2).map(\.offset) == [0, 2, 4, 8, 0x0C, 0x10, 0x14])
        let bridge = Self.registers(.pcix, in: version0, context: FunctionContext(headerLayout: .bridge))
        #expect(
            bridge.map(\.name) == [
                "Capability Header", "PCI-X Secondary Status", "PCI-X Bridge Status",
                "Upstream Split Transaction Control",
                "Downstream Split Transaction Control",
            ])
    }

    @Test func hyperTransportTablesFollowTheCapabilityType() {
        let slave = Self.space(id: 8, [(2, 0x0000, 2)])
        let host = Self.space(id: 8, [(2, 0x2000, 2)])
        let mapping = Self.space(id: 8, [(2, 0xA800, 2), (4, 0xFEE0_0000, 4)])
        let fixedMapping = Self.space(id: 8, [(2, 0xA803, 2)])
        #expect(Self.registers(.hyperTransport, in: slave).last.map { $0.offset + $0.width } == 0x1C)
        #expect(Self.registers(.hyperTransport, in: host).last.map { $0.offset + $0.width } == 0x18)
        #expect(Self.registers(.hyperTransport, in: mapping).map(\.offset) == [0, 2, 4, 8])
        #expect(Self.registers(.hyperTransport, in: fixedMapping).map(\.offset) == [0, 2])
        let registers = Self.registers(.hyperTransport, in: mapping)
        #expect(
            Self.decoded("Address Lower", register: 4, in: registers, base: 0x40, space: mapping)
                == .address(0xFEE0_0000))
        #expect(
            Self.decoded("Capability Type", register: 2, in: registers, base: 0x40, space: mapping)
                == .named(0x15, "MSI Mapping"))
    }

    @Test func enhancedAllocationFollowsTheEntries() {
        // Type 1: fixed bus numbers, then a 64-bit entry (base 64-bit, max 32-bit) and a 32-bit one.
        let space = Self.space(
            id: 0x14,
            [
                (2, 2, 1), (4, 0x0201, 4),
                (8, 0x8000_0003, 4), (0x0C, 0x0000_0002, 4), (0x10, 0x0000_0FFC, 4), (0x14, 0x1, 4),
                (0x18, 0x8000_0012, 4), (0x1C, 0xE000_0000, 4), (0x20, 0x0000_FFFC, 4),
            ])
        let context = FunctionContext(headerLayout: .bridge)
        let registers = Self.registers(.enhancedAllocation, in: space, context: context)
        #expect(registers.map(\.offset) == [0, 2, 4, 8, 0x0C, 0x10, 0x14, 0x18, 0x1C, 0x20])
        #expect(registers.map(\.name)[7...9] == ["Entry 1 Header", "Entry 1 Base", "Entry 1 MaxOffset"])
        #expect(Self.length(.enhancedAllocation, in: space, context: context) == 0x24)
        let derived = CapabilityCatalog.definition(for: .standard(.enhancedAllocation)).derivedValues(
            at: 0x40, in: space, context: context)
        #expect(
            derived == [
                DerivedValue("Entry 0 (BAR0)", .addressWindow(base: 0x1_0000_0000, limit: 0x1_0000_0FFF)),
                DerivedValue("Entry 1 (BAR1)", .addressWindow(base: 0xE000_0000, limit: 0xE000_FFFF)),
            ])
    }

    @Test func sataIndexDataPairFollowsTheBARLocation() {
        #expect(Self.registers(.sata, in: Self.space(id: 0x12, [(4, 0x48, 4)])).count == 3)
        #expect(Self.registers(.sata, in: Self.space(id: 0x12, [(4, 0x0F, 4)])).map(\.offset) == [0, 2, 4, 8, 0x0C])
    }

    @Test func powerManagementBridgeExtensionsOnlyOnBridges() {
        let space = Self.space(id: 1)
        let endpoint = Self.registers(.powerManagement, in: space)
        let bridge = Self.registers(.powerManagement, in: space, context: FunctionContext(headerLayout: .bridge))
        #expect(Self.field(at: 6, bit: 7, in: endpoint)?.access == .reservedPreserve)
        #expect(Self.field(at: 6, bit: 7, in: bridge)?.name == "BPCC_En")
        #expect(Self.field(at: 4, bit: 15, in: endpoint)?.access == .writeOneToClearSticky)
    }

    @Test func capabilitiesWithoutAPublicLayoutAreGeneric() {
        for id: UInt8 in [0x0B, 0x0E, 0x0F, 0x16, 0xFF] {
            #expect(
                Self.registers(CapabilityID(id), in: Self.space(id: id)) == [RegisterCatalog.standardCapabilityHeader])
        }
    }

    // MARK: - Oracle: lspci -vvv

    static let lspciPath = Requirement.lspciPath

    /// Decoded values compared with what the real `lspci -F FILE -vvv` prints for every corpus dump.
    @Test(.requires(.corpus, .lspci)) func decodedValuesAgreeWithLspci() throws {
        try Requirement.check(.corpus, .lspci)
        var tally = OracleTally()
        for file in Corpus.dumpFiles {
            guard let output = Self.runLspci(file) else { continue }
            tally.files += 1
            let devices = LspciVerboseOutput(output).devices
            for function in try Corpus.functions(in: file) {
                guard let capabilities = devices[function.address] else { continue }
                let analysis = FunctionAnalysis(space: function.space, address: function.address)
                for capability in analysis.capabilities {
                    guard case .standard(let id) = capability.kind,
                        let printed = capabilities[capability.offset.rawValue]
                    else { continue }
                    let site =
                        "\(file.lastPathComponent) \(function.address) [\(String(capability.offset.rawValue, radix: 16))]"
                    Self.compare(
                        id, capability: capability, analysis: analysis, printed: printed, at: site, tally: &tally)
                }
            }
        }
        #expect(tally.files > 100)
        #expect(tally.powerManagement > 50)
        #expect(tally.msi > 50)
        #expect(tally.msix > 20)
        #expect(tally.express > 50)
        #expect(tally.linkStatus > 50)
    }

    struct OracleTally {
        var files = 0
        var powerManagement = 0
        var msi = 0
        var msix = 0
        var express = 0
        var linkStatus = 0
    }

    static func runLspci(_ file: URL) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: lspciPath)
        process.arguments = ["-F", file.path, "-vvv"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    static func compare(
        _ id: CapabilityID, capability: Capability, analysis: FunctionAnalysis, printed: LspciCapability,
        at site: String,
        tally: inout OracleTally
    ) {
        let base = capability.offset.rawValue
        let space = analysis.space
        let registers = RegisterCatalog.registers(for: capability, in: space, context: analysis.context)
        let derived = RegisterCatalog.derivedValues(for: capability, in: space, context: analysis.context)
        let raw = { (name: String, offset: Int) in
            Self.raw(name, register: offset, in: registers, base: base, space: space)
        }
        let value = { (name: String, offset: Int) in
            Self.decoded(name, register: offset, in: registers, base: base, space: space)
        }
        let derivedValue = { (name: String) in derived.first { $0.name == name }?.value }
        let flag = { (name: String) -> DecodedValue? in
            if printed.title.contains(name + "+") { return .flag(true) }
            return printed.title.contains(name + "-") ? .flag(false) : nil
        }

        switch id {
        case .powerManagement:
            guard let version = printed.title.lspciNumber(after: "Power Management version ") else { return }
            #expect(raw("Version", 2) == UInt64(version), "\(site) PM version")
            if let flags = printed.detail("Flags") {
                let aux = flags.lspciNumber(after: "AuxCurrent=")
                if case .named(_, let name) = value("Aux_Current", 2) {
                    #expect(Int(name.prefix { $0.isNumber }) == aux, "\(site) PM AuxCurrent")
                }
                for state in ["D1", "D2"] where flags.contains(" \(state)+") || flags.contains(" \(state)-") {
                    let expected = DecodedValue.flag(flags.contains(" \(state)+"))
                    #expect(value("\(state)_Support", 2) == expected, "\(site) PM \(state)")
                }
            }
            // lspci prints the state as "D" and its number.
            if let status = printed.detail("Status"), let state = status.split(separator: " ").first,
                state.hasPrefix("D"), let number = UInt64(state.dropFirst())
            {
                #expect(raw("PowerState", 4) == number, "\(site) PM power state")
            }
            tally.powerManagement += 1

        case .msi:
            guard printed.title.hasPrefix("MSI:"), let counts = printed.title.lspciWord(after: "Count=") else { return }
            let parts = counts.split(separator: "/").compactMap { Int($0) }
            guard parts.count == 2 else { return }
            #expect(raw("Multiple Message Enable", 2).map { 1 << $0 } == UInt64(parts[0]), "\(site) MSI enabled count")
            #expect(raw("Multiple Message Capable", 2).map { 1 << $0 } == UInt64(parts[1]), "\(site) MSI capable count")
            if parts[0] <= 32 { #expect(derivedValue("Vectors enabled") == .count(UInt64(parts[0])), "\(site)") }
            #expect(value("MSI Enable", 2) == flag("Enable"), "\(site) MSI Enable")
            #expect(value("Per-Vector Masking Capable", 2) == flag("Maskable"), "\(site) Maskable")
            #expect(value("64 bit Address Capable", 2) == flag("64bit"), "\(site) 64bit")
            if let text = printed.detail("Address"), let first = text.split(separator: " ").first,
                let address = UInt64(first, radix: 16)
            {
                #expect(derivedValue("Message Address") == .address(address & ~3), "\(site) MSI address")
            }
            tally.msi += 1

        case .msix:
            guard printed.title.hasPrefix("MSI-X:"), let count = printed.title.lspciNumber(after: "Count=") else {
                return
            }
            #expect(value("Table Size", 2) == .count(UInt64(count)), "\(site) MSI-X count")
            #expect(value("MSI-X Enable", 2) == flag("Enable"), "\(site) MSI-X Enable")
            #expect(value("Function Mask", 2) == flag("Masked"), "\(site) MSI-X Masked")
            for (label, prefix) in [("Vector table", "Table"), ("PBA", "PBA")] {
                guard let line = printed.detail(label), let bar = line.lspciNumber(after: "BAR="),
                    let offset = line.lspciWord(after: "offset=").flatMap({ UInt64($0, radix: 16) })
                else { continue }
                #expect(raw("\(prefix) BIR", prefix == "Table" ? 4 : 8) == UInt64(bar), "\(site) \(label) BAR")
                #expect(derivedValue("\(prefix) offset") == .address(offset), "\(site) \(label) offset")
            }
            tally.msix += 1

        case .pciExpress:
            guard printed.title.hasPrefix("Express ("), let version = raw("Capability Version", 2),
                let type = raw("Device/Port Type", 2), let slot = value("Slot Implemented", 2)
            else { return }
            let expected = "Express (v\(version)) " + Self.lspciPortTypeName(Int(type), slot: slot == .flag(true))
            #expect(printed.title.hasPrefix(expected), "\(site) '\(printed.title)' vs '\(expected)'")
            if let message = printed.title.lspciWord(after: "MSI ").flatMap({ UInt64($0, radix: 16) }) {
                #expect(raw("Interrupt Message Number", 2) == message, "\(site) interrupt message number")
            }
            if let line = printed.detail("DevCap"), let size = line.lspciNumber(after: "MaxPayload ") {
                #expect(value("Max_Payload_Size Supported", 4) == .bytes(UInt64(size)), "\(site) DevCap MaxPayload")
            }
            if let line = printed.detail("DevCtl") {
                if let size = line.lspciNumber(after: "MaxPayload ") {
                    #expect(value("Max_Payload_Size", 8) == .bytes(UInt64(size)), "\(site) DevCtl MaxPayload")
                }
                if let size = line.lspciNumber(after: "MaxReadReq ") {
                    #expect(value("Max_Read_Request_Size", 8) == .bytes(UInt64(size)), "\(site) DevCtl MaxReadReq")
                }
            }
            if let line = printed.detail("LnkCap") {
                #expect(Self.speed(value("Max Link Speed", 0x0C)) == Self.speed(line), "\(site) LnkCap speed")
                #expect(
                    value("Maximum Link Width", 0x0C) == line.lspciNumber(after: "Width x").map { .linkWidth($0) },
                    "\(site) LnkCap width")
            }
            if let line = printed.detail("LnkSta") {
                #expect(Self.speed(value("Current Link Speed", 0x12)) == Self.speed(line), "\(site) LnkSta speed")
                #expect(
                    value("Negotiated Link Width", 0x12) == line.lspciNumber(after: "Width x").map { .linkWidth($0) },
                    "\(site) LnkSta width")
                tally.linkStatus += 1
            }
            tally.express += 1

        default:
            break
        }
    }

    /// The speed in tenths of GT/s, or -1 for a speed lspci calls unknown.
    static func speed(_ value: DecodedValue?) -> Int? {
        guard case .linkSpeed(_, let tenths) = value else { return nil }
        return tenths ?? -1
    }

    static func speed(_ line: String) -> Int? {
        guard let word = line.lspciWord(after: "Speed ") else { return nil }
        let number = word.prefix { $0.isNumber || $0 == "." }
        guard !number.isEmpty, word.dropFirst(number.count).hasPrefix("GT/s"), let value = Double(number) else {
            return -1
        }
        return Int((value * 10).rounded())
    }

    /// lspci's wording for a Device/Port Type (pciutils ls-caps.c).
    static func lspciPortTypeName(_ type: Int, slot: Bool) -> String {
        let slotText = "(Slot\(slot ? "+" : "-"))"
        switch type {
        case 0: return "Endpoint"
        case 1: return "Legacy Endpoint"
        case 4: return "Root Port " + slotText
        case 5: return "Upstream Port"
        case 6: return "Downstream Port " + slotText
        case 7: return "PCI-Express to PCI/PCI-X Bridge"
        case 8: return "PCI/PCI-X to PCI-Express Bridge"
        case 9: return "Root Complex Integrated Endpoint"
        case 10: return "Root Complex Event Collector"
        default: return "Unknown type \(type)"
        }
    }
}

// MARK: - lspci -vvv output

extension StandardCapabilityTests {
    /// One capability as `lspci -vvv` prints it: the text after `Capabilities: [xx] ` and the
    /// detail lines, keyed by their label (continuation lines joined to the line they continue).
    struct LspciCapability {
        var title: String
        var details: [(label: String, text: String)] = []

        func detail(_ label: String) -> String? { details.first { $0.label == label }?.text }
    }

    /// The standard capabilities of every device in `lspci -vvv` output, by address and offset.
    ///
    /// A device block starts with an unindented line beginning with the address; capability lines
    /// are `\tCapabilities: [40] ...` (standard) or `\tCapabilities: [100 v1] ...` (extended,
    /// skipped); their details are indented by two tabs, continuation lines by three.
    struct LspciVerboseOutput {
        var devices: [PCIAddress: [Int: LspciCapability]] = [:]

        init(_ text: String) {
            var devices = [PCIAddress: [Int: LspciCapability]]()
            var duplicates = Set<PCIAddress>()
            var address: PCIAddress?
            var capabilities = [Int: LspciCapability]()
            var current: Int?
            func finishDevice() {
                guard let address else { return }
                if devices[address] != nil { duplicates.insert(address) }
                devices[address] = capabilities
            }
            for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
                if !line.hasPrefix("\t") {
                    guard let first = line.split(separator: " ").first, let parsed = PCIAddress(parsing: first) else {
                        continue
                    }
                    finishDevice()
                    address = parsed
                    capabilities = [:]
                    current = nil
                } else if line.hasPrefix("\tCapabilities: [") {
                    current = nil
                    let rest = line.dropFirst("\tCapabilities: [".count)
                    guard let close = rest.firstIndex(of: "]") else { continue }
                    let label = rest[..<close]
                    guard label.count == 2, let offset = Int(label, radix: 16) else { continue }
                    let title = rest[rest.index(after: close)...].drop { $0 == " " }
                    capabilities[offset] = LspciCapability(title: String(title))
                    current = offset
                } else if line.hasPrefix("\t\t\t"), let offset = current, var capability = capabilities[offset],
                    !capability.details.isEmpty
                {
                    capability.details[capability.details.count - 1].text +=
                        " " + line.trimmingCharacters(in: .whitespaces)
                    capabilities[offset] = capability
                } else if line.hasPrefix("\t\t"), let offset = current, var capability = capabilities[offset] {
                    let body = line.dropFirst(2)
                    let label = body.prefix { $0 != ":" }
                    let text = body.dropFirst(label.count).dropFirst().trimmingCharacters(in: .whitespaces)
                    capability.details.append((String(label), String(text)))
                    capabilities[offset] = capability
                } else if !line.hasPrefix("\t\t") {
                    current = nil
                }
            }
            finishDevice()
            for address in duplicates { devices[address] = nil }
            self.devices = devices
        }
    }
}

extension String {
    /// The text after `prefix` up to the next space, comma or closing bracket.
    func lspciWord(after prefix: String) -> String? {
        guard let range = range(of: prefix) else { return nil }
        let word = self[range.upperBound...].prefix { $0 != " " && $0 != "," && $0 != ")" && $0 != "\t" }
        return word.isEmpty ? nil : String(word)
    }

    /// The decimal number right after `prefix`.
    func lspciNumber(after prefix: String) -> Int? {
        guard let range = range(of: prefix) else { return nil }
        return Int(self[range.upperBound...].prefix { $0.isNumber })
    }
}
