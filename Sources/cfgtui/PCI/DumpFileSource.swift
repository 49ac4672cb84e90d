import Model

/// Functions from dump files (`-F`): lspci -x/-xxx/-xxxx text or binary config files.
struct DumpFileSource: ConfigSpaceSource {
    let paths: [String]
    let names: PCINameDatabase

    func loadFunctions() throws(SourceError) -> [PCIFunction] {
        var functions = [PCIFunction]()
        for path in paths {
            let bytes: [UInt8]
            do {
                bytes = try FileReader.readAll(path)
            } catch {
                throw .dump(DumpError(file: path, problem: .unreadable(error.reason)))
            }
            let dumped: [DumpedFunction]
            do {
                dumped = try LspciDump.read(bytes, file: path)
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
        return FunctionSet.prepared(functions, names: names)
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
