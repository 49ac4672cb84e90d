/// Why the write simulator refused an access or could not be set up.
public enum WriteEmulationError: Error, Hashable, Sendable {
    /// The access is not naturally aligned (a word at an odd offset, a dword not at a multiple of 4).
    case misaligned(offset: Int, width: AccessWidth)
    /// The access reaches outside the function's configuration space (256 or 4096 bytes).
    case outOfRange(offset: Int, width: AccessWidth, size: Int)
    /// Some of the bytes were not read from the source (a non-root sysfs read gives 64), so
    /// there is nothing to simulate them with.
    case unreadable(offset: Int, width: AccessWidth, readable: Int)
    /// Some of the bytes lie in a hole the dump left (a missing or malformed hex line).
    case inHole(offset: Int, width: AccessWidth, hole: ConfigRange)
    /// The value has bits above the access width.
    case valueTooWide(value: UInt32, width: AccessWidth)
    /// The mask has bits above the access width.
    case maskTooWide(mask: UInt32, width: AccessWidth)
    /// Fewer than 64 bytes were read: not even the header can be simulated.
    case headerUnreadable(readable: Int)
    /// vfio-pci binds only type 0 (endpoint) functions; bridges cannot be assigned.
    case vfioNeedsEndpoint(HeaderLayout)
    /// A virtual capability does not fit: misaligned, below 0x100, past the end of the space,
    /// or too short for an extended capability header.
    case virtualCapabilityOutOfRange(ConfigRange)
    /// A virtual capability covers bytes vfio gives to another structure (the header, a kept
    /// capability or another virtual capability).
    case virtualCapabilityOverlaps(ConfigRange, existing: ConfigOffset)
    /// A virtual capability does not decode as it was described: another ID at its offset
    /// (nil: none), or its own bytes give another length.
    case virtualCapabilityMisdescribed(ConfigRange, id: ExtendedCapabilityID, decodedID: Int?, decodedLength: Int?)
    /// Virtual capabilities need an extended configuration space (4096 bytes, a PCI Express
    /// capability): the function has none.
    case virtualCapabilitiesNeedExtendedSpace
    /// The guest's extended capability list does not end cleanly (a loop, or a pointer below
    /// 0x100), so a virtual capability cannot be linked into it.
    case guestListUnterminated(last: ConfigOffset)
    /// QEMU refuses to assign a PCI Express function of this Device/Port Type (vfio_setup_pcie_cap
    /// takes Endpoints, Legacy Endpoints and RCiEPs).
    case qemuExpressTypeUnsupported(Int)
    /// MSI's Multiple Message Capable holds a reserved encoding (6 or 7): QEMU's msi_init
    /// accepts at most 32 vectors.
    case qemuMSIVectorsInvalid(at: ConfigOffset, encoded: Int)
}
