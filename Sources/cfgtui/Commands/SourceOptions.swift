import ArgumentParser
import Model
import Views

/// Device selection, shared by every command, as lspci's options work.
struct SourceOptions: ParsableArguments {
    @Option(
        name: .customShort("s"),
        help: ArgumentHelp(
            "Select functions by address: [[[[domain]:]bus]:][device][.[function]], hex, as lspci -s.",
            valueName: "slot"), transform: { try SlotSelection.parse($0, option: "-s") })
    var slot: SlotSelection?

    @Option(
        name: .customShort("d"),
        help: ArgumentHelp("Select functions by ID: [vendor]:[device][:class], hex, as lspci -d.", valueName: "ids"),
        transform: IDSelection.parse)
    var ids: IDSelection?

    @Option(
        name: .customShort("F"),
        help: ArgumentHelp(
            "Read functions from a dump file instead of this host: lspci -x/-xxx/-xxxx text, or a binary copy of a sysfs config file. Repeatable.",
            valueName: "file"))
    var files: [String] = []

    @Flag(
        help:
            "Use the built-in demo set (an SR-IOV PF with ATS/PRI/PASID and two VFs, a root port, a conventional PCI device)."
    )
    var demo = false

    @Option(
        help: ArgumentHelp(
            "Read this host's functions from another sysfs tree: a sysfs mount (DIR/bus/pci/devices) or libpci's sysfs.path (DIR/devices).",
            valueName: "dir"))
    var sysfsRoot: String?

    func validate() throws {
        if demo && !files.isEmpty { throw ValidationError("--demo and -F select different sources; use one") }
        if sysfsRoot != nil && (demo || !files.isEmpty) {
            throw ValidationError("--sysfs-root selects the host source; it cannot be combined with --demo or -F")
        }
    }

    /// The -s/-d filter: the slot's address parts and the IDs' vendor, device and class.
    var filter: DeviceFilter {
        var filter = slot?.filter ?? DeviceFilter()
        if let ids {
            filter.vendorID = ids.filter.vendorID
            filter.deviceID = ids.filter.deviceID
            filter.classCode = ids.filter.classCode
        }
        return filter
    }

    /// Which source the options select.
    var sourceKind: SourceKind {
        if demo { return .demo }
        if !files.isEmpty { return .dumps(files) }
        return .host(sysfsRoot: sysfsRoot)
    }

    /// Loads the selected source and applies -s/-d.
    func loadFunctions(names: PCINameDatabase) throws(SourceError) -> [PCIFunction] {
        let all = try Self.load(sourceKind, names: names)
        let filter = self.filter
        guard !filter.matchesEverything else { return all }
        return all.filter(filter.matches)
    }

    enum SourceKind {
        case host(sysfsRoot: String?)
        case dumps([String])
        case demo
    }

    static func load(_ kind: SourceKind, names: PCINameDatabase) throws(SourceError) -> [PCIFunction] {
        switch kind {
        case .demo:
            let functions = DemoSet.functions().map { entry in
                PCIFunction(
                    address: entry.address, space: entry.space,
                    names: FunctionNames(sourceTitle: entry.title.isEmpty ? nil : entry.title), origin: .demo)
            }
            return FunctionSet.prepared(functions, names: names)
        case .dumps(let paths):
            return try DumpFileSource(paths: paths, names: names).loadFunctions()
        case .host(let root):
            return try LibPCISource(sysfsRoot: root, names: names).loadFunctions()
        }
    }

    /// A description of the selection for messages.
    var selectionText: String {
        [slot.map { "-s \($0.text)" }, ids.map { "-d \($0.text)" }].compactMap { $0 }.joined(separator: " ")
    }
}

/// Exit statuses, documented in the README.
enum ExitStatus {
    /// A source could not be read (malformed dump, libpci error, missing sysfs tree).
    static let sourceError = ExitCode(1)
    /// The selection (-s/-d) matched no function.
    static let noMatch = ExitCode(3)
}

extension SourceOptions {
    /// The one function -s/-d select in `all`, for commands that work on exactly one
    /// (`command` names it in the message when the selection is ambiguous).
    func selectOne(in all: [PCIFunction], command: String) throws -> PCIFunction {
        let selected = all.filter(filter.matches)
        if selected.count == 1, let target = selected.first { return target }
        if selected.isEmpty {
            if selectionText.isEmpty {
                StandardOutput.error(ErrorText.message(.noFunctions))
                throw ExitStatus.sourceError
            }
            StandardOutput.error("no function matches \(selectionText)")
            throw ExitStatus.noMatch
        }
        // Functions at one address from different files are named with their file.
        let addresses = selected.map(\.address)
        let shown = selected.prefix(8).map { function in
            addresses.filter { $0 == function.address }.count > 1
                ? "\(function.address) (\(FunctionText.origin(function.origin)))" : function.address.description
        }.joined(separator: ", ")
        throw ValidationError(
            "\(command) needs exactly one target function, but \(selectionText.isEmpty ? "the source" : selectionText) selects \(selected.count): \(shown)\(selected.count > 8 ? ", ..." : ""); narrow it with -s"
        )
    }

    /// Loads the whole source, -s/-d not applied (for commands that look at neighbours of the
    /// selection), reporting an unreadable source on stderr as exit status 1.
    func loadAllOrExit(names: PCINameDatabase) throws -> [PCIFunction] {
        do {
            return try Self.load(sourceKind, names: names)
        } catch {
            StandardOutput.error(ErrorText.message(error))
            throw ExitStatus.sourceError
        }
    }

    /// Loads, reporting errors on stderr and turning them into exit statuses.
    func loadOrExit(names: PCINameDatabase, allowEmpty: Bool = false) throws -> [PCIFunction] {
        let functions: [PCIFunction]
        do {
            functions = try loadFunctions(names: names)
        } catch {
            StandardOutput.error(ErrorText.message(error))
            throw ExitStatus.sourceError
        }
        if functions.isEmpty && !allowEmpty {
            if selectionText.isEmpty {
                StandardOutput.error(ErrorText.message(.noFunctions))
                throw ExitStatus.sourceError
            }
            StandardOutput.error("no function matches \(selectionText)")
            throw ExitStatus.noMatch
        }
        return functions
    }
}
