import Model

/// The JSON output of `cfgtui list --json` and `cfgtui show --json`: `{"devices": [...]}`.
///
/// Numbers are JSON integers; offsets are byte offsets; a capability whose length is unknown
/// has `"length": null` and `"lengthUnknown"` saying why. The schema is in the README.
public enum JSONReport {
    /// Writes the document. `detail` adds registers, fields and derived values (`show`).
    public static func append(_ functions: [PCIFunction], detail: Bool, to buffer: inout OutputBuffer) {
        buffer.append("{\"devices\":[")
        for (index, function) in functions.enumerated() {
            if index > 0 { buffer.append(0x2C) }
            buffer.newline()
            appendFunction(function, detail: detail, to: &buffer)
        }
        buffer.append("\n]}\n")
    }

    /// One device object.
    public static func appendFunction(_ function: PCIFunction, detail: Bool, to buffer: inout OutputBuffer) {
        let analysis = function.analyze()
        var object = JSONObject(&buffer)
        object.string("address", function.address.description, &buffer)
        object.integer("vendorID", Int(function.vendorID), &buffer)
        object.integer("deviceID", Int(function.deviceID), &buffer)
        object.integer("classCode", function.classCode, &buffer)
        object.integer("revisionID", function.space.byte(at: 8).map { Int($0) }, &buffer)
        object.integer("headerType", analysis.headerType.map { Int($0.rawValue & 0x7F) }, &buffer)
        object.bool("multiFunction", analysis.headerType?.isMultiFunction ?? false, &buffer)
        if analysis.context.headerLayout == .endpoint {
            object.integer("subsystemVendorID", function.space.word(at: 0x2C).map { Int($0) }, &buffer)
            object.integer("subsystemID", function.space.word(at: 0x2E).map { Int($0) }, &buffer)
        }
        object.integer("readableLength", function.space.readableLength, &buffer)
        object.integer("size", function.space.size, &buffer)
        if !function.space.unreadable.isEmpty {
            // Holes the dump left inside readableLength: their bytes were not read.
            object.key("unreadable", &buffer)
            buffer.append(0x5B)
            for (index, hole) in function.space.unreadable.enumerated() {
                if index > 0 { buffer.append(0x2C) }
                var entry = JSONObject(&buffer)
                entry.integer("offset", hole.start.rawValue, &buffer)
                entry.integer("length", hole.length, &buffer)
                entry.close(&buffer)
            }
            buffer.append(0x5D)
        }
        object.bool(
            "needsRoot", function.isUnprivilegedRead && function.space.readableLength < function.space.size, &buffer)

        object.key("names", &buffer)
        var names = JSONObject(&buffer)
        names.string("class", function.names.className, &buffer)
        names.string("vendor", function.names.vendor, &buffer)
        names.string("device", function.names.device, &buffer)
        names.string("subsystemVendor", function.names.subsystemVendor, &buffer)
        names.string("subsystem", function.names.subsystem, &buffer)
        names.close(&buffer)

        object.key("relation", &buffer)
        var relation = JSONObject(&buffer)
        switch function.relation {
        case .none:
            relation.string("kind", "none", &buffer)
        case .physicalFunction(let vfs):
            relation.string("kind", "pf", &buffer)
            relation.strings("virtualFunctions", vfs.map(\.description), &buffer)
        case .virtualFunction(let pf):
            relation.string("kind", "vf", &buffer)
            relation.string("physicalFunction", pf.description, &buffer)
        }
        relation.close(&buffer)
        object.string("driver", function.driver, &buffer)

        object.key("source", &buffer)
        var source = JSONObject(&buffer)
        switch function.origin {
        case .host: source.string("kind", "host", &buffer)
        case .demo: source.string("kind", "demo", &buffer)
        case .dump(let file, let line):
            source.string("kind", "dump", &buffer)
            source.string("file", file, &buffer)
            source.integer("line", line, &buffer)
        }
        source.close(&buffer)

        if let express = analysis.context.express {
            object.key("express", &buffer)
            var entry = JSONObject(&buffer)
            entry.integer("offset", express.offset.rawValue, &buffer)
            entry.integer("version", express.version, &buffer)
            entry.integer("portType", express.portType.rawValue, &buffer)
            entry.string("portTypeName", FunctionText.portType(express.portType), &buffer)
            entry.integer("maxLinkWidth", express.maxLinkWidth, &buffer)
            entry.close(&buffer)
        }
        if detail {
            object.key("header", &buffer)
            appendStructure(RegisterDecoder.header(of: analysis), to: &buffer)
        }

        object.key("capabilities", &buffer)
        buffer.append(0x5B)
        for (index, capability) in analysis.capabilities.enumerated() {
            if index > 0 { buffer.append(0x2C) }
            var entry = JSONObject(&buffer)
            let definition = capability.definition
            entry.string("space", capability.space.rawValue, &buffer)
            entry.integer("id", capability.kind.rawID, &buffer)
            entry.integer("offset", capability.offset.rawValue, &buffer)
            entry.integer("length", capability.length.bytes, &buffer)
            if case .unknown(let reason) = capability.length {
                entry.string("lengthUnknown", reasonCode(reason), &buffer)
            }
            if let version = capability.version { entry.integer("version", version, &buffer) }
            entry.string("name", definition.name, &buffer)
            entry.string("abbreviation", definition.abbreviation, &buffer)
            entry.string("setpciName", definition.setpciName, &buffer)
            entry.integer("nextPointer", capability.nextPointer, &buffer)
            if detail {
                entry.string("reference", definition.reference.description, &buffer)
                let structure = RegisterDecoder.capability(index, of: analysis)
                entry.key("registers", &buffer)
                appendRegisters(structure.registers, to: &buffer)
                entry.key("derived", &buffer)
                appendDerived(structure.derivedValues, to: &buffer)
            }
            entry.close(&buffer)
        }
        buffer.append(0x5D)

        object.key("diagnostics", &buffer)
        buffer.append(0x5B)
        for (index, diagnostic) in analysis.diagnostics.enumerated() {
            if index > 0 { buffer.append(0x2C) }
            var entry = JSONObject(&buffer)
            entry.string("severity", DiagnosticText.severity(diagnostic.severity), &buffer)
            entry.integer("offset", diagnostic.offset?.rawValue, &buffer)
            entry.string("kind", DiagnosticText.code(diagnostic.kind), &buffer)
            entry.string("message", DiagnosticText.message(diagnostic.kind), &buffer)
            entry.close(&buffer)
        }
        buffer.append(0x5D)

        object.key("gaps", &buffer)
        buffer.append(0x5B)
        for (index, gap) in analysis.map.gaps.enumerated() {
            if index > 0 { buffer.append(0x2C) }
            var entry = JSONObject(&buffer)
            entry.integer("offset", gap.range.start.rawValue, &buffer)
            entry.integer("length", gap.range.length, &buffer)
            entry.integer("nonZeroBytes", gap.nonZeroBytes, &buffer)
            entry.string("area", gap.area.rawValue, &buffer)
            entry.close(&buffer)
        }
        buffer.append(0x5D)
        object.close(&buffer)
    }

