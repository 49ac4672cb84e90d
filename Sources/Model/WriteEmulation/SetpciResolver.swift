/// Turns setpci expressions into accesses for one function: header names from setpci's table,
/// capabilities found in the guest's lists, widths from the register catalog when not given.
///
/// ```
/// let resolver = SetpciResolver(analysis: emulator.guestAnalysis, accessibleLength: emulator.accessibleLength)
/// let accesses = try resolver.accesses(for: expression)   // [.write(0x4a, .word, 0x2810)]
/// ```
public struct SetpciResolver: Sendable {
    /// The function (the guest's view) names resolve against.
    public let analysis: FunctionAnalysis
    /// How many bytes from 0 may be accessed.
    public let accessibleLength: Int
    private let capabilityWidths: [Int: AccessWidth]
    /// setpci names of the capabilities present (first of each kind), to their offsets.
    private let capabilityOffsets: [String: Int]

    /// Capabilities the device has but the guest does not see (vfio hides them).
    public let hiddenCapabilities: [(kind: CapabilityKind, offset: ConfigOffset)]

    /// A resolver for `analysis`; `accessibleLength` defaults to the readable bytes.
    public init(
        analysis: FunctionAnalysis, accessibleLength: Int? = nil,
        hiddenCapabilities: [(kind: CapabilityKind, offset: ConfigOffset)] = []
    ) {
        self.analysis = analysis
        self.hiddenCapabilities = hiddenCapabilities
        self.accessibleLength = accessibleLength ?? analysis.space.readableLength
        var widths = [Int: AccessWidth]()
        for structure in RegisterDecoder.all(of: analysis) {
            for register in structure.registers {
                guard let width = AccessWidth(byteCount: register.spec.width),
                    register.range.start.rawValue % register.spec.width == 0
                else { continue }
                widths[register.offset.rawValue] = width
            }
        }
        capabilityWidths = widths
        var offsets = [String: Int]()
        for capability in analysis.capabilities.reversed() {
            if let name = capability.definition.setpciName { offsets[name] = capability.offset.rawValue }
        }
        capabilityOffsets = offsets
    }

    /// A setpci register name: its offset, its width and the layouts it exists in (nil: all).
    struct NamedRegister {
        var offset: Int
        var width: AccessWidth
        var layouts: [HeaderLayout]?
    }

    /// setpci's register names (pciutils setpci.c), by header layout.
    static let names: [String: NamedRegister] = {
        var table = [String: NamedRegister]()
        func add(_ name: String, _ offset: Int, _ width: AccessWidth, _ layouts: [HeaderLayout]? = nil) {
            table[name] = NamedRegister(offset: offset, width: width, layouts: layouts)
        }
        add("VENDOR_ID", 0x00, .word)
        add("DEVICE_ID", 0x02, .word)
        add("COMMAND", 0x04, .word)
        add("STATUS", 0x06, .word)
        add("REVISION", 0x08, .byte)
        add("CLASS_PROG", 0x09, .byte)
        add("CLASS_DEVICE", 0x0A, .word)
        add("CACHE_LINE_SIZE", 0x0C, .byte)
        add("LATENCY_TIMER", 0x0D, .byte)
        add("HEADER_TYPE", 0x0E, .byte)
        add("BIST", 0x0F, .byte)
        let type0: [HeaderLayout] = [.endpoint]
        let type1: [HeaderLayout] = [.bridge]
        let type2: [HeaderLayout] = [.cardBus]
        for index in 0..<6 {
            add("BASE_ADDRESS_\(index)", 0x10 + 4 * index, .dword, index < 2 ? [.endpoint, .bridge] : type0)
        }
        add("CARDBUS_CIS", 0x28, .dword, type0)
        add("SUBSYSTEM_VENDOR_ID", 0x2C, .word, type0)
        add("SUBSYSTEM_ID", 0x2E, .word, type0)
        add("ROM_ADDRESS", 0x30, .dword, type0)
        add("CAPABILITIES", 0x34, .byte, [.endpoint, .bridge])
        add("INTERRUPT_LINE", 0x3C, .byte)
        add("INTERRUPT_PIN", 0x3D, .byte)
        add("MIN_GNT", 0x3E, .byte, type0)
        add("MAX_LAT", 0x3F, .byte, type0)
        add("PRIMARY_BUS", 0x18, .byte, type1)
        add("SECONDARY_BUS", 0x19, .byte, type1)
        add("SUBORDINATE_BUS", 0x1A, .byte, type1)
        add("SEC_LATENCY_TIMER", 0x1B, .byte, type1)
        add("IO_BASE", 0x1C, .byte, type1)
        add("IO_LIMIT", 0x1D, .byte, type1)
        add("SEC_STATUS", 0x1E, .word, type1)
        add("MEMORY_BASE", 0x20, .word, type1)
        add("MEMORY_LIMIT", 0x22, .word, type1)
        add("PREF_MEMORY_BASE", 0x24, .word, type1)
        add("PREF_MEMORY_LIMIT", 0x26, .word, type1)
        add("PREF_BASE_UPPER32", 0x28, .dword, type1)
        add("PREF_LIMIT_UPPER32", 0x2C, .dword, type1)
        add("IO_BASE_UPPER16", 0x30, .word, type1)
        add("IO_LIMIT_UPPER16", 0x32, .word, type1)
        add("BRIDGE_ROM_ADDRESS", 0x38, .dword, type1)
        add("BRIDGE_CONTROL", 0x3E, .word, type1)
        add("CB_CARDBUS_BASE", 0x10, .dword, type2)
        add("CB_CAPABILITIES", 0x14, .byte, type2)
        add("CB_SEC_STATUS", 0x16, .word, type2)
        add("CB_BUS_NUMBER", 0x18, .byte, type2)
        add("CB_CARDBUS_NUMBER", 0x19, .byte, type2)
        add("CB_SUBORDINATE_BUS", 0x1A, .byte, type2)
        add("CB_CARDBUS_LATENCY", 0x1B, .byte, type2)
        add("CB_MEMORY_BASE_0", 0x1C, .dword, type2)
        add("CB_MEMORY_LIMIT_0", 0x20, .dword, type2)
        add("CB_MEMORY_BASE_1", 0x24, .dword, type2)
        add("CB_MEMORY_LIMIT_1", 0x28, .dword, type2)
        add("CB_IO_BASE_0", 0x2C, .word, type2)
        add("CB_IO_BASE_0_HI", 0x2E, .word, type2)
        add("CB_IO_LIMIT_0", 0x30, .word, type2)
        add("CB_IO_LIMIT_0_HI", 0x32, .word, type2)
        add("CB_IO_BASE_1", 0x34, .word, type2)
        add("CB_IO_BASE_1_HI", 0x36, .word, type2)
        add("CB_IO_LIMIT_1", 0x38, .word, type2)
        add("CB_IO_LIMIT_1_HI", 0x3A, .word, type2)
        add("CB_BRIDGE_CONTROL", 0x3E, .word, type2)
        add("CB_SUBSYSTEM_VENDOR_ID", 0x40, .word, type2)
        add("CB_SUBSYSTEM_ID", 0x42, .word, type2)
        add("CB_LEGACY_MODE_BASE", 0x44, .dword, type2)
        return table
    }()

