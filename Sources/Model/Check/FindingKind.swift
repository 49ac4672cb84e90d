/// Every kind of finding `cfgtui check` reports: one case per rule. The raw value is the
/// `kind` in JSON; `rule` says when it is reported and `reference` where the specification (or
/// the kernel) defines what it checks. The README's finding table is this list.
public enum FindingKind: String, Hashable, Sendable, CaseIterable {
    // MARK: Readability
    case functionAllOnes = "function-all-ones"
    case limitedRead = "limited-read"
    // MARK: Link
    case linkDowntrained = "link-downtrained"
    case linkBelowOwnCapability = "link-below-own-capability"
    case pathBottleneck = "path-bottleneck"
    case linkTraining = "link-training"
    case dataLinkInactive = "data-link-inactive"
    case hotPlugSlotEmpty = "hot-plug-slot-empty"
    // MARK: Payload and requests
    case payloadAbovePort = "payload-above-port"
    case payloadBelowCommon = "payload-below-common"
    case extendedTagUnsupportedAbove = "extended-tag-unsupported-above"
    case extendedTagNotEnabled = "extended-tag-not-enabled"
    case tenBitTagUnsupportedAbove = "10-bit-tag-unsupported-above"
    // MARK: Errors logged
    case statusErrors = "status-errors"
    case secondaryStatusErrors = "secondary-status-errors"
    case deviceStatusErrors = "device-status-errors"
    case aerUncorrectable = "aer-uncorrectable"
    case aerCorrectable = "aer-correctable"
    case aerUncorrectableMasked = "aer-uncorrectable-masked"
    case aerCorrectableMasked = "aer-correctable-masked"
    // MARK: Isolation
    case acsMissing = "acs-missing"
    case acsIncomplete = "acs-incomplete"
    case multifunctionWithoutACS = "multifunction-without-acs"
    case iommuGroupShared = "iommu-group-shared"
    case noIOMMUGroups = "no-iommu-groups"
    // MARK: SR-IOV
    case sriovNumVFsAboveTotal = "sriov-numvfs-above-total"
    case sriovVFsDisabled = "sriov-vfs-disabled"
    case sriovPartiallyEnabled = "sriov-partially-enabled"
    case sriovMemoryDisabled = "sriov-vf-memory-disabled"
    case sriovNoBARSpace = "sriov-no-vf-bar-space"
    case ariForwardingDisabled = "ari-forwarding-disabled"
    case ariHierarchyNotSet = "ari-capable-hierarchy-not-set"
    case vfWithoutVirtualCapabilities = "vf-without-virtual-capabilities"
    // MARK: Power
    case aspmOneEnd = "aspm-one-end"
    case l1SubstatesMismatch = "l1-substates-mismatch"
    case l1SubstateUnsupported = "l1-substate-unsupported"
    case d3WithDriver = "d3-with-driver"

    /// The group the finding belongs to, for the README and the explorer.
    public var area: FindingArea {
        switch self {
        case .functionAllOnes, .limitedRead: .readability
        case .linkDowntrained, .linkBelowOwnCapability, .pathBottleneck, .linkTraining, .dataLinkInactive,
            .hotPlugSlotEmpty:
            .link
        case .payloadAbovePort, .payloadBelowCommon, .extendedTagUnsupportedAbove, .extendedTagNotEnabled,
            .tenBitTagUnsupportedAbove:
            .payload
        case .statusErrors, .secondaryStatusErrors, .deviceStatusErrors, .aerUncorrectable, .aerCorrectable,
            .aerUncorrectableMasked, .aerCorrectableMasked:
            .errors
        case .acsMissing, .acsIncomplete, .multifunctionWithoutACS, .iommuGroupShared, .noIOMMUGroups: .isolation
        case .sriovNumVFsAboveTotal, .sriovVFsDisabled, .sriovPartiallyEnabled, .sriovMemoryDisabled,
            .sriovNoBARSpace, .ariForwardingDisabled, .ariHierarchyNotSet, .vfWithoutVirtualCapabilities:
            .sriov
        case .aspmOneEnd, .l1SubstatesMismatch, .l1SubstateUnsupported, .d3WithDriver: .power
        }
    }

