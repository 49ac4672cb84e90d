import Model

/// The whole screen, rendered from the state. The only widget that sees all of `AppState`.
public struct AppView: Widget {
    public var state: AppState

    public init(state: AppState) { self.state = state }

    /// Renders a fresh frame of the state's size.
    public static func frame(_ state: AppState) -> ScreenBuffer {
        var buffer = ScreenBuffer(size: state.size)
        AppView(state: state).render(into: &buffer, area: buffer.bounds)
        return buffer
    }

    public func render(into buffer: inout ScreenBuffer, area: Rect) {
        let layout = AppLayout.compute(size: area.size, focus: state.focus, showsTrace: state.writeSession != nil)
        if layout.isTooSmall {
            TooSmallView(size: area.size, needed: AppLayout.minimum).render(into: &buffer, area: area)
            return
        }
        renderTitle(layout, into: &buffer)
        if let devices = layout.devices {
            let title =
                state.deviceFilter.isEmpty
                ? "Devices (\(state.functions.count))"
                : "Devices: '\(state.deviceFilter)' \(state.visibleRows.count)/\(state.functions.count)"
            DeviceListView(
                functions: state.functions, rows: state.visibleRows, list: state.deviceList,
                isFocused: state.focus == .devices, glyphs: state.glyphs, title: title, gone: state.goneAddresses,
                check: state.check,
                bottleneckIndex: state.selected.flatMap { state.check.bottleneck(of: $0.functionIndex)?.lowerIndex }
            ).render(into: &buffer, area: devices)
        }
        if let selected = state.displayed {
            let register = state.currentRegister
            if let map = layout.map {
                var highlight: Range<Int>?
                if let register, register.spec.fields.indices.contains(state.fieldList.selection) {
                    let field = register.spec.fields[state.fieldList.selection]
                    let start = register.offset.rawValue + field.lowBit / 8
                    highlight = start..<(register.offset.rawValue + field.highBit / 8 + 1)
                }
                // While simulating, "changed" means changed by the simulated accesses.
                let changed = state.writeSession?.changed ?? Set(state.changedAt.keys)
                let showsDevice = state.writeSession?.showsDevice ?? false
                HexMapView(
                    analysis: selected.analysis, rows: selected.rows, scroll: state.mapScroll, cursor: state.cursor,
                    highlight: highlight, changed: changed, isFocused: state.focus == .map, glyphs: state.glyphs,
                    title: mapTitle(selected), proposals: showsDevice ? [] : state.overlay?.proposedRanges ?? [],
                    conflict: state.overlay?.conflict?.range, differing: state.diff?.marked ?? []
                ).render(into: &buffer, area: map)
            }
            if let trace = layout.trace, let session = state.writeSession {
                TraceView(session: session, isFocused: state.focus == .trace, glyphs: state.glyphs).render(
                    into: &buffer, area: trace)
            }
            if let fields = layout.fields, state.showsFindings {
                state.findingsView.render(into: &buffer, area: fields)
            } else if let fields = layout.fields, state.diff != nil || state.diffPick != nil {
                DiffView(
                    comparison: state.diff?.comparison,
                    pickBase: state.diffPick.flatMap {
                        state.functions.indices.contains($0) ? state.functions[$0] : nil
                    },
                    pickCandidate: state.selectedFunction, scroll: state.diff?.list.selection ?? 0,
                    isFocused: state.focus == .fields, glyphs: state.glyphs
                ).render(into: &buffer, area: fields)
            } else if let fields = layout.fields, state.showsComparison {
                comparison().render(into: &buffer, area: fields)
            } else if let fields = layout.fields {
                FieldDetailView(
                    analysis: selected.analysis, cursor: state.cursor, register: register, list: state.fieldList,
                    isFocused: state.focus == .fields, glyphs: state.glyphs,
                    changedBits: register.map { state.writeSession?.changedBits(of: $0) ?? 0 } ?? 0
                ).render(into: &buffer, area: fields)
            }
            if let chain = layout.chain {
                CapabilityChainView(
                    analysis: selected.analysis, entries: selected.chainEntries, list: state.chainList,
                    isFocused: state.focus == .chain, glyphs: state.glyphs,
                    proposedOffsets: Set((state.overlay?.proposedRanges ?? []).map(\.start.rawValue))
                ).render(into: &buffer, area: chain)
            }
        } else {
            for rect in [layout.map, layout.fields, layout.chain].compactMap({ $0 }) {
                buffer.box(rect, title: nil, glyphs: state.glyphs, focused: false)
                buffer.put("no device", x: rect.x + 2, y: rect.y + 1, style: CellStyle(.dim), clip: rect.inset(by: 1))
            }
        }
        LegendBar(pieces: legendPieces()).render(into: &buffer, area: layout.legend)
        FunctionKeyBar(entries: KeyMap.functionBar(for: state)).render(into: &buffer, area: layout.functionBar)
        if state.mode == .help {
            HelpView(glyphs: state.glyphs, scroll: state.helpScroll).render(
                into: &buffer, area: HelpView.area(in: area.size))
        }
    }

