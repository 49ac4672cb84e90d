import Foundation
import Testing

@testable import Model

@Suite struct FunctionDiffTests {
    /// An endpoint with Power Management at 0x40, PCI Express at 0x50 (link x4), AER at 0x100
    /// and a vendor-specific extended capability at 0x140.
    static func endpoint() -> SpaceBuilder {
        var builder = SpaceBuilder(capabilityPointer: 0x40)
        builder.standard(0x40, id: 0x01, next: 0x50)
        builder.set16(0x42, 0x0003)  // PM version 3
        builder.express(0x50, next: 0)
        builder.set32(0x54, 0x0000_0001)  // Device Capabilities: Max_Payload_Size Supported 256
        builder.set16(0x62, 0x0041)  // Link Status: 2.5 GT/s x4
        builder.extended(0x100, id: 0x0001, version: 2, next: 0x140)
        builder.extended(0x140, id: 0x000B, next: 0)
        builder.set32(0x144, 0x0100_1234)  // VSEC header: ID 0x1234, rev 0, length 16
        return builder
    }

    static func diff(_ a: SpaceBuilder, _ b: SpaceBuilder, isVirtualFunction: Bool = false) -> FunctionDiff {
        FunctionDiff(a.analysis(isVirtualFunction: isVirtualFunction), b.analysis(isVirtualFunction: isVirtualFunction))
    }

    @Test func identicalFunctionsHaveNoDifference() {
        let diff = Self.diff(Self.endpoint(), Self.endpoint())
        #expect(diff.isEmpty)
        #expect(diff.isMigrationCompatible)
    }

    @Test func aChangedRWFieldIsControlAndKeepsMigrationCompatible() throws {
        var other = Self.endpoint()
        other.set16(0x04, 0x0006)  // Memory Space and Bus Master Enable
        let diff = Self.diff(Self.endpoint(), other)
        #expect(diff.layout.isEmpty)
        #expect(diff.fields.map(\.field) == ["Memory Space Enable", "Bus Master Enable"])
        let first = try #require(diff.fields.first)
        #expect(first.register == "Command")
        #expect(first.differenceClass == .control)
        #expect(first.a == .field(raw: 0, decoded: .flag(false)))
        #expect(first.b == .field(raw: 1, decoded: .flag(true)))
        #expect(first.rangeA == ConfigRange(0x04, length: 1))
        #expect(diff.isMigrationCompatible)
        #expect(diff.breakingFields.isEmpty)
    }

    @Test func aChangedDeviceIDIsIdentityAndBreaksMigration() throws {
        var other = Self.endpoint()
        other.set16(0x02, 0x5679)
        let diff = Self.diff(Self.endpoint(), other)
        let difference = try #require(diff.fields.first)
        #expect(diff.fields.count == 1)
        #expect(difference.field == "Device ID")
        #expect(difference.differenceClass == .identity)
        #expect(!diff.isMigrationCompatible)
        #expect(diff.breakingFields == [difference])
    }

    @Test func aChangedCapabilityRegisterIsIdentity() throws {
        var other = Self.endpoint()
        other.set32(0x54, 0x0000_0002)  // Max_Payload_Size Supported 512
        let diff = Self.diff(Self.endpoint(), other)
        let difference = try #require(diff.fields.first)
        #expect(diff.fields.count == 1)
        #expect(difference.structure.kind == .capability(.standard(.pciExpress)))
        #expect(difference.register == "Device Capabilities")
        #expect(difference.field == "Max_Payload_Size Supported")
        #expect(difference.a == .field(raw: 1, decoded: .bytes(256)))
        #expect(difference.b == .field(raw: 2, decoded: .bytes(512)))
        #expect(difference.differenceClass == .identity)
        #expect(!diff.isMigrationCompatible)
    }

