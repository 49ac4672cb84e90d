/// The Header Type register (offset 0x0E): layout in bits 6:0, multi-function in bit 7.
public struct HeaderType: RawRepresentable, Hashable, Sendable {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// The header layout selected by bits 6:0.
    public var layout: HeaderLayout { HeaderLayout(code: Int(rawValue & 0x7F)) }
    /// Bit 7: the device has more than one function.
    public var isMultiFunction: Bool { rawValue & 0x80 != 0 }
}

/// The three defined configuration header layouts.
public enum HeaderLayout: Hashable, Sendable {
    /// Type 0: an endpoint (BAR0-5, subsystem IDs, capability pointer at 0x34).
    case endpoint
    /// Type 1: a PCI-to-PCI bridge (bus numbers, windows, capability pointer at 0x34).
    case bridge
    /// Type 2: a CardBus bridge (capability pointer at 0x14, header runs to 0x47).
    case cardBus
    /// A reserved layout code (3-0x7F).
    case reserved(Int)

    public init(code: Int) {
        switch code {
        case 0: self = .endpoint
        case 1: self = .bridge
        case 2: self = .cardBus
        default: self = .reserved(code)
        }
    }

    /// The layout code, 0-0x7F.
    public var code: Int {
        switch self {
        case .endpoint: 0
        case .bridge: 1
        case .cardBus: 2
        case .reserved(let code): code
        }
    }

    /// Bytes the header occupies: 0x40, or 0x48 for CardBus (subsystem IDs and legacy base).
    public var headerLength: Int { self == .cardBus ? 0x48 : ConfigSpace.headerLength }

    /// Offset of the capability pointer: 0x34, or 0x14 for CardBus. Nil for reserved layouts.
    public var capabilityPointerOffset: Int? {
        switch self {
        case .endpoint, .bridge: 0x34
        case .cardBus: 0x14
        case .reserved: nil
        }
    }
}
