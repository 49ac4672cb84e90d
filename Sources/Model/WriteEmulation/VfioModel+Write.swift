// The write path of vfio_pci_config_rw: chunking (vfio_config_do_rw), the default write
// (vfio_default_config_write) and the handlers of the header, PM, PCI Express, AF and MSI
// (vfio_basic/pm/exp/af/msi_config_write), raw and virtual writes.

extension VfioModel {
    /// Applies a guest write of `count` (1, 2 or 4) bytes at `offset`, already checked to be
    /// aligned and inside the space.
    public mutating func write(at offset: Int, count: Int, value: UInt32, into result: inout VfioWriteResult) {
        guard offset >= 0, count >= 1, count <= 4, offset + count <= layout.bytes.count else { return }
        var position = offset
        var remaining = count
        var reportedReadOnly = false
        while remaining > 0 {
            // vfio_pci_cap_remaining_dword, then the largest aligned chunk that fits.
            let map = layout.bytes[position].map
            var run = 1
            while (position + run) % 4 != 0 && position + run < layout.bytes.count
                && layout.bytes[position + run].map == map
            {
                run += 1
            }
            run = min(run, remaining)
            let chunk = run >= 4 && position % 4 == 0 ? 4 : run >= 2 && position % 2 == 0 ? 2 : 1
            let shift = UInt32(8 * (position - offset))
            let chunkMask: UInt32 = chunk == 4 ? 0xFFFF_FFFF : (1 << UInt32(8 * chunk)) - 1
            let chunkValue = (value >> shift) & chunkMask
            let write = ChunkWrite(
                position: position, count: chunk, value: chunkValue, shift: shift, mask: chunkMask,
                capabilityOffset: position - Int(layout.bytes[position].capabilityStart))
            switch layout.bytes[position].handler {
            case .basic: basicWrite(write, into: &result)
            case .powerManagement: powerManagementWrite(write, into: &result)
            case .express: expressWrite(write, into: &result)
            case .advancedFeatures: advancedFeaturesWrite(write, into: &result)
            case .msi: msiWrite(write, into: &result)
            case .vpd: vpdWrite(write, into: &result)
            case .pcix, .errorReporting, .powerBudget: defaultWrite(write, into: &result)
            case .vendor: rawWrite(write, into: &result)
            case .directReadOnly:
                result.bits.dropped |= chunkMask << shift
                if !reportedReadOnly, case .capability(let kind, let at) = owner(at: position) {
                    result.notes.append(.capabilityReadOnly(kind, at: at))
                    reportedReadOnly = true
                }
            case .unassigned:
                if gaps == .drop {
                    result.bits.dropped |= chunkMask << shift
                    result.notes.append(.gapWriteDropped(ConfigRange(position, length: chunk)))
                } else {
                    rawWrite(write, into: &result)
                }
            case .virtual: virtualWrite(write, into: &result)
            }
            position += chunk
            remaining -= chunk
        }
    }

    /// One chunk: never crosses an owner or a dword.
    struct ChunkWrite {
        let position: Int
        let count: Int
        let value: UInt32
        /// Where the chunk sits in the access, in bits.
        let shift: UInt32
        let mask: UInt32
        /// The chunk's offset from its owner's start (vfio's `offset`).
        let capabilityOffset: Int
    }

    private func permissions(_ write: ChunkWrite) -> (virt: UInt32, write: UInt32) {
        var virt: UInt32 = 0
        var writable: UInt32 = 0
        for index in 0..<write.count {
            let rule = layout.bytes[write.position + index]
            virt |= UInt32(rule.virt) << UInt32(8 * index)
            writable |= UInt32(rule.write) << UInt32(8 * index)
        }
        return (virt, writable)
    }

    /// vfio_default_config_write: writable virtualized bits to the virtual copy, writable
    /// non-virtualized bits to the device as a read-modify-write of the whole chunk.
    mutating func defaultWrite(_ write: ChunkWrite, into result: inout VfioWriteResult) {
        let (virt, writable) = permissions(write)
        result.bits.dropped |= (~writable & write.mask) << write.shift
        guard writable != 0 else { return }
        let toVirtual = writable & virt
        let toDevice = writable & ~virt
        if toVirtual != 0 {
            virtualConfig.store(write.value, at: write.position, count: write.count, mask: toVirtual)
            result.bits.storedVirtually |= toVirtual << write.shift
        }
        if toDevice != 0 {
            let physical = device.value(at: write.position, count: write.count)
            let merged = (physical & ~toDevice) | (write.value & toDevice)
            deviceWrite(write, value: merged, guestBits: toDevice, into: &result)
        }
    }

