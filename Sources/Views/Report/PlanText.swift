import Model

/// The words and sentences of placement plans: capability and strategy names (also used to
/// parse the command line), rejection reasons, notes, outcomes and errors.
public enum PlanText {
    // MARK: - Names

    /// `pasid`, `pri`, `ats`, `dvsec`, `free-space-dvsec`: the command-line and JSON names.
    public static func name(_ kind: VirtualCapabilityKind) -> String { kind.rawValue }

    /// `PASID`, `PRI`, `ATS`, `DVSEC`, `free-space DVSEC`: the name in sentences.
    public static func acronym(_ kind: VirtualCapabilityKind) -> String {
        switch kind {
        case .pasid: "PASID"
        case .pri: "PRI"
        case .ats: "ATS"
        case .dvsec: "DVSEC"
        case .freeSpaceDVSEC: "free-space DVSEC"
        }
    }

    /// `auto`, `pf-offset`, `end`, `first-fit`, `table`, `dvsec-hint`, `at`.
    public static func name(_ strategy: PlacementStrategy) -> String { strategy.rawValue }

    /// The strategy with a command-line name, or nil. `at` is not a strategy value: explicit
    /// offsets are given with `--at`.
    public static func strategy(named name: String) -> PlacementStrategy? {
        PlacementStrategy.selectable.first { $0.rawValue == name }
    }

    /// The label of each requested capability, as `--at` names them: the kind's name, and for
    /// the second and later DVSECs `dvsec#2`, `dvsec#3`, ...
    public static func labels(_ capabilities: [VirtualCapability]) -> [String] {
        var dvsecCount = 0
        return capabilities.map { capability in
            guard capability.kind == .dvsec else { return name(capability.kind) }
            dvsecCount += 1
            return dvsecCount == 1 ? "dvsec" : "dvsec#\(dvsecCount)"
        }
    }

    /// `Process Address Space ID (PASID)`: the capability's specification name.
    public static func title(_ kind: VirtualCapabilityKind) -> String {
        switch kind {
        case .pasid: "Process Address Space ID (PASID)"
        case .pri: "Page Request Interface (PRI)"
        case .ats: "Address Translation Services (ATS)"
        case .dvsec: "Designated Vendor-Specific (DVSEC)"
        case .freeSpaceDVSEC: "Free-space DVSEC (cfgtui proposal)"
        }
    }

    /// `the Advanced Error Reporting capability at 0x100`.
    static func existing(_ kind: CapabilityKind, at offset: ConfigOffset) -> String {
        let definition = CapabilityCatalog.definition(for: kind)
        let name = definition.isKnown ? definition.name : definition.name + " " + HexFormat.literal(UInt64(kind.rawID))
        return "the " + name + " capability at " + HexFormat.literal(UInt64(offset.rawValue))
    }

    static func rangeText(_ range: ConfigRange) -> String {
        range.length == 1 ? HexFormat.literal(UInt64(range.start.rawValue), digits: 3) : HexFormat.range(range)
    }

    static func offsetText(_ offset: ConfigOffset) -> String { HexFormat.literal(UInt64(offset.rawValue), digits: 3) }

    static func ids(_ vendor: UInt16, _ device: UInt16?) -> String {
        HexFormat.hex(UInt64(vendor), digits: 4) + ":" + (device.map { HexFormat.hex(UInt64($0), digits: 4) } ?? "*")
    }

    // MARK: - Reasons

