/// Which behaviour the simulator models.
public enum SimulationModel: String, Hashable, Sendable, CaseIterable {
    /// A guest behind vfio-pci: the virtualization layer on top of the device.
    case vfio
    /// The device alone: writes follow the register attributes.
    case device
    /// A guest of QEMU: QEMU's vfio-pci layer (hw/vfio/pci.c) over the vfio model.
    case qemu

    /// Whether the kernel's vfio layer is part of the model.
    public var usesVfio: Bool { self != .device }
}

/// The function to simulate: its bytes and identity.
public struct SimulatedFunction: Hashable, Sendable {
    /// The bytes the source read.
    public var space: ConfigSpace
    /// Its address, when known.
    public var address: PCIAddress?
    /// Whether it is an SR-IOV VF.
    public var isVirtualFunction: Bool
    /// The identity vfio shows for a VF (the PF's vendor and VF Device ID); the ID registers otherwise.
    public var vendorID: UInt16
    public var deviceID: UInt16

    public init(
        space: ConfigSpace, address: PCIAddress? = nil, isVirtualFunction: Bool = false, vendorID: UInt16? = nil,
        deviceID: UInt16? = nil
    ) {
        self.space = space
        self.address = address
        self.isVirtualFunction = isVirtualFunction
        self.vendorID = vendorID ?? space.word(at: 0) ?? 0xFFFF
        self.deviceID = deviceID ?? space.word(at: 2) ?? 0xFFFF
    }

    /// The function as a source delivered it.
    public init(_ function: PCIFunction) {
        self.init(
            space: function.space, address: function.address, isVirtualFunction: function.isVirtualFunction,
            vendorID: function.vendorID, deviceID: function.deviceID)
    }
}

/// How to simulate.
public struct SimulationOptions: Hashable, Sendable {
    /// vfio or device.
    public var model: SimulationModel
    /// Gaps: vfio passes them through (the device stores them) or drops writes to them; in the
    /// device model, `drop` makes gap bytes read-only.
    public var gaps: GapPolicy
    /// Sizes for the BAR sizing probe.
    public var barSizes: BARSizes
    /// Virtual capabilities to add (vfio model only).
    public var virtualCapabilities: [VirtualRegion]
    /// For a VF: its PF's configuration space (VF BAR types, PASID/PRI state).
    public var physicalFunction: ConfigSpace?
    /// The VMM's interrupt setup (vfio model; the qemu model sets its own up).
    public var interrupts: VfioInterrupts
    /// The QEMU device and machine (qemu model).
    public var qemu: QemuOptions

    public init(
        model: SimulationModel = .vfio, gaps: GapPolicy = .passthrough, barSizes: BARSizes = BARSizes(),
        virtualCapabilities: [VirtualRegion] = [], physicalFunction: ConfigSpace? = nil,
        interrupts: VfioInterrupts = .none, qemu: QemuOptions = QemuOptions()
    ) {
        self.interrupts = interrupts
        self.qemu = qemu
        self.model = model
        self.gaps = gaps
        self.barSizes = barSizes
        self.virtualCapabilities = virtualCapabilities
        self.physicalFunction = physicalFunction
    }
}

/// The guest config-write simulator: applies reads and writes to a simulated copy of one
/// function, through vfio-pci or straight to the device, and returns a record of each.
///
/// A value type: keep copies to undo (`SimulationHistory` does). Nothing here touches hardware.
///
/// ```
/// var emulator = try WriteEmulator(function: SimulatedFunction(function), options: SimulationOptions())
/// let record = try emulator.apply(.write(0x04, .word, 0x0406))
/// record.bits.storedVirtually    // 0x0400: INTx Disable stays in vfio's virtual copy
/// emulator.guestSpace            // what the guest now reads
/// ```
public struct WriteEmulator: Sendable {
    /// How the simulation runs.
    public let options: SimulationOptions
    /// The function as the source delivered it (the simulation works on a copy).
    public let function: SimulatedFunction
    /// The device, for `--model device`.
    public private(set) var deviceModel: DeviceModel?
    /// vfio on top of the device, for `--model vfio`.
    public private(set) var vfioModel: VfioModel?
    /// QEMU's layer over vfio, for `--model qemu` (it holds the vfio model).
    public private(set) var qemuLayer: QemuLayer?
    /// The analysis of the guest's starting view (what names such as CAP_EXP resolve against).
    public let guestAnalysis: FunctionAnalysis
    /// What the simulation knows before the first access.
    public let setupNotes: [SimulationNote]
    /// How many accesses were applied.
    public private(set) var stepCount = 0