    /// When the rule reports, and at which severity.
    public var rule: String {
        switch self {
        case .functionAllOnes:
            "warning: every byte reads 0xFF (the function is gone, in D3cold, or behind a link that is down); no other rule runs on it"
        case .limitedRead:
            "info, once per source: some functions could only be read in part (64 bytes without root), so the rules that need the capabilities skipped them"
        case .linkDowntrained:
            "warning: a Root or Downstream Port's Link Status (current speed or negotiated width) is below the lower of the two ends' capabilities (the highest speed both Supported Link Speeds Vectors share, or Max Link Speed before PCIe 3.0; the smaller Maximum Link Width)"
        case .linkBelowOwnCapability:
            "info: a function's link runs below its own Link Capabilities and the other end is not in the source, so whether the port limits it cannot be told"
        case .pathBottleneck:
            "info, on every endpoint with a link: the link on the path from the root port down (each port's link to what sits behind it) with the least bandwidth, in GT/s, lanes and MB/s after encoding"
        case .linkTraining:
            "warning: Link Training is set in a Root or Downstream Port's Link Status (training has not finished)"
        case .dataLinkInactive:
            "error: a port that reports Data Link Layer Link Active (Link Capabilities bit 20) has a function behind it in the source but DL_Active clear"
        case .hotPlugSlotEmpty:
            "info: a hot-plug capable slot (Slot Capabilities) with Presence Detect State clear"
        case .payloadAbovePort:
            "error: Max_Payload_Size in Device Control is larger than on a port above it; the port treats larger TLPs as malformed"
        case .payloadBelowCommon:
            "info: an endpoint's Max_Payload_Size is below the largest size every function on its path supports (Max_Payload_Size Supported), which costs bandwidth"
        case .extendedTagUnsupportedAbove:
            "warning: an endpoint has Extended Tag Field Enable set while its root port does not support 8-bit tags as a completer"
        case .extendedTagNotEnabled:
            "info: an endpoint and its root port support 8-bit tags but Extended Tag Field Enable is clear, limiting outstanding reads to 32"
        case .tenBitTagUnsupportedAbove:
            "warning: 10-Bit Tag Requester Enable is set while a port on the path does not report 10-Bit Tag Completer Supported"
        case .statusErrors:
            "warning for Detected Parity Error, Signaled System Error or Master Data Parity Error in the Status register; info for the target and master aborts"
        case .secondaryStatusErrors:
            "as for Status, on a bridge's Secondary Status (errors seen on its secondary side)"
        case .deviceStatusErrors:
            "error for Fatal Error Detected, warning for Non-Fatal Error Detected, info for Correctable Error Detected and Unsupported Request Detected in Device Status"
        case .aerUncorrectable:
            "error for each Uncorrectable Error Status bit set whose Severity bit says fatal, warning for non-fatal ones; the Header Log is decoded when the First Error Pointer names a set bit"
        case .aerCorrectable:
            "info: Correctable Error Status bits set (the hardware corrected them; many of them point at a marginal link)"
        case .aerUncorrectableMasked:
            "warning: every uncorrectable error every function must implement (Data Link Protocol, Poisoned TLP, Completion Timeout, Unexpected Completion, Malformed TLP, Unsupported Request) is masked; info when Data Link Protocol, Surprise Down or Malformed TLP alone are masked"
        case .aerCorrectableMasked:
            "info: every correctable error every function must implement (Receiver Error, Bad TLP, Bad DLLP, REPLAY_NUM Rollover, Replay Timer Timeout) is masked"
        case .acsMissing:
            "info (warning when a function below is bound to vfio-pci): a Root or Downstream Port above an endpoint has no ACS capability, so the kernel groups what is below it with its peers (unless a quirk applies)"
        case .acsIncomplete:
            "as acs-missing: ACS is present but not every control the kernel requires is enabled (Source Validation, Request Redirect, Completion Redirect, Upstream Forwarding, each required when the capability reports it: pci_acs_flags_enabled)"
        case .multifunctionWithoutACS:
            "info (warning when bound to vfio-pci): a function of a multifunction device, not a VF, without ACS: its functions may reach each other without the IOMMU and share an IOMMU group"
        case .iommuGroupShared:
            "info (warning when bound to vfio-pci): the function's IOMMU group (sysfs iommu_groups) holds other devices, which must be assigned with it; bridges in the group do not count"
        case .noIOMMUGroups:
            "info, once for a host source: sysfs has no IOMMU groups (no IOMMU enabled), so nothing can be assigned to a guest with vfio"
        case .sriovNumVFsAboveTotal:
            "error: NumVFs is larger than TotalVFs"
        case .sriovVFsDisabled:
            "info: an SR-IOV PF with TotalVFs > 0 and VF Enable clear"
        case .sriovPartiallyEnabled:
            "info: VF Enable is set with NumVFs below TotalVFs"
        case .sriovMemoryDisabled:
            "warning: VF Enable is set but VF MSE is clear, so no VF BAR decodes"
        case .sriovNoBARSpace:
            "warning: VF Enable and VF MSE are set but every VF BAR reads 0 (no address assigned)"
        case .ariForwardingDisabled:
            "error: the lowest PF has ARI Capable Hierarchy set but the port above it has ARI Forwarding Enable clear, so VFs past device 0's eight functions cannot be reached"
        case .ariHierarchyNotSet:
            "warning: the port above has ARI Forwarding Enable set but the lowest PF's ARI Capable Hierarchy is clear (VF routing IDs are laid out for a non-ARI bus)"
        case .vfWithoutVirtualCapabilities:
            "info (warning when the VF is bound to vfio-pci): the PF has PASID, PRI or ATS enabled and a VF is present without it; SR-IOV forbids VFs PASID and PRI, so a guest sees none unless the VMM synthesizes them (cfgtui plan)"
        case .aspmOneEnd:
            "warning: ASPM L1 entry is enabled in Link Control at one end of a link and not the other (L1 is entered only when both allow it)"
        case .l1SubstatesMismatch:
            "warning: the L1 PM Substates enables (PCI-PM L1.2/L1.1, ASPM L1.2/L1.1) differ between the two ends of a link"
        case .l1SubstateUnsupported:
            "warning: an L1 PM Substates enable is set that the function's L1 PM Substates Capabilities do not report"
        case .d3WithDriver:
            "info: the Power Management Control/Status PowerState is D3hot while a driver is bound (normal for runtime suspend; otherwise the device is unusable)"
        }
    }

