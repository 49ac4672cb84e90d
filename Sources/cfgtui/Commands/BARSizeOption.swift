import ArgumentParser
import Model
import Views

/// One `--bar-size N=SIZE` value: a BAR (0-5, `rom`, `vf0`-`vf5`) and its size in bytes
/// (0: not implemented), parsed once, when the command line is.
///
/// Checked in three steps, each a usage error that says why: the parse (a size no BAR of the
/// slot's kind can have: not a power of two, under 4 bytes, a ROM under 2 KiB, a VF BAR under
/// 16), `checkDistinct` (a BAR given twice), and `check(_:for:physicalFunction:)` once the
/// function is known (a BAR its header lacks, the upper half of a 64-bit BAR, a size its
/// register's kind cannot have).
struct BARSizeOption: Hashable, Sendable {
    var slot: BARSlot
    var size: UInt64
    /// The value as given (`0=16K`), for messages.
    var text: String

    init(slot: BARSlot, size: UInt64, text: String? = nil) {
        self.slot = slot
        self.size = size
        self.text = text ?? "\(Self.argumentName(slot))=\(size)"
    }

    /// `0=16K`, `rom=0`, `vf2=0x100000`; the errors say which part is wrong (ArgumentParser
    /// prefixes the option and the value).
    static func parse(_ text: String) throws -> BARSizeOption {
        let parts = text.lowercased().split(separator: "=", omittingEmptySubsequences: false)
        guard parts.count == 2 else {
            throw ValidationError("expected N=SIZE, e.g. 0=16K or rom=0")
        }
        let slot: BARSlot
        let name = parts[0]
        if name == "rom" {
            slot = .expansionROM
        } else if name.hasPrefix("vf"), let index = Int(name.dropFirst(2)), (0...5).contains(index) {
            slot = .virtualFunctionBAR(index)
        } else if let index = Int(name), (0...5).contains(index) {
            slot = .bar(index)
        } else {
            throw ValidationError("the BAR is 0-5, rom or vf0-vf5")
        }
        guard let size = size(parts[1]) else {
            throw ValidationError("the size must be a number of bytes (decimal or 0x hex, with K, M, G or T)")
        }
        if let problem = BARSizes.problem(size, for: slot) {
            throw ValidationError(reason(problem))
        }
        return BARSizeOption(slot: slot, size: size, text: text)
    }

    /// `16384`, `0x4000`, `16K`, `1M`, `4G`, `1T`.
    static func size(_ text: Substring) -> UInt64? {
        var digits = text
        var multiplier: UInt64 = 1
        if let last = digits.last, let shift = ["k": 10, "m": 20, "g": 30, "t": 40][String(last)] {
            multiplier = 1 << UInt64(shift)
            digits = digits.dropLast()
        }
        let value = digits.hasPrefix("0x") ? UInt64(digits.dropFirst(2), radix: 16) : UInt64(digits)
        guard let value else { return nil }
        let (product, overflow) = value.multipliedReportingOverflow(by: multiplier)
        return overflow ? nil : product
    }

    // MARK: - Checks

    /// Each BAR at most once: a second size for the same BAR is a usage error, not a silent
    /// replacement.
    static func checkDistinct(_ options: [BARSizeOption]) throws {
        var seen = [BARSlot: BARSizeOption]()
        for option in options {
            if let earlier = seen[option.slot] {
                throw ValidationError(
                    "--bar-size gives \(slotName(option.slot)) twice (\(earlier.text) and \(option.text)); give each BAR once"
                )
            }
            seen[option.slot] = option
        }
    }

