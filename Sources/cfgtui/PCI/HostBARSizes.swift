import Model

/// BAR sizes of a function on this host, for the write simulator's sizing probe (`cfgtui
/// simulate` and the explorer's write panel). Read-only: sysfs `resource` is a text file.
enum HostBARSizes {
    /// The most of `resource` read: 17 lines of three 18-character numbers fit many times over.
    static let resourceLimit = 16 << 10

    /// Sizes from sysfs `resource` (start, end and flags per line: BAR0-5, the ROM, then the
    /// SR-IOV VF BARs, each covering TotalVFs VFs).
    static func read(of function: PCIFunction, root: String?, names: PCINameDatabase) -> BARSizes? {
        guard let source = try? LibPCISource(sysfsRoot: root, names: names) else { return nil }
        let path = source.sysfsPath + "/devices/" + function.address.description + "/resource"
        // Bounded like every sysfs read: a real `resource` is about 1 KiB of text.
        guard let bytes = try? FileReader.readAll(path, limit: resourceLimit) else { return nil }
        let lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n")
        var sizes = BARSizes()
        let analysis = function.analyze()
        let totalVFs = analysis.capability(.extended(.singleRootIOV)).flatMap {
            function.space.word(at: $0.offset.rawValue + 0x0E)
        }
        for (index, line) in lines.enumerated() where index < 13 {
            let fields = line.split(separator: " ")
            guard fields.count >= 2, let start = UInt64(fields[0].dropFirst(2), radix: 16),
                let end = UInt64(fields[1].dropFirst(2), radix: 16)
            else { continue }
            // "0x0 0x0": not implemented. A range that runs backwards or spans everything is
            // not a size: skip it rather than trap on the arithmetic (the file is hardware data).
            let size: UInt64
            if start == 0 && end == 0 {
                size = 0
            } else if end >= start, end - start < UInt64.max {
                size = end - start + 1
            } else {
                continue
            }
            switch index {
            case 0..<6:
                // The upper half of a 64-bit BAR is not a BAR of its own (sysfs shows it empty).
                if index > 0, let previous = function.space.dword(at: 0x10 + 4 * (index - 1)),
                    previous & 0x7 == 0x4, sizes[.bar(index - 1)] != nil
                {
                    continue
                }
                sizes[.bar(index)] = size
            case 6: sizes[.expansionROM] = size
            default:
                guard let totalVFs, totalVFs > 0, analysis.context.headerLayout == .endpoint else { continue }
                sizes[.virtualFunctionBAR(index - 7)] = size / UInt64(totalVFs)
            }
        }
        return sizes
    }
}
