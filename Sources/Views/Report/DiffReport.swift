import Model

/// The output of `cfgtui diff`: both sides named, the layout differences, the field
/// differences grouped by structure, and the migration verdict. `DiffReport+JSON.swift`
/// writes the same as JSON; the explorer's comparison pane uses the same phrases.
///
/// ```
/// a: 0000:01:00.1 Non-Volatile memory controller: ...  (nvme.txt, line 40)
/// b: 0000:01:00.2 ...
///
/// Fields (2):
///   Header
///     0x004  Command: Bus Master Enable (bit 2): a 0, b 1  [control]
/// Migration: compatible (2 differences, none breaks it: control and status state migrate with the device)
/// ```
public enum DiffReport {
    /// The whole text report.
    public static func appendText(_ comparison: FunctionComparison, to buffer: inout OutputBuffer) {
        let diff = comparison.diff
        for side in [DiffSide.a, .b] {
            let function = comparison.function(side)
            buffer.append(side.rawValue)
            buffer.append(": ")
            buffer.append(function.address.description)
            buffer.append(0x20)
            buffer.append(FunctionText.title(function))
            buffer.append("  (")
            buffer.append(FunctionText.origin(function.origin))
            buffer.append(")\n")
        }
        buffer.newline()
        if diff.isEmpty {
            buffer.append("No differences.\n")
        }
        if !diff.layout.isEmpty {
            buffer.append("Layout (")
            buffer.appendDecimal(diff.layout.count)
            buffer.append("):\n")
            for difference in diff.layout {
                buffer.append("  ")
                buffer.append(describe(difference, in: comparison))
                appendClass(difference.differenceClass, to: &buffer)
                buffer.newline()
            }
        }
        if !diff.fields.isEmpty {
            if !diff.layout.isEmpty { buffer.newline() }
            buffer.append("Fields (")
            buffer.appendDecimal(diff.fields.count)
            buffer.append("):\n")
            var current: DiffStructure?
            for difference in diff.fields {
                if current != difference.structure {
                    current = difference.structure
                    buffer.append("  ")
                    buffer.append(structureTitle(difference.structure, in: comparison))
                    buffer.newline()
                }
                buffer.append("    ")
                buffer.append(offsets(difference.rangeA, difference.rangeB))
                buffer.append("  ")
                buffer.append(describe(difference))
                appendClass(difference.differenceClass, to: &buffer)
                buffer.newline()
            }
        }
        buffer.newline()
        buffer.append(verdict(diff))
        buffer.newline()
        let breaking = breakingDescriptions(comparison)
        for line in breaking.prefix(maximumBreakingLines) {
            buffer.append("  ")
            buffer.append(line)
            buffer.newline()
        }
        if breaking.count > maximumBreakingLines {
            buffer.append("  ... and ")
            buffer.appendDecimal(breaking.count - maximumBreakingLines)
            buffer.append(" more (listed above)\n")
        }
    }

    /// How many breaking differences the verdict repeats.
    static let maximumBreakingLines = 20

    // MARK: - Phrases

    /// The verdict line.
    public static func verdict(_ diff: FunctionDiff) -> String {
        let total = diff.layout.count + diff.fields.count
        if diff.isEmpty { return "Migration: compatible (no differences)" }
        let count = total == 1 ? "1 difference" : "\(total) differences"
        if diff.isMigrationCompatible {
            return "Migration: compatible (\(count), none breaks it: control and status state migrate with the device)"
        }
        let breaking = diff.breakingLayout.count + diff.breakingFields.count
        return "Migration: not compatible (\(count); \(breaking == 1 ? "1 breaks" : "\(breaking) break") it):"
    }

    /// One line per breaking difference, layout first.
    public static func breakingDescriptions(_ comparison: FunctionComparison) -> [String] {
        comparison.diff.breakingLayout.map { describe($0, in: comparison) }
            + comparison.diff.breakingFields.map { structureTitle($0.structure, in: comparison) + ": " + describe($0) }
    }

    /// `identity`, `control`, `status`, `vendor-defined`.
    public static func className(_ differenceClass: DifferenceClass) -> String {
        switch differenceClass {
        case .identity: "identity"
        case .control: "control"
        case .status: "status"
        case .vendorDefined: "vendor-defined"
        }
    }

    static func appendClass(_ differenceClass: DifferenceClass, to buffer: inout OutputBuffer) {
        buffer.append("  [")
        buffer.append(className(differenceClass))
        if differenceClass.breaksMigration { buffer.append(", breaks migration") }
        buffer.append("]")
    }

