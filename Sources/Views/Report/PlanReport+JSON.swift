import Model

extension PlanReport {
    /// The JSON document of `cfgtui plan --json`:
    ///
    /// ```
    /// {"target": "0000:01:00.1", "vendorID": 6966, "deviceID": 16, "physicalFunction": "0000:01:00.0",
    ///  "strategy": "auto",
    ///  "placements": [{"capability": "pasid", "id": 27, "offset": 4088, "length": 8, "strategy": "end", ...}],
    ///  "rejected": [{"capability": "pasid", "strategy": "pf-offset", "offset": 384, "reason": "...", ...}],
    ///  "present": [...], "failed": [...], "decisions": [...], "warnings": [...], "listHead": "existing",
    ///  "ok": true}
    /// ```
    /// Numbers are JSON integers (offsets are byte offsets). The schema is in the README; the
    /// document is `PlanFile(plan, context:)` written by `appendJSON(_:to:)`.
    public static func appendJSON(
        _ plan: PlacementPlan, context: PlanContext, qemu: QemuPlacementComparison? = nil, to buffer: inout OutputBuffer
    ) {
        appendJSON(PlanFile(plan, context: context), to: &buffer) { object, buffer in
            guard let qemu else { return }
            object.key("qemu", &buffer)
            appendQemuJSON(qemu, to: &buffer)
        }
    }

    /// The JSON document for a refusal: empty placements, `"ok": false` and an `error` object.
    public static func appendJSONError(_ error: PlacementError, context: PlanContext, to buffer: inout OutputBuffer) {
        appendJSON(PlanFile(refusal: error, context: context), to: &buffer)
    }

    /// Writes a plan file: members in the order above, `null` for a missing target or PF. A
    /// refusal (`error` set) has no `present`, `failed`, `decisions`, `warnings` or `listHead`.
    public static func appendJSON(_ file: PlanFile, to buffer: inout OutputBuffer) {
        appendJSON(file, to: &buffer) { _, _ in }
    }

    /// The plan file with `extra` members before `ok`.
    static func appendJSON(
        _ file: PlanFile, to buffer: inout OutputBuffer, extra: (inout JSONObject, inout OutputBuffer) -> Void
    ) {
        var object = JSONObject(&buffer)
        object.string("target", file.target?.description, &buffer)
        object.integer("vendorID", file.vendorID.map(Int.init), &buffer)
        object.integer("deviceID", file.deviceID.map(Int.init), &buffer)
        object.string("physicalFunction", file.physicalFunction?.description, &buffer)
        object.string("strategy", file.strategy.rawValue, &buffer)
        object.strings("peers", file.peers, &buffer)

        object.key("placements", &buffer)
        appendArray(file.placements, to: &buffer) { placement, buffer in
            var entry = JSONObject(&buffer)
            entry.string("capability", placement.capability?.rawValue, &buffer)
            entry.integer("id", placement.id, &buffer)
            entry.integer("offset", placement.offset, &buffer)
            entry.integer("length", placement.length, &buffer)
            entry.string("strategy", placement.strategy?.rawValue, &buffer)
            entry.string("label", placement.label, &buffer)
            entry.integer("request", placement.request, &buffer)
            entry.integer("version", placement.version, &buffer)
            entry.string("bytes", placement.bytes?.text, &buffer)
            entry.key("bitsFrom", &buffer)
            if let source = placement.bitsFrom { appendSource(source, to: &buffer) } else { buffer.append("null") }
            entry.key("bits", &buffer)
            if let bits = placement.bits { appendBits(bits, to: &buffer) } else { buffer.append("null") }
            entry.key("coversNonZero", &buffer)
            appendArray(placement.coversNonZero, to: &buffer) { span, buffer in appendSpan(span, to: &buffer) }
            entry.close(&buffer)
        }

        object.key("rejected", &buffer)
        appendArray(file.rejected, to: &buffer) { rejection, buffer in
            var entry = JSONObject(&buffer)
            entry.string("capability", rejection.capability?.rawValue, &buffer)
            entry.string("strategy", rejection.strategy?.rawValue, &buffer)
            entry.integer("offset", rejection.offset, &buffer)
            entry.string("reason", rejection.reason, &buffer)
            entry.string("label", rejection.label, &buffer)
            entry.string("reasonCode", rejection.reasonCode, &buffer)
            entry.string("constraint", rejection.constraint?.rawValue, &buffer)
            if let peer = rejection.peer { entry.integer("peer", peer, &buffer) }
            if let range = rejection.range {
                entry.key("range", &buffer)
                appendSpan(range, to: &buffer)
            }
            entry.close(&buffer)
        }

        if let error = file.error {
            object.key("error", &buffer)
            var entry = JSONObject(&buffer)
            entry.string("kind", error.kind, &buffer)
            entry.string("message", error.message, &buffer)
            entry.close(&buffer)
            object.bool("ok", file.isComplete, &buffer)
            object.close(&buffer)
            buffer.newline()
            return
        }

        object.key("present", &buffer)
        appendArray(file.present, to: &buffer) { present, buffer in
            var entry = JSONObject(&buffer)
            entry.string("capability", present.capability?.rawValue, &buffer)
            if let offset = present.offset { entry.integer("offset", offset, &buffer) }
            entry.string("label", present.label, &buffer)
            entry.close(&buffer)
        }

        object.key("failed", &buffer)
        appendArray(file.failed, to: &buffer) { failure, buffer in
            var entry = JSONObject(&buffer)
            entry.string("capability", failure.capability?.rawValue, &buffer)
            entry.integer("length", failure.length, &buffer)
            entry.string("label", failure.label, &buffer)
            entry.close(&buffer)
        }

        object.key("decisions", &buffer)
        appendArray(file.decisions, to: &buffer) { decision, buffer in
            var entry = JSONObject(&buffer)
            entry.string("capability", decision.capability?.rawValue, &buffer)
            entry.string("label", decision.label, &buffer)
            entry.string("outcome", decision.outcome?.rawValue, &buffer)
            if let offset = decision.offset { entry.integer("offset", offset, &buffer) }
            if let strategy = decision.strategy { entry.string("strategy", strategy.rawValue, &buffer) }
            entry.key("steps", &buffer)
            appendArray(decision.steps, to: &buffer) { step, buffer in
                var item = JSONObject(&buffer)
                item.string("strategy", step.strategy?.rawValue, &buffer)
                item.string("outcome", step.outcome, &buffer)
                if let offset = step.offset { item.integer("offset", offset, &buffer) }
                if let rejected = step.rejected { item.integer("rejected", rejected, &buffer) }
                item.string("text", step.text, &buffer)
                item.close(&buffer)
            }
            entry.close(&buffer)
        }

        object.key("warnings", &buffer)
        appendArray(file.warnings, to: &buffer) { warning, buffer in
            var entry = JSONObject(&buffer)
            entry.string("severity", warning.severity, &buffer)
            entry.string("kind", warning.kind, &buffer)
            entry.string("message", warning.message, &buffer)
            entry.close(&buffer)
        }

        object.string("listHead", file.listHead?.rawValue, &buffer)
        extra(&object, &buffer)
        object.bool("ok", file.isComplete, &buffer)
        object.close(&buffer)
        buffer.newline()
    }

