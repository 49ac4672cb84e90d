import Foundation
import Testing

@testable import Model

/// The built-in demo set (QEMU dumps plus the ATS/PRI/PASID additions) and the builder that
/// adds extended capabilities.
@Suite struct DemoSetTests {
    // MARK: - Helpers

    /// The SR-IOV facts of a PF (SR-IOV capability registers, PCIe r5.0 §9.3.3).
    struct SRIOVFacts {
        var offset: Int
        var control: UInt16
        var numVFs: Int
        var firstVFOffset: Int
        var vfStride: Int
    }

    static func sriov(of function: DumpedFunction) -> SRIOVFacts? {
        let analysis = FunctionAnalysis(space: function.space, address: function.address)
        guard let capability = analysis.capability(.extended(.singleRootIOV)) else { return nil }
        let base = capability.offset.rawValue
        guard let control = function.space.word(at: base + 0x08), let number = function.space.word(at: base + 0x10),
            let first = function.space.word(at: base + 0x14), let stride = function.space.word(at: base + 0x16)
        else { return nil }
        return SRIOVFacts(
            offset: base, control: control, numVFs: Int(number), firstVFOffset: Int(first), vfStride: Int(stride))
    }

    /// The routing IDs of the enabled VFs of every PF in the set.
    static func virtualFunctionRoutingIDs(in functions: [DumpedFunction]) -> Set<Int> {
        var routingIDs = Set<Int>()
        for function in functions {
            guard let facts = sriov(of: function), facts.control & 1 != 0 else { continue }
            for number in 0..<facts.numVFs {
                routingIDs.insert(function.address.routingID + facts.firstVFOffset + number * facts.vfStride)
            }
        }
        return routingIDs
    }

    static func analysis(of function: DumpedFunction, in functions: [DumpedFunction]) -> FunctionAnalysis {
        FunctionAnalysis(
            space: function.space, address: function.address,
            isVirtualFunction: virtualFunctionRoutingIDs(in: functions).contains(function.address.routingID),
            extraDiagnostics: function.diagnostics)
    }

    static func extendedOffsets(_ space: ConfigSpace) -> [Int] {
        FunctionAnalysis(space: space).extendedCapabilities.map(\.offset.rawValue)
    }

    static func extendedKinds(_ space: ConfigSpace) -> [CapabilityKind] {
        FunctionAnalysis(space: space).extendedCapabilities.map(\.kind)
    }

    static func physicalFunction(in functions: [DumpedFunction]) -> DumpedFunction? {
        functions.first { sriov(of: $0) != nil }
    }

    // MARK: - The demo set

    @Test func holdsTenFunctionsInAddressOrder() throws {
        let functions = DemoSet.functions()
        #expect(functions.count == 10)
        #expect(functions.map(\.address) == functions.map(\.address).sorted())
        #expect(functions.allSatisfy { $0.diagnostics.isEmpty })
        let expected = [
            "00:00.0", "00:02.0", "00:03.0", "00:1f.0", "00:1f.2", "00:1f.3", "01:00.0", "01:00.1", "01:00.2",
            "02:01.0",
        ]
        #expect(functions.map(\.address) == expected.compactMap { PCIAddress(parsing: $0) })
    }

    @Test func physicalFunctionHasSRIOVATSPRIAndPASID() throws {
        let pf = try #require(Self.physicalFunction(in: DemoSet.functions()))
        #expect(pf.address == PCIAddress(bus: 1, device: 0, function: 0))
        let space = pf.space
        #expect(Self.extendedOffsets(space) == [0x100, 0x120, 0x160, 0x170, 0x180])
        #expect(
            Self.extendedKinds(space) == [
                .extended(.alternativeRoutingID), .extended(.singleRootIOV), .extended(.addressTranslationServices),
                .extended(.pageRequest), .extended(.processAddressSpaceID),
            ])
        #expect(DemoSet.atsOffset == 0x160 && DemoSet.priOffset == 0x170 && DemoSet.pasidOffset == 0x180)

