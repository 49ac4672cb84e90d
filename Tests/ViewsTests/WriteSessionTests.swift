import Model
import Testing

@testable import Views

/// The write simulator in the explorer: expressions and field edits applied to a simulated copy,
/// the trace, changed bytes, guest/device views, both models, undo/redo/reset and saving a
/// script that replays to the same state.
@Suite struct WriteSessionTests {
    static func vf(size: Size = Size(width: 120, height: 40)) -> AppState {
        var state = Fixtures.demoState(size: size, preselect: "01:00.1")
        UpdateTests.press([.character("w")], &state)
        return state
    }

    static func type(_ text: String, _ state: inout AppState) {
        UpdateTests.press([.character("i")] + text.map { Key.character($0) } + [.enter], &state)
    }

    static func guestWord(_ state: AppState, _ offset: Int) -> UInt16? {
        state.writeSession?.current.guestSpace.word(at: offset)
    }

    static func deviceWord(_ state: AppState, _ offset: Int) -> UInt16? {
        state.writeSession?.current.deviceSpace.word(at: offset)
    }

    @Test func startingSimulatesACopyAndTheKeysNeedIt() throws {
        var plain = Fixtures.demoState(size: Size(width: 120, height: 40), preselect: "01:00.1")
        #expect(KeyMap.action(for: .character("i"), in: plain) == nil)
        #expect(KeyMap.action(for: .character("u"), in: plain) == nil)
        UpdateTests.press([.character("w")], &plain)
        let session = try #require(plain.writeSession)
        #expect(session.model == .vfio)
        #expect(plain.status?.text.contains("copy") == true)
        #expect(AppView.frame(plain).text.contains("Writes (vfio model, guest view) 0/0"))
        #expect(KeyMap.functionBar(for: plain).contains { $0.label == "EndWr" })
        // Ending it says nothing reached the device; the original is untouched.
        UpdateTests.press([.character("w")], &plain)
        #expect(plain.writeSession == nil)
        #expect(plain.status?.text.contains("nothing was written") == true)
    }

    @Test func anExpressionGoesThroughVfioAndTheTraceAndMapShowIt() throws {
        var state = Self.vf()
        let before = try #require(Self.deviceWord(state, 0x04))
        Self.type("COMMAND.W=0x0406", &state)
        #expect(state.mode == .normal)
        // INTx Disable (bit 10) is virtualized by vfio: the guest reads it back, the device never
        // sees it. Bus Master (bit 2) is forwarded.
        #expect(Self.guestWord(state, 0x04).map { $0 & 0x0404 } == 0x0404)
        #expect(Self.deviceWord(state, 0x04).map { $0 & 0x0400 } == 0)
        #expect(Self.deviceWord(state, 0x04).map { $0 & 0x0004 } == 0x0004)
        #expect(before & 0x0004 == 0)
        let session = try #require(state.writeSession)
        #expect(session.changed.contains(0x04) && session.changed.contains(0x05))
        #expect(state.cursor == 0x04)
        let frame = AppView.frame(state)
        #expect(frame.text.contains("[1] COMMAND.W=0x0406"))
        #expect(frame.text.contains("Command: Interrupt Disable 0x0 -> 0x1"))
        #expect(frame.cells.contains { $0.style.role == .changed })
        // The device view shows what the device holds.
        UpdateTests.press([.character("o")], &state)
        #expect(state.writeSession?.showsDevice == true)
        #expect(state.displayed?.analysis.space.word(at: 0x04) == Self.deviceWord(state, 0x04))
        #expect(AppView.frame(state).text.contains("simulated device"))
    }

    @Test func aBadExpressionIsRefusedWithItsColumnAndKeptForEditing() throws {
        var state = Self.vf()
        Self.type("COMMAND.W=0x12345", &state)
        #expect(state.mode == .typing(TextInput(.expression, text: "COMMAND.W=0x12345")))
        #expect(state.status?.kind == .error)
        #expect(state.status?.text.contains("column") == true)
        #expect(state.writeSession?.history.records.isEmpty == true)
        #expect(AppView.frame(state).text.contains("setpci> COMMAND.W=0x12345_"))
        UpdateTests.press([.escape], &state)
        #expect(state.mode == .normal)
        // A capability the function lacks.
        Self.type("ECAP_PASID+6.W=1", &state)
        #expect(state.status?.text.contains("ECAP_PASID") == true)
    }

