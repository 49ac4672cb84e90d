import CCurses
import Foundation
import Testing
import Views

@testable import cfgtui

/// The ncurses backend: headless sessions on /dev/null (ncurses is global state, hence
/// `.serialized`), the theme tables, key decoding, and the checks made before ncurses starts.
@Suite(.serialized) struct CursesTerminalTests {
    // MARK: - Headless sessions

    /// Runs a session on /dev/null with the given terminal type.
    static func withHeadlessTerminal<T>(
        _ terminalName: String, options: TerminalOptions = TerminalOptions(), noColor: String? = nil,
        _ body: (inout CursesTerminal) throws -> T
    ) throws -> T {
        let output = try #require(fopen("/dev/null", "w"))
        let input = try #require(fopen("/dev/null", "r"))
        defer {
            fclose(output)
            fclose(input)
        }
        return try TerminalSession.runHeadless(
            terminalName: terminalName, output: output, input: input, options: options, noColor: noColor,
            body: body)
    }

    /// The size ncurses gives a session off a tty: terminfo's, unless the environment overrides it.
    static var expectsTerminfoSize: Bool {
        let environment = ProcessInfo.processInfo.environment
        return environment["LINES"] == nil && environment["COLUMNS"] == nil
    }

    /// A buffer with one cell per role (each theme role, then a few with emphasis), letters
    /// cycling A-Z, and a Unicode line in the last row.
    static func allRolesBuffer(size: Size) -> (ScreenBuffer, [(x: Int, y: Int, style: CellStyle)]) {
        var buffer = ScreenBuffer(size: size)
        var styles = CursesTheme.allRoles.map { CellStyle($0) }
        styles += [
            CellStyle(.plain, [.bold]), CellStyle(.plain, [.underline]), CellStyle(.plain, [.reverse]),
            CellStyle(.plain, [.dim]), CellStyle(.standardCapability(2), [.underline, .bold]),
            CellStyle(.standardCapability(7)), CellStyle(.extendedCapability(-1)),
        ]
        var placed = [(x: Int, y: Int, style: CellStyle)]()
        for (index, style) in styles.enumerated() {
            let x = (index * 2) % size.width
            let y = (index * 2) / size.width
            let letter = Unicode.Scalar(UInt8(ascii: "A") + UInt8(index % 26))
            buffer.set(x: x, y: y, Cell(letter, style), clip: buffer.bounds)
            placed.append((x, y, style))
        }
        buffer.put("│·┊→ é", x: 0, y: size.height - 1, style: CellStyle(.chrome), clip: buffer.bounds)
        buffer.set(x: size.width - 1, y: size.height - 1, Cell("Z", CellStyle(.error)), clip: buffer.bounds)
        return (buffer, placed)
    }

