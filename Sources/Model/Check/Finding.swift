/// A verdict about one function (or the host as a whole): what is wrong or worth knowing, the
/// register and field that show it, the values that led to it, and one line of meaning.
///
/// Findings are made by the rules of `HealthCheck` from the register tables and the topology;
/// each `kind` names its rule, and `FindingKind.rule`/`reference` document it.
///
/// ```
/// let report = HealthCheck.run(functions)
/// for finding in report.findings where finding.severity == .error { print(finding.message) }
/// ```
public struct Finding: Hashable, Sendable {
    public var kind: FindingKind
    public var severity: DiagnosticSeverity
    /// The function it is about; nil for a finding about the whole source (no IOMMU groups).
    public var function: FunctionKey?
    /// The functions from the root port down to `function` (not including it).
    public var path: [PCIAddress]
    /// Where the deciding value sits, when one register decides.
    public var register: FindingRegister?
    /// The values that led to the verdict, in the order a reader wants them.
    public var values: [FindingValue]
    /// One line: what it means.
    public var message: String

    public init(
        _ kind: FindingKind, _ severity: DiagnosticSeverity, function: FunctionKey?, path: [PCIAddress] = [],
        register: FindingRegister? = nil, values: [FindingValue] = [], message: String
    ) {
        self.kind = kind
        self.severity = severity
        self.function = function
        self.path = path
        self.register = register
        self.values = values
        self.message = message
    }

    /// The function's address, when the finding is about one.
    public var address: PCIAddress? { function?.address }
}

/// The register (and field) a finding points at, named as the register tables name them.
public struct FindingRegister: Hashable, Sendable {
    /// The structure: "Header" or the capability's name.
    public var structure: String
    public var register: String
    public var field: String?
    /// The register's absolute offset in configuration space.
    public var offset: ConfigOffset
    /// The register's width in bytes.
    public var width: Int
    /// The field's bits within the register, when a field decides.
    public var bits: ClosedRange<Int>?

    public init(
        structure: String, register: String, field: String?, offset: ConfigOffset, width: Int,
        bits: ClosedRange<Int>?
    ) {
        self.structure = structure
        self.register = register
        self.field = field
        self.offset = offset
        self.width = width
        self.bits = bits
    }

    /// The byte the field starts in (the register's offset when no field decides).
    public var fieldByteOffset: ConfigOffset {
        guard let bits else { return offset }
        return ConfigOffset(offset.rawValue + bits.lowerBound / 8)
    }
}

/// A named value behind a finding.
public struct FindingValue: Hashable, Sendable {
    public var name: String
    public var value: Value

    public enum Value: Hashable, Sendable {
        case number(Int)
        /// A number best read in hex (register values, masks); `digits` wide.
        case hex(UInt64, digits: Int)
        case text(String)
        case flag(Bool)
        /// Several names (error bits set, missing ACS controls).
        case list([String])
    }

    public init(_ name: String, _ value: Value) {
        self.name = name
        self.value = value
    }
}

/// Counts of a report's findings by severity.
public struct FindingSummary: Hashable, Sendable {
    public var errors = 0
    public var warnings = 0
    public var infos = 0

    public init() {}

    public init(_ findings: some Sequence<Finding>) {
        for finding in findings { add(finding.severity) }
    }

    public mutating func add(_ severity: DiagnosticSeverity) {
        switch severity {
        case .error: errors += 1
        case .warning: warnings += 1
        case .info: infos += 1
        }
    }

    /// The most serious severity present, nil when there is no finding.
    public var worst: DiagnosticSeverity? {
        errors > 0 ? .error : warnings > 0 ? .warning : infos > 0 ? .info : nil
    }
}
