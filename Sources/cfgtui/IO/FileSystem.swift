import Glibc

/// The few path questions the executable asks of the file system (sysfs links and listings, a
/// script's directory), in Glibc calls: the executable does not link Foundation, so the
/// binary that ships needs no Swift library at run time.
///
/// ```
/// FileSystem.linkTarget("/sys/bus/pci/devices/0000:03:00.2/physfn")  // "../0000:03:00.0"
/// FileSystem.lastComponent(of: "../../../kernel/iommu_groups/7")      // "7"
/// ```
enum FileSystem {
    /// The longest link target read (sysfs targets are a few dozen bytes; PATH_MAX is 4096).
    static let linkLimit = 4096

    /// Whether anything is at `path`, following links.
    static func exists(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0
    }

    /// What the symbolic link at `path` points to, as written; nil when `path` is not a link or
    /// cannot be read. A target longer than `linkLimit` is nil, not cut short.
    static func linkTarget(_ path: String) -> String? {
        let bytes = [UInt8](unsafeUninitializedCapacity: linkLimit + 1) { buffer, count in
            let result = buffer.baseAddress.map { readlink(path, $0, linkLimit + 1) } ?? -1
            count = max(result, 0)
        }
        guard !bytes.isEmpty, bytes.count <= linkLimit else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The names in the directory at `path` (without `.` and `..`), in the order the directory
    /// gives them, at most `limit` of them; nil when it cannot be opened.
    static func entries(of path: String, limit: Int) -> [String]? {
        guard let directory = opendir(path) else { return nil }
        defer { closedir(directory) }
        var names = [String]()
        while names.count < limit, let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// The part after the last `/` (trailing slashes ignored): `7` for `a/b/7/`.
    static func lastComponent(of path: String) -> String {
        let trimmed = path.reversed().drop { $0 == "/" }
        return String(trimmed.prefix { $0 != "/" }.reversed())
    }
}
