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

    /// A script's repeated expressions reuse what the first one resolved: every access and
    /// place must be what each line gives on its own, parsed and resolved afresh.
    @Test func repeatedExpressionsGiveWhatEachGivesAlone() throws {
        let resolver = try SetpciExpressionTests.resolver()
        let lines = [
            "COMMAND=0x0406", "  STATUS", "0x44.L=1,2", "COMMAND=0x0406 # again", "CAP_PM+4.W=3:3",
            "0x44.L=1,2  COMMAND=0x0406", "STATUS", "\tCOMMAND=0x0406", "0x3c.B=0b",
        ]
        var program = SetpciProgram()
        try program.append(
            SetpciProgram.Source(label: "s.txt", text: lines.joined(separator: "\n")), resolver: resolver)
        var expected = [(access: ConfigAccess, line: Int, column: Int, text: String)]()
        for (index, line) in lines.enumerated() {
            for expression in try SetpciExpression.parse(line) {
                var accesses = [ConfigAccess]()
                try resolver.resolve(expression, into: &accesses)
                for access in accesses {
                    expected.append((access, index + 1, expression.column, expression.text))
                }
            }
        }
        #expect(program.accesses.count == expected.count)
        for (index, entry) in expected.enumerated() where index < program.accesses.count {
            #expect(program.accesses[index] == entry.access, "access \(index)")
            let place = program.place(ofAccess: index)
            #expect(Int(place.line) == entry.line && Int(place.column) == entry.column, "access \(index)")
            #expect(program.expression(ofAccess: index) == entry.text, "access \(index)")
        }
    }

    /// A bad expression is reported where it first is, even after good lines it repeats parts of.
    @Test func aRepeatedScriptStillStopsAtItsFirstBadLine() throws {
        let resolver = try SetpciExpressionTests.resolver()
        var program = SetpciProgram()
        let text = "COMMAND=0x0406\nCOMMAND=0x0406\nCOMMAND=0x04g6\nCOMMAND=0x04g6"
        let error = try #require(throws: SetpciProgramError.self) {
            try program.append(SetpciProgram.Source(label: "r.txt", text: text), resolver: resolver)
        }
        #expect(error.error.line == 3)
        #expect(program.accesses.count == 2)
    }
}
