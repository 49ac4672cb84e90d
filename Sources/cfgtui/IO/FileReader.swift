import Foundation

/// Reads whole files into bytes with plain read(2) into uninitialized storage: no Data copy
/// and no zero fill, so a 56 MB dump costs 56 MB and one pass.
enum FileReader {
    struct Failure: Error {
        let reason: String
    }

    static func readAll(_ path: String) throws(Failure) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw Failure(reason: String(cString: strerror(errno))) }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw Failure(reason: String(cString: strerror(errno))) }
        if (status.st_mode & S_IFMT) == S_IFDIR { throw Failure(reason: "is a directory") }

        // One byte more than fstat says, to notice a file that grew (or a pipe-like file of size 0).
        let capacity = max(Int(status.st_size), 0) + 1
        var failure: Int32 = 0
        var filled = false
        var bytes = [UInt8](unsafeUninitializedCapacity: capacity) { buffer, count in
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
            filled = true
        }
        if failure != 0 { throw Failure(reason: String(cString: strerror(failure))) }
        if filled { bytes.append(contentsOf: try remainder(of: descriptor)) }
        return bytes
    }

    /// Reads what is left of an open file.
    private static func remainder(of descriptor: Int32) throws(Failure) -> [UInt8] {
        var result = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw Failure(reason: String(cString: strerror(errno)))
            }
            if count == 0 { return result }
            result.append(contentsOf: chunk[0..<count])
        }
    }
}
