import Model

@testable import Views

/// Explorer states built from the demo set (made by us from QEMU models) and hand-made spaces.
enum Fixtures {
    /// The demo functions as a source gives them, with names as pci.ids would.
    static var demoFunctions: [PCIFunction] {
        let names: [Int: (String, String, String)] = [
            0x0000: ("Host bridge", "Intel Corporation", "82G33/G31/P35/P31 Express DRAM Controller"),
            0x0010: ("PCI bridge", "Red Hat, Inc.", "QEMU PCIe Root port"),
            0x0018: ("PCI bridge", "Red Hat, Inc.", "Device 000e"),
            0x00F8: ("ISA bridge", "Intel Corporation", "82801IB (ICH9) LPC Interface Controller"),
            0x00FA: ("SATA controller", "Intel Corporation", "82801IR/IO/IH (ICH9R/DO/DH) 6 port SATA Controller"),
            0x00FB: ("SMBus", "Intel Corporation", "82801I (ICH9 Family) SMBus Controller"),
            0x0100: ("Non-Volatile memory controller", "Red Hat, Inc.", "QEMU NVM Express Controller"),
            0x0101: ("Non-Volatile memory controller", "Red Hat, Inc.", "QEMU NVM Express Controller"),
            0x0102: ("Non-Volatile memory controller", "Red Hat, Inc.", "QEMU NVM Express Controller"),
            0x0208: ("Ethernet controller", "Intel Corporation", "82540EM Gigabit Ethernet Controller"),
        ]
        let functions = DemoSet.functions().map { entry in
            let name = names[entry.address.routingID]
            return PCIFunction(
                address: entry.address, space: entry.space,
                names: FunctionNames(vendor: name?.1, device: name?.2, className: name?.0), origin: .demo)
        }
        return FunctionTopology.inferringVirtualFunctions(in: functions)
    }

    static func demoState(size: Size, glyphs: GlyphSet = .unicode, preselect: String? = nil) -> AppState {
        AppState(
            functions: demoFunctions, sourceDescription: "built-in demo set", isLive: false, size: size, glyphs: glyphs,
            preselect: preselect.flatMap { PCIAddress(parsing: $0) })
    }

    /// A live-looking single function for re-read tests.
    static func liveState(size: Size = Size(width: 120, height: 40)) -> AppState {
        let functions = demoFunctions.filter { $0.address.routingID == 0x0100 }.map { function in
            var copy = function
            copy.origin = .host
            return copy
        }
        return AppState(
            functions: functions, sourceDescription: "this host", isLive: true, size: size, glyphs: .unicode,
            interval: 1,
            preselect: functions.first?.address, now: 100)
    }

    /// An unprivileged read: 64 of 4096 bytes.
    static func unprivilegedState(size: Size) -> AppState {
        let demo = demoFunctions
        let functions = demo.filter { $0.address.routingID == 0x0100 }.map { function in
            PCIFunction(
                address: function.address,
                space: ConfigSpace(bytes: Array(function.space.bytes.prefix(64)), size: 4096),
                vendorID: function.vendorID, deviceID: function.deviceID, names: function.names, origin: .host,
                isUnprivilegedRead: true)
        }
        return AppState(
            functions: functions, sourceDescription: "this host", isLive: true, size: size, glyphs: .unicode,
            preselect: functions.first?.address)
    }
}
