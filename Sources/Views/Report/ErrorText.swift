import Model

/// Messages for errors that end a command.
public enum ErrorText {
    public static func message(_ error: DumpError) -> String {
        let file = TerminalSafety.escaped(error.file)
        let place = error.line.map { "\(file):\($0)" } ?? file
        switch error.problem {
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
        case .binaryTooSmall(let size):
            return
                "\(place): binary file of \(size) bytes is shorter than the 64-byte header (a binary config file holds 64 to 4096 bytes)"
        case .empty:
            return "\(place): the file is empty"
        case .tooManyFunctions(let limit):
            return "\(place): more than \(limit) functions (every routing ID of a domain once); not read further"
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

    /// `plan.json: placements[1].offset: expected a number`.
    public static func message(_ error: PlanFileError) -> String {
        let place = error.path.isEmpty ? error.file : "\(error.file): \(keyPath(error.path))"
        switch error.problem {
        case .notAPlan:
            return "\(place): not a plan: expected a JSON object with \"placements\" (cfgtui plan --json)"
        case .incomplete:
            return "\(place): the plan did not place every capability (\"ok\": false)"
        case .missing:
            return "\(place): missing"
        case .expected(let kind):
            return "\(place): expected \(valueName(kind))"
        case .unknownName(let name, let expected):
            return "\(place): '\(name)' is not one of \(expected.joined(separator: ", "))"
        case .expectedHexBytes:
            return "\(place): expected hex digits, two per byte"
        case .invalidValue:
            return "\(place): not a valid value"
        case .notAnExtendedCapabilityID(let id):
            return "\(place): \(id) is not an extended capability ID (0-65535)"
        case .shorterThanAHeader(let length):
            return "\(place): \(length) is shorter than the 4-byte extended capability header"
        case .outsideConfigSpace(let offset, let length):
            return
                "\(place): \"offset\" \(offset) and \"length\" \(length) are outside the 4096-byte configuration space"
        case .wrongByteCount(let expected, let found):
            return "\(place): expected \(expected) bytes (the length less the 4-byte header), found \(found)"
        case .noBytes:
            return "\(place): no \"bytes\": give the plan's virtual space with --virtual-dump"
        case .at(let path, let problem):
            return message(PlanFileError(file: error.file, path: error.path + path, problem: problem))
        }
    }

    /// `placements[1].offset`.
    static func keyPath(_ path: [PlanFileKey]) -> String {
        var text = ""
        for key in path {
            switch key {
            case .member(let name): text += text.isEmpty ? name : "." + name
            case .index(let index): text += "[\(index)]"
            }
        }
        return text
    }

    private static func valueName(_ kind: PlanFileValueKind) -> String {
        switch kind {
        case .number: "a number"
        case .text: "a string"
        case .boolean: "true or false"
        case .list: "a list"
        case .object: "an object"
        }
    }
}