    /// The sizes against the function they are for: its header layout, its BAR registers' kinds
    /// (a VF's from its PF's VF BARs, when the PF is known) and its SR-IOV capability.
    static func check(_ options: [BARSizeOption], for function: PCIFunction, physicalFunction: PCIFunction?) throws {
        guard !options.isEmpty else { return }
        let analysis = function.analyze()
        var virtualFunctionBARs: [UInt32]?
        if let physicalFunction, let sriov = physicalFunction.analyze().capability(.extended(.singleRootIOV)) {
            // As the simulator reads them: an unreadable register counts as 0.
            virtualFunctionBARs = (0..<6).map {
                physicalFunction.space.dword(at: sriov.offset.rawValue + 0x24 + 4 * $0) ?? 0
            }
        }
        for option in options {
            guard
                let problem = BARSizes.problem(
                    option.size, for: option.slot, in: analysis, virtualFunctionBARs: virtualFunctionBARs)
            else { continue }
            throw ValidationError("--bar-size \(option.text): \(function.address): \(reason(problem))")
        }
    }

    // MARK: - Messages

    /// Why a size cannot be simulated, as a sentence after the option and the function.
    static func reason(_ problem: BARSizeProblem) -> String {
        switch problem {
        case .notAPowerOfTwo(_, let size):
            return "\(size) bytes is not a BAR size: a BAR's size is 0 or a power of two"
        case .sizeOutOfRange(let slot, let size, let kind):
            let what = slotName(slot)
            let range = "\(HexFormat.size(kind.sizes.lowerBound)) to \(HexFormat.size(kind.sizes.upperBound))"
            let sizeText = HexFormat.size(size)
            switch kind {
            case .io: return "\(what) is an I/O BAR, which is \(range) (PCI 3.0 §6.2.5.1), not \(sizeText)"
            case .memory32: return "\(what) is a 32-bit memory BAR, which is \(range), not \(sizeText)"
            case .memory64: return "\(what) is a 64-bit memory BAR, which is \(range), not \(sizeText)"
            case .memory: return "\(what) is a memory BAR, which is \(range), not \(sizeText)"
            case .expansionROM: return "the Expansion ROM is \(range) (PCI 3.0 §6.2.5.2), not \(sizeText)"
            case .unknown:
                return "no BAR is \(sizeText): an I/O BAR is 4 to 256 bytes, a memory BAR 16 bytes or more"
            }
        case .notInHeader(let slot, let layout, let count):
            let header = "a type \(layout.code) (\(layoutName(layout))) header"
            if slot == .expansionROM { return "\(header) has no Expansion ROM BAR" }
            if count == 0 { return "\(header) has no BARs cfgtui sizes" }
            return "\(header) has \(count) BARs (0-\(count - 1)), not \(slotName(slot))"
        case .upperHalf(let slot, let lower, let offset):
            return
                "\(slotName(slot)) is the upper half of the 64-bit \(slotName(lower)) at 0x\(String(offset, radix: 16)); give the pair's size as \(argumentName(lower))=SIZE"
        case .noSRIOV(let slot):
            return "no SR-IOV capability, so no \(slotName(slot))"
        case .noROMOnVirtualFunction:
            return "a VF has no Expansion ROM (its register is read-only zero, PCIe r6.0 §9.3.4)"
        }
    }

    /// `BAR 2`, `the Expansion ROM`, `VF BAR 0`.
    static func slotName(_ slot: BARSlot) -> String {
        switch slot {
        case .bar(let index): "BAR \(index)"
        case .expansionROM: "the Expansion ROM"
        case .virtualFunctionBAR(let index): "VF BAR \(index)"
        }
    }

    /// The option's spelling of a slot: `2`, `rom`, `vf0`.
    static func argumentName(_ slot: BARSlot) -> String {
        switch slot {
        case .bar(let index): "\(index)"
        case .expansionROM: "rom"
        case .virtualFunctionBAR(let index): "vf\(index)"
        }
    }

    private static func layoutName(_ layout: HeaderLayout) -> String {
        switch layout {
        case .endpoint: "endpoint"
        case .bridge: "bridge"
        case .cardBus: "CardBus bridge"
        case .reserved: "reserved"
        }
    }
}
