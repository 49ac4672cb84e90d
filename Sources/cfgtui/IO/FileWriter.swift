import Glibc

/// Writes a file a user asked for (`--emit-dump`, the explorer's export), replacing what was
/// there, with open(2) and write(2): the failure is the system's reason (`Permission denied`,
/// `No space left on device`), which the caller puts after the path.
///
/// ```
/// try FileWriter.write(text, to: "vf.txt")
/// ```
enum FileWriter {
    static func write(_ bytes: [UInt8], to path: String) throws(FileReader.Failure) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOCTTY, 0o644)
        guard descriptor >= 0 else { throw FileReader.Failure(reason: String(cString: strerror(errno))) }
        var failure: Int32 = 0
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = Glibc.write(descriptor, raw.baseAddress.map { $0 + offset }, raw.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return
                }
                offset += written
            }
        }
        // close reports what a delayed write failed on (NFS, a quota), so it counts too.
        if close(descriptor) != 0 && failure == 0 { failure = errno }
        if failure != 0 { throw FileReader.Failure(reason: String(cString: strerror(failure))) }
    }

    /// The current directory (for messages naming where a file went); `.` when it cannot be read.
    static func currentDirectory() -> String {
        guard let path = getcwd(nil, 0) else { return "." }
        defer { free(path) }
        return String(cString: path)
    }
}
