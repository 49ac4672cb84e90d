/// A size in terminal cells.
public struct Size: Hashable, Sendable {
    public var width: Int
    public var height: Int

    public init(width: Int, height: Int) {
        self.width = max(0, width)
        self.height = max(0, height)
    }
}

/// A rectangle of cells; empty when width or height is 0.
public struct Rect: Hashable, Sendable {
    public var x: Int
    public var y: Int
    public var width: Int
    public var height: Int

    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = max(0, width)
        self.height = max(0, height)
    }

    public init(size: Size) { self.init(x: 0, y: 0, width: size.width, height: size.height) }

    public var isEmpty: Bool { width == 0 || height == 0 }
    public var size: Size { Size(width: width, height: height) }
    public var maxX: Int { x + width }
    public var maxY: Int { y + height }

    public func contains(x column: Int, y row: Int) -> Bool {
        column >= x && column < maxX && row >= y && row < maxY
    }

    /// The rectangle shrunk by `amount` cells on every side.
    public func inset(by amount: Int) -> Rect {
        Rect(x: x + amount, y: y + amount, width: width - 2 * amount, height: height - 2 * amount)
    }

    /// The part of both rectangles.
    public func intersection(_ other: Rect) -> Rect {
        let left = max(x, other.x)
        let top = max(y, other.y)
        return Rect(x: left, y: top, width: min(maxX, other.maxX) - left, height: min(maxY, other.maxY) - top)
    }

    /// One row of the rectangle.
    public func row(_ index: Int) -> Rect { Rect(x: x, y: y + index, width: width, height: index < height ? 1 : 0) }
}

/// Splits rectangles into rows or columns: fixed sizes, fractions, and a fill share.
public enum Layout {
    public enum Constraint: Hashable, Sendable {
        case fixed(Int)
        /// A fraction of the whole, in percent.
        case percent(Int)
        /// What is left, shared equally among fills.
        case fill
    }

    /// Splits `area` top to bottom.
    public static func rows(_ constraints: [Constraint], in area: Rect) -> [Rect] {
        split(constraints, total: area.height).map { start, length in
            Rect(x: area.x, y: area.y + start, width: area.width, height: length)
        }
    }

    /// Splits `area` left to right.
    public static func columns(_ constraints: [Constraint], in area: Rect) -> [Rect] {
        split(constraints, total: area.width).map { start, length in
            Rect(x: area.x + start, y: area.y, width: length, height: area.height)
        }
    }

    static func split(_ constraints: [Constraint], total: Int) -> [(Int, Int)] {
        var lengths = constraints.map { constraint -> Int in
            switch constraint {
            case .fixed(let length): max(0, length)
            case .percent(let percent): max(0, total * percent / 100)
            case .fill: 0
            }
        }
        let used = lengths.reduce(0, +)
        let fills = constraints.indices.filter { constraints[$0] == .fill }
        if !fills.isEmpty {
            let rest = max(0, total - used)
            for (position, index) in fills.enumerated() {
                lengths[index] = rest / fills.count + (position < rest % fills.count ? 1 : 0)
            }
        }
        var result = [(Int, Int)]()
        var start = 0
        for length in lengths {
            let clipped = max(0, min(length, total - start))
            result.append((start, clipped))
            start += clipped
        }
        return result
    }
}
