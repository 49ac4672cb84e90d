import Model

extension DiffReport {
    /// The JSON document of `cfgtui diff --json` (schema in the README):
    /// `{"a", "b", "layout", "fields", "migrationCompatible", "breaking", "summary"}`.
    public static func appendJSON(_ comparison: FunctionComparison, to buffer: inout OutputBuffer) {
        let diff = comparison.diff
        var document = JSONObject(&buffer)
        for side in [DiffSide.a, .b] {
            document.key(side.rawValue, &buffer)
            appendIdentity(comparison.function(side), analysis: comparison.analysis(side), to: &buffer)
        }

        document.key("layout", &buffer)
        buffer.append(0x5B)
        for (index, difference) in diff.layout.enumerated() {
            if index > 0 { buffer.append(0x2C) }
            buffer.newline()
            appendLayout(difference, in: comparison, to: &buffer)
        }
        buffer.append(0x5D)

        document.key("fields", &buffer)
        buffer.append(0x5B)
        for (index, difference) in diff.fields.enumerated() {
            if index > 0 { buffer.append(0x2C) }
            buffer.newline()
            appendField(difference, in: comparison, to: &buffer)
        }
        buffer.append(0x5D)

        document.bool("migrationCompatible", diff.isMigrationCompatible, &buffer)
        document.key("breaking", &buffer)
        buffer.append(0x5B)
        var count = 0
        for (list, entries) in [
            ("layout", diff.layout.enumerated().filter { $0.element.breaksMigration }.map { $0.offset }),
            ("fields", diff.fields.enumerated().filter { $0.element.breaksMigration }.map { $0.offset }),
        ] {
            for index in entries {
                if count > 0 { buffer.append(0x2C) }
                count += 1
                var entry = JSONObject(&buffer)
                entry.string("list", list, &buffer)
                entry.integer("index", index, &buffer)
                let text =
                    list == "layout"
                    ? describe(diff.layout[index], in: comparison)
                    : structureTitle(diff.fields[index].structure, in: comparison) + ": " + describe(diff.fields[index])
                entry.string("description", text, &buffer)
                entry.close(&buffer)
            }
        }
        buffer.append(0x5D)

        document.key("summary", &buffer)
        var summary = JSONObject(&buffer)
        summary.integer("layout", diff.layout.count, &buffer)
        summary.integer("fields", diff.fields.count, &buffer)
        for differenceClass in DifferenceClass.allCases {
            summary.integer(
                differenceClass.rawValue,
                diff.fieldCount(differenceClass) + diff.layout.filter { $0.differenceClass == differenceClass }.count,
                &buffer)
        }
        summary.integer("breaking", count, &buffer)
        summary.close(&buffer)
        document.close(&buffer)
        buffer.newline()
    }

    static func appendIdentity(_ function: PCIFunction, analysis: FunctionAnalysis, to buffer: inout OutputBuffer) {
        var object = JSONObject(&buffer)
        object.string("address", function.address.description, &buffer)
        object.string("title", FunctionText.title(function), &buffer)
        object.integer("vendorID", Int(function.vendorID), &buffer)
        object.integer("deviceID", Int(function.deviceID), &buffer)
        object.integer("classCode", function.classCode, &buffer)
        object.integer("headerType", analysis.headerType.map { Int($0.rawValue & 0x7F) }, &buffer)
        object.bool("virtualFunction", analysis.context.isVirtualFunction, &buffer)
        object.integer("readableLength", function.space.readableLength, &buffer)
        object.integer("size", function.space.size, &buffer)
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
        object.close(&buffer)
    }

    static func appendStructure(
        _ structure: DiffStructure?, in comparison: FunctionComparison, to buffer: inout OutputBuffer
    ) {
        guard let structure else {
            buffer.append("null")
            return
        }
        var object = JSONObject(&buffer)
        switch structure.kind {
        case .header:
            object.string("kind", "header", &buffer)
            object.string("name", "Header", &buffer)
        case .capability(let kind):
            let definition = CapabilityCatalog.definition(for: kind)
            object.string("kind", "capability", &buffer)
            object.string("space", kind.space.rawValue, &buffer)
            object.integer("id", kind.rawID, &buffer)
            object.string("name", definition.name, &buffer)
            object.string("abbreviation", definition.abbreviation, &buffer)
            object.integer("instance", structure.instance, &buffer)
            object.integer("offsetA", capabilityOffset(structure.indexA, comparison.analysisA), &buffer)
            object.integer("offsetB", capabilityOffset(structure.indexB, comparison.analysisB), &buffer)
        }
        object.close(&buffer)
    }

