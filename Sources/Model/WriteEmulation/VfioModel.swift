/// The vfio-pci virtualization layer on top of a simulated device: what a guest reads and what
/// reaches the device when it writes an assigned function's configuration space.
///
/// Every byte has an owner (the header, a kept capability, a hidden capability's placeholder,
/// unassigned space, a virtual capability) and vfio's virt and write bits. Reads give
/// `(device & ~virt) | (virtual & virt)`. Writes are split into aligned chunks that never cross
/// an owner; in each, writable virtualized bits go to the virtual copy, writable
/// non-virtualized bits go to the device as a read-modify-write of the whole chunk, and the
/// owner's handler runs (BAR sizing, INTx, PowerState, FLR, MRRS, MSI). Unassigned bytes pass
/// through raw unless the gap policy drops them. (Linux drivers/vfio/pci/vfio_pci_config.c,
/// vfio_config_do_rw and the handlers; docs/simulator.md.)
///
/// ```
/// var vfio = try VfioModel(device: device, analysis: analysis, identity: (0x8086, 0x1520))
/// var result = VfioWriteResult()
/// vfio.write(at: 0x04, count: 2, value: 0x0406, into: &result)
/// vfio.guestValue(at: 0x04, count: 2)   // INTx Disable set in the guest's view
/// ```
public struct VfioModel: Sendable {
    /// The simulated hardware.
    public internal(set) var device: DeviceModel
    /// vfio's virtual copy (vconfig) with the virtual capabilities; its access map (from the
    /// guest's view) gives the virtual capabilities their register rules.
    public internal(set) var virtualConfig: DeviceModel
    var layout: VfioLayout
    /// What happens to writes to unassigned bytes.
    public let gaps: GapPolicy
    /// INTx Disable as vfio last applied it (virq_disabled).
    public internal(set) var isINTxMasked: Bool
    /// The analysis of the guest's starting view.
    public let guestAnalysis: FunctionAnalysis
    /// The device's bytes saved on entering D3hot, restored after D0 (needs_pm_restore).
    var savedForD3: [UInt8]?

    /// Sets vfio up on `device`. `analysis` describes the device's bytes as they were at open;
    /// `identity` is what vfio writes into a VF's ID registers (the PF's vendor and the VF
    /// Device ID); `virtualFunctionBARs` are the PF's VF BAR registers (their type bits become
    /// a VF's BAR flags); `virtualCapabilities` are added fully virtual.
    public init(
        device: DeviceModel, analysis: FunctionAnalysis, identity: (vendorID: UInt16, deviceID: UInt16),
        barSizes: BARSizes = BARSizes(), gaps: GapPolicy = .passthrough, virtualFunctionBARs: [UInt32]? = nil,
        virtualCapabilities: [VirtualRegion] = []
    ) throws(WriteEmulationError) {
        guard analysis.context.headerLayout == .endpoint else {
            throw .vfioNeedsEndpoint(analysis.context.headerLayout)
        }
        var layout = VfioLayout(
            analysis: analysis, identity: identity, barSizes: barSizes, virtualFunctionBARs: virtualFunctionBARs)
        try layout.link(virtualCapabilities)
        self.layout = layout
        self.device = device
        self.gaps = gaps
        isINTxMasked = layout.vconfig.count > 5 && layout.vconfig[5] & 0x04 != 0
        // The virtual copy gets the register rules of the guest's view, for virtual capabilities.
        let guest = Self.view(device: device.bytes, vconfig: layout.vconfig, layout: layout)
        let readable = max(device.readableLength, virtualCapabilities.map { $0.range.end.rawValue }.max() ?? 0)
        let guestAnalysis = FunctionAnalysis(
            space: ConfigSpace(bytes: Array(guest.prefix(readable)), size: guest.count),
            address: analysis.context.address, isVirtualFunction: analysis.context.isVirtualFunction)
        self.guestAnalysis = guestAnalysis
        virtualConfig = DeviceModel(
            analysis: guestAnalysis, bytes: layout.vconfig, gapsAreStorage: false,
            physicalFunction: device.physicalFunction)
    }

