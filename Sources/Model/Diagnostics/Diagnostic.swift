/// How serious a diagnostic is.
public enum DiagnosticSeverity: Int, Hashable, Comparable, Sendable, CaseIterable {
    /// Worth knowing; nothing is wrong (e.g. no extended capabilities).
    case info
    /// Unusual or non-conforming, but decoding went on (e.g. a Null capability, low pointer bits).
    case warning
    /// The structure is broken here; decoding stopped or a result is unreliable (loops, overlaps).
    case error

    public static func < (lhs: DiagnosticSeverity, rhs: DiagnosticSeverity) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// Something noteworthy found while decoding a configuration space, at an offset when it has one.
///
/// Diagnostics are results, not failures: the decoder returns what it could decode plus these.
/// The text a person reads is made from `kind` by the views (`DiagnosticText`).
public struct Diagnostic: Hashable, Sendable {
    public var offset: ConfigOffset?
    public var kind: DiagnosticKind

    public init(_ kind: DiagnosticKind, at offset: ConfigOffset? = nil) {
        self.kind = kind
        self.offset = offset
    }

    public init(_ kind: DiagnosticKind, at offset: Int) {
        self.init(kind, at: ConfigOffset(offset))
    }

    public var severity: DiagnosticSeverity { kind.severity }
}

/// Every kind of diagnostic the decoder reports.
public enum DiagnosticKind: Hashable, Sendable {
    // MARK: Whole function
    /// Fewer bytes were readable than the space holds; `needsRoot` when it is the 64-byte
    /// (or 128-byte CardBus) limit the kernel applies to unprivileged readers.
    case partialRead(readable: Int, size: Int, needsRoot: Bool)
    /// Not even the 64-byte header was readable.
    case headerTruncated(readable: Int)
    /// Every readable byte is 0xFF: the function is absent, powered off (D3cold) or inaccessible.
    case allOnesFunction
    /// The Vendor ID is 0x0000 or 0xFFFF on a function that is not a VF.
    case invalidVendorID(UInt16)
    /// A VF's Vendor and Device ID registers read 0xFFFF, as SR-IOV requires.
    case virtualFunctionIDs
    /// Header Type names a reserved layout; only the common registers are decoded.
    case reservedHeaderLayout(Int)
    /// A dump left this range out; its bytes are treated as unreadable.
    case missingBytes(ConfigRange)
    /// A host function's sysfs file was not used (`config`: no bytes; `vendor`, `device`,
    /// `class`: the identity comes from the configuration space; `physfn`: no VF relation).
    case sysfsFileUnusable(path: String, problem: SysfsFileProblem)
    /// A dump's hex line (1-based `line`) is not two-digit hex bytes separated by single spaces
    /// from the 1-based `column` on; the bytes it would have held (`range`) are unreadable.
    case malformedHexLine(line: Int, column: Int, range: ConfigRange)
    /// Other sources (dump files, as `file:line`) hold a function at the same address; all are
    /// kept and told apart by their source.
    case duplicateAddress(alsoIn: [String])
    /// `count` hex lines from `firstLine` on came after this function's end (a blank line)
    /// and before any other device line, so no function holds them.
    case hexLinesOutsideDevice(firstLine: Int, count: Int)

