/// What the catalog knows about one capability ID.
public struct CapabilityDescriptor: Hashable, Sendable {
    /// The specification's name, e.g. "Process Address Space ID".
    public var name: String
    /// A short label for legends and narrow columns, e.g. "PASID".
    public var abbreviation: String
    /// The name setpci accepts for it (`CAP_PM`, `ECAP_PASID`), when setpci has one.
    public var setpciName: String?
    /// How the structure's length is established.
    public var lengthRule: LengthRule
    /// Whether the ID is defined by the specifications this catalog covers.
    public var isKnown: Bool

    public init(name: String, abbreviation: String, setpciName: String?, lengthRule: LengthRule, isKnown: Bool = true) {
        self.name = name
        self.abbreviation = abbreviation
        self.setpciName = setpciName
        self.lengthRule = lengthRule
        self.isKnown = isKnown
    }
}

/// How a capability's length is established (see `CapabilityCatalog.length(of:at:in:context:)`).
public enum LengthRule: Hashable, Sendable {
    /// A fixed number of bytes.
    case fixed(Int)
    /// MSI: 10, +4 with 64-bit addresses, +10 with per-vector masking (Message Control at +2).
    case msi
    /// PCI-X: 8 (version 0) or 24 (ECC registers) for type 0; 16 for a version-0 bridge.
    case pcix
    /// HyperTransport: by the capability type in bits 15:11 at +2.
    case hyperTransport
    /// Vendor-specific: the length byte at +2.
    case vendorSpecificByte
    /// PCI Express: by capability version and device/port type.
    case pciExpress
    /// SATA: 16 when the index/data pair is in config space, else 8.
    case sata
    /// Enhanced Allocation: header plus each entry's size.
    case enhancedAllocation
    /// AER: 0x2C, 0x38 for root ports and RCECs, 0x48 with the TLP Prefix Log.
    case advancedErrorReporting
    /// VC / MFVC: 0x10 + 0x0C per VC resource, plus arbitration tables.
    case virtualChannel
    /// VSEC and DVSEC: the 12-bit length field in bits 31:20 at +4.
    case vendorLengthField
    /// ACS: 8, plus the egress control vector.
    case accessControlServices
    /// Resizable BAR / VF Resizable BAR: 4 + 8 per BAR.
    case resizableBAR
    /// Dynamic Power Allocation: 0x10 + one byte per substate.
    case dynamicPowerAllocation
    /// TPH Requester: 0x0C, plus the ST table when it lives in the capability.
    case tphRequester
    /// Multicast: 0x28 for endpoints, 0x30 for ports (Overlay BAR).
    case multicast
    /// RC Link Declaration: 0x10 + 0x10 per link entry.
    case rootComplexLinkDeclaration
    /// RCEC Endpoint Association: 8, or 0x0C from version 2 (bus number range).
    case rcecAssociation
    /// DPC: 0x0C, or 0x20 + the RP PIO log with Root Port extensions.
    case downstreamPortContainment
    /// IDE: header, link streams and selective streams with their address blocks.
    case integrityAndDataEncryption
    /// A fixed part plus `bytesPerLane` for each lane of the maximum link width.
    case perLane(base: Int, bytesPerLane: Int)
    /// No length is catalogued for this ID.
    case unknown
}
