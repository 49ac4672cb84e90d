import Glibc

/// Reads whole files into bytes with plain read(2) into uninitialized storage: no Data copy
/// and no zero fill, so a 56 MB dump costs 56 MB and one pass.
///
/// Every read is bounded, whatever the file is: a regular file, a file under /proc or sysfs
/// (whose size says 0 or 4096 whatever they hold), a pipe or process substitution
/// (`-F <(ssh host lspci -xxxx)`). Directories and devices are refused (`/dev/zero` would
/// never end, a terminal would wait for typing). A FIFO is opened without waiting for a
/// writer, so one that nobody writes to reads as empty instead of hanging.
///
/// ```
/// let bytes = try FileReader.readAll("dump.txt", limit: FileReader.inputLimit)
/// ```
enum FileReader {
    struct Failure: Error {
        let reason: String
    }

    /// The bound for files a user names (dumps, scripts, plans, tables): far above any real
    /// input (a 4,096-function -xxxx dump is 56 MB), far below what would exhaust a host.
    static let inputLimit = 256 << 20
    /// The bound for one sysfs `config` file: a configuration space is at most 4096 bytes.
    static let configLimit = 4096

    /// Opens `path` for reading if it is a file or a pipe (not a directory or a device):
    /// the descriptor, blocking again, and its fstat.
    private static func openForReading(_ path: String) throws(Failure) -> (descriptor: Int32, status: stat) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY)
        guard descriptor >= 0 else { throw Failure(reason: String(cString: strerror(errno))) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            let reason = String(cString: strerror(errno))
            close(descriptor)
            throw Failure(reason: reason)
        }
        let kind = status.st_mode & S_IFMT
        var refusal: String?
        if kind == S_IFDIR {
            refusal = "is a directory"
        } else if kind == S_IFCHR || kind == S_IFBLK {
            refusal = "is a device, not a file"
        } else if kind != S_IFREG && kind != S_IFIFO && kind != S_IFSOCK {
            refusal = "is not a regular file or a pipe"
        }
        if let refusal {
            close(descriptor)
            throw Failure(reason: refusal)
        }
        // Opened without blocking so a FIFO's open cannot wait for a writer; reads block again,
        // as `cat` would, so a pipe from a slow producer is read to its end.
        let flags = fcntl(descriptor, F_GETFL)
        if flags >= 0 { _ = fcntl(descriptor, F_SETFL, flags & ~O_NONBLOCK) }
        return (descriptor, status)
    }

    /// Reads `path` a piece of at most `pieceSize` bytes at a time into `body`, with
    /// `readAll`'s checks and bound (a file past `limit` fails after the pieces before it):
    /// a big dump is parsed as it is read instead of being held whole. `body` returns false
    /// to stop early (the caller keeps its own reason).
    static func readPieces(
        _ path: String, limit: Int = inputLimit, pieceSize: Int = 1 << 20,
        _ body: (UnsafeBufferPointer<UInt8>) -> Bool
    ) throws(Failure) {
        let (descriptor, _) = try openForReading(path)
        defer { close(descriptor) }
        let piece = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(pieceSize, 1))
        defer { piece.deallocate() }
        var total = 0
        while true {
            let count = read(descriptor, piece.baseAddress, piece.count)
            if count < 0 {
                if errno == EINTR { continue }
                throw Failure(reason: String(cString: strerror(errno)))
            }
            if count == 0 { return }
            total += count
            if total > limit { throw Failure(reason: "larger than \(describe(limit)) (cfgtui reads at most that)") }
            guard body(UnsafeBufferPointer(rebasing: piece[0..<count])) else { return }
        }
    }

    static func readAll(_ path: String, limit: Int = inputLimit) throws(Failure) -> [UInt8] {
        let (descriptor, status) = try openForReading(path)
        defer { close(descriptor) }
        let kind = status.st_mode & S_IFMT

        // Regular files: one read of the size fstat gives, plus one byte to notice growth (and
        // the 0 that /proc reports). Others: chunks until the end or the bound.
        let expected = kind == S_IFREG ? min(max(Int(status.st_size), 0), limit) : 0
        var bytes = [UInt8]()
        var failure: Int32 = 0
        let capacity = expected + 1
        bytes = [UInt8](unsafeUninitializedCapacity: capacity) { buffer, count in
            count = 0
            while count < capacity {
                let result = read(descriptor, buffer.baseAddress.map { $0 + count }, capacity - count)
                if result < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return
                }
                if result == 0 { return }
                count += result
            }
        }
        if failure != 0 { throw Failure(reason: String(cString: strerror(failure))) }
        if bytes.count == capacity { try appendRemainder(of: descriptor, to: &bytes, limit: limit) }
        if bytes.count > limit { throw Failure(reason: "larger than \(describe(limit)) (cfgtui reads at most that)") }
        return bytes
    }

    /// Reads what is left of an open file into `bytes`, stopping one byte past `limit`.
    private static func appendRemainder(of descriptor: Int32, to bytes: inout [UInt8], limit: Int) throws(Failure) {
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while bytes.count <= limit {
            let wanted = min(chunk.count, limit + 1 - bytes.count)
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, wanted) }
            if count < 0 {
                if errno == EINTR { continue }
                throw Failure(reason: String(cString: strerror(errno)))
            }
            if count == 0 { return }
            bytes.append(contentsOf: chunk[0..<count])
        }
    }

    /// `256 MiB`, `4096 bytes`.
    static func describe(_ limit: Int) -> String {
        limit >= 1 << 20 && limit % (1 << 20) == 0 ? "\(limit >> 20) MiB" : "\(limit) bytes"
    }
}
