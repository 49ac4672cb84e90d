import Model
import Testing

@testable import Views

/// The device filter's search: built once per set, filtering incrementally while the text
/// grows, always with the same answer as filtering every function from scratch.
@Suite struct DeviceSearchTests {
    /// The text the filter has always searched, written out here as the oracle: the address,
    /// names and IDs, lower-cased, searched with `String.contains`.
    static func referenceText(_ function: PCIFunction) -> String {
        let names = function.names
        let parts = [names.className, names.vendor, names.device, names.sourceTitle].compactMap { $0 }
        return
            (function.address.description + " " + parts.joined(separator: " ") + " "
            + String(function.vendorID, radix: 16) + ":" + String(function.deviceID, radix: 16)).lowercased()
    }

    /// Whether `needle`'s Characters occur in a row in `text`'s, as the standard library's
    /// `String.contains` finds them (written out: in this file Foundation's `contains`, which
    /// compares UTF-16 units, would be picked instead).
    static func characters(of text: String, contain needle: String) -> Bool {
        let haystack = Array(text)
        let wanted = Array(needle)
        guard !wanted.isEmpty else { return true }
        guard haystack.count >= wanted.count else { return false }
        return (0...(haystack.count - wanted.count)).contains { start in
            haystack[start..<(start + wanted.count)].elementsEqual(wanted)
        }
    }

    /// The function indexes the oracle matches for `text`, in tree order (flat when filtered).
    static func reference(_ state: AppState, _ text: String) -> [Int] {
        guard !text.isEmpty else { return state.treeRows.map(\.functionIndex) }
        return state.treeRows.map(\.functionIndex).filter {
            characters(of: referenceText(state.functions[$0]), contain: text.lowercased())
        }
    }

    /// The demo set, several times over in domains of their own, with names that are not plain
    /// ASCII: a decomposed and a precomposed é, a dotted capital I (two scalars lower-cased), a
    /// CR LF (one Character), upper case and a tab.
    static func functions() -> [PCIFunction] {
        let titles = [
            "Caf\u{65}\u{301} NIC", "Caf\u{E9} NIC", "\u{130}stanbul Controller", "line\r\nbreak", "TAB\there",
            "CAFE NIC", "cafe",
        ]
        var result = [PCIFunction]()
        for copy in 0..<6 {
            for (index, function) in Fixtures.demoFunctions.enumerated() {
                var moved = function
                moved.address.domain = copy
                switch function.relation {
                case .none: break
                case .physicalFunction(let vfs):
                    moved.relation = .physicalFunction(
                        virtualFunctions: vfs.map { address in
                            var vf = address
                            vf.domain = copy
                            return vf
                        })
                case .virtualFunction(var pf):
                    pf.domain = copy
                    moved.relation = .virtualFunction(physicalFunction: pf)
                }
                if (index + copy) % 3 == 0 { moved.names.sourceTitle = titles[(index + copy) % titles.count] }
                if copy == 5 && index == 2 { moved.names.vendor = "Ünïcödé Vendor" }
                result.append(moved)
            }
        }
        return result
    }

    static func state() -> AppState {
        AppState(
            functions: functions(), sourceDescription: "test", isLive: false, size: Size(width: 120, height: 40),
            glyphs: .unicode)
    }

