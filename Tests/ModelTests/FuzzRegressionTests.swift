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
}
