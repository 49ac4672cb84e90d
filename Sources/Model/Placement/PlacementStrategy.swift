/// How the planner chooses an offset for a virtual capability: the policies in use or
/// proposed today (docs/placement.md, "Strategies", has the sources).
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
///
/// The raw value is the strategy's name on the command line (`--strategy`), in reports and in
/// plan files; `at` names an explicit offset, which is given with `--at`, not `--strategy`.
public enum PlacementStrategy: String, Hashable, Sendable, CaseIterable, Codable {
    case auto
    case pfOffset = "pf-offset"
    case end
    case firstFit = "first-fit"
    case table
    case dvsecHint = "dvsec-hint"
    case explicitOffset = "at"

    /// The strategies `--strategy` can choose, in the order help lists them: every one but
    /// `explicitOffset`.
    public static let selectable: [PlacementStrategy] = allCases.filter { $0 != .explicitOffset }

    /// The order `auto` tries. An explicit offset, when given, is binding: `auto` does not
    /// place the capability elsewhere when it is rejected.
    public static let autoOrder: [PlacementStrategy] = [
        .explicitOffset, .dvsecHint, .table, .pfOffset, .end, .firstFit,
    ]
}
