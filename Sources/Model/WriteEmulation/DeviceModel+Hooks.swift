// Registers whose writes do more than their masks: MSI Multiple Message Enable (PCI 3.0
// §6.8.1.3), PM PowerState (PCI PM 1.2 §5.4.1, PCIe §5.3.1.4), Initiate FLR (PCIe §6.6.2,
// §7.5.3.4; AF §7.8.x of the PCI AF ECN), SR-IOV VF Enable, NumVFs and System Page Size
// (SR-IOV 1.1 §3.3.3.1, §3.3.10, §3.3.13), PASID Control (PCIe §7.8.9.3), PRI Control,
// Status and Allocation (PCIe §10.5.2).

extension DeviceModel {
    mutating func run(_ hook: RegisterHook, _ write: HookedWrite, notes: inout [WriteNote]) {
        switch hook {
        case .unknownBARSize(let slot):
            notes.append(.barSizeUnknown(slot))
        case .msiControl(let base):
            guard write.covers(base + 2) else { return }
            let control = word(base + 2)
            let capable = min(Int(control >> 1) & 7, 5)
            let requested = Int(control >> 4) & 7
            if requested > capable {
                setWord(base + 2, control & ~0x70 | UInt16(capable) << 4)
                notes.append(.msiQueueSizeLimited(requested: requested, granted: capable))
            }
        case .powerManagementControl(let base):
            powerStateWritten(base: base, write, notes: &notes)
        case .expressDeviceControl(let base):
            guard write.writtenByte(base + 9) & 0x80 != 0 else { return }
            if dword(base + 4) & (1 << 28) != 0 {
                notes.append(.functionLevelReset(changedBits: resetFunction()))
            } else {
                notes.append(.functionLevelResetUnsupported)
            }
        case .advancedFeaturesControl(let base):
            guard write.writtenByte(base + 4) & 0x01 != 0 else { return }
            if byte(base + 3) & 0x02 != 0 {
                notes.append(.functionLevelReset(changedBits: resetFunction()))
            } else {
                notes.append(.functionLevelResetUnsupported)
            }
        case .sriovControl(let base):
            guard write.covers(base + 8) else { return }
            let wasEnabled = write.beforeByte(base + 8) & 1 != 0
            let isEnabled = byte(base + 8) & 1 != 0
            if wasEnabled != isEnabled {
                notes.append(.virtualFunctionsEnabled(isEnabled, numVFs: Int(word(base + 0x10))))
            }
        case .sriovNumVFs(let base):
            guard write.covers(base + 0x10) || write.covers(base + 0x11) else { return }
            var old = word(base + 0x10)
            for position in [base + 0x10, base + 0x11] where write.covers(position) {
                let shift = UInt16(8 * (position - base - 0x10))
                old = old & ~(0xFF << shift) | UInt16(write.beforeByte(position)) << shift
            }
            let requested = word(base + 0x10)
            let total = word(base + 0x0E)
            let enabled = byte(base + 8) & 1 != 0
            if requested != old && (enabled || requested > total) {
                setWord(base + 0x10, old)
                notes.append(.numVFsIgnored(requested: Int(requested), totalVFs: Int(total), vfEnabled: enabled))
            }
        case .sriovSystemPageSize(let base):
            let size = dword(base + 0x20)
            if size.nonzeroBitCount != 1 { notes.append(.systemPageSizeInvalid(size)) }
        case .pasidControl(let base):
            guard write.covers(base + 6) else { return }
            let written = write.writtenByte(base + 6)
            let unsupported = written & 0x06 & ~(byte(base + 4) & 0x06)
            if unsupported != 0 {
                notes.append(
                    .pasidFeatureUnsupported(mask: UInt32(unsupported) << UInt32(8 * (base + 6 - write.offset))))
            }
            if isVirtualFunction && written & 1 != 0 && write.beforeByte(base + 6) & 1 == 0 {
                notes.append(
                    .physicalFunctionCapability(.processAddressSpaceID, enabled: physicalFunction?.pasidEnabled))
            }
        case .priControl(let base):
            pageRequestControlWritten(base: base, write, notes: &notes)
        case .priAllocation(let base):
            let allocation = dword(base + 0x0C)
            let capacity = dword(base + 0x08)
            if allocation > capacity {
                notes.append(.pageRequestAllocationAboveCapacity(allocation: allocation, capacity: capacity))
            }
        }
    }

    /// PowerState: D0 and D3hot always, D1/D2 when PMC says so; from D3hot only to D0, from D2
    /// only to D0 or D3hot. D3hot to D0 with No_Soft_Reset clear resets the function.
    private mutating func powerStateWritten(base: Int, _ write: HookedWrite, notes: inout [WriteNote]) {
        guard write.covers(base + 4) else { return }
        let from = Int(write.beforeByte(base + 4) & 3)
        let requested = Int(byte(base + 4) & 3)
        guard requested != from else { return }
        let capabilities = word(base + 2)
        let supported = requested == 0 || requested == 3 || capabilities & (1 << (8 + requested)) != 0
        let allowed: Bool
        switch from {
        case 3: allowed = requested == 0
        case 2: allowed = requested == 0 || requested == 3
        default: allowed = true
        }
        guard supported && allowed else {
            setByte(base + 4, byte(base + 4) & ~3 | UInt8(from))
            notes.append(.powerStateIgnored(from: from, requested: requested))
            return
        }
        notes.append(.powerStateChanged(from: from, to: requested))
        if from == 3 && requested == 0 && byte(base + 4) & 0x08 == 0 {
            let changed = resetFunction()
            setByte(base + 4, byte(base + 4) & ~3)
            notes.append(.softReset(changedBits: changed))
        }
    }

    /// PRI Control: Enable 0→1 clears Stopped and the status flags; 1→0 sets Stopped (no
    /// requests are outstanding in a simulation). Reset acts only while Enable is clear.
    private mutating func pageRequestControlWritten(base: Int, _ write: HookedWrite, notes: inout [WriteNote]) {
        guard write.covers(base + 4) else { return }
        let written = write.writtenByte(base + 4)
        let wasEnabled = write.beforeByte(base + 4) & 1 != 0
        let isEnabled = byte(base + 4) & 1 != 0
        if !wasEnabled && isEnabled {
            setByte(base + 6, byte(base + 6) & ~0x03)
            setByte(base + 7, byte(base + 7) & ~0x01)
            notes.append(.pageRequestEnabled(true))
            if isVirtualFunction {
                notes.append(.physicalFunctionCapability(.pageRequest, enabled: physicalFunction?.pageRequestEnabled))
            }
        } else if wasEnabled && !isEnabled {
            setByte(base + 7, byte(base + 7) | 0x01)
            notes.append(.pageRequestEnabled(false))
        }
        if written & 0x02 != 0 {
            if isEnabled {
                notes.append(.pageRequestReset(performed: false))
            } else {
                setByte(base + 7, byte(base + 7) | 0x01)
                notes.append(.pageRequestReset(performed: true))
            }
        }
    }
}
