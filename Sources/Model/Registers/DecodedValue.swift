/// A field value after interpretation, ready for the views to format.
public enum DecodedValue: Hashable, Sendable {
    case flag(Bool)
    case number(UInt64)
    /// An enumerated value and its name.
    case named(UInt64, String)
    /// An enumerated value the table does not define.
    case reserved(UInt64)
    case bytes(UInt64)
    case count(UInt64)
    /// Link speed in GT/s tenths (25 = 2.5 GT/s); nil when the index is reserved.
    case linkSpeed(index: Int, tenthsGTs: Int?)
    /// Supported link speeds, as indexes (1 = 2.5 GT/s ...).
    case linkSpeeds([Int])
    case linkWidth(Int)
    case address(UInt64)
    case configOffset(ConfigOffset)
    case busNumber(Int)
    case routingID(bus: Int, device: Int, function: Int)
    case routingIDOffset(Int)
    case vendorID(UInt16)
    case nanoseconds(UInt64)
    /// A function address derived from other values (e.g. a VF's routing ID).
    case function(PCIAddress)
    /// Several functions (e.g. the routing IDs of all enabled VFs).
    case functions([PCIAddress])
    /// An address window; `limit < base` means the window is disabled.
    case addressWindow(base: UInt64, limit: UInt64)
    /// A BAR: its address and kind.
    case bar(address: UInt64, kind: BARKind)
    /// Not implemented (a BAR or window that reads 0).
    case notImplemented

    /// GT/s (in tenths) of link speed index 1...7.
    public static func linkSpeedTenths(_ index: Int) -> Int? {
        switch index {
        case 1: 25
        case 2: 50
        case 3: 80
        case 4: 160
        case 5: 320
        case 6: 640
        case 7: 1280
        default: nil
        }
    }
}

extension FieldDecoding {
    /// Interprets `raw`, a value already extracted from the field's bits.
    public func decode(_ raw: UInt64, lowBit: Int) -> DecodedValue {
        switch self {
        case .number: return .number(raw)
        case .flag: return .flag(raw != 0)
        case .values(let names):
            for entry in names where entry.value == raw { return .named(raw, entry.name) }
            return .reserved(raw)
        case .bytesShifted(let base):
            return raw < 32 ? .bytes(UInt64(base) << raw) : .reserved(raw)
        case .bytesPowerOfTwo(let exponentOffset):
            let exponent = Int(raw) + exponentOffset
            return exponent < 64 ? .bytes(UInt64(1) << UInt64(exponent)) : .reserved(raw)
        case .countMinusOne: return .count(raw + 1)
        case .linkSpeed: return .linkSpeed(index: Int(raw), tenthsGTs: DecodedValue.linkSpeedTenths(Int(raw)))
        case .linkSpeedVector:
            return .linkSpeeds((0..<7).filter { raw & (UInt64(1) << UInt64($0)) != 0 }.map { $0 + 1 })
        case .linkWidth: return .linkWidth(Int(raw))
        case .address: return .address(lowBit < 64 ? raw << UInt64(lowBit) : 0)
        case .configPointer: return .configOffset(ConfigOffset(Int(truncatingIfNeeded: raw)))
        case .busNumber: return .busNumber(Int(raw & 0xFF))
        case .routingID:
            return .routingID(bus: Int(raw >> 8) & 0xFF, device: Int(raw >> 3) & 0x1F, function: Int(raw) & 7)
        case .routingIDOffset: return .routingIDOffset(Int(raw))
        case .vendorID: return .vendorID(UInt16(truncatingIfNeeded: raw))
        case .duration(let unit): return .nanoseconds(raw &* UInt64(unit))
        }
    }
}

/// What a Base Address Register decodes to.
public enum BARKind: Hashable, Sendable {
    case io
    case memory32(prefetchable: Bool)
    case memory64(prefetchable: Bool)
    /// Type 01b: below 1 MiB (PCI 2.x legacy).
    case memoryBelow1M(prefetchable: Bool)
    /// Type 11b, reserved.
    case memoryReserved
}
