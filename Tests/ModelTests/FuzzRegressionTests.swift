import Testing

@testable import Model

/// Every input libFuzzer found a bug with (scripts/fuzz.sh, Fuzz/), kept as it was found and
/// checked against the fixed behaviour. The comment names the target and the input's file.
@Suite struct FuzzRegressionTests {
    /// setpci target, crash-65fa9d9b: `*` chooses the demo function, then `0x44.B=ff,0x4411`.
    /// The second value is too wide for a byte; `SetpciProgram.append` kept the first value's
    /// access without an expression, and `place(ofAccess:)` trapped on it.
    @Test func aBadValueAfterGoodOnesLeavesNoAccessWithoutItsExpression() throws {
        let input: [UInt8] = [
            0x2A, 0x30, 0x78, 0x34, 0x34, 0x2E, 0x42, 0x3D, 0x66, 0x66, 0x2C, 0x30, 0x78, 0x34, 0x34, 0x31, 0x31,
        ]
        let resolver = try SetpciExpressionTests.resolver()
        var program = SetpciProgram()
        try program.append(SetpciProgram.Source(label: "-e #1", text: "COMMAND"), resolver: resolver)
        let text = String(decoding: input.dropFirst(), as: UTF8.self)
        let error = try #require(throws: SetpciProgramError.self) {
            try program.append(SetpciProgram.Source(label: "-e #2", text: text), resolver: resolver)
        }
        #expect(error.error.problem == .valueTooWide(value: 0x4411, width: .byte))
        #expect(error.error.line == 1 && error.error.column == 11)
        // Only the good expression's access is left, and it still has its place.
        #expect(program.accesses == [.read(0x04, .word)])
        #expect(program.places.count == 1)
        #expect(program.expression(ofAccess: 0) == "COMMAND")
    }

    /// dump target, crash-492d4416 (a CI run): a device line whose only hex line is malformed
    /// holds a function with no byte read. Written back it is a device line alone, which reads
    /// back as no function; the round-trip check had expected it. The function is kept, with
    /// its diagnostic, and the others read back exactly.
    @Test func aFunctionWithOnlyAMalformedLineHasNothingToWriteBack() throws {
        let text = Array("00:00.0 a\n00: 17 12 36 71\n\n01:00.0 b\n00: 17 1\n".utf8)
        let functions = try LspciDump.read(text, file: "crash-492d4416")
        #expect(functions.map(\.address.description) == ["0000:00:00.0", "0000:01:00.0"])
        #expect(functions[1].space.readableLength == 0)
        #expect(
            functions[1].diagnostics.map(\.kind) == [
                .malformedHexLine(line: 5, column: 8, range: ConfigRange(0, length: 2))
            ])
        let written = LspciDump.write(functions.map { ($0.address, "x", $0.space) })
        let again = try LspciDump.read(written, file: "again")
        #expect(again.map(\.address.description) == ["0000:00:00.0"])
        #expect(again.first?.space == functions[0].space)
    }

    /// dump target, crash-3dbbb82c (a CI run): a hex line at 0x2c00 with no bytes after its
    /// offset raised the function's end past 4096 and finishing it read past its buffers. A
    /// line at or past 0x1000 is an error naming it, holding bytes or not.
    @Test func anEmptyHexLinePastTheSpaceIsAnError() throws {
        let text = Array("07:00.0 PCI bridge: PLX Technology, Inc. Device 8796 (rev ab)\n2c00: \n".utf8)
        let error = try #require(throws: DumpError.self) { try LspciDump.read(text, file: "crash-3dbbb82c") }
        #expect(error.line == 2)
        #expect(error.problem == .offsetPastConfigSpace(0x2C00))
    }

    /// plan target, crash-1cad5cd9 (a CI run): linked in ascending order, a placement goes
    /// after the capability below it, whose next pointer changes; the invariant check allowed
    /// only the last capability's. The plan was right; the check now allows the relinked one.
    @Test func ascendingLinkingRelinksTheCapabilityBelowThePlacement() throws {
        let target = PlacementFixtures.endpoint([(0x100, 0x0001, 1, 0x200), (0x200, 0x0003, 1, 0)])
        var request = PlacementFixtures.request(target, [.ats])
        request.capabilities[0].explicitOffset = 0x180
        request.linkOrder = .ascending
        let plan = try PlacementPlanner.plan(request)
        #expect(plan.placements.map(\.offset) == [0x180])
        #expect(FunctionAnalysis(space: plan.virtualSpace).extendedCapabilities.map(\.offset) == [0x100, 0x180, 0x200])
        #expect(plan.invariantViolations().isEmpty, "\(plan.invariantViolations())")
    }
}
