import Foundation
import Testing

@testable import Model

/// A seeded fuzz test of the write simulator: real configuration spaces (the demo set and the
/// corpus dumps), mutated where parsers and rules look (capability pointers and headers,
/// length fields, BARs, header type, random bytes, truncation to 64 or 256 bytes), simulated
/// with both models, random BAR sizes and virtual regions, then thousands of random accesses
/// and random setpci text.
///
/// What must hold: nothing traps (the process survives), every error is a typed error, the
/// guest and device spaces keep their size, a record's `guestAfter` is what a fresh read
/// gives, and undo restores exactly the previous guest and device spaces.
///
/// The seed is printed. `CFGTUI_FUZZ_SEED=N` (decimal or 0x hex) replays a run,
/// `CFGTUI_FUZZ_SEED=random` picks a new seed; `CFGTUI_FUZZ_SCALE=N` runs N times as many
/// cases; `CFGTUI_FUZZ_VERBOSE=1` prints each case before it runs (to find a trap).
@Suite struct WriteEmulationFuzzTests {
    static let defaultSeed: UInt64 = 0xC0F1_6F22_2026

    static var seed: UInt64 {
        let text = ProcessInfo.processInfo.environment["CFGTUI_FUZZ_SEED"] ?? ""
        if text == "random" { return UInt64.random(in: 1...UInt64.max) }
        if text.hasPrefix("0x"), let value = UInt64(text.dropFirst(2), radix: 16) { return value }
        return UInt64(text) ?? defaultSeed
    }

    static var scale: Int {
        max(1, Int(ProcessInfo.processInfo.environment["CFGTUI_FUZZ_SCALE"] ?? "") ?? 1)
    }

    static var isVerbose: Bool { ProcessInfo.processInfo.environment["CFGTUI_FUZZ_VERBOSE"] == "1" }

    @Test(.timeLimit(.minutes(scale))) func demoSetSurvivesMutationsAndRandomAccesses() throws {
        let spaces = DemoSet.functions().map(\.space)
        try #require(spaces.count == 10)
        let seed = Self.seed
        print("WriteEmulator fuzz (demo set): seed \(seed), replay with CFGTUI_FUZZ_SEED=\(seed)")
        var fuzzer = Fuzzer(seed: seed, label: "demo", spaces: spaces)
        fuzzer.run(cases: 240 * Self.scale, accessesPerCase: 60)
        fuzzer.report()
    }

    @Test(.requires(.corpus), .timeLimit(.minutes(scale))) func corpusSurvivesMutationsAndRandomAccesses() throws {
        try Requirement.check(.corpus)
        var spaces = [ConfigSpace]()
        for file in Corpus.dumpFiles {
            for function in try Corpus.functions(in: file) { spaces.append(function.space) }
        }
        try #require(spaces.count > 100)
        let seed = Self.seed
        print(
            "WriteEmulator fuzz (corpus, \(spaces.count) functions): seed \(seed), replay with CFGTUI_FUZZ_SEED=\(seed)"
        )
        var fuzzer = Fuzzer(seed: seed ^ 0x00C0_4905, label: "corpus", spaces: spaces)
        fuzzer.run(cases: 360 * Self.scale, accessesPerCase: 40)
        fuzzer.report()
    }

    /// The generator alone: the same seed gives the same cases.
    @Test func theSameSeedGivesTheSameRun() {
        let spaces = DemoSet.functions().map(\.space)
        var first = Fuzzer(seed: 42, label: "a", spaces: spaces)
        var second = Fuzzer(seed: 42, label: "b", spaces: spaces)
        first.run(cases: 6, accessesPerCase: 20)
        second.run(cases: 6, accessesPerCase: 20)
        #expect(first.fingerprint == second.fingerprint)
        #expect(first.failures.isEmpty && second.failures.isEmpty)
    }
}

// MARK: - The generator

/// The fuzz tests' draws, on SplitMix so a seed replays a run.
extension SplitMix {
    mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &self) }
    mutating func chance(_ percent: Int) -> Bool { int(0...99) < percent }
    mutating func byte() -> UInt8 { UInt8(truncatingIfNeeded: next()) }
    mutating func pick<T>(_ values: [T]) -> T { values[int(0...(values.count - 1))] }
}

// MARK: - The fuzzer

