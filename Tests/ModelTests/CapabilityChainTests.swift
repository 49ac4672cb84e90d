import Testing

@testable import Model

@Suite struct CapabilityChainTests {
    @Test func walksAHealthyStandardList() {
        var builder = SpaceBuilder(size: 256, capabilityPointer: 0x40)
        builder.standard(0x40, id: 0x01, next: 0x50)
        builder.standard(0x50, id: 0x05, next: 0x70)
        builder.standard(0x70, id: 0x11, next: 0)
        let chain = CapabilityChain.walkStandard(builder.space, layout: .endpoint)
        #expect(chain.capabilities.map(\.offset.rawValue) == [0x40, 0x50, 0x70])
        #expect(chain.capabilities.map(\.kind) == [.standard(.powerManagement), .standard(.msi), .standard(.msix)])
        #expect(chain.capabilities.map(\.index) == [0, 1, 2])
        #expect(chain.diagnostics.isEmpty)
    }

    @Test func stopsAtALoop() {
        var builder = SpaceBuilder(size: 256, capabilityPointer: 0x40)
        builder.standard(0x40, id: 0x01, next: 0x50)
        builder.standard(0x50, id: 0x05, next: 0x40)
        let chain = CapabilityChain.walkStandard(builder.space, layout: .endpoint)
        #expect(chain.capabilities.count == 2)
        #expect(chain.diagnostics == [Diagnostic(.chainLoop(pointer: 0x40, space: .standard), at: 0x51)])
    }

    @Test func stopsAtAPointerIntoTheHeader() {
        var builder = SpaceBuilder(size: 256, capabilityPointer: 0x40)
        builder.standard(0x40, id: 0x01, next: 0x3C)
        let chain = CapabilityChain.walkStandard(builder.space, layout: .endpoint)
        #expect(chain.capabilities.count == 1)
        #expect(chain.diagnostics.map(\.kind) == [.pointerIntoHeader(pointer: 0x3C, space: .standard)])
    }

    @Test func cardBusHeaderEndsAt0x48AndItsPointerIsAt0x14() {
        var builder = SpaceBuilder(size: 256, capabilityPointer: 0x44, headerType: 2)
        builder.standard(0x44, id: 0x01, next: 0)
        let chain = CapabilityChain.walkStandard(builder.space, layout: .cardBus)
        #expect(chain.capabilities.isEmpty)
        #expect(chain.diagnostics.map(\.kind) == [.pointerIntoHeader(pointer: 0x44, space: .standard)])
    }

