/// setpci expressions from several sources (script texts and single expressions), resolved
/// against one function before anything runs, so a mistake on the last line stops a
/// simulation before its first step.
///
/// Compact: a million-line script keeps its text once, and each expression only its place
/// in it (source, line, column and UTF-8 byte range).
///
/// ```
/// var program = SetpciProgram()
/// try program.append(SetpciProgram.Source(label: "-e #1", text: "COMMAND=0x0406 STATUS"), resolver: resolver)
/// program.accesses.count                          // 2
/// program.expression(ofAccess: 1)                 // "STATUS"
/// program.place(ofAccess: 1).column               // 16
/// ```
public struct SetpciProgram: Sendable {
    /// Where expressions come from: a label for messages (a script's path, `-e #2`) and the text.
    public struct Source: Hashable, Sendable {
        public var label: String
        public var text: String

        public init(label: String, text: String) {
            self.label = label
            self.text = text
        }
    }

    /// Where one expression is: its source, line and column (from 1) and UTF-8 byte range in
    /// the source's text. 32-bit fields keep a million-line program small.
    public struct Place: Hashable, Sendable {
        public var source: Int32
        public var line: Int32
        public var column: Int32
        public var start: Int32
        public var end: Int32
    }

    /// The sources, in the order they were appended.
    public private(set) var sources: [Source] = []
    /// One place per expression, in order.
    public private(set) var places: [Place] = []
    /// The accesses in order.
    public private(set) var accesses: [ConfigAccess] = []
    /// For each access, the index in `places` of the expression it came from.
    private var expressionOfAccess: [Int32] = []

    public init() {}

    /// The most distinct expressions one `append` remembers resolved (a hostile script of
    /// all-different lines only stops being remembered, never grows this without bound).
    static let resolvedCacheLimit = 1 << 16

    /// Parses and resolves every expression of `source`, after those already in the program.
    /// An error names the source; the expressions before the bad one stay in the program.
    ///
    /// An expression's accesses depend on its text alone, so a text seen before in the same
    /// source reuses them instead of being parsed and resolved again (a million-line script
    /// of a few distinct lines parses a few lines).
    public mutating func append(_ source: Source, resolver: SetpciResolver) throws(SetpciProgramError) {
        let sourceIndex = Int32(clamping: sources.count)
        sources.append(source)
        var text = source.text
        let failure: SetpciError? = text.withUTF8 { bytes in
            // About one expression a line: room for them up front, instead of a million-line
            // script copying its arrays each time they double.
            let lines = bytes.reduce(into: 1) { count, byte in if byte == 0x0A { count += 1 } }
            places.reserveCapacity(places.count + lines)
            accesses.reserveCapacity(accesses.count + lines)
            expressionOfAccess.reserveCapacity(expressionOfAccess.count + lines)
            var resolved = [Word: [ConfigAccess]]()
            do throws(SetpciError) {
                try SetpciParser.scan(bytes) { (start, end, line, column) throws(SetpciError) in
                    let first = accesses.count
                    let word = Word(bytes: UnsafeBufferPointer(rebasing: bytes[start..<end]))
                    if let known = resolved[word] {
                        // Most expressions are one access: appending one element skips the
                        // generic sequence copy.
                        if known.count == 1, let only = known.first {
                            accesses.append(only)
                        } else {
                            accesses.append(contentsOf: known)
                        }
                    } else {
                        let expression = try SetpciParser.expression(
                            bytes, from: start, to: end, line: line, column: column)
                        do throws(SetpciError) {
                            try resolver.resolve(expression, into: &accesses)
                        } catch {
                            // A bad value after good ones (`0x44.B=ff,0x4411`): the expression's
                            // accesses go too, so every access keeps an expression.
                            accesses.removeSubrange(first...)
                            throw error
                        }
                        if resolved.count < Self.resolvedCacheLimit { resolved[word] = Array(accesses[first...]) }
                    }
                    let expressionIndex = Int32(clamping: places.count)
                    places.append(
                        Place(
                            source: sourceIndex, line: Int32(clamping: line), column: Int32(clamping: column),
                            start: Int32(clamping: start), end: Int32(clamping: end)))
                    for _ in first..<accesses.count { expressionOfAccess.append(expressionIndex) }
                }
                return nil
            } catch {
                return error
            }
        }
        if let failure { throw SetpciProgramError(source: source, error: failure) }
    }

    /// An expression's text as a dictionary key: its bytes in the source text, not a copy (the
    /// dictionary lives only while the text is borrowed), hashed in one call.
    private struct Word: Hashable {
        var bytes: UnsafeBufferPointer<UInt8>

        func hash(into hasher: inout Hasher) {
            hasher.combine(bytes: UnsafeRawBufferPointer(bytes))
        }

        /// Eight bytes at a time, then the rest (elementsEqual steps an iterator a byte at a
        /// time, which was a tenth of a million-line run).
        static func == (left: Word, right: Word) -> Bool {
            let count = left.bytes.count
            guard count == right.bytes.count else { return false }
            guard let first = left.bytes.baseAddress, let second = right.bytes.baseAddress else { return true }
            let firstRaw = UnsafeRawPointer(first)
            let secondRaw = UnsafeRawPointer(second)
            var index = 0
            while index + 8 <= count {
                guard
                    firstRaw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                        == secondRaw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                else { return false }
                index += 8
            }
            while index < count {
                guard first[index] == second[index] else { return false }
                index += 1
            }
            return true
        }
    }

    /// The place of the expression the access at `index` came from.
    public func place(ofAccess index: Int) -> Place {
        places[Int(expressionOfAccess[index])]
    }

    /// The label of the source that holds `place`.
    public func label(of place: Place) -> String {
        sources[Int(place.source)].label
    }

    /// The expression at `place`, as written.
    public func text(of place: Place) -> String {
        withText(of: place) { String(decoding: $0, as: UTF8.self) }
    }

    /// The expression at `place`'s UTF-8 bytes, without making a String (empty when the place
    /// is not in its source).
    public func withText<Result>(of place: Place, _ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        var text = sources[Int(place.source)].text
        return text.withUTF8 { utf8 in
            guard place.start >= 0, Int(place.end) <= utf8.count, place.start <= place.end else {
                return body(UnsafeBufferPointer(start: nil, count: 0))
            }
            return body(UnsafeBufferPointer(rebasing: utf8[Int(place.start)..<Int(place.end)]))
        }
    }

    /// The expression the access at `index` came from, as written.
    public func expression(ofAccess index: Int) -> String {
        text(of: place(ofAccess: index))
    }
}

/// A setpci expression that did not parse or resolve, with the source it is in (for the
/// message's label and the line it quotes).
public struct SetpciProgramError: Error, Hashable, Sendable {
    public var source: SetpciProgram.Source
    public var error: SetpciError

    public init(source: SetpciProgram.Source, error: SetpciError) {
        self.source = source
        self.error = error
    }
}
