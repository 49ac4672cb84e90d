/// Line drawing and markers, Unicode or ASCII, chosen once at startup from the locale.
public struct GlyphSet: Hashable, Sendable {
    public var horizontal: Unicode.Scalar
    public var vertical: Unicode.Scalar
    public var topLeft: Unicode.Scalar
    public var topRight: Unicode.Scalar
    public var bottomLeft: Unicode.Scalar
    public var bottomRight: Unicode.Scalar
    /// Separates dword groups in the hex map.
    public var groupSeparator: Unicode.Scalar
    /// Unreadable bytes: shown as two of these, never as `00`.
    public var unreadable: Unicode.Scalar
    /// Tree guides: `├`, `└`, `│`.
    public var treeBranch: Unicode.Scalar
    public var treeLast: Unicode.Scalar
    public var treeVertical: Unicode.Scalar
    /// Marks rows folded away (runs of zero rows).
    public var fold: Unicode.Scalar
    /// Marks a diagnostic in place.
    public var warning: Unicode.Scalar
    /// An arrow for pointers and "continues".
    public var arrow: Unicode.Scalar
    /// Separates items on one line (title bar).
    public var separator: Unicode.Scalar
    public var isUnicode: Bool

    public static let unicode = GlyphSet(
        horizontal: "─", vertical: "│", topLeft: "┌", topRight: "┐", bottomLeft: "└", bottomRight: "┘",
        groupSeparator: "┊", unreadable: "·", treeBranch: "├", treeLast: "└", treeVertical: "│", fold: "…",
        warning: "!", arrow: "→", separator: "·", isUnicode: true)

    public static let ascii = GlyphSet(
        horizontal: "-", vertical: "|", topLeft: "+", topRight: "+", bottomLeft: "+", bottomRight: "+",
        groupSeparator: "|", unreadable: ".", treeBranch: "|", treeLast: "`", treeVertical: "|", fold: ":",
        warning: "!", arrow: ">", separator: "|", isUnicode: false)
}
