import Model

/// One applied step of a simulation, with where its expression came from.
public struct SimulationStep: Sendable {
    public var record: WriteRecord
    /// The file, `-e #n`, or another label for the expression's origin.
    public var source: String
    public var line: Int
    public var column: Int
    /// The expression as written (one expression can give several steps: `=1,2,3`).
    public var expression: String

    public init(record: WriteRecord, source: String, line: Int, column: Int, expression: String) {
        self.record = record
        self.source = source
        self.line = line
        self.column = column
        self.expression = expression
    }

    /// The step of the program's access at `index`, which gave `record`.
    public init(record: WriteRecord, program: SetpciProgram, access index: Int) {
        let place = program.place(ofAccess: index)
        self.init(
            record: record, source: program.label(of: place), line: Int(place.line), column: Int(place.column),
            expression: program.text(of: place))
    }
}

/// The counts a simulation ends with: steps, reads (the rest are writes) and warnings.
public struct SimulationSummary: Hashable, Sendable {
    public var steps = 0
    public var reads = 0
    public var warnings = 0

    public init() {}

    /// The counts of `steps`.
    public init(_ steps: [SimulationStep]) {
        for step in steps { count(step.record) }
    }

    /// The writes: every step that is not a read.
    public var writes: Int { steps - reads }

    /// Counts one more step.
    public mutating func count(_ record: WriteRecord) {
        steps += 1
        if record.isRead { reads += 1 }
        if !record.notes.isEmpty { warnings += record.warnings.count }
    }
}

/// What the report says about the simulation as a whole.
public struct SimulationContext: Sendable {
    public var address: PCIAddress?
    public var title: String
    public var model: SimulationModel
    public var gaps: GapPolicy
    public var barSizes: BARSizes
    /// Where the BAR sizes came from ("sysfs", "--bar-size").
    public var barSizeSource: String?

    public init(
        address: PCIAddress?, title: String, model: SimulationModel, gaps: GapPolicy, barSizes: BARSizes,
        barSizeSource: String? = nil
    ) {
        self.address = address
        self.title = title
        self.model = model
        self.gaps = gaps
        self.barSizes = barSizes
        self.barSizeSource = barSizeSource
    }
}

/// The output of `cfgtui simulate`: setpci-style values for reads, a full trace, or JSON.
public enum SimulationReport {
    // MARK: - Plain output

    /// A read's value the way setpci prints it: hex, two digits per byte.
    public static func appendReadValue(_ record: WriteRecord, to buffer: inout OutputBuffer) {
        buffer.appendHex(UInt64(record.value), digits: 2 * record.access.width.byteCount)
        buffer.newline()
    }

    /// `source:line:column: expression: severity: message` for each note of a step at or
    /// above `minimum` severity.
    public static func appendNotes(
        _ step: SimulationStep, minimum: DiagnosticSeverity, to buffer: inout OutputBuffer
    ) {
        for note in step.record.notes where note.severity >= minimum {
            appendNote(note, source: step.source, line: step.line, column: step.column, to: &buffer) {
                $0.append(step.expression)
            }
        }
    }

    /// The same lines for the access at `index` of `program`, straight from the program's text:
    /// the plain `simulate` output, where a million warnings must not cost a String each.
    public static func appendNotes(
        of record: WriteRecord, program: SetpciProgram, access index: Int, minimum: DiagnosticSeverity,
        to buffer: inout OutputBuffer
    ) {
        let place = program.place(ofAccess: index)
        for note in record.notes where note.severity >= minimum {
            appendNote(
                note, source: program.label(of: place), line: Int(place.line), column: Int(place.column), to: &buffer
            ) { buffer in
                program.withText(of: place) { buffer.bytes.append(contentsOf: $0) }
            }
        }
    }

    /// `source:line:column: expression: severity: message`, the one layout of a note's line.
    private static func appendNote(
        _ note: WriteNote, source: String, line: Int, column: Int, to buffer: inout OutputBuffer,
        expression: (inout OutputBuffer) -> Void
    ) {
        buffer.append(source)
        buffer.append(0x3A)
        buffer.appendDecimal(line)
        buffer.append(0x3A)
        buffer.appendDecimal(column)
        buffer.append(": ")
        expression(&buffer)
        buffer.append(": ")
        buffer.append(DiagnosticText.severity(note.severity))
        buffer.append(": ")
        appendMessage(note, to: &buffer)
        buffer.newline()
    }

