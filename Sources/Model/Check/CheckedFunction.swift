/// One function as the health check reads it: its analysis, the structures the rules look at
/// decoded once through the register tables, and typed readings of their fields.
///
/// Every value a rule uses comes from a field of a register table (`field(_:register:bit:)`),
/// so a finding can name the register and field as `show` does, and the explorer can jump to it.
public final class CheckedFunction: Sendable {
    // A class: the rules look at neighbours and ancestors many times, and a copy of the
    // function with its analysis costs dozens of retains each time.
    public let function: PCIFunction
    public let analysis: FunctionAnalysis
    /// The register tables of the structures the rules use, by kind (the header under nil),
    /// placed but not read: a field is read when a rule asks for it.
    let tables: RegisterTables
    /// The link, read once (several rules and the path's bottleneck ask for it).
    public let link: LinkFacts?

    /// A structure's register table at its base.
    struct PlacedTable: Sendable {
        var name: String
        var base: Int
        /// Registers with fields must end before this (the structure's known length).
        var limit: Int
        var specs: [RegisterSpec]
        var reference: SpecReference
    }

    /// The capabilities the rules read.
    static let kindsUsed: Set<CapabilityKind> = [
        .standard(.pciExpress), .standard(.powerManagement), .extended(.advancedErrorReporting),
        .extended(.accessControlServices), .extended(.singleRootIOV), .extended(.l1PMSubstates),
        .extended(.processAddressSpaceID), .extended(.pageRequest), .extended(.addressTranslationServices),
    ]

    public init(_ function: PCIFunction) {
        self.function = function
        let analysis = function.analyze()
        self.analysis = analysis
        var structures = [CapabilityKind?: PlacedTable]()
        let layout = analysis.context.headerLayout
        structures[nil] = PlacedTable(
            name: "Header", base: 0, limit: layout.headerLength,
            specs: RegisterCatalog.headerRegisters(in: analysis.space, context: analysis.context),
            reference: RegisterCatalog.headerReference(for: layout))
        for capability in analysis.capabilities
        where Self.kindsUsed.contains(capability.kind) && structures[capability.kind] == nil {
            let definition = capability.definition
            let base = capability.offset.rawValue
            let input = CapabilityInput(
                space: analysis.space, base: base, version: capability.version ?? 0, context: analysis.context)
            let areaEnd = capability.space == .standard ? ConfigSpace.conventionalSize : ConfigSpace.extendedSize
            let limit = min(capability.length.bytes ?? (areaEnd - base), areaEnd - base)
            structures[capability.kind] = PlacedTable(
                name: definition.name, base: base, limit: limit,
                specs: definition.registers(of: input, length: capability.length.bytes),
                reference: definition.reference)
        }
        let tables = RegisterTables(space: function.space, structures: structures)
        self.tables = tables
        let portType = analysis.context.express?.portType
        let linked = portType.map { !$0.isRootComplexIntegrated } == true && !function.isVirtualFunction
        self.link = linked ? tables.readLink() : nil
    }

    public var address: PCIAddress { function.address }
    public var key: FunctionKey { function.key }
    public var express: ExpressInfo? { analysis.context.express }
    public var portType: PortType? { express?.portType }

    /// Whether the function has a capability the rules read.
    public func has(_ kind: CapabilityKind) -> Bool { tables.structures[kind] != nil }

    /// A header (kind nil) or capability field: the register at `register` (offset within the
    /// structure) and its field containing `bit`, with its value, when the tables place it
    /// there and its bytes were read.
    public func field(_ kind: CapabilityKind?, register offset: Int, bit: Int) -> FieldReading? {
        tables.field(kind, register: offset, bit: bit)
    }

    /// The whole register at `offset` of a structure, when read.
    public func register(_ kind: CapabilityKind?, at offset: Int) -> RegisterReading? {
        tables.register(kind, at: offset)
    }

    /// The set fields of a register (its flags that read 1), by name.
    public func setFlags(_ kind: CapabilityKind?, register offset: Int, among bits: [Int]? = nil) -> [RegisterField] {
        guard let reading = register(kind, at: offset) else { return [] }
        return reading.register.spec.fields.filter { field in
            field.bitCount == 1 && !field.access.isReserved && field.value(in: reading.value) != 0
                && (bits?.contains(field.lowBit) ?? true)
        }
    }

    /// A flag's value (false when unread or not in the table).
    func flag(_ kind: CapabilityKind?, register offset: Int, bit: Int) -> Bool {
        field(kind, register: offset, bit: bit).map { $0.value != 0 } ?? false
    }

    // MARK: - Facts several rules share

    /// The PCI Express capability's kind.
    static let express: CapabilityKind = .standard(.pciExpress)

    /// Whether this is a bridge (header type 1).
    public var isBridge: Bool { analysis.context.headerLayout == .bridge }

    /// Whether the function has a link of its own (not integrated into the root complex, not a VF).
    public var hasLink: Bool { link != nil }

    /// Device Control's Max_Payload_Size in bytes, and Device Capabilities' supported size.
    var payload: (setting: Int, supported: Int, field: FieldReading)? {
        guard !function.isVirtualFunction, let setting = field(Self.express, register: 0x08, bit: 5),
            let supported = field(Self.express, register: 0x04, bit: 0), setting.value < 6, supported.value < 6
        else { return nil }
        return (128 << Int(setting.value), 128 << Int(supported.value), setting)
    }
}

