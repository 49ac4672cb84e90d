import Testing

@testable import Model

/// setpci's syntax: parsing, name resolution, widths, masks, errors with line and column.
@Suite struct SetpciExpressionTests {
    static func resolver() throws -> SetpciResolver {
        let pf = try #require(SimulationFixtures.physicalFunction)
        return SetpciResolver(analysis: FunctionAnalysis(space: pf.space))
    }

    static func accesses(_ text: String) throws -> [ConfigAccess] {
        let resolver = try resolver()
        return try SetpciExpression.parse(text).flatMap { try resolver.accesses(for: $0) }
    }

    static func error(_ text: String, analysis: FunctionAnalysis? = nil) throws -> SetpciError? {
        let resolver = try analysis.map { SetpciResolver(analysis: $0) } ?? resolver()
        do {
            for expression in try SetpciExpression.parse(text) { _ = try resolver.accesses(for: expression) }
        } catch {
            return error
        }
        return nil
    }

    // MARK: - Parsing

    @Test func parsesRegistersWidthsValuesAndMasks() throws {
        let expressions = try SetpciExpression.parse("COMMAND=0x0406 cap_exp+8.w=2810:f000 44.L 0x10.B=1,2")
        #expect(expressions.count == 4)
        #expect(expressions[0].register == .named("COMMAND", displacement: 0))
        #expect(expressions[0].values == [SetpciExpression.Value(0x406, column: 9)])
        #expect(expressions[1].register == .capability("CAP_EXP", displacement: 8))
        #expect(expressions[1].width == .word)
        #expect(expressions[1].values.first?.mask == 0xF000)
        #expect(expressions[1].column == 16)
        #expect(expressions[2].register == .offset(0x44))
        #expect(expressions[2].isRead)
        #expect(expressions[3].values.count == 2)
        #expect(expressions[3].text == "0x10.B=1,2")
    }

    @Test func commentsBlankLinesAndLineNumbers() throws {
        let script = """
            # set up
            COMMAND=6   # memory and bus master

            \tSTATUS
            """
        let expressions = try SetpciExpression.parse(script)
        #expect(expressions.map(\.line) == [2, 4])
        #expect(expressions.map(\.column) == [1, 2])
    }

    @Test func capabilityNamesInEveryForm() throws {
        let accesses = try Self.accesses("CAP_EXP+8.W ECAP_SRIOV+10 CAP10+8.W ECAP0x10+10.W ECAP_PASID+6 ecap_ats+6")
        #expect(accesses.map(\.offset) == [0x88, 0x130, 0x88, 0x130, 0x186, 0x166])
        #expect(accesses.map(\.width) == [.word, .word, .word, .word, .word, .word])
    }

    // MARK: - Resolution

    @Test func headerNamesHaveSetpciWidths() throws {
        let accesses = try Self.accesses("VENDOR_ID CLASS_PROG CLASS_DEVICE BASE_ADDRESS_5 INTERRUPT_PIN CAPABILITIES")
        #expect(accesses.map(\.offset) == [0x00, 0x09, 0x0A, 0x24, 0x3D, 0x34])
        #expect(accesses.map(\.width) == [.word, .byte, .word, .dword, .byte, .byte])
    }

    @Test func widthsComeFromTheCatalogWhenNotGiven() throws {
        #expect(try Self.accesses("0x88")[0].width == .word)  // Device Control
        #expect(try Self.accesses("CAP_EXP+4")[0].width == .dword)  // Device Capabilities
        #expect(try Self.error("CAP_EXP+9")?.problem == .missingWidth(offset: 0x89))
    }

    @Test func anExplicitWidthOverridesTheNames() throws {
        #expect(try Self.accesses("COMMAND.L=0x00100006")[0] == .write(0x04, .dword, 0x0010_0006))
    }

    @Test func valuesWriteConsecutiveRegisters() throws {
        #expect(try Self.accesses("0x10.L=1,2,3").map(\.offset) == [0x10, 0x14, 0x18])
    }

    @Test func masksBecomeMaskedWrites() throws {
        #expect(try Self.accesses("COMMAND=0x400:0x400")[0] == .write(0x04, .word, 0x400, mask: 0x400))
    }

    // MARK: - Errors

