@testable import Model

/// Builds configuration spaces for tests, byte by byte.
struct SpaceBuilder {
    var bytes: [UInt8]

    /// A type 0 function (vendor 0x1234, device 0x5678) with `size` readable bytes; Status
    /// Capabilities List set and the capability pointer at 0x34 when `capabilityPointer` is non-zero.
    init(size: Int = 4096, capabilityPointer: UInt8 = 0, headerType: UInt8 = 0) {
        bytes = [UInt8](repeating: 0, count: size)
        set16(0x00, 0x1234)
        set16(0x02, 0x5678)
        bytes[0x0E] = headerType
        if capabilityPointer != 0 {
            bytes[0x06] = 0x10
            bytes[headerType & 0x7F == 2 ? 0x14 : 0x34] = capabilityPointer
        }
    }

    mutating func set16(_ offset: Int, _ value: UInt16) {
        bytes[offset] = UInt8(truncatingIfNeeded: value)
        bytes[offset + 1] = UInt8(truncatingIfNeeded: value >> 8)
    }

    mutating func set32(_ offset: Int, _ value: UInt32) {
        for index in 0..<4 { bytes[offset + index] = UInt8(truncatingIfNeeded: value >> (8 * index)) }
    }

    /// A standard capability header.
    mutating func standard(_ offset: Int, id: UInt8, next: UInt8) {
        bytes[offset] = id
        bytes[offset + 1] = next
    }

    /// A PCI Express capability of `version` and port type.
    mutating func express(
        _ offset: Int, next: UInt8, version: UInt16 = 2, portType: PortType = .endpoint, linkWidth: UInt32 = 4
    ) {
        standard(offset, id: 0x10, next: next)
        set16(offset + 2, version | UInt16(portType.rawValue) << 4)
        set32(offset + 0x0C, linkWidth << 4 | 3)
    }

    /// An extended capability header.
    mutating func extended(_ offset: Int, id: UInt16, version: UInt32 = 1, next: Int) {
        set32(offset, UInt32(id) | version << 16 | UInt32(next) << 20)
    }

    var space: ConfigSpace { ConfigSpace(bytes: bytes) }
    func analysis(isVirtualFunction: Bool = false) -> FunctionAnalysis {
        FunctionAnalysis(space: space, isVirtualFunction: isVirtualFunction)
    }
}

extension FunctionAnalysis {
    /// Diagnostic kinds, for assertions.
    var kinds: [DiagnosticKind] { diagnostics.map(\.kind) }
}