    /// The PF/VF pair for the selected function: a VF and its PF, or a PF and its first VF.
    private func comparison() -> ComparisonView {
        let function = state.selectedFunction
        var pf: PCIFunction?
        var vf: PCIFunction?
        switch function?.relation {
        case .virtualFunction?:
            vf = function
            pf = function?.physicalFunction(in: state.functions)
        case .physicalFunction(let vfs)?:
            pf = function
            vf = function.flatMap { pf in
                vfs.first.flatMap { address in
                    state.functions.first { $0.key == FunctionKey(source: pf.origin.source, address: address) }
                }
            }
        default:
            break
        }
        var proposals = [ExtendedCapabilityID: ConfigOffset]()
        if let overlay = state.overlay, overlay.targetIndex == state.selected?.functionIndex,
            vf?.address == function?.address
        {
            for placement in overlay.plan?.placements ?? [] {
                proposals[placement.capability.extendedID] = placement.offset
            }
        }
        return ComparisonView(pf: pf, vf: vf, proposals: proposals, glyphs: state.glyphs)
    }

    /// The overlay's line: the strategy and each proposal, or the reasons a pinned one cannot go.
    private func overlayPieces(_ overlay: PlanOverlay) -> [(String, CellStyle)] {
        if let conflict = overlay.conflict {
            let at = HexFormat.literal(UInt64(conflict.range.start.rawValue), digits: 3)
            let reasons =
                conflict.reasons.isEmpty
                ? "not placed" : conflict.reasons.map { PlanText.reason($0) }.joined(separator: "; ")
            return [
                (String(Character(state.glyphs.warning)) + " cannot go at " + at + ":", CellStyle(.conflict, [.bold])),
                (reasons, CellStyle(.warning, [.bold])),
            ]
        }
        if let refusal = overlay.refusal {
            return [("PLAN:", CellStyle(.title, [.bold])), (PlanText.error(refusal), CellStyle(.warning, [.bold]))]
        }
        var pieces: [(String, CellStyle)] = [
            ("PLAN " + PlanText.name(overlay.strategy) + ":", CellStyle(.title, [.bold]))
        ]
        for (index, requested) in overlay.capabilities.enumerated() {
            let name = PlanText.acronym(requested.capability.kind)
            if let placement = overlay.plan?.placements.first(where: { $0.requestIndex == index }) {
                let moving = overlay.isMoving && index == overlay.selection ? " (moving)" : ""
                pieces.append(
                    (
                        "+" + name + " " + HexFormat.literal(UInt64(placement.offset.rawValue), digits: 3) + " by "
                            + PlanText.name(placement.strategy) + moving, CellStyle(.proposed, [.bold, .underline])
                    ))
            } else if let decision = overlay.plan?.decisions.first(where: { $0.requestIndex == index }),
                case .alreadyPresent(let offset) = decision.outcome
            {
                pieces.append(
                    (name + " present at " + HexFormat.literal(UInt64(offset.rawValue), digits: 3), CellStyle(.dim)))
            } else {
                pieces.append((name + " not placed", CellStyle(.warning, [.bold])))
            }
        }
        let placedKinds = Set((overlay.plan?.placements ?? []).map(\.capability.kind))
        let assumed = overlay.assumedBits(functions: state.functions).filter { placedKinds.contains($0) }.map { kind in
            kind == .pasid
                ? "PASID width \(PlanOverlay.assumedPASIDBits.maxWidth)"
                : "PRI capacity \(PlanOverlay.assumedPRIBits.outstandingCapacity)"
        }
        if !assumed.isEmpty {
            pieces.append(("assumed (no PF bits): " + assumed.joined(separator: ", "), CellStyle(.warning)))
        }
        if let reasons = overlay.qemuDefault {
            if reasons.isEmpty {
                pieces.append(("QEMU's 0xff8: free", CellStyle(.dim)))
            } else {
                pieces.append(
                    ("QEMU's 0xff8: " + PlanText.reason(reasons[0]), CellStyle(.warning)))
            }
        }
        pieces.append(("s a x m e", CellStyle(.dim)))
        return pieces
    }

