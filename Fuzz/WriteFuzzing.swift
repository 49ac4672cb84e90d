import Model
import Views

/// `cfgtui simulate --model device|vfio|qemu` on a random space and a random access sequence.
///
/// Input: 16 parameter bytes (flags, interrupts, QEMU's options, BAR sizes, a virtual
/// region), the space as a `FuzzInput` run, then accesses of 7 or 11 bytes each (kind, 16-bit
/// offset, value, and a mask when the kind says so).
///
/// Checked beyond "no trap", for every access: it is refused exactly when
/// `ConfigAccess.problem` says it must be, with that error; a record's values are what the
/// simulator reads before and after (`guestBefore`, `guestAfter`, `deviceAfter`); a write's
/// value is the masked merge; the record's bits stay inside the access's width; the spaces
/// keep their size; and each step renders as `--trace` and `--json` print it.
enum WriteFuzzing {
    /// Accesses per input, at most.
    static let accessLimit = 256
    /// Accesses per input that are also rendered as `--trace` and `--json` steps.
    static let renderedLimit = 16

    static func run(_ bytes: [UInt8], model: SimulationModel) {
        var input = FuzzInput(bytes)
        let flags = input.byte()
        let interruptByte = input.byte()
        let qemuFlags = input.byte()
        let pasidOffset = Int(input.word())
        var sizes = [BARSlot: UInt64]()
        for index in 0..<6 {
            let log = input.byte()
            guard log != 0 else { continue }
            let slot: BARSlot = log & 0x80 != 0 ? .virtualFunctionBAR(index) : .bar(index)
            sizes[slot] = UInt64(1) << UInt64(log & 0x3F)
        }
        let regionOffset = Int(input.word())
        let regionLength = Int(input.byte() & 0x3F) * 4
        let space = ConfigSpace(bytes: input.run(limit: ConfigSpace.extendedSize))

        let isVirtualFunction = flags & 0x01 != 0
        let interrupts: VfioInterrupts
        switch (flags >> 5) & 3 {
        case 0: interrupts = .none
        case 1: interrupts = .intx
        case 2: interrupts = .msi(vectors: Int(interruptByte & 0x3F))
        default: interrupts = .msix
        }
        let bus = QemuGuestBus.allCases[Int(interruptByte >> 6) % QemuGuestBus.allCases.count]
        var qemu = QemuOptions(
            bus: bus, romBAR: qemuFlags & 0x01 == 0, multifunction: qemuFlags & 0x02 != 0,
            msixRelocation: qemuFlags & 0x08 != 0 ? Int(qemuFlags >> 5) : nil)
        if qemuFlags & 0x10 != 0 {
            qemu.vendorID = 0x8086
            qemu.deviceID = UInt16(pasidOffset)
        }
        if qemuFlags & 0x04 != 0 {
            qemu.virtualPASID = QemuVirtualPASID(offset: pasidOffset & 0x1FFF, host: space)
        }
        var regions = [VirtualRegion]()
        if flags & 0x10 != 0, regionLength >= 4 {
            regions.append(
                VirtualRegion(
                    id: .processAddressSpaceID, version: 1, offset: ConfigOffset(regionOffset & 0x1FFF),
                    body: [UInt8](repeating: 0, count: regionLength - 4)))
        }
        let options = SimulationOptions(
            model: model, gaps: flags & 0x02 != 0 ? .drop : .passthrough, barSizes: BARSizes(sizes),
            virtualCapabilities: regions, physicalFunction: flags & 0x04 != 0 ? FuzzSeeds.demoPhysicalFunction : nil,
            interrupts: interrupts, qemu: qemu)

        var emulator: WriteEmulator
        do throws(WriteEmulationError) {
            emulator = try WriteEmulator(
                function: SimulatedFunction(space: space, isVirtualFunction: isVirtualFunction), options: options)
        } catch {
            if space.readableLength < ConfigSpace.headerLength {
                FuzzFailure.check(
                    error == .headerUnreadable(readable: space.readableLength), "a short header refused with \(error)")
            }
            _ = SimulationReport.message(error)
            return
        }
        let size = emulator.size
        let guestSize = emulator.guestSpace.size
        let deviceSize = emulator.deviceSpace.size
        var text = OutputBuffer()
        for note in emulator.setupNotes { text.append(SimulationReport.message(note)) }

        var count = 0
        while input.remaining > 0 && count < accessLimit {
            count += 1
            let access = readAccess(&input)
            // The first accesses also render (the trace costs more than the step).
            apply(access, to: &emulator, rendering: count <= renderedLimit)
            FuzzFailure.check(emulator.size == size, "size \(size) became \(emulator.size)")
        }
        // Whole spaces cost 4096 lookups each: compared once, after the sequence.
        FuzzFailure.check(
            emulator.guestSpace.size == guestSize && emulator.deviceSpace.size == deviceSize,
            "the guest or device space changed size")
    }

