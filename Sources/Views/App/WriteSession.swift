import Model

/// The explorer's write simulator: guest config accesses applied to a simulated copy of the
/// selected function (nothing reaches the device), with undo, redo and reset.
///
/// While it is on, the map, chain and fields show the guest's view (or, toggled, the simulated
/// device), bytes that differ from the start are highlighted, and the trace pane lists every
/// access with its effect. The accesses are the same `WriteEmulator` steps `cfgtui simulate`
/// runs, so a saved session replays there identically.
public struct WriteSession: Sendable {
    /// Index of the simulated function in the function list.
    public let targetIndex: Int
    public private(set) var model: SimulationModel
    public private(set) var history: SimulationHistory
    /// The expression each record came from (parallel to `history.records`).
    public private(set) var expressions: [String]
    /// Whether the views show the simulated device rather than the guest's view.
    public private(set) var showsDevice = false
    /// The virtual capabilities from the placement overlay's plan, if it was on.
    public let virtualCapabilities: [VirtualRegion]
    /// Why the vfio model could not be used, when the session fell back to the device model.
    public private(set) var fallback: String?
    /// What the views show: the current guest (or device) space laid out.
    public private(set) var display: SelectedFunction
    /// Bytes of the shown space that differ from its start.
    public private(set) var changed: Set<Int> = []
    /// The trace row selected in the trace pane (a record index).
    public var traceSelection = 0

    /// BAR sizes for the sizing probe (from sysfs on this host; unknown for dumps).
    public let barSizes: BARSizes
    private let function: PCIFunction
    private let physicalFunction: PCIFunction?
    private var foldZeroRows: Bool
    /// QEMU's options for the qemu model.
    public let qemu: QemuOptions

    /// Starts a session on `functions[targetIndex]`. vfio needs a type 0 header: for bridges the
    /// device model is used and `fallback` says why.
    public init(
        targetIndex: Int, functions: [PCIFunction], model: SimulationModel, virtualCapabilities: [VirtualRegion],
        barSizes: BARSizes = BARSizes(), foldZeroRows: Bool, qemu: QemuOptions = QemuOptions(),
        qemuPASIDWidth: Int? = nil
    ) throws(WriteEmulationError) {
        self.targetIndex = targetIndex
        let function = functions[targetIndex]
        self.function = function
        self.physicalFunction = function.physicalFunction(in: functions)
        self.foldZeroRows = foldZeroRows
        var qemu = qemu
        if let pasid = qemu.virtualPASID {
            qemu.virtualPASID = QemuVirtualPASID(
                offset: pasid.offset, host: physicalFunction?.space ?? function.space, width: qemuPASIDWidth)
        }
        self.qemu = qemu
        self.virtualCapabilities = virtualCapabilities
        self.barSizes = barSizes
        var chosen = model
        var emulator: WriteEmulator
        do {
            emulator = try Self.emulator(function, physicalFunction, model, virtualCapabilities, barSizes, qemu)
        } catch .vfioNeedsEndpoint(let layout) {
            fallback = "vfio-pci binds only endpoints, not \(FunctionText.layout(layout)) functions: device model"
            chosen = .device
            emulator = try Self.emulator(function, physicalFunction, .device, [], barSizes, qemu)
        }
        self.model = chosen
        history = SimulationHistory(emulator)
        expressions = []
        display = SelectedFunction(functionIndex: targetIndex, function: function, foldZeroRows: foldZeroRows)
        refresh()
    }

    private static func emulator(
        _ function: PCIFunction, _ physicalFunction: PCIFunction?, _ model: SimulationModel,
        _ virtualCapabilities: [VirtualRegion], _ barSizes: BARSizes, _ qemu: QemuOptions
    ) throws(WriteEmulationError) -> WriteEmulator {
        try WriteEmulator(
            function: SimulatedFunction(function),
            options: SimulationOptions(
                model: model, barSizes: barSizes, virtualCapabilities: model == .vfio ? virtualCapabilities : [],
                physicalFunction: physicalFunction?.space, qemu: qemu))
    }

    /// The emulator now.
    public var current: WriteEmulator { history.current }

