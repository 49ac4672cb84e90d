/// A vendor:device table of known-good offsets for virtual capabilities and of known hidden
/// registers, each entry with its public source.
///
/// The `table` strategy proposes an entry's offset for a capability; an entry's reserved
/// ranges (hidden registers) constrain every strategy. cfgtui ships a small built-in table
/// (`builtIn`) and reads more entries from files in this line format:
///
/// ```
/// # comment lines and blank lines are ignored
/// VENDOR:DEVICE  ITEM...  [# source]
/// 8086:191e  pasid=0x100 ats=0x200 pri=0x300 reserve=0x50-0x51   # pciutils tests/cap-pasid-pri
/// 19a2:*     reserve=0xa0-0xaf                                    # be2net be_hw.h
/// ```
///
/// VENDOR and DEVICE are 4-digit hex (DEVICE may be `*`, any device). An ITEM is
/// `pasid=OFFSET`, `pri=OFFSET`, `ats=OFFSET`, `dvsec=OFFSET` (a known-good offset for that
/// capability; extended space, dword-aligned) or `reserve=START-END` (hidden registers, an
/// inclusive byte range anywhere in 0x000-0xFFF). Numbers are hex, with or without `0x`. The
/// text after `#` is the entry's source. Errors name the file and line.
public struct KnownOffsetTable: Hashable, Sendable {
    /// One line of the table.
    public struct Entry: Hashable, Sendable {
        public var vendorID: UInt16
        /// The device ID, or nil for every device of the vendor.
        public var deviceID: UInt16?
        /// Known-good offsets, by capability kind.
        public var offsets: [VirtualCapabilityKind: ConfigOffset]
        /// Known hidden-register ranges.
        public var reserved: [ConfigRange]
        /// Where the facts come from.
        public var source: String
        /// Where the entry was defined: a file and 1-based line, or nil for the built-in table.
        public var origin: TableOrigin?

        public init(
            vendorID: UInt16, deviceID: UInt16?, offsets: [VirtualCapabilityKind: ConfigOffset] = [:],
            reserved: [ConfigRange] = [], source: String, origin: TableOrigin? = nil
        ) {
            self.vendorID = vendorID
            self.deviceID = deviceID
            self.offsets = offsets
            self.reserved = reserved
            self.source = source
            self.origin = origin
        }

        /// Whether the entry applies to a function with these IDs.
        public func matches(vendorID: UInt16, deviceID: UInt16) -> Bool {
            vendorID == self.vendorID && (self.deviceID == nil || self.deviceID == deviceID)
        }
    }

    public var entries: [Entry]

    public init(entries: [Entry] = []) { self.entries = entries }

    /// The entries that apply to a function, in table order.
    public func entries(vendorID: UInt16, deviceID: UInt16) -> [Entry] {
        entries.filter { $0.matches(vendorID: vendorID, deviceID: deviceID) }
    }

    /// The table with `other`'s entries after this one's.
    public func merging(_ other: KnownOffsetTable) -> KnownOffsetTable {
        KnownOffsetTable(entries: entries + other.entries)
    }

    // MARK: - Parsing