private struct Fuzzer {
    var random: SplitMix
    let label: String
    let spaces: [ConfigSpace]
    var failures: [String] = []
    var caseNumber = 0
    var context = ""
    /// Counts, for the summary and for the replay check.
    var setups = 0
    var setupErrors: [String: Int] = [:]
    var applied = 0
    var refused = 0
    var expressions = 0
    var expressionErrors = 0
    var fingerprint: UInt64 = 0
    var elapsed: Duration = .zero
    var setupTime: Duration = .zero

    init(seed: UInt64, label: String, spaces: [ConfigSpace]) {
        random = SplitMix(seed: seed)
        self.label = label
        self.spaces = spaces
    }

    mutating func check(_ condition: Bool, _ message: @autoclosure () -> String) {
        guard !condition else { return }
        if failures.count < 40 { failures.append("case \(caseNumber) [\(context)]: \(message())") }
    }

    func report() {
        for failure in failures.prefix(20) { Issue.record(Comment(rawValue: failure)) }
        let errors = setupErrors.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        print(
            "WriteEmulator fuzz (\(label)): \(caseNumber) cases, \(setups) emulators (refused: \(errors)), "
                + "\(applied) accesses applied, \(refused) refused, \(expressions) setpci expressions "
                + "(\(expressionErrors) errors), \(elapsed), setup \(setupTime)")
    }

    mutating func run(cases: Int, accessesPerCase: Int) {
        let clock = ContinuousClock()
        let start = clock.now
        for _ in 0..<cases {
            caseNumber += 1
            runCase(accesses: accessesPerCase)
        }
        elapsed = clock.now - start
    }

    // MARK: - One case

    mutating func runCase(accesses: Int) {
        let base = random.pick(spaces)
        var mutations = [String]()
        let space = mutate(base, notes: &mutations)
        let model: SimulationModel = random.chance(50) ? .vfio : .device
        let isVirtualFunction = random.chance(20)
        let physicalFunction: ConfigSpace? =
            isVirtualFunction && random.chance(70) ? mutate(random.pick(spaces), notes: &mutations) : nil
        let sizes = barSizes()
        let regions = model == .vfio && random.chance(35) ? virtualRegions(size: space.size) : []
        let gaps: GapPolicy = random.chance(30) ? .drop : .passthrough
        context =
            "\(model) vf=\(isVirtualFunction) gaps=\(gaps) readable=\(space.readableLength)/\(space.size) "
            + "mutations=\(mutations.joined(separator: ",")) regions=\(regions.map { "\($0.id.rawValue)@\($0.offset.rawValue)+\($0.body.count)" })"
        if WriteEmulationFuzzTests.isVerbose { print("fuzz \(label) case \(caseNumber): \(context)") }
        fingerprint =
            fingerprint &* 31 &+ UInt64(truncatingIfNeeded: space.bytes.count)
            &+ (space.bytes.first.map { UInt64($0) } ?? 0)

        let emulator: WriteEmulator
        let setupStart = ContinuousClock.now
        do throws(WriteEmulationError) {
            emulator = try WriteEmulator(
                function: SimulatedFunction(space: space, isVirtualFunction: isVirtualFunction),
                options: SimulationOptions(
                    model: model, gaps: gaps, barSizes: sizes, virtualCapabilities: regions,
                    physicalFunction: physicalFunction))
        } catch {
            // Typed: the only errors init can give.
            setupErrors[Self.name(of: error), default: 0] += 1
            let isShort = space.readableLength < ConfigSpace.headerLength
            check(isShort == (error == .headerUnreadable(readable: space.readableLength)), "setup refused: \(error)")
            if case .vfioNeedsEndpoint(let layout) = error {
                check(model == .vfio && layout != .endpoint, "vfio refused an endpoint: \(error)")
            }
            return
        }
        setups += 1
        setupTime += ContinuousClock.now - setupStart
        check(emulator.size == space.size, "emulator size \(emulator.size), space \(space.size)")
        check(emulator.guestSpace.size == space.size, "guest space size \(emulator.guestSpace.size)")
        check(emulator.deviceSpace.size == space.size, "device space size \(emulator.deviceSpace.size)")
        check(
            emulator.accessibleLength >= space.readableLength && emulator.accessibleLength <= space.size,
            "accessible \(emulator.accessibleLength) of \(space.readableLength)/\(space.size)")
        check(emulator.deviceModel?.map.checkInvariants() ?? true, "device access map invariants")
        check(emulator.vfioModel?.device.map.checkInvariants() ?? true, "vfio device access map invariants")
        check(emulator.vfioModel?.virtualConfig.map.checkInvariants() ?? true, "vfio virtual access map invariants")

        var history = SimulationHistory(emulator)
        let capabilityOffsets = emulator.guestAnalysis.capabilities.map(\.offset.rawValue)
        var step = 0
        var resolver: SetpciResolver?  // built on first use: the guest's analysis does not change
        while step < accesses {
            if random.chance(8) {
                let text = setpciText(capabilityOffsets: capabilityOffsets)
                if resolver == nil { resolver = emulator.resolver }
                step += runSetpci(text, resolver: resolver, on: &history)
            } else {
                apply(access(emulator: history.current, capabilityOffsets: capabilityOffsets), on: &history)
                step += 1
            }
            if random.chance(3) { undoAndRedo(&history) }
        }
    }

