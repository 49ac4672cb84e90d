/// The address of a PCI function: domain (segment), bus, device and function.
///
/// `description` is the canonical `dddd:bb:dd.f` form (lower-case hex; domains above 0xFFFF
/// print with more digits, as lspci does).
/// ```
/// PCIAddress(parsing: "3a:00.1")          // 0000:3a:00.1
/// PCIAddress(parsing: "10000:00:1f.7")    // a 5-digit domain, as in VMD hierarchies
/// ```
public struct PCIAddress: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var domain: Int
    public var bus: Int
    public var device: Int
    public var function: Int

    /// Creates an address; returns nil when a part is out of range.
    public init?(domain: Int = 0, bus: Int, device: Int, function: Int) {
        guard (0...0xFFFF_FFFF).contains(domain), (0...0xFF).contains(bus), (0...0x1F).contains(device),
            (0...7).contains(function)
        else { return nil }
        self.domain = domain
        self.bus = bus
        self.device = device
        self.function = function
    }

    /// Creates the address of routing ID `routingID` (bus << 8 | device << 3 | function).
    public init?(domain: Int, routingID: Int) {
        guard (0...0xFFFF).contains(routingID) else { return nil }
        self.init(domain: domain, bus: routingID >> 8, device: (routingID >> 3) & 0x1F, function: routingID & 7)
    }

    /// Parses `[domain:]bus:device.function` in hex (function in decimal 0-7, as lspci prints it).
    public init?(parsing text: some StringProtocol) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2 || parts.count == 3 else { return nil }
        let devfn = parts[parts.count - 1].split(separator: ".", omittingEmptySubsequences: false)
        guard devfn.count == 2,
            let bus = Self.hex(parts[parts.count - 2], maxDigits: 2),
            let device = Self.hex(devfn[0], maxDigits: 2),
            let function = Self.hex(devfn[1], maxDigits: 1)
        else { return nil }
        var domain = 0
        if parts.count == 3 {
            guard let parsed = Self.hex(parts[0], maxDigits: 8) else { return nil }
            domain = parsed
        }
        self.init(domain: domain, bus: bus, device: device, function: function)
    }

    private static func hex(_ text: some StringProtocol, maxDigits: Int) -> Int? {
        guard !text.isEmpty, text.count <= maxDigits else { return nil }
        return Int(text, radix: 16)
    }

    /// The 16-bit routing ID within the domain.
    public var routingID: Int { bus << 8 | device << 3 | function }

    public var description: String {
        let domainText = String(domain, radix: 16)
        return String(repeating: "0", count: max(0, 4 - domainText.count)) + domainText + ":"
            + Self.padded(bus, 2) + ":" + Self.padded(device, 2) + "." + String(function)
    }

    private static func padded(_ value: Int, _ digits: Int) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }

    public static func < (lhs: PCIAddress, rhs: PCIAddress) -> Bool {
        (lhs.domain, lhs.bus, lhs.device, lhs.function) < (rhs.domain, rhs.bus, rhs.device, rhs.function)
    }
}
