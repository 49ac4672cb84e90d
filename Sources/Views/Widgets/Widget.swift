/// Something that draws itself into a rectangle of a buffer it does not own. Built fresh each
/// frame from state; state that survives frames (scroll, selection) is passed in.
public protocol Widget {
    func render(into buffer: inout ScreenBuffer, area: Rect)
}