    /// A write of the whole chunk to the device (vfio_raw_config_write, and the RMW above).
    /// `guestBits`: the bits whose value came from the guest.
    mutating func deviceWrite(_ write: ChunkWrite, value: UInt32, guestBits: UInt32, into result: inout VfioWriteResult)
    {
        let effect = device.write(at: write.position, count: write.count, value: value, notes: &result.notes)
        result.bits.forwarded |= guestBits << write.shift
        result.bits.taken |= (effect.taken & guestBits) << write.shift
        result.bits.cleared |= (effect.cleared & guestBits) << write.shift
        result.bits.actions |= (effect.actions & guestBits) << write.shift
        result.bits.dropped |= (effect.ignored & guestBits) << write.shift
        for index in 0..<write.count {
            result.deviceWriteBytes |= 1 << UInt8(write.shift / 8 + UInt32(index))
        }
        result.deviceWriteValue |= value << write.shift
        let sideCleared = effect.cleared & ~guestBits
        if sideCleared != 0 { result.notes.append(.readModifyWriteCleared(mask: sideCleared << write.shift)) }
    }

    mutating func rawWrite(_ write: ChunkWrite, into result: inout VfioWriteResult) {
        deviceWrite(write, value: write.value, guestBits: write.mask, into: &result)
    }

    /// A virtual capability: nothing reaches the device; its register rules apply in the
    /// virtual copy.
    mutating func virtualWrite(_ write: ChunkWrite, into result: inout VfioWriteResult) {
        let effect = virtualConfig.write(
            at: write.position, count: write.count, value: write.value, notes: &result.notes)
        result.bits.storedVirtually |= (effect.taken | effect.cleared | effect.actions) << write.shift
        result.bits.taken |= effect.taken << write.shift
        result.bits.cleared |= effect.cleared << write.shift
        result.bits.actions |= effect.actions << write.shift
        result.bits.dropped |= effect.ignored << write.shift
        if case .virtualCapability(let id, let at) = owner(at: write.position),
            !result.notes.contains(.virtualCapability(id, at: at))
        {
            result.notes.append(.virtualCapability(id, at: at))
        }
    }

    // MARK: - Handlers

    /// vfio_basic_config_write: BAR restore when the device lost its BARs, Command's MEM/IO
    /// tracking, INTx Disable emulation (the hardware bit follows on 2.3 devices), BAR sizing.
    mutating func basicWrite(_ write: ChunkWrite, into result: inout VfioWriteResult) {
        let offset = write.capabilityOffset
        if offset == 0x04 { restoreBARsIfLost(newCommand: write.value, into: &result) }
        defaultWrite(write, into: &result)
        if offset == 0x04 {
            let newCommand = UInt8(truncatingIfNeeded: write.value) & 0x03
            virtualConfig.store(UInt32(newCommand), at: 0x04, count: 1, mask: 0x03)
            // A VF has no Memory Space Enable (the device drops it), but vfio keeps the guest's
            // bit and shows it (no_command_memory): it is stored virtually, not lost.
            let memory: UInt32 = 0x02 & write.mask
            if layout.noCommandMemory && memory != 0 {
                result.bits.storedVirtually |= memory << write.shift
                result.bits.dropped &= ~(memory << write.shift)
            }
        }
        if offset == 0x04 || offset == 0x05 {
            let masked = virtualConfig.bytes[0x05] & 0x04 != 0
            if masked != isINTxMasked {
                isINTxMasked = masked
                result.notes.append(.intxDisableEmulated(masked))
                // vfio_pci_intx_mask/unmask: pci_intx() makes the device's bit follow.
                if supportsINTxMasking {
                    let command = device.value(at: 0x04, count: 2)
                    let wanted = masked ? command | 0x0400 : command & ~0x0400
                    if wanted != command { _ = device.write(at: 0x04, count: 2, value: wanted, notes: &result.notes) }
                }
            }
        }
        if (0x10..<0x28).contains(offset) || (0x30..<0x34).contains(offset) {
            let bars = layout.bars
            let rom = layout.rom
            virtualConfig.withBytes { VfioLayout.fixupBARs(&$0, bars: bars, rom: rom) }
        }
        // BARs of unknown size: vfio would size them; the simulation cannot.
        for bar in layout.bars + (layout.rom.map { [$0] } ?? []) where bar.size == nil {
            let count = bar.is64Bit ? 8 : 4
            if write.position < bar.offset + count && bar.offset < write.position + write.count {
                result.notes.append(.barSizeUnknown(bar.slot))
            }
        }
    }