    @Test(arguments: [
        ("COMMAND=0x12345", 1, 9, SetpciProblem.valueTooWide(value: 0x12345, width: .word)),
        ("COMMAND=1:0x10000", 1, 9, .maskTooWide(mask: 0x10000, width: .word)),
        ("CAP_EXP+8.Q=1", 1, 11, .unknownWidth("Q")),
        ("FROBNICATE=1", 1, 1, .unknownRegister("FROBNICATE")),
        ("CAP_FOO+2.W", 1, 1, .unknownCapability("CAP_FOO")),
        ("CAP_MSI+2.W", 1, 1, .capabilityNotPresent("CAP_MSI", hiddenAt: nil)),
        ("COMMAND=", 1, 9, .missingValue),
        ("COMMAND=1,", 1, 11, .missingValue),
        ("COMMAND=xyz", 1, 9, .malformedNumber("xyz")),
        ("SECONDARY_BUS=1", 1, 1, .registerNotInLayout("SECONDARY_BUS", .endpoint)),
        ("0x1001.B", 1, 1, .offsetOutsideConfigSpace("0x1001")),
        ("0xff0+10.B", 1, 1, .offsetOutsideConfigSpace("0xff0+10")),
        // 16 digits plus a displacement used to overflow the range check (WriteEmulationFuzzTests).
        ("ffffffffffffffff+1.B", 1, 1, .offsetOutsideConfigSpace("ffffffffffffffff+1")),
        ("0x12345678901234567.B=1", 1, 1, .offsetOutsideConfigSpace("0x12345678901234567")),
        ("CAP_EXP+1000.W", 1, 9, .offsetOutsideConfigSpace("CAP_EXP+1000")),
        ("ECAP_PASID+fffffffffffffffffff", 1, 12, .offsetOutsideConfigSpace("ECAP_PASID+fffffffffffffffffff")),
        ("CAP_EXP+1g.W", 1, 9, .malformedNumber("1g")),
        ("0xFFE.L", 1, 1, .access(.outOfRange(offset: 0xFFE, width: .dword, size: 4096))),
        ("0x06.L=0", 1, 1, .access(.misaligned(offset: 6, width: .dword))),
        ("-3.B", 1, 1, .expectedRegister(found: "-3")),
        ("\n\n   STATUS=0x10000", 3, 11, .valueTooWide(value: 0x10000, width: .word)),
    ])
    func errorsNameTheLineAndColumn(_ text: String, _ line: Int, _ column: Int, _ problem: SetpciProblem) throws {
        let error = try #require(try Self.error(text))
        #expect(error.problem == problem)
        #expect(error.line == line)
        #expect(error.column == column)
    }

    @Test func aCapabilityVfioHidesIsNamed() throws {
        let pf = try #require(SimulationFixtures.physicalFunction)
        let emulator = try SimulationFixtures.emulator(pf, model: .vfio)
        let expression = try #require(try SetpciExpression.parse("ECAP_PASID+6.W=1").first)
        #expect(throws: SetpciError(line: 1, column: 1, .capabilityNotPresent("ECAP_PASID", hiddenAt: 0x180))) {
            try emulator.resolver.accesses(for: expression)
        }
    }

    @Test func aCapabilityOnAnUnreadListIsNotCalledAbsent() throws {
        // An unprivileged read: 64 bytes, so neither list was read.
        let pf = try #require(SimulationFixtures.physicalFunction)
        let short = ConfigSpace(bytes: Array(pf.space.bytes.prefix(64)), size: pf.space.size)
        let analysis = FunctionAnalysis(space: short)
        #expect(
            try Self.error("CAP_EXP+8.W", analysis: analysis)?.problem
                == .capabilityListUnreadable("CAP_EXP", readable: 64))
        #expect(
            try Self.error("ECAP_PASID+6.W", analysis: analysis)?.problem
                == .capabilityListUnreadable("ECAP_PASID", readable: 64))
        // 256 bytes: the standard list was read (so CAP_MSI is absent), the extended one was not.
        let conventional = FunctionAnalysis(
            space: ConfigSpace(bytes: Array(pf.space.bytes.prefix(256)), size: pf.space.size))
        #expect(
            try Self.error("CAP_MSI+2.W", analysis: conventional)?.problem
                == .capabilityNotPresent("CAP_MSI", hiddenAt: nil))
        #expect(
            try Self.error("ECAP_PASID+6.W", analysis: conventional)?.problem
                == .capabilityListUnreadable("ECAP_PASID", readable: 256))
    }

    @Test func unreadableBytesAreRefused() throws {
        let space = ConfigSpace(bytes: [UInt8](repeating: 0, count: 64), size: 4096)
        let error = try #require(try Self.error("0x40.B", analysis: FunctionAnalysis(space: space)))
        #expect(error.problem == .access(.unreadable(offset: 0x40, width: .byte, readable: 64)))
    }
}
