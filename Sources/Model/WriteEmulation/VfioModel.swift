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

    /// The interrupt setup the VMM made (VFIO_DEVICE_SET_IRQS); a VMM layer changes it as the
    /// guest enables MSI or MSI-X.
    public internal(set) var interrupts: VfioInterrupts
    /// What the kernel did to the device while opening it (vfio_pci_core_enable), in order.
    public let openSteps: [VfioOpenStep]
    /// INTx is masked in hardware and hidden (vfio_pci_nointx).
    let hasNoINTx: Bool
    /// INTx Disable is writable in the device (pci_2_3): the hardware bit follows the virtual one.
    let supportsINTxMasking: Bool
    /// The BARs and ROM BAR the device held after open (vdev->rbar), for vfio_bar_restore.
    let restoreBARs: [UInt32]

    /// Sets vfio up on `device`, the function as the user dumped it: first what the kernel does
    /// when it opens it (`open`), then the virtual config from the result. `analysis`
    /// describes the dumped bytes; `identity` is what vfio writes into a VF's ID registers (the
    /// PF's vendor and the VF Device ID); `virtualFunctionBARs` are the PF's VF BAR registers
    /// (their type bits become a VF's BAR flags); `virtualCapabilities` are added fully virtual;
    /// `interrupts` is the VMM's interrupt setup.
    public init(
        device: DeviceModel, analysis: FunctionAnalysis, identity: (vendorID: UInt16, deviceID: UInt16),
        barSizes: BARSizes = BARSizes(), gaps: GapPolicy = .passthrough, virtualFunctionBARs: [UInt32]? = nil,
        virtualCapabilities: [VirtualRegion] = [], interrupts: VfioInterrupts = .none
    ) throws(WriteEmulationError) {
        guard analysis.context.headerLayout == .endpoint else {
            throw .vfioNeedsEndpoint(analysis.context.headerLayout)
        }
        var device = device
        let isVirtualFunction = analysis.context.isVirtualFunction
        let noINTx = Self.hasBrokenINTx(vendorID: identity.vendorID, deviceID: identity.deviceID)
        var steps = Self.open(&device, analysis: analysis, barSizes: barSizes, noINTx: noINTx)
        // vfio_config_init reads the device as the open left it.
        let opened = FunctionAnalysis(
            space: device.space,
            address: analysis.context.address, isVirtualFunction: isVirtualFunction)
        var layout = VfioLayout(
            analysis: opened, identity: identity, barSizes: barSizes, virtualFunctionBARs: virtualFunctionBARs,
            hidesInterruptPin: noINTx)
        try layout.link(virtualCapabilities)
        if isVirtualFunction || noINTx, opened.space.byte(at: 0x3D) ?? 0 != 0 {
            steps.append(.interruptPinHidden(virtualFunction: isVirtualFunction))
        }
        restoreBARs = (0..<6).map { device.value(at: 0x10 + 4 * $0, count: 4) } + [device.value(at: 0x30, count: 4)]
        hasNoINTx = noINTx
        supportsINTxMasking = !noINTx && device.map.rules[0x05].take & 0x04 != 0
        self.interrupts = interrupts
        Self.setUpInterrupts(interrupts, device: &device, layout: layout, steps: &steps)
        openSteps = steps
        self.layout = layout
        self.device = device
        self.gaps = gaps
        isINTxMasked = layout.vconfig.count > 5 && layout.vconfig[5] & 0x04 != 0
        // The virtual copy gets the register rules of the guest's view, for virtual capabilities.
        let guest = Self.view(device: device.bytes, vconfig: layout.vconfig, layout: layout, interrupts: interrupts)
        let readable = max(device.readableLength, virtualCapabilities.map { $0.range.end.rawValue }.max() ?? 0)
        let guestAnalysis = FunctionAnalysis(
            space: ConfigSpace(bytes: Array(guest.prefix(readable)), size: guest.count),
            address: analysis.context.address, isVirtualFunction: isVirtualFunction)
        self.guestAnalysis = guestAnalysis
        virtualConfig = DeviceModel(
            analysis: guestAnalysis, bytes: layout.vconfig, gapsAreStorage: false,
            physicalFunction: device.physicalFunction)
    }

    /// The VMM changes the interrupt setup (VFIO_DEVICE_SET_IRQS): leaving MSI or MSI-X turns
    /// it off in the device, entering them programs the device as at set-up. Command stays as
    /// it was: vfio_msi_enable and vfio_msi_disable wrap the kernel's MSI calls in
    /// vfio_pci_memory_lock_and_enable / vfio_pci_memory_unlock_and_restore, which writes the
    /// saved Command back over pci_intx_for_msi's INTx Disable (QEMU oracle).
    mutating func changeInterrupts(to new: VfioInterrupts) {
        guard new != interrupts else { return }
        var ignored = [WriteNote]()
        var steps = [VfioOpenStep]()
        let old = interrupts
        interrupts = new
        switch old {
        case .msi, .msix:
            let id: CapabilityID = old == .msix ? .msix : .msi
            let enable: UInt32 = old == .msix ? 0x8000 : 0x0001
            for owner in layout.owners {
                guard case .capability(.standard(id), let at) = owner else { continue }
                let control = device.value(at: at.rawValue + 2, count: 2)
                _ = device.write(at: at.rawValue + 2, count: 2, value: control & ~enable, notes: &ignored)
            }
        case .none, .intx:
            break
        }
        Self.setUpInterrupts(new, device: &device, layout: layout, steps: &steps)
    }

    /// VFIO_DEVICE_SET_IRQS with a trigger for `new`'s index, as vfio_pci_set_irqs_ioctl takes
    /// it: refused (false, nothing changes) while another index is set up
    /// (vfio_pci_set_intx_trigger / vfio_pci_set_msi_trigger: -EINVAL).
    mutating func requestInterrupts(_ new: VfioInterrupts) -> Bool {
        guard interrupts == .none || interrupts.index == new.index else { return false }
        changeInterrupts(to: new)
        return true
    }

    /// VFIO_DEVICE_SET_IRQS with no data for `index`: tears that index down when it is the one
    /// set up (otherwise -EINVAL, nothing changes).
    mutating func releaseInterrupts(_ index: VfioInterrupts.Index) {
        guard interrupts.index == index, index != .none else { return }
        changeInterrupts(to: .none)
    }

    /// VFIO_DEVICE_RESET: D0, then pci_try_reset_function, which saves the state, resets and
    /// restores it. Returns the method the dump shows (nil: none, the ioctl fails).
    mutating func resetDevice() -> String? {
        let opened = FunctionAnalysis(
            space: device.space)
        guard let method = Self.resetMethod(device, analysis: opened) else { return nil }
        var result = VfioWriteResult()
        wakeBeforeReset(into: &result)
        device.clearNonStickyStatus()
        return method
    }

    /// What the host kernel programs when the VMM sets interrupts up: MSI or MSI-X enabled in
    /// the device, MSI with msi_qmax vectors; Command restored afterwards (see changeInterrupts).
    /// The MSI address and data it programs are host values, not simulated.
    private static func setUpInterrupts(
        _ interrupts: VfioInterrupts, device: inout DeviceModel, layout: VfioLayout, steps: inout [VfioOpenStep]
    ) {
        steps.append(.interrupts(interrupts))
        var ignored = [WriteNote]()
        func capability(_ id: CapabilityID) -> Int? {
            for owner in layout.owners {
                if case .capability(.standard(id), let at) = owner { return at.rawValue }
            }
            return nil
        }
        switch interrupts {
        case .none, .intx:
            return
        case .msi:
            guard let msi = capability(.msi) else { return }
            let flags = device.value(at: msi + 2, count: 2)
            let enabled = flags & ~0x70 | UInt32(interrupts.msiQueueMaximum) << 4 | 1
            _ = device.write(at: msi + 2, count: 2, value: enabled, notes: &ignored)
        case .msix:
            guard let msix = capability(.msix) else { return }
            let control = device.value(at: msix + 2, count: 2)
            _ = device.write(at: msix + 2, count: 2, value: control | 0x8000, notes: &ignored)
        }
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
        Self.byte(offset, device: device.bytes, vconfig: virtualConfig.bytes, layout: layout, interrupts: interrupts)
    }

    /// One byte of the guest's view: `(device & ~virt) | (vconfig & virt)`, with the read
    /// handlers' adjustments.
    @inline(__always)
    static func byte(
        _ offset: Int, device: [UInt8], vconfig: [UInt8], layout: VfioLayout, interrupts: VfioInterrupts
    ) -> UInt8 {
        let rule = layout.bytes[offset]
        if rule.handler == .virtual { return vconfig[offset] }
        var byte = (device[offset] & ~rule.virt) | (vconfig[offset] & rule.virt)
        // vfio_basic_config_read: a VF shows the virtual Memory Space Enable.
        if offset == 0x04 && layout.noCommandMemory { byte |= vconfig[0x04] & 0x02 }
        return byte
    }

    /// The guest's whole view.
    public var guestBytes: [UInt8] { (0..<layout.bytes.count).map { guestByte($0) } }

    static func view(device: [UInt8], vconfig: [UInt8], layout: VfioLayout, interrupts: VfioInterrupts) -> [UInt8] {
        (0..<layout.bytes.count).map {
            byte($0, device: device, vconfig: vconfig, layout: layout, interrupts: interrupts)
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