    /// Parses the line format described above. `file` is only used in errors and origins.
    public static func parse(_ text: String, file: String) throws(KnownOffsetTableError) -> KnownOffsetTable {
        var entries = [Entry]()
        var number = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            number += 1
            var line = Substring(rawLine)
            if line.last == "\r" { line = line.dropLast() }
            var source = ""
            if let hash = line.firstIndex(of: "#") {
                source = String(line[line.index(after: hash)...]).trimmingBlanks()
                line = line[..<hash]
            }
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard let first = words.first else { continue }
            func fail(_ problem: KnownOffsetTableProblem) -> KnownOffsetTableError {
                KnownOffsetTableError(file: file, line: number, problem: problem)
            }
            let ids = first.split(separator: ":", omittingEmptySubsequences: false)
            guard ids.count == 2, let vendor = hex16(ids[0]) else { throw fail(.malformedIDs(String(first))) }
            let device: UInt16?
            if ids[1] == "*" {
                device = nil
            } else if let value = hex16(ids[1]) {
                device = value
            } else {
                throw fail(.malformedIDs(String(first)))
            }
            guard words.count > 1 else { throw fail(.noItems) }
            var entry = Entry(
                vendorID: vendor, deviceID: device, source: source, origin: TableOrigin(file: file, line: number))
            for word in words.dropFirst() {
                guard let equals = word.firstIndex(of: "=") else { throw fail(.malformedItem(String(word))) }
                let key = word[..<equals].lowercased()
                let value = word[word.index(after: equals)...]
                if key == "reserve" {
                    guard let range = parseRange(value) else { throw fail(.malformedRange(String(value))) }
                    entry.reserved.append(range)
                    continue
                }
                guard let kind = capabilityKind(named: key) else { throw fail(.unknownItem(String(word))) }
                guard let offset = parseHex(value), offset <= 0xFFF else {
                    throw fail(.malformedOffset(String(value)))
                }
                guard offset >= ConfigSpace.conventionalSize, offset & 3 == 0 else {
                    throw fail(.offsetNotInExtendedSpace(String(value)))
                }
                guard entry.offsets[kind] == nil else { throw fail(.duplicateCapability(key)) }
                entry.offsets[kind] = ConfigOffset(offset)
            }
            entries.append(entry)
        }
        return KnownOffsetTable(entries: entries)
    }

    /// The capability kinds a table can name.
    private static func capabilityKind(named name: String) -> VirtualCapabilityKind? {
        switch name {
        case "pasid": .pasid
        case "pri": .pri
        case "ats": .ats
        case "dvsec": .dvsec
        default: nil
        }
    }

    /// `START-END`, inclusive, both hex (`0x` optional), within 0x000-0xFFF; nil otherwise.
    public static func parseRange(_ text: Substring) -> ConfigRange? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, let start = parseHex(parts[0]), let end = parseHex(parts[1]), start <= end,
            end < ConfigSpace.extendedSize
        else { return nil }
        return ConfigRange(start, length: end - start + 1)
    }

    /// Hex with an optional `0x`, at most 4 digits; nil otherwise.
    public static func parseHex(_ text: Substring) -> Int? {
        var digits = text
        if digits.hasPrefix("0x") || digits.hasPrefix("0X") { digits = digits.dropFirst(2) }
        guard !digits.isEmpty, digits.count <= 4 else { return nil }
        return Int(digits, radix: 16)
    }

    private static func hex16(_ text: Substring) -> UInt16? {
        guard text.count == 4 else { return nil }
        return UInt16(text, radix: 16)
    }
}

/// Where a table entry was defined.
public struct TableOrigin: Hashable, Sendable {
    public var file: String
    public var line: Int

    public init(file: String, line: Int) {
        self.file = file
        self.line = line
    }
}

/// A table file line that cannot be read, with where and why.
public struct KnownOffsetTableError: Error, Hashable, Sendable {
    public var file: String
    /// The 1-based line.
    public var line: Int
    public var problem: KnownOffsetTableProblem

    public init(file: String, line: Int, problem: KnownOffsetTableProblem) {
        self.file = file
        self.line = line
        self.problem = problem
    }
}

/// What is wrong with a table line.
public enum KnownOffsetTableProblem: Hashable, Sendable {
    /// The first word is not `VENDOR:DEVICE` (4 hex digits each; DEVICE may be `*`).
    case malformedIDs(String)
    /// The line names a vendor:device but no items.
    case noItems
    /// An item is not `NAME=VALUE`.
    case malformedItem(String)
    /// An item's name is not pasid, pri, ats, dvsec or reserve.
    case unknownItem(String)
    /// An offset is not a hex number in 0x000-0xFFF.
    case malformedOffset(String)
    /// A capability offset is below 0x100 or not a multiple of four.
    case offsetNotInExtendedSpace(String)
    /// A reserve range is not `START-END` in hex with START <= END <= 0xFFF.
    case malformedRange(String)
    /// The same capability is named twice on one line.
    case duplicateCapability(String)
}

extension String {
    /// The text without leading and trailing spaces and tabs.
    fileprivate func trimmingBlanks() -> String {
        let isBlank: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        return String(self.drop(while: isBlank).reversed().drop(while: isBlank).reversed())
    }
}
