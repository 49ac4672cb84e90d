/// cfgtui's free-space DVSEC: a DVSEC that lists the ranges of a function's extended
/// configuration space that hold nothing, so that a VMM can put virtual capabilities there.
///
/// **A proposal, not a standard.** Alex Williamson suggested an in-band DVSEC describing unused
/// configuration space (kvm list, 2024-04-17, Message-ID
/// 20240417142552.44382198.alex.williamson@redhat.com); a table of ranges "could always collapse
/// to zero entries" (2024-04-18, 20240418103418.1755365a.alex.williamson@redhat.com;
/// docs/placement.md). No PCI-SIG ECN or assigned DVSEC ID exists, so cfgtui defines this layout
/// and marks it with a synthetic pair: DVSEC Vendor ID 0xFFFF, which PCI-SIG never assigns,
/// and DVSEC ID 0xCF5D. cfgtui reads it (`dvsec-hint`) and writes it (`--add-free-space-dvsec`).
///
/// | offset | size | field |
/// | --- | --- | --- |
/// | +0x00 | 4 | Extended capability header: ID 0x0023, version 1, next pointer |
/// | +0x04 | 4 | DVSEC Header 1: Vendor ID 0xFFFF (15:0), Revision 0 (19:16), Length (31:20) = 0x0C + 4 × slots |
/// | +0x08 | 2 | DVSEC Header 2: DVSEC ID 0xCF5D |
/// | +0x0A | 2 | Entry Count: how many of the slots below are in use |
/// | +0x0C | 4 each | Entries: Start (15:0, a byte offset, dword-aligned, ≥ 0x100) and Length (31:16, bytes, a multiple of 4) |
///
/// Entries are sorted, do not overlap each other or the DVSEC, and lie in 0x100-0xFFF. Slots
/// past Entry Count are zero. A reader ignores entries that break these rules and says why.
///
/// ```
/// let dvsec = FreeSpaceDVSEC(ranges: [ConfigRange(0x200, length: 0x100)])
/// dvsec.length                    // 16
/// FreeSpaceDVSEC.read(in: analysis)   // what a function advertises
/// ```
public struct FreeSpaceDVSEC: Hashable, Sendable {
    /// The DVSEC Vendor ID: 0xFFFF, never assigned by PCI-SIG, so the pair is clearly synthetic.
    public static let vendorID: UInt16 = 0xFFFF
    /// The DVSEC ID cfgtui gives this layout.
    public static let dvsecID: UInt16 = 0xCF5D
    /// The layout revision described here.
    public static let revision = 0
    /// Bytes before the first entry.
    public static let headerLength = 0x0C
    /// Bytes per entry.
    public static let entryLength = 4
    /// The shortest range worth listing: the smallest capability with a register (8 bytes).
    public static let minimumRangeLength = 8

    /// The free ranges, sorted.
    public var ranges: [ConfigRange]
    /// Entry slots; at least `ranges.count`. Extra slots are written as zero.
    public var slots: Int

    public init(ranges: [ConfigRange], slots: Int? = nil) {
        self.ranges = ranges
        self.slots = max(slots ?? ranges.count, ranges.count)
    }

    /// The structure's length: the header plus every slot.
    public var length: Int { Self.headerLength + Self.entryLength * slots }

    /// The identity written in its headers.
    public var identity: DVSECIdentity {
        DVSECIdentity(vendorID: Self.vendorID, dvsecID: Self.dvsecID, revision: Self.revision, length: length)
    }

    /// The bytes from +4 on: Header 1, Header 2, Entry Count, then the entries.
    public var body: [UInt8] {
        var bytes = [UInt8]()
        bytes.reserveCapacity(length - 4)
        let header1 = UInt32(Self.vendorID) | UInt32(Self.revision) << 16 | UInt32(length & 0xFFF) << 20
        bytes.appendLittleEndian(UInt64(header1), count: 4)
        bytes.appendLittleEndian(UInt64(Self.dvsecID), count: 2)
        bytes.appendLittleEndian(UInt64(ranges.count), count: 2)
        for index in 0..<slots {
            if index < ranges.count {
                let range = ranges[index]
                bytes.appendLittleEndian(UInt64(range.start.rawValue & 0xFFFF), count: 2)
                bytes.appendLittleEndian(UInt64(range.length & 0xFFFF), count: 2)
            } else {
                bytes.appendLittleEndian(0, count: 4)
            }
        }
        return bytes
    }

