import Model

/// The sentence a person reads for each diagnostic.
public enum DiagnosticText {
    /// `error`, `warning` or `info`.
    public static func severity(_ severity: DiagnosticSeverity) -> String {
        switch severity {
        case .info: "info"
        case .warning: "warning"
        case .error: "error"
        }
    }

    /// A stable, machine-friendly name for the kind (for JSON).
    public static func code(_ kind: DiagnosticKind) -> String {
        switch kind {
        case .partialRead: "partialRead"
        case .headerTruncated: "headerTruncated"
        case .allOnesFunction: "allOnesFunction"
        case .invalidVendorID: "invalidVendorID"
        case .virtualFunctionIDs: "virtualFunctionIDs"
        case .reservedHeaderLayout: "reservedHeaderLayout"
        case .missingBytes: "missingBytes"
        case .sysfsFileUnusable: "sysfsFileUnusable"
        case .malformedHexLine: "malformedHexLine"
        case .duplicateAddress: "duplicateAddress"
        case .hexLinesOutsideDevice: "hexLinesOutsideDevice"
        case .capabilityPointerIgnored: "capabilityPointerIgnored"
        case .pointerIntoHeader: "pointerIntoHeader"
        case .pointerPastReadable: "pointerPastReadable"
        case .misalignedPointer: "misalignedPointer"
        case .chainLoop: "chainLoop"
        case .hopLimit: "hopLimit"
        case .nullCapability: "nullCapability"
        case .brokenChain: "brokenChain"
        case .emptyExtendedHeader: "emptyExtendedHeader"
        case .allOnesExtendedHeader: "allOnesExtendedHeader"
        case .pointerBelowExtendedSpace: "pointerBelowExtendedSpace"
        case .noExtendedCapabilities: "noExtendedCapabilities"
        case .extendedSpaceNotRead: "extendedSpaceNotRead"
        case .extendedSpaceAliased: "extendedSpaceAliased"
        case .extendedDataWithoutExpress: "extendedDataWithoutExpress"
        case .overlap: "overlap"
        case .extendsPastArea: "extendsPastArea"
        case .truncatedStructure: "truncatedStructure"
        case .lengthUnknown: "lengthUnknown"
        case .unknownCapabilityID: "unknownCapabilityID"
        case .virtualFunctionForbiddenCapability: "virtualFunctionForbiddenCapability"
        case .nonZeroGap: "nonZeroGap"
        }
    }

    private static func list(_ space: CapabilitySpace) -> String {
        space == .standard ? "capability list" : "extended capability list"
    }

    private static func sysfs(_ problem: SysfsFileProblem) -> String {
        switch problem {
        case .missing: "missing"
        case .empty: "empty"
        case .notRegularFile(let kind):
            switch kind {
            case .fifo: "a FIFO, not a regular file: not opened"
            case .directory: "a directory, not a regular file: not opened"
            case .characterDevice: "a character device, not a regular file: not opened"
            case .blockDevice: "a block device, not a regular file: not opened"
            case .socket: "a socket, not a regular file: not opened"
            case .other: "not a regular file: not opened"
            }
        case .unreadable(let reason): "cannot read: " + reason
        case .danglingLink(let target): "links to \(target), which does not exist"
        case .libpci(let message): "libpci failed: " + message
        }
    }

    /// What the missing file costs, by its name.
    private static func sysfsConsequence(_ path: String) -> String {
        switch path.split(separator: "/").last {
        case "config": "; no configuration space bytes read"
        case "vendor", "device", "class": "; the identity shown is the configuration space's"
        case "physfn": "; not shown as a VF"
        default: "; the identity shown is the configuration space's"
        }
    }

    private static func hex(_ value: Int) -> String { HexFormat.literal(UInt64(max(0, value)), digits: 2) }