    @Test func xterm256SessionDrawsEveryRoleWithTheThemesColorsAndAttributes() throws {
        try Self.withHeadlessTerminal("xterm-256color") { terminal in
            #expect(terminal.theme.depth == .xterm256)
            if Self.expectsTerminfoSize { #expect(terminal.size == Size(width: 80, height: 24)) }
            #expect(terminal.glyphs == .unicode)
            let bottom = terminal.size.height - 1
            let right = terminal.size.width - 1
            let (buffer, placed) = Self.allRolesBuffer(size: terminal.size)
            terminal.flush(buffer)

            for (x, y, style) in placed {
                let cell = try #require(terminal.inspectCell(x: x, y: y), "cell \(x),\(y)")
                let expected = terminal.theme.appearance(for: style)
                #expect(cell.character == buffer.cell(x: x, y: y)?.character, "\(style)")
                #expect(cell.attributes == expected.attributes, "\(style)")
                #expect(cell.colors == terminal.theme.colorPair(for: expected), "\(style)")
            }

            // Concrete values, independent of the table code above.
            let header = try #require(terminal.inspectCell(x: Self.position(of: .header, in: placed).x, y: 0))
            #expect(header.attributes == [.bold])
            #expect(header.colors == CursesTheme.ColorPair(foreground: -1, background: -1))
            let cursor = Self.position(of: .cursor, in: placed)
            #expect(terminal.inspectCell(x: cursor.x, y: cursor.y)?.attributes == [.reverse, .bold])
            let hidden = Self.position(of: .hiddenRegister, in: placed)
            let hiddenCell = try #require(terminal.inspectCell(x: hidden.x, y: hidden.y))
            #expect(hiddenCell.attributes == [.bold])
            #expect(hiddenCell.colors.foreground == 166)
            let standard = Self.position(of: .standardCapability(1), in: placed)
            #expect(
                terminal.inspectCell(x: standard.x, y: standard.y)?.colors
                    == CursesTheme.ColorPair(foreground: 74, background: -1))
            let extended = Self.position(of: .extendedCapability(0), in: placed)
            #expect(
                terminal.inspectCell(x: extended.x, y: extended.y)?.colors
                    == CursesTheme.ColorPair(foreground: 16, background: 214))
            let wrapped = Self.position(of: .extendedCapability(-1), in: placed)
            #expect(terminal.inspectCell(x: wrapped.x, y: wrapped.y)?.colors.background == 175)
            let emphasised = Self.position(of: .plain, emphasis: [.underline], in: placed)
            #expect(terminal.inspectCell(x: emphasised.x, y: emphasised.y)?.attributes == [.underline])

            #expect(terminal.inspectRow(bottom).hasPrefix("│·┊→ é"))
            let corner = try #require(terminal.inspectCell(x: right, y: bottom))
            #expect(corner.character == "Z")
            #expect(corner.attributes == [.bold, .reverse])
            #expect(corner.colors == CursesTheme.ColorPair(foreground: 166, background: -1))
        }
    }

    @Test func dumbTerminalUsesTheMonochromeScheme() throws {
        try Self.withHeadlessTerminal("dumb") { terminal in
            #expect(terminal.theme.depth == .monochrome)
            if Self.expectsTerminfoSize { #expect(terminal.size == Size(width: 80, height: 24)) }
            let (buffer, placed) = Self.allRolesBuffer(size: terminal.size)
            terminal.flush(buffer)
            for (x, y, style) in placed {
                let cell = try #require(terminal.inspectCell(x: x, y: y))
                #expect(cell.attributes == terminal.theme.appearance(for: style).attributes, "\(style)")
                #expect(cell.pairNumber == 0, "\(style)")
            }
            try Self.expectMonochromeOwners(terminal, placed)
        }
    }

    @Test func noColorGivesMonochromeUnlessColorIsForced() throws {
        try Self.withHeadlessTerminal("xterm-256color", noColor: "1") { terminal in
            #expect(terminal.theme.depth == .monochrome)
            let (buffer, placed) = Self.allRolesBuffer(size: terminal.size)
            terminal.flush(buffer)
            try Self.expectMonochromeOwners(terminal, placed)
        }
        try Self.withHeadlessTerminal("xterm-256color", options: TerminalOptions(color: .never)) { terminal in
            #expect(terminal.theme.depth == .monochrome)
        }
        try Self.withHeadlessTerminal("xterm-256color", options: TerminalOptions(color: .always), noColor: "1") {
            terminal in
            #expect(terminal.theme.depth == .xterm256)
        }
        try Self.withHeadlessTerminal("xterm", options: TerminalOptions(glyphs: .ascii)) { terminal in
            #expect(terminal.theme.depth == .basic8)
            #expect(terminal.glyphs == .ascii)
        }
    }

    static func expectMonochromeOwners(
        _ terminal: CursesTerminal, _ placed: [(x: Int, y: Int, style: CellStyle)],
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        func attributes(_ role: StyleRole) throws -> CursesTheme.Attributes {
            let position = position(of: role, in: placed)
            return try #require(terminal.inspectCell(x: position.x, y: position.y), sourceLocation: sourceLocation)
                .attributes
        }
        #expect(try attributes(.header) == [.bold], sourceLocation: sourceLocation)
        #expect(try attributes(.standardCapability(0)) == [], sourceLocation: sourceLocation)
        #expect(try attributes(.standardCapability(1)) == [.bold], sourceLocation: sourceLocation)
        #expect(try attributes(.extendedCapability(0)) == [.underline], sourceLocation: sourceLocation)
        #expect(try attributes(.extendedCapability(1)) == [.underline, .bold], sourceLocation: sourceLocation)
        #expect(try attributes(.gap) == [.dim], sourceLocation: sourceLocation)
        #expect(try attributes(.hiddenRegister) == [.reverse], sourceLocation: sourceLocation)
        #expect(try attributes(.changed) == [.bold, .underline], sourceLocation: sourceLocation)
        #expect(try attributes(.cursor) == [.reverse, .bold], sourceLocation: sourceLocation)
    }

    static func position(
        of role: StyleRole, emphasis: CellStyle.Emphasis = [], in placed: [(x: Int, y: Int, style: CellStyle)]
    ) -> (x: Int, y: Int) {
        let match = placed.first { $0.style == CellStyle(role, emphasis) }
        return (match?.x ?? -1, match?.y ?? -1)
    }

    @Test func flushClipsBuffersOfAnotherSizeAndSkipsEqualFrames() throws {
        try Self.withHeadlessTerminal("xterm-256color") { terminal in
            let size = terminal.size
            try #require(size.width > 10 && size.height > 5)
            var large = ScreenBuffer(size: Size(width: size.width + 20, height: size.height + 6))
            large.fill(large.bounds, with: Cell("x", CellStyle(.gap)))
            terminal.flush(large)
            #expect(terminal.inspectRow(size.height - 1) == String(repeating: "x", count: size.width))
            #expect(terminal.inspectCell(x: size.width - 1, y: size.height - 1)?.attributes == [.dim])

            var wide = ScreenBuffer(size: size)
            wide.set(x: 0, y: 0, Cell("\u{4E00}"), clip: wide.bounds)
            wide.set(x: 1, y: 0, Cell("\u{0301}"), clip: wide.bounds)
            wide.set(x: 2, y: 0, Cell("é"), clip: wide.bounds)
            wide.set(x: 3, y: 0, Cell("\u{1}"), clip: wide.bounds)
            terminal.flush(wide)
            #expect(terminal.inspectRow(0).hasPrefix("??é? "), "wide, combining and control characters become ?")

            var small = ScreenBuffer(size: Size(width: 10, height: 5))
            small.put("small", x: 0, y: 0, style: CellStyle(.header), clip: small.bounds)
            terminal.flush(small)
            #expect(terminal.inspectRow(0) == "small" + String(repeating: " ", count: size.width - 5))
            #expect(terminal.inspectRow(size.height - 1) == String(repeating: " ", count: size.width))

            terminal.flush(ScreenBuffer(size: Size(width: 0, height: 0)))
            terminal.flush(ScreenBuffer(size: Size(width: 1, height: 1)))
            #expect(terminal.framesCopied == 5)

            terminal.flush(ScreenBuffer(size: Size(width: 1, height: 1)))
            #expect(terminal.framesCopied == 5)
            terminal.redrawAll()
            terminal.flush(ScreenBuffer(size: Size(width: 1, height: 1)))
            #expect(terminal.framesCopied == 6)
        }
    }

    @Test func nextKeyReturnsNilWhenNoInputArrives() throws {
        try Self.withHeadlessTerminal("xterm-256color") { terminal in
            #expect(terminal.nextKey(timeout: .milliseconds(10)) == nil)
            #expect(!terminal.terminationRequested)
        }
    }

    @Test func closedInputEndsTheSessionInsteadOfSpinning() throws {
        try Self.withHeadlessTerminal("xterm-256color") { terminal in
            // /dev/null is at end of file: each wait returns at once, not after 200 ms.
            let clock = ContinuousClock()
            let started = clock.now
            for _ in 0..<(CursesTerminal.closedInputThreshold - 1) {
                #expect(terminal.nextKey(timeout: .milliseconds(200)) == nil)
            }
            #expect(!terminal.terminationRequested)
            #expect(terminal.nextKey(timeout: .milliseconds(200)) == nil)
            #expect(terminal.terminationRequested)
            #expect(terminal.isInputClosed)
            // A wait forever now returns at once too.
            #expect(terminal.nextKey(timeout: nil) == nil)
            #expect(clock.now - started < .milliseconds(200))
        }
    }

    /// The address of a signal's handler; 0 is the default.
    static func handlerAddress(_ signal: Int32) -> Int {
        var current = sigaction()
        _ = sigaction(signal, nil, &current)
        return unsafeBitCast(current.__sigaction_handler.sa_handler, to: Int.self)
    }

    @Test func terminationSignalSetsTheFlagAndHandlersAreRestoredAfterwards() throws {
        let before = TerminationSignals.watched.map(Self.handlerAddress)
        #expect(Self.handlerAddress(SIGHUP) == 0, "SIGHUP starts with the default handler")

        // Test threads start with most signals blocked, like a child of the test runner would.
        var blockHangUp = sigset_t()
        sigemptyset(&blockHangUp)
        sigaddset(&blockHangUp, SIGHUP)
        var maskBefore = sigset_t()
        pthread_sigmask(SIG_BLOCK, &blockHangUp, &maskBefore)
        defer { pthread_sigmask(SIG_SETMASK, &maskBefore, nil) }
        #expect(TerminationSignals.isBlocked(SIGHUP))

        let sawSignal = try Self.withHeadlessTerminal("xterm-256color") { terminal in
            // Never send the signal without our handler in place: the default would end the test process.
            try #require(Self.handlerAddress(SIGHUP) != 0)
            #expect(!TerminationSignals.isBlocked(SIGHUP), "the session unblocks the signals it watches")
            #expect(!TerminationSignals.isBlocked(SIGWINCH))
            #expect(!terminal.terminationRequested)
            // raise() delivers to this thread, which the session has just unblocked.
            _ = raise(SIGHUP)
            #expect(terminal.terminationRequested)
            #expect(terminal.terminationRequested)
            // Waiting "forever" returns at once once termination was requested.
            #expect(terminal.nextKey(timeout: nil) == nil)
            return terminal.terminationRequested
        }
        #expect(sawSignal)
        #expect(TerminalSession.receivedSignal == SIGHUP)
        #expect(TerminationSignals.watched.map(Self.handlerAddress) == before, "the previous handlers are back")
        #expect(Self.handlerAddress(SIGHUP) == 0)
        #expect(TerminationSignals.isBlocked(SIGHUP), "the thread's signal mask is back")
    }

    @Test func errorsThrownInsideTheSessionStillEndIt() throws {
        struct Boom: Error {}
        #expect(throws: Boom.self) {
            try Self.withHeadlessTerminal("xterm-256color") { _ in throw Boom() }
        }
        // A new session starts cleanly after the thrown one.
        let depth = try Self.withHeadlessTerminal("xterm-256color") { $0.theme.depth }
        #expect(depth == .xterm256)
    }

    @Test func unknownTerminalTypeThrowsInsteadOfExiting() throws {
        #expect(throws: TerminalError.cannotStart(terminal: "no-such-terminal-xyz")) {
            try Self.withHeadlessTerminal("no-such-terminal-xyz") { _ in }
        }
    }

    // MARK: - Before ncurses

    @Test(
        arguments: [
            (true, true, "xterm-256color", nil),
            (true, true, "linux", nil),
            (true, true, "dumb", "TERM=dumb cannot draw a screen"),
            (true, true, nil, "TERM is not set"),
            (true, true, "", "TERM is not set"),
            (true, false, "xterm", "standard output is not a terminal"),
            (false, true, "xterm", "standard input is not a terminal"),
            (false, false, nil, "standard output is not a terminal"),
        ] as [(Bool, Bool, String?, String?)])
    func interactivityCheck(stdinIsTerminal: Bool, stdoutIsTerminal: Bool, term: String?, reason: String?) {
        let problem = TerminalSession.interactivityProblem(
            stdinIsTerminal: stdinIsTerminal, stdoutIsTerminal: stdoutIsTerminal, term: term)
        #expect(problem == reason.map { TerminalError.notInteractive($0) })
    }

    @Test func notInteractiveMessagePointsToTheTextCommands() {
        let message = TerminalError.notInteractive("standard output is not a terminal").description
        #expect(message.contains("needs an interactive terminal"))
        #expect(message.contains("standard output is not a terminal"))
        #expect(message.contains("`cfgtui list`"))
        #expect(message.contains("`cfgtui show`"))
    }

    @Test(
        arguments: [
            (TerminalOptions.ColorMode.auto, nil, true),
            (.auto, "", true),
            (.auto, "1", false),
            (.auto, "0", false),
            (.always, "1", true),
            (.never, nil, false),
            (.never, "", false),
        ] as [(TerminalOptions.ColorMode, String?, Bool)])
    func colorDecision(mode: TerminalOptions.ColorMode, noColor: String?, wantsColor: Bool) {
        #expect(TerminalOptions(color: mode).wantsColor(noColor: noColor) == wantsColor)
    }

    @Test(
        arguments: [
            ("UTF-8", TerminalOptions.GlyphChoice.auto, GlyphSet.unicode),
            ("utf8", .auto, .unicode),
            ("ANSI_X3.4-1968", .auto, .ascii),
            ("ISO-8859-1", .auto, .ascii),
            ("", .auto, .ascii),
            ("UTF-8", .ascii, .ascii),
        ] as [(String, TerminalOptions.GlyphChoice, GlyphSet)])
    func glyphDecision(codeset: String, choice: TerminalOptions.GlyphChoice, expected: GlyphSet) {
        #expect(TerminalOptions.glyphSet(codeset: codeset, choice: choice) == expected)
    }

    @Test(
        arguments: [
            (0, false, true, CursesTheme.Depth.monochrome),
            (256, false, true, .monochrome),
            (256, true, false, .monochrome),
            (256, true, true, .xterm256),
            (88, true, true, .basic16),
            (16, true, true, .basic16),
            (8, true, true, .basic8),
            (2, true, true, .monochrome),
        ] as [(Int, Bool, Bool, CursesTheme.Depth)])
    func depthDecision(colors: Int, hasColors: Bool, wantsColor: Bool, expected: CursesTheme.Depth) {
        #expect(CursesTheme.depth(colorCount: colors, hasColors: hasColors, wantsColor: wantsColor) == expected)
    }

    // MARK: - Theme tables

    @Test func capabilityChainsDifferAtAGlance() {
        let theme = CursesTheme(depth: .xterm256)
        for slot in 0..<12 {
            let standard = theme.colorPair(for: theme.appearance(for: CellStyle(.standardCapability(slot))))
            let extended = theme.colorPair(for: theme.appearance(for: CellStyle(.extendedCapability(slot))))
            let palette = theme.colorNumber(CursesTheme.paletteColor(slot: slot))
            #expect(standard == CursesTheme.ColorPair(foreground: palette, background: -1))
            #expect(extended.background == palette)
            #expect(extended.foreground == (palette == 25 ? 231 : 16))
        }
        #expect(CursesTheme.paletteColor(slot: 6) == CursesTheme.paletteColor(slot: 0))
        #expect(CursesTheme.paletteColor(slot: -1) == .reddishPurple)
        #expect(
            CursesTheme.capabilityPalette.map(CursesTheme.xterm256Number) == [214, 74, 36, 227, 25, 175])
    }

    @Test func everyColorStaysWithinTheTerminalsRange() {
        for color in CursesTheme.ThemeColor.allCases {
            #expect((-1..<256).contains(CursesTheme.xterm256Number(color)))
            #expect((-1..<16).contains(CursesTheme.basic16Number(color)))
            #expect((-1..<8).contains(CursesTheme.basic8Number(color)))
        }
        // xterm (8 colours) offers 64 pairs; the table must fit.
        #expect(CursesTheme(depth: .basic8).pairTable.count < 64)
        #expect(CursesTheme(depth: .xterm256).pairTable.count < 256)
        #expect(CursesTheme(depth: .monochrome).pairTable.isEmpty)
        let withoutDefaults = CursesTheme(depth: .basic8, hasDefaultColors: false)
        #expect(withoutDefaults.pairTable.allSatisfy { $0.foreground >= 0 && $0.background >= 0 })
    }

    @Test func messagesDifferByColorAndAttribute() {
        let roles: [StyleRole] = [.info, .warning, .error]
        let color = roles.map(CursesTheme.colorAppearance)
        let monochrome = roles.map(CursesTheme.monochromeAppearance)
        #expect(Set(color.map(\.foreground)).count == 3 || Set(color.map(\.background)).count == 3)
        #expect(Set(color.map(\.attributes)).count == 3)
        #expect(Set(monochrome.map(\.attributes)).count == 3)
    }

    @Test func emphasisAddsToTheRole() {
        let theme = CursesTheme(depth: .monochrome)
        #expect(theme.appearance(for: CellStyle(.header, [.underline])).attributes == [.bold, .underline])
        #expect(theme.appearance(for: CellStyle(.gap, [.reverse])).attributes == [.dim, .reverse])
    }

    @Test func onlySingleColumnScalarsReachNcurses() {
        #expect(CursesTerminal.drawable("a", canDrawUnicode: false) == "a")
        #expect(CursesTerminal.drawable("│", canDrawUnicode: true) == "│")
        #expect(CursesTerminal.drawable("│", canDrawUnicode: false) == "?")
        #expect(CursesTerminal.drawable("\t", canDrawUnicode: true) == "?")
        #expect(CursesTerminal.drawable("\u{9B}", canDrawUnicode: true) == "?")
    }

    // MARK: - Keys

    @Test(
        arguments: [
            (CursesInput.keyCode(KEY_UP), DecodedInput.key(.up)),
            (.keyCode(KEY_DOWN), .key(.down)),
            (.keyCode(KEY_LEFT), .key(.left)),
            (.keyCode(KEY_RIGHT), .key(.right)),
            (.keyCode(KEY_PPAGE), .key(.pageUp)),
            (.keyCode(KEY_NPAGE), .key(.pageDown)),
            (.keyCode(KEY_HOME), .key(.home)),
            (.keyCode(KEY_END), .key(.end)),
            (.keyCode(KEY_BTAB), .key(.backTab)),
            (.keyCode(KEY_ENTER), .key(.enter)),
            (.keyCode(KEY_BACKSPACE), .key(.backspace)),
            (.keyCode(KEY_DC), .key(.delete)),
            (.keyCode(KEY_RESIZE), .key(.resize)),
            (.keyCode(KEY_MOUSE), .mouseEvent),
            (.keyCode(KEY_F0 + 1), .key(.function(1))),
            (.keyCode(KEY_F0 + 10), .key(.function(10))),
            (.keyCode(KEY_F0 + 12), .key(.function(12))),
            (.keyCode(KEY_F0 + 13), .ignored),
            (.keyCode(KEY_IC), .ignored),
            (.character(9), .key(.tab)),
            (.character(10), .key(.enter)),
            (.character(13), .key(.enter)),
            (.character(27), .key(.escape)),
            (.character(127), .key(.backspace)),
            (.character(8), .key(.backspace)),
            (.character(1), .key(.control("a"))),
            (.character(3), .key(.control("c"))),
            (.character(12), .key(.control("l"))),
            (.character(26), .key(.control("z"))),
            (.character(28), .key(.control("\\"))),
            (.character(0x20), .key(.character(" "))),
            (.character(0x71), .key(.character("q"))),
            (.character(0x3F), .key(.character("?"))),
            (.character(0xE9), .key(.character("é"))),
            (.character(0x9B), .ignored),
            (.character(0xD800), .ignored),
            (.timeout, .timeout),
        ] as [(CursesInput, DecodedInput)])
    func keyDecoding(input: CursesInput, expected: DecodedInput) {
        #expect(CursesTerminal.decode(input) == expected)
    }

    @Test func mouseEventsMapToButtons() {
        let masks = MouseMasks.ncurses
        #expect(CursesTerminal.mouseButton(state: masks.leftPressed, masks: masks) == .left)
        #expect(CursesTerminal.mouseButton(state: masks.leftClicked, masks: masks) == .left)
        #expect(CursesTerminal.mouseButton(state: masks.rightPressed, masks: masks) == .right)
        #expect(CursesTerminal.mouseButton(state: masks.wheelUp, masks: masks) == .wheelUp)
        #expect(CursesTerminal.mouseButton(state: masks.wheelDown, masks: masks) == .wheelDown)
        #expect(CursesTerminal.mouseButton(state: 0, masks: masks) == nil)
        // Masks are distinct bits, and the request leaves out clicks (presses are enough).
        #expect(Set([masks.leftPressed, masks.rightPressed, masks.wheelUp, masks.wheelDown]).count == 4)
        #expect(masks.requested & masks.leftClicked == 0)
    }

    @Test(
        arguments: [
            (Duration.milliseconds(250), Int32(250)),
            (.zero, 0),
            (.seconds(-1), 0),
            (.microseconds(1), 1),
            (.milliseconds(1500), 1500),
            (.seconds(10_000_000), Int32.max),
        ] as [(Duration, Int32)])
    func timeoutInMilliseconds(duration: Duration, expected: Int32) {
        #expect(CursesTerminal.milliseconds(duration) == expected)
    }
}
