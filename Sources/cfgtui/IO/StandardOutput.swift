import Glibc
import Views

/// Writes report bytes to stdout and messages to stderr.
enum StandardOutput {
    /// The exit status when the output cannot be written (sysexits' EX_IOERR).
    static let writeFailed: Int32 = 74

    /// Writes all bytes to stdout (looping over short writes). Output that cannot be written
    /// ends the command: a closed pipe quietly, as SIGPIPE would (`cfgtui show | head`), any
    /// other failure (`> /dev/full`, a full disk, a closed stdout) with a message and status 74.
    ///
    /// Control characters from input (a dump title with ESC or BEL) are escaped on the way out
    /// (`TerminalSafety`); JSON never holds one raw, so it passes unchanged.
    static func write(_ buffer: OutputBuffer) {
        writeAll(TerminalSafety.escapedReport(buffer.bytes) ?? buffer.bytes)
    }

    private static func writeAll(_ bytes: [UInt8]) {
        let failure = writeAll(bytes, to: 1)
        guard failure != 0 else { return }
        if failure == EPIPE {
            signal(SIGPIPE, SIG_DFL)
            raise(SIGPIPE)
        }
        error("cannot write the output: " + String(cString: strerror(failure)))
        exit(writeFailed)
    }

    /// Writes all bytes to a descriptor, looping over short writes and interrupted calls; the
    /// errno of a failed write, or 0.
    private static func writeAll(_ bytes: [UInt8], to descriptor: Int32) -> Int32 {
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = Glibc.write(descriptor, raw.baseAddress.map { $0 + offset }, raw.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                offset += written
            }
            return 0
        }
    }

    /// Bytes on stderr; a failure there has nowhere to be reported, so it is dropped.
    private static func standardError(_ bytes: [UInt8]) {
        _ = writeAll(bytes, to: 2)
    }

    /// `cfgtui: message` on stderr: control characters in it (from a file name or a dump) are
    /// escaped; its own line breaks (a script error's excerpt and caret) stay.
    static func error(_ message: String) {
        standardError(Array(("cfgtui: " + escapedLines(message) + "\n").utf8))
    }

    /// A notice on stderr (kept off stdout so output stays parseable), escaped as `error`.
    static func notice(_ message: String) {
        standardError(Array(("cfgtui: " + escapedLines(message) + "\n").utf8))
    }

    private static func escapedLines(_ message: String) -> String {
        message.split(separator: "\n", omittingEmptySubsequences: false).map { TerminalSafety.escaped(String($0)) }
            .joined(separator: "\n")
    }

    /// Text already made safe, on stderr as it is.
    static func raw(_ text: String) {
        standardError(Array(text.utf8))
    }

    /// Report lines for stderr (several lines), with control characters other than line
    /// feeds escaped.
    static func errorReport(_ bytes: [UInt8]) {
        standardError(TerminalSafety.escapedReport(bytes) ?? bytes)
    }
}
