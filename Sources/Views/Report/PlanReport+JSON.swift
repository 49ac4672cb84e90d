import Model

extension PlanReport {
    /// The JSON document of `cfgtui plan --json`:
    ///
    /// ```
    /// {"target": "0000:01:00.1", "physicalFunction": "0000:01:00.0", "strategy": "auto",
    ///  "placements": [{"capability": "pasid", "id": 27, "offset": 4088, "length": 8, "strategy": "end", ...}],
    ///  "rejected": [{"capability": "pasid", "strategy": "pf-offset", "offset": 384, "reason": "...", ...}],
    ///  "present": [...], "failed": [...], "decisions": [...], "warnings": [...], "listHead": "existing",
    ///  "ok": true}
    /// ```
    /// Numbers are JSON integers (offsets are byte offsets). The schema is in the README.
    public static func appendJSON(_ plan: PlacementPlan, context: PlanContext, to buffer: inout OutputBuffer) {
        var object = JSONObject(&buffer)
        appendTargetMembers(context, to: &object, &buffer)

        object.key("placements", &buffer)
        appendArray(plan.placements, to: &buffer) { placement, buffer in
            var entry = JSONObject(&buffer)
            entry.string("capability", PlanText.name(placement.capability.kind), &buffer)
            entry.integer("id", Int(placement.capability.extendedID.rawValue), &buffer)
            entry.integer("offset", placement.offset.rawValue, &buffer)
            entry.integer("length", placement.length, &buffer)
            entry.string("strategy", PlanText.name(placement.strategy), &buffer)
            entry.string("label", context.label(placement.requestIndex, placement.capability.kind), &buffer)
            entry.integer("request", placement.requestIndex, &buffer)
            entry.integer("version", placement.capability.version, &buffer)
            entry.string("bytes", hexBytes(placement.contents.body), &buffer)
            entry.key("bitsFrom", &buffer)
            appendSource(placement.contents.bitsSource, to: &buffer)
            entry.key("bits", &buffer)
            appendBits(placement.contents.bits, to: &buffer)
            entry.key("coversNonZero", &buffer)
            appendArray(placement.coveredNonZeroBytes, to: &buffer) { range, buffer in appendRange(range, to: &buffer) }
            entry.close(&buffer)
        }

        object.key("rejected", &buffer)
        appendArray(plan.rejected, to: &buffer) { rejection, buffer in
            var entry = JSONObject(&buffer)
            entry.string("capability", PlanText.name(rejection.capability), &buffer)
            entry.string("strategy", PlanText.name(rejection.strategy), &buffer)
            entry.integer("offset", rejection.offset.rawValue, &buffer)
            entry.string("reason", PlanText.reason(rejection.reason, peers: context.peers), &buffer)
            entry.string("label", context.label(rejection.requestIndex, rejection.capability), &buffer)
            entry.string("reasonCode", PlanText.code(rejection.reason), &buffer)
            entry.string("constraint", constraintName(rejection.reason.constraint), &buffer)
            if case .onPeer(let index, _) = rejection.reason { entry.integer("peer", index, &buffer) }
            if let range = rejection.reason.range {
                entry.key("range", &buffer)
                appendRange(range, to: &buffer)
            }
            entry.close(&buffer)
        }

        object.key("present", &buffer)
        let present = plan.decisions.filter { if case .alreadyPresent = $0.outcome { true } else { false } }
        appendArray(present, to: &buffer) { decision, buffer in
            var entry = JSONObject(&buffer)
            entry.string("capability", PlanText.name(decision.capability.kind), &buffer)
            if case .alreadyPresent(let offset) = decision.outcome { entry.integer("offset", offset.rawValue, &buffer) }
            entry.string("label", context.label(decision.requestIndex, decision.capability.kind), &buffer)
            entry.close(&buffer)
        }

        object.key("failed", &buffer)
        appendArray(plan.failures, to: &buffer) { decision, buffer in
            var entry = JSONObject(&buffer)
            entry.string("capability", PlanText.name(decision.capability.kind), &buffer)
            entry.integer("length", decision.capability.length, &buffer)
            entry.string("label", context.label(decision.requestIndex, decision.capability.kind), &buffer)
            entry.close(&buffer)
        }

        object.key("decisions", &buffer)
        appendArray(plan.decisions, to: &buffer) { decision, buffer in
            var entry = JSONObject(&buffer)
            entry.string("capability", PlanText.name(decision.capability.kind), &buffer)
            entry.string("label", context.label(decision.requestIndex, decision.capability.kind), &buffer)
            switch decision.outcome {
            case .placed(let offset, let strategy):
                entry.string("outcome", "placed", &buffer)
                entry.integer("offset", offset.rawValue, &buffer)
                entry.string("strategy", PlanText.name(strategy), &buffer)
            case .alreadyPresent(let offset):
                entry.string("outcome", "present", &buffer)
                entry.integer("offset", offset.rawValue, &buffer)
            case .failed:
                entry.string("outcome", "failed", &buffer)
            }
            entry.key("steps", &buffer)
            appendArray(decision.steps, to: &buffer) { step, buffer in
                var item = JSONObject(&buffer)
                item.string("strategy", PlanText.name(step.strategy), &buffer)
                item.string("outcome", PlanText.code(step.outcome), &buffer)
                switch step.outcome {
                case .placed(let offset): item.integer("offset", offset.rawValue, &buffer)
                case .rejected(let count): item.integer("rejected", count, &buffer)
                case .noCandidate, .notTried: break
                }
                item.string("text", PlanText.step(step.outcome), &buffer)
                item.close(&buffer)
            }
            entry.close(&buffer)
        }

        object.key("warnings", &buffer)
        appendArray(plan.notes, to: &buffer) { note, buffer in
            var entry = JSONObject(&buffer)
            entry.string("severity", DiagnosticText.severity(note.severity), &buffer)
            entry.string("kind", PlanText.code(note.kind), &buffer)
            entry.string("message", PlanText.note(note.kind, peers: context.peers), &buffer)
            entry.close(&buffer)
        }

        switch plan.listHead {
        case .existing: object.string("listHead", "existing", &buffer)
        case .placement: object.string("listHead", "placement", &buffer)
        case .nullCapability: object.string("listHead", "nullCapability", &buffer)
        case .empty: object.string("listHead", "empty", &buffer)
        }
        object.bool("ok", plan.isComplete, &buffer)
        object.close(&buffer)
        buffer.newline()
    }

