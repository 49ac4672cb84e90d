/// Who owns a byte of configuration space.
public enum ByteOwner: Hashable, Sendable {
    /// The predefined header (0x00-0x3F, or 0x47 for CardBus).
    case header
    /// A capability, by index into `FunctionAnalysis.capabilities`.
    case capability(Int)
    /// Bytes after a capability whose length is unknown, up to the next structure: they may
    /// belong to it, so they are neither claimed nor free.
    case possiblyCapability(Int)
    /// Readable bytes outside every structure.
    case unclaimed
    /// The extended space repeats the conventional space (not really there).
    case alias
    /// Bytes that were not read.
    case unreadable
}

/// A run of bytes with one owner.
public struct MapRegion: Hashable, Sendable {
    public var range: ConfigRange
    public var owner: ByteOwner

    public init(range: ConfigRange, owner: ByteOwner) {
        self.range = range
        self.owner = owner
    }
}

/// The area a gap lies in.
public enum ConfigArea: String, Hashable, Sendable {
    /// 0x40-0xFF: where standard capabilities live.
    case standard
    /// 0x100-0xFFF: where extended capabilities live.
    case extended
}

/// Readable bytes outside every structure, within one area.
public struct Gap: Hashable, Sendable {
    public var range: ConfigRange
    public var area: ConfigArea
    /// How many of its bytes are non-zero: likely hidden device registers.
    public var nonZeroBytes: Int

    public init(range: ConfigRange, area: ConfigArea, nonZeroBytes: Int) {
        self.range = range
        self.area = area
        self.nonZeroBytes = nonZeroBytes
    }
}

/// For every byte of a function's configuration space, its owner; and the gaps.
///
/// Regions are sorted, do not overlap, and cover `0..<size`. Where two structures claim the
/// same bytes, the one at the lower offset keeps them (the overlap is a diagnostic).
///
/// ```
/// let map = analysis.map
/// map.owner(at: 0x104)     // .capability(4), e.g. AER at 0x100
/// map.gaps.filter { $0.nonZeroBytes > 0 }   // suspected hidden registers
/// ```
public struct ConfigSpaceMap: Hashable, Sendable {
    public private(set) var regions: [MapRegion]
    public private(set) var gaps: [Gap]

    /// The owner of the byte at `offset` (`.unreadable` outside the space).
    public func owner(at offset: Int) -> ByteOwner {
        var low = 0
        var high = regions.count - 1
        while low <= high {
            let middle = (low + high) / 2
            let region = regions[middle]
            if offset < region.range.start.rawValue {
                high = middle - 1
            } else if offset >= region.range.end.rawValue {
                low = middle + 1
            } else {
                return region.owner
            }
        }
        return .unreadable
    }

    public func owner(at offset: ConfigOffset) -> ByteOwner { owner(at: offset.rawValue) }