    /// The records applied so far (undone ones excluded).
    public var applied: ArraySlice<WriteRecord> { history.applied }

    /// Applies a line of setpci expressions (`COMMAND.W=0x0406`, `CAP_EXP+8.W=0x20:0xe0`,
    /// `0x44.L`). Nothing is applied when any part fails; the error names the column.
    public mutating func apply(_ text: String, label: String? = nil) -> String? {
        let trimmed = text.trimmingCharactersInSpaces()
        guard !trimmed.isEmpty else { return "type a setpci expression, e.g. COMMAND.W=0x0406" }
        let parsed: [SetpciExpression]
        do {
            parsed = try SetpciExpression.parseExpression(trimmed)
        } catch {
            return "column \(error.column): " + SimulationReport.message(error.problem)
        }
        guard !parsed.isEmpty else { return "nothing to do: only a comment" }
        var trial = history
        var labels = [String]()
        for expression in parsed {
            let accesses: [ConfigAccess]
            do {
                accesses = try trial.current.resolver.accesses(for: expression)
            } catch {
                return "column \(error.column): " + SimulationReport.message(error.problem)
            }
            for access in accesses {
                do {
                    try trial.apply(access)
                } catch {
                    return expression.text + ": " + SimulationReport.message(error)
                }
                labels.append(label ?? expression.text)
            }
        }
        // The history dropped any undone records when the first access was applied.
        expressions = Array(expressions.prefix(history.position)) + labels
        history = trial
        traceSelection = max(0, history.position - 1)
        refresh()
        return nil
    }

    /// A write of `value` to one field of a register (the other bits keep their value: a masked
    /// write, as setpci's `=VALUE:MASK`). Registers wider than a dword are written through the
    /// dword that holds the field.
    public mutating func writeField(_ field: RegisterField, of register: DecodedRegister, value: UInt64) -> String? {
        let maximum: UInt64 = field.bitCount >= 64 ? .max : (1 << UInt64(field.bitCount)) - 1
        guard value <= maximum else {
            return "\(field.name) is \(field.bitCount) bit\(field.bitCount == 1 ? "" : "s") wide: "
                + HexFormat.literal(value, digits: 1) + " does not fit"
        }
        var offset = register.offset.rawValue
        var lowBit = field.lowBit
        var width = register.spec.width
        if width > 4 {
            offset += (lowBit / 32) * 4
            lowBit %= 32
            width = 4
            guard lowBit + field.bitCount <= 32 else {
                return "\(field.name) crosses a dword boundary: write the two dwords with expressions (:)"
            }
        }
        let accessWidth: AccessWidth
        switch width {
        case 1: accessWidth = .byte
        case 2: accessWidth = .word
        case 4: accessWidth = .dword
        default: return "registers \(width) bytes wide cannot be written in one access"
        }
        let mask = UInt32(truncatingIfNeeded: maximum << UInt64(lowBit)) & accessWidth.valueMask
        let shifted = UInt32(truncatingIfNeeded: value << UInt64(lowBit)) & mask
        var access = ConfigAccess.write(offset, accessWidth, shifted, mask: mask)
        // setpci's masked write writes back what it read outside the mask, and a 1 written to an
        // RW1C bit clears it: editing one field must not clear the register's other status bits,
        // so those are written as 0 (a full write, which the script records as such).
        let firstBit = (offset - register.offset.rawValue) * 8
        var otherRW1C: UInt32 = 0
        for other in register.spec.fields where other != field {
            guard other.access == .writeOneToClear || other.access == .writeOneToClearSticky else { continue }
            for bit in other.lowBit..<(other.lowBit + other.bitCount) {
                let relative = bit - firstBit
                if relative >= 0 && relative < 8 * width { otherRW1C |= 1 << UInt32(relative) }
            }
        }
        let current = history.current.guestValue(at: offset, count: width)
        if current & otherRW1C != 0 {
            access = .write(offset, accessWidth, (current & ~mask & ~otherRW1C) | shifted)
        }
        return apply(
            SimulationReport.scriptLine(for: access),
            label: register.spec.name + ": " + field.name + " = " + HexFormat.literal(value))
    }