    private static func appendArray<Element>(
        _ elements: [Element], to buffer: inout OutputBuffer, _ body: (Element, inout OutputBuffer) -> Void
    ) {
        buffer.append(0x5B)
        for (index, element) in elements.enumerated() {
            if index > 0 { buffer.append(0x2C) }
            body(element, &buffer)
        }
        buffer.append(0x5D)
    }

    private static func appendSpan(_ span: PlanFile.Span, to buffer: inout OutputBuffer) {
        var object = JSONObject(&buffer)
        object.integer("offset", span.offset, &buffer)
        object.integer("length", span.length, &buffer)
        object.close(&buffer)
    }

    private static func appendSource(_ source: PlanFile.BitsSource, to buffer: inout OutputBuffer) {
        var object = JSONObject(&buffer)
        object.string("kind", source.kind.rawValue, &buffer)
        if let offset = source.offset { object.integer("offset", offset, &buffer) }
        object.close(&buffer)
    }

    /// The members that are set, in `PlanFile.Bits`' order.
    private static func appendBits(_ bits: PlanFile.Bits, to buffer: inout OutputBuffer) {
        var object = JSONObject(&buffer)
        if let value = bits.maxPASIDWidth { object.integer("maxPASIDWidth", value, &buffer) }
        if let value = bits.executeSupported { object.bool("executeSupported", value, &buffer) }
        if let value = bits.privilegedSupported { object.bool("privilegedSupported", value, &buffer) }
        if let value = bits.outstandingPageRequestCapacity {
            object.unsigned("outstandingPageRequestCapacity", value, &buffer)
        }
        if let value = bits.prgResponsePASIDRequired { object.bool("prgResponsePASIDRequired", value, &buffer) }
        if let value = bits.status { object.integer("status", value, &buffer) }
        if let value = bits.capability { object.integer("capability", value, &buffer) }
        if let value = bits.vendorID { object.integer("vendorID", value, &buffer) }
        if let value = bits.dvsecID { object.integer("dvsecID", value, &buffer) }
        if let value = bits.revision { object.integer("revision", value, &buffer) }
        if let value = bits.slots { object.integer("slots", value, &buffer) }
        if let ranges = bits.ranges {
            object.key("ranges", &buffer)
            appendArray(ranges, to: &buffer) { span, buffer in appendSpan(span, to: &buffer) }
        }
        object.close(&buffer)
    }

    /// A stable name for a constraint (JSON `constraint`).
    public static func constraintName(_ constraint: PlacementConstraint) -> String { constraint.rawValue }
}