    /// vfio_need_bar_restore and vfio_bar_restore (PFs): when the guest enables a space vfio
    /// thinks is enabled but the device shows disabled, or the device's BARs no longer hold
    /// what they held at open, the kernel writes them back (and INTx Disable for nointx).
    private mutating func restoreBARsIfLost(newCommand: UInt32, into result: inout VfioWriteResult) {
        let physical = device.value(at: 0x04, count: 2)
        let virtual = virtualConfig.value(at: 0x04, count: 2)
        let lostMemory =
            newCommand & 0x02 != 0 && virtual & 0x02 != 0 && physical & 0x02 == 0 && !layout.noCommandMemory
        let lostIO = newCommand & 0x01 != 0 && virtual & 0x01 != 0 && physical & 0x01 == 0
        let moved = (0..<6).contains {
            restoreBARs[$0] != 0 && device.value(at: 0x10 + 4 * $0, count: 4) != restoreBARs[$0]
        }
        guard lostMemory || lostIO || moved, !device.isVirtualFunction else { return }
        for (index, value) in restoreBARs.enumerated() {
            let position = index < 6 ? 0x10 + 4 * index : 0x30
            device.store(value, at: position, count: 4)
        }
        if hasNoINTx { device.store(device.value(at: 0x04, count: 2) | 0x0400, at: 0x04, count: 2) }
        result.notes.append(.barsRestored)
    }

    /// vfio_vpd_config_write: a write that covers the Address register's high byte starts the
    /// transfer; the kernel does it through its VPD interface (pci_read_vpd/pci_write_vpd) and
    /// toggles the F flag to signal completion. The VPD contents are not in config space: a
    /// simulated read returns 0.
    mutating func vpdWrite(_ write: ChunkWrite, into result: inout VfioWriteResult) {
        defaultWrite(write, into: &result)
        let offset = write.capabilityOffset
        guard offset <= 3 && offset + write.count > 3 else { return }
        let base = write.position - offset
        let address = virtualConfig.value(at: base + 2, count: 2)
        let isWrite = address & 0x8000 != 0
        if !isWrite { virtualConfig.store(0, at: base + 4, count: 4) }
        virtualConfig.store(address ^ 0x8000, at: base + 2, count: 2)
        result.notes.append(.vpdTransfer(write: isWrite, address: Int(address & 0x7FFF)))
    }

    /// vfio_pm_config_write: PowerState is trapped; the kernel sets it (pci_set_power_state).
    mutating func powerManagementWrite(_ write: ChunkWrite, into result: inout VfioWriteResult) {
        defaultWrite(write, into: &result)
        guard write.capabilityOffset == 4 else { return }
        let base = write.position - 4
        let requested = Int(write.value & 3)
        let control = device.value(at: base + 4, count: 2)
        let current = Int(control & 3)
        guard requested != current else { return }
        // vfio_pci_set_power_state: a PF with VFs enabled stays in D0.
        if requested > 0 && enabledVirtualFunctions > 0 {
            result.notes.append(.powerStateBusy(requested: requested))
            return
        }
        let capabilities = device.value(at: base + 2, count: 2)
        let supported = requested == 0 || requested == 3 || capabilities & (1 << UInt32(8 + requested)) != 0
        // pci_raw_set_power_state: D0 from anywhere; otherwise only deeper.
        guard supported && (requested == 0 || requested > current) else {
            result.notes.append(.powerStateIgnored(from: current, requested: requested))
            return
        }
        if layout.needsPowerRestore && current < 3 && requested == 3 { savedForD3 = device.bytes }
        _ = device.write(
            at: base + 4, count: 2, value: control & ~3 | UInt32(requested), notes: &result.notes)
        if layout.needsPowerRestore && current == 3 && requested == 0, let saved = savedForD3 {
            device.restore(saved)
            savedForD3 = nil
            result.notes.append(.powerStateRestored)
        }
    }

    /// vfio_exp_config_write: FLR (pci_try_reset_function when DEVCAP.FLR), MRRS pushed to the
    /// device floored at its MPS (pcie_set_readrq); MPS stays virtual.
    mutating func expressWrite(_ write: ChunkWrite, into result: inout VfioWriteResult) {
        let base = write.position - write.capabilityOffset
        let readRequestBefore = virtualConfig.value(at: base + 8, count: 2) & 0x7000
        defaultWrite(write, into: &result)
        var control = virtualConfig.value(at: base + 8, count: 2)
        if control & 0x8000 != 0 {
            control &= ~0x8000
            virtualConfig.store(control, at: base + 8, count: 2)
            if device.value(at: base + 4, count: 4) & (1 << 28) != 0 {
                wakeBeforeReset(into: &result)
                result.notes.append(.resetWithRestore(clearedBits: device.clearNonStickyStatus()))
            } else {
                result.notes.append(.functionLevelResetUnsupported)
            }
        }
        let readRequest = control & 0x7000
        if readRequest != readRequestBefore {
            let requested = 128 << Int(readRequest >> 12)
            let hardware = device.value(at: base + 8, count: 2)
            let payload = 128 << Int((hardware >> 5) & 7)
            let applied = max(requested, payload)
            if applied <= 4096 {
                let encoded = UInt32(applied.trailingZeroBitCount - 7)
                _ = device.write(
                    at: base + 8, count: 2, value: hardware & ~0x7000 | encoded << 12, notes: &result.notes)
            }
            result.notes.append(.maxReadRequestSet(requested: requested, applied: applied <= 4096 ? applied : nil))
        }
    }

