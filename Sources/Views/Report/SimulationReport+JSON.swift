import Model

extension SimulationReport {
    /// The JSON document of `cfgtui simulate --json`:
    ///
    /// ```
    /// {"function": "0000:01:00.0", "title": "...", "model": "vfio", "gaps": "passthrough",
    ///  "barSizes": [{"bar": "BAR0", "size": 16384}],
    ///  "setup": [{"severity": "info", "kind": "hiddenCapability", "message": "..."}],
    ///  "steps": [{"step": 1, "source": "s.txt", "line": 1, "column": 1, "expression": "COMMAND=406",
    ///             "operation": "write", "offset": 4, "width": 2, "value": 1030, "mask": 65535,
    ///             "guest": {"before": 0, "after": 1030}, "device": {"before": 0, "after": 6},
    ///             "bits": {"storedVirtually": 1024, "forwarded": 64511, "taken": 327, "cleared": 0,
    ///                      "actions": 0, "dropped": 64184},
    ///             "deviceWrite": {"bytes": 3, "value": 6}, "fields": [...], "notes": [...]}],
    ///  "summary": {"steps": 1, "writes": 1, "reads": 0, "warnings": 0}, "ok": true}
    /// ```
    /// With a `failure` (an --emit-dump that could not be written): `"ok": false` and
    /// `"error": {"kind": "emitDump", "message": "..."}`.
    /// Numbers are JSON integers; masks are relative to the access (bit 0 = the lowest bit of
    /// the byte at `offset`). `deviceWrite.bytes` has bit n set when byte n reached the device.
    public static func appendJSON(
        _ context: SimulationContext, setup: [SimulationNote], steps: [SimulationStep], analysis: FunctionAnalysis,
        failure: SimulationFailure? = nil, to buffer: inout OutputBuffer
    ) {
        var object = JSONObject(&buffer)
        object.string("function", context.address?.description, &buffer)
        object.string("title", context.title, &buffer)
        object.string("model", context.model.rawValue, &buffer)
        object.string("gaps", context.gaps.rawValue, &buffer)
        object.key("barSizes", &buffer)
        buffer.append(0x5B)
        for (index, entry) in context.barSizes.known.enumerated() {
            if index > 0 { buffer.append(0x2C) }
            var item = JSONObject(&buffer)
            item.string("bar", slotName(entry.slot), &buffer)
            item.unsigned("size", entry.size, &buffer)
            item.close(&buffer)
        }
        buffer.append(0x5D)
        object.string("barSizeSource", context.barSizeSource, &buffer)
        object.key("setup", &buffer)
        buffer.append(0x5B)
        for (index, note) in setup.enumerated() {
            if index > 0 { buffer.append(0x2C) }
            var item = JSONObject(&buffer)
            item.string("severity", DiagnosticText.severity(note.severity), &buffer)
            item.string("kind", code(note), &buffer)
            item.string("message", message(note), &buffer)
            item.close(&buffer)
        }
        buffer.append(0x5D)
        object.key("steps", &buffer)
        buffer.append(0x5B)
        for (index, step) in steps.enumerated() {
            if index > 0 { buffer.append(0x2C) }
            buffer.newline()
            appendJSONStep(step, model: context.model, analysis: analysis, to: &buffer)
        }
        buffer.append("\n]")
        object.key("summary", &buffer)
        var summary = JSONObject(&buffer)
        let counts = SimulationSummary(steps)
        summary.integer("steps", counts.steps, &buffer)
        summary.integer("writes", counts.writes, &buffer)
        summary.integer("reads", counts.reads, &buffer)
        summary.integer("warnings", counts.warnings, &buffer)
        summary.close(&buffer)
        object.key("ok", &buffer)
        buffer.append(failure == nil ? "true" : "false")
        if let failure {
            object.key("error", &buffer)
            var error = JSONObject(&buffer)
            error.string("kind", failure.kind, &buffer)
            error.string("message", failure.message, &buffer)
            error.close(&buffer)
        }
        object.close(&buffer)
        buffer.newline()
    }

