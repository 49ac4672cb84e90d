/// What kind of state a difference between two functions is, and so whether it matters for
/// live migration.
///
/// The class comes from the register tables: each field's `RegisterAccess`, plus one explicit
/// table (`RuntimeStatusFields`) of read-only fields that the hardware changes while it runs.
public enum DifferenceClass: String, Hashable, Sendable, CaseIterable {
    /// What the device is: IDs, capability registers, sizes, the layout (RO, HwInit, ROS,
    /// reserved bits). A difference means the two functions are not the same device model.
    case identity
    /// State software set (RW, RWS, WO): BAR addresses, enables. It migrates with the device.
    case control
    /// State the hardware reports (RW1C, RW1CS, and the runtime read-only fields): error
    /// bits, link speed and width, presence. It migrates with the device or is re-read.
    case status
    /// Registers the vendor defines: vendor-specific bodies, Vendor fields, hidden registers
    /// in the gaps. cfgtui cannot say what they mean.
    case vendorDefined

    /// Whether a difference of this class makes live migration incompatible.
    public var breaksMigration: Bool { self == .identity }

    /// The class of a field of `access`, in `structure`'s `register`.
    public static func of(
        _ access: RegisterAccess, field: String, register: String, in structure: DiffStructureKind
    ) -> DifferenceClass {
        switch access {
        case .readWrite, .readWriteSticky, .writeOnlyReadsZero: return .control
        case .writeOneToClear, .writeOneToClearSticky: return .status
        case .vendorDefined: return .vendorDefined
        case .readOnly, .hardwareInit, .readOnlySticky:
            return RuntimeStatusFields.contains(structure, register: register, field: field) ? .status : .identity
        case .reservedPreserve, .reservedZero:
            // Reserved bits read as the hardware wires them; a difference is a different device
            // (or a newer revision defining them).
            return .identity
        }
    }
}

/// The kind of structure a register belongs to, for the runtime-status table.
public enum DiffStructureKind: Hashable, Sendable {
    case header
    case capability(CapabilityKind)
}

/// Read-only fields that the hardware changes at run time, so that two functions of one
/// device model can differ in them: the link's trained speed and width, presence, pending
/// transactions, logs. By access they would be identity; they are status.
///
/// Sections are PCIe r6.0. Defined here, in one place, because the register tables describe what software may write,
/// not how often hardware changes a bit. Each entry names the structure, the register (nil:
/// any register of the structure, for repeated blocks) and the field, exactly as the register
/// tables spell them; `FunctionDiffTests` checks that every entry names a field the tables
/// build.
public enum RuntimeStatusFields {
    /// One entry of the table.
    public struct Entry: Hashable, Sendable {
        public var structure: DiffStructureKind
        public var register: String?
        public var field: String

        init(_ structure: DiffStructureKind, _ register: String?, _ field: String) {
            self.structure = structure
            self.register = register
            self.field = field
        }
    }

    private static let express = DiffStructureKind.capability(.standard(.pciExpress))

