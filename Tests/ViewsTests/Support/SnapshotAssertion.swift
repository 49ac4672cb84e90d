import Foundation
import Testing

/// Compares text with a golden file at Tests/ViewsTests/Snapshots/<suite>/<name>.txt.
///
/// A missing file, or `CFGTUI_RECORD_SNAPSHOTS=1`, writes the file AND records a failure
/// ("recorded, review and commit"), so a fresh baseline never passes silently. A mismatch
/// fails with a line-by-line diff.
func assertSnapshot(
    _ actual: String, suite: String, name: String, filePath: String = #filePath,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    let directory = URL(fileURLWithPath: filePath).deletingLastPathComponent()
        .appendingPathComponent("Snapshots").appendingPathComponent(suite)
    let file = directory.appendingPathComponent(name + ".txt")
    let record = ProcessInfo.processInfo.environment["CFGTUI_RECORD_SNAPSHOTS"] == "1"
    guard !record, let expected = try? String(contentsOf: file, encoding: .utf8) else {
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try actual.write(to: file, atomically: true, encoding: .utf8)
            Issue.record("recorded snapshot \(suite)/\(name).txt: review it and commit", sourceLocation: sourceLocation)
        } catch {
            Issue.record("cannot write snapshot \(file.path): \(error)", sourceLocation: sourceLocation)
        }
        return
    }
    guard expected != actual else { return }
    let expectedLines = expected.split(separator: "\n", omittingEmptySubsequences: false)
    let actualLines = actual.split(separator: "\n", omittingEmptySubsequences: false)
    var diff = [String]()
    for line in 0..<max(expectedLines.count, actualLines.count) {
        let left = line < expectedLines.count ? String(expectedLines[line]) : "<none>"
        let right = line < actualLines.count ? String(actualLines[line]) : "<none>"
        if left != right {
            diff.append("line \(line + 1):\n- \(left)\n+ \(right)")
            if diff.count >= 12 { break }
        }
    }
    let message = "snapshot \(suite)/\(name).txt differs:\n" + diff.joined(separator: "\n")
    Issue.record(Comment(rawValue: message), sourceLocation: sourceLocation)
}