    /// Sets the simulation up: the access maps, and for vfio the virtual copy with hidden
    /// capabilities unlinked and the virtual capabilities linked. Refuses functions whose header
    /// was not read, bridges under vfio, and virtual capabilities that do not fit.
    public init(function: SimulatedFunction, options: SimulationOptions) throws(WriteEmulationError) {
        self.function = function
        self.options = options
        let space = function.space
        guard space.readableLength >= ConfigSpace.headerLength else {
            throw .headerUnreadable(readable: space.readableLength)
        }
        let analysis = FunctionAnalysis(
            space: space, address: function.address, isVirtualFunction: function.isVirtualFunction)
        var notes = [SimulationNote]()
        if space.readableLength < space.size {
            notes.append(.partialRead(readable: space.readableLength, size: space.size))
        }
        var physicalState: PhysicalFunctionState?
        var virtualFunctionBARs: [UInt32]?
        if function.isVirtualFunction {
            if let pf = options.physicalFunction {
                let pfAnalysis = FunctionAnalysis(space: pf)
                let state = PhysicalFunctionState(physicalFunction: pfAnalysis)
                physicalState = state
                if let enabled = state.pasidEnabled {
                    notes.append(.physicalFunctionCapability(.processAddressSpaceID, enabled: enabled))
                }
                if let enabled = state.pageRequestEnabled {
                    notes.append(.physicalFunctionCapability(.pageRequest, enabled: enabled))
                }
                if let sriov = pfAnalysis.capability(.extended(.singleRootIOV)) {
                    virtualFunctionBARs = (0..<6).map { pf.dword(at: sriov.offset.rawValue + 0x24 + 4 * $0) ?? 0 }
                }
            } else {
                notes.append(.physicalFunctionUnknown)
            }
        }
        let gapCount = analysis.map.gaps.count
        let gapsWithData = analysis.map.gaps.filter { $0.nonZeroBytes > 0 }.count
        notes.append(.gaps(options.gaps, count: gapCount, withData: gapsWithData))

        switch options.model {
        case .device:
            let device = DeviceModel(
                analysis: analysis, barSizes: options.barSizes, gapsAreStorage: options.gaps == .passthrough,
                physicalFunction: physicalState)
            let unknown = device.map.hooks.compactMap { hook -> BARSlot? in
                if case .unknownBARSize(let slot) = hook { return slot }
                return nil
            }
            if !unknown.isEmpty { notes.append(.barSizesUnknown(unknown)) }
            deviceModel = device
            guestAnalysis = analysis
        case .vfio, .qemu:
            // The device under vfio keeps gap writes (vfio decides whether they reach it).
            let device = DeviceModel(
                analysis: analysis, barSizes: options.barSizes, gapsAreStorage: true,
                physicalFunction: physicalState)
            let vfio = try VfioModel(
                device: device, analysis: analysis, identity: (function.vendorID, function.deviceID),
                barSizes: options.barSizes, gaps: options.gaps, virtualFunctionBARs: virtualFunctionBARs,
                virtualCapabilities: options.virtualCapabilities, interrupts: options.interrupts)
            for step in vfio.openSteps {
                // Under QEMU the interrupt setup is QEMU's, noted by its layer.
                if options.model == .qemu, case .interrupts = step { continue }
                notes.append(.vfioOpen(step))
            }
            for entry in vfio.hiddenCapabilities { notes.append(.hiddenCapability(entry.kind, at: entry.offset)) }
            if let placeholder = vfio.placeholder {
                notes.append(.placeholder(placeholder.kind, at: placeholder.offset))
            }
            for region in options.virtualCapabilities {
                // It must decode as what it claims: its ID at its offset, its length from its
                // own bytes (a plan file can say PASID and hold an SR-IOV header, or a DVSEC
                // Length past the placement).
                let decoded = vfio.guestAnalysis.extendedCapabilities.first { $0.offset == region.offset }
                let decodedLength = decoded?.length.bytes
                guard let decoded, decoded.kind == .extended(region.id),
                    decodedLength == nil || decodedLength == region.range.length
                else {
                    throw .virtualCapabilityMisdescribed(
                        region.range, id: region.id, decodedID: decoded?.kind.rawID, decodedLength: decodedLength)
                }
                notes.append(.virtualCapability(region.id, at: region.offset, length: region.range.length))
            }
            let unknown = vfio.barsOfUnknownSize
            if !unknown.isEmpty { notes.append(.barSizesUnknown(unknown)) }
            if options.model == .qemu {
                let qemu = try QemuLayer(vfio: vfio, options: options.qemu)
                for change in qemu.changes { notes.append(.qemu(change)) }
                let readable = min(vfio.guestAnalysis.space.readableLength, qemu.guestSize)
                guestAnalysis = FunctionAnalysis(
                    space: ConfigSpace(bytes: Array(qemu.guestBytes.prefix(readable)), size: qemu.guestSize),
                    address: function.address, isVirtualFunction: false)
                qemuLayer = qemu
            } else {
                vfioModel = vfio
                guestAnalysis = vfio.guestAnalysis
            }
        }
        setupNotes = notes
    }

