/// A standard (conventional PCI) capability ID, the byte at capability offset +0.
///
/// An open set: hardware can carry IDs this catalog does not know, and they still have a value.
/// The named IDs (`.msi`, `.pciExpress`, ...) are declared with their definitions, one family
/// file each, under `Capabilities/Definitions/Standard`.
public struct CapabilityID: RawRepresentable, Hashable, Sendable {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public init(_ rawValue: UInt8) { self.rawValue = rawValue }
}

/// A PCI Express extended capability ID, bits 15:0 of the extended capability header.
///
/// The named IDs are declared with their definitions under `Capabilities/Definitions/Extended`.
public struct ExtendedCapabilityID: RawRepresentable, Hashable, Sendable {
    public var rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }
    public init(_ rawValue: UInt16) { self.rawValue = rawValue }
}
