import Testing

@testable import Views

/// Where a boxed pane's rows are, for drawing and hit-testing alike.
@Suite struct PaneGeometryTests {
    @Test func contentIsInsideTheBorderAndBelowTheHeaderLines() {
        let geometry = PaneGeometry(area: Rect(x: 2, y: 3, width: 20, height: 8), headerLines: 2)
        #expect(geometry.inner == Rect(x: 3, y: 4, width: 18, height: 6))
        #expect(geometry.content == Rect(x: 3, y: 6, width: 18, height: 4))
        #expect(geometry.visibleRows == 4)
        #expect(geometry.line(x: 3, y: 6) == 0)
        #expect(geometry.line(x: 20, y: 9) == 3)
        #expect(geometry.line(x: 5, y: 5) == nil, "a header line")
        #expect(geometry.contains(x: 5, y: 5))
        #expect(geometry.line(x: 2, y: 7) == nil, "the border")
        #expect(!geometry.contains(x: 2, y: 7))
        #expect(geometry.y(ofLine: 2) == 8)
    }

    @Test func tooSmallAPaneHasNoRows() {
        let geometry = PaneGeometry(area: Rect(x: 0, y: 0, width: 10, height: 3), headerLines: 2)
        #expect(geometry.content.height == 0)
        #expect(geometry.visibleRows == 0)
        #expect(geometry.line(x: 1, y: 1) == nil)
        #expect(PaneGeometry(area: Rect(x: 0, y: 0, width: 1, height: 1)).visibleRows == 0)
    }
}
