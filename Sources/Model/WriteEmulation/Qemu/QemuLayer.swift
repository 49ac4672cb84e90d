/// QEMU's vfio-pci layer on top of the kernel's vfio view: the configuration space a guest of
/// QEMU reads, and what its writes do (QEMU hw/vfio/pci.c, with hw/pci/pci.c, msi.c, msix.c
/// and pcie.c; checked against QEMU 7.2, docs/simulator.md).
///
/// QEMU keeps its own copy of the space (`config`, with `wmask` and `w1cmask`) and a mask of the
/// bits it emulates. A read takes the emulated bits from QEMU's copy and the rest from vfio
/// (`vfio_pci_read_config`); a write goes to vfio first ("let it filter"), then to QEMU's copy
/// through its write masks (`vfio_pci_write_config`, `pci_default_write_config`), then to the
/// MSI and MSI-X hooks, which change the kernel's interrupt setup.
///
/// ```
/// var qemu = try QemuLayer(vfio: vfio, options: QemuOptions(bus: .root))
/// qemu.guestValue(at: 0x10, count: 4)        // 0: QEMU's BARs start unassigned
/// var result = VfioWriteResult()
/// qemu.write(at: 0x10, count: 4, value: 0xFFFF_FFFF, into: &result)
/// ```
public struct QemuLayer: Sendable {
    /// The kernel's vfio layer (and the device under it).
    public internal(set) var vfio: VfioModel
    /// QEMU's copy of the space and its masks (pdev->config, wmask, w1cmask).
    var config: [UInt8]
    var wmask: [UInt8]
    var w1cmask: [UInt8]
    /// The bits QEMU emulates (emulated_config_bits).
    var emulated: [UInt8]
    public let options: QemuOptions
    /// What the layer did at realize and at the first reset, in order.
    public internal(set) var changes: [QemuChange] = []
    /// MSI as msi_init set it up: its offset and vfio's msi_cap_size.
    var msi: (offset: Int, size: Int)?
    /// MSI-X's offset, when msix_init set it up.
    var msix: Int?
    /// The bytes the guest can reach: 256 on a conventional bus (pci_adjust_config_limit).
    public let guestSize: Int
    /// The Interrupt Pin vfio reports (QEMU routes INTx when it is not 0).
    let interruptPin: UInt8
    /// QEMU's interrupt mode (vdev->interrupt), which can differ from the kernel's when the
    /// kernel refused a change.
    var interrupt = VfioInterrupts.Index.none
    /// The registered BARs: slot index, type bits, size (io_regions).
    var regions: [(index: Int, type: UInt32, size: UInt64, is64Bit: Bool)] = []

    /// Realizes the device on `vfio` (the function after the kernel opened it), then applies the
    /// machine's first reset, as QEMU does before the guest runs.
    public init(vfio: VfioModel, options: QemuOptions) throws(WriteEmulationError) {
        self.vfio = vfio
        self.options = options
        let size = vfio.layout.bytes.count
        guestSize = options.bus.isExpress ? size : min(size, 0x100)
        config = vfio.guestBytes
        wmask = [UInt8](repeating: 0, count: size)
        w1cmask = [UInt8](repeating: 0, count: size)
        emulated = [UInt8](repeating: 0, count: size)
        interruptPin = config.count > 0x3D ? config[0x3D] : 0
        initializeMasks()
        try realize()
        if interruptPin != 0 {
            enableINTx()
            changes.append(.intxEnabled)
        }
        reset()
    }

    // MARK: - Reading

    /// The guest's view of `count` (1-4) bytes at `offset` (all ones past the bytes it can reach).
    public func guestValue(at offset: Int, count: Int) -> UInt32 {
        guard offset >= 0, count >= 1, count <= 4, offset + count <= config.count else { return 0 }
        guard offset + count <= guestSize else { return count == 4 ? 0xFFFF_FFFF : (1 << (8 * count)) - 1 }
        var value: UInt32 = 0
        for index in 0..<count { value |= UInt32(guestByte(offset + index)) << UInt32(8 * index) }
        return value
    }

    @inline(__always)
    func guestByte(_ offset: Int) -> UInt8 {
        let mask = emulated[offset]
        if mask == 0xFF { return config[offset] }
        return (config[offset] & mask) | (vfio.guestByte(offset) & ~mask)
    }

