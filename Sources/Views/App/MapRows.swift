import Model

/// A row of the hex map: 16 bytes from an offset, or a fold standing for a run of zero rows.
public enum MapRow: Hashable, Sendable {
    case bytes(offset: Int)
    /// Rows from `start` to `end` (exclusive) are all zero and unclaimed (or all unreadable).
    case fold(start: Int, end: Int, unreadable: Bool)

    /// The first byte offset the row stands for.
    public var start: Int {
        switch self {
        case .bytes(let offset): offset
        case .fold(let start, _, _): start
        }
    }

    /// One past the last byte offset the row stands for.
    public var end: Int {
        switch self {
        case .bytes(let offset): offset + 16
        case .fold(_, let end, _): end
        }
    }
}

/// Lays the space out in rows, folding runs of at least `minimumRun` rows that are entirely
/// zero gap bytes (or entirely unreadable) into one row.
public enum MapRows {
    public static func rows(for analysis: FunctionAnalysis, fold: Bool, minimumRun: Int = 3) -> [MapRow] {
        let size = analysis.space.size
        var rows = [MapRow]()
        rows.reserveCapacity(size / 16)
        var offset = 0
        while offset < size {
            guard fold, let kind = foldable(offset, analysis) else {
                rows.append(.bytes(offset: offset))
                offset += 16
                continue
            }
            var end = offset + 16
            while end < size, foldable(end, analysis) == kind { end += 16 }
            // Stop folds at the 0x100 boundary so each area keeps its own rows.
            if offset < 0x100, end > 0x100 { end = 0x100 }
            if (end - offset) / 16 >= minimumRun {
                rows.append(.fold(start: offset, end: end, unreadable: kind == .unreadable))
            } else {
                for row in stride(from: offset, to: end, by: 16) { rows.append(.bytes(offset: row)) }
            }
            offset = end
        }
        return rows
    }

    private enum FoldKind { case zero, unreadable }

    private static func foldable(_ offset: Int, _ analysis: FunctionAnalysis) -> FoldKind? {
        let space = analysis.space
        if offset >= space.readableLength { return .unreadable }
        guard offset + 16 <= space.readableLength else { return nil }
        if !space.unreadable.isEmpty, !space.isReadable(offset, length: 16) {
            return (offset..<(offset + 16)).allSatisfy { !space.isReadable($0) } ? .unreadable : nil
        }
        for index in offset..<(offset + 16) {
            guard space.bytes[index] == 0, analysis.map.owner(at: index) == .unclaimed else { return nil }
        }
        return .zero
    }

    /// The row index that shows `offset`.
    public static func rowIndex(of offset: Int, in rows: [MapRow]) -> Int {
        var low = 0
        var high = rows.count - 1
        while low <= high {
            let middle = (low + high) / 2
            if offset < rows[middle].start {
                high = middle - 1
            } else if offset >= rows[middle].end {
                low = middle + 1
            } else {
                return middle
            }
        }
        return max(0, min(rows.count - 1, low))
    }
}