    /// One access: kind byte (bits 0-1 the width, bit 6 a mask follows, bit 7 a read), 16-bit
    /// offset (bit 15 makes it negative), 32-bit value, 32-bit mask.
    static func readAccess(_ input: inout FuzzInput) -> ConfigAccess {
        let kind = input.byte()
        let width = [AccessWidth.byte, .word, .dword, .dword][Int(kind & 3)]
        let raw = Int(input.word())
        let offset = raw & 0x8000 != 0 ? -(raw & 0x7FFF) : raw
        let value = input.dword()
        if kind & 0x80 != 0 { return .read(offset, width) }
        let mask = kind & 0x40 != 0 ? input.dword() : width.valueMask
        return ConfigAccess(offset: offset, width: width, operation: .write(value, mask: mask))
    }

    static func apply(_ access: ConfigAccess, to emulator: inout WriteEmulator, rendering: Bool) {
        let expected = access.problem(size: emulator.size, readable: emulator.accessibleLength)
        let count = access.width.byteCount
        let before = emulator.guestValue(at: access.offset, count: count)
        let record: WriteRecord
        do throws(WriteEmulationError) {
            record = try emulator.apply(access)
        } catch {
            FuzzFailure.check(
                error == expected, "\(access) refused with \(error), expected \(String(describing: expected))")
            return
        }
        FuzzFailure.check(expected == nil, "\(access) applied, but \(String(describing: expected)) was expected")
        FuzzFailure.check(record.guestBefore == before, "\(access): guestBefore \(record.guestBefore), read \(before)")
        let after = emulator.guestValue(at: access.offset, count: count)
        FuzzFailure.check(record.guestAfter == after, "\(access): guestAfter \(record.guestAfter), read \(after)")
        let device = emulator.deviceValue(at: access.offset, count: count)
        FuzzFailure.check(
            record.deviceAfter == device, "\(access): deviceAfter \(record.deviceAfter), device \(device)")
        let widthMask = access.width.valueMask
        let bits = record.bits
        for mask in [bits.storedVirtually, bits.forwarded, bits.taken, bits.cleared, bits.actions, bits.dropped] {
            FuzzFailure.check(mask & ~widthMask == 0, "\(access): bits \(mask) outside the width")
        }
        FuzzFailure.check(
            record.deviceWriteBytes & ~UInt8((1 << count) - 1) == 0, "\(access): device bytes outside the width")
        if case .write(let value, let mask) = access.operation {
            FuzzFailure.check(
                record.value == (record.guestBefore & ~mask) | (value & mask), "\(access): not the masked merge")
        } else {
            FuzzFailure.check(record.value == record.guestBefore, "\(access): read value \(record.value)")
        }
        guard rendering else { return }
        let step = SimulationStep(record: record, source: "fuzz", line: 1, column: 1, expression: "")
        var trace = OutputBuffer()
        SimulationReport.appendStep(step, model: emulator.options.model, analysis: emulator.guestAnalysis, to: &trace)
        SimulationReport.appendJSONStep(
            step, model: emulator.options.model, analysis: emulator.guestAnalysis, to: &trace)
    }
}