    /// The table.
    public static let entries: [Entry] = [
        // Header Status: INTx asserted now (§7.5.1.1.4).
        Entry(.header, "Status", "Interrupt Status"),
        // PCI Express Device Status (§7.5.3.5): requests in flight.
        Entry(express, "Device Status", "Transactions Pending"),
        // Link Status (§7.5.3.8): what the link trained to, and whether it is up.
        Entry(express, "Link Status", "Current Link Speed"),
        Entry(express, "Link Status", "Negotiated Link Width"),
        Entry(express, "Link Status", "Link Training"),
        Entry(express, "Link Status", "Data Link Layer Link Active"),
        Entry(express, "Link Status", "Undefined (formerly Link Training Error)"),
        // Slot Status (§7.5.3.11): latch, card and interlock positions.
        Entry(express, "Slot Status", "MRL Sensor State"),
        Entry(express, "Slot Status", "Presence Detect State"),
        Entry(express, "Slot Status", "Electromechanical Interlock Status"),
        // Root Status (§7.5.3.14): the last PME received.
        Entry(express, "Root Status", "PME Requester ID"),
        Entry(express, "Root Status", "PME Pending"),
        // Link Status 2 (§7.5.3.20): equalization results and what training found.
        Entry(express, "Link Status 2", "Current De-emphasis Level"),
        Entry(express, "Link Status 2", "Equalization 8.0 GT/s Complete"),
        Entry(express, "Link Status 2", "Equalization 8.0 GT/s Phase 1 Successful"),
        Entry(express, "Link Status 2", "Equalization 8.0 GT/s Phase 2 Successful"),
        Entry(express, "Link Status 2", "Equalization 8.0 GT/s Phase 3 Successful"),
        Entry(express, "Link Status 2", "Retimer Presence Detected"),
        Entry(express, "Link Status 2", "Two Retimers Presence Detected"),
        Entry(express, "Link Status 2", "Crosslink Resolution"),
        Entry(express, "Link Status 2", "Flit Mode Status"),
        Entry(express, "Link Status 2", "Downstream Component Presence"),
        // MSI Pending Bits (§7.7.1.8): messages waiting on masked vectors.
        Entry(.capability(.standard(.msi)), "Pending Bits", "Pending Bits"),
        // Power Management Data (§7.5.2.3): the figure Data_Select (RW) chooses.
        Entry(.capability(.standard(.powerManagement)), "Data", "Data"),
        // AER (§7.8.4.7, 7.8.4.8): what was logged for the first error.
        Entry(.capability(.extended(.advancedErrorReporting)), nil, "First Error Pointer"),
        Entry(.capability(.extended(.advancedErrorReporting)), nil, "TLP Prefix Log Present"),
        Entry(.capability(.extended(.advancedErrorReporting)), nil, "TLP Logged in Flit Mode"),
        Entry(.capability(.extended(.advancedErrorReporting)), nil, "Logged TLP Size"),
        Entry(.capability(.extended(.advancedErrorReporting)), "Header Log DW0", "Header Log DW0"),
        Entry(.capability(.extended(.advancedErrorReporting)), "Header Log DW1", "Header Log DW1"),
        Entry(.capability(.extended(.advancedErrorReporting)), "Header Log DW2", "Header Log DW2"),
        Entry(.capability(.extended(.advancedErrorReporting)), "Header Log DW3", "Header Log DW3"),
        Entry(.capability(.extended(.advancedErrorReporting)), "Root Error Status", "ERR_COR Subclass"),
        // SR-IOV (§9.3.3.9-10): First VF Offset and VF Stride change with NumVFs and ARI
        // Capable Hierarchy, both RW.
        Entry(.capability(.extended(.singleRootIOV)), "First VF Offset", "First VF Offset"),
        Entry(.capability(.extended(.singleRootIOV)), "VF Stride", "VF Stride"),
        // Virtual Channel (§7.9.1.5, 7.9.1.8): arbitration table loading, VC negotiation.
        Entry(.capability(.extended(.virtualChannel)), "Port VC Status", "VC Arbitration Table Status"),
        Entry(.capability(.extended(.virtualChannel)), nil, "VC Negotiation Pending"),
        // Page Request Status (§10.5.2.3): the interface stopped.
        Entry(.capability(.extended(.pageRequest)), "Page Request Status", "Stopped"),
        // DPC Status (§7.9.14.4): why containment triggered.
        Entry(.capability(.extended(.downstreamPortContainment)), "DPC Status", "DPC Trigger Reason"),
        Entry(.capability(.extended(.downstreamPortContainment)), "DPC Status", "DPC RP Busy"),
        Entry(.capability(.extended(.downstreamPortContainment)), "DPC Status", "DPC Trigger Reason Extension"),
        Entry(.capability(.extended(.downstreamPortContainment)), "DPC Status", "RP PIO First Error Pointer"),
        // DOE Status (§7.9.24.4): a mailbox exchange in progress.
        Entry(.capability(.extended(.dataObjectExchange)), "DOE Status", "DOE Busy"),
        Entry(.capability(.extended(.dataObjectExchange)), "DOE Status", "DOE Error"),
        Entry(.capability(.extended(.dataObjectExchange)), "DOE Status", "Data Object Ready"),
    ]

    private static let lookup: Set<Entry> = Set(entries)

    /// Whether `field` of `register` in `structure` is in the table.
    public static func contains(_ structure: DiffStructureKind, register: String, field: String) -> Bool {
        lookup.contains(Entry(structure, register, field)) || lookup.contains(Entry(structure, nil, field))
    }
}
