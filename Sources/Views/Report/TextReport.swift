import Model

/// The human-readable output of `cfgtui list` and `cfgtui show`.
public enum TextReport {
    // MARK: - list

    /// One line per function: address, class, vendor and device names, relation, readable bytes.
    public static func appendList(_ functions: [PCIFunction], to buffer: inout OutputBuffer) {
        for function in functions {
            let isVF = function.isVirtualFunction
            buffer.append(function.address.description)
            buffer.append(isVF ? "   " : " ")
            buffer.append(FunctionText.title(function))
            if let relation = FunctionText.relation(function) {
                buffer.append("  [")
                buffer.append(relation)
                buffer.append("]")
            }
            buffer.append("  ")
            buffer.append(FunctionText.readable(function))
            // A sysfs file the host source could not use, said on the function's own line.
            for diagnostic in function.sourceDiagnostics {
                guard case .sysfsFileUnusable = diagnostic.kind else { continue }
                buffer.append("  ")
                buffer.append(DiagnosticText.message(diagnostic.kind))
            }
            buffer.newline()
        }
    }

    // MARK: - show

    /// Everything about one function: identity, header and capability registers with their
    /// fields, diagnostics and gaps.
    public static func appendShow(_ function: PCIFunction, to buffer: inout OutputBuffer) {
        let analysis = function.analyze()
        appendIdentity(function, analysis: analysis, to: &buffer)

        buffer.newline()
        let header = RegisterDecoder.header(of: analysis)
        buffer.append("  Header: ")
        buffer.append(FunctionText.layout(analysis.context.headerLayout))
        buffer.append("  [")
        buffer.append(header.reference.description)
        buffer.append("]\n")
        appendStructure(header, space: function.space, to: &buffer)

        let standardCount = analysis.standardCapabilities.count
        buffer.newline()
        buffer.append("  Capabilities: ")
        buffer.appendDecimal(standardCount)
        buffer.append(" standard, ")
        buffer.appendDecimal(analysis.capabilities.count - standardCount)
        buffer.append(" extended\n")
        for index in analysis.capabilities.indices {
            appendCapabilityTitle(analysis.capabilities[index], analysis: analysis, to: &buffer)
            appendStructure(RegisterDecoder.capability(index, of: analysis), space: function.space, to: &buffer)
        }

        buffer.newline()
        appendDiagnostics(analysis.diagnostics, to: &buffer)
        appendGaps(analysis.map.gaps, to: &buffer)
        buffer.newline()
    }

    static func appendIdentity(_ function: PCIFunction, analysis: FunctionAnalysis, to buffer: inout OutputBuffer) {
        buffer.append(function.address.description)
        buffer.append(0x20)
        buffer.append(FunctionText.title(function))
        buffer.newline()
        if analysis.context.headerLayout == .endpoint, let vendor = function.space.word(at: 0x2C),
            let device = function.space.word(at: 0x2E), vendor != 0 || device != 0
        {
            buffer.append("  Subsystem: ")
            if let name = function.names.subsystemVendor {
                buffer.append(name)
                buffer.append(0x20)
            }
            if let name = function.names.subsystem {
                buffer.append(name)
                buffer.append(0x20)
            }
            buffer.append("[")
            buffer.appendHex(UInt64(vendor), digits: 4)
            buffer.append(0x3A)
            buffer.appendHex(UInt64(device), digits: 4)
            buffer.append("]\n")
        }
        buffer.append("  Source: ")
        buffer.append(FunctionText.origin(function.origin))
        buffer.append("; ")
        buffer.append(FunctionText.readableClause(function))
        if let driver = function.driver {
            buffer.append("; driver ")
            buffer.append(driver)
        }
        buffer.newline()
        switch function.relation {
        case .none: break
        case .physicalFunction(let vfs):
            buffer.append("  SR-IOV: physical function of ")
            ValueText.append(.functions(vfs), to: &buffer)
            buffer.newline()
        case .virtualFunction(let pf):
            buffer.append("  SR-IOV: virtual function of ")
            buffer.append(pf.description)
            buffer.newline()
        }
    }

    static func appendCapabilityTitle(
        _ capability: Capability, analysis: FunctionAnalysis, to buffer: inout OutputBuffer
    ) {
        let definition = capability.definition
        buffer.append("  [")
        buffer.appendHex(UInt64(capability.offset.rawValue), digits: 2)
        if let version = capability.version {
            buffer.append(" v")
            buffer.appendDecimal(version)
        }
        buffer.append("] ")
        buffer.append(definition.name)
        if capability.kind == .standard(.pciExpress), let express = analysis.context.express {
            buffer.append(" v")
            buffer.appendDecimal(express.version)
            buffer.append(0x20)
            buffer.append(FunctionText.portType(express.portType))
        }
        buffer.append(" (ID ")
        buffer.appendHexLiteral(UInt64(capability.kind.rawID), digits: capability.space == .standard ? 2 : 4)
        if let setpci = definition.setpciName {
            buffer.append(", ")
            buffer.append(setpci)
        }
        buffer.append(", ")
        buffer.append(FunctionText.length(capability.length))
        buffer.append("; ")
        buffer.append(definition.reference.description)
        buffer.append(")\n")
    }

