import Testing

@testable import Model

/// Several sources compiled into one program: accesses in order, each with its expression's place.
@Suite struct SetpciProgramTests {
    @Test func accessesKeepTheirSourceLineAndColumn() throws {
        let resolver = try SetpciExpressionTests.resolver()
        var program = SetpciProgram()
        try program.append(
            SetpciProgram.Source(label: "s.txt", text: "# header\nCOMMAND=0x0406\n  STATUS"), resolver: resolver)
        try program.append(SetpciProgram.Source(label: "-e #1", text: "0x44.L=1,2"), resolver: resolver)
        #expect(program.accesses.count == 4)
        #expect(program.places.count == 3)
        let status = program.place(ofAccess: 1)
        #expect(program.label(of: status) == "s.txt")
        #expect(status.line == 3 && status.column == 3)
        #expect(program.expression(ofAccess: 1) == "STATUS")
        // One expression, two accesses: both point at it.
        #expect(program.place(ofAccess: 2) == program.place(ofAccess: 3))
        #expect(program.label(of: program.place(ofAccess: 3)) == "-e #1")
        #expect(program.expression(ofAccess: 3) == "0x44.L=1,2")
    }

    @Test func anErrorNamesItsSource() throws {
        let resolver = try SetpciExpressionTests.resolver()
        var program = SetpciProgram()
        try program.append(SetpciProgram.Source(label: "-e #1", text: "COMMAND"), resolver: resolver)
        let source = SetpciProgram.Source(label: "bad.txt", text: "STATUS\n  FROBNICATE=1")
        let error = try #require(throws: SetpciProgramError.self) { try program.append(source, resolver: resolver) }
        #expect(error.source == source)
        #expect(error.error.line == 2 && error.error.column == 3)
        #expect(error.error.problem == .unknownRegister("FROBNICATE"))
    }
}