    static func reasonCode(_ reason: LengthUnknownReason) -> String {
        switch reason {
        case .notCatalogued: "notCatalogued"
        case .fieldUnreadable: "fieldUnreadable"
        case .invalidField: "invalidField"
        case .linkWidthUnknown: "linkWidthUnknown"
        }
    }

    static func appendStructure(_ structure: DecodedStructure, to buffer: inout OutputBuffer) {
        var object = JSONObject(&buffer)
        object.string("reference", structure.reference.description, &buffer)
        object.key("registers", &buffer)
        appendRegisters(structure.registers, to: &buffer)
        object.key("derived", &buffer)
        appendDerived(structure.derivedValues, to: &buffer)
        object.close(&buffer)
    }

    static func appendRegisters(_ registers: [DecodedRegister], to buffer: inout OutputBuffer) {
        buffer.append(0x5B)
        for (index, register) in registers.enumerated() {
            if index > 0 { buffer.append(0x2C) }
            var object = JSONObject(&buffer)
            object.integer("offset", register.offset.rawValue, &buffer)
            object.integer("width", register.spec.width, &buffer)
            object.string("name", register.spec.name, &buffer)
            object.string("setpciName", register.spec.setpciName, &buffer)
            object.string("reference", register.reference.description, &buffer)
            object.unsigned("value", register.value, &buffer)
            object.key("fields", &buffer)
            buffer.append(0x5B)
            for (fieldIndex, field) in register.spec.fields.enumerated() {
                if fieldIndex > 0 { buffer.append(0x2C) }
                var entry = JSONObject(&buffer)
                entry.string("name", field.name, &buffer)
                entry.integer("lowBit", field.lowBit, &buffer)
                entry.integer("highBit", field.highBit, &buffer)
                entry.string("access", field.access.rawValue, &buffer)
                entry.string("meaning", field.meaning, &buffer)
                let raw = register.value(of: field)
                entry.unsigned("value", raw, &buffer)
                entry.string(
                    "decoded", raw.map { ValueText.describe(field.decoding.decode($0, lowBit: field.lowBit)) }, &buffer)
                entry.close(&buffer)
            }
            buffer.append(0x5D)
            object.close(&buffer)
        }
        buffer.append(0x5D)
    }

    static func appendDerived(_ values: [DerivedValue], to buffer: inout OutputBuffer) {
        buffer.append(0x5B)
        for (index, value) in values.enumerated() {
            if index > 0 { buffer.append(0x2C) }
            var object = JSONObject(&buffer)
            object.string("name", value.name, &buffer)
            object.string("value", ValueText.describe(value.value), &buffer)
            object.close(&buffer)
        }
        buffer.append(0x5D)
    }
}

/// Writes one JSON object's members into a buffer it does not own, handling the commas.
struct JSONObject {
    private var hasMembers = false

    init(_ buffer: inout OutputBuffer) { buffer.append(0x7B) }

    mutating func key(_ name: String, _ buffer: inout OutputBuffer) {
        if hasMembers { buffer.append(0x2C) }
        hasMembers = true
        buffer.appendJSONString(name)
        buffer.append(0x3A)
    }

    mutating func string(_ name: String, _ value: String?, _ buffer: inout OutputBuffer) {
        key(name, &buffer)
        if let value { buffer.appendJSONString(value) } else { buffer.append("null") }
    }

    mutating func integer(_ name: String, _ value: Int?, _ buffer: inout OutputBuffer) {
        key(name, &buffer)
        if let value { buffer.appendDecimal(value) } else { buffer.append("null") }
    }

    mutating func unsigned(_ name: String, _ value: UInt64?, _ buffer: inout OutputBuffer) {
        key(name, &buffer)
        if let value { buffer.appendDecimal(value) } else { buffer.append("null") }
    }

    mutating func bool(_ name: String, _ value: Bool, _ buffer: inout OutputBuffer) {
        key(name, &buffer)
        buffer.append(value ? "true" : "false")
    }

    mutating func strings(_ name: String, _ values: [String], _ buffer: inout OutputBuffer) {
        key(name, &buffer)
        buffer.append(0x5B)
        for (index, value) in values.enumerated() {
            if index > 0 { buffer.append(0x2C) }
            buffer.appendJSONString(value)
        }
        buffer.append(0x5D)
    }

    func close(_ buffer: inout OutputBuffer) { buffer.append(0x7D) }
}
