/// Everything cfgtui knows about one capability ID, in one value: its names, where the
/// specification defines it, how long the structure is, its register table, the values
/// derived from several registers, and the write rules its attributes cannot express.
///
/// Each definition lives in one file with its family (`CapabilityDefinition+MSI.swift` holds
/// MSI and MSI-X) and is registered in `CapabilityCatalog` by the family list that file
/// declares, keyed by its `CapabilityKind`. Adding a capability means adding one value to a
/// family file; the catalog's tests check that every ID has a complete definition.
///
/// ```
/// static let addressTranslationServices = CapabilityDefinition(
///     .extended(.addressTranslationServices), "Address Translation Services", abbreviation: "ATS",
///     setpci: "ECAP_ATS", reference: .pcie("10.5.1"), length: .fixed(8),
///     registers: .computed { input, _ in atsRegisters(context: input.context) })
/// ```
public struct CapabilityDefinition: Sendable {
    /// The ID and list.
    public let kind: CapabilityKind
    /// The specification's name, e.g. "Process Address Space ID".
    public let name: String
    /// A short label for legends and narrow columns, e.g. "PASID".
    public let abbreviation: String
    /// The name setpci accepts for it (`CAP_PM`, `ECAP_PASID`), when setpci has one.
    public let setpciName: String?
    /// Where the structure is defined.
    public let reference: SpecReference
    /// Whether the ID is defined by the specifications the catalog covers.
    public let isKnown: Bool
    /// How the structure's length is established.
    public let lengthRule: LengthRule
    /// The register layout.
    public let registerTable: RegisterTable
    /// Subsections of `reference` for its registers, by register name.
    public let registerSections: RegisterSections
    /// For a fixed table, each register's subsection, looked up once here rather than for every
    /// function decoded.
    let fixedTableSections: [String?]?
    let derivedValueRule: (@Sendable (CapabilityInput) -> [DerivedValue])?
    let writeRule: (@Sendable (inout AccessMapBuilder, _ base: Int) -> Void)?

    init(
        _ kind: CapabilityKind, _ name: String, abbreviation: String, setpci setpciName: String? = nil,
        reference: SpecReference, length: LengthRule, registers: RegisterTable, sections: [String: String] = [:],
        derivedValues: (@Sendable (CapabilityInput) -> [DerivedValue])? = nil,
        writeRules: (@Sendable (inout AccessMapBuilder, _ base: Int) -> Void)? = nil, isKnown: Bool = true
    ) {
        self.kind = kind
        self.name = name
        self.abbreviation = abbreviation
        self.setpciName = setpciName
        self.reference = reference
        self.isKnown = isKnown
        self.lengthRule = length
        self.registerTable = registers
        let registerSections = RegisterSections(sections)
        self.registerSections = registerSections
        if case .fixed(let registers) = registers {
            fixedTableSections = registers.map { registerSections.section(forRegisterNamed: $0.name) }
        } else {
            fixedTableSections = nil
        }
        self.derivedValueRule = derivedValues
        self.writeRule = writeRules
    }

    // MARK: - Applying the definition to a structure

    /// The length of this capability at `offset`, by its rule. Never guesses: when a field the
    /// rule needs is unreadable or invalid, or there is no rule, the result is `.unknown` with
    /// the reason.
    public func length(at offset: Int, in space: ConfigSpace, context: FunctionContext) -> CapabilityLength {
        length(of: CapabilityInput(space: space, base: offset, version: 0, context: context))
    }

    func length(of input: CapabilityInput) -> CapabilityLength {
        switch lengthRule {
        case .fixed(let length): .fixed(length)
        case .computed(_, let rule): rule(input)
        case .unknown: .unknown(.notCatalogued)
        }
    }

    /// The registers of this capability at `offset` (offsets relative to it), in offset order.
    public func registers(at offset: Int, version: Int, in space: ConfigSpace, context: FunctionContext)
        -> [RegisterSpec]
    {
        let input = CapabilityInput(space: space, base: offset, version: version, context: context)
        return registers(of: input, length: length(of: input).bytes)
    }

    /// The registers for a structure whose length is already known (a `FunctionAnalysis` has
    /// computed it with this definition's rule), so the rule does not run twice.
    func registers(of input: CapabilityInput, length: Int?) -> [RegisterSpec] {
        switch registerTable {
        case .fixed(let registers): return registers
        case .computed(let build): return build(input, length)
        case .notPublic:
            return RegisterCatalog.genericRegisters(space: kind.space, length: length)
        }
    }

    /// Values that need several registers (full addresses, VF routing IDs, latencies).
    public func derivedValues(at offset: Int, in space: ConfigSpace, context: FunctionContext) -> [DerivedValue] {
        derivedValueRule?(CapabilityInput(space: space, base: offset, version: 0, context: context)) ?? []
    }

    /// The reference for a register of this capability: its own subsection when the
    /// definition names one, else the capability's.
    public func reference(forRegisterNamed registerName: String) -> SpecReference {
        registerSections.section(forRegisterNamed: registerName).map { reference.subsection($0) } ?? reference
    }

    /// The reference for register `index` of a table this definition built: from the
    /// precomputed sections when the table is fixed.
    func reference(forRegister spec: RegisterSpec, at index: Int) -> SpecReference {
        if let fixedTableSections, fixedTableSections.indices.contains(index) {
            return fixedTableSections[index].map { reference.subsection($0) } ?? reference
        }
        return reference(forRegisterNamed: spec.name)
    }
}

/// One capability structure as its definition's rules read it: the function's bytes, where the
/// structure starts, its version (extended capabilities) and the facts about the function its
/// layout depends on.
public struct CapabilityInput: Sendable {
    public let space: ConfigSpace
    /// The structure's offset in configuration space.
    public let base: Int
    /// The extended capability version (bits 19:16 of the header); 0 for standard ones.
    public let version: Int
    public let context: FunctionContext

    /// Reads fields relative to the structure's start.
    var reader: FieldReader { FieldReader(space: space, base: base) }
}

/// How a capability's length is established.
public enum LengthRule: Sendable {
    /// A fixed number of bytes, from the specification.
    case fixed(Int)
    /// Computed from the structure's own fields or the function's; the text says how, for
    /// documentation and tests.
    case computed(String, @Sendable (CapabilityInput) -> CapabilityLength)
    /// No length can be given; the text says why (the layout is not public, the instance
    /// entries are not sized publicly, ...).
    case unknown(String)
}

/// How a capability's register layout is established.
public enum RegisterTable: Sendable {
    /// The same registers wherever the structure appears.
    case fixed([RegisterSpec])
    /// Built from the structure and its length (layouts chosen by flags, repeated blocks).
    case computed(@Sendable (CapabilityInput, _ length: Int?) -> [RegisterSpec])
    /// No public layout: the header, then the rest of the known length as one opaque block.
    /// The text says why.
    case notPublic(String)
}

/// Reads fields relative to a structure's start, for the length rules and decoders.
struct FieldReader {
    let space: ConfigSpace
    let base: Int

    func byte(_ offset: Int) -> UInt8? { space.byte(at: base + offset) }
    func word(_ offset: Int) -> UInt16? { space.word(at: base + offset) }
    func dword(_ offset: Int) -> UInt32? { space.dword(at: base + offset) }
    func unreadable(_ offset: Int) -> CapabilityLength { .unknown(.fieldUnreadable(ConfigOffset(base + offset))) }
}
