/// Selects functions the way lspci's `-s` and `-d` options do.
///
/// `-s [[[[domain]:]bus]:][device][.[function]]` and `-d [vendor]:[device][:class]`; an omitted
/// or `*` part matches anything. All numbers are hex.
/// ```
/// var filter = DeviceFilter()
/// try filter.parseSlot("01:00")        // bus 01, device 00, any function
/// try filter.parseID("8086:")          // any Intel function
/// ```
public struct DeviceFilter: Hashable, Sendable {
    public var domain: Int?
    public var bus: Int?
    public var device: Int?
    public var function: Int?
    public var vendorID: Int?
    public var deviceID: Int?
    public var classCode: Int?

    public init() {}

    /// Whether nothing is constrained.
    public var matchesEverything: Bool { self == DeviceFilter() }

    /// Parses an lspci `-s` slot expression into this filter.
    public mutating func parseSlot(_ text: String) throws(DeviceFilterError) {
        var rest = Substring(text)
        if let dot = rest.lastIndex(of: ".") {
            function = try Self.field(rest[rest.index(after: dot)...], max: 7, in: text)
            rest = rest[..<dot]
        }
        var parts = rest.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count <= 3 else { throw .malformedSlot(text) }
        if let last = parts.popLast() {
            device = try Self.field(last, max: 0x1F, in: text)
        }
        if let busPart = parts.popLast() {
            bus = try Self.field(busPart, max: 0xFF, in: text)
        }
        if let domainPart = parts.popLast() {
            domain = try Self.field(domainPart, max: 0xFFFF_FFFF, in: text)
        }
    }

    /// Parses an lspci `-d` ID expression into this filter.
    public mutating func parseID(_ text: String) throws(DeviceFilterError) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2 || parts.count == 3 else { throw .malformedID(text) }
        do {
            vendorID = try Self.field(parts[0], max: 0xFFFF, in: text)
            deviceID = try Self.field(parts[1], max: 0xFFFF, in: text)
            if parts.count == 3 { classCode = try Self.field(parts[2], max: 0xFFFF, in: text) }
        } catch {
            throw .malformedID(text)
        }
    }

    private static func field(_ text: Substring, max: Int, in whole: String) throws(DeviceFilterError) -> Int? {
        if text.isEmpty || text == "*" { return nil }
        guard text.count <= 8, let value = Int(text, radix: 16), value <= max else {
            throw .malformedSlot(whole)
        }
        return value
    }

    /// Whether a function with this address and these IDs is selected. `classCode` is the
    /// 16-bit base class and subclass.
    public func matches(_ address: PCIAddress, vendorID: Int, deviceID: Int, classCode: Int) -> Bool {
        if let domain, domain != address.domain { return false }
        if let bus, bus != address.bus { return false }
        if let device, device != address.device { return false }
        if let function, function != address.function { return false }
        if let wanted = self.vendorID, wanted != vendorID { return false }
        if let wanted = self.deviceID, wanted != deviceID { return false }
        if let wanted = self.classCode, wanted != classCode { return false }
        return true
    }

    /// Whether `function` is selected (its address, IDs and class).
    public func matches(_ function: PCIFunction) -> Bool {
        matches(
            function.address, vendorID: Int(function.vendorID), deviceID: Int(function.deviceID),
            classCode: (function.classCode ?? 0) >> 8)
    }
}

/// Why a `-s` or `-d` expression was rejected.
public enum DeviceFilterError: Error, Equatable, Sendable {
    case malformedSlot(String)
    case malformedID(String)
}