    @Test func masksLowPointerBitsAndSaysSo() {
        var builder = SpaceBuilder(size: 256, capabilityPointer: 0x42)
        builder.standard(0x40, id: 0x01, next: 0x51)
        builder.standard(0x50, id: 0x05, next: 0)
        let chain = CapabilityChain.walkStandard(builder.space, layout: .endpoint)
        #expect(chain.capabilities.map(\.offset.rawValue) == [0x40, 0x50])
        #expect(
            chain.diagnostics.map(\.kind) == [
                .misalignedPointer(raw: 0x42, space: .standard), .misalignedPointer(raw: 0x51, space: .standard),
            ])
    }

    @Test func aShortUnprivilegedReadStopsWithoutInventingBytes() {
        let builder = SpaceBuilder(size: 64, capabilityPointer: 0x40)
        let chain = CapabilityChain.walkStandard(builder.space, layout: .endpoint)
        #expect(chain.capabilities.isEmpty)
        #expect(chain.diagnostics.map(\.kind) == [.pointerPastReadable(pointer: 0x40, readable: 64, space: .standard)])
    }

    @Test func idFFEndsTheListAndNullIsKeptWithAWarning() {
        var builder = SpaceBuilder(size: 256, capabilityPointer: 0x40)
        builder.standard(0x40, id: 0x00, next: 0x50)
        builder.standard(0x50, id: 0xFF, next: 0x60)
        builder.standard(0x60, id: 0x01, next: 0)
        let chain = CapabilityChain.walkStandard(builder.space, layout: .endpoint)
        #expect(chain.capabilities.map(\.kind) == [.standard(.null)])
        #expect(chain.diagnostics.map(\.kind) == [.nullCapability(space: .standard), .brokenChain])
    }

    @Test func aPointerWithoutTheCapabilitiesListBitIsIgnored() {
        var builder = SpaceBuilder(size: 256, capabilityPointer: 0x40)
        builder.bytes[0x06] = 0
        builder.standard(0x40, id: 0x01, next: 0)
        let chain = CapabilityChain.walkStandard(builder.space, layout: .endpoint)
        #expect(chain.capabilities.isEmpty)
        #expect(chain.diagnostics.map(\.kind) == [.capabilityPointerIgnored(pointer: 0x40)])
    }

    @Test func walksTheExtendedListWithVersions() {
        var builder = SpaceBuilder()
        builder.extended(0x100, id: 0x0001, version: 2, next: 0x148)
        builder.extended(0x148, id: 0x0003, next: 0x200)
        builder.extended(0x200, id: 0x001B, next: 0)
        let chain = CapabilityChain.walkExtended(builder.space)
        #expect(chain.capabilities.map(\.offset.rawValue) == [0x100, 0x148, 0x200])
        #expect(chain.capabilities.map(\.version) == [2, 1, 1])
        #expect(chain.diagnostics.isEmpty)
    }

    @Test(
        arguments: [
            (UInt32(0x0000_0000), DiagnosticKind.noExtendedCapabilities),
            (UInt32(0xFFFF_FFFF), DiagnosticKind.allOnesExtendedHeader),
        ] as [(UInt32, DiagnosticKind)])
    func reportsTheHeaderAt0x100(header: UInt32, kind: DiagnosticKind) {
        var builder = SpaceBuilder()
        builder.set32(0x100, header)
        let chain = CapabilityChain.walkExtended(builder.space)
        #expect(chain.capabilities.isEmpty)
        #expect(chain.diagnostics.map(\.kind) == [kind])
    }

    @Test func extendedLoopsAndPointersBelow0x100Stop() {
        var loop = SpaceBuilder()
        loop.extended(0x100, id: 1, next: 0x200)
        loop.extended(0x200, id: 3, next: 0x100)
        #expect(
            CapabilityChain.walkExtended(loop.space).diagnostics.map(\.kind) == [
                .chainLoop(pointer: 0x100, space: .extended)
            ])

        var below = SpaceBuilder()
        below.extended(0x100, id: 1, next: 0x40)
        let chain = CapabilityChain.walkExtended(below.space)
        #expect(chain.capabilities.count == 1)
        #expect(chain.diagnostics.map(\.kind) == [.pointerBelowExtendedSpace(pointer: 0x40)])
    }

    @Test func theExtendedHopLimitBoundsAChainThroughEveryDword() {
        var builder = SpaceBuilder()
        var offset = 0x100
        while offset < 0x1000 {
            builder.extended(offset, id: 0x000B, next: offset + 4 < 0x1000 ? offset + 4 : 0)
            offset += 4
        }
        let chain = CapabilityChain.walkExtended(builder.space)
        #expect(chain.capabilities.count == CapabilityChain.extendedHopLimit)
        #expect(chain.diagnostics.map(\.kind) == [.hopLimit(limit: 480, space: .extended)])
    }

    @Test func anEmptyHeaderMidChainEndsIt() {
        var builder = SpaceBuilder()
        builder.extended(0x100, id: 1, next: 0x300)
        let chain = CapabilityChain.walkExtended(builder.space)
        #expect(chain.capabilities.count == 1)
        #expect(chain.diagnostics == [Diagnostic(.emptyExtendedHeader, at: 0x300)])
    }
}