    @Test func editingAFieldWritesOnlyItsBits() throws {
        var state = Self.vf()
        state.moveCursor(to: 0x04)
        let register = try #require(state.currentRegister)
        let index = try #require(register.spec.fields.firstIndex { $0.name == "Parity Error Response" })
        state.fieldList.selection = index
        let before = try #require(Self.guestWord(state, 0x04))
        UpdateTests.press([.character("=")], &state)
        #expect(AppView.frame(state).text.contains("Command: Parity Error Response (bit 6) = 0x0, new value:"))
        UpdateTests.press([.character("1"), .enter], &state)
        #expect(Self.guestWord(state, 0x04) == before | 0x0040)
        let record = try #require(state.writeSession?.applied.last)
        #expect(record.access == .write(0x04, .word, 0x0040, mask: 0x0040))
        #expect(state.writeSession?.expressions.last == "Command: Parity Error Response = 0x1")
        // The fields pane marks what changed since the start: this field, and not its neighbours.
        let frame = AppView.frame(state).text
        #expect(frame.split(separator: "\n").contains { $0.contains("Parity Error Response") && $0.contains("1*") })
        #expect(!frame.split(separator: "\n").contains { $0.contains("VGA Palette Snoop") && $0.contains("*") })
        // A value wider than the field is refused.
        UpdateTests.press([.character("=")] + "2".map { Key.character($0) } + [.enter], &state)
        #expect(state.status?.text.contains("does not fit") == true)
        UpdateTests.press([.escape], &state)
        // Not a number.
        UpdateTests.press([.character("=")] + "zz".map { Key.character($0) } + [.enter], &state)
        #expect(state.status?.text.contains("not a number") == true)
    }

    @Test func editingOneStatusFieldDoesNotClearTheOthers() throws {
        // A VF whose Status has Received Target Abort (bit 12) and Received Master Abort (bit 13)
        // set: both RW1C.
        var functions = Fixtures.demoFunctions
        let index = try #require(functions.firstIndex { $0.address.description.hasSuffix("01:00.1") })
        var bytes = functions[index].space.bytes
        bytes[0x07] |= 0x30
        functions[index].space = ConfigSpace(bytes: bytes, size: functions[index].space.size)
        var state = AppState(
            functions: functions, sourceDescription: "test", isLive: false, size: Size(width: 120, height: 40),
            glyphs: .unicode, preselect: functions[index].address)
        UpdateTests.press([.character("w"), .character("M")], &state)  // the device model: one view
        state.moveCursor(to: 0x07)
        let register = try #require(state.currentRegister)
        state.fieldList.selection = try #require(register.spec.fields.firstIndex { $0.lowBit == 13 })
        UpdateTests.press([.character("="), .character("1"), .enter], &state)
        let status = try #require(Self.guestWord(state, 0x06))
        #expect(status & 0x2000 == 0, "the field written with 1 is cleared")
        #expect(status & 0x1000 == 0x1000, "the other RW1C bit is not")
        // A plain setpci masked write does clear both (it writes back the 1s it read).
        UpdateTests.press([.character("u")], &state)
        Self.type("STATUS.W=2000:2000", &state)
        #expect(Self.guestWord(state, 0x06).map { $0 & 0x3000 } == 0)
    }

    @Test func undoRedoResetAndANewWriteAfterUndo() throws {
        var state = Self.vf()
        let start = try #require(Self.guestWord(state, 0x04))
        Self.type("COMMAND.W=0x0004", &state)
        Self.type("COMMAND.W=0x0006", &state)
        let afterTwo = Self.guestWord(state, 0x04)
        UpdateTests.press([.character("u")], &state)
        #expect(state.writeSession?.history.position == 1)
        #expect(AppView.frame(state).text.contains("(undone)"))
        UpdateTests.press([.character("U")], &state)
        #expect(Self.guestWord(state, 0x04) == afterTwo)
        UpdateTests.press([.character("u"), .character("u")], &state)
        #expect(Self.guestWord(state, 0x04) == start)
        UpdateTests.press([.character("u")], &state)
        #expect(state.status?.text == "nothing to undo")
        UpdateTests.press([.control("r")], &state)
        Self.type("COMMAND.W=0x0400", &state)  // drops the undone second write
        #expect(state.writeSession?.history.records.count == 2)
        #expect(state.writeSession?.expressions == ["COMMAND.W=0x0004", "COMMAND.W=0x0400"])
        UpdateTests.press([.character("R")], &state)
        #expect(state.writeSession?.history.records.isEmpty == true)
        #expect(Self.guestWord(state, 0x04) == start)
        #expect(state.writeSession?.changed.isEmpty == true)
    }