    /// The JSON document for a refusal: empty placements, `"ok": false` and an `error` object.
    public static func appendJSONError(_ error: PlacementError, context: PlanContext, to buffer: inout OutputBuffer) {
        var object = JSONObject(&buffer)
        appendTargetMembers(context, to: &object, &buffer)
        object.key("placements", &buffer)
        buffer.append("[]")
        object.key("rejected", &buffer)
        buffer.append("[]")
        object.key("error", &buffer)
        var entry = JSONObject(&buffer)
        entry.string("kind", PlanText.code(error), &buffer)
        entry.string("message", PlanText.error(error), &buffer)
        entry.close(&buffer)
        object.bool("ok", false, &buffer)
        object.close(&buffer)
        buffer.newline()
    }

    private static func appendTargetMembers(
        _ context: PlanContext, to object: inout JSONObject, _ buffer: inout OutputBuffer
    ) {
        object.string("target", context.targetAddress?.description, &buffer)
        switch context.physicalFunction {
        case .none: object.string("physicalFunction", nil, &buffer)
        case .related(let address), .selected(let address, _):
            object.string("physicalFunction", address.description, &buffer)
        }
        object.string("strategy", PlanText.name(context.request.strategy), &buffer)
        object.strings("peers", context.peers, &buffer)
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

    private static func appendRange(_ range: ConfigRange, to buffer: inout OutputBuffer) {
        var object = JSONObject(&buffer)
        object.integer("offset", range.start.rawValue, &buffer)
        object.integer("length", range.length, &buffer)
        object.close(&buffer)
    }

    private static func appendSource(_ source: CapabilityBitsSource, to buffer: inout OutputBuffer) {
        var object = JSONObject(&buffer)
        switch source {
        case .physicalFunction(let offset):
            object.string("kind", "pf", &buffer)
            object.integer("offset", offset.rawValue, &buffer)
        case .options: object.string("kind", "options", &buffer)
        case .cleared: object.string("kind", "cleared", &buffer)
        case .layout: object.string("kind", "layout", &buffer)
        }
        object.close(&buffer)
    }

    private static func appendBits(_ bits: VirtualCapabilityBits, to buffer: inout OutputBuffer) {
        var object = JSONObject(&buffer)
        switch bits {
        case .pasid(let pasid):
            object.integer("maxPASIDWidth", pasid.maxWidth, &buffer)
            object.bool("executeSupported", pasid.executeSupported, &buffer)
            object.bool("privilegedSupported", pasid.privilegedSupported, &buffer)
        case .pri(let pri):
            object.unsigned("outstandingPageRequestCapacity", UInt64(pri.outstandingCapacity), &buffer)
            object.bool("prgResponsePASIDRequired", pri.prgResponsePASIDRequired, &buffer)
            object.integer("status", Int(pri.statusRegister), &buffer)
        case .ats(let register):
            object.integer("capability", Int(register), &buffer)
        case .dvsec(let identity):
            object.integer("vendorID", Int(identity.vendorID), &buffer)
            object.integer("dvsecID", Int(identity.dvsecID), &buffer)
            object.integer("revision", identity.revision, &buffer)
        case .freeSpaceDVSEC(let dvsec):
            object.integer("vendorID", Int(FreeSpaceDVSEC.vendorID), &buffer)
            object.integer("dvsecID", Int(FreeSpaceDVSEC.dvsecID), &buffer)
            object.integer("slots", dvsec.slots, &buffer)
            object.key("ranges", &buffer)
            appendArray(dvsec.ranges, to: &buffer) { range, buffer in appendRange(range, to: &buffer) }
        }
        object.close(&buffer)
    }

    private static func hexBytes(_ bytes: [UInt8]) -> String {
        var buffer = OutputBuffer(capacity: bytes.count * 2)
        for byte in bytes { buffer.appendHex(UInt64(byte), digits: 2) }
        return buffer.text
    }

    /// A stable name for a constraint (JSON `constraint`).
    public static func constraintName(_ constraint: PlacementConstraint) -> String {
        switch constraint {
        case .dwordAlignment: "dwordAlignment"
        case .extendedArea: "extendedArea"
        case .existingStructure: "existingStructure"
        case .unknownExtent: "unknownExtent"
        case .hiddenRegisters: "hiddenRegisters"
        case .reserved: "reserved"
        case .peer: "peer"
        case .otherPlacement: "otherPlacement"
        case .listHead: "listHead"
        }
    }
}