    static func location(_ step: SimulationStep) -> String {
        "\(step.source):\(step.line):\(step.column)"
    }

    // MARK: - Trace

    /// The trace's heading: the function, the model and what it knows before the first access.
    public static func appendHeader(
        _ context: SimulationContext, setup: [SimulationNote], to buffer: inout OutputBuffer
    ) {
        buffer.append("Simulating ")
        if let address = context.address {
            buffer.append(address.description)
            buffer.append(" ")
        }
        buffer.append(context.title)
        buffer.newline()
        buffer.append("  model: ")
        buffer.append(modelDescription(context.model))
        buffer.newline()
        buffer.append("  BAR sizes: ")
        let known = context.barSizes.known
        if known.isEmpty {
            buffer.append("none given")
        } else {
            buffer.append(
                known.map { "\(slotName($0.slot)) \($0.size == 0 ? "not implemented" : HexFormat.size($0.size))" }
                    .joined(separator: ", "))
            if let source = context.barSizeSource {
                buffer.append(" (")
                buffer.append(source)
                buffer.append(")")
            }
        }
        buffer.newline()
        for note in setup {
            buffer.append("  ")
            buffer.append(DiagnosticText.severity(note.severity))
            buffer.append(": ")
            buffer.append(message(note))
            buffer.newline()
        }
        buffer.newline()
    }

    /// One step in full: the access, the values, the bits, the changed fields and the notes.
    /// `analysis` (the guest's starting view) names the registers and fields.
    public static func appendStep(
        _ step: SimulationStep, model: SimulationModel, analysis: FunctionAnalysis, to buffer: inout OutputBuffer
    ) {
        let record = step.record
        let access = record.access
        let digits = 2 * access.width.byteCount
        buffer.append("[")
        buffer.appendDecimal(record.step + 1)
        buffer.append("] ")
        buffer.append(location(step))
        buffer.append("  ")
        buffer.append(step.expression)
        buffer.newline()
        buffer.append("    ")
        buffer.append(record.isRead ? "read  " : "write ")
        buffer.append(accessName(access))
        if let name = registerName(at: access.offset, in: analysis) {
            buffer.append(" (")
            buffer.append(name)
            buffer.append(")")
        }
        if record.isRead {
            buffer.append(" = ")
            buffer.appendHex(UInt64(record.value), digits: digits)
            if model.usesVfio && record.deviceBefore != record.value {
                buffer.append("  (device ")
                buffer.appendHex(UInt64(record.deviceBefore), digits: digits)
                buffer.append(")")
            }
            buffer.newline()
            return
        }
        buffer.append(" = ")
        buffer.appendHex(UInt64(record.value), digits: digits)
        if case .write(let requested, let mask) = access.operation, mask != access.width.valueMask {
            buffer.append("  (")
            buffer.appendHex(UInt64(requested), digits: digits)
            buffer.append(":")
            buffer.appendHex(UInt64(mask), digits: digits)
            buffer.append(" merged with the value read)")
        }
        buffer.newline()
        buffer.append("    guest  ")
        appendChange(record.guestBefore, record.guestAfter, digits: digits, to: &buffer)
        if model.usesVfio {
            buffer.append("    device ")
            appendChange(record.deviceBefore, record.deviceAfter, digits: digits, to: &buffer)
        }
        buffer.newline()
        buffer.append("    bits  ")
        appendBits(record.bits, model: model, digits: digits, to: &buffer)
        buffer.newline()
        if model.usesVfio && record.deviceWriteBytes != 0 {
            buffer.append("    device write: ")
            buffer.append(deviceWriteText(record, digits: digits))
            buffer.newline()
        }
        for change in fieldChanges(record, analysis: analysis) {
            buffer.append("    ")
            buffer.append(change.register)
            buffer.append(": ")
            buffer.append(change.field)
            buffer.append(" ")
            buffer.appendHexLiteral(change.before)
            buffer.append(" -> ")
            buffer.appendHexLiteral(change.after)
            buffer.newline()
        }
        for note in record.notes {
            buffer.append("    ")
            buffer.append(DiagnosticText.severity(note.severity))
            buffer.append(": ")
            buffer.append(message(note))
            buffer.newline()
        }
    }