    @Test func switchingModelsReplaysTheAccesses() throws {
        var state = Self.vf()
        Self.type("COMMAND.W=0x0406", &state)
        UpdateTests.press([.character("M")], &state)
        let session = try #require(state.writeSession)
        #expect(session.model == .device)
        #expect(session.history.position == 1)
        // Without vfio nothing is virtual: one view, the device's.
        #expect(session.applied.last?.bits.storedVirtually == 0)
        #expect(session.current.guestSpace.word(at: 0x04) == session.current.deviceSpace.word(at: 0x04))
        #expect(AppView.frame(state).text.contains("Writes (device model, the device) 1/1"))
        UpdateTests.press([.character("o")], &state)
        #expect(state.status?.text.contains("one view") == true)
        // Then QEMU's layer over vfio: INTx Disable is vfio's virtual bit underneath, and the
        // BARs are QEMU's (they start at 0).
        UpdateTests.press([.character("M")], &state)
        let qemu = try #require(state.writeSession)
        #expect(qemu.model == .qemu)
        #expect(qemu.history.position == 1)
        #expect(qemu.applied.last.map { $0.bits.storedVirtually & 0x0400 } == 0x0400)
        #expect(qemu.current.guestSpace.dword(at: 0x10).map { $0 & ~0xF } == 0)
        #expect(AppView.frame(state).text.contains("Writes (qemu model"))
        UpdateTests.press([.character("M")], &state)
        #expect(state.writeSession?.model == .vfio)
    }

    @Test func theSavedScriptReplaysToTheSameState() throws {
        var state = Self.vf()
        Self.type("COMMAND.W=0x0406 CAP_EXP+8.W=0x20:0xe0", &state)
        state.moveCursor(to: 0x04)
        if let index = state.currentRegister?.spec.fields.firstIndex(where: { $0.name == "Parity Error Response" }) {
            state.fieldList.selection = index
        }
        UpdateTests.press([.character("="), .character("1"), .enter], &state)
        let effects = UpdateTests.press([.character("W")], &state)
        guard case .export(let files)? = effects.first, let file = files.first else {
            Issue.record("W did not ask to write a file: \(effects)")
            return
        }
        #expect(file.name == "cfgtui-writes-0000-01-00.1.setpci")
        let script = String(decoding: file.bytes, as: UTF8.self)
        let session = try #require(state.writeSession)
        // Replay on a fresh emulator of the same function.
        var replay = SimulationHistory(session.history.initial)
        for expression in try SetpciExpression.parse(script) {
            for access in try replay.current.resolver.accesses(for: expression) { try replay.apply(access) }
        }
        #expect(replay.records.map(\.access) == session.applied.map(\.access))
        #expect(replay.current.guestSpace == session.current.guestSpace)
        #expect(replay.current.deviceSpace == session.current.deviceSpace)
    }

    @Test func theOverlaysProposalsAreFullyVirtualAndThePlanIsFrozen() throws {
        var state = Fixtures.demoState(size: Size(width: 120, height: 40), preselect: "01:00.1")
        UpdateTests.press([.character("v"), .character("w")], &state)
        let session = try #require(state.writeSession)
        #expect(session.virtualCapabilities.map(\.offset) == [DemoSet.pasidOffset, DemoSet.priOffset])
        let control = DemoSet.pasidOffset.rawValue + 6
        Self.type("ECAP_PASID+6.W=1", &state)
        #expect(Self.guestWord(state, control) == 1)
        #expect(Self.deviceWord(state, control) == 0, "a virtual capability's bytes never reach the device")
        // The chain does not flag the proposals as a VF implementing PASID.
        #expect(!AppView.frame(state).text.contains("a VF implements PASID"))
        UpdateTests.press([.character("s")], &state)
        #expect(state.overlay?.strategy == .auto)
        #expect(state.status?.text.contains("end it (w)") == true)
    }

