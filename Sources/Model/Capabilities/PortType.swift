/// The PCI Express Device/Port Type (PCI Express Capabilities register bits 7:4).
public struct PortType: RawRepresentable, Hashable, Sendable {
    public var rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    public static let endpoint = PortType(rawValue: 0x0)
    public static let legacyEndpoint = PortType(rawValue: 0x1)
    public static let rootPort = PortType(rawValue: 0x4)
    public static let upstreamPort = PortType(rawValue: 0x5)
    public static let downstreamPort = PortType(rawValue: 0x6)
    public static let pcieToPCIBridge = PortType(rawValue: 0x7)
    public static let pciToPCIeBridge = PortType(rawValue: 0x8)
    public static let rootComplexIntegratedEndpoint = PortType(rawValue: 0x9)
    public static let rootComplexEventCollector = PortType(rawValue: 0xA)

    /// Root ports and event collectors carry the root registers (Root Control/Status, AER root registers).
    public var hasRootRegisters: Bool { self == .rootPort || self == .rootComplexEventCollector }
    /// Ports below which a slot can be implemented.
    public var isDownstreamFacing: Bool { self == .rootPort || self == .downstreamPort }
    /// Functions without a link of their own.
    public var isRootComplexIntegrated: Bool {
        self == .rootComplexIntegratedEndpoint || self == .rootComplexEventCollector
    }
    /// Whether the value is one the specification defines.
    public var isDefined: Bool { [0, 1, 4, 5, 6, 7, 8, 9, 10].contains(rawValue) }
}

/// Facts from a function's PCI Express capability that other structures depend on.
public struct ExpressInfo: Hashable, Sendable {
    /// Where the PCI Express capability sits.
    public var offset: ConfigOffset
    /// Capability version (bits 3:0 of PCI Express Capabilities).
    public var version: Int
    /// Device/port type.
    public var portType: PortType
    /// Maximum Link Width from Link Capabilities, when readable and non-zero.
    public var maxLinkWidth: Int?
    /// Device Capabilities 2, when the structure has it and it is readable.
    public var deviceCapabilities2: UInt32?
    /// Slot Implemented (bit 8 of PCI Express Capabilities).
    public var isSlotImplemented: Bool

    public init(
        offset: ConfigOffset, version: Int, portType: PortType, maxLinkWidth: Int?, deviceCapabilities2: UInt32?,
        isSlotImplemented: Bool
    ) {
        self.offset = offset
        self.version = version
        self.portType = portType
        self.maxLinkWidth = maxLinkWidth
        self.deviceCapabilities2 = deviceCapabilities2
        self.isSlotImplemented = isSlotImplemented
    }

    /// End-End TLP Prefix Supported (Device Capabilities 2 bit 21): AER then has a TLP Prefix Log.
    public var supportsEndEndTLPPrefix: Bool { (deviceCapabilities2 ?? 0) & (1 << 21) != 0 }

    /// Reads the facts from the PCI Express capability at `offset`.
    public init?(capabilityAt offset: Int, in space: ConfigSpace) {
        guard let flags = space.word(at: offset + 2) else { return nil }
        let version = Int(flags & 0xF)
        let portType = PortType(rawValue: Int(flags >> 4) & 0xF)
        var width: Int?
        if !portType.isRootComplexIntegrated, let linkCapabilities = space.dword(at: offset + 0x0C) {
            let value = Int(linkCapabilities >> 4) & 0x3F
            width = value == 0 ? nil : value
        }
        let capabilities2 = version >= 2 ? space.dword(at: offset + 0x24) : nil
        self.init(
            offset: ConfigOffset(offset), version: version, portType: portType, maxLinkWidth: width,
            deviceCapabilities2: capabilities2, isSlotImplemented: flags & 0x100 != 0)
    }
}

/// What the decoders need to know about the function a structure belongs to.
public struct FunctionContext: Hashable, Sendable {
    /// The header layout.
    public var headerLayout: HeaderLayout
    /// The PCI Express capability's facts, when the function has one.
    public var express: ExpressInfo?
    /// Whether the function is an SR-IOV virtual function (from sysfs or its PF's SR-IOV capability).
    public var isVirtualFunction: Bool
    /// The function's address, when known (VF routing IDs are computed from it).
    public var address: PCIAddress?

    public init(
        headerLayout: HeaderLayout = .endpoint, express: ExpressInfo? = nil, isVirtualFunction: Bool = false,
        address: PCIAddress? = nil
    ) {
        self.headerLayout = headerLayout
        self.express = express
        self.isVirtualFunction = isVirtualFunction
        self.address = address
    }
}
