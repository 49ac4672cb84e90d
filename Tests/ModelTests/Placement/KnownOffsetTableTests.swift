import Testing

@testable import Model

@Suite struct KnownOffsetTableTests {
    static let text = """
        # cfgtui placement table
        8086:191e  pasid=0x100 ats=200 pri=0x300 reserve=0x50-0x51   # Skylake GT2, pciutils tests
        \t
        19a2:*     reserve=0xa0-0xaf reserve=FC-FF
        1b36:0010  dvsec=0xe00 PASID=0xff8\r
        """

    @Test func parsesEntriesWithOffsetsReservedRangesSourcesAndLines() throws {
        let table = try KnownOffsetTable.parse(Self.text, file: "t.table")
        #expect(table.entries.count == 3)
        let skylake = table.entries[0]
        #expect(skylake.vendorID == 0x8086 && skylake.deviceID == 0x191E)
        #expect(skylake.offsets == [.pasid: 0x100, .ats: 0x200, .pri: 0x300])
        #expect(skylake.reserved == [ConfigRange(0x50, length: 2)])
        #expect(skylake.source == "Skylake GT2, pciutils tests")
        #expect(skylake.origin == TableOrigin(file: "t.table", line: 2))
        let be2net = table.entries[1]
        #expect(be2net.deviceID == nil)
        #expect(be2net.reserved == [ConfigRange(0xA0, length: 16), ConfigRange(0xFC, length: 4)])
        #expect(be2net.origin?.line == 4)
        #expect(table.entries[2].offsets == [.dvsec: 0xE00, .pasid: 0xFF8])
    }

    @Test func matchesByVendorAndDeviceWithWildcards() throws {
        let table = try KnownOffsetTable.parse(Self.text, file: "t")
        #expect(table.entries(vendorID: 0x19A2, deviceID: 0x0710).count == 1)
        #expect(table.entries(vendorID: 0x8086, deviceID: 0x191E).count == 1)
        #expect(table.entries(vendorID: 0x8086, deviceID: 0x191F).isEmpty)
        #expect(table.merging(table).entries(vendorID: 0x19A2, deviceID: 0).count == 2)
    }

    @Test(arguments: [
        ("8086 pasid=0x100", 1, KnownOffsetTableProblem.malformedIDs("8086")),
        ("808:191e pasid=0x100", 1, .malformedIDs("808:191e")),
        ("8086:191e", 1, .noItems),
        ("# ok\n8086:191e pasid", 2, .malformedItem("pasid")),
        ("8086:191e msi=0x100", 1, .unknownItem("msi=0x100")),
        ("8086:191e pasid=0x1000", 1, .malformedOffset("0x1000")),
        ("8086:191e pasid=zz", 1, .malformedOffset("zz")),
        ("8086:191e pasid=0x0f8", 1, .offsetNotInExtendedSpace("0x0f8")),
        ("8086:191e pasid=0x102", 1, .offsetNotInExtendedSpace("0x102")),
        ("\n\n8086:191e reserve=0xaf-0xa0", 3, .malformedRange("0xaf-0xa0")),
        ("8086:191e reserve=0xa0", 1, .malformedRange("0xa0")),
        ("8086:191e pri=0x100 pri=0x200", 1, .duplicateCapability("pri")),
    ])
    func errorsNameTheFileAndLine(text: String, line: Int, problem: KnownOffsetTableProblem) {
        #expect(throws: KnownOffsetTableError(file: "mine.table", line: line, problem: problem)) {
            try KnownOffsetTable.parse(text, file: "mine.table")
        }
    }

    @Test func builtInEntriesAreSourcedAndConsistent() {
        let table = KnownOffsetTable.builtIn
        #expect(table.entries.count >= 10)
        for entry in table.entries {
            #expect(!entry.source.isEmpty)
            #expect(entry.origin == nil)
            for offset in entry.offsets.values {
                #expect(offset.isDwordAligned && offset.rawValue >= 0x100 && offset.rawValue <= 0xFF8)
            }
            let ranges = entry.reserved.sorted { $0.start < $1.start }
            for (first, second) in zip(ranges, ranges.dropFirst()) { #expect(!first.overlaps(second)) }
        }
        // The be2net hidden registers (docs/placement.md, Built-in entries) on every be2net ID, VFs included.
        for (vendor, device) in [(UInt16(0x19A2), UInt16(0x0710)), (0x10DF, 0xE228), (0x10DF, 0x0728)] {
            let reserved = table.entries(vendorID: vendor, deviceID: device).flatMap(\.reserved)
            #expect(reserved.contains(ConfigRange(0xA0, length: 16)))
            #expect(reserved.contains(ConfigRange(0xFC, length: 4)))
        }
        #expect(
            table.entries(vendorID: 0x8086, deviceID: 0x191E).first?.offsets == [
                .pasid: 0x100, .ats: 0x200, .pri: 0x300,
            ])
    }

    @Test(.requires(.corpus)) func builtInOffsetsMatchTheCorpusDumpsTheyCite() throws {
        try Requirement.check(.corpus)
        let cited: [(String, UInt16, UInt16)] = [
            ("raw/001", 0x8086, 0x191E), ("raw/002", 0x8086, 0x0B25), ("raw/003", 0x1002, 0x7300),
            ("raw/004", 0x8086, 0x0D93), ("raw/081", 0x1002, 0x731F),
        ]
        for (prefix, vendor, device) in cited {
            let function = try #require(try PlacementFixtures.corpusFunction(prefix))
            let analysis = FunctionAnalysis(space: function.space)
            let entry = try #require(KnownOffsetTable.builtIn.entries(vendorID: vendor, deviceID: device).first)
            for (kind, offset) in entry.offsets {
                #expect(analysis.capability(.extended(kind.extendedID))?.offset == offset, "\(prefix) \(kind)")
            }
        }
    }
}