    /// Why a candidate was rejected. `peers` names the peers (`--peer` files) by index.
    public static func reason(_ reason: RejectionReason, peers: [String] = []) -> String {
        switch reason {
        case .misaligned(let offset):
            return offsetText(offset) + " is not dword-aligned"
        case .outsideExtendedSpace(let range):
            return rangeText(range) + " is not inside the extended space 0x100-0xfff"
        case .overlapsCapability(let kind, let at, let extent):
            return "overlaps " + existing(kind, at: at) + " (" + rangeText(extent) + ")"
        case .mayBelongToCapability(let kind, let at, let possible):
            return "may belong to " + existing(kind, at: at) + ", whose length is unknown: staying clear up to "
                + "the next structure (" + rangeText(possible) + ")"
        case .nonZeroBytes(let range, let count):
            return "covers \(count) non-zero byte" + (count == 1 ? "" : "s") + " at " + rangeText(range)
                + " outside every structure (suspected hidden registers; --force-nonzero allows this)"
        case .reserved(let range, .user):
            return "covers the reserved range " + rangeText(range) + " (--reserve)"
        case .reserved(let range, .table(let entry)):
            return "covers hidden registers at " + rangeText(range) + " listed for "
                + ids(entry.vendorID, entry.deviceID)
                + " (" + entry.source + ")"
        case .overlapsPlacement(let kind, let at, let range):
            return "overlaps the " + acronym(kind) + " placed at " + offsetText(at) + " (" + rangeText(range) + ")"
        case .extendedListHead(let range):
            return "the extended list is empty: " + rangeText(range)
                + " is kept for its head (only a capability placed at 0x100 may use it)"
        case .exceedsAdvertisedRange(let range):
            return "does not fit in the advertised free range " + rangeText(range) + " (\(range.length) bytes)"
        case .onPeer(let index, let inner):
            return "on peer " + peerName(index, peers) + ": " + self.reason(inner, peers: peers)
        }
    }

    /// A stable, machine-friendly name for a rejection reason (JSON `reasonCode`).
    public static func code(_ reason: RejectionReason) -> String {
        switch reason {
        case .misaligned: "misaligned"
        case .outsideExtendedSpace: "outsideExtendedSpace"
        case .overlapsCapability: "overlapsCapability"
        case .mayBelongToCapability: "unknownExtent"
        case .nonZeroBytes: "nonZeroBytes"
        case .reserved(_, .user): "reserved"
        case .reserved(_, .table): "tableHiddenRegisters"
        case .overlapsPlacement: "overlapsPlacement"
        case .extendedListHead: "extendedListHead"
        case .exceedsAdvertisedRange: "exceedsAdvertisedRange"
        case .onPeer(_, let inner): "peer." + code(inner)
        }
    }

    static func peerName(_ index: Int, _ peers: [String]) -> String {
        index < peers.count ? "\(index + 1) (\(peers[index]))" : "\(index + 1)"
    }

    // MARK: - Strategy steps

    /// What one strategy did for a capability: `placed at 0xff8`, `no free-space DVSEC`, ...
    public static func step(_ outcome: StepOutcome) -> String {
        switch outcome {
        case .placed(let offset): return "placed at " + offsetText(offset)
        case .rejected(let count): return count == 1 ? "its candidate was rejected" : "\(count) candidates rejected"
        case .noCandidate(let reason): return noCandidate(reason)
        case .notTried(.explicitOffsetIsBinding):
            return "not tried: the explicit offset was rejected, and an explicit offset is binding"
        case .notTried(.sameSearchAsEnd):
            return "not tried: end already searched the same free space"
        }
    }

    /// A stable code for a step outcome (JSON).
    public static func code(_ outcome: StepOutcome) -> String {
        switch outcome {
        case .placed: "placed"
        case .rejected: "rejected"
        case .noCandidate: "noCandidate"
        case .notTried: "notTried"
        }
    }

    static func noCandidate(_ reason: NoCandidateReason) -> String {
        switch reason {
        case .noExplicitOffset: "no --at offset for it"
        case .noPhysicalFunction: "no PF known (--pf or --pf-file gives one)"
        case .physicalFunctionLacksCapability: "the PF does not have it"
        case .noTableEntry(let vendor, let device):
            if let vendor, let device {
                "no table entry for " + ids(vendor, device)
            } else {
                "the target's vendor:device is unknown"
            }
        case .tableHasNoOffset: "the table entries for this device give no offset for it"
        case .noFreeSpaceDVSEC: "the target has no free-space DVSEC"
        case .noAdvertisedRanges: "the target's free-space DVSEC advertises no valid range"
        case .notApplicable: "does not apply to it"
        }
    }

    // MARK: - Notes

