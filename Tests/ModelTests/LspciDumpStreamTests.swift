import Foundation
import Testing

@testable import Model

/// `LspciDumpStream` fed in pieces gives what one piece gives: a piece may end anywhere (inside
/// a line, between a CR and its LF, inside the byte order mark), and text and binary files
/// alike come out the same. One piece is `LspciDump.read`, which the lspci oracle tests check.
@Suite struct LspciDumpStreamTests {
    static func read(_ bytes: [UInt8], file: String, pieceSize: Int) throws(DumpError) -> [DumpedFunction] {
        let stream = LspciDumpStream(file: file)
        var start = 0
        while start < bytes.count {
            let end = min(start + pieceSize, bytes.count)
            try Array(bytes[start..<end]).withUnsafeBufferPointer { (piece) throws(DumpError) in
                try stream.consume(piece)
            }
            start = end
        }
        #expect(stream.byteCount == bytes.count)
        return try stream.finish()
    }

    /// The result or the error, comparable.
    static func outcome(_ body: () throws(DumpError) -> [DumpedFunction]) -> Result<[DumpedFunction], DumpError> {
        do throws(DumpError) {
            return .success(try body())
        } catch {
            return .failure(error)
        }
    }

    static let pieceSizes = [2, 3, 5, 7, 13, 64, 4095, 4096, 4097, 65536]

    @Test(.requires(.corpus)) func everyCorpusDumpReadsTheSameInPiecesOfAnySize() throws {
        try Requirement.check(.corpus)
        let files = Corpus.dumpFiles
        #expect(files.count > 50, "the corpus has its dumps")
        for file in files {
            let bytes = [UInt8](try Data(contentsOf: file))
            let whole = Self.outcome { () throws(DumpError) in try LspciDump.read(bytes, file: file.lastPathComponent) }
            if case .success(let functions) = whole { #expect(!functions.isEmpty, "\(file.lastPathComponent)") }
            // Byte by byte on a few files (slow), every other size on all of them.
            let sizes = files.firstIndex(of: file).map { $0 < 8 } == true ? [1] + Self.pieceSizes : Self.pieceSizes
            for size in sizes {
                let pieces = Self.outcome { () throws(DumpError) in
                    try Self.read(bytes, file: file.lastPathComponent, pieceSize: size)
                }
                #expect(pieces == whole, "\(file.lastPathComponent) in pieces of \(size) bytes")
            }
        }
    }

    /// A byte order mark and CRLF line ends with the last line without a line end; stray hex
    /// lines after a function's end and a malformed line; text without a function; an empty
    /// file; binary config files of 64 and 4096 bytes, one too small and one too large.
    static let edgeCases: [[UInt8]] = {
        var cases = [[UInt8]]()
        let bom = "\u{FEFF}00:1f.3 SMBus\r\n00: 86 80 30 29 00 00 00 00\r\n10: 01 02\r\n\r\n01:00.0 x\r\n00: ff ff"
        cases.append(Array(bom.utf8))
        let stray = "00:00.0 a\n00: 01 02 03 04\n\n10: 05 06\n00:01.0 b\n00: 86 zz\n10: 01\n"
        cases.append(Array(stray.utf8))
        cases.append(Array("lspci said nothing useful\nreally\n".utf8))
        cases.append([])
        for count in [64, 4096, 10, 5000] {
            cases.append((0..<count).map { UInt8(truncatingIfNeeded: $0) })
        }
        return cases
    }()

    @Test(arguments: Self.edgeCases)
    func edgeCasesReadTheSameInPieces(bytes: [UInt8]) {
        let whole = Self.outcome { () throws(DumpError) in try LspciDump.read(bytes, file: "/x/0000:3b:00.1/config") }
        for size in [1] + Self.pieceSizes {
            let pieces = Self.outcome { () throws(DumpError) in
                try Self.read(bytes, file: "/x/0000:3b:00.1/config", pieceSize: size)
            }
            #expect(pieces == whole, "pieces of \(size) bytes")
        }
    }

    @Test func theBOMAndCRAreDroppedWhereverAPieceEnds() throws {
        let text = Array("\u{FEFF}00:02.0 t\r\n00: 86 80\r\n".utf8)
        let functions = try Self.read(text, file: "bom.txt", pieceSize: 1)
        #expect(functions.map(\.address.description) == ["0000:00:02.0"])
        #expect(functions.first?.title == "t")
        #expect(functions.first?.space.readableLength == 2)
        #expect(functions.first?.diagnostics.isEmpty == true)
    }
}
