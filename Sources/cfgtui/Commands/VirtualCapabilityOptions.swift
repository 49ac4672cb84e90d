import ArgumentParser
import Model
import Views

/// The virtual capabilities to add and their bits: `--add`, `--strategy` and the PASID/PRI bit
/// options, shared by `cfgtui plan` and `cfgtui simulate` so the two parse them alike.
struct VirtualCapabilityOptions: ParsableArguments {
    @Option(
        name: .customLong("add"),
        help: ArgumentHelp(
            "A capability to add: \(CapabilityAddition.syntax(separator: ", ", last: " or ")) (LENGTH in bytes, default 12; VENDOR and ID hex, default ffff:0000). Repeatable.",
            valueName: "capability"), transform: CapabilityAddition.parse)
    var additions: [VirtualCapability] = []

    @Option(
        help: ArgumentHelp(PlacementStrategy.choiceList() + ". (default: auto)", valueName: "strategy"),
        completion: PlacementStrategy.completion, transform: PlacementStrategy.parse)
    var strategy = PlacementStrategy.auto

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("PASID Max PASID Width (0-20), when the PF has no PASID to copy.", valueName: "n"),
        transform: NumberOption.parse)
    var pasidWidth: Int?

    @Flag(help: "PASID Execute Permission Supported (with --pasid-width).")
    var pasidExec = false

    @Flag(help: "PASID Privileged Mode Supported (with --pasid-width).")
    var pasidPriv = false

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("PRI Outstanding Page Request Capacity, when the PF has no PRI to copy.", valueName: "n"),
        transform: Self.capacity)
    var priCapacity: UInt32?

    @Flag(help: "PRI PRG Response PASID Required (with --pri-capacity).")
    var priPasidRequired = false

    // MARK: - Validation (usage errors, exit 64)

    func validate() throws {
        _ = try capabilities()
        if let pasidWidth, !(0...PASIDBits.maximumWidth).contains(pasidWidth) {
            throw ValidationError("--pasid-width \(pasidWidth): Max PASID Width is 0-20")
        }
        if pasidWidth == nil && (pasidExec || pasidPriv) {
            throw ValidationError("--pasid-exec and --pasid-priv need --pasid-width")
        }
        if priCapacity == nil && priPasidRequired {
            throw ValidationError("--pri-pasid-required needs --pri-capacity")
        }
    }

    /// The `--add` values, in order; each of PASID, PRI and ATS at most once.
    func capabilities() throws -> [VirtualCapability] {
        var seen = Set<VirtualCapabilityKind>()
        for capability in additions where capability.kind != .dvsec {
            guard seen.insert(capability.kind).inserted else {
                throw ValidationError("--add \(PlanText.name(capability.kind)) is given twice")
            }
        }
        return additions
    }

    /// A `--pri-capacity` value: decimal, or hex with `0x`.
    private static func capacity(_ text: String) throws -> UInt32 {
        guard let capacity = UInt32(exactly: try NumberOption.parse(text)) else {
            throw ValidationError("expected a number 0-0xffffffff (decimal, or hex with 0x)")
        }
        return capacity
    }

    /// Puts the PASID and PRI bits the options give into `request`.
    func applyBits(to request: inout PlacementRequest) {
        if let pasidWidth {
            request.pasidBits = PASIDBits(
                maxWidth: pasidWidth, executeSupported: pasidExec, privilegedSupported: pasidPriv)
        }
        if let capacity = priCapacity {
            request.priBits = PRIBits(outstandingCapacity: capacity, prgResponsePASIDRequired: priPasidRequired)
        }
    }
}
