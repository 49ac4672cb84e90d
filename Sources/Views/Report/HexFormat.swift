import Model

/// Formatting of numbers, offsets and addresses, shared by every view.
public enum HexFormat {
    /// `ff`, two lower-case hex digits.
    public static func byte(_ value: UInt8) -> String { hex(UInt64(value), digits: 2) }

    /// A config-space offset: two digits below 0x100, three above (as lspci prints them).
    public static func offset(_ offset: Int) -> String { hex(UInt64(max(0, offset)), digits: offset < 0x100 ? 2 : 3) }

    public static func offset(_ offset: ConfigOffset) -> String { self.offset(offset.rawValue) }

    /// A three-digit offset, the hex map's offset column (`000`-`ff0`).
    public static func offset3(_ offset: Int) -> String { hex(UInt64(max(0, offset)), digits: 3) }

    /// Lower-case hex with at least `digits` digits.
    public static func hex(_ value: UInt64, digits: Int = 1) -> String {
        var buffer = OutputBuffer(capacity: 18)
        buffer.appendHex(value, digits: digits)
        return buffer.text
    }

    /// `0x` and lower-case hex.
    public static func literal(_ value: UInt64, digits: Int = 1) -> String { "0x" + hex(value, digits: digits) }

    /// `0x100-0x1ff` for a range (inclusive end).
    public static func range(_ range: ConfigRange) -> String {
        guard range.length > 0 else { return literal(UInt64(range.start.rawValue), digits: 3) + " (empty)" }
        return literal(UInt64(range.start.rawValue), digits: 3) + "-"
            + literal(UInt64(range.end.rawValue - 1), digits: 3)
    }

    /// A byte count: `12 bytes`, `4 KiB`, `256 MiB`, exact (`1.5 KiB` is written `1536 bytes`).
    public static func size(_ bytes: UInt64) -> String {
        let units: [(UInt64, String)] = [
            (1 << 60, "EiB"), (1 << 50, "PiB"), (1 << 40, "TiB"), (1 << 30, "GiB"), (1 << 20, "MiB"), (1 << 10, "KiB"),
        ]
        for (unit, name) in units where bytes >= unit && bytes % unit == 0 {
            return String(bytes / unit) + " " + name
        }
        return String(bytes) + (bytes == 1 ? " byte" : " bytes")
    }
}