    /// One step object.
    public static func appendJSONStep(
        _ step: SimulationStep, model: SimulationModel, analysis: FunctionAnalysis, to buffer: inout OutputBuffer
    ) {
        let record = step.record
        var object = JSONObject(&buffer)
        object.integer("step", record.step + 1, &buffer)
        object.string("source", step.source, &buffer)
        object.integer("line", step.line, &buffer)
        object.integer("column", step.column, &buffer)
        object.string("expression", step.expression, &buffer)
        object.string("operation", record.isRead ? "read" : "write", &buffer)
        object.integer("offset", record.access.offset, &buffer)
        object.integer("width", record.access.width.byteCount, &buffer)
        object.string("register", registerName(at: record.access.offset, in: analysis), &buffer)
        object.unsigned("value", UInt64(record.value), &buffer)
        if case .write(_, let mask) = record.access.operation {
            object.unsigned("mask", UInt64(mask), &buffer)
        }
        object.key("guest", &buffer)
        appendPair(record.guestBefore, record.guestAfter, to: &buffer)
        object.key("device", &buffer)
        appendPair(record.deviceBefore, record.deviceAfter, to: &buffer)
        if !record.isRead {
            object.key("bits", &buffer)
            var bits = JSONObject(&buffer)
            bits.unsigned("storedVirtually", UInt64(record.bits.storedVirtually), &buffer)
            bits.unsigned("forwarded", UInt64(record.bits.forwarded), &buffer)
            bits.unsigned("taken", UInt64(record.bits.taken), &buffer)
            bits.unsigned("cleared", UInt64(record.bits.cleared), &buffer)
            bits.unsigned("actions", UInt64(record.bits.actions), &buffer)
            bits.unsigned("dropped", UInt64(record.bits.dropped), &buffer)
            // The qemu model: the bits QEMU's copy decides (the guest reads them from QEMU).
            if record.bits.emulated != 0 { bits.unsigned("emulated", UInt64(record.bits.emulated), &buffer) }
            bits.close(&buffer)
            object.key("deviceWrite", &buffer)
            var deviceWrite = JSONObject(&buffer)
            deviceWrite.integer("bytes", Int(record.deviceWriteBytes), &buffer)
            deviceWrite.unsigned("value", UInt64(record.deviceWriteValue), &buffer)
            deviceWrite.close(&buffer)
            object.key("fields", &buffer)
            buffer.append(0x5B)
            for (index, change) in fieldChanges(record, analysis: analysis).enumerated() {
                if index > 0 { buffer.append(0x2C) }
                var item = JSONObject(&buffer)
                item.string("register", change.register, &buffer)
                item.string("field", change.field, &buffer)
                item.unsigned("before", change.before, &buffer)
                item.unsigned("after", change.after, &buffer)
                item.close(&buffer)
            }
            buffer.append(0x5D)
        }
        object.key("notes", &buffer)
        buffer.append(0x5B)
        for (index, note) in record.notes.enumerated() {
            if index > 0 { buffer.append(0x2C) }
            var item = JSONObject(&buffer)
            item.string("severity", DiagnosticText.severity(note.severity), &buffer)
            item.string("kind", code(note), &buffer)
            item.string("message", message(note), &buffer)
            item.close(&buffer)
        }
        buffer.append(0x5D)
        object.close(&buffer)
    }

    private static func appendPair(_ before: UInt32, _ after: UInt32, to buffer: inout OutputBuffer) {
        var pair = JSONObject(&buffer)
        pair.unsigned("before", UInt64(before), &buffer)
        pair.unsigned("after", UInt64(after), &buffer)
        pair.close(&buffer)
    }

    /// A stable name for a note (JSON `kind`).
    public static func code(_ note: WriteNote) -> String {
        switch note {
        case .gap: "gap"
        case .possiblyCapability: "possiblyCapability"
        case .crossesRegisters: "crossesRegisters"
        case .noFieldLayout: "noFieldLayout"
        case .aliasedSpace: "aliasedSpace"
        case .reservedBitsWritten: "reservedBitsWritten"
        case .barSizeUnknown: "barSizeUnknown"
        case .msiQueueSizeLimited: "msiQueueSizeLimited"
        case .powerStateIgnored: "powerStateIgnored"
        case .powerStateChanged: "powerStateChanged"
        case .softReset: "softReset"
        case .functionLevelReset: "functionLevelReset"
        case .functionLevelResetUnsupported: "functionLevelResetUnsupported"
        case .numVFsIgnored: "numVFsIgnored"
        case .virtualFunctionsEnabled: "virtualFunctionsEnabled"
        case .systemPageSizeInvalid: "systemPageSizeInvalid"
        case .pasidFeatureUnsupported: "pasidFeatureUnsupported"
        case .physicalFunctionCapability: "physicalFunctionCapability"
        case .pageRequestEnabled: "pageRequestEnabled"
        case .pageRequestReset: "pageRequestReset"
        case .pageRequestAllocationAboveCapacity: "pageRequestAllocationAboveCapacity"
        case .readModifyWriteCleared: "readModifyWriteCleared"
        case .hiddenCapability: "hiddenCapability"
        case .gapWriteDropped: "gapWriteDropped"
        case .capabilityReadOnly: "capabilityReadOnly"
        case .msiEnableCleared: "msiEnableCleared"
        case .intxDisableEmulated: "intxDisableEmulated"
        case .maxReadRequestSet: "maxReadRequestSet"
        case .resetWithRestore: "resetWithRestore"
        case .powerStateBusy: "powerStateBusy"
        case .powerStateRestored: "powerStateRestored"
        case .vpdTransfer: "vpdTransfer"
        case .barsRestored: "barsRestored"
        case .virtualCapability: "virtualCapability"
        }
    }

    /// A stable name for a setup note (JSON `kind`).
    public static func code(_ note: SimulationNote) -> String {
        switch note {
        case .partialRead: "partialRead"
        case .barSizesUnknown: "barSizesUnknown"
        case .hiddenCapability: "hiddenCapability"
        case .placeholder: "placeholder"
        case .virtualCapability: "virtualCapability"
        case .physicalFunctionUnknown: "physicalFunctionUnknown"
        case .physicalFunctionCapability: "physicalFunctionCapability"
        case .gaps: "gaps"
        case .vfioOpen: "vfioOpen"
        case .qemu: "qemu"
        }
    }
}

/// Why a simulation that ran did not finish (`"ok": false` in its JSON): `kind` is a stable
/// code (`emitDump`, `emitDeviceDump`), `message` the sentence stderr also gets.
public struct SimulationFailure: Hashable, Sendable {
    public var kind: String
    public var message: String

    public init(kind: String, message: String) {
        self.kind = kind
        self.message = message
    }
}
