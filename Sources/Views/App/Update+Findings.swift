import Model

/// A finding as the findings pane lists it: the function it is about (nil: the whole source).
public struct FindingEntry: Hashable, Sendable {
    public var functionIndex: Int?
    public var finding: Finding
}

extension AppState {
    // MARK: - Findings

    /// The findings pane's groups for the selected function (none without one).
    public var findingGroups: [FindingsGroup] {
        guard let selected else { return [] }
        return check.groups(for: selected.functionIndex)
    }

    /// The findings pane's entries in list order (what Up/Down move over).
    public var findingEntries: [FindingEntry] {
        findingGroups.flatMap { group in
            group.findings.map { FindingEntry(functionIndex: group.functionIndex, finding: $0) }
        }
    }

    /// The findings pane as drawn, shared by the view and mouse clicks so both agree.
    public var findingsView: FindingsView {
        FindingsView(
            functions: functions, groups: findingGroups, selection: findingsList.selection,
            bottleneck: selected.flatMap { check.bottleneck(of: $0.functionIndex)?.link }, isFocused: focus == .fields,
            glyphs: glyphs)
    }

    /// F2 / !: the fields pane lists the findings (focused), or shows the fields again.
    mutating func toggleFindings() {
        showsFindings.toggle()
        if showsFindings {
            showsComparison = false
            focus = .fields
            findingsList.select(row: findingsList.selection, count: findingEntries.count)
        } else if focus == .fields {
            focus = .map
        }
        keepSelectionsVisible()
    }

    /// Enter on a finding: selects its function (a bridge on the path), puts the map cursor on
    /// the byte its field starts in and the fields pane on that field, and closes the list.
    mutating func activateFinding() {
        let entries = findingEntries
        guard entries.indices.contains(findingsList.selection) else {
            status = StatusMessage("no finding to jump to")
            return
        }
        let entry = entries[findingsList.selection]
        if let index = entry.functionIndex, index != selected?.functionIndex {
            if !visibleRows.contains(where: { $0.functionIndex == index }) { applyFilter("") }
            if let row = visibleRows.firstIndex(where: { $0.functionIndex == index }) {
                selectDevice(row: row, readAt: isLive ? now : nil)
            }
        }
        guard let register = entry.finding.register else {
            status = StatusMessage(entry.finding.kind.rawValue + ": no single register decides it")
            return
        }
        showsFindings = false
        moveCursor(to: register.fieldByteOffset.rawValue)
        if let bits = register.bits, let decoded = currentRegister,
            let field = decoded.spec.fields.firstIndex(where: { $0.lowBit == bits.lowerBound })
        {
            fieldList.selection = field
        }
        focus = .map
        keepSelectionsVisible()
        status = StatusMessage(entry.finding.kind.rawValue + ": " + CheckReportText.location(register))
    }
}
