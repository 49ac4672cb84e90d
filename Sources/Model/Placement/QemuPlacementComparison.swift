/// What QEMU's vfio-pci would do with a vPASID on this function, beside cfgtui's proposal
/// (`cfgtui plan --vmm qemu`): QEMU's offset, QEMU's own verdict (it checks only capability
/// headers), and cfgtui's planner constraints on that same offset.
public struct QemuPlacementComparison: Hashable, Sendable {
    /// The offset QEMU uses: `x-vpasid-cap-offset`, or 0xFF8.
    public var offset: ConfigOffset
    /// Whether that is the default (no `x-vpasid-cap-offset`).
    public var isDefault: Bool
    /// QEMU's outcome: the vPASID added, or refused with its reason (from the qemu model).
    public var qemu: QemuChange?
    /// cfgtui's constraints on QEMU's offset: nil when the offset passes them all, otherwise
    /// the first rejection (overlap, non-zero bytes, reserve, peers).
    public var conflict: RejectionReason?
    /// The offset cfgtui's own plan chose for PASID, if it placed one.
    public var proposal: ConfigOffset?

    public init(
        offset: ConfigOffset, isDefault: Bool, qemu: QemuChange?, conflict: RejectionReason?,
        proposal: ConfigOffset?
    ) {
        self.offset = offset
        self.isDefault = isDefault
        self.qemu = qemu
        self.conflict = conflict
        self.proposal = proposal
    }

    /// Whether QEMU's placement is safe on this function: QEMU adds it and cfgtui finds no conflict.
    public var isSafe: Bool {
        guard conflict == nil, case .added = qemu else { return false }
        return true
    }
}
