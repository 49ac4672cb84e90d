import Model

/// Messages for errors that end a command.
public enum ErrorText {
    public static func message(_ error: DumpError) -> String {
        let place = error.line.map { "\(error.file):\($0)" } ?? error.file
        switch error.problem {
        case .malformedHexLine(let column):
            return
                "\(place): malformed hex line at column \(column): expected two-digit hex bytes separated by single spaces"
        case .offsetPastConfigSpace(let offset):
            return
                "\(place): byte offset \(HexFormat.literal(UInt64(offset))) is past the 4096-byte configuration space"
        case .invalidAddress(let text):
            return "\(place): '\(text)' is not a valid PCI address (device 00-1f, function 0-7)"
        case .noFunctions:
            return
                "\(place): no functions found (expected lines like '00:1f.0 ...' followed by hex lines '00: 86 80 ...', or a binary config file)"
        case .binaryTooLarge(let size):
            return "\(place): binary file of \(size) bytes is larger than a 4096-byte configuration space"
        case .empty:
            return "\(place): the file is empty"
        case .unreadable(let reason):
            return "\(place): cannot read: \(reason)"
        }
    }

    public static func message(_ error: SourceError) -> String {
        switch error {
        case .dump(let dumpError): message(dumpError)
        case .libpci(let text): "libpci: \(text)"
        case .sysfsRootNotFound(let path):
            "\(path): no PCI devices directory (expected \(path)/bus/pci/devices or \(path)/devices)"
        case .noFunctions: "no PCI functions found (try --demo, or -F FILE for a dump)"
        case .functionGone(let address): "\(address) is no longer present"
        }
    }
}
