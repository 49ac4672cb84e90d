import Model

/// How a function is named in lists and titles, lspci style.
public enum FunctionText {
    /// `Ethernet controller`, or `Class 0880` when the class is unknown.
    public static func className(_ function: PCIFunction) -> String {
        if let name = function.names.className { return name }
        guard let classCode = function.classCode else { return "Unknown class" }
        return "Class " + HexFormat.hex(UInt64(classCode >> 8), digits: 4)
    }

    /// `Intel Corporation`, or `Vendor 8086`.
    public static func vendorName(_ function: PCIFunction) -> String {
        function.names.vendor ?? "Vendor " + HexFormat.hex(UInt64(function.vendorID), digits: 4)
    }

    /// `Ethernet Controller X710`, or `Device 1572`.
    public static func deviceName(_ function: PCIFunction) -> String {
        function.names.device ?? "Device " + HexFormat.hex(UInt64(function.deviceID), digits: 4)
    }

    /// `8086:1572`.
    public static func ids(_ function: PCIFunction) -> String {
        HexFormat.hex(UInt64(function.vendorID), digits: 4) + ":" + HexFormat.hex(UInt64(function.deviceID), digits: 4)
    }

    /// lspci's line: `Ethernet controller [0200]: Intel Corporation Ethernet Controller X710 [8086:1572] (rev 01)`.
    public static func title(_ function: PCIFunction) -> String {
        var text = className(function)
        // libpci already appends the number for classes it only knows as numbers ("Unassigned class [ffff]").
        if let classCode = function.classCode, !text.hasSuffix("]") {
            text += " [" + HexFormat.hex(UInt64(classCode >> 8), digits: 4) + "]"
        }
        text += ": " + vendorName(function) + " " + deviceName(function) + " [" + ids(function) + "]"
        if let revision = function.space.byte(at: 8), revision != 0 {
            text += " (rev " + HexFormat.byte(revision) + ")"
        }
        return text
    }

    /// `PF, 2 VFs`, `VF of 0000:01:00.0`, or nil.
    public static func relation(_ function: PCIFunction) -> String? {
        switch function.relation {
        case .none: return nil
        case .physicalFunction(let vfs): return "PF, \(vfs.count) VF" + (vfs.count == 1 ? "" : "s")
        case .virtualFunction(let pf): return "VF of " + pf.description
        }
    }

    /// `4096/4096 bytes`, `64/4096 bytes (root needed)`.
    public static func readable(_ function: PCIFunction) -> String {
        var text = "\(function.space.readByteCount)/\(function.space.size) bytes"
        if !function.space.unreadable.isEmpty {
            let holes = function.space.unreadable.count
            text += " (\(holes) hole\(holes == 1 ? "" : "s") in the dump)"
        } else if function.space.readableLength < function.space.size && function.isUnprivilegedRead {
            text += " (root needed)"
        }
        return text
    }

    /// Where the bytes came from: `this host`, `dump host.txt:12`, `demo set`.
    public static func origin(_ origin: FunctionOrigin) -> String {
        switch origin {
        case .host: "this host"
        case .dump(let file, let line): line > 0 ? "dump \(file):\(line)" : "binary dump \(file)"
        case .demo: "built-in demo set"
        }
    }

    /// The header layout: `type 0 (endpoint)`.
    public static func layout(_ layout: HeaderLayout) -> String {
        switch layout {
        case .endpoint: "type 0 (endpoint)"
        case .bridge: "type 1 (PCI-to-PCI bridge)"
        case .cardBus: "type 2 (CardBus bridge)"
        case .reserved(let code): "reserved type \(code)"
        }
    }

    /// The PCIe port type's name.
    public static func portType(_ type: PortType) -> String {
        switch type {
        case .endpoint: "Endpoint"
        case .legacyEndpoint: "Legacy Endpoint"
        case .rootPort: "Root Port"
        case .upstreamPort: "Upstream Port"
        case .downstreamPort: "Downstream Port"
        case .pcieToPCIBridge: "PCIe-to-PCI Bridge"
        case .pciToPCIeBridge: "PCI-to-PCIe Bridge"
        case .rootComplexIntegratedEndpoint: "Root Complex Integrated Endpoint"
        case .rootComplexEventCollector: "Root Complex Event Collector"
        default: "Unknown port type \(type.rawValue)"
        }
    }

    /// A capability's length for titles: `60 bytes`, `length unknown`.
    public static func length(_ length: CapabilityLength) -> String {
        switch length {
        case .fixed(let bytes), .computed(let bytes): "\(bytes) bytes"
        case .unknown: "length unknown"
        }
    }
}