    /// The message for a diagnostic kind.
    public static func message(_ kind: DiagnosticKind) -> String {
        switch kind {
        case .partialRead(let readable, let size, let needsRoot):
            return needsRoot
                ? "only \(readable) of \(size) bytes are readable without root; run as root (or with CAP_SYS_ADMIN) to see the rest"
                : "only \(readable) of \(size) bytes were read; the rest is shown as unreadable"
        case .headerTruncated(let readable):
            return "only \(readable) bytes readable: the 64-byte header itself is incomplete"
        case .allOnesFunction:
            return
                "every byte reads 0xff: the function is absent, powered off (D3cold) or unreachable; nothing is decoded"
        case .invalidVendorID(let vendor):
            return
                "Vendor ID \(HexFormat.literal(UInt64(vendor), digits: 4)) is not a valid vendor: no function responded here"
        case .virtualFunctionIDs:
            return
                "VF: the Vendor and Device ID registers read 0xffff, as SR-IOV requires; the IDs shown come from the PF"
        case .reservedHeaderLayout(let code):
            return "Header Type names reserved layout \(code); only the first 16 bytes are decoded"
        case .missingBytes(let range):
            return "the dump leaves out \(HexFormat.range(range)); those bytes are unreadable, the rest is read"
        case .hexLinesOutsideDevice(let first, let count):
            return
                "\(count) hex line\(count == 1 ? "" : "s") from dump line \(first) on follow a blank line that ended this function; ignored, as lspci does"
        case .duplicateAddress(let others):
            return
                "the same address is also in \(others.joined(separator: ", ")); each is kept and shown with its source, and PF/VF links stay within one file"
        case .malformedHexLine(let line, let column, let range):
            return
                "dump line \(line) is malformed at column \(column) (expected two-digit hex bytes separated by single spaces); \(HexFormat.range(range)) is unreadable"
        case .sysfsFileUnusable(let path, let problem):
            return path + ": " + sysfs(problem) + sysfsConsequence(path)
        case .capabilityPointerIgnored(let pointer):
            return "capability pointer is \(hex(pointer)) but Status.Capabilities List is clear, so there is no list"
        case .pointerIntoHeader(let pointer, let space):
            return
                "\(list(space)) points to \(hex(pointer)), inside the header; stopped here (lspci would decode header bytes as a capability)"
        case .pointerPastReadable(let pointer, let readable, let space):
            return pointer < readable
                ? "\(list(space)) continues at \(hex(pointer)), which the dump leaves out"
                : "\(list(space)) continues at \(hex(pointer)), past the \(readable) readable bytes"
        case .misalignedPointer(let raw, let space):
            return "\(list(space)) pointer \(hex(raw)) has its reserved low bits set; masked to \(hex(raw & ~3))"
        case .chainLoop(let pointer, let space):
            return "\(list(space)) loops back to \(hex(pointer)); stopped"
        case .hopLimit(let limit, let space):
            return "\(list(space)) is longer than \(limit) entries; stopped"
        case .nullCapability(let space):
            return space == .standard
                ? "Null capability (ID 0): a placeholder, often a capability a hypervisor hid"
                : "Null extended capability (ID 0): a placeholder, often one vfio or a VMM hid"
        case .brokenChain:
            return "capability ID 0xff ends the list (lspci: chain broken)"
        case .emptyExtendedHeader:
            return "extended capability pointer leads to an all-zero header; list ends"
        case .allOnesExtendedHeader:
            return "extended capability header reads 0xffffffff: access failed or the function is gone"
        case .pointerBelowExtendedSpace(let pointer):
            return "extended capability list points to \(hex(pointer)), below 0x100; stopped"
        case .noExtendedCapabilities:
            return "no extended capabilities (the dword at 0x100 is 0)"
        case .extendedSpaceNotRead(let readable):
            return "the function has a 4 KiB space but only the first \(readable) bytes were read"
        case .extendedSpaceAliased:
            return "the 4 KiB space repeats the first 256 bytes: there is no real extended space"
        case .extendedDataWithoutExpress(let nonZero):
            return
                "extended space holds \(nonZero) non-zero bytes, but without a PCI Express capability there is no extended capability list"
        case .overlap(let range, let first, let second):
            return
                "structures at \(HexFormat.literal(UInt64(first.rawValue), digits: 2)) and \(HexFormat.literal(UInt64(second.rawValue), digits: 2)) overlap in \(HexFormat.range(range))"
        case .extendsPastArea(let end, let areaEnd):
            return "structure ends at \(hex(end)), past the end of its area (\(hex(areaEnd)))"
        case .truncatedStructure(let end, let readable):
            return "structure runs to \(hex(end)), past the \(readable) readable bytes"
        case .lengthUnknown(let reason, let possibleExtent):
            let why: String
            switch reason {
            case .notCatalogued: why = "its layout is not public or not catalogued"
            case .fieldUnreadable(let offset):
                why = "the field at \(HexFormat.literal(UInt64(offset.rawValue), digits: 2)) is unreadable"
            case .invalidField(let offset, let value):
                why =
                    "the field at \(HexFormat.literal(UInt64(offset.rawValue), digits: 2)) holds an invalid value (\(value))"
            case .linkWidthUnknown: why = "it depends on the link width, which is unknown"
            }
            return "length unknown (\(why)); \(HexFormat.range(possibleExtent)) may belong to it"
        case .unknownCapabilityID(let id, let space):
            return space == .standard
                ? "capability ID \(hex(id)) is not defined by the specifications cfgtui knows"
                : "extended capability ID \(HexFormat.literal(UInt64(id), digits: 4)) is not defined by the specifications cfgtui knows"
        case .virtualFunctionForbiddenCapability(let id):
            let name = CapabilityCatalog.definition(for: id).abbreviation
            return "a VF implements \(name), which SR-IOV forbids (VFs share the PF's \(name))"
        case .nonZeroGap(let range, let nonZero):
            return "\(nonZero) non-zero bytes in unclaimed \(HexFormat.range(range)): likely hidden device registers"
        }
    }
}