    /// Builds the map from the header and the capabilities. Claims are taken in offset order;
    /// bytes claimed twice stay with the earlier claim. The bytes after a capability of unknown
    /// length, up to the next claim (or the end of its area), are `.possiblyCapability`.
    init(space: ConfigSpace, headerLength: Int, capabilities: [Capability], extendedIsAliased: Bool) {
        let size = space.size
        let readable = min(space.readableLength, size)

        struct Claim {
            var start: Int
            var end: Int
            var owner: ByteOwner
            var unknownTailEnd: Int?  // the area end, when the length is unknown
        }
        var claims = [Claim(start: 0, end: min(headerLength, size), owner: .header, unknownTailEnd: nil)]
        for (index, capability) in capabilities.enumerated() {
            let areaEnd = capability.space == .standard ? ConfigSpace.conventionalSize : ConfigSpace.extendedSize
            let start = capability.offset.rawValue
            claims.append(
                Claim(
                    start: start, end: min(start + capability.extent.length, areaEnd, size), owner: .capability(index),
                    unknownTailEnd: capability.length.bytes == nil ? min(areaEnd, size) : nil))
        }
        claims.sort { $0.start < $1.start }

        var owners = [MapRegion]()
        owners.reserveCapacity(claims.count * 2 + 2)
        var cursor = 0
        var tail: (index: Int, end: Int)?
        func fill(to end: Int) {
            guard end > cursor else { return }
            if let pending = tail {
                let tailEnd = min(end, pending.end)
                if tailEnd > cursor {
                    owners.append(
                        MapRegion(
                            range: ConfigRange(cursor, length: tailEnd - cursor),
                            owner: .possiblyCapability(pending.index)))
                    cursor = tailEnd
                }
                tail = nil
            }
            if end > cursor {
                owners.append(MapRegion(range: ConfigRange(cursor, length: end - cursor), owner: .unclaimed))
                cursor = end
            }
        }
        for claim in claims {
            fill(to: min(claim.start, size))
            guard claim.end > cursor else { continue }
            owners.append(MapRegion(range: ConfigRange(cursor, length: claim.end - cursor), owner: claim.owner))
            cursor = claim.end
            if case .capability(let index) = claim.owner, let tailEnd = claim.unknownTailEnd {
                tail = (index, tailEnd)
            } else {
                tail = nil
            }
        }
        fill(to: size)

        // Aliased extended space, then unreadable bytes, override what the claims said.
        var result = [MapRegion]()
        result.reserveCapacity(owners.count + 2)
        for region in owners {
            var start = region.range.start.rawValue
            let end = region.range.end.rawValue
            if extendedIsAliased, end > ConfigSpace.conventionalSize {
                if start < ConfigSpace.conventionalSize {
                    result.append(
                        MapRegion(
                            range: ConfigRange(start, length: ConfigSpace.conventionalSize - start), owner: region.owner
                        ))
                    start = ConfigSpace.conventionalSize
                }
                Self.append(MapRegion(range: ConfigRange(start, length: end - start), owner: .alias), to: &result)
                continue
            }
            Self.append(MapRegion(range: ConfigRange(start, length: end - start), owner: region.owner), to: &result)
        }
        // Unreadable: the holes a dump left, then everything past the readable bytes.
        var unreadable = space.unreadable.filter { $0.start.rawValue < readable }
        if readable < size { unreadable.append(ConfigRange(readable, length: size - readable)) }
        var clipped = [MapRegion]()
        clipped.reserveCapacity(result.count + unreadable.count * 2 + 1)
        var hole = 0
        for region in result {
            var start = region.range.start.rawValue
            let end = region.range.end.rawValue
            while start < end {
                while hole < unreadable.count && unreadable[hole].end.rawValue <= start { hole += 1 }
                guard hole < unreadable.count, unreadable[hole].start.rawValue < end else {
                    Self.append(
                        MapRegion(range: ConfigRange(start, length: end - start), owner: region.owner), to: &clipped)
                    break
                }
                let holeStart = unreadable[hole].start.rawValue
                if holeStart > start {
                    Self.append(
                        MapRegion(range: ConfigRange(start, length: holeStart - start), owner: region.owner),
                        to: &clipped)
                    start = holeStart
                }
                let holeEnd = min(unreadable[hole].end.rawValue, end)
                Self.append(
                    MapRegion(range: ConfigRange(start, length: holeEnd - start), owner: .unreadable), to: &clipped)
                start = holeEnd
            }
        }
        regions = clipped
        gaps = Self.gaps(in: clipped, space: space, headerLength: headerLength)
    }

    /// Appends a region, merging it into the previous one when the owner is the same.
    private static func append(_ region: MapRegion, to regions: inout [MapRegion]) {
        guard !region.range.isEmpty else { return }
        if let last = regions.last, last.owner == region.owner, last.range.end == region.range.start {
            regions[regions.count - 1].range.length += region.range.length
        } else {
            regions.append(region)
        }
    }

    /// Unclaimed readable bytes, split at the 0x100 boundary, with their non-zero counts.
    private static func gaps(in regions: [MapRegion], space: ConfigSpace, headerLength: Int) -> [Gap] {
        var result = [Gap]()
        for region in regions where region.owner == .unclaimed {
            var start = max(region.range.start.rawValue, headerLength)
            let end = region.range.end.rawValue
            while start < end {
                let areaEnd = start < ConfigSpace.conventionalSize ? min(end, ConfigSpace.conventionalSize) : end
                var nonZero = 0
                space.bytes.withUnsafeBufferPointer { buffer in
                    for index in start..<min(areaEnd, buffer.count) where buffer[index] != 0 { nonZero += 1 }
                }
                result.append(
                    Gap(
                        range: ConfigRange(start, length: areaEnd - start),
                        area: start < ConfigSpace.conventionalSize ? .standard : .extended, nonZeroBytes: nonZero))
                start = areaEnd
            }
        }
        return result
    }
}
