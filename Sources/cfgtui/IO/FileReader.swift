import Foundation

/// Reads whole files into bytes with plain read(2): no Data copy, so a 56 MB dump costs 56 MB.
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
        var bytes = [UInt8]()
        var capacity = max(Int(status.st_size), 0) + 1
        var used = 0
        while true {
            if used == capacity { capacity *= 2 }
            let readCount: Int = {
                if bytes.count < capacity { bytes.append(contentsOf: repeatElement(0, count: capacity - bytes.count)) }
                return bytes.withUnsafeMutableBytes { pointer in
                    read(descriptor, pointer.baseAddress.map { $0 + used }, capacity - used)
                }
            }()
            if readCount < 0 {
                if errno == EINTR { continue }
                throw Failure(reason: String(cString: strerror(errno)))
            }
            if readCount == 0 { break }
            used += readCount
        }
        bytes.removeSubrange(used...)
        return bytes
    }
}
