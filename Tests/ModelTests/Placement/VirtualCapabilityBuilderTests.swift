import Testing

@testable import Model

@Suite struct VirtualCapabilityBuilderTests {
    typealias F = PlacementFixtures

    @Test(
        arguments: [
            (UInt16(0x1406), PASIDBits(maxWidth: 20, executeSupported: true, privilegedSupported: true)),
            (0x1002, PASIDBits(maxWidth: 16, executeSupported: true, privilegedSupported: false)),
            (0x0004, PASIDBits(maxWidth: 0, executeSupported: false, privilegedSupported: true)),
            // Reserved bits on the PF (0, 7:3, 15:13) are not copied.
            (0xE0F9, PASIDBits(maxWidth: 0, executeSupported: false, privilegedSupported: false)),
        ] as [(UInt16, PASIDBits)])
    func pasidCopiesWidthExecuteAndPrivilegedFromThePF(register: UInt16, expected: PASIDBits) throws {
        let pf = F.physicalFunction(pasid: register).space
        let contents = try VirtualCapabilityBuilder.contents(for: .pasid, physicalFunction: pf)
        #expect(contents.bits == .pasid(expected))
        #expect(contents.bitsSource == .physicalFunction(0x170))
        #expect(
            contents.body == [UInt8(expected.capabilityRegister & 0xFF), UInt8(expected.capabilityRegister >> 8), 0, 0])
    }

    @Test func priCopiesCapacityAndPASIDRequiredWithControlCleared() throws {
        // The PF's PRI is enabled and has errors latched: none of that is copied.
        var pf = F.physicalFunction(priStatus: 0x8003, priCapacity: 0x8000)
        pf.set16(0x164, 0x0001)
        pf.set32(0x16C, 0x40)
        let contents = try VirtualCapabilityBuilder.contents(for: .pri, physicalFunction: pf.space)
        #expect(contents.bits == .pri(PRIBits(outstandingCapacity: 0x8000, prgResponsePASIDRequired: true)))
        #expect(contents.body == [0, 0, 0x00, 0x81, 0x00, 0x80, 0x00, 0x00, 0, 0, 0, 0])

        let without = try VirtualCapabilityBuilder.contents(
            for: .pri, physicalFunction: F.physicalFunction(priStatus: 0x0100, priCapacity: 1).space)
        #expect(without.body == [0, 0, 0x00, 0x01, 0x01, 0, 0, 0, 0, 0, 0, 0])
    }

    @Test func atsKeepsThePFsCapabilityBitsButNotItsQueueDepth() throws {
        let contents = try VirtualCapabilityBuilder.contents(
            for: .ats, physicalFunction: F.physicalFunction(ats: 0x0065).space)
        #expect(contents.bits == .ats(capabilityRegister: 0x0060))
        #expect(contents.body == [0x60, 0x00, 0x00, 0x00])
        let none = try VirtualCapabilityBuilder.contents(for: .ats, physicalFunction: nil)
        #expect(none.bitsSource == .cleared && none.body == [0, 0, 0, 0])
    }

    @Test func optionsReplaceThePFsBits() throws {
        let pf = F.physicalFunction().space
        let pasid = try VirtualCapabilityBuilder.contents(
            for: .pasid, physicalFunction: pf, pasidOptions: PASIDBits(maxWidth: 8, privilegedSupported: true))
        #expect(pasid.bitsSource == .options)
        #expect(pasid.body == [0x04, 0x08, 0, 0])
        let pri = try VirtualCapabilityBuilder.contents(
            for: .pri, physicalFunction: nil, priOptions: PRIBits(outstandingCapacity: 0x20))
        #expect(pri.body == [0, 0, 0x00, 0x01, 0x20, 0, 0, 0, 0, 0, 0, 0])
    }

    @Test func refusesMissingBitsAndWidthsAbove20() {
        #expect(throws: PlacementError.missingCapabilityBits(.pasid)) {
            try VirtualCapabilityBuilder.contents(for: .pasid, physicalFunction: F.aerAndDSN().space)
        }
        #expect(throws: PlacementError.missingCapabilityBits(.pri)) {
            try VirtualCapabilityBuilder.contents(for: .pri, physicalFunction: nil)
        }
        #expect(throws: PlacementError.invalidPASIDWidth(21)) {
            try VirtualCapabilityBuilder.contents(
                for: .pasid, physicalFunction: nil, pasidOptions: PASIDBits(maxWidth: 21))
        }
    }

    @Test func dvsecHeadersCarryItsIdentity() throws {
        let identity = DVSECIdentity(vendorID: 0x1E98, dvsecID: 0x0003, revision: 2, length: 20)
        let contents = try VirtualCapabilityBuilder.contents(for: .dvsec(identity), physicalFunction: nil)
        #expect(contents.body.count == 16)
        #expect(Array(contents.body.prefix(6)) == [0x98, 0x1E, 0x42, 0x01, 0x03, 0x00])
        #expect(contents.body.dropFirst(6).allSatisfy { $0 == 0 })
        #expect(VirtualCapability.dvsec(identity).length == 20)
    }

    @Test func lengthsAndIDsFollowTheSpecification() {
        #expect(VirtualCapability.pasid.length == 8 && VirtualCapability.pasid.extendedID.rawValue == 0x1B)
        #expect(VirtualCapability.pri.length == 16 && VirtualCapability.pri.extendedID.rawValue == 0x13)
        #expect(VirtualCapability.ats.length == 8 && VirtualCapability.ats.extendedID.rawValue == 0x0F)
        #expect(VirtualCapabilityKind.freeSpaceDVSEC.extendedID.rawValue == 0x23)
    }
}