    /// The guest's whole reachable view.
    public var guestBytes: [UInt8] { (0..<guestSize).map { guestByte($0) } }

    /// The bits QEMU emulates among `count` bytes at `offset` (the rest come from vfio).
    public func emulatedMask(at offset: Int, count: Int) -> UInt32 {
        var mask: UInt32 = 0
        for index in 0..<count where offset + index >= 0 && offset + index < emulated.count {
            mask |= UInt32(emulated[offset + index]) << UInt32(8 * index)
        }
        return mask
    }

    // MARK: - Writing

    /// A guest write of `count` (1, 2 or 4) bytes: vfio first, then QEMU's copy and its hooks.
    /// Writes past the reachable bytes are dropped by the host bridge.
    public mutating func write(at offset: Int, count: Int, value: UInt32, into result: inout VfioWriteResult) {
        guard offset >= 0, count >= 1, count <= 4, offset + count <= guestSize else { return }
        vfio.write(at: offset, count: count, value: value, into: &result)
        let wasMSI = msiEnabled
        let wasMSIX = msixEnabled
        if let msi, Self.overlaps(offset, count, msi.offset, msi.size) {
            defaultWrite(at: offset, count: count, value: value)
            // vfio_update_msi when it stays enabled only refreshes routes.
            if !wasMSI && msiEnabled { enableMSI() } else if wasMSI && !msiEnabled { disableMSI() }
        } else if let msix, Self.overlaps(offset, count, msix, 12) {
            defaultWrite(at: offset, count: count, value: value)
            if !wasMSIX && msixEnabled { enableMSIX() } else if wasMSIX && !msixEnabled { disableMSIX() }
        } else {
            defaultWrite(at: offset, count: count, value: value)
        }
        let emulatedBits = emulatedMask(at: offset, count: count)
        result.bits.emulated |= emulatedBits
    }

    /// pci_default_write_config on QEMU's copy, with msi_write_config's clamp of Multiple
    /// Message Enable.
    mutating func defaultWrite(at offset: Int, count: Int, value: UInt32) {
        for index in 0..<count {
            let position = offset + index
            let byte = UInt8(truncatingIfNeeded: value >> UInt32(8 * index))
            config[position] = (config[position] & ~wmask[position]) | (byte & wmask[position])
            config[position] &= ~(byte & w1cmask[position])
        }
        guard let msi, Self.overlaps(offset, count, msi.offset, msi.size) else { return }
        var flags = word(msi.offset + 2)
        guard flags & 0x01 != 0 else { return }
        let enabled = (flags >> 4) & 7
        let capable = (flags >> 1) & 7
        if enabled > capable {
            flags = flags & ~0x70 | capable << 4
            setWord(msi.offset + 2, flags)
        }
    }

    var msiEnabled: Bool { msi.map { word($0.offset + 2) & 0x01 != 0 } ?? false }
    var msixEnabled: Bool { msix.map { config[$0 + 3] & 0x80 != 0 } ?? false }

    // QEMU's interrupt handling (vfio_intx_enable, vfio_msi_enable, vfio_msix_enable and their
    // disables), each a VFIO_DEVICE_SET_IRQS the kernel may refuse while another index is set up.

    /// vfio_disable_interrupts: MSI-X or MSI first (each falls back to INTx), then INTx.
    mutating func disableInterrupts() {
        switch interrupt {
        case .msix: disableMSIX()
        case .msi: disableMSI()
        case .none, .intx: break
        }
        if interrupt == .intx {
            vfio.releaseInterrupts(.intx)
            interrupt = .none
        }
    }

    /// vfio_intx_enable: only with a pin; QEMU's mode follows the kernel's answer.
    mutating func enableINTx() {
        guard interruptPin != 0 else { return }
        disableInterrupts()
        if vfio.requestInterrupts(.intx) { interrupt = .intx }
    }

    /// vfio_msi_enable with QEMU's allocated vectors (1 << Multiple Message Enable); a refusal
    /// falls back to INTx (vfio_msi_disable_common).
    mutating func enableMSI() {
        guard let msi else { return }
        disableInterrupts()
        let vectors = 1 << Int((word(msi.offset + 2) >> 4) & 7)
        if vfio.requestInterrupts(.msi(vectors: vectors)) {
            interrupt = .msi
        } else {
            interrupt = .none
            enableINTx()
        }
    }

