import Foundation
import Testing

@testable import Model

/// The extended capability tables: structural invariants on synthetic spaces, the SR-IOV VF
/// routing IDs, the VF variant of ATS, and an oracle comparison with `lspci -vvv` on the corpus.
@Suite struct ExtendedCapabilityTests {
    // MARK: - Helpers

    /// A 4 KiB space with `bytes` written at their offsets.
    static func space(_ writes: [(offset: Int, value: UInt64, length: Int)], fill: UInt8 = 0) -> ConfigSpace {
        var space = ConfigSpace(bytes: [UInt8](repeating: fill, count: ConfigSpace.extendedSize))
        for write in writes { space = space.setting(write.value, at: write.offset, length: write.length) }
        return space
    }

    /// The register and field with these names.
    static func field(_ registers: [RegisterSpec], _ registerName: String, _ fieldName: String)
        -> (register: RegisterSpec, field: RegisterField)?
    {
        guard let register = registers.first(where: { $0.name == registerName }),
            let field = register.fields.first(where: { $0.name == fieldName })
        else { return nil }
        return (register, field)
    }

    /// A field's value read from the space, the way a view would read it.
    static func value(
        _ registers: [RegisterSpec], _ registerName: String, _ fieldName: String, base: Int, in space: ConfigSpace
    ) -> UInt64? {
        guard let found = field(registers, registerName, fieldName),
            let raw = space.value(at: base + found.register.offset, length: found.register.width)
        else { return nil }
        return found.field.value(in: raw)
    }

    /// The flag field at `bit` of a register (nil when the bit is reserved or not a flag).
    static func flag(_ register: RegisterSpec, bit: Int, base: Int, in space: ConfigSpace) -> Bool? {
        guard let field = register.fields.first(where: { $0.lowBit == bit && $0.bitCount == 1 }),
            field.name != "Reserved", let raw = space.value(at: base + register.offset, length: register.width)
        else { return nil }
        return field.value(in: raw) != 0
    }

    // MARK: - Invariants on synthetic spaces

