import ArgumentParser
import Model
import Views

/// `cfgtui diff A -- B`: two functions from any sources compared, with the migration verdict.
struct DiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract:
            "Compare two functions: layout, every differing field with its class, and whether live migration between them is compatible.",
        discussion: """
            Side a is selected by the options before --, side b by those after it, each as `show` selects and \
            each exactly one function: cfgtui diff -F a.txt -s 3b:00.1 -- -F b.txt -s 5e:00.1. \
            After --, -s alone takes side a's source (two functions of one source); a source alone (-F, --demo, \
            --sysfs-root) takes side a's -s/-d unless it holds exactly one function (a function now against its \
            `show --hex` snapshot: cfgtui diff -s 3b:00.1 -- -F snapshot.txt).
            Exit status: 0 no difference, 4 differences that all keep migration compatible, 5 migration-incompatible \
            differences, 1 a source could not be read, 3 a side selects nothing, 64 usage (a side selecting more \
            than one function).
            """)

    @OptionGroup var source: SourceOptions

    @Flag(
        help: "Write JSON ({\"a\", \"b\", \"layout\", \"fields\", \"migrationCompatible\", ...}; schema in the README)."
    )
    var json = false

    @Argument(
        parsing: .postTerminator,
        help: ArgumentHelp(
            "Side b, after --: -s, -d, -F, --demo, --sysfs-root as for side a (and --json, if not given before).",
            valueName: "side-b"))
    var otherSide: [String] = []

    /// Exit statuses of `diff`, documented in the README.
    enum Status {
        static let compatibleDifferences = ExitCode(4)
        static let incompatible = ExitCode(5)
    }

    func validate() throws {
        if otherSide.isEmpty {
            throw ValidationError(
                "diff compares two functions: give side b after --, e.g. cfgtui diff -s 3b:00.1 -- -s 3b:00.2")
        }
        _ = try sideB()
    }

    /// Side b's options, with side a's source or selection filled in where side b leaves them out.
    func sideB() throws -> (options: SourceOptions, sharesSource: Bool, inheritsSelection: Bool) {
        var options: SourceOptions
        do {
            options = try SourceOptions.parse(otherSide.filter { $0 != "--json" })
        } catch {
            throw ValidationError("side b (after --): " + SourceOptions.message(for: error))
        }
        let givesSource = options.demo || !options.files.isEmpty || options.sysfsRoot != nil
        let givesSelection = options.slot != nil || options.ids != nil
        guard givesSource || givesSelection else {
            throw ValidationError("side b (after --) selects nothing: give -s, -d, -F, --demo or --sysfs-root")
        }
        if !givesSource {
            options.files = source.files
            options.demo = source.demo
            options.sysfsRoot = source.sysfsRoot
        }
        return (options, !givesSource, givesSource && !givesSelection)
    }

    func run() throws {
        let names = PCINameDatabase()
        let (optionsB, sharesSource, inheritsSelection) = try sideB()
        let allA = try Self.load(source, names: names)
        let allB = sharesSource ? allA : try Self.load(optionsB, names: names)
        let a = try source.selectOne(in: allA, command: "diff side a (before --)")
        let b: PCIFunction
        if inheritsSelection, allB.count == 1, let only = allB.first {
            b = only
        } else if inheritsSelection {
            var inherited = optionsB
            inherited.slot = source.slot
            inherited.ids = source.ids
            b = try inherited.selectOne(in: allB, command: "diff side b (after --, with side a's selection)")
        } else {
            b = try optionsB.selectOne(in: allB, command: "diff side b (after --)")
        }

        let comparison = FunctionComparison(a: a, b: b)
        var buffer = OutputBuffer(capacity: 16 * 1024)
        // `--json` may also come last, after side b.
        if json || otherSide.contains("--json") {
            DiffReport.appendJSON(comparison, to: &buffer)
        } else {
            DiffReport.appendText(comparison, to: &buffer)
        }
        StandardOutput.write(buffer)
        if comparison.diff.isEmpty { return }
        throw comparison.diff.isMigrationCompatible ? Status.compatibleDifferences : Status.incompatible
    }

    static func load(_ options: SourceOptions, names: PCINameDatabase) throws -> [PCIFunction] {
        do {
            return try SourceOptions.load(options.sourceKind, names: names)
        } catch {
            StandardOutput.error(ErrorText.message(error))
            throw ExitStatus.sourceError
        }
    }
}
