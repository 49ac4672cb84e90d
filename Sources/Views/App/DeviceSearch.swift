import Model

/// The device filter's text search: each function is found by its lower-cased address, class,
/// vendor and device names, the source's title and `vendor:device` in hex, built once for the
/// whole set so a keystroke only compares text.
///
/// Matching is `String.contains` on lower-cased text (Characters, canonical equivalence). When
/// both the text and the query are printable ASCII, where a byte is a Character, the bytes are
/// compared instead, which gives the same answer faster; any other text goes through
/// `String.contains`.
/// ```
/// let search = DeviceSearch(functions)
/// let nvme = functions.indices.filter { search.matches(DeviceSearch.Query("NVMe"), at: $0) }
/// ```
struct DeviceSearch: Sendable {
    /// One function's searchable text.
    struct Entry: Sendable, Equatable {
        var text: String
        /// The UTF-8 bytes when every one is printable ASCII (0x20-0x7E), else nil.
        var ascii: [UInt8]?

        init(_ function: PCIFunction) {
            text = DeviceSearch.text(function)
            ascii = DeviceSearch.printableASCII(text)
        }
    }

    /// What was typed, lower-cased, with its Characters (to tell whether a query extends
    /// another) and its bytes when printable ASCII.
    struct Query: Sendable, Equatable {
        var text: String
        var characters: [Character]
        var ascii: [UInt8]?

        init(_ typed: String) {
            text = typed.lowercased()
            characters = Array(text)
            ascii = DeviceSearch.printableASCII(text)
        }

        /// Whether everything this query matches also matches `other`: it starts with all of
        /// `other`'s Characters, so any text containing it contains `other`.
        func narrows(_ other: Query) -> Bool {
            !other.characters.isEmpty && characters.starts(with: other.characters)
        }
    }

    /// By function index.
    private(set) var entries: [Entry]

    init(_ functions: [PCIFunction]) {
        entries = functions.map(Entry.init)
    }

    /// Re-builds one function's text (after a re-read); returns whether it changed.
    mutating func update(_ function: PCIFunction, at index: Int) -> Bool {
        guard entries.indices.contains(index) else { return false }
        let entry = Entry(function)
        guard entry != entries[index] else { return false }
        entries[index] = entry
        return true
    }

    /// Whether function `index` matches the query (an index it does not know matches nothing).
    func matches(_ query: Query, at index: Int) -> Bool {
        guard entries.indices.contains(index) else { return false }
        let entry = entries[index]
        if let text = entry.ascii, let needle = query.ascii { return Self.bytes(text, contain: needle) }
        return entry.text.contains(query.text)
    }

    /// The text a function is found by, lower-cased.
    static func text(_ function: PCIFunction) -> String {
        var text = function.address.description + " "
        text += [function.names.className, function.names.vendor, function.names.device, function.names.sourceTitle]
            .compactMap { $0 }.joined(separator: " ")
        text += " " + String(function.vendorID, radix: 16) + ":" + String(function.deviceID, radix: 16)
        return text.lowercased()
    }

    private static func printableASCII(_ text: String) -> [UInt8]? {
        let bytes = Array(text.utf8)
        return bytes.allSatisfy { (0x20...0x7E).contains($0) } ? bytes : nil
    }

    /// Whether `needle` occurs in `haystack` (an empty needle occurs everywhere).
    static func bytes(_ haystack: [UInt8], contain needle: [UInt8]) -> Bool {
        guard let first = needle.first else { return true }
        guard haystack.count >= needle.count else { return false }
        var start = 0
        let last = haystack.count - needle.count
        while start <= last {
            if haystack[start] == first {
                var offset = 1
                while offset < needle.count && haystack[start + offset] == needle[offset] { offset += 1 }
                if offset == needle.count { return true }
            }
            start += 1
        }
        return false
    }
}
