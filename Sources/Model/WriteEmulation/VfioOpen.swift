// What happens to a function between the user's dump and the guest's first read: the kernel
// opening it for vfio (vfio_pci_core_enable in Linux 6.1 drivers/vfio/pci/vfio_pci_core.c),
// and the interrupts the VMM sets up afterwards (VFIO_DEVICE_SET_IRQS, vfio_pci_intrs.c).

/// The VMM's interrupt setup through VFIO_DEVICE_SET_IRQS, an input of the vfio model.
public enum VfioInterrupts: Hashable, Sendable {
    /// None set up yet: what a guest sees before the VMM enables interrupts (the default).
    case none
    /// INTx (vfio_intx_enable).
    case intx
    /// MSI with this many vectors (vfio_msi_enable: msi_qmax = log2 of the vectors rounded up).
    case msi(vectors: Int)
    /// MSI-X.
    case msix

    /// vfio's `msi_qmax`: the largest Multiple Message Enable vfio passes to the device.
    var msiQueueMaximum: Int {
        guard case .msi(let vectors) = self, vectors > 1 else { return 0 }
        return min(5, Int.bitWidth - (vectors - 1).leadingZeroBitCount)
    }

    /// vfio's irq index (VFIO_PCI_INTX/MSI/MSIX_IRQ_INDEX), or none.
    enum Index { case none, intx, msi, msix }

    var index: Index {
        switch self {
        case .none: .none
        case .intx: .intx
        case .msi: .msi
        case .msix: .msix
        }
    }

    /// vfio's irq_type is MSI: MSI Enable written by the guest sticks.
    var isMSI: Bool {
        if case .msi = self { return true }
        return false
    }
}

/// One thing the kernel did to the device while opening it for vfio, before the guest's first
/// read (a setup note of the simulation).
public enum VfioOpenStep: Hashable, Sendable {
    /// pm_runtime_resume_and_get: an idle vfio-pci device is runtime-suspended in D3hot; it
    /// returns to D0 with its saved state restored.
    case poweredUp(from: Int)
    /// pci_clear_master: Bus Master Enable cleared.
    case busMasterCleared
    /// pci_enable_device: Memory and I/O Space Enable set for the BARs that have resources.
    case enabled(memory: Bool, io: Bool)
    /// pci_try_reset_function with save and restore: the method, and how many status bits it
    /// cleared; nil when the function has no reset the dump shows (a bus reset may still apply).
    case reset(method: String?, clearedBits: Int)
    /// pci_2_3 devices: INTx Disable cleared at open.
    case intxDisableCleared
    /// vfio_pci_nointx devices: INTx Disable set in hardware, Interrupt Pin reads 0.
    case intxMasked
    /// The Interrupt Pin the guest reads is 0 (VF, or a nointx device).
    case interruptPinHidden(virtualFunction: Bool)
    /// The interrupt setup the model applies.
    case interrupts(VfioInterrupts)
}

extension VfioModel {
    /// Intel i40e (XL710/X710/XXV710) and X550 device IDs whose INTx is broken
    /// (vfio_pci_nointx): vfio masks INTx in hardware and hides the pin.
    static func hasBrokenINTx(vendorID: UInt16, deviceID: UInt16) -> Bool {
        guard vendorID == 0x8086 else { return false }
        switch deviceID {
        case 0x1572, 0x1574, 0x1580...0x1581, 0x1583...0x158B, 0x37D0...0x37D2, 0x1563: return true
        default: return false
        }
    }

    /// Applies vfio_pci_core_enable to the device as the user dumped it: D0, Bus Master off,
    /// the device enabled, a function reset with state saved and restored, INTx Disable for
    /// 2.3 devices cleared (or set for nointx ones). Returns what was done, in order.
    static func open(
        _ device: inout DeviceModel, analysis: FunctionAnalysis, barSizes: BARSizes, noINTx: Bool
    ) -> [VfioOpenStep] {
        var steps = [VfioOpenStep]()
        var ignored = [WriteNote]()
        let pm = analysis.capability(.standard(.powerManagement))?.offset.rawValue
        if let pm {
            let control = device.value(at: pm + 4, count: 2)
            if control & 3 != 0 {
                device.store(control & ~3, at: pm + 4, count: 2)
                steps.append(.poweredUp(from: Int(control & 3)))
            }
        }
        var command = device.value(at: 0x04, count: 2)
        if command & 0x04 != 0 {
            command &= ~0x04
            _ = device.write(at: 0x04, count: 2, value: command, notes: &ignored)
            steps.append(.busMasterCleared)
        }
        // pci_enable_resources: the space enables for the BARs with a resource (a known size,
        // or without sizes an assigned address).
        var memory = false
        var io = false
        var index = 0
        while index < 6 {
            let raw = device.value(at: 0x10 + 4 * index, count: 4)
            let isIO = raw & 1 == 1
            let is64Bit = !isIO && (raw >> 1) & 3 == 2
            let assigned: Bool
            if let size = barSizes[.bar(index)] {
                assigned = size > 0
            } else {
                assigned = raw & (isIO ? ~3 : ~0xF) != 0
            }
            if assigned && isIO { io = true }
            if assigned && !isIO { memory = true }
            index += is64Bit ? 2 : 1
        }
        let enables: UInt32 = (memory ? 0x02 : 0) | (io ? 0x01 : 0)
        if enables & ~command != 0 {
            command |= enables
            _ = device.write(at: 0x04, count: 2, value: command, notes: &ignored)
        }
        if memory || io { steps.append(.enabled(memory: memory, io: io)) }

        steps.append(.reset(method: resetMethod(device, analysis: analysis), clearedBits: 0))
        if case .reset(let method?, _) = steps.last {
            steps[steps.count - 1] = .reset(method: method, clearedBits: device.clearNonStickyStatus())
        }

        // pci_intx_mask_supported: INTx Disable is writable (PCI 2.3).
        let intxDisable: UInt32 = 0x0400
        command = device.value(at: 0x04, count: 2)
        if noINTx {
            if command & intxDisable == 0 {
                _ = device.write(at: 0x04, count: 2, value: command | intxDisable, notes: &ignored)
            }
            steps.append(.intxMasked)
        } else if command & intxDisable != 0 && device.map.rules[0x05].take & 0x04 != 0 {
            _ = device.write(at: 0x04, count: 2, value: command & ~intxDisable, notes: &ignored)
            steps.append(.intxDisableCleared)
        }
        return steps
    }

    /// pci_reset_function's methods in order, as far as the config space shows them: FLR,
    /// Advanced Features FLR, a PM reset (D3hot and back without No_Soft_Reset).
    static func resetMethod(_ device: DeviceModel, analysis: FunctionAnalysis) -> String? {
        if let express = analysis.capability(.standard(.pciExpress)),
            device.value(at: express.offset.rawValue + 4, count: 4) & (1 << 28) != 0
        {
            return "FLR"
        }
        if let features = analysis.capability(.standard(.advancedFeatures)),
            device.byte(features.offset.rawValue + 3) & 0x03 == 0x03
        {
            return "AF FLR"
        }
        if let pm = analysis.capability(.standard(.powerManagement)),
            device.value(at: pm.offset.rawValue + 4, count: 2) & 0x08 == 0
        {
            return "PM reset"
        }
        return nil
    }
}
