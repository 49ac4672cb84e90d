import Testing

@testable import Model

@Suite struct FunctionAnalysisTests {
    /// A PCIe endpoint: PM at 0x40, PCIe at 0x50 (v2 endpoint, 0x34 bytes), MSI-X at 0x90;
    /// AER at 0x100 and an unknown-length capability at 0x200.
    static func endpoint() -> SpaceBuilder {
        var builder = SpaceBuilder(capabilityPointer: 0x40)
        builder.standard(0x40, id: 0x01, next: 0x50)
        builder.express(0x50, next: 0x90)
        builder.standard(0x90, id: 0x11, next: 0)
        builder.extended(0x100, id: 0x0001, version: 2, next: 0x200)
        builder.extended(0x200, id: 0x0039, next: 0)
        return builder
    }

    @Test func findsBothListsAndTheirLengths() {
        let analysis = Self.endpoint().analysis()
        #expect(analysis.capabilities.map(\.offset.rawValue) == [0x40, 0x50, 0x90, 0x100, 0x200])
        #expect(
            analysis.capabilities.map(\.length) == [
                .fixed(8), .computed(0x34), .fixed(12), .computed(0x2C), .unknown(.notCatalogued),
            ])
        #expect(analysis.context.express?.portType == .endpoint)
        #expect(analysis.context.express?.maxLinkWidth == 4)
        #expect(analysis.hasExtendedList)
    }

    @Test func mapsEveryByteToItsOwner() {
        let analysis = Self.endpoint().analysis()
        let map = analysis.map
        #expect(map.owner(at: 0x00) == .header)
        #expect(map.owner(at: 0x3F) == .header)
        #expect(map.owner(at: 0x47) == .capability(0))
        #expect(map.owner(at: 0x48) == .unclaimed)
        #expect(map.owner(at: 0x83) == .capability(1))
        #expect(map.owner(at: 0x84) == .unclaimed)
        #expect(map.owner(at: 0x12B) == .capability(3))
        #expect(map.owner(at: 0x12C) == .unclaimed)
        #expect(map.owner(at: 0x203) == .capability(4))
        #expect(map.owner(at: 0x204) == .possiblyCapability(4))
        #expect(map.owner(at: 0xFFF) == .possiblyCapability(4))
        #expect(map.owner(at: 0x1000) == .unreadable)
        // Regions cover the space without gaps or overlaps.
        var next = 0
        for region in map.regions {
            #expect(region.range.start.rawValue == next)
            next = region.range.end.rawValue
        }
        #expect(next == 4096)
    }

    @Test func listsGapsWithTheirNonZeroBytesAndFlagsThem() {
        var builder = Self.endpoint()
        builder.bytes[0x1A0] = 0x5A
        builder.bytes[0x1A1] = 0xA5
        let analysis = builder.analysis()
        let extended = analysis.map.gaps.filter { $0.area == .extended }
        #expect(extended.map(\.range) == [ConfigRange(0x12C, length: 0x200 - 0x12C)])
        #expect(extended.first?.nonZeroBytes == 2)
        #expect(analysis.kinds.contains(.nonZeroGap(ConfigRange(0x12C, length: 0xD4), nonZeroBytes: 2)))
        let standard = analysis.map.gaps.filter { $0.area == .standard }
        #expect(standard.map(\.range.start.rawValue) == [0x48, 0x84, 0x9C])
    }

    @Test func saysWhenALengthIsUnknownAndWhatMayBelongToIt() {
        let analysis = Self.endpoint().analysis()
        #expect(
            analysis.kinds.contains(.lengthUnknown(.notCatalogued, possibleExtent: ConfigRange(0x200, length: 0xE00))))
        #expect(analysis.kinds.contains(.unknownCapabilityID(0x39, space: .extended)) == false)
    }

    @Test func reportsOverlappingStructures() {
        var builder = SpaceBuilder(size: 256, capabilityPointer: 0x40)
        builder.express(0x40, next: 0x60)  // runs to 0x74
        builder.standard(0x60, id: 0x01, next: 0)
        let analysis = builder.analysis()
        #expect(analysis.kinds.contains(.overlap(ConfigRange(0x60, length: 8), first: 0x40, second: 0x60)))
        #expect(analysis.map.owner(at: 0x60) == .capability(0))
    }

    @Test func anAllOnesFunctionIsNotDecoded() {
        let analysis = FunctionAnalysis(space: ConfigSpace(bytes: [UInt8](repeating: 0xFF, count: 4096)))
        #expect(analysis.capabilities.isEmpty)
        #expect(analysis.kinds == [.allOnesFunction])
    }

    @Test func aShortReadIsPartialAndTheRestIsUnreadable() {
        let analysis = FunctionAnalysis(
            space: ConfigSpace(bytes: Array(Self.endpoint().bytes.prefix(64)), size: 4096), isUnprivilegedRead: true)
        #expect(analysis.kinds.contains(.partialRead(readable: 64, size: 4096, needsRoot: true)))
        #expect(analysis.map.owner(at: 0x40) == .unreadable)
        #expect(analysis.map.gaps.isEmpty)
    }

    @Test func aRepeatedHeaderMeansTheExtendedSpaceIsAnAlias() {
        let header = Array(SpaceBuilder(size: 256).bytes)
        let analysis = FunctionAnalysis(space: ConfigSpace(bytes: Array((0..<16).map { _ in header }.joined())))
        #expect(analysis.kinds.contains(.extendedSpaceAliased))
        #expect(analysis.map.owner(at: 0x100) == .alias)
        #expect(analysis.map.owner(at: 0x0FF) == .unclaimed)
        #expect(!analysis.hasExtendedList)
    }

    @Test func anExpressFunctionDumpedWithout4KiBSaysTheExtendedSpaceIsMissing() {
        var builder = SpaceBuilder(size: 256, capabilityPointer: 0x40)
        builder.express(0x40, next: 0)
        let analysis = builder.analysis()
        #expect(analysis.kinds.contains(.extendedSpaceNotRead(readable: 256)))
        #expect(!analysis.hasExtendedList)
        let conventional = SpaceBuilder(size: 256, capabilityPointer: 0x40)
        #expect(!conventional.analysis().kinds.contains(.extendedSpaceNotRead(readable: 256)))
    }

    @Test func extendedBytesWithoutAnExpressCapabilityAreNotAList() {
        var builder = SpaceBuilder()
        builder.extended(0x100, id: 1, next: 0)
        let analysis = builder.analysis()
        #expect(!analysis.hasExtendedList)
        #expect(analysis.kinds.contains(.extendedDataWithoutExpress(nonZeroBytes: 2)))
    }

    @Test func aVirtualFunctionMustNotCarryPASIDOrPRI() {
        var builder = SpaceBuilder(capabilityPointer: 0x40)
        builder.express(0x40, next: 0)
        builder.set16(0x00, 0xFFFF)
        builder.set16(0x02, 0xFFFF)
        builder.extended(0x100, id: 0x001B, next: 0x110)
        builder.extended(0x110, id: 0x0013, next: 0)
        let analysis = builder.analysis(isVirtualFunction: true)
        #expect(analysis.kinds.contains(.virtualFunctionForbiddenCapability(.processAddressSpaceID)))
        #expect(analysis.kinds.contains(.virtualFunctionForbiddenCapability(.pageRequest)))
        #expect(analysis.kinds.contains(.virtualFunctionIDs))
        #expect(!analysis.kinds.contains(.invalidVendorID(0xFFFF)))
    }

    @Test func diagnosticsComeInOffsetOrder() {
        let analysis = Self.endpoint().analysis()
        let offsets = analysis.diagnostics.map { $0.offset?.rawValue ?? -1 }
        #expect(offsets == offsets.sorted())
    }

    /// The decoder on every corpus function: one structure per owner, in list order; registers
    /// in order, without overlap, inside their structure; and a register has a value exactly
    /// when all its bytes were read (unread bytes never decode as zeros).
    @Test(.requires(.corpus)) func everyCorpusFunctionDecodesInsideItsStructures() throws {
        try Requirement.check(.corpus)
        var functions = 0
        var registers = 0
        for file in Corpus.dumpFiles {
            for function in try Corpus.functions(in: file) {
                let analysis = FunctionAnalysis(space: function.space, address: function.address)
                let site = "\(file.lastPathComponent) \(function.address)"
                let structures = RegisterDecoder.all(of: analysis)
                let owners = [ByteOwner.header] + analysis.capabilities.indices.map { ByteOwner.capability($0) }
                #expect(structures.map(\.owner) == owners, "\(site)")
                for structure in structures {
                    let bounds = Self.bounds(of: structure.owner, in: analysis)
                    var previousEnd = bounds.start
                    for register in structure.registers {
                        #expect(
                            register.offset >= previousEnd && register.range.end <= bounds.end,
                            "\(site) \(structure.owner): '\(register.spec.name)' at \(register.offset.rawValue)")
                        previousEnd = register.range.end
                        if !register.spec.isOpaque {
                            let isRead = register.range.end.rawValue <= function.space.readableLength
                            #expect(
                                (register.value != nil) == isRead,
                                "\(site) \(structure.owner): '\(register.spec.name)' at \(register.offset.rawValue)")
                        }
                        registers += 1
                    }
                }
                functions += 1
            }
        }
        #expect(functions > 300)
        #expect(registers > 10 * functions)
    }

    /// The bytes a structure may decode: the header, or a capability up to its known length
    /// (to the end of its space when the length is unknown).
    static func bounds(of owner: ByteOwner, in analysis: FunctionAnalysis) -> ConfigRange {
        guard case .capability(let index) = owner, analysis.capabilities.indices.contains(index) else {
            return ConfigRange(0, length: analysis.context.headerLayout.headerLength)
        }
        let capability = analysis.capabilities[index]
        let areaEnd = capability.space == .standard ? ConfigSpace.conventionalSize : ConfigSpace.extendedSize
        let length = capability.length.bytes ?? (areaEnd - capability.offset.rawValue)
        return ConfigRange(start: capability.offset, length: min(length, areaEnd - capability.offset.rawValue))
    }
}
