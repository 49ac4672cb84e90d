import Foundation
import Views

/// Writes report bytes to stdout and messages to stderr.
enum StandardOutput {
    /// Writes all bytes to stdout (looping over short writes).
    static func write(_ buffer: OutputBuffer) {
        buffer.bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = Foundation.write(1, raw.baseAddress.map { $0 + offset }, raw.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return
                }
                offset += written
            }
        }
    }

    /// `cfgtui: message` on stderr.
    static func error(_ message: String) {
        FileHandle.standardError.write(Data(("cfgtui: " + message + "\n").utf8))
    }

    /// A notice on stderr (kept off stdout so output stays parseable).
    static func notice(_ message: String) {
        FileHandle.standardError.write(Data(("cfgtui: " + message + "\n").utf8))
    }
}
