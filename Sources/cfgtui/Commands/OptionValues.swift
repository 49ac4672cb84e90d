import ArgumentParser
import Model
import Views

// Option values with a syntax of their own, parsed once by ArgumentParser's transform: the
// command reads the typed value, never the text again. A malformed value is a usage error
// (exit 64, a ValidationError as BARSizeOption throws) that names the option and what it expects.

/// An lspci `-s` slot expression: `[[[[domain]:]bus]:][device][.[function]]`, hex.
struct SlotSelection: Sendable {
    var text: String
    var filter: DeviceFilter

    static func parse(_ text: String, option: String) throws -> SlotSelection {
        var filter = DeviceFilter()
        do {
            try filter.parseSlot(text)
        } catch {
            throw ValidationError(
                "cannot parse \(option) '\(text)': expected [[[[domain]:]bus]:][device][.[function]] in hex")
        }
        return SlotSelection(text: text, filter: filter)
    }
}

/// An lspci `-d` ID expression: `[vendor]:[device][:class]`, hex.
struct IDSelection: Sendable {
    var text: String
    var filter: DeviceFilter

    static func parse(_ text: String) throws -> IDSelection {
        var filter = DeviceFilter()
        do {
            try filter.parseID(text)
        } catch {
            throw ValidationError("cannot parse -d '\(text)': expected [vendor]:[device][:class] in hex")
        }
        return IDSelection(text: text, filter: filter)
    }
}

/// `--reserve START-END`: an inclusive range, hex.
enum ReservedRange {
    static func parse(_ text: String) throws -> ConfigRange {
        guard let range = KnownOffsetTable.parseRange(Substring(text.lowercased())) else {
            throw ValidationError("cannot parse --reserve '\(text)': expected START-END in hex, e.g. 0xa0-0xaf")
        }
        return range
    }
}

/// `--at CAP=OFFSET`: a requested capability's label (as `plan` names them: `pasid`, `dvsec#2`)
/// bound to an offset. Whether the label is requested is checked against `--add`.
struct ExplicitOffset: Sendable {
    var text: String
    var label: String
    var offset: ConfigOffset

    static func parse(_ text: String) throws -> ExplicitOffset {
        if text.hasPrefix("-"), !text.contains("=") {
            throw ValidationError("--at '\(text)': an offset must be ≥ 0, and --at takes CAP=OFFSET, e.g. pasid=0xff8")
        }
        let parts = text.lowercased().split(separator: "=", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty else {
            throw ValidationError("cannot parse --at '\(text)': expected CAP=OFFSET, e.g. pasid=0xff8")
        }
        var digits = parts[1]
        let isNegative = digits.hasPrefix("-")
        if isNegative { digits = digits.dropFirst() }
        if digits.hasPrefix("0x") { digits = digits.dropFirst(2) }
        guard !digits.isEmpty, digits.allSatisfy(\.isHexDigit) else {
            throw ValidationError(
                "cannot parse --at '\(text)': expected CAP=OFFSET with OFFSET in hex, e.g. pasid=0xff8")
        }
        if isNegative { throw ValidationError("--at '\(text)': the offset must be ≥ 0") }
        // Leading zeros aside, more than three digits is past 0xfff.
        let significant = digits.drop { $0 == "0" }
        guard significant.count <= 3, let offset = Int(significant.isEmpty ? "0" : significant, radix: 16),
            offset < ConfigSpace.extendedSize
        else {
            throw ValidationError(
                "--at '\(text)': 0x\(digits) is outside the configuration space (0x000-0xfff)")
        }
        return ExplicitOffset(text: text, label: String(parts[0]), offset: ConfigOffset(offset))
    }
}

/// `--add`: a virtual capability, `pasid`, `pri`, `ats` or `dvsec[:LENGTH[:VENDOR:ID[:REV]]]`.
enum CapabilityAddition {
    /// What `--add` takes, from `VirtualCapabilityKind.requestable`: `pasid, pri, ats or
    /// dvsec[:LENGTH[:VENDOR:ID[:REV]]]`.
    static func syntax(separator: String, last: String) -> String {
        let forms = VirtualCapabilityKind.requestable.map {
            $0 == .dvsec ? "dvsec[:LENGTH[:VENDOR:ID[:REV]]]" : $0.rawValue
        }
        guard let final = forms.last else { return "" }
        return forms.count == 1 ? final : forms.dropLast().joined(separator: separator) + last + final
    }

    static func parse(_ text: String) throws -> VirtualCapability {
        let parts = text.lowercased().split(separator: ":", omittingEmptySubsequences: false)
        switch parts.first.flatMap({ VirtualCapabilityKind(rawValue: String($0)) }) {
        case .pasid? where parts.count == 1: return .pasid
        case .pri? where parts.count == 1: return .pri
        case .ats? where parts.count == 1: return .ats
        case .dvsec?: return .dvsec(try dvsecIdentity(parts.dropFirst(), text: text))
        default:
            throw ValidationError("cannot parse --add '\(text)': expected \(syntax(separator: ", ", last: " or "))")
        }
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
    static func number(_ text: Substring) -> Int? {
        if text.hasPrefix("0x") { return Int(text.dropFirst(2), radix: 16) }
        return Int(text)
    }
}

/// `--irq`: the VMM's interrupt setup under vfio: `none`, `intx`, `msi[:VECTORS]` (1-32) or `msix`.
enum InterruptOption {
    static let syntax = "none, intx, msi[:VECTORS] (1-32) or msix"

    static func parse(_ text: String) throws -> VfioInterrupts {
        switch text {
        case "none": return .none
        case "intx": return .intx
        case "msix": return .msix
        case "msi": return .msi(vectors: 1)
        default:
            if text.hasPrefix("msi:"), let vectors = Int(text.dropFirst(4)), (1...32).contains(vectors) {
                return .msi(vectors: vectors)
            }
            throw ValidationError("cannot parse --irq '\(text)': expected \(syntax)")
        }
    }
}

/// A whole-number option value: decimal, or hex with `0x`. Given with `parsing: .unconditional`
/// so that `-1` reaches it (ArgumentParser would take it for a flag and say "Missing value"):
/// a negative number is refused as such. ArgumentParser prefixes the option and the value.
enum NumberOption {
    static func parse(_ text: String) throws -> Int {
        let trimmed = text.lowercased()
        if trimmed.hasPrefix("-"), CapabilityAddition.number(trimmed.dropFirst()) != nil {
            throw ValidationError("must be ≥ 0")
        }
        guard let value = CapabilityAddition.number(Substring(trimmed)), value >= 0 else {
            throw ValidationError("expected a whole number ≥ 0 (decimal, or hex with 0x)")
        }
        return value
    }

    /// A number of seconds (a decimal fraction allowed), ≥ 0.
    static func seconds(_ text: String) throws -> Double {
        guard let value = Double(text), value.isFinite else {
            throw ValidationError("expected a number of seconds, e.g. 0.5")
        }
        guard value >= 0 else { throw ValidationError("must be ≥ 0") }
        return value
    }
}