    // MARK: - Accesses

    mutating func apply(_ access: ConfigAccess, on history: inout SimulationHistory) {
        let before = history.current
        // Whole guest views cost 4096 lookups each in a debug build: compare them on a sample,
        // and the simulated state (the bytes they are computed from) on every access.
        let isFull = random.chance(12)
        let stateBefore = SimulatedState(before)
        let spacesBefore = isFull ? Spaces(before) : nil
        let expected = access.problem(size: before.size, readable: before.accessibleLength)
        let count = access.width.byteCount
        let record: WriteRecord
        do throws(WriteEmulationError) {
            record = try history.apply(access)
        } catch {
            refused += 1
            check(expected == error, "\(access) refused with \(error), expected \(String(describing: expected))")
            check(SimulatedState(history.current) == stateBefore, "a refused \(access) changed the state")
            return
        }
        applied += 1
        check(expected == nil, "\(access) applied, but \(String(describing: expected)) was expected")
        let after = history.current
        let stateAfter = SimulatedState(after)
        check(stateAfter.sizes == stateBefore.sizes, "\(access): sizes \(stateBefore.sizes) -> \(stateAfter.sizes)")
        let spacesAfter = isFull ? Spaces(after) : nil
        if let spacesBefore, let spacesAfter {
            check(spacesAfter.sizes == spacesBefore.sizes, "\(access): \(spacesBefore.sizes) -> \(spacesAfter.sizes)")
            check(
                spacesAfter.guest.size == before.size && spacesAfter.device.size == before.size,
                "\(access): spaces of \(spacesAfter.sizes), the function's is \(before.size)")
        }
        let offset = access.offset
        let read = before.guestValue(at: offset, count: count)
        check(record.guestBefore == read, "\(access): guestBefore \(hex(record.guestBefore)), read \(hex(read))")
        let fresh = after.guestValue(at: offset, count: count)
        check(record.guestAfter == fresh, "\(access): guestAfter \(hex(record.guestAfter)), fresh read \(hex(fresh))")
        let device = after.deviceValue(at: offset, count: count)
        check(record.deviceAfter == device, "\(access): deviceAfter \(hex(record.deviceAfter)), device \(hex(device))")
        let widthMask = access.width.valueMask
        let bits = record.bits
        for (name, mask) in [
            ("storedVirtually", bits.storedVirtually), ("forwarded", bits.forwarded), ("taken", bits.taken),
            ("cleared", bits.cleared), ("actions", bits.actions), ("dropped", bits.dropped),
        ] {
            check(mask & ~widthMask == 0, "\(access): \(name) \(hex(mask)) outside the width")
        }
        check(
            record.deviceWriteBytes & ~UInt8((1 << count) - 1) == 0,
            "\(access): device write bytes \(record.deviceWriteBytes) outside the width")
        if case .write(let value, let mask) = access.operation {
            check(
                record.value == (record.guestBefore & ~mask) | (value & mask),
                "\(access): value \(hex(record.value)) is not the masked merge")
            // A read right after sees what the record says.
            var reader = after
            do throws(WriteEmulationError) {
                let readBack = try reader.apply(.read(offset, access.width))
                check(readBack.value == record.guestAfter, "\(access): a read gives \(hex(readBack.value))")
            } catch {
                check(false, "\(access): the read after it was refused: \(error)")
            }
        } else {
            check(record.value == record.guestBefore, "\(access): read value \(hex(record.value))")
            check(stateAfter == stateBefore, "\(access): a read changed the state")
            check(record.bits == WriteBits(), "\(access): a read has bits")
        }
        if before.deviceModel != nil {
            check(
                record.guestBefore == record.deviceBefore && record.guestAfter == record.deviceAfter,
                "\(access): device model guest and device values differ")
        }
        // Undo restores exactly the state (and spaces) before; redo the ones after.
        history.undo()
        check(SimulatedState(history.current) == stateBefore, "\(access): undo did not restore the state")
        if let spacesBefore { check(Spaces(history.current) == spacesBefore, "\(access): undo: different spaces") }
        history.redo()
        check(SimulatedState(history.current) == stateAfter, "\(access): redo did not restore the state")
        if let spacesAfter { check(Spaces(history.current) == spacesAfter, "\(access): redo: different spaces") }
        fingerprint = fingerprint &* 31 &+ UInt64(record.guestAfter)
    }