    private static func capabilityOffset(_ index: Int?, _ analysis: FunctionAnalysis) -> Int? {
        guard let index, analysis.capabilities.indices.contains(index) else { return nil }
        return analysis.capabilities[index].offset.rawValue
    }

    static func appendLayout(
        _ difference: LayoutDifference, in comparison: FunctionComparison, to buffer: inout OutputBuffer
    ) {
        var object = JSONObject(&buffer)
        object.key("structure", &buffer)
        appendStructure(difference.structure, in: comparison, to: &buffer)
        switch difference.kind {
        case .onlyIn(let side, let offset):
            object.string("kind", "onlyIn", &buffer)
            object.string("side", side.rawValue, &buffer)
            object.integer("offset", offset.rawValue, &buffer)
        case .moved(let left, let right):
            object.string("kind", "moved", &buffer)
            object.integer("a", left.rawValue, &buffer)
            object.integer("b", right.rawValue, &buffer)
        case .version(let left, let right):
            object.string("kind", "version", &buffer)
            object.integer("a", left, &buffer)
            object.integer("b", right, &buffer)
        case .length(let left, let right):
            object.string("kind", "length", &buffer)
            object.integer("a", left.bytes, &buffer)
            object.integer("b", right.bytes, &buffer)
        case .size(let left, let right):
            object.string("kind", "size", &buffer)
            object.integer("a", left, &buffer)
            object.integer("b", right, &buffer)
        case .readBytes(let left, let right):
            object.string("kind", "readBytes", &buffer)
            object.integer("a", left, &buffer)
            object.integer("b", right, &buffer)
        case .gapBytes(let range, let left, let right, let tail):
            object.string("kind", "gapBytes", &buffer)
            object.integer("offset", range.start.rawValue, &buffer)
            object.integer("length", range.length, &buffer)
            object.string("a", hexString(left), &buffer)
            object.string("b", hexString(right), &buffer)
            object.string("possiblyOf", tail.map { CapabilityCatalog.definition(for: $0).abbreviation }, &buffer)
        }
        object.string("class", difference.differenceClass.rawValue, &buffer)
        object.bool("breaksMigration", difference.breaksMigration, &buffer)
        object.string("description", describe(difference, in: comparison), &buffer)
        object.close(&buffer)
    }

    static func appendField(
        _ difference: FieldDifference, in comparison: FunctionComparison, to buffer: inout OutputBuffer
    ) {
        var object = JSONObject(&buffer)
        object.key("structure", &buffer)
        appendStructure(difference.structure, in: comparison, to: &buffer)
        object.string("register", difference.register, &buffer)
        object.string("field", difference.field, &buffer)
        object.integer("lowBit", difference.bits?.lowerBound, &buffer)
        object.integer("highBit", difference.bits?.upperBound, &buffer)
        for (side, range, access, value) in [
            ("a", difference.rangeA, difference.accessA, difference.a),
            ("b", difference.rangeB, difference.accessB, difference.b),
        ] {
            object.key(side, &buffer)
            var entry = JSONObject(&buffer)
            entry.integer("offset", range?.start.rawValue, &buffer)
            entry.integer("length", range?.length, &buffer)
            entry.string("access", access?.rawValue, &buffer)
            switch value {
            case .field(let raw, let decoded):
                entry.string("state", "read", &buffer)
                entry.unsigned("value", raw, &buffer)
                entry.string("decoded", ValueText.describe(decoded), &buffer)
            case .bytes(let bytes):
                entry.string("state", "read", &buffer)
                entry.string("bytes", hexString(bytes), &buffer)
            case .unreadable:
                entry.string("state", "unreadable", &buffer)
            case .absent:
                entry.string("state", "absent", &buffer)
            }
            entry.close(&buffer)
        }
        object.string("class", difference.differenceClass.rawValue, &buffer)
        object.bool("breaksMigration", difference.breaksMigration, &buffer)
        object.close(&buffer)
    }

    /// Bytes as one hex string, in offset order: `"5aa5"`.
    static func hexString(_ bytes: [UInt8]) -> String {
        bytes.map { HexFormat.byte($0) }.joined()
    }
}
