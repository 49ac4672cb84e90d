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

    /// How much of the function was read: `4096/4096 bytes`, `conventional PCI space only (256
    /// bytes)`, `64 bytes readable without root (of 4096)`, `200/256 bytes (rest not read)`,
    /// `4080/4096 bytes (1 hole in the dump)`.
    public static func readable(_ function: PCIFunction) -> String {
        readable(function.space, isUnprivilegedRead: function.isUnprivilegedRead)
    }

    /// The same for a space: what `list`, `show` and the explorer's map title say.
    public static func readable(_ space: ConfigSpace, isUnprivilegedRead: Bool) -> String {
        if !space.unreadable.isEmpty {
            let holes = space.unreadable.count
            return "\(space.readByteCount)/\(space.size) bytes (\(holes) hole\(holes == 1 ? "" : "s") in the dump)"
        }
        if space.readableLength < space.size {
            if isUnprivilegedRead { return "\(space.readableLength) bytes readable without root (of \(space.size))" }
            return "\(space.readableLength)/\(space.size) bytes (rest not read)"
        }
        if space.size == ConfigSpace.conventionalSize {
            return "conventional PCI space only (\(ConfigSpace.conventionalSize) bytes)"
        }
        return "\(space.readableLength)/\(space.size) bytes"
    }

    /// `readable` as a sentence part after the source (`show`): `4096/4096 bytes readable`,
    /// and the descriptions that say it themselves as they are.
    public static func readableClause(_ function: PCIFunction) -> String {
        let space = function.space
        let isPlain =
            space.unreadable.isEmpty && space.readableLength >= space.size && space.size != ConfigSpace.conventionalSize
        return readable(function) + (isPlain ? " readable" : "")
    }

    /// Where the bytes came from: `this host`, `dump host.txt:12`, `demo set`.
    public static func origin(_ origin: FunctionOrigin) -> String {
        switch origin {
        case .host: "this host"
        case .dump(let file, let line):
            // File names can hold any byte but / and NUL: a line feed would forge a line.
            line > 0 ? "dump \(TerminalSafety.escaped(file)):\(line)" : "binary dump \(TerminalSafety.escaped(file))"
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