    /// Several undos, then as many redos: the states come back.
    mutating func undoAndRedo(_ history: inout SimulationHistory) {
        if random.chance(5) {
            history.reset()
            check(history.records.isEmpty && !history.canUndo, "reset kept records")
            check(Spaces(history.current) == Spaces(history.initial), "reset: different spaces")
            return
        }
        let depth = random.int(1...8)
        let spaces = Spaces(history.current)
        var undone = 0
        while undone < depth && history.undo() { undone += 1 }
        if undone == history.records.count {
            check(Spaces(history.current) == Spaces(history.initial), "undo to the start: different spaces")
        }
        for _ in 0..<undone { history.redo() }
        check(Spaces(history.current) == spaces, "undo \(undone) then redo: different spaces")
    }

    mutating func access(emulator: WriteEmulator, capabilityOffsets: [Int]) -> ConfigAccess {
        let size = emulator.size
        let width = random.pick(AccessWidth.allCases)
        var offset: Int
        switch random.int(0...99) {
        case 0..<30: offset = random.int(0...(size - 1))
        case 30..<55: offset = random.int(0...63)
        case 55..<80:
            let base = capabilityOffsets.isEmpty ? 0x40 : random.pick(capabilityOffsets)
            offset = base + random.int(0...0x3F)
        case 80..<88: offset = random.pick([0x10, 0x14, 0x18, 0x1C, 0x20, 0x24, 0x30, 0x04, 0x06])
        case 88..<94: offset = emulator.accessibleLength - random.int(-4...8)
        case 94..<97: offset = size - random.int(-4...4)
        default: offset = random.pick([-1, -4, Int.min, Int.max, Int.max - 3, Int.min + 4, 1 << 40])
        }
        if random.chance(92) && offset > Int.min + 4 { offset -= offset % width.byteCount }
        if random.chance(25) { return .read(offset, width) }
        let full = width.valueMask
        var value: UInt32
        switch random.int(0...9) {
        case 0..<3: value = full
        case 3: value = 0
        default: value = UInt32(truncatingIfNeeded: random.next()) & full
        }
        var mask = full
        switch random.int(0...9) {
        case 0..<3: mask = UInt32(truncatingIfNeeded: random.next()) & full
        case 3: mask = 0
        case 4: mask = 1 << UInt32(random.int(0...(8 * width.byteCount - 1)))
        default: break
        }
        if random.chance(2) { value = UInt32(truncatingIfNeeded: random.next()) | ~full }
        if random.chance(2) { mask = UInt32(truncatingIfNeeded: random.next()) | ~full }
        return ConfigAccess(offset: offset, width: width, operation: .write(value, mask: mask))
    }

    // MARK: - setpci text

    /// Parses, resolves and applies random setpci text; returns how many steps it took.
    mutating func runSetpci(_ text: String, resolver: SetpciResolver?, on history: inout SimulationHistory) -> Int {
        let parsed: [SetpciExpression]
        do throws(SetpciError) {
            parsed = try SetpciExpression.parse(text)
        } catch {
            expressionErrors += 1
            checkPlace(error, in: text)
            return 1
        }
        let resolver = resolver ?? history.current.resolver
        var steps = 1
        for expression in parsed {
            expressions += 1
            check(expression.line >= 1 && expression.column >= 1, "\(expression.text): place")
            let accesses: [ConfigAccess]
            do throws(SetpciError) {
                accesses = try resolver.accesses(for: expression)
            } catch {
                expressionErrors += 1
                checkPlace(error, in: text)
                continue
            }
            check(!accesses.isEmpty, "\(expression.text) resolved to nothing")
            for access in accesses {
                check(
                    access.problem(size: history.current.size, readable: history.current.accessibleLength) == nil,
                    "\(expression.text) resolved to \(access), which the emulator refuses")
                apply(access, on: &history)
                steps += 1
            }
        }
        return steps
    }

