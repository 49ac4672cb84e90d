import Model

/// Turns decoded field values into the text every view shows.
public enum ValueText {
    /// The decoded value alone: `512 bytes`, `8 GT/s`, `x16`, `INTA`, `0xfe000000`.
    public static func describe(_ value: DecodedValue) -> String {
        var buffer = OutputBuffer(capacity: 32)
        append(value, to: &buffer)
        return buffer.text
    }

    /// A field's value for tables: flags and plain numbers as the raw value, interpreted
    /// values as `raw (meaning)` when the meaning adds something.
    public static func appendField(raw: UInt64, decoded: DecodedValue, to buffer: inout OutputBuffer) {
        switch decoded {
        case .flag(let isSet):
            buffer.append(isSet ? 0x31 : 0x30)
        case .number(let value):
            if value < 10 { buffer.appendDecimal(value) } else { buffer.appendHexLiteral(value) }
        case .address, .configOffset, .busNumber, .vendorID, .routingID, .function, .functions, .addressWindow, .bar,
            .notImplemented:
            append(decoded, to: &buffer)
        case .count(let count) where count == raw:
            buffer.appendDecimal(count)
        default:
            if raw < 10 { buffer.appendDecimal(raw) } else { buffer.appendHexLiteral(raw) }
            buffer.append(" (")
            append(decoded, to: &buffer)
            buffer.append(0x29)
        }
    }

    public static func append(_ value: DecodedValue, to buffer: inout OutputBuffer) {
        switch value {
        case .flag(let isSet): buffer.append(isSet ? "yes" : "no")
        case .number(let number):
            if number < 10 { buffer.appendDecimal(number) } else { buffer.appendHexLiteral(number) }
        case .named(_, let name): buffer.append(name)
        case .reserved: buffer.append("reserved")
        case .bytes(let count): buffer.append(HexFormat.size(count))
        case .count(let count): buffer.appendDecimal(count)
        case .linkSpeed(let index, let tenths):
            if let tenths { appendSpeed(tenths, to: &buffer) } else { buffer.append("reserved speed \(index)") }
        case .linkSpeeds(let indexes):
            if indexes.isEmpty {
                buffer.append("none")
            } else {
                for (position, index) in indexes.enumerated() {
                    if position > 0 { buffer.append(", ") }
                    if let tenths = DecodedValue.linkSpeedTenths(index) { appendSpeedNumber(tenths, to: &buffer) }
                }
                buffer.append(" GT/s")
            }
        case .linkWidth(let width):
            buffer.append(0x78)
            buffer.appendDecimal(width)
        case .address(let address): buffer.appendHexLiteral(address)
        case .configOffset(let offset): buffer.appendHexLiteral(UInt64(max(0, offset.rawValue)), digits: 2)
        case .busNumber(let bus): buffer.appendHex(UInt64(bus), digits: 2)
        case .routingID(let bus, let device, let function):
            buffer.appendHex(UInt64(bus), digits: 2)
            buffer.append(0x3A)
            buffer.appendHex(UInt64(device), digits: 2)
            buffer.append(0x2E)
            buffer.appendDecimal(function)
        case .routingIDOffset(let offset): buffer.appendDecimal(offset)
        case .vendorID(let vendor): buffer.appendHexLiteral(UInt64(vendor), digits: 4)
        case .nanoseconds(let nanoseconds): appendDuration(nanoseconds, to: &buffer)
        case .function(let address): buffer.append(address.description)
        case .functions(let addresses):
            if addresses.isEmpty { buffer.append("none") }
            for (position, address) in addresses.enumerated() {
                if position > 0 { buffer.append(", ") }
                buffer.append(address.description)
            }
        case .addressWindow(let base, let limit):
            if limit < base {
                buffer.append("disabled")
            } else {
                buffer.appendHexLiteral(base)
                buffer.append("-")
                buffer.appendHexLiteral(limit)
            }
        case .bar(let address, let kind):
            switch kind {
            case .io:
                buffer.append("I/O ports at ")
                buffer.appendHexLiteral(address)
            case .memory32(let prefetchable), .memory64(let prefetchable), .memoryBelow1M(let prefetchable):
                buffer.append("memory at ")
                buffer.appendHexLiteral(address)
                if case .memory64 = kind {
                    buffer.append(" (64-bit")
                } else if case .memoryBelow1M = kind {
                    buffer.append(" (below 1M")
                } else {
                    buffer.append(" (32-bit")
                }
                buffer.append(prefetchable ? ", prefetchable)" : ", non-prefetchable)")
            case .memoryReserved:
                buffer.append("memory at ")
                buffer.appendHexLiteral(address)
                buffer.append(" (reserved type)")
            }
        case .notImplemented: buffer.append("not implemented")
        }
    }

    private static func appendSpeed(_ tenths: Int, to buffer: inout OutputBuffer) {
        appendSpeedNumber(tenths, to: &buffer)
        buffer.append(" GT/s")
    }

    private static func appendSpeedNumber(_ tenths: Int, to buffer: inout OutputBuffer) {
        buffer.appendDecimal(tenths / 10)
        if tenths % 10 != 0 {
            buffer.append(0x2E)
            buffer.appendDecimal(tenths % 10)
        }
    }

    private static func appendDuration(_ nanoseconds: UInt64, to buffer: inout OutputBuffer) {
        if nanoseconds >= 1_000_000 && nanoseconds % 1_000_000 == 0 {
            buffer.appendDecimal(nanoseconds / 1_000_000)
            buffer.append(" ms")
        } else if nanoseconds >= 1000 && nanoseconds % 1000 == 0 {
            buffer.appendDecimal(nanoseconds / 1000)
            buffer.append(" us")
        } else {
            buffer.appendDecimal(nanoseconds)
            buffer.append(" ns")
        }
    }
}
