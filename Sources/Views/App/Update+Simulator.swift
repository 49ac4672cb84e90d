import Model

extension AppState {
    // MARK: - Write simulator

    /// Ends the simulation, or starts one: on this host after reading the function's BAR sizes
    /// (an effect), on dumps and the demo set at once with the sizes unknown.
    mutating func toggleSimulator() -> [Effect] {
        if writeSession != nil {
            writeSession = nil
            if focus == .trace { focus = .map }
            if case .typing(let input) = mode {
                switch input.kind {
                case .expression, .fieldValue: mode = .normal
                case .search, .filter: break
                }
            }
            status = StatusMessage("write simulation ended; nothing was written to the device")
            keepSelectionsVisible()
            return []
        }
        guard let function = selectedFunction else {
            status = StatusMessage("select a function to simulate writes on")
            return []
        }
        if isLive { return [.readBARSizes(function.address)] }
        startSimulator(on: function.address, barSizes: nil)
        return []
    }

    mutating func startSimulator(on address: PCIAddress, barSizes: BARSizes?) {
        // The selection may have moved while the sizes were read.
        guard writeSession == nil, let current = selected, functions[current.functionIndex].address == address else {
            return
        }
        // The overlay's proposals become fully virtual capabilities in the vfio model.
        var regions = [VirtualRegion]()
        if var opened = overlay, let plan = opened.plan {
            opened.finishMoving(functions: functions, foldZeroRows: foldZeroRows)
            regions = VirtualRegion.regions(of: opened.plan ?? plan)
            overlay = opened
        }
        do {
            let session = try WriteSession(
                targetIndex: current.functionIndex, functions: functions, model: .vfio, virtualCapabilities: regions,
                barSizes: barSizes ?? BARSizes(), foldZeroRows: foldZeroRows, qemu: qemu,
                qemuPASIDWidth: qemuPASIDWidth)
            writeSession = session
            var text = "simulating guest accesses on a copy (\(session.model.rawValue) model"
            if !regions.isEmpty { text += ", the overlay's \(regions.count) virtual capabilities" }
            text += barSizes == nil ? ", BAR sizes unknown" : ", BAR sizes from sysfs"
            text += "): i types an expression, = writes the selected field"
            if let fallback = session.fallback { text = fallback + "; " + text }
            var kind: StatusMessage.Kind = session.fallback == nil ? .info : .warning
            for note in session.current.setupNotes {
                if case .partialRead = note {
                    text = SimulationReport.message(note) + "; " + text
                    kind = .warning
                }
            }
            status = StatusMessage(text, kind: kind)
            if focus == .devices || focus == .chain { focus = .map }
            moveCursor(to: cursor)
        } catch {
            status = StatusMessage("cannot simulate writes here: " + SimulationReport.message(error), kind: .error)
        }
        keepSelectionsVisible()
    }

    mutating func simulate(_ action: SimulatorAction) -> [Effect] {
        switch action {
        case .toggle:
            return toggleSimulator()
        case .start(let address, let sizes):
            startSimulator(on: address, barSizes: sizes)
        case .saveScript:
            return saveScript()
        case .startExpression:
            guard requireSession() != nil else { break }
            mode = .typing(TextInput(.expression))
        case .startFieldEdit:
            guard requireSession() != nil else { break }
            guard let (register, field) = selectedField else {
                status = StatusMessage("no field here: move to a register with fields, or type an expression (i)")
                break
            }
            if register.spec.width > 4 && (field.lowBit % 32) + field.bitCount > 32 {
                status = StatusMessage("\(field.name) crosses a dword: write it with an expression (i)", kind: .warning)
                break
            }
            mode = .typing(TextInput(.fieldValue))
        case .undo:
            guard var session = requireSession() else { break }
            if !session.undo() { status = StatusMessage("nothing to undo") }
            keep(session)
        case .redo:
            guard var session = requireSession() else { break }
            if !session.redo() { status = StatusMessage("nothing to redo") }
            keep(session)
        case .reset:
            guard var session = requireSession() else { break }
            session.reset()
            status = StatusMessage("reset: back to the starting copy, history cleared")
            keep(session)
        case .toggleDeviceView:
            guard var session = requireSession() else { break }
            guard session.model.usesVfio else {
                status = StatusMessage("the device model has one view: the device")
                break
            }
            session.toggleView()
            status = StatusMessage(
                session.showsDevice
                    ? "device view: what the simulated device holds (o for the guest's view)"
                    : session.model == .qemu
                        ? "guest view: what a QEMU guest reads (o for the device)"
                        : "guest view: what the guest reads through vfio (o for the device)")
            keep(session)
        case .switchModel:
            guard var session = requireSession() else { break }
            let problem = session.switchModel()
            status =
                problem.map { StatusMessage($0, kind: .warning) }
                ?? StatusMessage("\(session.model.rawValue) model: \(session.history.position) accesses replayed")
            keep(session)
        }
        return []
    }