    mutating func checkPlace(_ error: SetpciError, in text: String) {
        // Lines end at "\n" bytes (a "\r\n" is one Character, so split the UTF-8).
        let lines = text.utf8.split(separator: 0x0A, omittingEmptySubsequences: false)
        check(error.line >= 1 && error.line <= lines.count, "\(error) in \(text.debugDescription): line")
        let length = error.line >= 1 && error.line <= lines.count ? lines[error.line - 1].count : 0
        check(error.column >= 1 && error.column <= length + 1, "\(error) in \(text.debugDescription): column")
    }

    static let headerNames = Array(SetpciResolver.names.keys).sorted()
    static let capabilityNames = [
        "CAP_PM", "CAP_MSI", "CAP_MSIX", "CAP_EXP", "CAP_VNDR", "CAP_PCIX", "CAP_AF", "CAP_VPD", "CAP_HT", "CAP_SATA",
        "ECAP_AER", "ECAP_SRIOV", "ECAP_PASID", "ECAP_PRI", "ECAP_ATS", "ECAP_ARI", "ECAP_ACS", "ECAP_DVSEC",
        "ECAP_VNDR", "ECAP_DSN", "ECAP_LTR", "ECAP_REBAR", "ECAP_TPH", "ECAP_VC", "ECAP_DPC", "CAP10", "CAP5",
        "CAP0x11", "ECAP1b", "ECAP0x10", "ECAPffff", "CAP_NOPE", "ECAP_", "CAP",
    ]

    mutating func setpciText(capabilityOffsets: [Int]) -> String {
        var parts = [String]()
        for _ in 0..<random.int(1...4) {
            parts.append(setpciOperation(capabilityOffsets: capabilityOffsets))
            parts.append(random.pick([" ", "  ", "\t", "\n", " # comment\n", "\r\n", ""]))
        }
        var text = parts.joined()
        if random.chance(15) {
            // Junk anywhere.
            var bytes = Array(text.utf8)
            let junk = random.pick([
                "=", ".", "+", ":", ",", "#", "\u{0}", "é", "💥", "0x", "g", "\n", "FFFFFFFFFFFFFFFFF",
            ])
            bytes.insert(contentsOf: Array(junk.utf8), at: random.int(0...bytes.count))
            text = String(decoding: bytes, as: UTF8.self)
        }
        return text
    }

    /// One operation: mostly well-formed (a known name or an offset near a capability, a
    /// width, values that fit), sometimes with a broken part.
    mutating func setpciOperation(capabilityOffsets: [Int]) -> String {
        let isWellFormed = random.chance(70)
        var text: String
        switch random.int(0...9) {
        case 0..<3:
            text = random.pick(Self.headerNames)
            if random.chance(20) { text = text.lowercased() }
        case 3..<6: text = random.pick(Self.capabilityNames)
        case 6..<8:
            let offset = capabilityOffsets.isEmpty ? random.int(0...0xFFF) : random.pick(capabilityOffsets)
            text = (random.chance(50) ? "0x" : "") + String(offset + random.int(0...0x40), radix: 16)
        case 8:
            // Up to 16 hex digits: the parser takes them, the offset check must not overflow.
            switch random.int(0...3) {
            case 0: text = String(random.next(), radix: 16)
            case 1: text = String(UInt64.max - UInt64(random.int(0...0x40)), radix: 16)
            default: text = String(random.int(0...0x1FFF), radix: 16)
            }
        default:
            text =
                isWellFormed ? "0" : random.pick(["", "_", "9ZZ", "0x", "-4", "CAP_EXP+", "ECAP_PASID+fffff", "x.y"])
        }
        if random.chance(40) {
            let displacement = String(random.int(0...0x40), radix: 16)
            text += "+" + (isWellFormed ? displacement : random.pick([displacement, "fff", "1000", "", "zz", "0x8"]))
        }
        var width = AccessWidth.dword
        if random.chance(isWellFormed ? 80 : 50) {
            width = random.pick(AccessWidth.allCases)
            let letters = [AccessWidth.byte: "B", .word: "W", .dword: "L"]
            let letter = letters[width] ?? "L"
            text += "." + (isWellFormed ? letter : random.pick([letter, letter.lowercased(), "Q", "", "BB"]))
        }
        if random.chance(65) {
            var values = [String]()
            for _ in 0..<random.int(1...3) {
                var value = hexValue(fitting: width, isWellFormed: isWellFormed)
                if random.chance(30) { value += ":" + hexValue(fitting: width, isWellFormed: isWellFormed) }
                values.append(value)
            }
            text += "=" + values.joined(separator: isWellFormed || random.chance(80) ? "," : ",,")
        }
        return text
    }