    /// A summary line: `3 steps: 2 writes, 1 read, 0 warnings`.
    public static func appendSummary(_ summary: SimulationSummary, to buffer: inout OutputBuffer) {
        buffer.appendDecimal(summary.steps)
        buffer.append(summary.steps == 1 ? " step: " : " steps: ")
        buffer.appendDecimal(summary.writes)
        buffer.append(summary.writes == 1 ? " write, " : " writes, ")
        buffer.appendDecimal(summary.reads)
        buffer.append(summary.reads == 1 ? " read, " : " reads, ")
        buffer.appendDecimal(summary.warnings)
        buffer.append(summary.warnings == 1 ? " warning\n" : " warnings\n")
    }

    private static func appendChange(_ before: UInt32, _ after: UInt32, digits: Int, to buffer: inout OutputBuffer) {
        buffer.appendHex(UInt64(before), digits: digits)
        buffer.append(" -> ")
        buffer.appendHex(UInt64(after), digits: digits)
        buffer.append(before == after ? " (unchanged)" : "")
    }

    private static func appendBits(
        _ bits: WriteBits, model: SimulationModel, digits: Int, to buffer: inout OutputBuffer
    ) {
        var parts = [(String, UInt32)]()
        if model == .qemu { parts.append(("qemu", bits.emulated)) }
        if model.usesVfio { parts.append(("virtual", bits.storedVirtually)) }
        if model.usesVfio { parts.append(("forwarded", bits.forwarded)) }
        parts.append(("taken", bits.taken))
        parts.append(("cleared", bits.cleared))
        parts.append(("actions", bits.actions))
        parts.append(("dropped", bits.dropped))
        var first = true
        for (name, mask) in parts where mask != 0 || name == "dropped" || name == "taken" {
            if !first { buffer.append("  ") }
            first = false
            buffer.append(name)
            buffer.append(" ")
            if mask == 0 {
                buffer.append("-")
            } else {
                buffer.appendHex(UInt64(mask), digits: digits)
            }
        }
    }

    static func deviceWriteText(_ record: WriteRecord, digits: Int) -> String {
        var text = ""
        for index in 0..<record.access.width.byteCount {
            let byteIndex = record.access.width.byteCount - 1 - index
            if record.deviceWriteBytes & (1 << UInt8(byteIndex)) != 0 {
                text += HexFormat.byte(UInt8(truncatingIfNeeded: record.deviceWriteValue >> UInt32(8 * byteIndex)))
            } else {
                text += "--"
            }
        }
        return text
    }

    // MARK: - Names

    /// `0x088.W`.
    public static func accessName(_ access: ConfigAccess) -> String {
        HexFormat.literal(UInt64(access.offset), digits: 3) + "." + widthLetter(access.width)
    }

    static func widthLetter(_ width: AccessWidth) -> String {
        switch width {
        case .byte: "B"
        case .word: "W"
        case .dword: "L"
        }
    }

    /// The access as a setpci expression, for saving a session as a script (`0x088.W=2810`).
    public static func scriptLine(for access: ConfigAccess) -> String {
        var text = HexFormat.literal(UInt64(access.offset), digits: 2) + "." + widthLetter(access.width)
        if case .write(let value, let mask) = access.operation {
            text += "=" + HexFormat.literal(UInt64(value), digits: 2 * access.width.byteCount)
            if mask != access.width.valueMask {
                text += ":" + HexFormat.literal(UInt64(mask), digits: 2 * access.width.byteCount)
            }
        }
        return text
    }

    /// "Command", or "PCIe: Device Control" for capability registers.
    static func registerName(at offset: Int, in analysis: FunctionAnalysis) -> String? {
        guard let register = RegisterDecoder.register(at: offset, in: analysis) else { return nil }
        if case .capability(let index) = analysis.map.owner(at: offset), analysis.capabilities.indices.contains(index) {
            return analysis.capabilities[index].definition.abbreviation + ": " + register.spec.name
        }
        return register.spec.name
    }

    /// A changed field: its register, name and values.
    public struct FieldChange: Hashable, Sendable {
        public var register: String
        public var field: String
        public var before: UInt64
        public var after: UInt64
    }

