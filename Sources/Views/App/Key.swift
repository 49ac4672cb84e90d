/// A key press or terminal event, independent of the terminal library.
public enum Key: Hashable, Sendable {
    case character(Character)
    case control(Character)
    case up, down, left, right
    case pageUp, pageDown, home, end
    case tab, backTab, enter, escape, backspace, delete
    case function(Int)
    /// The terminal was resized (the run loop then reads the new size).
    case resize
    /// A mouse click at a cell.
    case mouse(x: Int, y: Int, button: MouseButton)
}

/// Which mouse button (or wheel direction) an event reports.
public enum MouseButton: Hashable, Sendable {
    case left
    case right
    case wheelUp
    case wheelDown
}