    // MARK: Capability lists
    /// The capability pointer is non-zero but Status.Capabilities List is clear; the list is ignored.
    case capabilityPointerIgnored(pointer: Int)
    /// A pointer points into the predefined header; lspci would decode header bytes as a capability.
    case pointerIntoHeader(pointer: Int, space: CapabilitySpace)
    /// A pointer points past the readable bytes (only possible on a partial read): the list
    /// goes on where this read cannot see.
    case pointerPastReadable(pointer: Int, readable: Int, space: CapabilitySpace)
    /// A pointer had its reserved low two bits set; they were masked off.
    case misalignedPointer(raw: Int, space: CapabilitySpace)
    /// A pointer leads back to a capability already visited.
    case chainLoop(pointer: Int, space: CapabilitySpace)
    /// The walk hit the hop limit (48 standard, 480 extended, as the kernel uses).
    case hopLimit(limit: Int, space: CapabilitySpace)
    /// A capability with ID 0 (Null): a placeholder, often a capability a hypervisor hid.
    case nullCapability(space: CapabilitySpace)
    /// A standard capability with ID 0xFF ends the list (lspci: "chain broken").
    case brokenChain
    /// An extended capability pointer leads to an all-zero header.
    case emptyExtendedHeader
    /// An extended capability header reads 0xFFFFFFFF: access failed or the function is gone.
    case allOnesExtendedHeader
    /// An extended pointer leads below 0x100, into the conventional space.
    case pointerBelowExtendedSpace(pointer: Int)
    /// The dword at 0x100 is zero: the function has no extended capabilities.
    case noExtendedCapabilities
    /// The function has a 4 KiB space, but only the first 256 bytes are in this read or dump.
    case extendedSpaceNotRead(readable: Int)
    /// The 4 KiB space repeats the first 256 bytes: the extended space is not really there.
    case extendedSpaceAliased
    /// The extended space holds data, but without a PCI Express (or PCI-X 2.0) capability the
    /// function has no extended capability list; the bytes are shown as unclaimed.
    case extendedDataWithoutExpress(nonZeroBytes: Int)

    // MARK: Structures
    /// Two structures claim the same bytes.
    case overlap(ConfigRange, first: ConfigOffset, second: ConfigOffset)
    /// A structure runs past the end of its area (0xFF for standard, 0xFFF for extended).
    case extendsPastArea(end: Int, areaEnd: Int)
    /// A structure runs past the readable bytes; its tail is not shown as data.
    case truncatedStructure(end: Int, readable: Int)
    /// A capability's length is not known; the bytes up to the next structure may belong to it.
    case lengthUnknown(LengthUnknownReason, possibleExtent: ConfigRange)
    /// An ID this catalog does not define.
    case unknownCapabilityID(Int, space: CapabilitySpace)
    /// A VF implements PASID or PRI, which SR-IOV forbids (PCIe r5.0 §9.3.7.11, §9.3.7.14).
    case virtualFunctionForbiddenCapability(ExtendedCapabilityID)
    /// Non-zero bytes outside every structure: likely hidden device registers.
    case nonZeroGap(ConfigRange, nonZeroBytes: Int)

    /// The severity of this kind.
    public var severity: DiagnosticSeverity {
        switch self {
        case .noExtendedCapabilities, .extendedSpaceNotRead, .virtualFunctionIDs, .capabilityPointerIgnored,
            .partialRead, .nonZeroGap, .extendedDataWithoutExpress, .truncatedStructure, .pointerPastReadable:
            .info
        case .misalignedPointer, .nullCapability, .emptyExtendedHeader, .unknownCapabilityID,
            .lengthUnknown, .extendedSpaceAliased, .reservedHeaderLayout, .missingBytes, .malformedHexLine,
            .duplicateAddress, .hexLinesOutsideDevice,
            .virtualFunctionForbiddenCapability, .sysfsFileUnusable:
            .warning
        case .headerTruncated, .allOnesFunction, .invalidVendorID, .pointerIntoHeader,
            .chainLoop, .hopLimit, .brokenChain, .allOnesExtendedHeader, .pointerBelowExtendedSpace, .overlap,
            .extendsPastArea:
            .error
        }
    }
}

/// Why a sysfs file of a host function was not used.
public enum SysfsFileProblem: Hashable, Sendable {
    /// The file does not exist.
    case missing
    /// The file is empty (a real `config` never is).
    case empty
    /// Not a regular file: refused rather than opened (a FIFO would block the open).
    case notRegularFile(SysfsFileKind)
    /// It could not be examined or opened; the system's reason.
    case unreadable(reason: String)
    /// A link whose target does not exist.
    case danglingLink(target: String)
    /// libpci failed on this function (its message); its answers for the function are not used.
    case libpci(message: String)
}

/// What a file that is not a regular file is.
public enum SysfsFileKind: Hashable, Sendable {
    case fifo, directory, characterDevice, blockDevice, socket, other
}