    /// The fields whose value changed in the guest's view, for the registers the access covers.
    public static func fieldChanges(_ record: WriteRecord, analysis: FunctionAnalysis) -> [FieldChange] {
        guard record.guestBefore != record.guestAfter else { return [] }
        let access = record.access
        var changes = [FieldChange]()
        var seen = Set<Int>()
        for index in 0..<access.width.byteCount {
            let offset = access.offset + index
            guard let register = RegisterDecoder.register(at: offset, in: analysis), !register.spec.isOpaque,
                seen.insert(register.offset.rawValue).inserted
            else { continue }
            let start = register.offset.rawValue
            var before: UInt64 = 0
            var after: UInt64 = 0
            var covered: UInt64 = 0
            for byte in 0..<register.spec.width {
                let position = start + byte
                guard position >= access.offset, position < access.offset + access.width.byteCount else { continue }
                let shift = UInt32(8 * (position - access.offset))
                before |= UInt64((record.guestBefore >> shift) & 0xFF) << UInt64(8 * byte)
                after |= UInt64((record.guestAfter >> shift) & 0xFF) << UInt64(8 * byte)
                covered |= 0xFF << UInt64(8 * byte)
            }
            let name = registerName(at: start, in: analysis) ?? register.spec.name
            for field in register.spec.fields where field.mask & covered == field.mask {
                let old = field.value(in: before)
                let new = field.value(in: after)
                if old != new {
                    changes.append(FieldChange(register: name, field: field.name, before: old, after: new))
                }
            }
        }
        return changes
    }

    static func slotName(_ slot: BARSlot) -> String {
        switch slot {
        case .bar(let index): "BAR\(index)"
        case .expansionROM: "ROM"
        case .virtualFunctionBAR(let index): "VF BAR\(index)"
        }
    }

    static func capabilityName(_ kind: CapabilityKind) -> String {
        CapabilityCatalog.definition(for: kind).abbreviation
    }

    static func capabilityName(_ id: ExtendedCapabilityID) -> String {
        CapabilityCatalog.definition(for: .extended(id)).abbreviation
    }

    static func modelDescription(_ model: SimulationModel) -> String {
        switch model {
        case .vfio: "vfio (vfio-pci's config virtualization over a simulated copy of the device)"
        case .device: "device (the register attributes of a simulated copy)"
        case .qemu: "qemu (QEMU's vfio-pci layer over the vfio model)"
        }
    }

    /// `0x044`, or `-0x4` for a negative offset (errors carry offsets as given, not only valid ones).
    static func offsetLiteral(_ offset: Int) -> String {
        (offset < 0 ? "-" : "") + HexFormat.literal(UInt64(offset.magnitude), digits: 3)
    }

    /// A range that may lie anywhere (a plan's placement): `0xff8-0xfff` inside the space,
    /// otherwise its start and length, without computing an end that could overflow.
    static func spanText(_ range: ConfigRange) -> String {
        let start = range.start.rawValue
        if start >= 0 && start < ConfigSpace.extendedSize && range.length <= ConfigSpace.extendedSize {
            return HexFormat.range(range)
        }
        return offsetLiteral(start) + " (\(range.length) bytes)"
    }

    static func range(_ range: ConfigRange) -> String {
        range.length <= 1 ? HexFormat.literal(UInt64(range.start.rawValue), digits: 3) : HexFormat.range(range)
    }

    static func stateName(_ state: Int) -> String {
        ["D0", "D1", "D2", "D3hot"][max(0, min(3, state))]
    }

    // MARK: - Messages

    /// `message(note)` into the buffer; the notes a script can give on every line are written
    /// in place, the rest through their String.
    public static func appendMessage(_ note: WriteNote, to buffer: inout OutputBuffer) {
        switch note {
        case .reservedBitsWritten(let mask):
            buffer.append(
                "reserved bits written with a value they do not read (RsvdP) or with ones (RsvdZ): mask ")
            buffer.appendHexLiteral(UInt64(mask))
        case .pasidFeatureUnsupported(let mask):
            buffer.append(
                "Execute/Privileged Mode Enable written 1 without the matching Supported bit: they stay 0 (mask ")
            buffer.appendHexLiteral(UInt64(mask))
            buffer.append(0x29)
        default:
            buffer.append(message(note))
        }
    }