    /// ` · ` (or ` | ` with ASCII glyphs).
    private var dot: String { " " + String(Character(state.glyphs.separator)) + " " }

    private func mapTitle(_ selected: SelectedFunction) -> String {
        let space = selected.analysis.space
        let isUnprivilegedRead = state.selectedFunction?.isUnprivilegedRead ?? false
        var title = "Map " + FunctionText.readable(space, isUnprivilegedRead: isUnprivilegedRead)
        if let session = state.writeSession {
            title +=
                dot + (session.showsDevice || session.model == .device ? "simulated device" : "guest view, simulated")
        } else if state.overlay?.display != nil {
            title += dot + "virtual: + marks proposals"
        }
        return title + dot + "cursor " + HexFormat.literal(UInt64(state.cursor), digits: 3)
    }

    private func renderTitle(_ layout: AppLayout, into buffer: inout ScreenBuffer) {
        var text = "cfgtui" + dot + state.sourceDescription
        let isGone = state.selectedFunction.map { state.isGone($0.address) } ?? false
        if let function = state.selectedFunction {
            text +=
                dot + (isGone ? "GONE " : "") + function.address.description + " "
                + FunctionText.className(function) + ": "
                + FunctionText.vendorName(function) + " " + FunctionText.deviceName(function)
            if let relation = FunctionText.relation(function) { text += " [" + relation + "]" }
        }
        let right: String
        let role: StyleRole
        if !state.isLive {
            right = "static dump" + dot + "read-only"
            role = .info
        } else if isGone {
            right = "gone: last read shown" + dot + "read-only"
            role = .warning
        } else if state.isPaused {
            right = "PAUSED" + dot + "read-only"
            role = .warning
        } else if let lastRead = state.lastRead {
            let age = max(0, state.now - lastRead)
            right =
                "live, read " + (age < 1 ? "just now" : "\(Int(age))s ago") + dot
                + "every \(Self.seconds(state.interval))"
                + dot + "read-only"
            role = .info
        } else {
            right = "live" + dot + "read-only"
            role = .info
        }
        TitleBar(text: text, right: right, rightRole: role).render(into: &buffer, area: layout.title)
    }

    static func seconds(_ value: Double) -> String {
        value == value.rounded() ? "\(Int(value))s" : "\(Double(Int(value * 10)) / 10)s"
    }