/// The register tables of one function's structures, placed at their bases, and the bytes they
/// are read from.
struct RegisterTables: Sendable {
    let space: ConfigSpace
    let structures: [CapabilityKind?: CheckedFunction.PlacedTable]
    static let express = CheckedFunction.express

    /// A header (kind nil) or capability field: the register at `register` (offset within the
    /// structure) and its field containing `bit`, with its value, when the tables place it
    /// there and its bytes were read.
    public func field(_ kind: CapabilityKind?, register offset: Int, bit: Int) -> FieldReading? {
        guard let reading = register(kind, at: offset),
            let field = reading.register.spec.fields.first(where: { $0.lowBit <= bit && bit <= $0.highBit }),
            !field.access.isReserved
        else { return nil }
        return FieldReading(
            structure: reading.structure, register: reading.register, field: field,
            value: field.value(in: reading.value))
    }

    /// The whole register at `offset` of a structure, when read.
    public func register(_ kind: CapabilityKind?, at offset: Int) -> RegisterReading? {
        guard let table = structures[kind],
            let spec = table.specs.first(where: { $0.offset == offset && !$0.isOpaque }),
            spec.offset + spec.width <= table.limit,
            let value = space.value(at: table.base + offset, length: spec.width)
        else { return nil }
        let register = DecodedRegister(
            spec: spec, offset: ConfigOffset(table.base + offset), value: value, reference: table.reference)
        return RegisterReading(structure: table.name, register: register, value: value)
    }

    /// What the link trained to (Link Status) and what this end can do (Link Capabilities 1/2).
    func readLink() -> LinkFacts? {
        guard let current = field(Self.express, register: 0x12, bit: 0),
            let width = field(Self.express, register: 0x12, bit: 4),
            let maxSpeed = field(Self.express, register: 0x0C, bit: 0),
            let maxWidth = field(Self.express, register: 0x0C, bit: 4)
        else { return nil }
        var supported = [Int]()
        if let vector = field(Self.express, register: 0x2C, bit: 1), vector.value != 0 {
            supported = (0..<7).filter { vector.value & (1 << UInt64($0)) != 0 }.map { $0 + 1 }
        } else if maxSpeed.value > 0 {
            supported = Array(1...min(7, Int(maxSpeed.value)))
        }
        return LinkFacts(
            current: LinkState(speed: Int(current.value), width: Int(width.value)),
            capable: LinkState(speed: supported.max() ?? Int(maxSpeed.value), width: Int(maxWidth.value)),
            supportedSpeeds: supported, status: current, capabilities: maxSpeed)
    }

}

/// A field as read: where the table puts it and its value.
public struct FieldReading: Hashable, Sendable {
    public var structure: String
    public var register: DecodedRegister
    public var field: RegisterField
    public var value: UInt64

    /// The finding's pointer at this field.
    public var location: FindingRegister {
        FindingRegister(
            structure: structure, register: register.spec.name, field: field.name, offset: register.offset,
            width: register.spec.width, bits: field.lowBit...field.highBit)
    }
}

/// A register as read.
public struct RegisterReading: Hashable, Sendable {
    public var structure: String
    public var register: DecodedRegister
    public var value: UInt64

    /// The finding's pointer at this register (no single field).
    public var location: FindingRegister {
        FindingRegister(
            structure: structure, register: register.spec.name, field: nil, offset: register.offset,
            width: register.spec.width, bits: nil)
    }
}

/// A link's speed (the Link Speed index: 1 = 2.5 GT/s ... 6 = 64 GT/s) and width (lanes).
public struct LinkState: Hashable, Sendable, CustomStringConvertible {
    public var speed: Int
    public var width: Int

    public init(speed: Int, width: Int) {
        self.speed = speed
        self.width = width
    }

    /// GT/s in tenths (25 = 2.5 GT/s), nil for a reserved index.
    public var tenthsGTs: Int? { DecodedValue.linkSpeedTenths(speed) }

    /// "8GT/s", "2.5GT/s", or "unknown" for a reserved index (as lspci says).
    public var speedText: String {
        guard let tenths = tenthsGTs else { return "unknown" }
        return tenths % 10 == 0 ? "\(tenths / 10)GT/s" : "\(tenths / 10).\(tenths % 10)GT/s"
    }

    /// "8GT/s x4".
    public var description: String { "\(speedText) x\(width)" }

    /// Usable bandwidth per direction in MB/s after line encoding: 8b/10b up to 5 GT/s,
    /// 128b/130b from 8 to 32 GT/s, 242/256 FLITs from 64 GT/s.
    public var megabytesPerSecond: Int {
        guard let tenths = tenthsGTs else { return 0 }
        let (numerator, denominator) = tenths <= 50 ? (8, 10) : tenths <= 320 ? (128, 130) : (242, 256)
        // tenths of GT/s × 100 = Mb/s per lane; /8 for bytes.
        return tenths * 100 * numerator * width / (denominator * 8)
    }
}

/// A function's link: what it trained to and what this end supports.
public struct LinkFacts: Hashable, Sendable {
    public var current: LinkState
    public var capable: LinkState
    /// Supported speed indexes (Supported Link Speeds Vector, or 1 to Max Link Speed).
    public var supportedSpeeds: [Int]
    /// Link Status' Current Link Speed field, for findings.
    public var status: FieldReading
    /// Link Capabilities' Max Link Speed field.
    public var capabilities: FieldReading
}
