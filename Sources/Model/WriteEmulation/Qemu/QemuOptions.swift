// The inputs of the QEMU layer: what `-device vfio-pci,...` and the machine say about the
// assigned function (QEMU hw/vfio/pci.c, vfio_pci_dev_properties and vfio_realize).

/// Where the guest sees the assigned function: the kind of bus QEMU plugs it into.
public enum QemuGuestBus: String, Hashable, Sendable, CaseIterable {
    /// q35's root bus (pcie.0): an Endpoint becomes a Root Complex Integrated Endpoint.
    case root
    /// Behind a pcie-root-port or a switch downstream port: an RCiEP becomes an Endpoint.
    case rootPort = "root-port"
    /// Behind a PCI bridge on q35: the PCI Express capability is hidden and only the first
    /// 256 bytes are reachable.
    case conventional

    /// Whether the bus is PCI Express (pci_bus_is_express).
    var isExpress: Bool { self != .conventional }
}

/// The vPASID QEMU synthesizes (the vPASID series, v7 of January 2026; not in QEMU 7.2): where,
/// and the Capability register's fields, which QEMU takes from iommufd's report
/// (`out_max_pasid_log2`, and Execute/Privileged from the host's PASID Control, the PF's for a VF).
public struct QemuVirtualPASID: Hashable, Sendable {
    /// `x-vpasid-cap-offset`; 0 asks for the default, the last dword pair (0xFF8).
    public var offset: Int
    /// Max PASID Width (the IOMMU's max PASID, as log2).
    public var width: Int
    /// Execute Permission Supported, Privileged Mode Supported.
    public var execute: Bool
    public var privileged: Bool

    /// The default offset: the last 8 bytes of extended configuration space.
    public static let defaultOffset = 0xFF8

    public init(offset: Int = 0, width: Int = 20, execute: Bool = false, privileged: Bool = false) {
        self.offset = offset
        self.width = width
        self.execute = execute
        self.privileged = privileged
    }

    /// The offset QEMU uses.
    public var effectiveOffset: Int { offset == 0 ? Self.defaultOffset : offset }

    /// The vPASID iommufd's report gives for a function whose host PASID is `host`'s (the PF's
    /// for a VF): its Max PASID Width, and Execute/Privileged from its PASID Control enables;
    /// width 20 without a PASID capability; `width` overrides.
    public init(offset: Int, host: ConfigSpace, width: Int? = nil) {
        self.init(offset: offset)
        let analysis = FunctionAnalysis(space: host)
        if let found = analysis.capability(.extended(.processAddressSpaceID)),
            let capability = host.word(at: found.offset.rawValue + 4),
            let control = host.word(at: found.offset.rawValue + 6)
        {
            self.width = Int((capability >> 8) & 0x1F)
            execute = control & 0x2 != 0
            privileged = control & 0x4 != 0
        }
        if let width { self.width = width }
    }

    /// Why QEMU refuses the offset property (dword aligned, 0x100 to 0x1000 - 8), or nil.
    public var offsetProblem: QemuPASIDRefusal? {
        guard offset != 0 else { return nil }
        if offset % 4 != 0 { return .misaligned(offset: offset) }
        if offset < 0x100 || offset > 0x1000 - 8 { return .outOfRange(offset: offset) }
        return nil
    }
}

/// The vfio-pci device's properties and the machine around it, as far as config space shows them.
public struct QemuOptions: Hashable, Sendable {
    /// The bus the function sits on in the guest.
    public var bus: QemuGuestBus
    /// `rombar=0` hides the option ROM.
    public var romBAR: Bool
    /// `x-pci-vendor-id`, `x-pci-device-id`, `x-pci-sub-vendor-id`, `x-pci-sub-device-id`.
    public var vendorID: UInt16?
    public var deviceID: UInt16?
    public var subsystemVendorID: UInt16?
    public var subsystemID: UInt16?
    /// `multifunction=on`: QEMU, not the device, decides the Header Type's bit 7.
    public var multifunction: Bool
    /// `x-msix-relocation=barN`: the MSI-X table and PBA move to BAR N.
    public var msixRelocation: Int?
    /// The vPASID to synthesize, when the vIOMMU and the host report PASID.
    public var virtualPASID: QemuVirtualPASID?

    public init(
        bus: QemuGuestBus = .rootPort, romBAR: Bool = true, vendorID: UInt16? = nil, deviceID: UInt16? = nil,
        subsystemVendorID: UInt16? = nil, subsystemID: UInt16? = nil, multifunction: Bool = false,
        msixRelocation: Int? = nil, virtualPASID: QemuVirtualPASID? = nil
    ) {
        self.bus = bus
        self.romBAR = romBAR
        self.vendorID = vendorID
        self.deviceID = deviceID
        self.subsystemVendorID = subsystemVendorID
        self.subsystemID = subsystemID
        self.multifunction = multifunction
        self.msixRelocation = msixRelocation
        self.virtualPASID = virtualPASID
    }
}