    /// The legend while typing: what the line is for, the text with a cursor, and the keys (or
    /// why the simulator refused the text).
    private func inputPieces(_ input: TextInput) -> [(String, CellStyle)] {
        let prompt: String
        let hint: String
        let showsRefusal: Bool
        switch input.kind {
        case .search:
            (prompt, hint, showsRefusal) = ("Search (name, ECAP_PASID, 0x100):", "Enter: go  Esc: cancel", false)
        case .filter: (prompt, hint, showsRefusal) = ("Filter devices:", "Enter: keep  Esc: clear", false)
        case .expression: (prompt, hint, showsRefusal) = ("setpci>", "Enter: apply  Esc: cancel", true)
        case .fieldValue:
            let selected = state.selectedField
            let now = selected.flatMap { $0.0.value(of: $0.1) }
            let name = selected.map { register, field in
                register.spec.name + ": " + field.name
                    + (field.bitCount > 1 ? " (\(field.highBit):\(field.lowBit))" : " (bit \(field.lowBit))")
            }
            prompt = (name ?? "field") + " = " + (now.map { HexFormat.literal($0) } ?? "?") + ", new value:"
            (hint, showsRefusal) = ("decimal or 0x hex  Enter: write  Esc: cancel", true)
        }
        let refusal = showsRefusal ? state.status.map { ($0.text, CellStyle(.error, [.bold])) } : nil
        return [
            (prompt, CellStyle(.title, [.bold])), (input.text + "_", CellStyle(.match, [.bold])),
            refusal ?? (hint, CellStyle(.dim)),
        ]
    }

    private func legendPieces() -> [(String, CellStyle)] {
        if case .typing(let input) = state.mode { return inputPieces(input) }
        if let base = state.diffPick, state.functions.indices.contains(base), state.status == nil {
            return [
                ("COMPARE:", CellStyle(.title, [.bold])),
                (
                    state.functions[base].address.description + " with the function selected in the tree",
                    CellStyle(.info)
                ),
                ("Enter compare  Esc cancel", CellStyle(.dim)),
            ]
        }
        if state.focus == .chain, let selected = state.displayed,
            selected.chainEntries.indices.contains(state.chainList.selection),
            case .diagnostic(let diagnostic) = selected.chainEntries[state.chainList.selection]
        {
            let role: StyleRole =
                diagnostic.severity == .error ? .error : diagnostic.severity == .warning ? .warning : .info
            let at = diagnostic.offset.map { "[" + HexFormat.literal(UInt64($0.rawValue), digits: 2) + "] " } ?? ""
            return [
                (
                    DiagnosticText.severity(diagnostic.severity) + " " + at + DiagnosticText.message(diagnostic.kind),
                    CellStyle(role, [.bold])
                )
            ]
        }
        if let status = state.status {
            let role: StyleRole = status.kind == .error ? .error : status.kind == .warning ? .warning : .info
            return [(status.text, CellStyle(role, [.bold]))]
        }
        if let session = state.writeSession {
            let history = session.history
            var text = "\(history.position) applied"
            if history.canRedo { text += ", \(history.records.count - history.position) undone" }
            return [
                ("WRITES " + session.model.rawValue + ":", CellStyle(.title, [.bold])), (text, CellStyle(.info)),
                ("i/: expression  = field  u undo  U redo  R reset  o guest/device  M model  W save", CellStyle(.dim)),
            ]
        }
        if let overlay = state.overlay { return overlayPieces(overlay) }
        guard let selected = state.displayed else { return [("no device selected", CellStyle(.dim))] }
        var pieces: [(String, CellStyle)] = [("hdr", CellStyle(.header))]
        for index in selected.analysis.capabilities.indices {
            pieces.append(
                (
                    selected.analysis.capabilities[index].definition.abbreviation,
                    ByteStyle.capabilityStyle(index, in: selected.analysis)
                ))
        }
        pieces.append(("gap", CellStyle(.gap)))
        if selected.analysis.map.gaps.contains(where: { $0.nonZeroBytes > 0 }) {
            pieces.append(("hidden" + String(Character(state.glyphs.warning)), CellStyle(.hiddenRegister, [.bold])))
        }
        if !selected.analysis.space.isComplete {
            pieces.append(
                (
                    String(repeating: String(Character(state.glyphs.unreadable)), count: 2) + " unreadable",
                    CellStyle(.unreadable)
                ))
        }
        pieces.append(("? help", CellStyle(.dim)))
        return pieces
    }
}
