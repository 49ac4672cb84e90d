/// What one simulated access did: the access, the values before and after in the guest's view
/// and in the device, what happened to each bit, and the notes.
///
/// In the device model the guest is the device, so both pairs of values are equal.
public struct WriteRecord: Hashable, Sendable {
    /// The step number, from 0.
    public var step: Int
    public var access: ConfigAccess
    /// For a write, the value written over the whole width (a masked write's unmasked bits are
    /// the value read just before, as setpci does); for a read, the value read.
    public var value: UInt32
    /// The guest's view of the accessed bytes before and after.
    public var guestBefore: UInt32
    public var guestAfter: UInt32
    /// The device's bytes before and after.
    public var deviceBefore: UInt32
    public var deviceAfter: UInt32
    /// What happened to each written bit (all zero for a read).
    public var bits: WriteBits
    /// Which bytes of the access reached the device as writes (bit n: byte n), and the values
    /// those writes carried (vfio's read-modify-write merges the bytes it did not change).
    public var deviceWriteBytes: UInt8
    public var deviceWriteValue: UInt32
    public var notes: [WriteNote]

    public init(
        step: Int, access: ConfigAccess, value: UInt32, guestBefore: UInt32, guestAfter: UInt32,
        deviceBefore: UInt32, deviceAfter: UInt32, bits: WriteBits = WriteBits(), deviceWriteBytes: UInt8 = 0,
        deviceWriteValue: UInt32 = 0, notes: [WriteNote] = []
    ) {
        self.step = step
        self.access = access
        self.value = value
        self.guestBefore = guestBefore
        self.guestAfter = guestAfter
        self.deviceBefore = deviceBefore
        self.deviceAfter = deviceAfter
        self.bits = bits
        self.deviceWriteBytes = deviceWriteBytes
        self.deviceWriteValue = deviceWriteValue
        self.notes = notes
    }

    /// Whether the access was a read.
    public var isRead: Bool { !access.isWrite }

    /// The notes that are warnings.
    public var warnings: [WriteNote] { notes.filter { $0.severity >= .warning } }
}

/// Something about the simulation as a whole, known before the first access.
public enum SimulationNote: Hashable, Sendable {
    /// Only `readable` of `size` bytes were read: accesses past them are refused.
    case partialRead(readable: Int, size: Int)
    /// These BARs have no known size: their writes are dropped.
    case barSizesUnknown([BARSlot])
    /// vfio removes this capability from the guest's list; its bytes become unassigned (raw).
    case hiddenCapability(CapabilityKind, at: ConfigOffset)
    /// vfio keeps this hidden capability as a placeholder at 0x100 (ID and version 0).
    case placeholder(CapabilityKind, at: ConfigOffset)
    /// A virtual capability is added to the guest's list at this offset.
    case virtualCapability(ExtendedCapabilityID, at: ConfigOffset, length: Int)
    /// The function is a VF and its PF is not in the source: VF BAR type bits and the PF's
    /// PASID/PRI state are unknown.
    case physicalFunctionUnknown
    /// The VF's PF has this capability enabled or not.
    case physicalFunctionCapability(ExtendedCapabilityID, enabled: Bool)
    /// Gaps: how writes outside every structure are treated, and how many gaps held data.
    case gaps(GapPolicy, count: Int, withData: Int)
    /// What the kernel did to the device while opening it for vfio, or the interrupt setup.
    case vfioOpen(VfioOpenStep)
    /// What QEMU's vfio-pci layer did at realize and at the first reset.
    case qemu(QemuChange)

    public var severity: DiagnosticSeverity {
        switch self {
        case .partialRead, .barSizesUnknown, .physicalFunctionUnknown: .warning
        case .gaps(_, _, let withData): withData > 0 ? .warning : .info
        case .hiddenCapability, .placeholder, .virtualCapability, .physicalFunctionCapability, .vfioOpen: .info
        case .qemu(let change):
            switch change {
            case .virtualPASIDRefused, .barSizeUnknown, .virtualPASIDDefaultOffset, .standardListUnreadable: .warning
            default: .info
            }
        }
    }
}
