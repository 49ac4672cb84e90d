/// One terminal cell: a single-column character and its style.
public struct Cell: Hashable, Sendable {
    public var character: Unicode.Scalar
    public var style: CellStyle

    public init(_ character: Unicode.Scalar = " ", _ style: CellStyle = .plain) {
        self.character = character
        self.style = style
    }

    public static let blank = Cell()
}