    @Test func everyExtendedIDSatisfiesTheInvariantsOnSyntheticSpaces() {
        let portTypes: [PortType] = [.endpoint, .rootPort, .downstreamPort, .upstreamPort, .rootComplexEventCollector]
        var generator = SplitMix(seed: 0x5EED)
        var checked = 0
        var derivedChecked = 0
        for rawID in 0...0x3A {
            let id = ExtendedCapabilityID(UInt16(rawID))
            for pattern in 0..<6 {
                var bytes = [UInt8](repeating: pattern == 1 ? 0xFF : 0, count: ConfigSpace.extendedSize)
                if pattern >= 2 {
                    for index in bytes.indices { bytes[index] = UInt8(truncatingIfNeeded: generator.next()) }
                }
                let base = 0x100 + 0x40 * pattern
                let version = UInt32(pattern % 3 + 1)
                let header = UInt32(rawID) | version << 16
                for shift in 0..<4 { bytes[base + shift] = UInt8(truncatingIfNeeded: header >> (8 * shift)) }
                let space = ConfigSpace(bytes: bytes)
                for (index, portType) in portTypes.enumerated() {
                    let widths: [Int?] = [nil, 1, 16, 32]
                    let express = ExpressInfo(
                        offset: 0x40, version: 2, portType: portType, maxLinkWidth: widths[(index + pattern) % 4],
                        deviceCapabilities2: pattern % 2 == 0 ? 1 << 21 : 0, isSlotImplemented: false)
                    let context = FunctionContext(
                        express: express, isVirtualFunction: index % 2 == 1,
                        address: PCIAddress(bus: pattern * 40, device: 0, function: 0))
                    let length = CapabilityCatalog.length(of: .extended(id), at: base, in: space, context: context)
                    let registers = CapabilityCatalog.definition(for: .extended(id)).registers(
                        at: base, version: Int(version), in: space, context: context)
                    let problems = RegisterTableTests.problems(
                        in: registers, length: length.bytes, name: "ECAP \(rawID) pattern \(pattern) \(portType)")
                    #expect(problems.isEmpty, "\(problems)")
                    #expect(registers.first == RegisterCatalog.extendedCapabilityHeader)
                    // Derived values are labelled and come from the capability's own bytes:
                    // flipping every byte outside it changes none of them.
                    let derived = CapabilityCatalog.definition(for: .extended(id)).derivedValues(
                        at: base, in: space, context: context)
                    #expect(
                        derived.allSatisfy { !$0.name.isEmpty },
                        "ECAP \(rawID) pattern \(pattern) \(portType): \(derived.map(\.name))")
                    if let own = length.bytes {
                        var outside = bytes
                        for index in outside.indices where !(base..<(base + own)).contains(index) {
                            outside[index] = ~outside[index]
                        }
                        let again = CapabilityCatalog.definition(for: .extended(id)).derivedValues(
                            at: base, in: ConfigSpace(bytes: outside), context: context)
                        #expect(again == derived, "ECAP \(rawID) pattern \(pattern) \(portType): reads outside itself")
                        if !derived.isEmpty { derivedChecked += 1 }
                    }
                    checked += 1
                }
            }
        }
        #expect(checked == 59 * 6 * 5)
        #expect(derivedChecked > 150, "only \(derivedChecked) cases had derived values to compare")
    }

    // MARK: - MMIO Register Block Locator

    /// PCIe r6.3 §7.9.30: the structure length gives the locators; each names its BAR, its
    /// block type and its 64-bit offset.
    @Test func registerBlockLocatorsComeFromTheStructureLength() throws {
        let space = Self.space([
            (0x100, 0x0001_0036, 4), (0x104, 0x18, 4),
            (0x108, 0x0012_0102, 4), (0x10C, 0x1, 4),  // BIR 2, MMIO Capabilities, offset 0x1_0012_0000
            (0x110, 0x0040_FF00, 4), (0x114, 0, 4),  // BIR 0, vendor-specific, offset 0x40_0000
        ])
        let definition = CapabilityCatalog.definition(for: .extended(.mmioRegisterBlockLocator))
        #expect(definition.length(at: 0x100, in: space, context: FunctionContext()) == .computed(0x18))
        let registers = definition.registers(at: 0x100, version: 1, in: space, context: FunctionContext())
        #expect(
            registers.map(\.name) == [
                "Extended Capability Header", "MRBL Capabilities", "MRBL Locator 0", "MRBL Locator 1",
            ])
        #expect(RegisterTableTests.problems(in: registers, length: 0x18, name: "MRBL").isEmpty)
        #expect(Self.value(registers, "MRBL Locator 0", "Register BIR", base: 0x100, in: space) == 2)
        #expect(Self.value(registers, "MRBL Locator 1", "Register Block ID", base: 0x100, in: space) == 0xFF)
        #expect(Self.value(registers, "MRBL Locator 0", "Register Block Offset High", base: 0x100, in: space) == 1)
        let values = definition.derivedValues(at: 0x100, in: space, context: FunctionContext())
        #expect(
            values == [
                DerivedValue("Register block 0 offset in BAR2", .address(0x1_0012_0000)),
                DerivedValue("Register block 1 offset in BAR0", .address(0x40_0000)),
            ])
        #expect(definition.reference(forRegisterNamed: "MRBL Locator 1").description == "PCIe r6.3 §7.9.30.3")
        // No locator, or a length that is not whole locators: the length cannot be trusted.
        for bad: UInt64 in [0x08, 0x14, 0] {
            let broken = space.setting(bad, at: 0x104, length: 4)
            #expect(
                definition.length(at: 0x100, in: broken, context: FunctionContext())
                    == .unknown(.invalidField(0x104, value: Int(bad))))
        }
    }

    // MARK: - SR-IOV routing IDs

    /// An SR-IOV capability at 0x100 with the given counts and routing.
    static func sriovSpace(totalVFs: Int, numVFs: Int, firstOffset: Int, stride: Int) -> ConfigSpace {
        space([
            (0x100, 0x0001_0010, 4), (0x10E, UInt64(totalVFs), 2), (0x110, UInt64(numVFs), 2),
            (0x114, UInt64(firstOffset), 2), (0x116, UInt64(stride), 2), (0x11A, 0x10CA, 2),
        ])
    }

    static func vfAddresses(_ values: [DerivedValue]) -> [(name: String, address: PCIAddress)] {
        values.compactMap { value in
            if case .function(let address) = value.value { return (value.name, address) }
            return nil
        }
    }

    @Test func sriovRoutingIDsCrossDeviceNumbersWithARIOffsets() throws {
        // ARI-style layout: VF 1 at offset 128 from 03:00.0, stride 1, so VFs 1-8 are device
        // 0x10 and VF 9 is the first function of device 0x11.
        let space = Self.sriovSpace(totalVFs: 64, numVFs: 12, firstOffset: 128, stride: 1)
        let pf = try #require(PCIAddress(bus: 3, device: 0, function: 0))
        let values = CapabilityCatalog.definition(for: .extended(.singleRootIOV)).derivedValues(
            at: 0x100, in: space, context: FunctionContext(address: pf))
        let vfs = Self.vfAddresses(values)
        #expect(vfs.count == 12)
        #expect(vfs.first?.name == "VF 1")
        #expect(vfs.first?.address == PCIAddress(bus: 3, device: 0x10, function: 0))
        #expect(vfs[7].address == PCIAddress(bus: 3, device: 0x10, function: 7))
        #expect(vfs[8].address == PCIAddress(bus: 3, device: 0x11, function: 0))
        #expect(vfs.last?.address == PCIAddress(bus: 3, device: 0x11, function: 3))
        for (index, vf) in vfs.enumerated() { #expect(vf.address.routingID == pf.routingID + 128 + index) }
        #expect(values.contains(DerivedValue("First VF Offset", .routingIDOffset(128))))
        #expect(values.contains(DerivedValue("VF Stride", .routingIDOffset(1))))
        #expect(values.contains(DerivedValue("VF Device ID", .number(0x10CA))))
        #expect(values.contains(DerivedValue("NumVFs", .count(12))))
    }

    @Test func sriovRoutingIDsCrossBusesWithLargeOffsets() throws {
        // 82576-like: offset 384, stride 2 from 01:00.0 lands on bus 2.
        let space = Self.sriovSpace(totalVFs: 8, numVFs: 3, firstOffset: 384, stride: 2)
        let pf = try #require(PCIAddress(domain: 0x10000, bus: 1, device: 0, function: 0))
        let vfs = Self.vfAddresses(
            CapabilityCatalog.definition(for: .extended(.singleRootIOV)).derivedValues(
                at: 0x100, in: space, context: FunctionContext(address: pf)))
        #expect(
            vfs.map(\.address)
                == [
                    PCIAddress(domain: 0x10000, bus: 2, device: 0x10, function: 0),
                    PCIAddress(domain: 0x10000, bus: 2, device: 0x10, function: 2),
                    PCIAddress(domain: 0x10000, bus: 2, device: 0x10, function: 4),
                ].compactMap { $0 })
    }

    @Test func sriovWithoutEnabledVFsListsWouldBeVFsFromTotalVFs() throws {
        let space = Self.sriovSpace(totalVFs: 4, numVFs: 0, firstOffset: 1, stride: 1)
        let pf = try #require(PCIAddress(bus: 0x20, device: 0, function: 0))
        let vfs = Self.vfAddresses(
            CapabilityCatalog.definition(for: .extended(.singleRootIOV)).derivedValues(
                at: 0x100, in: space, context: FunctionContext(address: pf)))
        #expect(vfs.count == 4)
        #expect(vfs.allSatisfy { $0.name.hasPrefix("Would-be VF") })
        #expect(vfs.last?.address == PCIAddress(bus: 0x20, device: 0, function: 4))
    }

    @Test func sriovRoutingIDsStopAtSixteenBitsAndNeedTheAddress() throws {
        let space = Self.sriovSpace(totalVFs: 16, numVFs: 16, firstOffset: 4, stride: 1)
        let pf = try #require(PCIAddress(bus: 0xFF, device: 0x1F, function: 0))
        let vfs = Self.vfAddresses(
            CapabilityCatalog.definition(for: .extended(.singleRootIOV)).derivedValues(
                at: 0x100, in: space, context: FunctionContext(address: pf)))
        #expect(vfs.count == 4)
        #expect(vfs.last?.address.routingID == 0xFFFF)
        let anonymous = CapabilityCatalog.definition(for: .extended(.singleRootIOV)).derivedValues(
            at: 0x100, in: space, context: FunctionContext())
        #expect(Self.vfAddresses(anonymous).isEmpty)
    }

    @Test func sriovVFBARPairsAreDecodedFromTheSpace() {
        // VF BAR0 64-bit prefetchable, VF BAR2 32-bit.
        let space = Self.space([
            (0x100, 0x0001_0010, 4), (0x124, 0xD284_000C, 4), (0x128, 0x0000_0001, 4), (0x12C, 0xD286_0000, 4),
        ])
        let registers = CapabilityCatalog.definition(for: .extended(.singleRootIOV)).registers(
            at: 0x100, version: 1, in: space, context: FunctionContext())
        let names = registers.map(\.name)
        #expect(names.contains("VF BAR1 (upper half of VF BAR0)"))
        #expect(names.contains("VF BAR2"))
        #expect(!names.contains("VF BAR1"))
        let values = CapabilityCatalog.definition(for: .extended(.singleRootIOV)).derivedValues(
            at: 0x100, in: space, context: FunctionContext())
        #expect(
            values.contains(DerivedValue("VF BAR0", .bar(address: 0x1_D284_0000, kind: .memory64(prefetchable: true)))))
        #expect(
            values.contains(DerivedValue("VF BAR2", .bar(address: 0xD286_0000, kind: .memory32(prefetchable: false)))))
        #expect(RegisterTableTests.problems(in: registers, length: 0x40, name: "SR-IOV").isEmpty)
    }

    // MARK: - ATS on virtual functions

    @Test func atsOnAVirtualFunctionHardwiresQueueDepthAndSTU() throws {
        let space = Self.space([(0x100, 0x0001_000F, 4), (0x104, 0x0025, 2), (0x106, 0x8003, 2)])
        let pf = CapabilityCatalog.definition(for: .extended(.addressTranslationServices)).registers(
            at: 0x100, version: 1, in: space, context: FunctionContext())
        let vf = CapabilityCatalog.definition(for: .extended(.addressTranslationServices)).registers(
            at: 0x100, version: 1, in: space,
            context: FunctionContext(isVirtualFunction: true))
        let pfSTU = try #require(Self.field(pf, "ATS Control", "Smallest Translation Unit"))
        let vfSTU = try #require(Self.field(vf, "ATS Control", "Smallest Translation Unit"))
        let vfDepth = try #require(Self.field(vf, "ATS Capability", "Invalidate Queue Depth"))
        #expect(pfSTU.field.access == .readWrite)
        #expect(vfSTU.field.access == .readOnly)
        #expect(!vfSTU.field.access.isWritable)
        #expect(vfDepth.field.access == .readOnly)
        #expect(vfDepth.field.meaning.contains("VF"))
        #expect(vfSTU.field.meaning.contains("PF"))
        // Enable stays writable per VF; the decoded STU is 2^(3+12) bytes.
        #expect(Self.field(vf, "ATS Control", "Enable")?.field.access == .readWrite)
        #expect(pfSTU.field.decoding.decode(3, lowBit: 0) == .bytes(1 << 15))
        #expect(Self.value(pf, "ATS Capability", "Page Aligned Request", base: 0x100, in: space) == 1)
        #expect(Self.value(pf, "ATS Capability", "Invalidate Queue Depth", base: 0x100, in: space) == 5)
        #expect(Self.value(pf, "ATS Control", "Enable", base: 0x100, in: space) == 1)
    }

    // MARK: - AER by port type

    @Test func aerRootRegistersOnlyOnRootPortsAndEventCollectors() {
        let space = Self.space([(0x100, 0x0002_0001, 4)])
        func names(_ portType: PortType, prefix: Bool) -> [String] {
            let express = ExpressInfo(
                offset: 0x40, version: 2, portType: portType, maxLinkWidth: 4,
                deviceCapabilities2: prefix ? 1 << 21 : 0, isSlotImplemented: false)
            return CapabilityCatalog.definition(for: .extended(.advancedErrorReporting)).registers(
                at: 0x100, version: 2, in: space, context: FunctionContext(express: express)
            ).map(\.name)
        }
        #expect(names(.rootPort, prefix: false).contains("Root Error Command"))
        #expect(names(.rootComplexEventCollector, prefix: false).contains("Error Source Identification"))
        #expect(!names(.endpoint, prefix: false).contains("Root Error Command"))
        #expect(!names(.endpoint, prefix: false).contains("TLP Prefix Log DW0"))
        #expect(names(.endpoint, prefix: true).contains("TLP Prefix Log DW3"))
        #expect(names(.rootPort, prefix: true).contains("TLP Prefix Log DW0"))
        #expect(names(.endpoint, prefix: false).filter { $0.hasPrefix("Header Log DW") }.count == 4)
    }

    // MARK: - Oracle: lspci -vvv on the corpus

    /// One extended capability as lspci printed it: its title and indented detail lines.
    struct LspciCapability {
        var title: String
        var lines: [String]
    }

    /// Extended capabilities by function and offset, from `lspci -vvv` text.
    static func parseLspci(_ text: String) -> [PCIAddress: [Int: LspciCapability]] {
        var result = [PCIAddress: [Int: LspciCapability]]()
        var device: PCIAddress?
        var offset: Int?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if let first = line.first, first != "\t" {
                device = line.split(separator: " ").first.flatMap { PCIAddress(parsing: $0) }
                offset = nil
                continue
            }
            guard let device else { continue }
            let trimmed = line.drop { $0 == "\t" }
            if line.hasPrefix("\t\t") {
                if let offset {
                    result[device]?[offset]?.lines.append(String(trimmed).replacingOccurrences(of: "\t", with: " "))
                }
                continue
            }
            offset = nil
            guard trimmed.hasPrefix("Capabilities: ["), let close = trimmed.firstIndex(of: "]") else { continue }
            let inside = trimmed[trimmed.index(trimmed.startIndex, offsetBy: 15)..<close]
            guard let hex = inside.split(separator: " ").first, let value = Int(hex, radix: 16), value >= 0x100 else {
                continue
            }
            offset = value
            let title = trimmed[trimmed.index(after: close)...].trimmingCharacters(in: .whitespaces)
            result[device, default: [:]][value] = LspciCapability(title: title, lines: [])
        }
        return result
    }

    /// `Name+`/`Name-` flags on the line starting with `prefix` and its continuation lines.
    static func flags(_ capability: LspciCapability, _ prefix: String) -> [String: Bool] {
        guard let start = capability.lines.firstIndex(where: { $0.hasPrefix(prefix) }) else { return [:] }
        var text = String(capability.lines[start].dropFirst(prefix.count))
        var next = start + 1
        while next < capability.lines.count, !capability.lines[next].contains(":") {
            text += " " + capability.lines[next]
            next += 1
        }
        var result = [String: Bool]()
        for token in text.split(whereSeparator: { $0 == " " || $0 == "," }) {
            guard let last = token.last, last == "+" || last == "-", token.count > 1 else { continue }
            result[String(token.dropLast())] = last == "+"
        }
        return result
    }

    /// The number after `label` on any detail line (`radix` 10 or 16).
    static func number(_ capability: LspciCapability, _ label: String, radix: Int = 10) -> UInt64? {
        for line in capability.lines {
            guard let range = line.range(of: label) else { continue }
            let rest = line[range.upperBound...].drop { $0 == " " }
            let digits = rest.prefix { $0.isHexDigit }
            return UInt64(digits, radix: radix)
        }
        return nil
    }

    /// lspci's text for a resizable BAR size of 2^exponent bytes (print_rebar_range_size).
    static func lspciSize(exponent: Int) -> String {
        let index = exponent - 20
        let units = ["MB", "GB", "TB", "PB", "EB"]
        guard index >= 0, index < 44 else { return "<unknown>" }
        return "\(1 << (index % 10))\(units[index / 10])"
    }

    static let lspciURL = URL(fileURLWithPath: Requirement.lspciPath)

    static func runLspci(_ file: URL) throws -> String {
        let process = Process()
        process.executableURL = lspciURL
        process.arguments = ["-F", file.path, "-vvv"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    static let uncorrectableTokens: [String: Int] = [
        "DLP": 4, "SDES": 5, "TLP": 12, "FCP": 13, "CmpltTO": 14, "CmpltAbrt": 15, "UnxCmplt": 16, "RxOF": 17,
        "MalfTLP": 18, "ECRC": 19, "UnsupReq": 20, "ACSViol": 21, "UncorrIntErr": 22, "BlockedTLP": 23,
        "AtomicOpBlocked": 24, "TLPBlockedErr": 25, "PoisonTLPBlocked": 26, "DMWrReqBlocked": 27, "IDECheck": 28,
        "MisIDETLP": 29, "PCRC_CHECK": 30, "TLPXlatBlocked": 31,
    ]
    static let correctableTokens: [String: Int] = [
        "RxErr": 0, "BadTLP": 6, "BadDLLP": 7, "Rollover": 8, "Timeout": 12, "AdvNonFatalErr": 13, "CorrIntErr": 14,
        "HeaderOF": 15,
    ]

    @Test(.requires(.corpus, .lspci)) func decodedValuesAgreeWithLspci() throws {
        try Requirement.check(.corpus, .lspci)
        var compared = [String: Int]()
        for file in Corpus.dumpFiles {
            let printed = Self.parseLspci(try Self.runLspci(file))
            for function in try Corpus.functions(in: file) {
                let analysis = FunctionAnalysis(space: function.space, address: function.address)
                let withoutDomain = PCIAddress(
                    bus: function.address.bus, device: function.address.device, function: function.address.function)
                guard let byOffset = printed[function.address] ?? withoutDomain.flatMap({ printed[$0] }) else {
                    continue
                }
                for capability in analysis.extendedCapabilities {
                    guard case .extended(let id) = capability.kind,
                        let printedCapability = byOffset[capability.offset.rawValue]
                    else { continue }
                    let location =
                        "\(file.lastPathComponent) \(function.address) [\(String(capability.offset.rawValue, radix: 16))]"
                    if let kind = Self.compare(id, capability, printedCapability, analysis: analysis, where: location) {
                        compared[kind, default: 0] += 1
                    }
                }
            }
        }
        for kind in ["SR-IOV", "ATS", "PASID", "PRI", "DSN", "LTR", "L1SS", "ACS", "ARI", "ReBAR", "AER"] {
            #expect(compared[kind, default: 0] > 0, "no \(kind) capability was compared with lspci")
        }
    }

    /// Compares one capability with lspci's lines; returns what was compared.
    static func compare(
        _ id: ExtendedCapabilityID, _ capability: Capability, _ printed: LspciCapability, analysis: FunctionAnalysis,
        where location: String
    ) -> String? {
        let base = capability.offset.rawValue
        let space = analysis.space
        let registers = RegisterCatalog.registers(for: capability, in: space, context: analysis.context)
        let derived = RegisterCatalog.derivedValues(for: capability, in: space, context: analysis.context)
        func ours(_ register: String, _ field: String) -> UInt64? {
            value(registers, register, field, base: base, in: space)
        }
        func check(_ mine: UInt64?, _ theirs: UInt64?, _ what: String) {
            #expect(
                mine != nil && mine == theirs,
                "\(location) \(what): ours \(String(describing: mine)), lspci \(String(describing: theirs))")
        }
        func checkFlags(_ prefix: String, _ register: String, _ tokens: [String: Int], required: Bool = true) {
            let printedFlags = flags(printed, prefix)
            guard let spec = registers.first(where: { $0.name == register }) else {
                Issue.record("\(location): no register \(register)")
                return
            }
            #expect(!required || !printedFlags.isEmpty, "\(location): lspci printed no \(prefix) flags")
            for (token, bit) in tokens {
                guard let theirs = printedFlags[token] else { continue }
                let mine = flag(spec, bit: bit, base: base, in: space)
                #expect(
                    mine == theirs,
                    "\(location) \(register) \(token) (bit \(bit)): ours \(String(describing: mine)), lspci \(theirs)")
            }
        }
        switch id {
        case .singleRootIOV:
            check(ours("InitialVFs", "InitialVFs"), number(printed, "Initial VFs:"), "Initial VFs")
            check(ours("TotalVFs", "TotalVFs"), number(printed, "Total VFs:"), "Total VFs")
            check(ours("NumVFs", "NumVFs"), number(printed, "Number of VFs:"), "Number of VFs")
            check(ours("First VF Offset", "First VF Offset"), number(printed, "VF offset:"), "VF offset")
            check(ours("VF Stride", "VF Stride"), number(printed, "stride:"), "VF stride")
            check(ours("VF Device ID", "VF Device ID"), number(printed, "Device ID:", radix: 16), "VF Device ID")
            let offset = derived.first { $0.name == "First VF Offset" }?.value
            #expect(offset == .routingIDOffset(Int(number(printed, "VF offset:") ?? 0)), "\(location) derived offset")
            return "SR-IOV"
        case .addressTranslationServices:
            check(
                ours("ATS Capability", "Invalidate Queue Depth"), number(printed, "Invalidate Queue Depth:", radix: 16),
                "IQD")
            check(
                ours("ATS Control", "Smallest Translation Unit"),
                number(printed, "Smallest Translation Unit:", radix: 16), "STU")
            checkFlags("ATSCtl:", "ATS Control", ["Enable": 15])
            // lspci 3.9 does not print Page Aligned Request; compare it when a newer lspci does.
            checkFlags("ATSCap:", "ATS Capability", ["PageAligned": 5, "PageAlignedReq": 5], required: false)
            return "ATS"
        case .processAddressSpaceID:
            checkFlags("PASIDCap:", "PASID Capability", ["Exec": 1, "Priv": 2])
            check(ours("PASID Capability", "Max PASID Width"), number(printed, "Max PASID Width:", radix: 16), "width")
            checkFlags("PASIDCtl:", "PASID Control", ["Enable": 0, "Exec": 1, "Priv": 2])
            return "PASID"
        case .pageRequest:
            checkFlags("PRICtl:", "Page Request Control", ["Enable": 0, "Reset": 1])
            // PASID (PRG Response PASID Required) is printed only by newer lspci.
            checkFlags("PRISta:", "Page Request Status", ["RF": 0, "UPRGI": 1, "Stopped": 8, "PASID": 15])
            check(
                ours("Outstanding Page Request Capacity", "Outstanding Page Request Capacity"),
                number(printed, "Page Request Capacity:", radix: 16), "capacity")
            check(
                ours("Outstanding Page Request Allocation", "Outstanding Page Request Allocation"),
                number(printed, "Page Request Allocation:", radix: 16), "allocation")
            return "PRI"
        case .deviceSerialNumber:
            guard case .number(let serial)? = derived.first(where: { $0.name == "Serial number" })?.value else {
                // Unreadable serial (a truncated dump): lspci prints no number either.
                #expect(!printed.title.hasPrefix("Device Serial Number"), "\(location): lspci has \(printed.title)")
                return nil
            }
            let bytes = (0..<8).reversed().map { String(format: "%02x", (serial >> UInt64(8 * $0)) & 0xFF) }
            #expect(
                printed.title == "Device Serial Number " + bytes.joined(separator: "-"),
                "\(location) DSN \(printed.title)")
            return "DSN"
        case .latencyToleranceReporting:
            for (label, name) in [
                ("Max snoop latency:", "Max snoop latency"), ("Max no snoop latency:", "Max no-snoop latency"),
            ] {
                guard case .nanoseconds(let mine)? = derived.first(where: { $0.name == name })?.value else { continue }
                check(mine, number(printed, label), name)
            }
            return "LTR"
        case .l1PMSubstates:
            checkFlags(
                "L1SubCap:", "L1 PM Substates Capabilities",
                ["PCI-PM_L1.2": 0, "PCI-PM_L1.1": 1, "ASPM_L1.2": 2, "ASPM_L1.1": 3, "L1_PM_Substates": 4])
            checkFlags(
                "L1SubCtl1:", "L1 PM Substates Control 1",
                ["PCI-PM_L1.2": 0, "PCI-PM_L1.1": 1, "ASPM_L1.2": 2, "ASPM_L1.1": 3])
            return "L1SS"
        case .accessControlServices:
            let tokens = [
                "SrcValid": 0, "TransBlk": 1, "ReqRedir": 2, "CmpltRedir": 3, "UpstreamFwd": 4, "EgressCtrl": 5,
                "DirectTrans": 6,
            ]
            checkFlags("ACSCap:", "ACS Capability", tokens)
            checkFlags("ACSCtl:", "ACS Control", tokens)
            return "ACS"
        case .alternativeRoutingID:
            checkFlags("ARICap:", "ARI Capability", ["MFVC": 0, "ACS": 1])
            check(ours("ARI Capability", "Next Function Number"), number(printed, "Next Function:"), "next function")
            checkFlags("ARICtl:", "ARI Control", ["MFVC": 0, "ACS": 1])
            check(ours("ARI Control", "Function Group"), number(printed, "Function Group:"), "function group")
            return "ARI"
        case .resizableBAR:
            let lines = printed.lines.filter { $0.hasPrefix("BAR ") && $0.contains("current size:") }
            #expect(!lines.isEmpty, "\(location): lspci printed no BAR lines")
            for (entry, line) in lines.enumerated() {
                let label = "Resizable BAR \(entry) "
                guard let size = ours(label + "Control", "BAR Size"), let index = ours(label + "Control", "BAR Index")
                else {
                    Issue.record("\(location): no \(label)Control")
                    continue
                }
                var expected = "BAR \(index): current size: \(lspciSize(exponent: Int(size) + 20))"
                let capability = registers.first { $0.name == label + "Capability" }
                let control = registers.first { $0.name == label + "Control" }
                var supported = [String]()
                for (register, offset) in [(capability, 16), (control, 32)] {
                    guard let register else { continue }
                    for field in register.fields where field.bitCount == 1 && field.name != "Reserved" {
                        if offset == 32 && field.lowBit < 16 { continue }
                        if flag(register, bit: field.lowBit, base: base, in: space) == true {
                            supported.append(lspciSize(exponent: field.lowBit + offset))
                        }
                    }
                }
                if !supported.isEmpty { expected += ", supported: " + supported.joined(separator: " ") }
                #expect(line == expected, "\(location): ours '\(expected)', lspci '\(line)'")
            }
            return "ReBAR"
        case .advancedErrorReporting:
            checkFlags("UESta:", "Uncorrectable Error Status", uncorrectableTokens)
            checkFlags("UEMsk:", "Uncorrectable Error Mask", uncorrectableTokens)
            checkFlags("UESvrt:", "Uncorrectable Error Severity", uncorrectableTokens)
            checkFlags("CESta:", "Correctable Error Status", correctableTokens)
            checkFlags("CEMsk:", "Correctable Error Mask", correctableTokens)
            check(
                ours("Advanced Error Capabilities and Control", "First Error Pointer"),
                number(printed, "First Error Pointer:", radix: 16), "first error pointer")
            return "AER"
        default:
            return nil
        }
    }
}