    // MARK: - Reading

    /// Every free-space DVSEC in a function's extended list, with the ranges it advertises.
    public static func read(in analysis: FunctionAnalysis) -> [FreeSpaceDVSECReading] {
        analysis.extendedCapabilities.compactMap { capability in
            guard capability.kind == .extended(.designatedVendorSpecific) else { return nil }
            return read(at: capability.offset, in: analysis.space)
        }
    }

    /// Reads the DVSEC at `offset` when it is a free-space DVSEC (Vendor 0xFFFF, ID 0xCF5D);
    /// nil for any other DVSEC or when its headers are unreadable.
    public static func read(at offset: ConfigOffset, in space: ConfigSpace) -> FreeSpaceDVSECReading? {
        let base = offset.rawValue
        guard let header1 = space.dword(at: base + 4), let header2 = space.word(at: base + 8),
            UInt16(truncatingIfNeeded: header1) == vendorID, header2 == dvsecID
        else { return nil }
        var reading = FreeSpaceDVSECReading(offset: offset, declaredLength: Int(header1 >> 20))
        let revision = Int(header1 >> 16) & 0xF
        guard revision == Self.revision else {
            reading.problems.append(.unsupportedRevision(revision))
            return reading
        }
        guard let count = space.word(at: base + 0x0A).map({ Int($0) }) else {
            reading.problems.append(.entriesUnreadable)
            return reading
        }
        let needed = headerLength + entryLength * count
        guard needed <= reading.declaredLength else {
            reading.problems.append(.lengthTooShort(declared: reading.declaredLength, needed: needed))
            return reading
        }
        let own = ConfigRange(start: offset, length: max(reading.declaredLength, headerLength))
        var previousEnd = ConfigOffset(ConfigSpace.conventionalSize)
        for index in 0..<count {
            guard let entry = space.dword(at: base + headerLength + entryLength * index) else {
                reading.problems.append(.entriesUnreadable)
                break
            }
            let range = ConfigRange(Int(entry & 0xFFFF), length: Int(entry >> 16))
            if range.isEmpty {
                reading.problems.append(.emptyEntry(index: index))
            } else if !range.start.isDwordAligned || range.length & 3 != 0 {
                reading.problems.append(.misalignedEntry(index: index, range))
            } else if range.start.rawValue < ConfigSpace.conventionalSize
                || range.end.rawValue > ConfigSpace.extendedSize
            {
                reading.problems.append(.entryOutsideExtendedSpace(index: index, range))
            } else if range.overlaps(own) {
                reading.problems.append(.entryOverlapsItself(index: index, range))
            } else if range.start < previousEnd {
                reading.problems.append(.entryOutOfOrder(index: index, range))
            } else {
                reading.ranges.append(range)
                previousEnd = range.end
            }
        }
        return reading
    }
}

/// What one free-space DVSEC in a function advertises.
public struct FreeSpaceDVSECReading: Hashable, Sendable {
    /// Where the DVSEC sits.
    public var offset: ConfigOffset
    /// Its DVSEC Length field.
    public var declaredLength: Int
    /// The valid entries, in table order.
    public var ranges: [ConfigRange] = []
    /// Entries or fields that break the layout's rules (those entries are ignored).
    public var problems: [FreeSpaceDVSECProblem] = []

    public init(offset: ConfigOffset, declaredLength: Int) {
        self.offset = offset
        self.declaredLength = declaredLength
    }
}

/// Why (part of) a free-space DVSEC is ignored.
public enum FreeSpaceDVSECProblem: Hashable, Sendable {
    /// The DVSEC Revision is not one cfgtui knows (only 0 is defined).
    case unsupportedRevision(Int)
    /// DVSEC Length is shorter than the header plus Entry Count entries.
    case lengthTooShort(declared: Int, needed: Int)
    /// The entries run past the readable bytes.
    case entriesUnreadable
    /// An entry has length 0.
    case emptyEntry(index: Int)
    /// An entry's start or length is not a multiple of four.
    case misalignedEntry(index: Int, ConfigRange)
    /// An entry is not inside 0x100-0xFFF.
    case entryOutsideExtendedSpace(index: Int, ConfigRange)
    /// An entry covers the DVSEC's own bytes.
    case entryOverlapsItself(index: Int, ConfigRange)
    /// An entry starts before the previous one ends (entries must be sorted and disjoint).
    case entryOutOfOrder(index: Int, ConfigRange)
}