    /// The sentence for a note. `peers` names the peers by index.
    public static func note(_ kind: PlacementNoteKind, peers: [String] = []) -> String {
        func on(_ peer: Int?) -> String { peer.map { " on peer " + peerName($0, peers) } ?? "" }
        switch kind {
        case .alreadyPresent(let capability, let at, let isForbidden):
            let base = "the target already has " + acronym(capability) + " at " + offsetText(at) + "; none is added"
            return isForbidden
                ? base + ". A VF must not implement " + acronym(capability)
                    + " (PCIe r5.0 §9.3.7.11, §9.3.7.14): it shares its PF's"
                : base
        case .physicalFunctionMissing:
            return "the target is a VF but its PF is not known: PASID/PRI bits must come from options, "
                + "and pf-offset has no candidates (give --pf or --pf-file)"
        case .physicalFunctionPartial(let readable):
            return "only \(readable) bytes of the PF are readable: its extended capabilities cannot be copied"
        case .optionsOverridePhysicalFunction(let capability):
            return "the " + acronym(capability) + " options replace the PF's " + acronym(capability)
                + " bits, which differ (a VF shares its PF's PASID/PRI configuration)"
        case .unknownExtent(let capability, let at, let possible, let peer):
            return "the length of " + existing(capability, at: at) + on(peer) + " is unknown: "
                + rangeText(possible) + " may belong to it, so nothing is placed there"
        case .suspectedHiddenRegisters(let range, let count, let peer):
            return "\(count) non-zero byte" + (count == 1 ? "" : "s") + " at " + rangeText(range) + on(peer)
                + " outside every structure: suspected hidden registers"
        case .coversNonZeroBytes(let capability, let range):
            return acronym(capability) + " covers non-zero bytes at " + rangeText(range)
                + " (--force-nonzero): the virtual capability hides whatever registers were there"
        case .nullListHead(let first):
            return "the extended list was empty: a Null capability (ID 0) at 0x100 now leads to " + offsetText(first)
        case .placeholderAtListHead(let next):
            return "the first extended capability is an ID-0 placeholder (a hidden capability, next "
                + HexFormat.literal(UInt64(next), digits: 3) + "); it is kept, and new capabilities are linked "
                + "after the list's last capability"
        case .freeSpaceDVSECProblem(let at, let problem):
            return "the free-space DVSEC at " + offsetText(at) + ": " + dvsecProblem(problem) + "; ignored"
        case .tableEntryApplies(let entry):
            return "table entry " + ids(entry.vendorID, entry.deviceID) + tableEntrySummary(entry) + " ("
                + entry.source + (entry.origin.map { ", " + $0.file + ":" + String($0.line) } ?? "") + ")"
        case .freeSpaceDVSECPresent(let at):
            return "the target already has a free-space DVSEC at " + offsetText(at) + "; none is added"
        case .targetIsNotVirtualFunction:
            return "the target is not known to be an SR-IOV VF"
        }
    }

    /// A stable code for a note kind (JSON).
    public static func code(_ kind: PlacementNoteKind) -> String {
        switch kind {
        case .alreadyPresent: "alreadyPresent"
        case .physicalFunctionMissing: "physicalFunctionMissing"
        case .physicalFunctionPartial: "physicalFunctionPartial"
        case .optionsOverridePhysicalFunction: "optionsOverridePhysicalFunction"
        case .unknownExtent: "unknownExtent"
        case .suspectedHiddenRegisters: "suspectedHiddenRegisters"
        case .coversNonZeroBytes: "coversNonZeroBytes"
        case .nullListHead: "nullListHead"
        case .placeholderAtListHead: "placeholderAtListHead"
        case .freeSpaceDVSECProblem: "freeSpaceDVSECProblem"
        case .tableEntryApplies: "tableEntryApplies"
        case .freeSpaceDVSECPresent: "freeSpaceDVSECPresent"
        case .targetIsNotVirtualFunction: "targetIsNotVirtualFunction"
        }
    }

    static func tableEntrySummary(_ entry: KnownOffsetTable.Entry) -> String {
        var parts = [String]()
        for kind in VirtualCapabilityKind.allCases {
            if let offset = entry.offsets[kind] { parts.append(name(kind) + "=" + offsetText(offset)) }
        }
        for range in entry.reserved { parts.append("reserve=" + rangeText(range)) }
        return parts.isEmpty ? "" : ": " + parts.joined(separator: " ")
    }