    @Test func aMovedCapabilityIsALayoutDifferenceAndComparesItsFieldsInPlace() throws {
        let original = Self.endpoint().bytes
        var other = Self.endpoint()
        // PCI Express from 0x50 to 0x70 (its registers move with it).
        for offset in 0x50..<0x70 { other.bytes[offset] = 0 }
        for offset in 0..<0x3C { other.bytes[0x70 + offset] = original[0x50 + offset] }
        other.bytes[0x41] = 0x70
        let diff = Self.diff(Self.endpoint(), other)
        let moved = diff.layout.filter {
            if case .moved = $0.kind { return true }
            return false
        }
        #expect(moved.count == 1)
        #expect(moved.first?.kind == .moved(a: 0x50, b: 0x70))
        #expect(moved.first?.structure?.kind == .capability(.standard(.pciExpress)))
        #expect(moved.first?.breaksMigration == true)
        // Only PM's Next Capability Pointer differs among the fields: PCI Express itself is equal.
        #expect(diff.fields.map(\.field) == ["Next Capability Pointer"])
        #expect(!diff.isMigrationCompatible)
    }

    @Test func aCapabilityOnOneSideOnlyIsALayoutDifference() {
        var other = Self.endpoint()
        other.extended(0x100, id: 0x0001, version: 2, next: 0)  // AER no longer leads to the VSEC
        let diff = Self.diff(Self.endpoint(), other)
        #expect(
            diff.layout.contains {
                $0.kind == .onlyIn(.a, offset: 0x140) && $0.structure?.kind == .capability(.extended(.vendorSpecific))
            })
        #expect(!diff.isMigrationCompatible)
    }

    @Test func aDifferentVersionIsALayoutDifference() {
        var other = Self.endpoint()
        other.extended(0x100, id: 0x0001, version: 1, next: 0x140)
        let diff = Self.diff(Self.endpoint(), other)
        #expect(diff.layout.contains { $0.kind == .version(a: 2, b: 1) })
        #expect(!diff.isMigrationCompatible)
    }

    @Test func aNonZeroGapByteIsVendorDefinedAndKeepsMigrationCompatible() throws {
        var other = Self.endpoint()
        other.bytes[0xC8] = 0x5A
        other.bytes[0xC9] = 0xA5
        let diff = Self.diff(Self.endpoint(), other)
        #expect(diff.fields.isEmpty)
        let gap = try #require(diff.layout.first)
        #expect(diff.layout.count == 1)
        #expect(gap.kind == .gapBytes(ConfigRange(0xC8, length: 2), a: [0, 0], b: [0x5A, 0xA5], possibleTailOf: nil))
        #expect(gap.differenceClass == .vendorDefined)
        #expect(diff.isMigrationCompatible)
    }

    @Test func aVendorSpecificBodyIsVendorDefined() throws {
        var other = Self.endpoint()
        other.bytes[0x14A] = 0x77
        let diff = Self.diff(Self.endpoint(), other)
        let difference = try #require(diff.fields.first)
        #expect(diff.fields.count == 1)
        #expect(difference.structure.kind == .capability(.extended(.vendorSpecific)))
        #expect(difference.differenceClass == .vendorDefined)
        #expect(difference.rangeB?.contains(0x14A) == true)
        #expect(diff.isMigrationCompatible)
    }

    @Test func runtimeLinkStatusAndRW1CBitsAreStatus() {
        var other = Self.endpoint()
        other.set16(0x62, 0x0012)  // Link Status: 5 GT/s x1
        other.set16(0x06, 0x8010)  // Status: Detected Parity Error (RW1C), Capabilities List kept
        let diff = Self.diff(Self.endpoint(), other)
        #expect(
            Set(diff.fields.compactMap(\.field)) == [
                "Current Link Speed", "Negotiated Link Width", "Detected Parity Error",
            ])
        #expect(diff.fields.allSatisfy { $0.differenceClass == .status })
        #expect(diff.isMigrationCompatible)
    }

    @Test func virtualFunctionsAreComparedAsRead() {
        var vf = Self.endpoint()
        vf.set16(0x00, 0xFFFF)
        vf.set16(0x02, 0xFFFF)
        let diff = Self.diff(vf, vf, isVirtualFunction: true)
        #expect(diff.isEmpty)
        let against = FunctionDiff(vf.analysis(isVirtualFunction: true), Self.endpoint().analysis())
        #expect(
            against.fields.contains {
                $0.field == "Vendor ID" && $0.a == .field(raw: 0xFFFF, decoded: .vendorID(0xFFFF))
            })
        #expect(!against.isMigrationCompatible)
    }

    @Test func aShortReadIsALayoutDifference() {
        let full = Self.endpoint()
        let short = SpaceBuilder(size: 64)
        let diff = FunctionDiff(full.analysis(), short.analysis())
        #expect(diff.layout.contains { $0.kind == .size(a: 4096, b: 256) || $0.kind == .readBytes(a: 4096, b: 64) })
        #expect(!diff.isMigrationCompatible)
    }

    /// Every entry of the runtime-status table names a register and field the tables build,
    /// so a renamed field cannot silently fall back to identity.
    @Test func everyRuntimeStatusEntryNamesAFieldOfTheTables() {
        var headerNames = Set<String>()
        for layout in [HeaderLayout.endpoint, .bridge] {
            let context = FunctionContext(headerLayout: layout, isVirtualFunction: false, address: nil)
            for register in RegisterCatalog.headerRegisters(
                in: ConfigSpace(bytes: [UInt8](repeating: 0, count: 256)), context: context)
            {
                for field in register.fields { headerNames.insert(register.name + "/" + field.name) }
            }
        }
        for entry in RuntimeStatusFields.entries {
            switch entry.structure {
            case .header:
                #expect(headerNames.contains((entry.register ?? "") + "/" + entry.field), "\(entry)")
            case .capability(let kind):
                let tables = CapabilityDefinitionTests.tables(for: kind).joined()
                let found = tables.contains { register in
                    (entry.register == nil || entry.register == register.name)
                        && (register.fields.contains { $0.name == entry.field }
                            || (register.isOpaque && register.name == entry.field))
                }
                #expect(found, "no \(entry.register ?? "register") with field \(entry.field) in \(kind)")
            }
        }
    }

    /// Hostile spaces: random bytes with the capability list on, at every size and with holes;
    /// the comparison is total, a space equals itself, and a changed byte is always reported.
    @Test func randomSpacesNeverTrapAndEveryChangeIsReported() {
        var generator = SplitMix(seed: 0xD1FF)
        for round in 0..<200 {
            let size = [64, 256, 4096, 4096, 4096][round % 5]
            var bytes = (0..<size).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            if size > 0x34 {
                bytes[0x06] |= 0x10
                bytes[0x0E] = UInt8(round % 3)
            }
            if size == 4096, round % 2 == 0 {
                // A PCI Express capability so the extended list is walked.
                bytes[0x34] = 0x40
                bytes[0x40] = 0x10
            }
            let holes = round % 7 == 0 && size == 4096 ? [ConfigRange(0x200, length: 0x40)] : []
            let space = ConfigSpace(bytes: bytes, size: size == 64 ? 256 : size, unreadable: holes)
            let analysis = FunctionAnalysis(space: space, isVirtualFunction: round % 4 == 1)
            #expect(FunctionDiff(analysis, FunctionAnalysis(space: space, isVirtualFunction: round % 4 == 1)).isEmpty)
            let offset = Int(generator.next() % UInt64(size))
            guard space.isReadable(offset) else { continue }
            var changed = bytes
            changed[offset] ^= UInt8(truncatingIfNeeded: generator.next() | 1)
            let other = FunctionAnalysis(
                space: ConfigSpace(bytes: changed, size: space.size, unreadable: holes),
                isVirtualFunction: round % 4 == 1)
            let diff = FunctionDiff(analysis, other)
            let covered = (diff.ranges(on: .a) + diff.ranges(on: .b)).contains { $0.contains(ConfigOffset(offset)) }
            #expect(covered, "round \(round): byte 0x\(String(offset, radix: 16)) changed, not reported")
            // And against a completely different random space.
            let stranger = (0..<4096).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            _ = FunctionDiff(analysis, FunctionAnalysis(space: ConfigSpace(bytes: stranger)))
        }
    }

    // MARK: - Real dumps

    @Test(.requires(.corpus)) func everyCorpusFunctionEqualsItself() throws {
        try Requirement.check(.corpus)
        var compared = 0
        for file in Corpus.dumpFiles {
            for function in try Corpus.functions(in: file) {
                let analysis = FunctionAnalysis(space: function.space, address: function.address)
                let diff = FunctionDiff(analysis, FunctionAnalysis(space: function.space, address: function.address))
                #expect(diff.isEmpty, "\(file.lastPathComponent) \(function.address)")
                compared += 1
            }
        }
        #expect(compared >= 300)
    }

    /// A byte changed anywhere in a real function is reported by a difference covering it.
    @Test(.requires(.corpus)) func everyChangedByteOfARealFunctionIsReported() throws {
        try Requirement.check(.corpus)
        var generator = SplitMix(seed: 12)
        var checked = 0
        for file in Corpus.dumpFiles.prefix(40) {
            for function in try Corpus.functions(in: file).prefix(3) where function.space.readableLength > 0 {
                let original = FunctionAnalysis(space: function.space)
                for _ in 0..<12 {
                    let offset = Int(generator.next() % UInt64(function.space.readableLength))
                    guard function.space.isReadable(offset) else { continue }
                    var bytes = function.space.bytes
                    bytes[offset] ^= UInt8(truncatingIfNeeded: generator.next() | 1)
                    let changed = FunctionAnalysis(
                        space: ConfigSpace(
                            bytes: bytes, size: function.space.size, unreadable: function.space.unreadable))
                    let diff = FunctionDiff(original, changed)
                    let covered = (diff.ranges(on: .a) + diff.ranges(on: .b)).contains {
                        $0.contains(ConfigOffset(offset))
                    }
                    #expect(
                        covered,
                        "\(file.lastPathComponent) \(function.address): byte 0x\(String(offset, radix: 16)) changed, not reported"
                    )
                    checked += 1
                }
            }
        }
        #expect(checked >= 300)
    }

    /// Two VFs of one PF (QEMU's nvme, after enabling 4 VFs): the same model, so compatible.
    @Test(.requires(.corpus)) func twoVirtualFunctionsOfOnePFAreMigrationCompatible() throws {
        try Requirement.check(.corpus)
        let file = Corpus.root.appendingPathComponent("qemu/nvme-sriov-after-all.txt")
        let functions = try Corpus.functions(in: file)
        let vfs = functions.filter { $0.address.function > 0 && $0.address.bus == 1 }
        #expect(vfs.count == 4)
        guard vfs.count >= 2 else { return }
        let first = FunctionAnalysis(space: vfs[0].space, address: vfs[0].address, isVirtualFunction: true)
        let second = FunctionAnalysis(space: vfs[1].space, address: vfs[1].address, isVirtualFunction: true)
        let diff = FunctionDiff(first, second)
        #expect(diff.isMigrationCompatible, "\(diff.breakingFields) \(diff.breakingLayout)")
        // Against the PF: a different function (SR-IOV only on the PF).
        let pf = try #require(functions.first { $0.address.bus == 1 && $0.address.function == 0 })
        let against = FunctionDiff(first, FunctionAnalysis(space: pf.space, address: pf.address))
        #expect(!against.isMigrationCompatible)
        #expect(against.layout.contains { $0.kind == .onlyIn(.b, offset: $0.rangeB?.start ?? 0) })
    }
}