    /// Where the checked behaviour is defined.
    public var reference: SpecReference {
        switch self {
        case .functionAllOnes: .pcie("7.5.1.1.1")
        case .limitedRead: .source("Linux drivers/pci/pci-sysfs.c", "pci_read_config")
        case .linkDowntrained, .linkBelowOwnCapability, .pathBottleneck: .pcie("7.5.3.8")
        case .linkTraining: .pcie("7.5.3.8")
        case .dataLinkInactive: .pcie("7.5.3.8")
        case .hotPlugSlotEmpty: .pcie("7.5.3.11")
        case .payloadAbovePort, .payloadBelowCommon: .pcie("2.2.2")
        case .extendedTagUnsupportedAbove, .extendedTagNotEnabled, .tenBitTagUnsupportedAbove: .pcie("2.2.6.2")
        case .statusErrors: .pcie("7.5.1.1.4")
        case .secondaryStatusErrors: .pcie("7.5.1.3.7")
        case .deviceStatusErrors: .pcie("7.5.3.5")
        case .aerUncorrectable: .pcie("7.8.4.2")
        case .aerCorrectable: .pcie("7.8.4.5")
        case .aerUncorrectableMasked: .pcie("7.8.4.3")
        case .aerCorrectableMasked: .pcie("7.8.4.6")
        case .acsMissing, .acsIncomplete: .source("Linux drivers/pci/pci.c", "pci_acs_enabled")
        case .multifunctionWithoutACS: .pcie("6.12.1.2")
        case .iommuGroupShared, .noIOMMUGroups: .source("Linux drivers/iommu/iommu.c", "iommu_group_add_device")
        case .sriovNumVFsAboveTotal, .sriovVFsDisabled, .sriovPartiallyEnabled: .pcie("9.3.3.7")
        case .sriovMemoryDisabled, .sriovNoBARSpace: .pcie("9.3.3.3")
        case .ariForwardingDisabled, .ariHierarchyNotSet: .pcie("9.3.3.3.5")
        case .vfWithoutVirtualCapabilities: .pcie("9.3.7.14")
        case .aspmOneEnd: .pcie("5.4.1")
        case .l1SubstatesMismatch, .l1SubstateUnsupported: .pcie("7.8.3")
        case .d3WithDriver: .pcie("7.5.2.2")
        }
    }
}

/// The groups of finding kinds, as the issue and the README list them.
public enum FindingArea: String, Hashable, Sendable, CaseIterable {
    case readability = "Readability"
    case link = "Link"
    case payload = "Payload and requests"
    case errors = "Errors logged"
    case isolation = "Isolation for passthrough"
    case sriov = "SR-IOV"
    case power = "Power"
}