    mutating func disableMSI() {
        vfio.releaseInterrupts(.msi)
        interrupt = .none
        enableINTx()
    }

    /// vfio_msix_enable: QEMU's mode is MSI-X whatever the kernel answers.
    mutating func enableMSIX() {
        disableInterrupts()
        interrupt = .msix
        _ = vfio.requestInterrupts(.msix)
    }

    mutating func disableMSIX() {
        vfio.releaseInterrupts(.msix)
        interrupt = .none
        enableINTx()
    }

    // MARK: - Reset

    /// vfio_pci_reset and the bus's reset of QEMU's copy (pci_do_device_reset), as at machine
    /// start: D0, the Command enables and INTx Disable cleared, VFIO_DEVICE_RESET (or a bus or
    /// PM reset), INTx again, BARs written 0 through vfio; QEMU's BARs, MSI and MSI-X cleared.
    public mutating func reset() {
        disableInterrupts()
        var ignored = VfioWriteResult()
        // vdev->pm_cap: the PM capability vfio_add_std_cap met (QEMU keeps every offset).
        if let pm = vfioCapabilities().first(where: { $0.id == CapabilityID.powerManagement.rawValue })?.offset {
            let control = guestValue(at: pm + 4, count: 2)
            if control & 3 != 0 { write(at: pm + 4, count: 2, value: control & ~3, into: &ignored) }
        }
        let command = guestValue(at: 0x04, count: 2) & ~0x0407
        write(at: 0x04, count: 2, value: command, into: &ignored)
        let method = vfio.resetDevice()
        changes.append(.startupReset(method: method))
        enableINTx()
        for index in 0..<6 { vfio.write(at: 0x10 + 4 * index, count: 4, value: 0, into: &ignored) }
        resetCopy()
    }

    /// pci_do_device_reset on QEMU's copy.
    private mutating func resetCopy() {
        for position in [0x04, 0x05, 0x06, 0x07, 0x3C] { config[position] &= ~(wmask[position] | w1cmask[position]) }
        config[0x0C] = 0
        for region in regions {
            setLong(0x10 + 4 * region.index, region.type)
            if region.is64Bit { setLong(0x14 + 4 * region.index, 0) }
        }
        if let rom = regions.firstIndex(where: { $0.index == 6 }) { setLong(0x30, regions[rom].type) }
        if let msi {
            var flags = word(msi.offset + 2)
            flags &= ~0x71
            setWord(msi.offset + 2, flags)
            let is64Bit = flags & 0x80 != 0
            setLong(msi.offset + 4, 0)
            if is64Bit { setLong(msi.offset + 8, 0) }
            setWord(msi.offset + (is64Bit ? 0x0C : 0x08), 0)
            if flags & 0x100 != 0 {
                setLong(msi.offset + (is64Bit ? 0x10 : 0x0C), 0)
                setLong(msi.offset + (is64Bit ? 0x14 : 0x10), 0)
            }
        }
        if let msix { config[msix + 3] &= ~wmask[msix + 3] }
    }

    // MARK: - Helpers

    static func overlaps(_ offset: Int, _ count: Int, _ start: Int, _ length: Int) -> Bool {
        offset < start + length && start < offset + count
    }

    // QEMU's copy through the shared little-endian helpers (ConfigSpace+LittleEndian).
    func word(_ offset: Int) -> UInt32 { UInt32(config.littleEndianValue(at: offset, count: 2)) }
    func long(_ offset: Int) -> UInt32 { UInt32(config.littleEndianValue(at: offset, count: 4)) }
    mutating func setWord(_ offset: Int, _ value: UInt32) {
        config.storeLittleEndian(UInt64(value), at: offset, count: 2)
    }
    mutating func setLong(_ offset: Int, _ value: UInt32) {
        config.storeLittleEndian(UInt64(value), at: offset, count: 4)
    }

    /// vfio_add_emulated_word/long: QEMU's value, read-only in its copy, emulated.
    mutating func emulate(_ offset: Int, count: Int, value: UInt32, mask: UInt32) {
        config.storeLittleEndian(UInt64(value), at: offset, count: count, mask: UInt64(mask))
        wmask.storeLittleEndian(0, at: offset, count: count, mask: UInt64(mask))
        emulated.storeLittleEndian(.max, at: offset, count: count, mask: UInt64(mask))
    }

}