    /// The text of a note.
    public static func message(_ note: WriteNote) -> String {
        switch note {
        case .reservedBitsWritten, .pasidFeatureUnsupported:
            var buffer = OutputBuffer(capacity: 128)
            appendMessage(note, to: &buffer)
            return buffer.text
        case .gap(let span, let suspected):
            return "\(range(span)) lies outside every structure (a gap)"
                + (suspected ? "; the gap held non-zero bytes: suspected hidden registers" : "")
        case .possiblyCapability(let span, let capability):
            return
                "\(range(span)) may belong to the capability at \(HexFormat.literal(UInt64(capability.rawValue), digits: 3)), whose length is unknown"
        case .crossesRegisters(let offsets):
            return "the access spans several registers (at "
                + offsets.map { HexFormat.literal(UInt64($0.rawValue), digits: 3) }.joined(separator: ", ") + ")"
        case .noFieldLayout(let span):
            return "no field layout is catalogued for \(range(span)): the write is dropped"
        case .aliasedSpace(let span):
            return "\(range(span)) repeats the conventional space (aliased): the write is dropped"
        case .barSizeUnknown(let slot):
            let hint: String
            switch slot {
            case .bar(let index): hint = "\(index)"
            case .expansionROM: hint = "rom"
            case .virtualFunctionBAR(let index): hint = "vf\(index)"
            }
            return
                "\(slotName(slot))'s size is unknown, so sizing cannot be simulated: the write is dropped (give --bar-size \(hint)=SIZE)"
        case .msiQueueSizeLimited(let requested, let granted):
            return "Multiple Message Enable asked for \(1 << requested) vectors; limited to \(1 << granted)"
                + (granted == 0
                    ? " (vfio's msi_qmax is 0 until VFIO_DEVICE_SET_IRQS enables MSI)" : " (Multiple Message Capable)")
        case .powerStateIgnored(let from, let requested):
            return
                "PowerState \(stateName(from)) -> \(stateName(requested)) ignored: the state is not supported or the transition is not allowed"
        case .powerStateChanged(let from, let to):
            return "PowerState \(stateName(from)) -> \(stateName(to))"
        case .softReset(let changed):
            return
                "D3hot -> D0 with No_Soft_Reset clear: the function reset its non-sticky state (\(changed) bits changed)"
        case .functionLevelReset(let changed):
            return
                "Function Level Reset: non-sticky RW state back to the starting values, non-sticky status cleared (\(changed) bits changed)"
        case .functionLevelResetUnsupported:
            return "Initiate FLR written 1, but the function does not advertise FLR: nothing happens"
        case .numVFsIgnored(let requested, let total, let enabled):
            return "NumVFs \(requested) ignored: "
                + (enabled
                    ? "VF Enable is set (NumVFs may change only while it is clear)" : "above TotalVFs (\(total))")
        case .virtualFunctionsEnabled(let enabled, let count):
            return enabled
                ? "VF Enable set: \(count) VF\(count == 1 ? "" : "s")" : "VF Enable cleared: the VFs are gone"
        case .systemPageSizeInvalid(let value):
            return "System Page Size \(HexFormat.literal(UInt64(value))) must have exactly one supported page size set"
        case .physicalFunctionCapability(let id, let enabled):
            let name = capabilityName(id)
            switch enabled {
            case .some(true): return "\(name) enabled on a VF; its PF has \(name) enabled"
            case .some(false):
                return
                    "\(name) enabled on a VF, but its PF has \(name) disabled (Linux enables a VF's \(name) only with the PF's)"
            case .none:
                return
                    "\(name) enabled on a VF; whether its PF has \(name) enabled is unknown (the PF is not in the source)"
            }
        case .pageRequestEnabled(let enabled):
            return enabled
                ? "PRI enabled: Stopped and the status flags clear" : "PRI disabled: Stopped set (nothing outstanding)"
        case .pageRequestReset(let performed):
            return performed
                ? "PRI Reset: outstanding requests dropped, Stopped set"
                : "PRI Reset written 1 while Enable is set: undefined, nothing done"
        case .pageRequestAllocationAboveCapacity(let allocation, let capacity):
            return "Outstanding Page Request Allocation \(allocation) is above the capacity \(capacity)"
        case .readModifyWriteCleared(let mask):
            return
                "vfio's read-modify-write cleared RW1C bits the guest did not write: mask \(HexFormat.literal(UInt64(mask)))"
        case .hiddenCapability(let kind, let at):
            return
                "the bytes belong to \(capabilityName(kind)) at \(HexFormat.literal(UInt64(at.rawValue), digits: 3)), which vfio hides: they are unassigned (raw)"
        case .gapWriteDropped(let span):
            return "--gaps drop: the write to \(range(span)) is dropped"
        case .capabilityReadOnly(let kind, let at):
            return
                "vfio has no write handler for \(capabilityName(kind)) at \(HexFormat.literal(UInt64(at.rawValue), digits: 3)): the write is dropped"
        case .msiEnableCleared:
            return "MSI Enable cleared: vfio enables MSI through VFIO_DEVICE_SET_IRQS, not config writes"
        case .intxDisableEmulated(let masked):
            return
                "INTx Disable is emulated: vfio \(masked ? "masks" : "unmasks") the interrupt in the host (on a PCI 2.3 device the device's bit follows, pci_intx)"
        case .maxReadRequestSet(let requested, let applied):
            guard let applied else {
                return "Max_Read_Request_Size \(requested) bytes is not a valid size: pcie_set_readrq refuses it"
            }
            return
                "Max_Read_Request_Size \(requested) bytes: pcie_set_readrq sets \(applied) bytes on the device (floored at its Max_Payload_Size)"
        case .resetWithRestore(let cleared):
            return
                "FLR through pci_try_reset_function: the kernel saves and restores the function's state, so only non-sticky status changed (\(cleared) bits cleared)"
        case .powerStateBusy(let requested):
            return "PowerState \(stateName(requested)) refused: a PF with VFs enabled stays in D0 (EBUSY)"
        case .powerStateRestored:
            return "the kernel restored the state saved on entering D3hot"
        case .vpdTransfer(let write, let address):
            let kind = write ? "VPD write" : "VPD read"
            return
                "\(kind) at \(HexFormat.literal(UInt64(address), digits: 4)) through the kernel's VPD interface; F toggled to signal completion"
                + (write ? "" : " (the VPD contents are not in a config dump: Data reads 0)")
        case .barsRestored:
            return "the device's BARs had lost their values: vfio wrote back those saved at open (vfio_bar_restore)"
        case .virtualCapability(let id, let at):
            return
                "virtual \(capabilityName(id)) at \(HexFormat.literal(UInt64(at.rawValue), digits: 3)): nothing reaches the device"
        }
    }