    /// Registers and their fields, then derived values. A register with a subsection of its
    /// own names it at the end of its line; the others are defined where the title says.
    static func appendStructure(_ structure: DecodedStructure, space: ConfigSpace, to buffer: inout OutputBuffer) {
        for register in structure.registers {
            buffer.append("    ")
            buffer.appendHex(UInt64(register.offset.rawValue), digits: 3)
            buffer.append("  ")
            buffer.append(register.spec.name)
            buffer.append("  ")
            if register.spec.isOpaque {
                appendOpaque(register, space: space, to: &buffer)
                appendReference(register, of: structure, to: &buffer)
                buffer.newline()
                continue
            }
            guard let value = register.value else {
                buffer.append("(not readable)")
                appendReference(register, of: structure, to: &buffer)
                buffer.newline()
                continue
            }
            buffer.appendHexLiteral(value, digits: register.spec.width * 2)
            appendReference(register, of: structure, to: &buffer)
            buffer.newline()
            for field in register.spec.fields {
                // Reserved bits that read 0 are noise in a text listing (JSON keeps them); set
                // reserved bits are worth seeing.
                if !field.access.isReserved || field.value(in: value) != 0 {
                    appendField(field, registerValue: value, to: &buffer)
                }
            }
        }
        for derived in structure.derivedValues {
            buffer.append("    = ")
            buffer.append(derived.name)
            buffer.append(": ")
            ValueText.append(derived.value, to: &buffer)
            buffer.newline()
        }
    }

    /// `  [PCIe r6.0 §7.5.3.4]` when the register's reference is not its structure's.
    static func appendReference(
        _ register: DecodedRegister, of structure: DecodedStructure, to buffer: inout OutputBuffer
    ) {
        guard register.reference != structure.reference else { return }
        buffer.append("  [")
        register.reference.writeCitation { buffer.append($0) }
        buffer.append(0x5D)
    }

    static func appendField(_ field: RegisterField, registerValue: UInt64, to buffer: inout OutputBuffer) {
        buffer.spaces(8)
        if field.bitCount > 1 {
            if field.highBit < 10 { buffer.append(0x20) }
            if field.lowBit < 10 { buffer.append(0x20) }
            buffer.appendDecimal(field.highBit)
            buffer.append(0x3A)
            buffer.appendDecimal(field.lowBit)
        } else {
            buffer.spaces(field.lowBit < 10 ? 4 : 3)
            buffer.appendDecimal(field.lowBit)
        }
        buffer.append("  ")
        buffer.append(field.name, paddedTo: 34)
        buffer.append(0x20)
        let raw = field.value(in: registerValue)
        let valueStart = buffer.count
        ValueText.appendField(raw: raw, decoded: field.decoding.decode(raw, lowBit: field.lowBit), to: &buffer)
        buffer.spaces(14 - (buffer.count - valueStart))
        buffer.append(0x20)
        buffer.append(field.access.rawValue, paddedTo: 7)
        buffer.append(field.meaning)
        buffer.newline()
    }

    static func appendOpaque(_ register: DecodedRegister, space: ConfigSpace, to buffer: inout OutputBuffer) {
        buffer.append("(")
        buffer.appendDecimal(register.spec.width)
        buffer.append(register.spec.width == 1 ? " byte)" : " bytes)")
        let start = register.offset.rawValue
        let shown = min(register.spec.width, 16)
        var readable = 0
        for index in 0..<shown {
            guard let byte = space.byte(at: start + index) else { break }
            buffer.append(index == 0 ? ": " : " ")
            buffer.appendHex(UInt64(byte), digits: 2)
            readable += 1
        }
        if readable < shown {
            buffer.append(readable == 0 ? " not readable" : " (rest not readable)")
        } else if register.spec.width > shown {
            buffer.append(" ...")
        }
    }

    public static func appendDiagnostics(_ diagnostics: [Diagnostic], to buffer: inout OutputBuffer) {
        buffer.append("  Diagnostics:")
        if diagnostics.isEmpty {
            buffer.append(" none\n")
            return
        }
        buffer.newline()
        for diagnostic in diagnostics {
            buffer.append("    ")
            buffer.append(DiagnosticText.severity(diagnostic.severity), paddedTo: 8)
            if let offset = diagnostic.offset {
                buffer.append("[")
                buffer.appendHex(UInt64(max(0, offset.rawValue)), digits: 3)
                buffer.append("] ")
            } else {
                buffer.append("      ")
            }
            buffer.append(DiagnosticText.message(diagnostic.kind))
            buffer.newline()
        }
    }

    public static func appendGaps(_ gaps: [Gap], to buffer: inout OutputBuffer) {
        buffer.append("  Gaps:")
        if gaps.isEmpty {
            buffer.append(" none\n")
            return
        }
        buffer.newline()
        for gap in gaps {
            buffer.append("    ")
            buffer.append(gap.area.rawValue, paddedTo: 10)
            buffer.appendHex(UInt64(gap.range.start.rawValue), digits: 3)
            buffer.append(0x2D)
            buffer.appendHex(UInt64(gap.range.end.rawValue - 1), digits: 3)
            buffer.append("  ")
            buffer.append(String(gap.range.length), paddedTo: 5)
            buffer.append(" bytes, ")
            buffer.appendDecimal(gap.nonZeroBytes)
            buffer.append(" non-zero")
            if gap.nonZeroBytes > 0 { buffer.append(" (suspected hidden registers)") }
            buffer.newline()
        }
    }
}
