/// Where each pane goes for a terminal size. Pure, shared by the view (drawing) and `update`
/// (mouse hit-testing, page sizes), so both always agree.
public struct AppLayout: Hashable, Sendable {
    public var title: Rect
    public var devices: Rect?
    public var chain: Rect?
    public var map: Rect?
    public var fields: Rect?
    /// The write simulator's trace, under the fields while the simulator is on.
    public var trace: Rect?
    public var legend: Rect
    public var functionBar: Rect
    /// Below 110 columns the left and right columns take turns.
    public var isCompact: Bool
    public var isTooSmall: Bool

    /// The smallest size the explorer draws in; below it a message says what is needed.
    public static let minimum = Size(width: 60, height: 15)
    /// From this width on, the device and chain panes sit beside the map.
    public static let sideBySideWidth = 110
    /// Inner width a full hex row needs: offset, 16 bytes in dword groups.
    public static let hexRowWidth = 58

    public static func compute(size: Size, focus: Focus, showsTrace: Bool = false) -> AppLayout {
        let full = Rect(size: size)
        let tooSmall = size.width < minimum.width || size.height < minimum.height
        var layout = AppLayout(
            title: full.row(0), devices: nil, chain: nil, map: nil, fields: nil, trace: nil,
            legend: full.row(size.height - 2), functionBar: full.row(size.height - 1),
            isCompact: size.width < sideBySideWidth, isTooSmall: tooSmall)
        guard !tooSmall else { return layout }
        let body = Rect(x: 0, y: 1, width: size.width, height: size.height - 3)
        if layout.isCompact {
            if focus == .devices || focus == .chain {
                let parts = Layout.rows([.percent(50), .fill], in: body)
                layout.devices = parts[0]
                layout.chain = parts[1]
            } else if showsTrace {
                let parts = Layout.rows(
                    [.fill, .fixed(max(6, body.height * 30 / 100)), .fixed(max(5, body.height * 24 / 100))], in: body)
                layout.map = parts[0]
                layout.fields = parts[1]
                layout.trace = parts[2]
            } else {
                let parts = Layout.rows([.fill, .fixed(max(7, body.height * 38 / 100))], in: body)
                layout.map = parts[0]
                layout.fields = parts[1]
            }
        } else {
            let leftWidth = min(56, max(34, size.width * 30 / 100))
            let columns = Layout.columns([.fixed(leftWidth), .fill], in: body)
            let left = Layout.rows([.percent(45), .fill], in: columns[0])
            layout.devices = left[0]
            layout.chain = left[1]
            if showsTrace {
                let right = Layout.rows(
                    [.fill, .fixed(max(8, body.height * 30 / 100)), .fixed(max(6, body.height * 26 / 100))],
                    in: columns[1])
                layout.map = right[0]
                layout.fields = right[1]
                layout.trace = right[2]
            } else {
                let right = Layout.rows([.fill, .fixed(max(8, body.height * 38 / 100))], in: columns[1])
                layout.map = right[0]
                layout.fields = right[1]
            }
        }
        return layout
    }

    /// Rows a pane shows, as its widget lays it out (at least 1, so paging always moves).
    private static func visibleRows(_ rect: Rect?, _ geometry: (Rect) -> PaneGeometry) -> Int {
        max(1, rect.map { geometry($0).visibleRows } ?? 0)
    }

    /// Map rows visible: the box minus its border and the column header.
    public var mapRowsVisible: Int { Self.visibleRows(map, HexMapView.geometry) }
    public var deviceRowsVisible: Int { Self.visibleRows(devices, DeviceListView.geometry) }
    public var chainRowsVisible: Int { Self.visibleRows(chain, CapabilityChainView.geometry) }
    public var traceRowsVisible: Int { Self.visibleRows(trace, TraceView.geometry) }
    /// Field rows visible below the register's title lines.
    public var fieldRowsVisible: Int { Self.visibleRows(fields, FieldDetailView.geometry) }
}