    /// The text of a setup note.
    public static func message(_ note: SimulationNote) -> String {
        switch note {
        case .partialRead(let readable, let size):
            return "only \(readable) of \(size) bytes were read: accesses past them are refused"
        case .barSizesUnknown(let slots):
            return "sizes unknown for " + slots.map(slotName).joined(separator: ", ")
                + ": their writes are dropped (give --bar-size N=SIZE)"
        case .hiddenCapability(let kind, let at):
            return
                "vfio hides \(capabilityName(kind)) at \(HexFormat.literal(UInt64(at.rawValue), digits: 3)): unlinked from the guest's list, its bytes unassigned (raw)"
        case .placeholder(let kind, let at):
            return
                "vfio keeps \(capabilityName(kind)) at \(HexFormat.literal(UInt64(at.rawValue), digits: 3)) as a placeholder (ID and version 0) to anchor the extended list"
        case .virtualCapability(let id, let at, let length):
            return
                "virtual \(capabilityName(id)) at \(HexFormat.literal(UInt64(at.rawValue), digits: 3)) (\(length) bytes), linked into the guest's extended list"
        case .physicalFunctionUnknown:
            return
                "the function is a VF and its PF is not in the source: VF BAR types and the PF's PASID/PRI state are unknown"
        case .physicalFunctionCapability(let id, let enabled):
            return "the PF has \(capabilityName(id)) \(enabled ? "enabled" : "disabled")"
        case .gaps(let policy, let count, let withData):
            let treatment =
                policy == .passthrough
                ? "writes to them pass through and are stored" : "writes to them are dropped (--gaps drop)"
            return
                "\(count) gap\(count == 1 ? "" : "s") outside every structure, \(withData) with non-zero bytes: \(treatment)"
        case .vfioOpen(let step):
            return "vfio open: " + message(step)
        case .qemu(let change):
            return "qemu: " + QemuChangeText.message(change)
        }
    }

