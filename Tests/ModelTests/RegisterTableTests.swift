import Foundation
import Testing

@testable import Model

/// Structural invariants of every register table, on every function of the corpus and on
/// synthetic spaces for every catalogued ID.
@Suite struct RegisterTableTests {
    /// Problems with one structure's registers: order, overlap, field bounds, coverage.
    static func problems(in registers: [RegisterSpec], length: Int?, name: String) -> [String] {
        var problems = [String]()
        var previousEnd = 0
        for register in registers {
            if register.offset < previousEnd {
                problems.append(
                    "\(name): register '\(register.name)' at +\(register.offset) overlaps or is out of order")
            }
            previousEnd = max(previousEnd, register.offset + register.width)
            if !register.fields.isEmpty && ![1, 2, 3, 4, 8].contains(register.width) {
                problems.append("\(name): register '\(register.name)' has fields but width \(register.width)")
            }
            var usedBits: UInt64 = 0
            for field in register.fields {
                if field.bitCount < 1 || field.highBit >= register.width * 8 {
                    problems.append("\(name): field '\(field.name)' of '\(register.name)' is outside the register")
                    continue
                }
                if usedBits & field.mask != 0 {
                    problems.append("\(name): field '\(field.name)' of '\(register.name)' overlaps another field")
                }
                usedBits |= field.mask
                if field.name.isEmpty || field.meaning.isEmpty {
                    problems.append("\(name): a field of '\(register.name)' has no name or meaning")
                }
            }
            if !register.fields.isEmpty {
                let all: UInt64 = register.width >= 8 ? .max : (UInt64(1) << UInt64(register.width * 8)) - 1
                if usedBits != all {
                    problems.append(
                        "\(name): register '\(register.name)' leaves bits uncovered (mask \(String(usedBits, radix: 16)))"
                    )
                }
            }
        }
        if let length {
            var covered = [Bool](repeating: false, count: max(length, previousEnd))
            for register in registers {
                for byte in register.offset..<(register.offset + register.width) where byte < covered.count {
                    covered[byte] = true
                }
            }
            if let hole = covered.prefix(length).firstIndex(of: false) {
                problems.append("\(name): byte +\(hole) of the \(length)-byte structure has no register")
            }
        }
        return problems
    }

    @Test func headerTablesCoverEveryHeaderByte() {
        for layout in [HeaderLayout.endpoint, .bridge, .cardBus] {
            for isVF in [false, true] {
                for express in [false, true] {
                    var bytes = [UInt8](repeating: 0, count: 256)
                    bytes[0x10] = 0x0C  // a 64-bit prefetchable BAR0
                    let space = ConfigSpace(bytes: bytes)
                    let context = FunctionContext(
                        headerLayout: layout,
                        express: express
                            ? ExpressInfo(
                                offset: 0x40, version: 2, portType: .endpoint, maxLinkWidth: 1,
                                deviceCapabilities2: 0, isSlotImplemented: false) : nil,
                        isVirtualFunction: isVF)
                    let registers = RegisterCatalog.headerRegisters(in: space, context: context)
                    let found = Self.problems(in: registers, length: layout.headerLength, name: "header \(layout)")
                    #expect(found.isEmpty, "\(found)")
                }
            }
        }
    }

    @Test(.requires(.corpus)) func everyCorpusStructureSatisfiesTheInvariants() throws {
        try Requirement.check(.corpus)
        var checked = 0
        for file in Corpus.dumpFiles {
            for function in try Corpus.functions(in: file) {
                let analysis = FunctionAnalysis(space: function.space, address: function.address)
                let header = RegisterCatalog.headerRegisters(in: analysis.space, context: analysis.context)
                let headerProblems = Self.problems(
                    in: header, length: analysis.context.headerLayout.headerLength,
                    name: "\(file.lastPathComponent) \(function.address) header")
                #expect(headerProblems.isEmpty, "\(headerProblems)")
                for capability in analysis.capabilities {
                    let registers = RegisterCatalog.registers(
                        for: capability, in: analysis.space, context: analysis.context)
                    let name =
                        "\(file.lastPathComponent) \(function.address) \(capability.definition.name)@\(String(capability.offset.rawValue, radix: 16))"
                    let found = Self.problems(in: registers, length: capability.length.bytes, name: name)
                    #expect(found.isEmpty, "\(found)")
                    checked += 1
                }
            }
        }
        #expect(checked > 500)
    }
}