    @Test func aBridgeFallsBackToTheDeviceModelAndSaysWhy() throws {
        var state = Fixtures.demoState(size: Size(width: 120, height: 40), preselect: "00:02.0")
        UpdateTests.press([.character("w")], &state)
        let session = try #require(state.writeSession)
        #expect(session.model == .device)
        #expect(session.fallback != nil)
        #expect(state.status?.kind == .warning)
    }

    @Test func tabReachesTheTraceOnlyWhileSimulatingAndEnterJumpsToTheAccess() throws {
        var plain = Fixtures.demoState(size: Size(width: 120, height: 40), preselect: "01:00.1")
        for _ in 0..<6 {
            UpdateTests.press([.tab], &plain)
            #expect(plain.focus != .trace)
        }
        var state = Self.vf()
        Self.type("CAP_EXP+8.W=0", &state)
        Self.type("COMMAND.W=0x0006", &state)
        while state.focus != .trace { UpdateTests.press([.tab], &state) }
        UpdateTests.press([.home, .enter], &state)
        #expect(state.focus == .map)
        #expect(state.cursor == 0x88)
    }

    @Test func onThisHostTheBARSizesAreReadFirstAndSizingUsesThem() throws {
        var state = Fixtures.liveState()
        let address = try #require(state.selectedFunction?.address)
        let effects = UpdateTests.press([.character("w")], &state)
        #expect(effects == [.readBARSizes(address)])
        #expect(state.writeSession == nil)
        // The run loop answers with sysfs's sizes: BAR0 16 KiB.
        update(&state, .simulator(.start(address, BARSizes([.bar(0): 0x4000]))))
        let session = try #require(state.writeSession)
        #expect(state.status?.text.contains("BAR sizes from sysfs") == true)
        Self.type("BASE_ADDRESS_0=ffffffff", &state)
        // Sizing: the address bits below the size read back as zero, the type bits stay.
        let bar = try #require(state.writeSession?.current.guestSpace.dword(at: 0x10))
        let original = try #require(session.current.guestSpace.dword(at: 0x10))
        #expect(bar & 0xFFFF_FFF0 == 0xFFFF_C000)
        #expect(bar & 0xF == original & 0xF)
        // An answer for a function no longer selected is ignored.
        UpdateTests.press([.character("w")], &state)
        update(&state, .simulator(.start(try #require(PCIAddress(bus: 9, device: 0, function: 0)), nil)))
        #expect(state.writeSession == nil)
    }

    @Test func aShortReadSaysSoAndAListItCannotSeeIsNotCalledAbsent() throws {
        var functions = Fixtures.demoFunctions
        let index = try #require(functions.firstIndex { $0.address.description.hasSuffix("01:00.1") })
        functions[index].space = ConfigSpace(bytes: Array(functions[index].space.bytes.prefix(64)), size: 4096)
        functions[index].isUnprivilegedRead = true
        var state = AppState(
            functions: functions, sourceDescription: "test", isLive: false, size: Size(width: 120, height: 40),
            glyphs: .unicode, preselect: functions[index].address)
        UpdateTests.press([.character("w")], &state)
        #expect(state.status?.kind == .warning)
        #expect(state.status?.text.contains("only 64 of 4096 bytes") == true)
        Self.type("CAP_EXP+8.W=0", &state)
        #expect(state.status?.text.contains("need root") == true)
        Self.type("0x40.B=1", &state)
        #expect(state.status?.kind == .error)
        #expect(state.writeSession?.history.records.isEmpty == true)
    }

    @Test func aSessionWithWritesAt120x40() {
        var state = Self.vf()
        Self.type("COMMAND.W=0x0406", &state)
        Self.type("CAP_EXP+8.W=0x20:0xe0", &state)
        assertSnapshot(AppView.frame(state).snapshot, suite: "WriteSessionTests", name: "session_120x40")
    }
}
