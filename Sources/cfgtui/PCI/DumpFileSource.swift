import Model
import Views

/// Functions from dump files (`-F`): lspci -x/-xxx/-xxxx text or binary config files.
struct DumpFileSource: ConfigSpaceSource {
    let paths: [String]
    let names: PCINameDatabase

    func loadFunctions() throws(SourceError) -> [PCIFunction] {
        var functions = [PCIFunction]()
        var seen = Set<String>()
        for path in paths {
            guard seen.insert(path).inserted else {
                StandardOutput.notice("warning: \(path) is given more than once; read once")
                continue
            }
            // Parsed as it is read: the text of a 56 MB dump is never held whole.
            let stream = LspciDumpStream(file: path)
            var parseError: DumpError?
            do {
                try FileReader.readPieces(path) { piece in
                    do throws(DumpError) {
                        try stream.consume(piece)
                        return true
                    } catch {
                        parseError = error
                        return false
                    }
                }
            } catch {
                throw .dump(DumpError(file: path, problem: .unreadable(error.reason)))
            }
            if let parseError { throw .dump(parseError) }
            let dumped: [DumpedFunction]
            do {
                dumped = try stream.finish()
            } catch {
                throw .dump(error)
            }
            functions.reserveCapacity(functions.count + dumped.count)
            for entry in dumped {
                functions.append(
                    PCIFunction(
                        address: entry.address, space: entry.space,
                        names: FunctionNames(sourceTitle: entry.title.isEmpty ? nil : entry.title),
                        origin: .dump(file: path, line: entry.line), sourceDiagnostics: entry.diagnostics))
            }
        }
        return Self.markingDuplicates(FunctionSet.prepared(functions, names: names))
    }

    /// Functions at one address from different files are all kept: each gets a diagnostic
    /// naming the others, and stderr says so once per address.
    static func markingDuplicates(_ functions: [PCIFunction]) -> [PCIFunction] {
        let duplicates = FunctionTopology.duplicateAddresses(in: functions)
        guard !duplicates.isEmpty else { return functions }
        var result = functions
        for (address, indexes) in duplicates.sorted(by: { $0.key < $1.key }) {
            let places = indexes.map { FunctionText.origin(functions[$0].origin) }
            StandardOutput.notice(
                "warning: \(address) is there more than once (\(places.joined(separator: ", "))); all are kept, told apart by file and line"
            )
            for (position, index) in indexes.enumerated() {
                var others = places
                others.remove(at: position)
                result[index].sourceDiagnostics.append(Diagnostic(.duplicateAddress(alsoIn: others)))
            }
        }
        return result
    }

    func reread(_ address: PCIAddress) throws(SourceError) -> PCIFunction? { nil }
}

/// The steps every source shares: VF relations from SR-IOV, names, lspci's ordering.
enum FunctionSet {
    static func prepared(_ functions: [PCIFunction], names: PCINameDatabase) -> [PCIFunction] {
        var result = FunctionTopology.inferringVirtualFunctions(in: functions)
        for index in result.indices {
            let sourceTitle = result[index].names.sourceTitle
            result[index].names = names.names(for: result[index])
            result[index].names.sourceTitle = sourceTitle
        }
        // Stable sort by address, as lspci lists them.
        return result.enumerated().sorted { lhs, rhs in
            lhs.element.address != rhs.element.address
                ? lhs.element.address < rhs.element.address : lhs.offset < rhs.offset
        }.map(\.element)
    }
}