        // Headers: ID, version 1, next pointer.
        #expect(space.dword(at: 0x160) == 0x1701_000F)
        #expect(space.dword(at: 0x170) == 0x1801_0013)
        #expect(space.dword(at: 0x180) == 0x0001_001B)
        // ATS: Capability = Page Aligned Request, Invalidate Queue Depth 0; Control 0.
        #expect(space.word(at: 0x164) == 0x0020)
        #expect(space.word(at: 0x166) == 0x0000)
        // PRI: Control 0; Status = Stopped | PRG Response PASID Required; capacity 0x200; allocation 0.
        #expect(space.word(at: 0x174) == 0x0000)
        #expect(space.word(at: 0x176) == 0x8100)
        #expect(space.dword(at: 0x178) == 0x200)
        #expect(space.dword(at: 0x17C) == 0)
        // PASID: Max PASID Width 20, Execute and Privileged Supported; Control 0.
        #expect(space.word(at: 0x184) == 0x1406)
        #expect(space.word(at: 0x186) == 0x0000)
    }

    @Test func virtualFunctionsMatchFirstVFOffsetAndStride() throws {
        let functions = DemoSet.functions()
        let pf = try #require(Self.physicalFunction(in: functions))
        let facts = try #require(Self.sriov(of: pf))
        #expect(facts.control & 1 != 0)
        #expect(facts.numVFs == 2)
        let expected = (0..<facts.numVFs).compactMap {
            PCIAddress(domain: 0, routingID: pf.address.routingID + facts.firstVFOffset + $0 * facts.vfStride)
        }
        #expect(expected.count == 2)
        let vfs = functions.filter { $0.space.word(at: 0) == 0xFFFF }
        #expect(vfs.map(\.address) == expected)
        #expect(expected.allSatisfy { address in functions.contains { $0.address == address } })
    }

    @Test func virtualFunctionsHaveATSButNoPASIDOrPRI() throws {
        let functions = DemoSet.functions()
        let routingIDs = Self.virtualFunctionRoutingIDs(in: functions)
        let vfs = functions.filter { routingIDs.contains($0.address.routingID) }
        #expect(vfs.count == 2)
        for vf in vfs {
            let kinds = Self.extendedKinds(vf.space)
            #expect(kinds == [.extended(.alternativeRoutingID), .extended(.addressTranslationServices)])
            #expect(Self.extendedOffsets(vf.space) == [0x100, DemoSet.atsOffset.rawValue])
            #expect(!kinds.contains(.extended(.processAddressSpaceID)))
            #expect(!kinds.contains(.extended(.pageRequest)))
            #expect(vf.space.dword(at: DemoSet.atsOffset.rawValue + 4) == 0)
        }
    }

    @Test func hasARootPort() {
        let rootPorts = DemoSet.functions().filter {
            FunctionAnalysis(space: $0.space).context.express?.portType == .rootPort
        }
        #expect(rootPorts.map(\.address) == [PCIAddress(bus: 0, device: 2, function: 0)])
        #expect(rootPorts.first?.space.byte(at: 0x19) == 1)  // secondary bus: the PF's bus
    }

    @Test func hasAConventionalFunction() {
        let functions = DemoSet.functions()
        let conventional = functions.filter {
            FunctionAnalysis(space: $0.space).capability(.standard(.pciExpress)) == nil
        }
        #expect(conventional.contains { $0.address == PCIAddress(bus: 2, device: 1, function: 0) })
        #expect(conventional.allSatisfy { $0.space.readableLength == ConfigSpace.conventionalSize })
        // The e1000 sits behind the PCIe-to-PCI bridge (port type 7), whose secondary bus is 2.
        let bridge = functions.first { FunctionAnalysis(space: $0.space).context.express?.portType == .pcieToPCIBridge }
        #expect(bridge?.space.byte(at: 0x19) == 2)
    }

    @Test func noFunctionHasErrorDiagnostics() {
        let functions = DemoSet.functions()
        for function in functions {
            let errors = Self.analysis(of: function, in: functions).diagnostics.filter { $0.severity == .error }
            #expect(errors.isEmpty, "\(function.address): \(errors)")
        }
    }

    @Test func qemuCapabilitiesKeepTheirOffsets() throws {
        let original = try LspciDump.parse(Array(DemoSet.lspciText.utf8), file: "demo set")
        let demo = DemoSet.functions()
        #expect(original.map(\.address).sorted() == demo.map(\.address))
        for function in original {
            let built = try #require(demo.first { $0.address == function.address })
            let before = FunctionAnalysis(space: function.space).capabilities
            let after = FunctionAnalysis(space: built.space).capabilities
            for capability in before {
                #expect(
                    after.contains { $0.kind == capability.kind && $0.offset == capability.offset },
                    "\(function.address): \(capability.kind) at \(capability.offset.rawValue) lost")
            }
            // Outside the added structures only the old last next pointer (header bytes +2, +3) may change.
            let added = after.filter { capability in !before.contains { $0.offset == capability.offset } }
            let pointerBytes: Set<Int> =
                if let last = before.last, last.space == .extended {
                    [last.offset.rawValue + 2, last.offset.rawValue + 3]
                } else { [] }
            let changed = (0..<function.space.readableLength).filter { index in
                !pointerBytes.contains(index) && !added.contains { $0.extent.contains(ConfigOffset(index)) }
                    && function.space.byte(at: index) != built.space.byte(at: index)
            }
            #expect(changed.isEmpty, "\(function.address): bytes changed at \(changed)")
        }
    }

    // MARK: - The builder

    /// A 4 KiB PCI Express endpoint: a v2 PCIe capability at 0x40 and the given extended dwords.
    static func expressSpace(extended dwords: [Int: UInt32] = [:]) -> ConfigSpace {
        var bytes = [UInt8](repeating: 0, count: ConfigSpace.extendedSize)
        bytes[0] = 0x34
        bytes[1] = 0x12
        bytes[2] = 0x78
        bytes[3] = 0x56
        bytes[6] = 0x10  // Status: Capabilities List
        bytes[0x34] = 0x40
        bytes[0x40] = 0x10  // PCI Express, next 0
        bytes[0x42] = 0x02  // version 2, endpoint
        for (offset, value) in dwords {
            for index in 0..<4 { bytes[offset + index] = UInt8(truncatingIfNeeded: value >> (8 * index)) }
        }
        return ConfigSpace(bytes: bytes)
    }

    /// AER at 0x100 (0x2C bytes for an endpoint) -> Device Serial Number at 0x140 (0x0C bytes).
    static let chainedSpace = expressSpace(extended: [0x100: 0x1402_0001, 0x140: 0x0001_0003])
    static let pasidBody: [UInt8] = [0x06, 0x14, 0x00, 0x00]

    @Test func appendsToAnEmptyListAt0x100() throws {
        let empty = Self.expressSpace()
        #expect(Self.extendedOffsets(empty).isEmpty)
        let built = try empty.appendingExtendedCapability(
            .processAddressSpaceID, version: 1, body: Self.pasidBody, at: 0x200)
        #expect(built.dword(at: 0x100) == 0x0001_001B)
        #expect(built.dword(at: 0x104) == 0x0000_1406)
        #expect(built.dword(at: 0x200) == 0)
        #expect(Self.extendedOffsets(built) == [0x100])
        #expect(Self.extendedKinds(built) == [.extended(.processAddressSpaceID)])
        #expect(built.size == ConfigSpace.extendedSize && built.readableLength == ConfigSpace.extendedSize)
    }

    @Test func linksAtTheEndOfAnExistingList() throws {
        let space = Self.chainedSpace
        #expect(Self.extendedOffsets(space) == [0x100, 0x140])
        let built = try space.appendingExtendedCapability(
            .processAddressSpaceID, version: 1, body: Self.pasidBody, at: 0x200)
        #expect(Self.extendedOffsets(built) == [0x100, 0x140, 0x200])
        #expect(
            Self.extendedKinds(built) == [
                .extended(.advancedErrorReporting), .extended(.deviceSerialNumber), .extended(.processAddressSpaceID),
            ])
        #expect(built.dword(at: 0x100) == 0x1402_0001)  // untouched
        #expect(built.dword(at: 0x140) == 0x2001_0003)  // next pointer now 0x200, ID and version kept
        #expect(built.dword(at: 0x200) == 0x0001_001B)
        let errors = FunctionAnalysis(space: built).diagnostics.filter { $0.severity == .error }
        #expect(errors.isEmpty)

        // A second one goes after the first, right up to the end of the space.
        let twice = try built.appendingExtendedCapability(
            .addressTranslationServices, version: 1, body: [0, 0, 0, 0], at: 0xFF8)
        #expect(Self.extendedOffsets(twice) == [0x100, 0x140, 0x200, 0xFF8])
        #expect(twice.dword(at: 0x200) == 0xFF81_001B)
    }

    @Test(arguments: [
        // Inside AER (0x100-0x12B), straddling into DSN (0x140-0x14B), inside DSN.
        (0x120, CapabilityInsertionError.overlap(ConfigRange(0x120, length: 8), existing: 0x100)),
        (0x13C, .overlap(ConfigRange(0x140, length: 4), existing: 0x140)),
        (0x148, .overlap(ConfigRange(0x148, length: 4), existing: 0x140)),
        (0x202, .misaligned(0x202)),
        (0xFFC, .pastEndOfSpace(end: 0x1004)),
        (0x0F0, .belowExtendedSpace(0x0F0)),
    ])
    func refusesBadPlacements(offset: Int, expected: CapabilityInsertionError) {
        #expect(throws: expected) {
            try Self.chainedSpace.appendingExtendedCapability(
                .processAddressSpaceID, version: 1, body: Self.pasidBody, at: ConfigOffset(offset))
        }
    }

    @Test func refusesAShortSpace() {
        let short = ConfigSpace(bytes: Array(Self.chainedSpace.bytes.prefix(256)), size: ConfigSpace.extendedSize)
        #expect(throws: CapabilityInsertionError.spaceTooShort(readable: 256)) {
            try short.appendingExtendedCapability(.processAddressSpaceID, version: 1, body: Self.pasidBody, at: 0x200)
        }
        let almost = ConfigSpace(bytes: Array(Self.chainedSpace.bytes.prefix(4092)))
        #expect(throws: CapabilityInsertionError.spaceTooShort(readable: 4092)) {
            try almost.appendingExtendedCapability(.processAddressSpaceID, version: 1, body: Self.pasidBody, at: 0x200)
        }
    }

    @Test func refusesABadVersionAndABrokenList() {
        #expect(throws: CapabilityInsertionError.invalidVersion(16)) {
            try Self.chainedSpace.appendingExtendedCapability(.processAddressSpaceID, version: 16, body: [], at: 0x200)
        }
        // DSN at 0x140 points back to AER at 0x100: a loop has no end to link at.
        let looped = Self.expressSpace(extended: [0x100: 0x1402_0001, 0x140: 0x1001_0003])
        #expect(throws: CapabilityInsertionError.unterminatedList(last: 0x140)) {
            try looped.appendingExtendedCapability(.processAddressSpaceID, version: 1, body: Self.pasidBody, at: 0x200)
        }
        // Extended bytes without a PCI Express capability: there is no list to link into.
        var bytes = Self.chainedSpace.bytes
        bytes[6] = 0
        #expect(throws: CapabilityInsertionError.extendedListUnavailable) {
            try ConfigSpace(bytes: bytes).appendingExtendedCapability(
                .processAddressSpaceID, version: 1, body: Self.pasidBody, at: 0x200)
        }
    }

    // MARK: - lspci agrees

    static let lspciPath = Requirement.lspciPath

    /// Runs `lspci -F file -vvv` and returns its output split into one block per function.
    static func lspciBlocks(for functions: [DumpedFunction]) throws -> [String: String] {
        let text = LspciDump.write(functions.map { (address: $0.address, title: $0.title, space: $0.space) })
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("cfgtui-demo-\(UUID().uuidString).txt")
        try Data(text).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: lspciPath)
        process.arguments = ["-F", file.path, "-vvv"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        var blocks = [String: String]()
        for block in String(decoding: data, as: UTF8.self).components(separatedBy: "\n\n") {
            guard let slot = block.split(separator: " ", maxSplits: 1).first else { continue }
            blocks[String(slot.hasPrefix("0000:") ? slot.dropFirst(5) : slot)] = block
        }
        return blocks
    }

    @Test(.requires(.lspci)) func lspciListsTheAddedCapabilities() throws {
        try Requirement.check(.lspci)
        let blocks = try Self.lspciBlocks(for: DemoSet.functions())
        #expect(blocks.count == 10)
        let ats =
            "Capabilities: [\(String(DemoSet.atsOffset.rawValue, radix: 16)) v1] Address Translation Service (ATS)"
        let pri = "Capabilities: [\(String(DemoSet.priOffset.rawValue, radix: 16)) v1] Page Request Interface (PRI)"
        let pasid =
            "Capabilities: [\(String(DemoSet.pasidOffset.rawValue, radix: 16)) v1] Process Address Space ID (PASID)"
        let pf = try #require(blocks["01:00.0"])
        #expect(pf.contains("Capabilities: [120 v1] Single Root I/O Virtualization (SR-IOV)"))
        #expect(pf.contains(ats))
        #expect(pf.contains(pri))
        #expect(pf.contains(pasid))
        #expect(pf.contains("PASIDCap: Exec+ Priv+, Max PASID Width: 14"))
        #expect(pf.contains("PRISta: RF- UPRGI- Stopped+"))
        #expect(pf.contains("Page Request Capacity: 00000200"))
        for vf in ["01:00.1", "01:00.2"] {
            let block = try #require(blocks[vf])
            #expect(block.contains(ats))
            #expect(!block.contains("PASID"))
            #expect(!block.contains("Page Request"))
        }
        #expect(!(blocks["00:02.0"] ?? "").contains("(ATS)"))
    }
}
