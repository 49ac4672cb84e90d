import ArgumentParser
import Model

/// One `--bar-size N=SIZE` value: a BAR (0-5, `rom`, `vf0`-`vf5`) and its size in bytes
/// (0: not implemented), parsed once, when the command line is.
struct BARSizeOption: Hashable, Sendable {
    var slot: BARSlot
    var size: UInt64

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
        guard let size = size(parts[1]), BARSizes.isValid(size) else {
            throw ValidationError("the size must be 0 or a power of two (bytes, K, M, G or T)")
        }
        return BARSizeOption(slot: slot, size: size)
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
}
