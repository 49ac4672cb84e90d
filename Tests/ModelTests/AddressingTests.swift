import Testing

@testable import Model

@Suite struct AddressingTests {
    @Test(arguments: [
        ("00:1f.3", "0000:00:1f.3"), ("0001:3a:00.1", "0001:3a:00.1"), ("10000:00:02.0", "10000:00:02.0"),
    ])
    func parsesAndFormatsAddresses(text: String, canonical: String) {
        #expect(PCIAddress(parsing: text)?.description == canonical)
    }

    @Test(arguments: ["00:20.0", "00:1f.8", "100:00.0", "00-1f.0", "", "0:0:0:0.0"])
    func rejectsMalformedAddresses(text: String) {
        #expect(PCIAddress(parsing: text) == nil)
    }

    @Test func routingIDsRoundTrip() {
        let address = PCIAddress(domain: 2, bus: 0x3a, device: 0x1f, function: 7)
        #expect(address?.routingID == 0x3aff)
        #expect(PCIAddress(domain: 2, routingID: 0x3aff) == address)
        #expect(PCIAddress(domain: 0, routingID: 0x10000) == nil)
    }

    @Test func slotFiltersWorkLikeLspci() throws {
        let address = try #require(PCIAddress(parsing: "0001:3a:00.1"))
        for (slot, matches) in [
            ("3a:00.1", true), ("0001:3a:00.1", true), ("0000:3a:00.1", false), ("3a:", true), ("3a:00", true),
            (".1", true), (".2", false), ("00.1", true), ("*:*.*", true), ("3b:", false),
        ] {
            var filter = DeviceFilter()
            try filter.parseSlot(slot)
            #expect(
                filter.matches(address, vendorID: 0x8086, deviceID: 0x1572, classCode: 0x0200) == matches, "\(slot)")
        }
    }

    @Test func idFiltersWorkLikeLspci() throws {
        let address = try #require(PCIAddress(parsing: "00:00.0"))
        for (ids, matches) in [
            ("8086:", true), (":1572", true), ("8086:1572", true), ("10de:", false), ("8086::0200", true), (":", true),
        ] {
            var filter = DeviceFilter()
            try filter.parseID(ids)
            #expect(filter.matches(address, vendorID: 0x8086, deviceID: 0x1572, classCode: 0x0200) == matches, "\(ids)")
        }
        var filter = DeviceFilter()
        #expect(throws: DeviceFilterError.malformedID("8086")) { try filter.parseID("8086") }
        #expect(throws: DeviceFilterError.malformedSlot("zz:00.0")) { try filter.parseSlot("zz:00.0") }
    }
}
