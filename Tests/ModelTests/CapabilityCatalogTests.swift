import Foundation
import Testing

@testable import Model

@Suite struct CapabilityCatalogTests {
    @Test func everyDefinedIDIsCatalogued() {
        for raw in 0...0x15 {
            let entry = CapabilityCatalog.definition(for: CapabilityID(UInt8(raw)))
            #expect(entry.isKnown, "standard \(raw)")
            #expect(!entry.name.isEmpty && !entry.abbreviation.isEmpty)
        }
        for raw in 0...0x3A {
            let entry = CapabilityCatalog.definition(for: ExtendedCapabilityID(UInt16(raw)))
            #expect(entry.isKnown, "extended \(raw)")
        }
        #expect(!CapabilityCatalog.definition(for: CapabilityID(0x16)).isKnown)
        #expect(!CapabilityCatalog.definition(for: ExtendedCapabilityID(0x3B)).isKnown)
    }

    /// setpci's own register table is the oracle for setpci names: every name it knows must be
    /// ours for the same ID. (Newer pciutils adds CAP_VNDR, ECAP_32GT, ECAP_IDE, ECAP_64GT.)
    @Test(.requires(.setpci)) func setpciNamesMatchSetpci() throws {
        try Requirement.check(.setpci)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Requirement.setpciPath)
        process.arguments = ["--dumpregs"]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        var checked = 0
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: " ")
            guard let name = parts.last, name.hasPrefix("CAP_") || name.hasPrefix("ECAP_"),
                let id = parts.first.flatMap({ Int($0, radix: 16) })
            else { continue }
            let kind: CapabilityKind =
                name.hasPrefix("E") ? .extended(ExtendedCapabilityID(UInt16(id))) : .standard(CapabilityID(UInt8(id)))
            #expect(CapabilityCatalog.definition(for: kind).setpciName == String(name), "\(name)")
            #expect(CapabilityCatalog.kind(named: String(name)) == kind)
            checked += 1
        }
        #expect(checked > 50)
    }

    @Test func findsCapabilitiesByNameAbbreviationAndNumber() {
        #expect(CapabilityCatalog.kind(named: "ecap_pasid") == .extended(.processAddressSpaceID))
        #expect(CapabilityCatalog.kind(named: "PASID") == .extended(.processAddressSpaceID))
        #expect(CapabilityCatalog.kind(named: "CAP10") == .standard(.pciExpress))
        #expect(CapabilityCatalog.kind(named: "ECAP0x2e") == .extended(.dataObjectExchange))
        #expect(CapabilityCatalog.kind(named: "nonsense") == nil)
    }

    static func length(_ kind: CapabilityKind, _ build: (inout SpaceBuilder) -> Void, express: ExpressInfo? = nil)
        -> CapabilityLength
    {
        var builder = SpaceBuilder()
        build(&builder)
        let offset = kind.space == .standard ? 0x40 : 0x100
        return CapabilityCatalog.length(
            of: kind, at: offset, in: builder.space, context: FunctionContext(express: express))
    }

    @Test(arguments: [
        (0x0000 as UInt16, 10), (0x0080, 14), (0x0100, 20), (0x0180, 24), (0x0200, 12), (0x0280, 16), (0x0380, 24),
    ])
    func msiHasFourLayouts(flags: UInt16, length: Int) {
        #expect(Self.length(.standard(.msi), { $0.set16(0x42, flags) }) == .computed(length))
    }

    @Test(arguments: [
        (1, PortType.rootComplexIntegratedEndpoint, 0x0C), (1, .endpoint, 0x14), (1, .downstreamPort, 0x1C),
        (1, .rootPort, 0x24), (2, .rootComplexIntegratedEndpoint, 0x2C), (2, .endpoint, 0x34), (2, .upstreamPort, 0x34),
        (2, .rootPort, 0x3C), (2, .downstreamPort, 0x3C),
    ])
    func pciExpressLengthFollowsVersionAndPortType(version: Int, portType: PortType, length: Int) {
        #expect(
            Self.length(
                .standard(.pciExpress), { $0.express(0x40, next: 0, version: UInt16(version), portType: portType) })
                == .computed(length))
    }

    @Test func vendorLengthsComeFromTheirFieldsAndInvalidOnesAreUnknown() {
        #expect(Self.length(.standard(.vendorSpecific), { $0.bytes[0x42] = 0x14 }) == .computed(0x14))
        #expect(
            Self.length(.standard(.vendorSpecific), { $0.bytes[0x42] = 2 }) == .unknown(.invalidField(0x42, value: 2)))
        #expect(Self.length(.extended(.vendorSpecific), { $0.set32(0x104, 0x0181_0001) }) == .computed(0x18))
        #expect(Self.length(.extended(.designatedVendorSpecific), { $0.set32(0x104, 0x0381_1E98) }) == .computed(0x38))
        #expect(
            Self.length(.extended(.designatedVendorSpecific), { $0.set32(0x104, 0x0081_1E98) })
                == .unknown(.invalidField(0x104, value: 8)))
    }

    @Test func aclEgressVectorAndResizableBARCounts() {
        #expect(Self.length(.extended(.accessControlServices), { $0.set16(0x104, 0x001F) }) == .computed(8))
        #expect(Self.length(.extended(.accessControlServices), { $0.set16(0x104, 0x2020) }) == .computed(12))
        #expect(Self.length(.extended(.accessControlServices), { $0.set16(0x104, 0x0020) }) == .computed(8 + 32))
        #expect(Self.length(.extended(.resizableBAR), { $0.set32(0x108, 3 << 5) }) == .computed(4 + 24))
        #expect(
            Self.length(.extended(.resizableBAR), { $0.set32(0x108, 0) }) == .unknown(.invalidField(0x108, value: 0)))
    }

    @Test func perLaneStructuresNeedTheLinkWidth() {
        let x8 = ExpressInfo(
            offset: 0x40, version: 2, portType: .endpoint, maxLinkWidth: 8, deviceCapabilities2: 0,
            isSlotImplemented: false)
        #expect(Self.length(.extended(.secondaryPCIExpress), { _ in }, express: x8) == .computed(0x0C + 16))
        #expect(Self.length(.extended(.physicalLayer16), { _ in }, express: x8) == .computed(0x20 + 8))
        #expect(Self.length(.extended(.laneMarginingAtReceiver), { _ in }, express: x8) == .computed(0x08 + 32))
        #expect(Self.length(.extended(.secondaryPCIExpress), { _ in }) == .unknown(.linkWidthUnknown))
    }

    @Test func aerGrowsWithRootRegistersAndThePrefixLog() {
        func express(_ type: PortType, _ capabilities2: UInt32) -> ExpressInfo {
            ExpressInfo(
                offset: 0x40, version: 2, portType: type, maxLinkWidth: 1, deviceCapabilities2: capabilities2,
                isSlotImplemented: false)
        }
        #expect(
            Self.length(.extended(.advancedErrorReporting), { _ in }, express: express(.endpoint, 0)) == .computed(0x2C)
        )
        #expect(
            Self.length(.extended(.advancedErrorReporting), { _ in }, express: express(.rootPort, 0)) == .computed(0x38)
        )
        #expect(
            Self.length(.extended(.advancedErrorReporting), { _ in }, express: express(.endpoint, 1 << 21))
                == .computed(0x48))
    }

    @Test func unreadableLengthFieldsMakeTheLengthUnknown() {
        let space = ConfigSpace(bytes: [UInt8](repeating: 0, count: 0x102), size: 4096)
        #expect(
            CapabilityCatalog.length(of: .extended(.vendorSpecific), at: 0x100, in: space, context: FunctionContext())
                == .unknown(.fieldUnreadable(0x104)))
    }
}