    // MARK: - Views

    /// The architectural size of the space.
    public var size: Int { qemuLayer?.guestSize ?? function.space.size }

    /// How many bytes can be accessed (the source's readable bytes; virtual capabilities past
    /// them included).
    public var accessibleLength: Int { guestAnalysis.space.readableLength }

    /// `guestValue` and `deviceValue` for `apply`: the same reads through a mutating access,
    /// which reaches the model where it is stored; the non-mutating ones copy the whole
    /// optional model first (measured: a third of a clean simulated write).
    private mutating func currentGuestValue(at offset: Int, count: Int) -> UInt32 {
        if let value = qemuLayer?.guestValue(at: offset, count: count) { return value }
        if let value = vfioModel?.guestValue(at: offset, count: count) { return value }
        return deviceModel?.value(at: offset, count: count) ?? 0
    }

    private mutating func currentDeviceValue(at offset: Int, count: Int) -> UInt32 {
        if let value = vfioModel?.device.value(at: offset, count: count) { return value }
        if let value = qemuLayer?.vfio.device.value(at: offset, count: count) { return value }
        return deviceModel?.value(at: offset, count: count) ?? 0
    }

    /// The guest's view of `count` (1-4) bytes at `offset`.
    public func guestValue(at offset: Int, count: Int) -> UInt32 {
        if let value = qemuLayer?.guestValue(at: offset, count: count) { return value }
        if let value = vfioModel?.guestValue(at: offset, count: count) { return value }
        return deviceModel?.value(at: offset, count: count) ?? 0
    }

    /// The device's `count` (1-4) bytes at `offset`.
    public func deviceValue(at offset: Int, count: Int) -> UInt32 {
        // Not through kernelModel: that would copy the model on every access.
        if let value = vfioModel?.device.value(at: offset, count: count) { return value }
        if let value = qemuLayer?.vfio.device.value(at: offset, count: count) { return value }
        return deviceModel?.value(at: offset, count: count) ?? 0
    }

    /// What the guest reads now, as a configuration space (the accessible bytes).
    public var guestSpace: ConfigSpace {
        let bytes = qemuLayer?.guestBytes ?? vfioModel?.guestBytes ?? deviceModel?.bytes ?? []
        return ConfigSpace(
            bytes: Array(bytes.prefix(accessibleLength)), size: size, unreadable: function.space.unreadable)
    }

    /// The simulated device now.
    public var deviceSpace: ConfigSpace {
        kernelModel?.device.space ?? deviceModel?.space ?? function.space
    }

    /// The kernel's vfio layer: the vfio model, or the one under QEMU's layer.
    public var kernelModel: VfioModel? { qemuLayer?.vfio ?? vfioModel }

    /// A resolver for setpci expressions against the guest's view.
    public var resolver: SetpciResolver {
        SetpciResolver(
            analysis: guestAnalysis, accessibleLength: accessibleLength,
            hiddenCapabilities: kernelModel?.hiddenCapabilities ?? [])
    }

    // MARK: - Applying accesses