    /// The text of a step of vfio's open (vfio_pci_core_enable) or of the interrupt setup.
    public static func message(_ step: VfioOpenStep) -> String {
        switch step {
        case .poweredUp(let state):
            return
                "the device was in D\(state) (an idle vfio-pci device is runtime-suspended): back to D0, saved state restored"
        case .busMasterCleared:
            return "Bus Master Enable cleared (pci_clear_master)"
        case .enabled(let memory, let io):
            let spaces = [memory ? "Memory" : nil, io ? "I/O" : nil].compactMap { $0 }.joined(separator: " and ")
            return "\(spaces) Space Enable set for the BARs with resources (pci_enable_device)"
        case .reset(let method?, let cleared):
            return
                "function reset (\(method)) with state saved and restored: \(cleared) status bit\(cleared == 1 ? "" : "s") cleared"
        case .reset(nil, _):
            return "no FLR or PM reset in config space: only a bus reset could apply (not simulated)"
        case .intxDisableCleared:
            return "INTx Disable cleared on a PCI 2.3 device"
        case .intxMasked:
            return "broken INTx (vfio_pci_nointx): INTx Disable set in the device"
        case .interruptPinHidden(let virtualFunction):
            return virtualFunction
                ? "Interrupt Pin reads 0 (VFs have no INTx)" : "Interrupt Pin reads 0 (INTx masked for this device)"
        case .interrupts(let setup):
            switch setup {
            case .none:
                return
                    "no interrupts set up by the VMM yet (--irq none): MSI Enable does not stick and Multiple Message Enable is limited to 1 vector"
            case .intx: return "the VMM set up INTx (--irq intx)"
            case .msi(let vectors):
                return
                    "the VMM set up MSI with \(vectors) vector\(vectors == 1 ? "" : "s") (--irq msi:\(vectors)): enabled in the device"
            case .msix: return "the VMM set up MSI-X (--irq msix): enabled in the device"
            }
        }
    }

    /// `script.txt:3:9: message`, then the line it is on and a caret under the column.
    public static func message(_ error: SetpciProgramError) -> String {
        let place = error.error
        var message = "\(error.source.label):\(place.line):\(place.column): \(self.message(place.problem))"
        // Lines as the parser counts them: split at "\n" bytes (a "\r\n" is one Character, so
        // splitting the String would leave a CRLF script as one line), without the "\r".
        let lines = error.source.text.utf8.split(separator: 0x0A, omittingEmptySubsequences: false)
        if place.line >= 1 && place.line <= lines.count {
            var bytes = lines[place.line - 1]
            if bytes.last == 0x0D { bytes = bytes.dropLast() }
            let tabsAsSpaces = String(decoding: bytes, as: UTF8.self).unicodeScalars.map { $0 == "\t" ? " " : $0 }
            let line = String(String.UnicodeScalarView(tabsAsSpaces))
            message += "\n    \(line)\n    \(String(repeating: " ", count: max(0, place.column - 1)))^"
        }
        return message
    }

    /// The text of a setpci error (without its location).
    public static func message(_ problem: SetpciProblem) -> String {
        switch problem {
        case .expectedRegister(let found): return "expected a register name or a hex offset, found '\(found)'"
        case .malformedNumber(let text):
            return "'\(text)' is not a hexadecimal number (setpci numbers are hex) in range"
        case .offsetOutsideConfigSpace(let text):
            return "'\(text)' is outside the configuration space (offsets 0x000-0xfff)"
        case .unknownWidth(let text): return "unknown width '.\(text)': expected .B, .W or .L"
        case .unexpectedText(let text): return "unexpected '\(text)'"
        case .missingValue: return "missing value after '=' or ','"
        case .unknownRegister(let name): return "unknown register name '\(name)'"
        case .registerNotInLayout(let name, let layout):
            return "\(name) is not a register of \(FunctionText.layout(layout)) headers"
        case .unknownCapability(let name): return "unknown capability name '\(name)'"
        case .capabilityNotPresent(let name, let hidden):
            if let hidden {
                return
                    "the guest sees no \(name): vfio hides it (the device has it at \(HexFormat.literal(UInt64(hidden.rawValue), digits: 3)); use that offset)"
            }
            return "the function has no \(name) capability"
        case .capabilityListUnreadable(let name, let readable):
            return "cannot look for \(name): only \(readable) bytes of the function were read"
                + (readable <= 64 ? " (the capability lists need root to read)" : "")
        case .missingWidth(let offset):
            return
                "no width given and no register starts at \(offsetLiteral(offset)): add .B, .W or .L"
        case .valueTooWide(let value, let width):
            return "value \(HexFormat.literal(value)) does not fit \(width.byteCount * 8) bits"
        case .maskTooWide(let mask, let width):
            return "mask \(HexFormat.literal(mask)) does not fit \(width.byteCount * 8) bits"
        case .access(let error): return message(error)
        }
    }

