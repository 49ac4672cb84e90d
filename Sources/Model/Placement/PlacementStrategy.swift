/// How the planner chooses an offset for a virtual capability: the policies in use or
/// proposed today (background.md, domain.md §2.5).
///
/// | strategy | candidates | who uses it |
/// | --- | --- | --- |
/// | `explicitOffset` | the offset the user gave (`--at CAP=OFFSET`) | QEMU `x-vpasid-cap-offset` |
/// | `dvsecHint` | first fit inside the ranges a free-space DVSEC advertises | Alex Williamson's proposal (2024) |
/// | `table` | the known-good offset from the vendor:device table | Alex Williamson (2026), QEMU quirks |
/// | `pfOffset` | the offset of the same capability on the PF | Alex Williamson (2020) |
/// | `end` | the highest free dword-aligned range (PASID: 0xFF8) | QEMU v6/v7, cloud-hypervisor |
/// | `firstFit` | the lowest free dword-aligned range from 0x100 | QEMU `pci_find_space` (standard caps) |
/// | `auto` | each of the above in that order, until one places it | cfgtui's default |
public enum PlacementStrategy: Hashable, Sendable, CaseIterable {
    case auto
    case pfOffset
    case end
    case firstFit
    case table
    case dvsecHint
    case explicitOffset

    /// The order `auto` tries. An explicit offset, when given, is binding: `auto` does not
    /// place the capability elsewhere when it is rejected.
    public static let autoOrder: [PlacementStrategy] = [
        .explicitOffset, .dvsecHint, .table, .pfOffset, .end, .firstFit,
    ]
}