    // MARK: - Reading

    /// The guest's view of `count` (1-4) bytes at `offset`.
    public func guestValue(at offset: Int, count: Int) -> UInt32 {
        guard offset >= 0, count >= 1, count <= 4, offset + count <= layout.bytes.count else { return 0 }
        var value: UInt32 = 0
        for index in 0..<count { value |= UInt32(guestByte(offset + index)) << UInt32(8 * index) }
        return value
    }

    @inline(__always)
    func guestByte(_ offset: Int) -> UInt8 {
        let rule = layout.bytes[offset]
        if rule.handler == .virtual { return virtualConfig.bytes[offset] }
        var byte = (device.bytes[offset] & ~rule.virt) | (virtualConfig.bytes[offset] & rule.virt)
        // vfio_basic_config_read: a VF shows the virtual Memory Space Enable.
        if offset == 0x04 && layout.noCommandMemory { byte |= virtualConfig.bytes[0x04] & 0x02 }
        return byte
    }

    /// The guest's whole view.
    public var guestBytes: [UInt8] { (0..<layout.bytes.count).map { guestByte($0) } }

    static func view(device: [UInt8], vconfig: [UInt8], layout: VfioLayout) -> [UInt8] {
        (0..<layout.bytes.count).map { offset in
            let rule = layout.bytes[offset]
            if rule.handler == .virtual { return vconfig[offset] }
            var byte = (device[offset] & ~rule.virt) | (vconfig[offset] & rule.virt)
            if offset == 0x04 && layout.noCommandMemory { byte |= vconfig[0x04] & 0x02 }
            return byte
        }
    }

    // MARK: - Ownership, for views

    /// Who owns the byte at `offset`.
    public func owner(at offset: Int) -> VfioOwner {
        guard offset >= 0, offset < layout.bytes.count else { return .unassigned }
        let index = Int(layout.bytes[offset].owner)
        return index < layout.owners.count ? layout.owners[index] : .unassigned
    }

    /// The handler vfio uses for the byte at `offset`.
    public func handler(at offset: Int) -> VfioHandler {
        guard offset >= 0, offset < layout.bytes.count else { return .unassigned }
        return layout.bytes[offset].handler
    }

    /// vfio's virt and write bits for the byte at `offset`.
    public func permissions(at offset: Int) -> (virt: UInt8, write: UInt8) {
        guard offset >= 0, offset < layout.bytes.count else { return (0, 0) }
        return (layout.bytes[offset].virt, layout.bytes[offset].write)
    }

    /// The capabilities vfio removed from the guest's lists.
    public var hiddenCapabilities: [(kind: CapabilityKind, offset: ConfigOffset)] { layout.hidden }
    /// The hidden capability kept as a placeholder at 0x100, if any.
    public var placeholder: (kind: CapabilityKind, offset: ConfigOffset)? { layout.placeholder }
    /// BARs whose size is unknown (their writes are dropped).
    public var barsOfUnknownSize: [BARSlot] {
        (layout.bars + (layout.rom.map { [$0] } ?? [])).filter { $0.size == nil }.map(\.slot)
    }
}

/// What vfio does with writes to bytes no capability covers.
public enum GapPolicy: String, Hashable, Sendable, CaseIterable {
    /// Raw access to the device, as vfio-pci does (and as QEMU's wmask 0xFF stores them).
    case passthrough
    /// Writes are dropped (the proposed `block_pci_unassigned_write`); reads still pass through.
    case drop
}

/// The outcome of one guest write through vfio, accumulated over its chunks.
public struct VfioWriteResult: Hashable, Sendable {
    public var bits = WriteBits()
    /// Which bytes of the access a device write covered (bit n: byte n).
    public var deviceWriteBytes: UInt8 = 0
    /// What those device writes carried (the read-modify-write values), per byte.
    public var deviceWriteValue: UInt32 = 0
    public var notes: [WriteNote] = []

    public init() {}
}