    /// A structure's name: `Header`, or the capability's name with its offsets.
    public static func structureTitle(_ structure: DiffStructure, in comparison: FunctionComparison) -> String {
        guard case .capability(let kind) = structure.kind else { return "Header" }
        let definition = CapabilityCatalog.definition(for: kind)
        let offsetA = offset(of: structure.indexA, in: comparison.analysisA)
        let offsetB = offset(of: structure.indexB, in: comparison.analysisB)
        var text = definition.name
        if structure.instance > 0 { text += " #\(structure.instance + 1)" }
        switch (offsetA, offsetB) {
        case (let left?, let right?) where left == right:
            text += " [" + HexFormat.literal(UInt64(left), digits: 2) + "]"
        case (let left?, let right?):
            text +=
                " [a " + HexFormat.literal(UInt64(left), digits: 2) + ", b "
                + HexFormat.literal(UInt64(right), digits: 2) + "]"
        case (let left?, nil): text += " [" + HexFormat.literal(UInt64(left), digits: 2) + " in a]"
        case (nil, let right?): text += " [" + HexFormat.literal(UInt64(right), digits: 2) + " in b]"
        case (nil, nil): break
        }
        return text
    }

    private static func offset(of index: Int?, in analysis: FunctionAnalysis) -> Int? {
        guard let index, analysis.capabilities.indices.contains(index) else { return nil }
        return analysis.capabilities[index].offset.rawValue
    }

    /// A layout difference in words.
    public static func describe(_ difference: LayoutDifference, in comparison: FunctionComparison) -> String {
        let name = difference.structure.map { structureTitle($0, in: comparison) } ?? ""
        switch difference.kind {
        case .onlyIn(let side, _):
            return name + " only in " + side.rawValue
        case .moved(let left, let right):
            return name + ": at " + HexFormat.literal(UInt64(left.rawValue), digits: 2) + " in a, "
                + HexFormat.literal(UInt64(right.rawValue), digits: 2) + " in b"
        case .version(let left, let right):
            return name + ": version " + (left.map(String.init) ?? "?") + " in a, " + (right.map(String.init) ?? "?")
                + " in b"
        case .length(let left, let right):
            return name + ": length " + FunctionText.length(left) + " in a, " + FunctionText.length(right) + " in b"
        case .size(let left, let right):
            return "configuration space of \(left) bytes in a, \(right) in b"
        case .readBytes(let left, let right):
            return "\(left) bytes read in a, \(right) in b"
        case .gapBytes(let range, let left, let right, let tail):
            var text = (tail == nil ? "gap bytes " : "bytes after ") + HexFormat.range(range)
            if let tail {
                text += " (may belong to " + CapabilityCatalog.definition(for: tail).abbreviation + ", length unknown)"
            }
            return text + ": a " + bytes(left) + ", b " + bytes(right)
        }
    }

    /// A field difference in words, without its structure: `Command: Bus Master Enable (bit 2): a 0, b 1`.
    public static func describe(_ difference: FieldDifference) -> String {
        var text = label(difference)
        text += ": a " + value(difference.a) + ", b " + value(difference.b)
        return text
    }

    /// `Register: Field (bits 3:0)`, `Register (bits no field describes)`, `bytes no register describes`.
    public static func label(_ difference: FieldDifference) -> String {
        guard let register = difference.register else { return "bytes no register describes" }
        switch difference.part {
        case .field(let field, let bits):
            let text = field == register ? register : register + ": " + field
            return text
                + (bits.count == 1 ? " (bit \(bits.lowerBound))" : " (bits \(bits.upperBound):\(bits.lowerBound))")
        case .register:
            switch (difference.a, difference.b) {
            case (.absent, _), (_, .absent): return register
            default: return register + " (described differently on each side)"
            }
        case .undescribedBits: return register + " (bits no field describes)"
        case .bytes: return register
        }
    }

    /// A value as tables show it: `1 (2.5 GT/s)`, bytes in hex, `(not read)`, `(absent)`.
    public static func value(_ value: DiffValue) -> String {
        switch value {
        case .field(let raw, let decoded):
            var buffer = OutputBuffer(capacity: 32)
            ValueText.appendField(raw: raw, decoded: decoded, to: &buffer)
            return buffer.text
        case .bytes(let values): return bytes(values)
        case .unreadable: return "(not read)"
        case .absent: return "(absent)"
        }
    }

    /// Bytes in hex, the first 16 of a longer run.
    static func bytes(_ values: [UInt8]) -> String {
        var text = values.prefix(16).map { HexFormat.byte($0) }.joined(separator: " ")
        if values.count > 16 { text += " ... (\(values.count) bytes)" }
        return text
    }

    /// `0x052`, or `a 0x052, b 0x072` when the register sits at different offsets.
    static func offsets(_ left: ConfigRange?, _ right: ConfigRange?) -> String {
        switch (left, right) {
        case (let left?, let right?) where left.start == right.start:
            return HexFormat.literal(UInt64(left.start.rawValue), digits: 3)
        case (let left?, let right?):
            return "a " + HexFormat.literal(UInt64(left.start.rawValue), digits: 3) + ", b "
                + HexFormat.literal(UInt64(right.start.rawValue), digits: 3)
        case (let left?, nil): return HexFormat.literal(UInt64(left.start.rawValue), digits: 3)
        case (nil, let right?): return HexFormat.literal(UInt64(right.start.rawValue), digits: 3)
        case (nil, nil): return "     "
        }
    }
}