    @discardableResult
    public mutating func undo() -> Bool {
        guard history.undo() else { return false }
        // The access just undone stays selected (dimmed) so it is clear what went.
        traceSelection = history.position
        refresh()
        return true
    }

    @discardableResult
    public mutating func redo() -> Bool {
        guard history.redo() else { return false }
        traceSelection = max(0, history.position - 1)
        refresh()
        return true
    }

    public mutating func reset() {
        history.reset()
        expressions = []
        traceSelection = 0
        refresh()
    }

    public mutating func toggleView() {
        showsDevice.toggle()
        refresh()
    }

    /// Switches to the next model (vfio, device, qemu, vfio, ...) and replays the applied
    /// accesses (the undone ones are dropped). Returns a message when the other model cannot be
    /// used or a replayed access fails there (the replay stops before it).
    public mutating func switchModel() -> String? {
        let other: SimulationModel =
            switch model {
            case .vfio: .device
            case .device: .qemu
            case .qemu: .vfio
            }
        let emulator: WriteEmulator
        do {
            emulator = try Self.emulator(function, physicalFunction, other, virtualCapabilities, barSizes, qemu)
        } catch {
            return "cannot switch to the \(other.rawValue) model: " + SimulationReport.message(error)
        }
        var replayed = SimulationHistory(emulator)
        var labels = [String]()
        var problem: String?
        for (record, label) in zip(history.applied, expressions) {
            do {
                try replayed.apply(record.access)
                labels.append(label)
            } catch {
                problem = "replay stopped at \(label): " + SimulationReport.message(error)
                break
            }
        }
        model = other
        fallback = nil
        history = replayed
        expressions = labels
        traceSelection = max(0, history.position - 1)
        if model == .device { showsDevice = false }
        refresh()
        return problem
    }

    /// The applied accesses as a script `cfgtui simulate --script` replays; `planFile` is the
    /// plan saved beside it when the session has virtual capabilities.
    public func script(planFile: String? = nil) -> String {
        var text = "# cfgtui write session on \(function.address): \(model.rawValue) model"
        if !virtualCapabilities.isEmpty { text += ", with the placement overlay's virtual capabilities" }
        text += "\n# replay: cfgtui simulate SOURCE -s \(function.address) --model \(model.rawValue)"
        if !virtualCapabilities.isEmpty, model == .vfio { text += " --plan " + (planFile ?? "PLAN.json") }
        text += " --script FILE --trace\n"
        for (record, label) in zip(history.applied, expressions) {
            let line = SimulationReport.scriptLine(for: record.access)
            text += line + (label == line ? "" : "  # " + label) + "\n"
        }
        return text
    }

    /// The bits of `register` (in the shown space) that differ from the start.
    public func changedBits(of register: DecodedRegister) -> UInt64 {
        guard let now = register.value else { return 0 }
        let start = showsDevice ? history.initial.deviceSpace : history.initial.guestSpace
        var before: UInt64 = 0
        for index in 0..<min(register.spec.width, 8) {
            guard let byte = start.byte(at: register.offset.rawValue + index) else { return 0 }
            before |= UInt64(byte) << UInt64(8 * index)
        }
        return now ^ before
    }

    /// Rebuilds the shown space and the changed bytes.
    private mutating func refresh() {
        let start = showsDevice ? history.initial.deviceSpace : history.initial.guestSpace
        let now = showsDevice ? history.current.deviceSpace : history.current.guestSpace
        var shown = function
        shown.space = now
        // A guest of QEMU cannot tell a VF from any other function: QEMU presents its own view.
        if model == .qemu && !showsDevice { shown.relation = .none }
        display = SelectedFunction(functionIndex: targetIndex, function: shown, foldZeroRows: foldZeroRows)
        if !showsDevice { display.acceptVirtualCapabilities(at: Set(virtualCapabilities.map(\.offset))) }
        var changed = Set<Int>()
        for offset in 0..<min(start.bytes.count, now.bytes.count) where start.bytes[offset] != now.bytes[offset] {
            changed.insert(offset)
        }
        self.changed = changed
    }

    /// Lays the map out again (folding changed).
    mutating func relayout(foldZeroRows fold: Bool) {
        foldZeroRows = fold
        refresh()
    }
}
