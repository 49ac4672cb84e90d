/// Register layouts, as data, for the configuration header and every catalogued capability.
///
/// The header's tables are here (`RegisterCatalog+Header`); each capability's table lives in
/// its definition (`CapabilityDefinition`), and these functions look it up. Layouts that depend
/// on the structure's own contents (MSI's four layouts, the PCI Express registers by version
/// and port type, repeated blocks) are built from the space; offsets are relative to the
/// structure. Facts come from the PCIe Base specification (r6.0) and the documents each
/// definition cites; the tables are cfgtui's own.
///
/// ```
/// let registers = RegisterCatalog.registers(for: capability, in: space, context: analysis.context)
/// registers.first?.name   // "Capability Header"
/// ```
public enum RegisterCatalog {
    /// The registers of the capability, offsets relative to its start, in offset order.
    public static func registers(for capability: Capability, in space: ConfigSpace, context: FunctionContext)
        -> [RegisterSpec]
    {
        capability.definition.registers(
            at: capability.offset.rawValue, version: capability.version ?? 0, in: space, context: context)
    }

    /// Values that need several registers (a BAR's full address, VF routing IDs, windows).
    public static func derivedValues(for capability: Capability, in space: ConfigSpace, context: FunctionContext)
        -> [DerivedValue]
    {
        capability.definition.derivedValues(at: capability.offset.rawValue, in: space, context: context)
    }

    // MARK: - Shared pieces

    /// Bytes +0 and +1 of every standard capability (PCI 3.0 §6.7).
    public static let standardCapabilityHeader = RegisterSpec(
        0, width: 2, "Capability Header",
        fields: [
            RegisterField(0...7, "Capability ID", .readOnly, "Identifies the capability structure"),
            RegisterField(
                8...15, "Next Capability Pointer", .readOnly, "Offset of the next capability; 0 ends the list",
                .configPointer),
        ])

    /// The first dword of every extended capability (PCIe §7.6.3).
    public static let extendedCapabilityHeader = RegisterSpec(
        0, width: 4, "Extended Capability Header",
        fields: [
            RegisterField(0...15, "Capability ID", .readOnly, "Identifies the extended capability structure"),
            RegisterField(16...19, "Capability Version", .readOnly, "Version of the structure"),
            RegisterField(
                20...31, "Next Capability Offset", .readOnly, "Offset of the next extended capability; 0 ends the list",
                .configPointer),
        ])

    /// An opaque block of `width` bytes at `offset` holding `content` (reserved bytes,
    /// vendor-defined bodies, registers without a public bit layout).
    public static func opaque(_ offset: Int, width: Int, _ name: String, _ content: OpaqueContent) -> RegisterSpec {
        RegisterSpec(offset, width: width, name, opaque: content)
    }

    /// Fallback for capabilities without a table: the header, then the rest of the known
    /// length as one opaque block.
    static func genericRegisters(space: CapabilitySpace, length: Int?) -> [RegisterSpec] {
        let header = space == .standard ? standardCapabilityHeader : extendedCapabilityHeader
        var registers = [header]
        if let length, length > header.width {
            registers.append(
                opaque(header.width, width: length - header.width, "Capability-specific registers", .undocumented))
        }
        return registers
    }
}

/// A value derived from several registers, with a name.
public struct DerivedValue: Hashable, Sendable {
    public var name: String
    public var value: DecodedValue

    public init(_ name: String, _ value: DecodedValue) {
        self.name = name
        self.value = value
    }
}