    @Test func incrementalAndFromScratchFilteringAgree() {
        var typed = Self.state()
        let fresh = Self.state()
        #expect(typed.functions.count == 60)
        let queries = [
            "cafe", "caf\u{E9}", "caf\u{65}\u{301}", "nic", "0003:01:00", "0000:0", "1b36:", "8086:29c0", "intel",
            "\u{130}st", "i\u{307}", "istanbul", "\r", "\n", "\r\n", "tab\t", "\u{FC}n", "u", "nvm", "non-vol", "zzz",
            " ", "Qemu NVM",
        ]
        // Each typed, two taken back and the end typed again; and a combining mark typed after
        // its letter, which changes the last Character instead of adding one.
        var sequences = queries.map { query in
            query.map { Key.character($0) } + [.backspace, .backspace] + query.suffix(2).map(Key.character)
        }
        for split in ["cafe\u{301}", "i\u{307}stanbul", "nvme\u{301}"] {
            sequences.append(split.unicodeScalars.map { Key.character(Character($0)) })
        }
        var checked = 0
        var matchCounts = Set<Int>()
        for keys in sequences {
            UpdateTests.press([.function(4)], &typed)
            var text = ""
            for key in keys {
                UpdateTests.press([key], &typed)
                if key == .backspace {
                    _ = text.popLast()
                } else if case .character(let character) = key {
                    text.append(character)
                }
                #expect(typed.deviceFilter == text)
                var scratch = fresh
                scratch.applyFilter(text)
                let incremental = typed.visibleRows.map(\.functionIndex)
                #expect(incremental == scratch.visibleRows.map(\.functionIndex), "typing \(text.debugDescription)")
                #expect(incremental == Self.reference(fresh, text), "oracle for \(text.debugDescription)")
                #expect(typed.visibleRows == scratch.visibleRows)
                matchCounts.insert(incremental.count)
                checked += 1
            }
            UpdateTests.press([.escape], &typed)
            #expect(typed.visibleRows == fresh.visibleRows, "Esc shows the whole tree again")
        }
        #expect(checked > 100)
        // The queries are worth checking: they match none, some and all of the set.
        #expect(matchCounts.contains(0))
        #expect(matchCounts.contains(60))
        #expect(matchCounts.count > 10)
    }

    @Test func unicodeTextMatchesAsStringContainsDoes() {
        var state = Self.state()
        // "cafe" does not occur in a decomposed "café" (é is one Character), the precomposed é
        // finds both spellings, and "\r" is not in a CR LF.
        state.applyFilter("cafe n")
        let plain = Set(state.visibleRows.map { state.functions[$0.functionIndex].names.sourceTitle })
        #expect(plain == ["CAFE NIC"])
        state.applyFilter("caf\u{E9}")
        let accented = Set(state.visibleRows.map { state.functions[$0.functionIndex].names.sourceTitle })
        #expect(accented == ["Caf\u{65}\u{301} NIC", "Caf\u{E9} NIC"])
        state.applyFilter("\r")
        #expect(state.visibleRows.isEmpty)
    }

    @Test func aRereadWithNewIDsIsFoundByThemAtTheNextKey() throws {
        var state = Fixtures.liveState()
        let function = try #require(state.functions.first)
        UpdateTests.press([.function(4), .character("a"), .character("b"), .character("c"), .character("d")], &state)
        #expect(state.visibleRows.isEmpty, "nothing has abcd yet")
        var reread = function
        reread.vendorID = 0xABCD
        update(&state, .reread(function.address, .success(reread), now: 200))
        // "abcd:" extends "abcd", which matched nothing; the re-read function matches it now.
        UpdateTests.press([.character(":")], &state)
        #expect(state.visibleRows.map(\.functionIndex) == [0], "the new vendor ID is searched")
    }

    @Test func byteSearchAgreesWithCharacterSearchOnPrintableASCII() {
        // A fixed pseudo-random sequence (a linear congruential generator) over a small
        // alphabet, so needles often occur, partly occur and repeat.
        var seed: UInt64 = 0x1234_5678
        func next(_ bound: Int) -> Int {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((seed >> 33) % UInt64(bound))
        }
        let alphabet = Array("ab:. 0f")
        var found = 0
        for _ in 0..<5000 {
            let haystack = String((0..<next(24)).map { _ in alphabet[next(alphabet.count)] })
            let needle = String((0..<next(5)).map { _ in alphabet[next(alphabet.count)] })
            let expected = Self.characters(of: haystack, contain: needle)
            #expect(
                DeviceSearch.bytes(Array(haystack.utf8), contain: Array(needle.utf8)) == expected,
                "\(needle.debugDescription) in \(haystack.debugDescription)")
            if expected { found += 1 }
        }
        #expect(found > 1000 && found < 4500, "both outcomes are exercised")
    }
}