    static func dvsecProblem(_ problem: FreeSpaceDVSECProblem) -> String {
        switch problem {
        case .unsupportedRevision(let revision): "revision \(revision) is not 0"
        case .lengthTooShort(let declared, let needed):
            "DVSEC Length \(declared) is shorter than the \(needed) bytes its entries need"
        case .entriesUnreadable: "its entries are not readable"
        case .emptyEntry(let index): "entry \(index) has length 0"
        case .misalignedEntry(let index, let range): "entry \(index) (" + rangeText(range) + ") is not dword-aligned"
        case .entryOutsideExtendedSpace(let index, let range):
            "entry \(index) (" + rangeText(range) + ") is not inside 0x100-0xfff"
        case .entryOverlapsItself(let index, let range):
            "entry \(index) (" + rangeText(range) + ") covers the DVSEC itself"
        case .entryOutOfOrder(let index, let range):
            "entry \(index) (" + rangeText(range) + ") starts before the previous entry ends"
        }
    }

    // MARK: - Registers

    /// What a placed capability advertises: `Max PASID Width 20, Execute+, Privileged+`.
    public static func bits(_ bits: VirtualCapabilityBits) -> String {
        switch bits {
        case .pasid(let pasid):
            return "PASID Capability " + HexFormat.literal(UInt64(pasid.capabilityRegister), digits: 4)
                + ": Max PASID Width \(pasid.maxWidth), Execute" + flag(pasid.executeSupported) + " Privileged"
                + flag(pasid.privilegedSupported) + "; PASID Control 0"
        case .pri(let pri):
            return "PRI Status " + HexFormat.literal(UInt64(pri.statusRegister), digits: 4) + ": Stopped+ "
                + "PRG Response PASID Required" + flag(pri.prgResponsePASIDRequired)
                + "; Outstanding Page Request Capacity " + HexFormat.literal(UInt64(pri.outstandingCapacity))
                + "; PRI Control 0, Allocation 0"
        case .ats(let register):
            return "ATS Capability " + HexFormat.literal(UInt64(register), digits: 4) + ": Page Aligned Request"
                + flag(register & 0x20 != 0) + " Global Invalidate" + flag(register & 0x40 != 0)
                + ", Invalidate Queue Depth 0 (a VF's; the PF's applies); ATS Control 0"
        case .dvsec(let identity):
            return "DVSEC Vendor " + HexFormat.hex(UInt64(identity.vendorID), digits: 4) + " ID "
                + HexFormat.hex(UInt64(identity.dvsecID), digits: 4) + " Rev \(identity.revision) Length "
                + String(identity.length) + "; vendor registers 0"
        case .freeSpaceDVSEC(let dvsec):
            return "Vendor ffff ID cf5d (cfgtui free-space proposal), \(dvsec.ranges.count) free range"
                + (dvsec.ranges.count == 1 ? "" : "s") + ": "
                + (dvsec.ranges.isEmpty ? "none" : dvsec.ranges.map(rangeText).joined(separator: ", "))
        }
    }

    /// Where the bits came from: `copied from the PF's PASID at 0x180`.
    public static func source(_ source: CapabilityBitsSource, _ kind: VirtualCapabilityKind) -> String {
        switch source {
        case .physicalFunction(let at): "copied from the PF's " + acronym(kind) + " at " + offsetText(at)
        case .options: "from the command-line options"
        case .cleared: "no PF capability to copy: capability register 0"
        case .layout: "as requested"
        }
    }

    static func flag(_ value: Bool) -> String { value ? "+" : "-" }

    // MARK: - Errors

