/// A register field's access attribute (PCIe Base Spec §7.4, "Configuration Register Types").
///
/// The raw value is the specification's abbreviation.
public enum RegisterAccess: String, Hashable, Sendable, CaseIterable {
    /// Read-only; writes are ignored.
    case readOnly = "RO"
    /// Read-write.
    case readWrite = "RW"
    /// Reads the status; writing 1 clears the bit, writing 0 has no effect.
    case writeOneToClear = "RW1C"
    /// Reserved; software must write back what it read. The simulator ignores writes.
    case reservedPreserve = "RsvdP"
    /// Reserved; reads 0, software must write 0.
    case reservedZero = "RsvdZ"
    /// Set by hardware or firmware at initialisation, then read-only.
    case hardwareInit = "HwInit"
    /// Read-only, sticky (kept across FLR and hot reset).
    case readOnlySticky = "ROS"
    /// Read-write, sticky.
    case readWriteSticky = "RWS"
    /// Write-1-to-clear, sticky.
    case writeOneToClearSticky = "RW1CS"
    /// A write triggers an action; reads return 0 (FLR, PRI Reset, Retrain Link).
    case writeOnlyReadsZero = "WO"
    /// Defined by the vendor (vendor-specific and designated vendor-specific bodies).
    case vendorDefined = "Vendor"

    /// RsvdP or RsvdZ.
    public var isReserved: Bool { self == .reservedPreserve || self == .reservedZero }

    /// Whether software can change the bit (the simulator's view).
    public var isWritable: Bool {
        switch self {
        case .readWrite, .readWriteSticky, .writeOneToClear, .writeOneToClearSticky, .writeOnlyReadsZero,
            .vendorDefined:
            true
        case .readOnly, .reservedPreserve, .reservedZero, .hardwareInit, .readOnlySticky:
            false
        }
    }
}
