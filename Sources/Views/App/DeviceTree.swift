import Model

/// One row of the device tree: a function, its depth and the guides in front of it.
public struct DeviceTreeRow: Hashable, Sendable {
    /// Index into the function list.
    public var functionIndex: Int
    public var depth: Int
    /// For each level above, whether a vertical guide continues there; then whether this row
    /// is the last child of its parent.
    public var continuing: [Bool]
    public var isLastChild: Bool

    public init(functionIndex: Int, depth: Int, continuing: [Bool], isLastChild: Bool) {
        self.functionIndex = functionIndex
        self.depth = depth
        self.continuing = continuing
        self.isLastChild = isLastChild
    }
}

/// Builds the device tree as `lspci -t` shows it: functions behind a bridge under the bridge
/// (by its secondary/subordinate bus range), and an SR-IOV PF's VFs under the PF.
public enum DeviceTree {
    public static func rows(for functions: [PCIFunction]) -> [DeviceTreeRow] {
        var children = [Int: [Int]]()
        var roots = [Int]()
        // Bridges: (index, domain, secondary, subordinate).
        var bridges = [(index: Int, domain: Int, secondary: Int, subordinate: Int)]()
        for (index, function) in functions.enumerated() {
            guard (function.space.byte(at: 0x0E) ?? 0) & 0x7F == 1, let secondary = function.space.byte(at: 0x19),
                let subordinate = function.space.byte(at: 0x1A), secondary != 0, subordinate >= secondary
            else { continue }
            bridges.append((index, function.address.domain, Int(secondary), Int(subordinate)))
        }
        // PFs by source and address: a VF's PF is in its own file (or host, or demo set).
        var indexByKey = [FunctionKey: Int]()
        for (index, function) in functions.enumerated() where indexByKey[function.key] == nil {
            indexByKey[function.key] = index
        }
        for (index, function) in functions.enumerated() {
            if let pfKey = function.physicalFunctionKey, let parent = indexByKey[pfKey], parent != index {
                children[parent, default: []].append(index)
                continue
            }
            // The bridge whose secondary bus this function sits on (the innermost one).
            let parent = bridges.filter { bridge in
                bridge.index != index && bridge.domain == function.address.domain
                    && bridge.secondary == function.address.bus
            }.first?.index
            if let parent {
                children[parent, default: []].append(index)
            } else {
                roots.append(index)
            }
        }
        var rows = [DeviceTreeRow]()
        rows.reserveCapacity(functions.count)
        var visited = Set<Int>()
        func visit(_ index: Int, depth: Int, continuing: [Bool], isLast: Bool) {
            guard visited.insert(index).inserted, depth < 32 else { return }
            rows.append(DeviceTreeRow(functionIndex: index, depth: depth, continuing: continuing, isLastChild: isLast))
            let kids = children[index] ?? []
            for (position, child) in kids.enumerated() {
                visit(
                    child, depth: depth + 1, continuing: continuing + [!isLast && depth > 0],
                    isLast: position == kids.count - 1)
            }
        }
        for (position, root) in roots.enumerated() {
            visit(root, depth: 0, continuing: [], isLast: position == roots.count - 1)
        }
        // Functions only reachable through a cycle of bridge ranges still get a row.
        for index in functions.indices where !visited.contains(index) {
            visit(index, depth: 0, continuing: [], isLast: true)
        }
        return rows
    }
}
