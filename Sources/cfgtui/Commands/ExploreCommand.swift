import ArgumentParser
import Model
import Views

/// `cfgtui` with no subcommand: the interactive explorer.
struct ExploreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explore",
        abstract: "Open the interactive explorer (the default). Read-only: nothing in it writes to a device.",
        discussion: """
            Keys: arrows/hjkl move, Tab switches panes, Enter jumps, n/N next/previous capability, / searches \
            (a name, ECAP_PASID, 0x100) or filters devices, p pauses live re-reads, z folds zero rows, ? help, q quits.
            -s preselects a function; the other functions stay in the list.
            """)

    @OptionGroup var source: SourceOptions

    /// QEMU's device and machine, for the write panel's qemu model.
    @OptionGroup var qemu: QemuDeviceOptions

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("Seconds between live re-reads of this host's selected function.", valueName: "seconds"),
        transform: NumberOption.seconds)
    var interval: Double = 1

    @Option(help: ArgumentHelp("Colours: auto (off when NO_COLOR is set), always, never.", valueName: "when"))
    var color: TerminalOptions.ColorMode = .auto

    @Flag(help: "Draw with ASCII instead of Unicode line drawing.")
    var ascii = false

    @Flag(help: "Do not take mouse clicks (keeps the terminal's own selection).")
    var noMouse = false

    @Option(
        help: ArgumentHelp("Render one frame without a terminal and print it (snapshot or text).", valueName: "format"))
    var dumpScreen: ScreenDump.Format?

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("Terminal size for --dump-screen, e.g. 120x40. (default: 120x40)", valueName: "WxH"),
        transform: Size.parse)
    var size = Size(width: 120, height: 40)

    @Option(
        help: ArgumentHelp(
            "Keys to press before --dump-screen: text, <tab>, <enter>, <down>, <f3>, ...", valueName: "keys"))
    var keys: String = ""

    func validate() throws {
        guard interval >= 0.1, interval <= 3600 else {
            throw ValidationError("--interval must be between 0.1 and 3600 seconds")
        }
    }

    func run() throws {
        let names = PCINameDatabase()
        // -s/-d preselect rather than filter: the explorer keeps the whole list.
        var functions: [PCIFunction]
        do {
            functions = try SourceOptions.load(source.sourceKind, names: names)
        } catch {
            StandardOutput.error(ErrorText.message(error))
            throw ExitStatus.sourceError
        }
        var kind = source.sourceKind
        if functions.isEmpty, case .host = kind {
            StandardOutput.notice("no PCI functions are readable on this host; showing the built-in demo set")
            kind = .demo
            functions = (try? SourceOptions.load(.demo, names: names)) ?? []
        }
        let filter = source.filter
        let preselect =
            filter.matchesEverything
            ? nil
            : functions.first(where: filter.matches)?.address
        if !filter.matchesEverything && preselect == nil {
            StandardOutput.error("no function matches \(source.selectionText)")
            throw ExitStatus.noMatch
        }
        let description: String
        let isLive: Bool
        switch kind {
        case .host(let root): (description, isLive) = (root.map { "sysfs tree \($0)" } ?? "this host", true)
        case .dumps(let paths): (description, isLive) = ("dump " + paths.joined(separator: ", "), false)
        case .demo: (description, isLive) = ("built-in demo set", false)
        }
        let options = TerminalOptions(color: color, isMouseEnabled: !noMouse, glyphs: ascii ? .ascii : .auto)
        // The write panel's qemu model; the vPASID's bits come from each function's host PASID.
        var qemuOptions = try qemu.options(physicalFunction: nil, function: ConfigSpace(bytes: []))
        if qemu.virtualPASID, qemuOptions.virtualPASID == nil { qemuOptions.virtualPASID = QemuVirtualPASID() }

        if let format = dumpScreen {
            let glyphs = ascii ? GlyphSet.ascii : GlyphSet.unicode
            var state = AppState(
                functions: functions, sourceDescription: description, isLive: false, size: size, glyphs: glyphs,
                interval: interval, preselect: preselect)
            state.qemu = qemuOptions
            state.qemuPASIDWidth = qemu.virtualPASIDWidth
            let frame = ScreenDump.frame(state, keys: ScreenDump.keys(keys))
            var buffer = OutputBuffer(capacity: size.width * size.height * 4)
            buffer.append(format == .snapshot ? frame.snapshot : frame.text + "\n")
            StandardOutput.write(buffer)
            return
        }

        let root = source.sysfsRoot
        let hostNames = names
        // Made once: a re-read of a function whose directory is gone is then one failed stat.
        let host = Result { () throws(SourceError) in try LibPCISource(sysfsRoot: root, names: hostNames) }
        do {
            try TerminalSession.run(options: options) { terminal in
                var state = AppState(
                    functions: functions, sourceDescription: description, isLive: isLive, size: terminal.size,
                    glyphs: terminal.glyphs, interval: interval, preselect: preselect)
                state.qemu = qemuOptions
                state.qemuPASIDWidth = qemu.virtualPASIDWidth
                let effects = EffectRunner(
                    reread: { address in
                        guard isLive else { return nil }
                        return host.flatMap { source in
                            Result { () throws(SourceError) -> PCIFunction? in try source.reread(address) }
                        }.flatMap { function in
                            function.map { .success($0) } ?? .failure(.functionGone(address))
                        }
                    },
                    barSizes: { address in
                        guard isLive, let function = functions.first(where: { $0.address == address }) else {
                            return nil
                        }
                        return HostBARSizes.read(of: function, root: root, names: hostNames)
                    })
                RunLoop.run(&terminal, state: &state, effects: effects)
            }
        } catch let error as TerminalError {
            StandardOutput.error(error.description)
            throw ExitStatus.sourceError
        }
        // Ended by SIGTERM, SIGHUP or SIGQUIT: the terminal is restored; say so in the status.
        if let signal = TerminalSession.receivedSignal { throw ExitCode(128 + signal) }
    }
}

extension TerminalOptions.ColorMode: ExpressibleByArgument {}

extension Size {
    /// A `--size` value: `WIDTHxHEIGHT`, each 1-1000.
    static func parse(_ text: String) throws -> Size {
        if text.hasPrefix("-") { throw ValidationError("must be ≥ 0: expected WIDTHxHEIGHT, each 1-1000, e.g. 120x40") }
        let parts = text.lowercased().split(separator: "x")
        guard parts.count == 2, let width = Int(parts[0]), let height = Int(parts[1]), width > 0, height > 0,
            width <= 1000, height <= 1000
        else { throw ValidationError("expected WIDTHxHEIGHT, each 1-1000, e.g. 120x40") }
        return Size(width: width, height: height)
    }
}
extension ScreenDump.Format: ExpressibleByArgument {}