    /// The write session, or nil after saying how to start one.
    private mutating func requireSession() -> WriteSession? {
        if writeSession == nil { status = StatusMessage("press w (F9) to start simulating writes first") }
        return writeSession
    }

    /// Keeps a changed session and follows its last access.
    private mutating func keep(_ session: WriteSession) {
        writeSession = session
        followLastAccess()
    }

    /// The register under the cursor and its selected field.
    public var selectedField: (DecodedRegister, RegisterField)? {
        guard let register = currentRegister, register.spec.fields.indices.contains(fieldList.selection) else {
            return nil
        }
        return (register, register.spec.fields[fieldList.selection])
    }

    mutating func commitExpression(_ text: String) {
        applyInput { $0.apply(text) }
    }

    mutating func commitFieldValue(_ text: String) {
        guard let (register, field) = selectedField else {
            mode = .normal
            return
        }
        guard let value = Self.parseFieldValue(text) else {
            status = StatusMessage("'\(text)' is not a number: decimal, or hex with 0x", kind: .error)
            return
        }
        applyInput { $0.writeField(field, of: register, value: value) }
    }

    /// Runs `change` on a copy of the session. Applied: the copy is kept and typing ends. A
    /// problem: nothing changes and the typed text stays, to be fixed.
    private mutating func applyInput(_ change: (inout WriteSession) -> String?) {
        guard var session = writeSession else {
            mode = .normal
            return
        }
        if let problem = change(&session) {
            status = StatusMessage(problem, kind: .error)
            return
        }
        mode = .normal
        writeSession = session
        status = lastAccessMessage(session)
        followLastAccess()
    }

    /// Decimal, or hexadecimal with `0x`.
    static func parseFieldValue(_ text: String) -> UInt64? {
        let trimmed = text.trimmingCharactersInSpaces().lowercased()
        if trimmed.hasPrefix("0x") { return UInt64(trimmed.dropFirst(2), radix: 16) }
        return UInt64(trimmed, radix: 10)
    }

    private func lastAccessMessage(_ session: WriteSession) -> StatusMessage {
        guard let record = session.applied.last else { return StatusMessage("applied") }
        var text = TraceView.summary(record, model: session.model)
        if let warning = record.warnings.first { text += "; " + SimulationReport.message(warning) }
        return StatusMessage(text, kind: record.warnings.isEmpty ? .info : .warning)
    }

    /// Puts the cursor on the last applied access, keeping the selected field when it is there.
    private mutating func followLastAccess() {
        guard let record = writeSession?.applied.last else {
            moveCursor(to: cursor)
            return
        }
        let keep = selectedField
        let range = record.access.range
        if !(range.start.rawValue..<range.start.rawValue + range.length).contains(cursor) {
            moveCursor(to: record.access.offset)
        } else {
            moveCursor(to: cursor)
        }
        if let (register, field) = keep, register.range.start.rawValue == currentRegister?.offset.rawValue,
            let index = currentRegister?.spec.fields.firstIndex(of: field)
        {
            fieldList.selection = index
        }
        keepSelectionsVisible()
    }

    /// The applied accesses as a script `cfgtui simulate --script` replays.
    mutating func saveScript() -> [Effect] {
        guard let session = writeSession, let function = selectedFunction else {
            status = StatusMessage("press w (F9) to start simulating writes first")
            return []
        }
        guard !session.applied.isEmpty else {
            status = StatusMessage("nothing to save: no accesses applied yet")
            return []
        }
        let address = function.address.description.replacingColons()
        var files = [ExportFile]()
        var planFile: String?
        // With the overlay's virtual capabilities the script needs the plan to replay.
        if !session.virtualCapabilities.isEmpty, case .export(let planFiles)? = exportPlan().first,
            let json = planFiles.first
        {
            files.append(json)
            planFile = json.name
        }
        let name = "cfgtui-writes-" + address + ".setpci"
        files.insert(ExportFile(name: name, bytes: Array(session.script(planFile: planFile).utf8)), at: 0)
        return [.export(files)]
    }
}