    /// pci_dev_save_and_disable: the kernel puts the function in D0 before it saves the state
    /// a reset restores (a D3hot function without No_Soft_Reset resets on the way).
    mutating func wakeBeforeReset(into result: inout VfioWriteResult) {
        for owner in layout.owners {
            guard case .capability(.standard(.powerManagement), let at) = owner else { continue }
            let control = device.value(at: at.rawValue + 4, count: 2)
            if control & 3 != 0 {
                _ = device.write(at: at.rawValue + 4, count: 2, value: control & ~3, notes: &result.notes)
            }
            savedForD3 = nil
        }
    }

    /// vfio_af_config_write: Initiate FLR with FLR and TP capable.
    mutating func advancedFeaturesWrite(_ write: ChunkWrite, into result: inout VfioWriteResult) {
        let base = write.position - write.capabilityOffset
        defaultWrite(write, into: &result)
        // Checked reads: a capability near the end of the space is claimed only up to the end,
        // so AF Control (+4) or even AF Capabilities (+3) may lie outside it.
        let control = virtualConfig.byte(base + 4)
        guard control & 0x01 != 0 else { return }
        virtualConfig.store(UInt32(control & ~0x01), at: base + 4, count: 1)
        if device.byte(base + 3) & 0x03 == 0x03 {
            wakeBeforeReset(into: &result)
            result.notes.append(.resetWithRestore(clearedBits: device.clearNonStickyStatus()))
        } else {
            result.notes.append(.functionLevelResetUnsupported)
        }
    }

    /// vfio_msi_config_write: Enable is cleared unless the VMM set MSI up (VFIO_DEVICE_SET_IRQS),
    /// Multiple Message Enable is limited to msi_qmax (0 until then), and the flags go to the
    /// device too. Multiple Message Capable stays what the guest last wrote: Linux 6.1's
    /// vfio_msi_config_read refreshes it from msi_qmax at the capability's start (ID and Next,
    /// `vconfig[start]`) instead of at the flags, so the refresh never reaches the guest.
    mutating func msiWrite(_ write: ChunkWrite, into result: inout VfioWriteResult) {
        let offset = write.capabilityOffset
        let base = write.position - offset
        let maximum = interrupts.msiQueueMaximum
        defaultWrite(write, into: &result)
        guard offset <= 2 && offset + write.count >= 2 else { return }
        var flags = virtualConfig.value(at: base + 2, count: 2)
        if flags & 0x01 != 0 && !interrupts.isMSI {
            flags &= ~0x01
            result.notes.append(.msiEnableCleared)
        }
        let queueSize = Int(flags >> 4) & 7
        if queueSize > maximum {
            flags = flags & ~0x70 | UInt32(maximum) << 4
            result.notes.append(.msiQueueSizeLimited(requested: queueSize, granted: maximum))
        }
        virtualConfig.store(flags, at: base + 2, count: 2)
        _ = device.write(at: base + 2, count: 2, value: flags, notes: &result.notes)
    }

    /// How many VFs the device has enabled (pci_num_vf).
    private var enabledVirtualFunctions: Int {
        guard let sriov = sriovOffset else { return 0 }
        // Checked: an SR-IOV capability at the end of the space has no Control register in it.
        guard device.byte(sriov + 8) & 1 != 0 else { return 0 }
        return Int(device.value(at: sriov + 0x10, count: 2))
    }

    private var sriovOffset: Int? {
        for owner in layout.owners {
            if case .capability(.extended(.singleRootIOV), let at) = owner { return at.rawValue }
        }
        return nil
    }
}

extension DeviceModel {
    /// pci_restore_state: writes the saved values back, so RW bits return to them; RW1C bits
    /// written with 1 stay clear. Only registers are saved: bytes outside every structure keep
    /// what the reset left in them.
    mutating func restore(_ saved: [UInt8]) {
        guard saved.count == bytes.count else { return }
        for position in 0..<bytes.count {
            let rule = map.rules[position]
            let take = rule.take
            guard take != 0, rule.region != .gap, rule.region != .hiddenRegisterGap else { continue }
            setByte(position, (bytes[position] & ~take) | (saved[position] & take))
        }
    }
}
