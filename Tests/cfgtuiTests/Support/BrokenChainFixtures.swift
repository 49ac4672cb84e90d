import Model
import Testing

/// Hand-made configuration spaces with the broken chains real hardware shows. They are our
/// own data, built here, so every case the decoder guards against is compared with lspci.
enum BrokenChainFixtures {
    struct Fixture: CustomTestStringConvertible, Sendable {
        var name: String
        var bytes: [UInt8]
        var deviations: [LspciOracleTests.Deviation]
        var expectedDiagnostics: [String]

        var testDescription: String { name }
        var dumpText: String {
            let address = PCIAddress(domain: 0, bus: 0x42, device: 0, function: 0) ?? PCIAddress(parsing: "00:00.0")
            guard let address else { return "" }
            return String(
                decoding: LspciDump.write([(address, "fixture \(name)", ConfigSpace(bytes: bytes))]), as: UTF8.self)
        }
    }

    /// A space with a header (vendor 0x1234, device 0x5678), Status.CapList set and the
    /// capability pointer at 0x34.
    static func space(size: Int = 4096, capabilityPointer: UInt8 = 0x40) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: size)
        bytes[0] = 0x34
        bytes[1] = 0x12
        bytes[2] = 0x78
        bytes[3] = 0x56
        bytes[6] = 0x10
        bytes[0x0B] = 0x02
        bytes[0x34] = capabilityPointer
        return bytes
    }

    /// A standard capability header.
    static func standard(_ bytes: inout [UInt8], at offset: Int, id: UInt8, next: UInt8) {
        bytes[offset] = id
        bytes[offset + 1] = next
    }

    /// A PCI Express v2 endpoint capability (60 bytes) at `offset`.
    static func express(_ bytes: inout [UInt8], at offset: Int, next: UInt8) {
        standard(&bytes, at: offset, id: 0x10, next: next)
        bytes[offset + 2] = 0x02
        bytes[offset + 0x0C] = 0x11  // Link Capabilities: x1, 2.5 GT/s
    }

    /// An extended capability header.
    static func extended(_ bytes: inout [UInt8], at offset: Int, id: UInt16, version: UInt8 = 1, next: Int) {
        let header = UInt32(id) | UInt32(version) << 16 | UInt32(next) << 20
        for index in 0..<4 { bytes[offset + index] = UInt8(truncatingIfNeeded: header >> (8 * index)) }
    }

    static var all: [Fixture] {
        var fixtures = [Fixture]()

        var intoHeader = space(size: 256)
        standard(&intoHeader, at: 0x40, id: 0x01, next: 0x20)  // PM, then a pointer into the header
        fixtures.append(
            Fixture(
                name: "standard-pointer-into-header", bytes: intoHeader,
                deviations: [.standardPointerIntoHeader], expectedDiagnostics: ["pointerIntoHeader"]))

        var standardLoop = space(size: 256)
        standard(&standardLoop, at: 0x40, id: 0x01, next: 0x50)
        standard(&standardLoop, at: 0x50, id: 0x05, next: 0x40)
        fixtures.append(
            Fixture(name: "standard-loop", bytes: standardLoop, deviations: [], expectedDiagnostics: ["chainLoop"]))

        var misaligned = space(size: 256, capabilityPointer: 0x41)
        standard(&misaligned, at: 0x40, id: 0x01, next: 0x53)
        standard(&misaligned, at: 0x50, id: 0x09, next: 0)
        misaligned[0x52] = 4
        fixtures.append(
            Fixture(
                name: "misaligned-pointers", bytes: misaligned, deviations: [],
                expectedDiagnostics: ["misalignedPointer"]))

        var brokenID = space(size: 256)
        standard(&brokenID, at: 0x40, id: 0x01, next: 0x60)
        standard(&brokenID, at: 0x60, id: 0xFF, next: 0x70)
        fixtures.append(
            Fixture(name: "standard-id-ff", bytes: brokenID, deviations: [], expectedDiagnostics: ["brokenChain"]))

        var nullStandard = space(size: 256)
        standard(&nullStandard, at: 0x40, id: 0x00, next: 0x50)
        standard(&nullStandard, at: 0x50, id: 0x01, next: 0)
        fixtures.append(
            Fixture(name: "standard-null", bytes: nullStandard, deviations: [], expectedDiagnostics: ["nullCapability"])
        )

        var belowExtended = space()
        express(&belowExtended, at: 0x40, next: 0)
        extended(&belowExtended, at: 0x100, id: 0x0001, next: 0x40)  // lspci reads the PCIe header as SR-IOV
        fixtures.append(
            Fixture(
                name: "extended-pointer-below-0x100", bytes: belowExtended,
                deviations: [.extendedPointerBelow0x100], expectedDiagnostics: ["pointerBelowExtendedSpace"]))

        var extendedLoop = space()
        express(&extendedLoop, at: 0x40, next: 0)
        extended(&extendedLoop, at: 0x100, id: 0x0001, version: 2, next: 0x148)
        extended(&extendedLoop, at: 0x148, id: 0x0003, next: 0x100)
        fixtures.append(
            Fixture(name: "extended-loop", bytes: extendedLoop, deviations: [], expectedDiagnostics: ["chainLoop"]))

        var nullFirst = space()
        express(&nullFirst, at: 0x40, next: 0)
        extended(&nullFirst, at: 0x100, id: 0x0000, version: 0, next: 0x200)
        extended(&nullFirst, at: 0x200, id: 0x000F, next: 0)
        fixtures.append(
            Fixture(
                name: "extended-null-placeholder", bytes: nullFirst, deviations: [],
                expectedDiagnostics: ["nullCapability"]))

        var allOnesHeader = space()
        express(&allOnesHeader, at: 0x40, next: 0)
        extended(&allOnesHeader, at: 0x100, id: 0x0001, version: 2, next: 0x150)
        for index in 0x150..<0x154 { allOnesHeader[index] = 0xFF }
        fixtures.append(
            Fixture(
                name: "extended-all-ones-header", bytes: allOnesHeader, deviations: [],
                expectedDiagnostics: ["allOnesExtendedHeader"]))

        var truncated = space(size: 0x180)
        express(&truncated, at: 0x40, next: 0)
        extended(&truncated, at: 0x100, id: 0x0001, version: 2, next: 0x200)
        fixtures.append(
            Fixture(
                name: "extended-past-readable", bytes: truncated, deviations: [],
                expectedDiagnostics: ["pointerPastReadable"]))

        var aliased = space(size: 256)
        express(&aliased, at: 0x40, next: 0)
        aliased = Array((0..<16).map { _ in aliased }.joined())
        fixtures.append(
            Fixture(
                name: "aliased-4k", bytes: aliased, deviations: [.aliasedExtendedSpace],
                expectedDiagnostics: ["extendedSpaceAliased"]))

        var pcixVersion1 = space()
        standard(&pcixVersion1, at: 0x40, id: 0x07, next: 0)
        extended(&pcixVersion1, at: 0x100, id: 0x0001, next: 0)
        fixtures.append(
            Fixture(
                name: "pcix-v1-with-4k", bytes: pcixVersion1,
                deviations: [.pcixVersion1HasNoExtendedSpace], expectedDiagnostics: ["extendedDataWithoutExpress"]))

        var overlap = space()
        express(&overlap, at: 0x40, next: 0x60)  // PCIe v2 endpoint runs to 0x74
        standard(&overlap, at: 0x60, id: 0x01, next: 0)
        fixtures.append(
            Fixture(name: "overlapping-structures", bytes: overlap, deviations: [], expectedDiagnostics: ["overlap"]))

        var nonRoot = space(size: 64)
        fixtures.append(
            Fixture(
                name: "unprivileged-64-bytes", bytes: nonRoot, deviations: [],
                expectedDiagnostics: ["pointerPastReadable", "partialRead"]))
        nonRoot[0] = 0

        fixtures.append(
            Fixture(
                name: "all-ones", bytes: [UInt8](repeating: 0xFF, count: 4096), deviations: [],
                expectedDiagnostics: ["allOnesFunction"]))
        return fixtures
    }
}