    mutating func hexValue(fitting width: AccessWidth, isWellFormed: Bool) -> String {
        let fitting = UInt64(truncatingIfNeeded: random.next()) & UInt64(width.valueMask)
        if isWellFormed {
            switch random.int(0...3) {
            case 0: return String(width.valueMask, radix: 16)
            case 1: return "0x" + String(fitting, radix: 16)
            default: return String(fitting, radix: 16)
            }
        }
        switch random.int(0...9) {
        case 0: return "ffffffff"
        case 1: return String(random.next(), radix: 16)
        case 2: return "0x" + String(random.int(0...0xFFFF), radix: 16)
        case 3: return random.pick(["", "0x", "g1", "fffffffffffffffff", "-1"])
        default: return String(random.int(0...0xFF), radix: 16)
        }
    }

    // MARK: - Options

    mutating func barSizes() -> BARSizes {
        var sizes = BARSizes()
        let slots: [BARSlot] =
            (0..<6).map { BARSlot.bar($0) } + [.expansionROM] + (0..<6).map { BARSlot.virtualFunctionBAR($0) }
        for slot in slots where random.chance(55) {
            switch random.int(0...9) {
            case 0: sizes[slot] = 0
            case 1: sizes[slot] = UInt64.max
            case 2: sizes[slot] = random.next()  // not a power of two: no trap either
            case 3: sizes[slot] = 1 << 63
            default: sizes[slot] = 1 << UInt64(random.int(0...40))
            }
        }
        return sizes
    }

    mutating func virtualRegions(size: Int) -> [VirtualRegion] {
        var regions = [VirtualRegion]()
        for _ in 0..<random.int(1...3) {
            let id = random.pick([
                ExtendedCapabilityID.processAddressSpaceID, .pageRequest, .addressTranslationServices,
                .designatedVendorSpecific, ExtendedCapabilityID(UInt16(truncatingIfNeeded: random.next())),
            ])
            let offset: Int
            switch random.int(0...9) {
            case 0..<6: offset = 0x100 + 4 * random.int(0...0x3BF)
            case 6: offset = random.int(0...0xFFF)
            case 7: offset = size - 4 * random.int(0...4)
            case 8: offset = random.pick([0, 0x40, 0xFC, -4, 0x1000])
            default: offset = random.pick([Int.max, Int.min, Int.max - 8, Int.max - 3, 1 << 62])
            }
            let length = random.chance(90) ? 4 * random.int(0...12) : random.int(0...5000)
            let body = (0..<length).map { _ in random.byte() }
            regions.append(
                VirtualRegion(id: id, version: random.int(-1...17), offset: ConfigOffset(offset), body: body))
        }
        return regions
    }

    // MARK: - Mutations