    /// The message for a refusal to plan.
    public static func error(_ error: PlacementError) -> String {
        switch error {
        case .nothingRequested:
            return "nothing to add: give --add pasid|pri|ats|dvsec or --add-free-space-dvsec"
        case .duplicateCapability(let kind):
            return name(kind) + " is requested twice; only DVSECs may be added more than once"
        case .targetNotFullyReadable(let readable, let needsRoot):
            return "only \(readable) of the target's 4096 bytes are readable"
                + (needsRoot ? " (reading configuration space past 64 bytes needs root)" : "")
                + ": cannot plan without the whole extended space"
        case .targetHasNoExtendedSpace:
            return "the target has no extended capability list (no PCI Express capability, or a 256-byte space)"
        case .extendedSpaceAliased:
            return "the target's extended space repeats its first 256 bytes: it is not really there"
        case .extendedSpaceInaccessible:
            return "the dword at 0x100 reads 0xffffffff: the target's extended space is not accessible"
        case .extendedListUnterminated(let last):
            return "the target's extended list does not end cleanly"
                + (last.map { " (the capability at " + offsetText($0) + " points on)" } ?? "")
                + ": there is nowhere to link new capabilities"
        case .peerNotFullyReadable(let peer, let readable):
            return "only \(readable) of peer \(peer + 1)'s 4096 bytes are readable"
        case .peerHasNoExtendedSpace(let peer):
            return "peer \(peer + 1) has no usable extended capability list"
        case .missingCapabilityBits(.pasid):
            return "cannot build PASID: the PF has no PASID capability to copy (or no PF is known); "
                + "give --pasid-width N (0-20) and, as needed, --pasid-exec and --pasid-priv"
        case .missingCapabilityBits(.pri):
            return "cannot build PRI: the PF has no PRI capability to copy (or no PF is known); "
                + "give --pri-capacity N and, as needed, --pri-pasid-required"
        case .missingCapabilityBits(let kind):
            return "cannot build " + name(kind) + ": no capability bits"
        case .invalidPASIDWidth(let width):
            return "Max PASID Width \(width) is above 20"
        case .invalidDVSEC(.lengthOutOfRange(let length)):
            return "a DVSEC of \(length) bytes: the length must be 12 to 4092"
        case .invalidDVSEC(.revisionOutOfRange(let revision)):
            return "DVSEC revision \(revision) does not fit the 4-bit field"
        case .linkingFailed(let insertion):
            return "internal error: linking the planned capabilities failed (\(insertion))"
        }
    }

    /// A stable code for a refusal (JSON).
    public static func code(_ error: PlacementError) -> String {
        switch error {
        case .nothingRequested: "nothingRequested"
        case .duplicateCapability: "duplicateCapability"
        case .targetNotFullyReadable: "targetNotFullyReadable"
        case .targetHasNoExtendedSpace: "targetHasNoExtendedSpace"
        case .extendedSpaceAliased: "extendedSpaceAliased"
        case .extendedSpaceInaccessible: "extendedSpaceInaccessible"
        case .extendedListUnterminated: "extendedListUnterminated"
        case .peerNotFullyReadable: "peerNotFullyReadable"
        case .peerHasNoExtendedSpace: "peerHasNoExtendedSpace"
        case .missingCapabilityBits: "missingCapabilityBits"
        case .invalidPASIDWidth: "invalidPASIDWidth"
        case .invalidDVSEC: "invalidDVSEC"
        case .linkingFailed: "linkingFailed"
        }
    }

    /// The message for a table file error: `FILE:LINE: problem`.
    public static func error(_ error: KnownOffsetTableError) -> String {
        let place = error.file + ":" + String(error.line) + ": "
        switch error.problem {
        case .malformedIDs(let text):
            return place + "'\(text)' is not VENDOR:DEVICE (4 hex digits each; DEVICE may be *)"
        case .noItems:
            return place + "no items after the vendor:device (pasid=OFFSET, pri=, ats=, dvsec=, reserve=START-END)"
        case .malformedItem(let text):
            return place + "'\(text)' is not NAME=VALUE"
        case .unknownItem(let text):
            return place + "'\(text)': the names are pasid, pri, ats, dvsec and reserve"
        case .malformedOffset(let text):
            return place + "'\(text)' is not a hex offset 0x000-0xfff"
        case .offsetNotInExtendedSpace(let text):
            return place + "offset \(text) is not a dword-aligned offset in 0x100-0xffc"
        case .malformedRange(let text):
            return place + "'\(text)' is not START-END (hex, inclusive, START <= END <= 0xfff)"
        case .duplicateCapability(let name):
            return place + "\(name) is given twice"
        }
    }
}
