import ArgumentParser
import Model
import Views

/// The virtual capabilities to add and their bits: `--add`, `--strategy` and the PASID/PRI bit
/// options, shared by `cfgtui plan` and `cfgtui simulate` so the two parse them alike.
struct VirtualCapabilityOptions: ParsableArguments {
    @Option(
        name: .customLong("add"),
        help: ArgumentHelp(
            "A capability to add: \(addSyntax(separator: ", ", last: " or ")) (LENGTH in bytes, default 12; VENDOR and ID hex, default ffff:0000). Repeatable.",
            valueName: "capability"))
    var additions: [String] = []

    @Option(
        help: ArgumentHelp(PlacementStrategy.choiceList() + ". (default: auto)", valueName: "strategy"),
        completion: PlacementStrategy.completion, transform: PlacementStrategy.parse)
    var strategy = PlacementStrategy.auto

    @Option(help: ArgumentHelp("PASID Max PASID Width (0-20), when the PF has no PASID to copy.", valueName: "n"))
    var pasidWidth: Int?

    @Flag(help: "PASID Execute Permission Supported (with --pasid-width).")
    var pasidExec = false

    @Flag(help: "PASID Privileged Mode Supported (with --pasid-width).")
    var pasidPriv = false

    @Option(
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

    /// The `--add` values, in order.
    func capabilities() throws -> [VirtualCapability] {
        var result = [VirtualCapability]()
        for text in additions {
            let parts = text.lowercased().split(separator: ":", omittingEmptySubsequences: false)
            let capability: VirtualCapability
            let kind = parts.first.flatMap { VirtualCapabilityKind(rawValue: String($0)) }
            switch kind {
            case .pasid? where parts.count == 1: capability = .pasid
            case .pri? where parts.count == 1: capability = .pri
            case .ats? where parts.count == 1: capability = .ats
            case .dvsec?: capability = .dvsec(try Self.dvsecIdentity(parts.dropFirst(), text: text))
            default:
                throw ValidationError(
                    "cannot parse --add '\(text)': expected \(Self.addSyntax(separator: ", ", last: " or "))")
            }
            if capability.kind != .dvsec, result.contains(where: { $0.kind == capability.kind }) {
                throw ValidationError("--add \(PlanText.name(capability.kind)) is given twice")
            }
            result.append(capability)
        }
        return result
    }

    /// What `--add` takes, from `VirtualCapabilityKind.requestable`: `pasid, pri, ats or
    /// dvsec[:LENGTH[:VENDOR:ID[:REV]]]`.
    static func addSyntax(separator: String, last: String) -> String {
        let forms = VirtualCapabilityKind.requestable.map {
            $0 == .dvsec ? "dvsec[:LENGTH[:VENDOR:ID[:REV]]]" : $0.rawValue
        }
        guard let final = forms.last else { return "" }
        return forms.count == 1 ? final : forms.dropLast().joined(separator: separator) + last + final
    }

    private static func dvsecIdentity(_ parts: ArraySlice<Substring>, text: String) throws -> DVSECIdentity {
        let fields = Array(parts)
        guard fields.count <= 4, fields.count != 2 else {
            throw ValidationError("cannot parse --add '\(text)': expected dvsec[:LENGTH[:VENDOR:ID[:REV]]]")
        }
        var length = DVSECIdentity.minimumLength
        if let first = fields.first {
            guard let value = number(first), value >= DVSECIdentity.minimumLength, value <= DVSECIdentity.maximumLength
            else {
                throw ValidationError("--add '\(text)': the DVSEC length must be 12 to 4092 bytes")
            }
            length = value
        }
        var vendor: UInt16 = 0xFFFF
        var identifier: UInt16 = 0
        if fields.count >= 3 {
            guard fields[1].count <= 4, fields[2].count <= 4, let parsedVendor = UInt16(fields[1], radix: 16),
                let parsedID = UInt16(fields[2], radix: 16)
            else {
                throw ValidationError("--add '\(text)': VENDOR and ID are 4-digit hex numbers")
            }
            vendor = parsedVendor
            identifier = parsedID
        }
        var revision = 0
        if fields.count == 4 {
            guard let value = number(fields[3]), (0...15).contains(value) else {
                throw ValidationError("--add '\(text)': the DVSEC revision is 0-15")
            }
            revision = value
        }
        return DVSECIdentity(vendorID: vendor, dvsecID: identifier, revision: revision, length: length)
    }

    /// Decimal, or hex with `0x`.
    private static func number(_ text: Substring) -> Int? {
        if text.hasPrefix("0x") { return Int(text.dropFirst(2), radix: 16) }
        return Int(text)
    }

    /// A `--pri-capacity` value: decimal, or hex with `0x`.
    private static func capacity(_ text: String) throws -> UInt32 {
        guard let value = number(Substring(text)), let capacity = UInt32(exactly: value) else {
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