    mutating func mutate(_ original: ConfigSpace, notes: inout [String]) -> ConfigSpace {
        var bytes = original.bytes
        var size = original.size
        let analysis = FunctionAnalysis(space: original)
        let standard = analysis.capabilities.filter { $0.space == .standard }.map(\.offset.rawValue)
        let extended = analysis.capabilities.filter { $0.space == .extended }.map(\.offset.rawValue)
        func set(_ offset: Int, _ value: UInt8) {
            if offset >= 0 && offset < bytes.count { bytes[offset] = value }
        }
        func set32(_ offset: Int, _ value: UInt32) {
            for index in 0..<4 { set(offset + index, UInt8(truncatingIfNeeded: value >> UInt32(8 * index))) }
        }
        let pointers: [Int] = [0, 0x34, 0x3C, 0x40, 0x41, 0x44, 0x80, 0xFC, 0xFD, 0xFF, 0x100, 0xFFC, 0xFFE]
        for _ in 0..<(random.chance(15) ? 0 : random.int(1...4)) {
            switch random.int(0...13) {
            case 0:
                notes.append("capabilityPointer")
                set(0x34, random.chance(50) ? UInt8(truncatingIfNeeded: random.pick(pointers)) : random.byte())
                if random.chance(30) { set(0x06, bytes.count > 6 ? bytes[6] ^ 0x10 : 0) }
            case 1:
                guard let offset = standard.isEmpty ? nil : random.pick(standard) else { continue }
                notes.append("standardNext@\(hex(UInt32(offset)))")
                set(offset + 1, random.chance(30) ? UInt8(truncatingIfNeeded: offset) : random.byte())
                if random.chance(40) { set(offset, UInt8(random.int(0...0x16))) }
            case 2:
                guard let offset = extended.isEmpty ? nil : random.pick(extended) else { continue }
                notes.append("extendedHeader@\(hex(UInt32(offset)))")
                let id =
                    random.chance(70)
                    ? UInt32(random.int(0...0x35)) : UInt32(truncatingIfNeeded: random.next()) & 0xFFFF
                let next = random.chance(50) ? UInt32(random.pick(pointers) + random.int(0...3)) : UInt32(offset)
                set32(offset, id | UInt32(random.int(0...15)) << 16 | (next & 0xFFF) << 20)
            case 3:
                notes.append("lengthFields")
                mutateLengths(&bytes, analysis: analysis)
            case 4:
                let index = random.int(0...5)
                notes.append("bar\(index)")
                let type = random.pick([UInt32(0x0), 0x1, 0x4, 0x8, 0xC, 0x2, 0x6, 0x5, 0xF])
                set32(0x10 + 4 * index, UInt32(truncatingIfNeeded: random.next()) & ~0xF | type)
            case 5:
                notes.append("rom")
                set32(0x30, UInt32(truncatingIfNeeded: random.next()))
            case 6:
                notes.append("headerType")
                set(0x0E, random.pick([0x00, 0x01, 0x02, 0x80, 0x81, 0x7F, random.byte()]))
            case 7:
                notes.append("randomBytes")
                let anchors = [0] + standard + extended
                for _ in 0..<random.int(1...24) {
                    let anchor = random.pick(anchors)
                    set(random.chance(70) ? anchor + random.int(0...0x3F) : random.int(0...4095), random.byte())
                }
            case 8:
                notes.append("extendedStart")
                set32(0x100, random.pick([0, 0xFFFF_FFFF, UInt32(truncatingIfNeeded: random.next()), 0x0001_0001]))
            case 9:
                let length = random.pick([64, 64, 256, 256, random.int(0...bytes.count), 63, 100])
                notes.append("truncate\(length)")
                bytes = Array(bytes.prefix(length))
            case 10:
                notes.append("allOnes")
                let percent = random.chance(50) ? 100 : 10
                for index in bytes.indices where random.chance(percent) { bytes[index] = 0xFF }
            case 11:
                // A standard capability where its registers run past the end of the space.
                let offset = random.pick([0xF8, 0xFA, 0xFB, 0xFC, 0xFD, 0xFE, 0xFF, random.int(0x40...0xFF)])
                let id = random.pick([0x01, 0x03, 0x05, 0x07, 0x09, 0x10, 0x11, 0x12, 0x13, random.byte()])
                notes.append("standard\(hex(UInt32(id)))@\(hex(UInt32(offset)))")
                set(offset, id)
                set(offset + 1, random.chance(60) ? 0 : random.byte())
                for position in (offset + 2)..<(offset + 8) where random.chance(50) { set(position, random.byte()) }
                if standard.isEmpty || random.chance(50) {
                    set(0x34, UInt8(offset))
                    set(0x06, (bytes.count > 6 ? bytes[6] : 0) | 0x10)
                } else {
                    set(random.pick(standard) + 1, UInt8(offset))
                }
            case 12:
                // An extended capability near the end of the space, linked into the list.
                let offset = random.pick([
                    0xFFC, 0xFF8, 0xFF4, 0xFF0, 0xFC0, 0xF00, 0x100, 4 * random.int(0x40...0x3FF),
                ])
                let ids: [UInt32] = [0x01, 0x02, 0x04, 0x0B, 0x0D, 0x10, 0x13, 0x15, 0x16, 0x17, 0x1B, 0x23, 0x2E]
                let id = random.chance(85) ? random.pick(ids) : UInt32(random.int(0...0xFFFF))
                notes.append("extended\(hex(id))@\(hex(UInt32(offset)))")
                set32(offset, id | 1 << 16 | (random.chance(70) ? 0 : UInt32(random.int(0...0xFFF))) << 20)
                for position in (offset + 4)..<(offset + 0x48) where random.chance(40) { set(position, random.byte()) }
                if offset != 0x100 {
                    let previous = extended.isEmpty ? 0x100 : random.pick(extended)
                    let header = bytes.count >= previous + 4 ? bytes[previous + 2] : 0
                    set(previous + 2, header & 0x0F | UInt8(truncatingIfNeeded: offset << 4))
                    set(previous + 3, UInt8(truncatingIfNeeded: offset >> 4))
                }
            default:
                size = random.pick([256, 4096])
                notes.append("size\(size)")
            }
        }
        return ConfigSpace(bytes: bytes, size: size)
    }

