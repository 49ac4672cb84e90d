import Testing

@testable import Views

/// The selection and scroll every list pane keeps.
@Suite struct ListViewStateTests {
    @Test func movesAndSelectionsClampToTheList() {
        var list = ListViewState()
        list.move(by: 3, count: 10)
        #expect(list.selection == 3)
        list.move(by: 20, count: 10)
        #expect(list.selection == 9)
        list.move(by: -20, count: 10)
        #expect(list.selection == 0)
        list.select(row: 7, count: 5)
        #expect(list.selection == 4)
        list.jump(toEnd: false, count: 5)
        #expect(list.selection == 0)
        list.jump(toEnd: true, count: 5)
        #expect(list.selection == 4)
        list.jump(toEnd: true, count: 0)
        #expect(list.selection == 0, "an empty list selects row 0")
    }

    @Test func scrollingShowsTheSelectionAndNoEmptyRowsAfterTheLast() {
        var list = ListViewState(selection: 5, scroll: 0)
        list = list.scrolledToShow(visibleRows: 3, count: 10)
        #expect(list.scroll == 3, "down: the selection becomes the last visible row")
        list.selection = 4
        #expect(list.scrolledToShow(visibleRows: 3, count: 10).scroll == 3, "visible: no scroll")
        list.selection = 1
        #expect(list.scrolledToShow(visibleRows: 3, count: 10).scroll == 1, "up: the first visible row")
        #expect(ListViewState(selection: 2, scroll: 8).scrolledToShow(visibleRows: 5, count: 4).scroll == 0)
        #expect(ListViewState(selection: 9, scroll: 9).scrolledToShow(visibleRows: 4, count: 10).scroll == 6)
        #expect(ListViewState(selection: 2, scroll: 5).row(atLine: 1) == 6)
    }
}
