import Model

/// The words for what QEMU's vfio-pci layer did (setup notes of `--model qemu`, and
/// `show --guest qemu`).
public enum QemuChangeText {
    /// One change, as a sentence.
    public static func message(_ change: QemuChange) -> String {
        switch change {
        case .barsEmulated:
            return "BARs are QEMU's: they read 0 until the guest assigns them, sized from vfio's regions"
        case .romEmulated(let size):
            return "option ROM BAR emulated, \(sizeText(size)) (vfio's ROM region)"
        case .romHidden(let byProperty):
            return byProperty
                ? "no option ROM BAR (rombar=0)" : "no option ROM BAR (vfio reports no ROM: its sizing reads 0)"
        case .barSizeUnknown(let slot):
            return
                "\(SimulationReport.slotName(slot)) size unknown: QEMU's register stays 0 here (give --bar-size, vfio's region size)"
        case .identityOverridden(let offset, let value):
            let names = [
                0x00: "x-pci-vendor-id", 0x02: "x-pci-device-id", 0x2C: "x-pci-sub-vendor-id",
                0x2E: "x-pci-sub-device-id",
            ]
            return "\(names[offset] ?? "ID override") reads \(HexFormat.literal(UInt64(value), digits: 4))"
        case .multifunction(let on):
            return "Header Type bit 7 is QEMU's: \(on ? "set (multifunction=on)" : "clear (multifunction=off)")"
        case .standardListRebuilt:
            return "standard list rebuilt at the same offsets: next pointers and Status.CapList are QEMU's"
        case .standardListUnreadable(let readable):
            return
                "the capability list lies past the \(readable) bytes read: QEMU's rebuild of it is unknown (read as root for the whole space)"
        case .emulated(let kind, let at):
            return "\(name(kind)) at \(offset(at)) emulated by QEMU (every byte from its copy)"
        case .rewritten(let kind, let at, let rewrite):
            return "\(name(kind)) at \(offset(at)) rewritten: " + rewriteText(rewrite)
        case .dropped(let kind, let at, let reason):
            return "\(name(kind)) at \(offset(at)) dropped from the list: " + dropText(reason)
                + "; its bytes still read through"
        case .extendedListAbsent(let absence):
            switch absence {
            case .noCapabilityList: return "no capability list: QEMU adds none"
            case .conventionalBus:
                return "no extended list: a conventional bus reaches only the first 256 bytes"
            case .emptyAtStart: return "no extended list: the dword at 0x100 reads 0 in the vfio view"
            case .unreadable(let readable):
                return "extended list unknown: only \(readable) bytes were read (QEMU's rebuild of it is not simulated)"
            }
        case .nullHead(let next):
            return next == 0
                ? "the extended list is empty: QEMU's head at 0x100 reads 0"
                : "the head at 0x100 is QEMU's Null capability (ID 0) linking to \(offset(ConfigOffset(next)))"
        case .added(let id, let at, let length):
            return
                "\(SimulationReport.capabilityName(id)) added at \(offset(at)) (\(length) bytes, fully emulated), linked in ascending offset order"
        case .virtualPASIDDefaultOffset:
            return "x-vpasid-cap-offset not given: QEMU warns and places the vPASID at the default 0xff8"
        case .virtualPASIDRefused(let refusal):
            return "vPASID not added: " + refusalText(refusal)
        case .msixRelocated(let bar, let tableOffset, let size):
            return
                "MSI-X table and PBA relocated to BAR\(bar) at \(HexFormat.literal(UInt64(tableOffset))) (BAR now \(sizeText(size)))"
        case .startupReset(let method?):
            return
                "machine reset before the guest runs: Command enables cleared, VFIO_DEVICE_RESET (\(method)), BARs written 0 through vfio"
        case .startupReset(nil):
            return
                "machine reset before the guest runs: Command enables cleared; no function reset in config space (a bus reset is not simulated); BARs written 0 through vfio"
        case .intxEnabled:
            return "INTx set up through vfio (the function has an interrupt pin)"
        }
    }