    /// The fields capability lengths and rules read: vendor-specific, VSEC and DVSEC lengths,
    /// MSI flags, PCIe flags and capability registers, ACS, VC, Resizable BAR, DPA, TPH, SR-IOV.
    mutating func mutateLengths(_ bytes: inout [UInt8], analysis: FunctionAnalysis) {
        func set(_ offset: Int, _ value: UInt8) {
            if offset >= 0 && offset < bytes.count { bytes[offset] = value }
        }
        for capability in analysis.capabilities where random.chance(50) {
            let base = capability.offset.rawValue
            let value = random.chance(30) ? random.pick([UInt8(0), 0xFF, 0x01, 0x80]) : random.byte()
            switch capability.kind {
            case .standard(.vendorSpecific): set(base + 2, value)
            case .standard(.msi): set(base + 2 + random.int(0...1), value)
            case .standard(.pciExpress): set(base + 2 + random.int(0...0x32), value)
            case .standard(.powerManagement): set(base + 2 + random.int(0...5), value)
            case .extended(.vendorSpecific), .extended(.designatedVendorSpecific):
                set(base + 6 + random.int(0...1), value)
            case .extended(.singleRootIOV): set(base + 4 + random.int(0...0x3B), value)
            default: set(base + 2 + random.int(0...10), value)
            }
        }
    }

    static func name(of error: WriteEmulationError) -> String {
        switch error {
        case .headerUnreadable: "headerUnreadable"
        case .vfioNeedsEndpoint: "vfioNeedsEndpoint"
        case .virtualCapabilityOutOfRange: "virtualCapabilityOutOfRange"
        case .virtualCapabilityOverlaps: "virtualCapabilityOverlaps"
        case .virtualCapabilitiesNeedExtendedSpace: "virtualCapabilitiesNeedExtendedSpace"
        case .guestListUnterminated: "guestListUnterminated"
        default: "\(error)"
        }
    }
}

/// What the guest reads and what the device holds, whole.
private struct Spaces: Equatable {
    var guest: ConfigSpace
    var device: ConfigSpace

    init(_ emulator: WriteEmulator) {
        guest = emulator.guestSpace
        device = emulator.deviceSpace
    }

    var sizes: String { "guest \(guest.readableLength)/\(guest.size), device \(device.readableLength)/\(device.size)" }
}

/// The simulated bytes the views are computed from (cheap to take: arrays are shared).
private struct SimulatedState: Equatable {
    var device: [UInt8]
    var virtualConfig: [UInt8]?
    var isINTxMasked: Bool?
    var savedForD3: [UInt8]?

    init(_ emulator: WriteEmulator) {
        device = emulator.vfioModel?.device.bytes ?? emulator.deviceModel?.bytes ?? []
        virtualConfig = emulator.vfioModel?.virtualConfig.bytes
        isINTxMasked = emulator.vfioModel?.isINTxMasked
        savedForD3 = emulator.vfioModel?.savedForD3
    }

    var sizes: [Int] { [device.count, virtualConfig?.count ?? 0] }
}

private func hex(_ value: UInt32) -> String { "0x" + String(value, radix: 16) }
