import ArgumentParser
import Foundation
import Model
import Views

/// `cfgtui plan`: where virtual PASID, PRI, ATS and DVSEC capabilities could go in one
/// function's extended configuration space, by each placement policy in use today.
struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Plan virtual PASID/PRI/ATS/DVSEC capabilities for one function (usually a VF). Read-only.",
        discussion: """
            Selects exactly one target function as `show` does (-s/-d with this host, -F dumps or \
            --demo). The PF of a VF found through sysfs, or through its PF's SR-IOV capability in \
            the same dump, is used automatically; --pf and --pf-file choose another.

            Strategies: auto (the default: at, dvsec-hint, table, pf-offset, end, first-fit, in \
            that order), pf-offset, end, first-fit, table, dvsec-hint. --at CAP=OFFSET binds one \
            capability to an offset.

            Exit status: 0 every capability placed (or already present), 1 a source, PF, peer or \
            table file could not be read, 2 a capability could not be placed or planning was \
            refused, 3 the selection matched nothing, 64 usage error.

            docs/placement.md describes the strategies, the built-in table and its sources, and \
            the free-space DVSEC layout.
            """)

    @OptionGroup var source: SourceOptions

    @Option(
        name: .customLong("pf-file"),
        help: ArgumentHelp(
            "Read the PF from this dump file (with --pf to pick one of its functions).", valueName: "file"))
    var pfFile: String?

    @Option(
        name: .customLong("pf"),
        help: ArgumentHelp("Select the PF by address, as -s (in --pf-file, or in the main source).", valueName: "slot"))
    var pfSlot: String?

    @Option(
        name: .customLong("add"),
        help: ArgumentHelp(
            "A capability to add: pasid, pri, ats, or dvsec[:LENGTH[:VENDOR:ID[:REV]]] (LENGTH in bytes, default 12; VENDOR and ID hex, default ffff:0000). Repeatable.",
            valueName: "capability"))
    var additions: [String] = []

    @Option(help: ArgumentHelp("auto, pf-offset, end, first-fit, table or dvsec-hint.", valueName: "strategy"))
    var strategy = "auto"

    @Option(
        name: .customLong("at"),
        help: ArgumentHelp(
            "Place a capability at this offset or nowhere: CAP=OFFSET (hex; CAP as in --add, dvsec#2 for the second DVSEC). Repeatable.",
            valueName: "cap=offset"))
    var explicitOffsets: [String] = []

    @Option(
        name: .customLong("reserve"),
        help: ArgumentHelp(
            "Keep this inclusive range free: START-END in hex, e.g. 0xa0-0xaf. Repeatable.", valueName: "range"))
    var reserves: [String] = []

    @Option(
        name: .customLong("table"),
        help: ArgumentHelp(
            "Read more vendor:device entries from this table file (format in docs/placement.md). Repeatable.",
            valueName: "file"))
    var tables: [String] = []

    @Option(
        name: .customLong("peer"),
        help: ArgumentHelp(
            "Another configuration space (dump file) on which the same offsets must also be free, for live migration. Repeatable.",
            valueName: "file"))
    var peers: [String] = []

    @Option(help: ArgumentHelp("PASID Max PASID Width (0-20), when the PF has no PASID to copy.", valueName: "n"))
    var pasidWidth: Int?

    @Flag(help: "PASID Execute Permission Supported (with --pasid-width).")
    var pasidExec = false

    @Flag(help: "PASID Privileged Mode Supported (with --pasid-width).")
    var pasidPriv = false

    @Option(
        help: ArgumentHelp("PRI Outstanding Page Request Capacity, when the PF has no PRI to copy.", valueName: "n"))
    var priCapacity: String?

    @Flag(help: "PRI PRG Response PASID Required (with --pri-capacity).")
    var priPasidRequired = false

    @Flag(help: "Allow placements over non-zero bytes outside every structure (suspected hidden registers).")
    var forceNonzero = false

    @Flag(help: "Add cfgtui's free-space DVSEC (a proposal) describing the space left free.")
    var addFreeSpaceDvsec = false

    @Flag(help: "Write JSON ({\"placements\": [...], \"rejected\": [...], \"ok\": true}; schema in the README).")
    var json = false

    @Option(
        help: ArgumentHelp(
            "Write the virtual configuration space as `lspci -xxxx` text to this file (only when every capability is placed).",
            valueName: "file"))
    var emitDump: String?

    // MARK: - Validation (usage errors, exit 64)

    func validate() throws {
        let capabilities = try parsedCapabilities()
        guard !capabilities.isEmpty || addFreeSpaceDvsec else {
            throw ValidationError("nothing to add: give --add pasid|pri|ats|dvsec[...] or --add-free-space-dvsec")
        }
        guard PlanText.strategy(named: strategy) != nil else {
            throw ValidationError(
                "unknown strategy '\(strategy)': expected auto, pf-offset, end, first-fit, table or dvsec-hint")
        }
        _ = try parsedExplicitOffsets(for: capabilities)
        _ = try parsedReserves()
        if let pasidWidth, !(0...PASIDBits.maximumWidth).contains(pasidWidth) {
            throw ValidationError("--pasid-width \(pasidWidth): Max PASID Width is 0-20")
        }
        if pasidWidth == nil && (pasidExec || pasidPriv) {
            throw ValidationError("--pasid-exec and --pasid-priv need --pasid-width")
        }
        _ = try parsedCapacity()
        if priCapacity == nil && priPasidRequired {
            throw ValidationError("--pri-pasid-required needs --pri-capacity")
        }
        if let pfSlot {
            var filter = DeviceFilter()
            do { try filter.parseSlot(pfSlot) } catch {
                throw ValidationError(
                    "cannot parse --pf '\(pfSlot)': expected [[[[domain]:]bus]:][device][.[function]]")
            }
        }
    }

    /// The `--add` values, in order.
    func parsedCapabilities() throws -> [VirtualCapability] {
        var result = [VirtualCapability]()
        for text in additions {
            let parts = text.lowercased().split(separator: ":", omittingEmptySubsequences: false)
            let capability: VirtualCapability
            switch parts.first ?? "" {
            case "pasid" where parts.count == 1: capability = .pasid
            case "pri" where parts.count == 1: capability = .pri
            case "ats" where parts.count == 1: capability = .ats
            case "dvsec": capability = .dvsec(try Self.dvsecIdentity(parts.dropFirst(), text: text))
            default:
                throw ValidationError(
                    "cannot parse --add '\(text)': expected pasid, pri, ats or dvsec[:LENGTH[:VENDOR:ID[:REV]]]")
            }
            if capability.kind != .dvsec, result.contains(where: { $0.kind == capability.kind }) {
                throw ValidationError("--add \(PlanText.name(capability.kind)) is given twice")
            }
            result.append(capability)
        }
        return result
    }

    private static func dvsecIdentity(_ parts: ArraySlice<Substring>, text: String) throws -> DVSECIdentity {
        let fields = Array(parts)
        guard fields.count <= 4, fields.count != 2 else {
            throw ValidationError("cannot parse --add '\(text)': expected dvsec[:LENGTH[:VENDOR:ID[:REV]]]")
        }
        var length = DVSECIdentity.minimumLength
        if let first = fields.first {
            guard let value = number(first), value >= DVSECIdentity.minimumLength, value <= DVSECIdentity.maximumLength
            else {
                throw ValidationError("--add '\(text)': the DVSEC length must be 12 to 4092 bytes")
            }
            length = value
        }
        var vendor: UInt16 = 0xFFFF
        var identifier: UInt16 = 0
        if fields.count >= 3 {
            guard fields[1].count <= 4, fields[2].count <= 4, let parsedVendor = UInt16(fields[1], radix: 16),
                let parsedID = UInt16(fields[2], radix: 16)
            else {
                throw ValidationError("--add '\(text)': VENDOR and ID are 4-digit hex numbers")
            }
            vendor = parsedVendor
            identifier = parsedID
        }
        var revision = 0
        if fields.count == 4 {
            guard let value = number(fields[3]), (0...15).contains(value) else {
                throw ValidationError("--add '\(text)': the DVSEC revision is 0-15")
            }
            revision = value
        }
        return DVSECIdentity(vendorID: vendor, dvsecID: identifier, revision: revision, length: length)
    }

    /// Decimal, or hex with `0x`.
    private static func number(_ text: Substring) -> Int? {
        if text.hasPrefix("0x") { return Int(text.dropFirst(2), radix: 16) }
        return Int(text)
    }

    /// The `--at` values, by request index.
    func parsedExplicitOffsets(for capabilities: [VirtualCapability]) throws -> [Int: ConfigOffset] {
        let labels = PlanText.labels(capabilities)
        var result = [Int: ConfigOffset]()
        for text in explicitOffsets {
            let parts = text.lowercased().split(separator: "=", omittingEmptySubsequences: false)
            guard parts.count == 2, let offset = KnownOffsetTable.parseHex(parts[1]) else {
                throw ValidationError("cannot parse --at '\(text)': expected CAP=OFFSET, e.g. pasid=0xff8")
            }
            guard let index = labels.firstIndex(of: String(parts[0])) else {
                throw ValidationError(
                    "--at '\(text)': \(parts[0]) is not requested with --add (requested: \(labels.joined(separator: ", ")))"
                )
            }
            guard result[index] == nil else { throw ValidationError("--at gives \(parts[0]) twice") }
            result[index] = ConfigOffset(offset)
        }
        return result
    }

    func parsedReserves() throws -> [ConfigRange] {
        try reserves.map { text in
            guard let range = KnownOffsetTable.parseRange(Substring(text.lowercased())) else {
                throw ValidationError("cannot parse --reserve '\(text)': expected START-END in hex, e.g. 0xa0-0xaf")
            }
            return range
        }
    }

    func parsedCapacity() throws -> UInt32? {
        guard let priCapacity else { return nil }
        guard let value = Self.number(Substring(priCapacity)), let capacity = UInt32(exactly: value) else {
            throw ValidationError("--pri-capacity '\(priCapacity)': expected a number 0-0xffffffff")
        }
        return capacity
    }

    // MARK: - Running

    func run() throws {
        let names = PCINameDatabase()
        let all: [PCIFunction]
        do {
            all = try SourceOptions.load(source.sourceKind, names: names)
        } catch {
            StandardOutput.error(ErrorText.message(error))
            throw ExitStatus.sourceError
        }
        let target = try selectTarget(in: all)
        let (pf, pfSource) = try selectPhysicalFunction(of: target, in: all, names: names)
        let peerFunctions = try loadPeers(near: target, names: names)
        let table = try loadTable()

        let capabilities = try parsedCapabilities()
        let explicit = try parsedExplicitOffsets(for: capabilities)
        var request = PlacementRequest(
            target: PlacementFunction(target),
            physicalFunction: pf.map { PlacementFunction($0) },
            capabilities: capabilities.enumerated().map { RequestedCapability($1, at: explicit[$0]) },
            strategy: PlanText.strategy(named: strategy) ?? .auto, reserved: try parsedReserves(),
            peers: peerFunctions.map { PlacementFunction($0) }, table: table, allowsNonZeroBytes: forceNonzero,
            addsFreeSpaceDVSEC: addFreeSpaceDvsec)
        if let pasidWidth {
            request.pasidBits = PASIDBits(
                maxWidth: pasidWidth, executeSupported: pasidExec, privilegedSupported: pasidPriv)
        }
        if let capacity = try parsedCapacity() {
            request.priBits = PRIBits(outstandingCapacity: capacity, prgResponsePASIDRequired: priPasidRequired)
        }
        let context = PlanContext(
            targetAddress: target.address, targetTitle: FunctionText.title(target), physicalFunction: pfSource,
            peers: peers, request: request)

        var buffer = OutputBuffer(capacity: 1 << 14)
        let plan: PlacementPlan
        do {
            plan = try PlacementPlanner.plan(request)
        } catch {
            if json {
                PlanReport.appendJSONError(error, context: context, to: &buffer)
                StandardOutput.write(buffer)
            }
            StandardOutput.error(PlanText.error(error))
            throw ExitStatus.placementFailed
        }
        if json {
            PlanReport.appendJSON(plan, context: context, to: &buffer)
        } else {
            PlanReport.appendText(plan, context: context, to: &buffer)
        }
        StandardOutput.write(buffer)

        if let emitDump {
            if plan.isComplete {
                let text = LspciDump.write([
                    (address: target.address, title: FunctionText.title(target), space: plan.virtualSpace)
                ])
                do {
                    try Data(text).write(to: URL(fileURLWithPath: emitDump))
                } catch {
                    StandardOutput.error("\(emitDump): cannot write: \(error.localizedDescription)")
                    throw ExitStatus.sourceError
                }
            } else {
                StandardOutput.notice("\(emitDump) not written: not every capability could be placed")
            }
        }
        if !plan.isComplete { throw ExitStatus.placementFailed }
    }

    /// Exactly one function after -s/-d.
    private func selectTarget(in all: [PCIFunction]) throws -> PCIFunction {
        let filter = (try? source.filter()) ?? DeviceFilter()
        let selected = all.filter { Self.matches(filter, $0) }
        if selected.count == 1, let target = selected.first { return target }
        if selected.isEmpty {
            if source.selectionText.isEmpty {
                StandardOutput.error(ErrorText.message(.noFunctions))
                throw ExitStatus.sourceError
            }
            StandardOutput.error("no function matches \(source.selectionText)")
            throw ExitStatus.noMatch
        }
        let shown = selected.prefix(8).map(\.address.description).joined(separator: ", ")
        throw ValidationError(
            "plan needs exactly one target function, but \(source.selectionText.isEmpty ? "the source" : source.selectionText) selects \(selected.count): \(shown)\(selected.count > 8 ? ", ..." : ""); narrow it with -s"
        )
    }

    private static func matches(_ filter: DeviceFilter, _ function: PCIFunction) -> Bool {
        filter.matches(
            function.address, vendorID: Int(function.vendorID), deviceID: Int(function.deviceID),
            classCode: (function.classCode ?? 0) >> 8)
    }

    /// The PF: from --pf-file (and --pf), from --pf in the main source, or the target's own PF.
    private func selectPhysicalFunction(of target: PCIFunction, in all: [PCIFunction], names: PCINameDatabase) throws
        -> (PCIFunction?, PlanContext.PhysicalFunctionSource)
    {
        var candidates = all
        if let pfFile {
            do throws(SourceError) {
                candidates = try DumpFileSource(paths: [pfFile], names: names).loadFunctions()
            } catch {
                StandardOutput.error(ErrorText.message(error))
                throw ExitStatus.sourceError
            }
        }
        if let pfSlot {
            var filter = DeviceFilter()
            try? filter.parseSlot(pfSlot)
            candidates = candidates.filter { Self.matches(filter, $0) }
        } else if pfFile == nil {
            guard case .virtualFunction(let address) = target.relation else { return (nil, .none) }
            guard let pf = all.first(where: { $0.address == address }) else { return (nil, .none) }
            return (pf, .related(address))
        }
        guard candidates.count == 1, let pf = candidates.first else {
            let place = pfFile ?? "the source"
            if candidates.isEmpty {
                StandardOutput.error("--pf: no function in \(place) matches \(pfSlot ?? "")")
                throw ExitStatus.noMatch
            }
            throw ValidationError("\(place) holds \(candidates.count) functions: choose the PF with --pf SLOT")
        }
        return (pf, .selected(pf.address, file: pfFile))
    }

    /// Each --peer file's function: its only one, or the one at the target's address.
    private func loadPeers(near target: PCIFunction, names: PCINameDatabase) throws -> [PCIFunction] {
        try peers.map { path in
            let functions: [PCIFunction]
            do throws(SourceError) {
                functions = try DumpFileSource(paths: [path], names: names).loadFunctions()
            } catch {
                StandardOutput.error(ErrorText.message(error))
                throw ExitStatus.sourceError
            }
            if functions.count == 1, let only = functions.first { return only }
            if let same = functions.first(where: { $0.address == target.address }) { return same }
            throw ValidationError(
                "--peer \(path) holds \(functions.count) functions and none at \(target.address): give a file with one function"
            )
        }
    }

    /// The built-in table plus every --table file.
    private func loadTable() throws -> KnownOffsetTable {
        var table = KnownOffsetTable.builtIn
        for path in tables {
            let bytes: [UInt8]
            do {
                bytes = try FileReader.readAll(path)
            } catch {
                StandardOutput.error("\(path): cannot read: \(error.reason)")
                throw ExitStatus.sourceError
            }
            do {
                table = table.merging(try KnownOffsetTable.parse(String(decoding: bytes, as: UTF8.self), file: path))
            } catch {
                StandardOutput.error(PlanText.error(error))
                throw ExitStatus.sourceError
            }
        }
        return table
    }
}

extension ExitStatus {
    /// A requested capability could not be placed, or planning was refused.
    static let placementFailed = ExitCode(2)
}
