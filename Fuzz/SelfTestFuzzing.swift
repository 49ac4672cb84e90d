import Foundation

/// Targets that must fail, so `scripts/fuzz.sh --self-test` shows the harness reports a trap,
/// a leak and a hang (a fuzzing run that cannot fail proves nothing).
enum SelfTestFuzzing {
    final class Node {
        var next: Node?
    }

    static func run(_ bytes: [UInt8], target: FuzzTarget) {
        switch target {
        case .selfTestCrash:
            // An out-of-bounds subscript driven by the input: the kind of trap the Model must not have.
            if bytes.starts(with: Array("crash".utf8)) { _ = bytes[bytes.count] }
        case .selfTestLeak:
            // A reference cycle: two objects nobody can reach.
            let first = Node()
            let second = Node()
            first.next = second
            second.next = first
        case .selfTestHang:
            // Sleeps forever: a loop without effects could be optimized away.
            if bytes.starts(with: Array("hang".utf8)) {
                while true { Thread.sleep(forTimeInterval: 0.1) }
            }
        default: break
        }
    }
}
