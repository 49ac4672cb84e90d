import Glibc
import Model

/// Looks at a function's sysfs files before libpci opens them. libpci opens `config`,
/// `vendor`, `device` and `class` with a blocking open(2), so a FIFO there would hang it, and
/// a missing `vendor` makes it fail. A file that is not a regular file is refused, never opened.
///
/// ```
/// if case .unusable(let problem) = SysfsFile.status(of: directory + "/config") { ... }
/// ```
///
/// The check and libpci's open are two steps: a file replaced in between is not caught (on a
/// real sysfs nothing replaces these files; a fake tree is in its owner's hands).
enum SysfsFile {
    enum Status {
        /// A regular file that can be opened for reading, of this size.
        case regular(size: Int)
        case unusable(SysfsFileProblem)
    }

    /// What is at `path` (following links). An empty file is a problem unless `allowsEmpty`.
    static func status(of path: String, allowsEmpty: Bool = true) -> Status {
        var info = stat()
        guard stat(path, &info) == 0 else {
            let error = errno
            if error == ENOENT || error == ENOTDIR { return .unusable(.missing) }
            return .unusable(.unreadable(reason: String(cString: strerror(error))))
        }
        switch info.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFIFO: return .unusable(.notRegularFile(.fifo))
        case S_IFDIR: return .unusable(.notRegularFile(.directory))
        case S_IFCHR: return .unusable(.notRegularFile(.characterDevice))
        case S_IFBLK: return .unusable(.notRegularFile(.blockDevice))
        case S_IFSOCK: return .unusable(.notRegularFile(.socket))
        default: return .unusable(.notRegularFile(.other))
        }
        if !allowsEmpty && info.st_size == 0 { return .unusable(.empty) }
        guard access(path, R_OK) == 0 else {
            return .unusable(.unreadable(reason: String(cString: strerror(errno))))
        }
        return .regular(size: Int(info.st_size))
    }
}