    /// The accesses of `expression`: one read, or one write per value (consecutive registers).
    public func accesses(for expression: SetpciExpression) throws(SetpciError) -> [ConfigAccess] {
        var accesses = [ConfigAccess]()
        try resolve(expression, into: &accesses)
        return accesses
    }

    /// Appends the accesses of `expression` to `accesses`.
    public func resolve(_ expression: SetpciExpression, into accesses: inout [ConfigAccess]) throws(SetpciError) {
        func fail(_ problem: SetpciProblem, column: Int? = nil) -> SetpciError {
            SetpciError(line: expression.line, column: column ?? expression.column, problem)
        }
        let offset: Int
        var width = expression.width
        switch expression.register {
        case .offset(let value):
            offset = value
        case .named(let name, let displacement):
            guard let entry = Self.names[name] else { throw fail(.unknownRegister(name)) }
            if let layouts = entry.layouts, !layouts.contains(analysis.context.headerLayout) {
                throw fail(.registerNotInLayout(name, analysis.context.headerLayout))
            }
            offset = entry.offset + displacement
            if width == nil && displacement == 0 { width = entry.width }
        case .capability(let name, let displacement):
            if let start = capabilityOffsets[name] {
                offset = start + displacement
                break
            }
            guard let kind = CapabilityCatalog.kind(named: name) else { throw fail(.unknownCapability(name)) }
            guard let capability = analysis.capability(kind) else {
                // Not found is only "not present" when the list it would be on was read whole.
                let listEnd =
                    if case .extended = kind { ConfigSpace.extendedSize } else { ConfigSpace.conventionalSize }
                if accessibleLength < min(listEnd, analysis.space.size) {
                    throw fail(.capabilityListUnreadable(name, readable: accessibleLength))
                }
                let hidden = hiddenCapabilities.first { $0.kind == kind }?.offset
                throw fail(.capabilityNotPresent(name, hiddenAt: hidden))
            }
            offset = capability.offset.rawValue + displacement
        }
        let resolvedWidth: AccessWidth
        if let width {
            resolvedWidth = width
        } else if let catalogued = capabilityWidths[offset] {
            resolvedWidth = catalogued
        } else {
            throw fail(.missingWidth(offset: offset))
        }
        if expression.values.isEmpty {
            let access = ConfigAccess.read(offset, resolvedWidth)
            try check(access, expression, column: expression.column)
            accesses.append(access)
            return
        }
        for (index, value) in expression.values.enumerated() {
            let limit = UInt64(resolvedWidth.valueMask)
            guard value.value <= limit else {
                throw fail(.valueTooWide(value: value.value, width: resolvedWidth), column: value.column)
            }
            if let mask = value.mask, mask > limit {
                throw fail(.maskTooWide(mask: mask, width: resolvedWidth), column: value.column)
            }
            let access = ConfigAccess.write(
                offset + index * resolvedWidth.byteCount, resolvedWidth, UInt32(value.value),
                mask: value.mask.map { UInt32($0) })
            try check(access, expression, column: index == 0 ? expression.column : value.column)
            accesses.append(access)
        }
    }

    private func check(_ access: ConfigAccess, _ expression: SetpciExpression, column: Int) throws(SetpciError) {
        if let problem = access.problem(
            size: analysis.space.size, readable: accessibleLength, unreadable: analysis.space.unreadable)
        {
            throw SetpciError(line: expression.line, column: column, .access(problem))
        }
    }
}
