/// A register of one function, placed and read.
public struct DecodedRegister: Hashable, Sendable {
    public var spec: RegisterSpec
    /// Absolute offset in configuration space.
    public var offset: ConfigOffset
    /// The register's value; nil when some of its bytes were not read, or it is an opaque block.
    public var value: UInt64?
    /// Where the specification defines it: its own subsection, or its structure's.
    public var reference: SpecReference

    public init(spec: RegisterSpec, offset: ConfigOffset, value: UInt64?, reference: SpecReference) {
        self.spec = spec
        self.offset = offset
        self.value = value
        self.reference = reference
    }

    /// The bytes the register covers.
    public var range: ConfigRange { ConfigRange(start: offset, length: spec.width) }

    /// A field's raw value, when the register was read.
    public func value(of field: RegisterField) -> UInt64? { value.map { field.value(in: $0) } }

    /// A field's interpreted value, when the register was read.
    public func decoded(_ field: RegisterField) -> DecodedValue? {
        value(of: field).map { field.decoding.decode($0, lowBit: field.lowBit) }
    }
}

/// The registers of one structure (the header or a capability), placed and read.
public struct DecodedStructure: Hashable, Sendable {
    /// `.header` or `.capability(index)`.
    public var owner: ByteOwner
    public var registers: [DecodedRegister]
    public var derivedValues: [DerivedValue]
    /// Where the specification defines the structure.
    public var reference: SpecReference

    public init(
        owner: ByteOwner, registers: [DecodedRegister], derivedValues: [DerivedValue], reference: SpecReference
    ) {
        self.owner = owner
        self.registers = registers
        self.derivedValues = derivedValues
        self.reference = reference
    }
}

/// Places register tables onto a function's bytes.
public enum RegisterDecoder {
    /// The header's registers.
    public static func header(of analysis: FunctionAnalysis) -> DecodedStructure {
        let specs = RegisterCatalog.headerRegisters(in: analysis.space, context: analysis.context)
        let layout = analysis.context.headerLayout
        return DecodedStructure(
            owner: .header,
            registers: place(specs, at: 0, limit: layout.headerLength, in: analysis.space) { spec, _ in
                RegisterCatalog.headerReference(forRegisterNamed: spec.name, layout: layout)
            },
            derivedValues: RegisterCatalog.headerDerivedValues(in: analysis.space, context: analysis.context),
            reference: RegisterCatalog.headerReference(for: layout))
    }

    /// The registers of capability `index` of the analysis. Registers past the structure's
    /// known length are left out.
    public static func capability(_ index: Int, of analysis: FunctionAnalysis) -> DecodedStructure {
        guard analysis.capabilities.indices.contains(index) else {
            return DecodedStructure(
                owner: .capability(index), registers: [], derivedValues: [], reference: .pcie("7.5.1.1.11"))
        }
        let capability = analysis.capabilities[index]
        let definition = capability.definition
        let input = CapabilityInput(
            space: analysis.space, base: capability.offset.rawValue, version: capability.version ?? 0,
            context: analysis.context)
        let specs = definition.registers(of: input, length: capability.length.bytes)
        let areaEnd = capability.space == .standard ? ConfigSpace.conventionalSize : ConfigSpace.extendedSize
        let limit = min(
            capability.length.bytes ?? (areaEnd - capability.offset.rawValue), areaEnd - capability.offset.rawValue)
        return DecodedStructure(
            owner: .capability(index),
            registers: place(specs, at: capability.offset.rawValue, limit: limit, in: analysis.space) { spec, index in
                definition.reference(forRegister: spec, at: index)
            },
            derivedValues: definition.derivedValues(
                at: capability.offset.rawValue, in: analysis.space, context: analysis.context),
            reference: definition.reference)
    }

    /// Every structure: the header, then each capability in list order.
    public static func all(of analysis: FunctionAnalysis) -> [DecodedStructure] {
        [header(of: analysis)] + analysis.capabilities.indices.map { capability($0, of: analysis) }
    }

    /// The register covering `offset` and the field covering its bit `bit` (0-7 within the byte),
    /// if a structure owns the byte.
    public static func register(at offset: Int, in analysis: FunctionAnalysis) -> DecodedRegister? {
        let structure: DecodedStructure
        switch analysis.map.owner(at: offset) {
        case .header: structure = header(of: analysis)
        case .capability(let index): structure = capability(index, of: analysis)
        default: return nil
        }
        return structure.registers.first { $0.range.contains(ConfigOffset(offset)) }
    }

    static func place(
        _ specs: [RegisterSpec], at base: Int, limit: Int, in space: ConfigSpace,
        reference: (RegisterSpec, Int) -> SpecReference
    ) -> [DecodedRegister] {
        var registers = [DecodedRegister]()
        registers.reserveCapacity(specs.count)
        for (index, spec) in specs.enumerated() where spec.offset < limit {
            var placed = spec
            if spec.offset + spec.width > limit {
                // Trim a block that runs past the structure; a register with fields is dropped.
                guard spec.isOpaque else { continue }
                placed.width = limit - spec.offset
            }
            let offset = base + placed.offset
            let value = placed.isOpaque ? nil : space.value(at: offset, length: placed.width)
            registers.append(
                DecodedRegister(
                    spec: placed, offset: ConfigOffset(offset), value: value, reference: reference(spec, index)))
        }
        return registers
    }
}