    /// A stable name (JSON `kind` of the note's `qemu` object).
    public static func code(_ change: QemuChange) -> String {
        switch change {
        case .barsEmulated: "barsEmulated"
        case .romEmulated: "romEmulated"
        case .romHidden: "romHidden"
        case .barSizeUnknown: "barSizeUnknown"
        case .identityOverridden: "identityOverridden"
        case .multifunction: "multifunction"
        case .standardListRebuilt: "standardListRebuilt"
        case .standardListUnreadable: "standardListUnreadable"
        case .emulated: "emulated"
        case .rewritten: "rewritten"
        case .dropped: "dropped"
        case .extendedListAbsent: "extendedListAbsent"
        case .nullHead: "nullHead"
        case .added: "added"
        case .virtualPASIDDefaultOffset: "virtualPASIDDefaultOffset"
        case .virtualPASIDRefused: "virtualPASIDRefused"
        case .msixRelocated: "msixRelocated"
        case .startupReset: "startupReset"
        case .intxEnabled: "intxEnabled"
        }
    }

    static func rewriteText(_ rewrite: QemuRewrite) -> String {
        switch rewrite {
        case .endpointToIntegrated:
            "an Endpoint on the root bus becomes a Root Complex Integrated Endpoint; Link registers read 0"
        case .integratedToEndpoint:
            "an RCiEP under a root port becomes an Endpoint with a made-up x1 2.5 GT/s link"
        case .versionZeroAsOne: "Capability Version 0 reads as 1 (Intel 82599 VF erratum)"
        case .resizableBARCurrentSizeOnly: "each BAR reports only its current size, read-only"
        }
    }

    static func dropText(_ reason: QemuDropReason) -> String {
        switch reason {
        case .maskedByKernel: "the kernel masked it (ID 0)"
        case .singleRootIOV: "SR-IOV is never shown (read-only VF BARs confuse guest firmware)"
        case .alternativeRoutingID: "ARI is never shown (it would need next-function virtualization)"
        case .resizableBARSizeOutOfRange(let bar):
            "BAR\(bar)'s current size is outside 1 MB-512 GB, so the single-size view cannot work"
        case .conventionalBus: "a PCI Express capability is hidden on a conventional bus of a q35 machine"
        case .legacyEndpointOnRootBus: "a Legacy Endpoint does not belong on the root complex"
        case .msixTableOutsideBAR: "the MSI-X table or PBA does not fit its BAR (QEMU refuses the device)"
        }
    }

    static func refusalText(_ refusal: QemuPASIDRefusal) -> String {
        switch refusal {
        case .misaligned(let at): "x-vpasid-cap-offset \(SimulationReport.offsetLiteral(at)) is not dword aligned"
        case .outOfRange(let at): "x-vpasid-cap-offset \(SimulationReport.offsetLiteral(at)) is outside 0x100-0xff8"
        case .noExtendedSpace: "the guest has no extended configuration space for this function"
        case .emptyExtendedList:
            "vfio's extended list is empty (the dword at 0x100 is 0), so QEMU adds no extended capability"
        case .alreadyPresent(let at): "the function shows its own PASID at \(offset(at)), which QEMU keeps"
        case .insideHeader(let at, let header):
            "\(SimulationReport.offsetLiteral(at)) falls inside the capability header at \(offset(header))"
        case .reachesNextHeader(let at, let next):
            "8 bytes at \(SimulationReport.offsetLiteral(at)) reach the capability header at \(offset(next)) (offset + 8 >= next)"
        }
    }

    static func name(_ kind: CapabilityKind) -> String { SimulationReport.capabilityName(kind) }
    static func offset(_ at: ConfigOffset) -> String { HexFormat.literal(UInt64(at.rawValue), digits: 3) }

    static func sizeText(_ size: UInt64) -> String {
        if size >= 1 << 20, size % (1 << 20) == 0 { return "\(size >> 20) MiB" }
        if size >= 1 << 10, size % (1 << 10) == 0 { return "\(size >> 10) KiB" }
        return "\(size) bytes"
    }
}
