import Testing

@testable import Model

@Suite struct FreeSpaceDVSECTests {
    /// A PCIe endpoint with the DVSEC body `body` at 0x200 (after AER at 0x100).
    static func space(body: [UInt8]) -> ConfigSpace {
        var builder = PlacementFixtures.endpoint([(0x100, 0x0001, 1, 0x200), (0x200, 0x0023, 1, 0)])
        for (index, byte) in body.enumerated() { builder.bytes[0x204 + index] = byte }
        return builder.space
    }

    @Test func writesTheDocumentedLayout() {
        let dvsec = FreeSpaceDVSEC(
            ranges: [ConfigRange(0x300, length: 0x100), ConfigRange(0xF00, length: 8)], slots: 3)
        #expect(dvsec.length == 0x18)
        #expect(dvsec.identity == DVSECIdentity(vendorID: 0xFFFF, dvsecID: 0xCF5D, revision: 0, length: 0x18))
        #expect(
            dvsec.body == [
                0xFF, 0xFF, 0x80, 0x01,  // Header 1: vendor ffff, rev 0, length 0x18
                0x5D, 0xCF,  // Header 2: DVSEC ID cf5d
                0x02, 0x00,  // Entry Count 2
                0x00, 0x03, 0x00, 0x01,  // 0x300, 0x100 bytes
                0x00, 0x0F, 0x08, 0x00,  // 0xf00, 8 bytes
                0x00, 0x00, 0x00, 0x00,  // unused slot
            ])
        #expect(FreeSpaceDVSEC(ranges: []).length == 12)
    }

    @Test func readsBackWhatItWrites() throws {
        let dvsec = FreeSpaceDVSEC(
            ranges: [ConfigRange(0x300, length: 0x100), ConfigRange(0xF00, length: 8)], slots: 3)
        let readings = FreeSpaceDVSEC.read(in: FunctionAnalysis(space: Self.space(body: dvsec.body)))
        #expect(readings.count == 1)
        let reading = try #require(readings.first)
        #expect(reading.offset == 0x200 && reading.declaredLength == 0x18)
        #expect(reading.ranges == dvsec.ranges)
        #expect(reading.problems.isEmpty)
    }

    @Test func ignoresOtherDVSECs() {
        var body = FreeSpaceDVSEC(ranges: [ConfigRange(0x300, length: 8)]).body
        body[0] = 0x86
        body[1] = 0x80
        #expect(FreeSpaceDVSEC.read(in: FunctionAnalysis(space: Self.space(body: body))).isEmpty)
    }

    @Test(arguments: [
        (
            [ConfigRange(0x302, length: 8)],
            FreeSpaceDVSECProblem.misalignedEntry(index: 0, ConfigRange(0x302, length: 8))
        ),
        ([ConfigRange(0x300, length: 6)], .misalignedEntry(index: 0, ConfigRange(0x300, length: 6))),
        ([ConfigRange(0x0F0, length: 8)], .entryOutsideExtendedSpace(index: 0, ConfigRange(0x0F0, length: 8))),
        ([ConfigRange(0xFF8, length: 0x10)], .entryOutsideExtendedSpace(index: 0, ConfigRange(0xFF8, length: 0x10))),
        ([ConfigRange(0x1F8, length: 0x10)], .entryOverlapsItself(index: 0, ConfigRange(0x1F8, length: 0x10))),
        (
            [ConfigRange(0x400, length: 8), ConfigRange(0x300, length: 8)],
            .entryOutOfOrder(index: 1, ConfigRange(0x300, length: 8))
        ),
    ])
    func reportsAndSkipsBrokenEntries(ranges: [ConfigRange], problem: FreeSpaceDVSECProblem) throws {
        let body = FreeSpaceDVSEC(ranges: ranges).body
        let reading = try #require(FreeSpaceDVSEC.read(in: FunctionAnalysis(space: Self.space(body: body))).first)
        #expect(reading.problems == [problem])
        #expect(reading.ranges.count == ranges.count - 1)
    }

    @Test func reportsAnUnknownRevisionAndAShortLength() throws {
        var body = FreeSpaceDVSEC(ranges: [ConfigRange(0x300, length: 8)]).body
        body[2] |= 0x01  // revision 1
        let revision = try #require(FreeSpaceDVSEC.read(in: FunctionAnalysis(space: Self.space(body: body))).first)
        #expect(revision.problems == [.unsupportedRevision(1)])
        #expect(revision.ranges.isEmpty)

        var short = FreeSpaceDVSEC(ranges: [ConfigRange(0x300, length: 8)]).body
        short[4 + 2] = 3  // Entry Count 3 in a 16-byte DVSEC
        let length = try #require(FreeSpaceDVSEC.read(in: FunctionAnalysis(space: Self.space(body: short))).first)
        #expect(length.problems == [.lengthTooShort(declared: 16, needed: 24)])
    }

    @Test func aZeroEntryTableIsValid() throws {
        let reading = try #require(
            FreeSpaceDVSEC.read(in: FunctionAnalysis(space: Self.space(body: FreeSpaceDVSEC(ranges: []).body))).first)
        #expect(reading.ranges.isEmpty && reading.problems.isEmpty)
    }
}