    /// The text of a simulator error.
    public static func message(_ error: WriteEmulationError) -> String {
        switch error {
        case .misaligned(let offset, let width):
            return "\(offsetLiteral(offset)).\(widthLetter(width)) is not naturally aligned"
        case .outOfRange(let offset, let width, let size):
            return
                "\(offsetLiteral(offset)).\(widthLetter(width)) is outside the configuration space (\(size) bytes: 0x000-\(offsetLiteral(size - 1)))"
        case .unreadable(let offset, let width, let readable):
            return
                "\(offsetLiteral(offset)).\(widthLetter(width)) was not read from the source (only \(readable) bytes were)"
        case .inHole(let offset, let width, let hole):
            return
                "\(offsetLiteral(offset)).\(widthLetter(width)) was not read from the source (the dump leaves out \(HexFormat.range(hole)))"
        case .valueTooWide(let value, let width):
            return "value \(HexFormat.literal(UInt64(value))) does not fit \(width.byteCount * 8) bits"
        case .maskTooWide(let mask, let width):
            return "mask \(HexFormat.literal(UInt64(mask))) does not fit \(width.byteCount * 8) bits"
        case .headerUnreadable(let readable):
            return "only \(readable) bytes were read: the 64-byte header is needed to simulate"
        case .vfioNeedsEndpoint(let layout):
            return
                "vfio-pci binds only endpoint (type 0) functions, not \(FunctionText.layout(layout)) ones: use --model device"
        case .virtualCapabilityOutOfRange(let span):
            return
                "a virtual capability at \(spanText(span)) does not fit (dword-aligned, from 0x100, inside the space)"
        case .virtualCapabilityMisdescribed(let span, let id, let decodedID, let decodedLength):
            let claimed =
                "the virtual capability at \(HexFormat.range(span)) (ID \(HexFormat.literal(UInt64(id.rawValue), digits: 4)))"
            if let decodedID, decodedID != Int(id.rawValue) {
                return
                    "\(claimed) decodes as ID \(HexFormat.literal(UInt64(decodedID), digits: 4)): its header says another capability"
            }
            if let decodedLength {
                return "\(claimed) decodes as \(decodedLength) bytes: its own bytes give another length"
            }
            return "\(claimed) is not found where it was linked"
        case .virtualCapabilityOverlaps(let span, let existing):
            return
                "a virtual capability at \(spanText(span)) overlaps the structure at \(offsetLiteral(existing.rawValue))"
        case .virtualCapabilitiesNeedExtendedSpace:
            return "virtual capabilities need a 4096-byte (PCI Express) configuration space"
        case .guestListUnterminated(let last):
            return
                "the guest's extended capability list does not end cleanly after \(HexFormat.literal(UInt64(last.rawValue), digits: 3)): cannot link virtual capabilities"
        case .qemuExpressTypeUnsupported(let type):
            return
                "QEMU assigns only PCI Express Endpoints, Legacy Endpoints and RCiEPs (vfio_setup_pcie_cap), not Device/Port Type \(type)"
        case .qemuMSIVectorsInvalid(let at, let encoded):
            return
                "MSI at \(HexFormat.literal(UInt64(at.rawValue), digits: 3)) claims a reserved Multiple Message Capable (\(encoded)): QEMU's msi_init takes at most 32 vectors"
        }
    }
}
