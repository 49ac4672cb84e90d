/// Column math of a hex map row: a 3-digit offset, two spaces, 16 bytes in four dword groups
/// separated by ` ┊ `, then the owner column.
///
/// ```
/// 040  10 80 92 00 ┊ e1 8f 00 10 ┊ 1f 21 00 00 ┊ 00 00 00 00   PCIe
/// ```
public enum HexRowLayout {
    /// Where byte 0 starts.
    public static let firstByteColumn = 5
    /// Width of offset + bytes.
    public static let bytesWidth = 58
    /// Where the owner column starts.
    public static let ownerColumn = 60

    /// The column of byte `index` (0-15) of a row.
    public static func column(ofByte index: Int) -> Int { firstByteColumn + index * 3 + (index / 4) * 2 }

    /// The column of the separator before dword group `group` (1-3).
    public static func separatorColumn(beforeGroup group: Int) -> Int { firstByteColumn + group * 14 - 2 }

    /// The byte index (0-15) at a column, or nil on the offset column or a separator.
    public static func byteIndex(atColumn column: Int) -> Int? {
        let position = column - firstByteColumn
        guard position >= 0 else { return nil }
        let group = position / 14
        let within = position % 14
        guard group < 4, within < 12 else { return nil }
        return group * 4 + min(3, within / 3)
    }
}