    /// Applies one access and returns its record. Refuses misaligned, out-of-range,
    /// unreadable and too-wide accesses.
    public mutating func apply(_ access: ConfigAccess) throws(WriteEmulationError) -> WriteRecord {
        if let problem = access.problem(size: size, readable: accessibleLength, unreadable: function.space.unreadable) {
            throw problem
        }
        let offset = access.offset
        let count = access.width.byteCount
        let guestBefore = currentGuestValue(at: offset, count: count)
        let deviceBefore = currentDeviceValue(at: offset, count: count)
        defer { stepCount += 1 }
        guard case .write(let requested, let mask) = access.operation else {
            return WriteRecord(
                step: stepCount, access: access, value: guestBefore, guestBefore: guestBefore, guestAfter: guestBefore,
                deviceBefore: deviceBefore, deviceAfter: deviceBefore)
        }
        let value = (guestBefore & ~mask) | (requested & mask)
        var notes = [WriteNote]()
        var bits = WriteBits()
        var deviceWriteBytes: UInt8 = 0
        var deviceWriteValue: UInt32 = 0
        if let effect = deviceModel?.guestWrite(
            at: offset, count: count, value: value, current: guestBefore, notes: &notes)
        {
            bits = WriteBits(
                forwarded: access.width.valueMask, taken: effect.taken, cleared: effect.cleared,
                actions: effect.actions, dropped: effect.ignored)
            deviceWriteBytes = UInt8((1 << count) - 1)
            deviceWriteValue = value
        } else if let result = vfioModel?.guestWrite(at: offset, count: count, value: value, current: guestBefore) {
            bits = result.bits
            deviceWriteBytes = result.deviceWriteBytes
            deviceWriteValue = result.deviceWriteValue
            notes = result.notes
        } else if let result = qemuLayer?.guestWrite(at: offset, count: count, value: value, current: guestBefore) {
            bits = result.bits
            deviceWriteBytes = result.deviceWriteBytes
            deviceWriteValue = result.deviceWriteValue
            notes = result.notes
        }
        return WriteRecord(
            step: stepCount, access: access, value: value, guestBefore: guestBefore,
            guestAfter: currentGuestValue(at: offset, count: count), deviceBefore: deviceBefore,
            deviceAfter: currentDeviceValue(at: offset, count: count), bits: bits, deviceWriteBytes: deviceWriteBytes,
            deviceWriteValue: deviceWriteValue, notes: notes)
    }

    /// The emulator after `access`, and its record (the non-mutating form of `apply`).
    public func applying(_ access: ConfigAccess) throws(WriteEmulationError) -> (WriteEmulator, WriteRecord) {
        var copy = self
        let record = try copy.apply(access)
        return (copy, record)
    }
}

extension DeviceModel {
    /// A guest write straight to the device: where it lands, then what it does.
    mutating func guestWrite(at offset: Int, count: Int, value: UInt32, current: UInt32, notes: inout [WriteNote])
        -> DeviceWriteEffect
    {
        map.placementNotes(offset: offset, count: count, value: value, current: current, into: &notes)
        return write(at: offset, count: count, value: value, notes: &notes)
    }
}

extension VfioModel {
    /// A guest write through vfio: where it lands (a virtual capability has the guest's layout,
    /// everything else the device's), then what vfio and the device do.
    mutating func guestWrite(at offset: Int, count: Int, value: UInt32, current: UInt32) -> VfioWriteResult {
        var result = VfioWriteResult()
        if handler(at: offset) == .virtual {
            virtualConfig.map.placementNotes(
                offset: offset, count: count, value: value, current: current, into: &result.notes)
        } else {
            device.map.placementNotes(offset: offset, count: count, value: value, current: current, into: &result.notes)
        }
        annotate(offset: offset, count: count, into: &result.notes)
        write(at: offset, count: count, value: value, into: &result)
        return result
    }

    /// vfio-specific warnings about where a write lands: a hidden capability's bytes.
    func annotate(offset: Int, count: Int, into notes: inout [WriteNote]) {
        var last: VfioOwner?
        for position in offset..<(offset + count) {
            let owner = owner(at: position)
            guard owner != last else { continue }
            last = owner
            if case .hiddenCapability(let kind, let at) = owner { notes.append(.hiddenCapability(kind, at: at)) }
        }
    }
}

extension QemuLayer {
    /// A guest write through QEMU: the kernel layer's placement warnings, then QEMU's path.
    mutating func guestWrite(at offset: Int, count: Int, value: UInt32, current: UInt32) -> VfioWriteResult {
        var result = VfioWriteResult()
        if vfio.handler(at: offset) == .virtual {
            vfio.virtualConfig.map.placementNotes(
                offset: offset, count: count, value: value, current: current, into: &result.notes)
        } else {
            vfio.device.map.placementNotes(
                offset: offset, count: count, value: value, current: current, into: &result.notes)
        }
        vfio.annotate(offset: offset, count: count, into: &result.notes)
        write(at: offset, count: count, value: value, into: &result)
        return result
    }
}
