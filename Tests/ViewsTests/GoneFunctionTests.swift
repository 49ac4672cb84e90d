import Model
import Testing

@testable import Views

/// A host function whose sysfs directory disappears while the explorer shows it: marked gone
/// in the title and the tree, the rest working, the mark cleared when a re-read finds it again.
@Suite struct GoneFunctionTests {
    static let suite = "GoneFunctionTests"
    /// The first VF (selected) and the second.
    static func addresses() throws -> (PCIAddress, PCIAddress) {
        (
            try #require(PCIAddress(bus: 1, device: 0, function: 1)),
            try #require(PCIAddress(bus: 1, device: 0, function: 2))
        )
    }

    /// The demo set as if read from this host, the first VF selected, read at 100 s.
    static func liveDemo(size: Size = Size(width: 120, height: 40)) throws -> AppState {
        let functions = Fixtures.demoFunctions.map { function in
            var copy = function
            copy.origin = .host
            return copy
        }
        return AppState(
            functions: functions, sourceDescription: "this host", isLive: true, size: size, glyphs: .unicode,
            interval: 1, preselect: try addresses().0, now: 100)
    }

    static func treeLine(_ frame: ScreenBuffer, containing address: String) -> String? {
        (0..<frame.height).map { frame.text(row: $0) }.first { $0.contains(address + " ") && !$0.contains("cfgtui") }
    }

    @Test func aGoneFunctionIsMarkedInTitleAndTreeAndKeepsItsLastRead() throws {
        let (vf, otherVF) = try Self.addresses()
        var state = try Self.liveDemo()
        let before = try #require(state.selectedFunction)
        #expect(update(&state, .reread(vf, .failure(.functionGone(vf)), now: 101)).isEmpty)
        #expect(state.isGone(vf))
        #expect(state.selectedFunction == before)
        #expect(state.status?.kind == .warning)
        #expect(state.status?.text.hasPrefix("0000:01:00.1 is gone") == true)
        let frame = AppView.frame(state)
        let title = frame.text(row: 0)
        #expect(title.contains("GONE 0000:01:00.1"), "\(title)")
        #expect(title.contains("gone: last read shown"), "\(title)")
        let row = try #require(Self.treeLine(frame, containing: "01:00.1"))
        #expect(row.contains("01:00.1 gone "), "\(row)")
        #expect(Self.treeLine(frame, containing: "01:00.2")?.contains("gone") == false)
    }

    @Test func theOthersKeepWorkingAndReadingWhileOneIsGone() throws {
        let (vf, otherVF) = try Self.addresses()
        var state = try Self.liveDemo()
        #expect(update(&state, .tick(now: 101)) == [.reread(vf)])
        update(&state, .reread(vf, .failure(.functionGone(vf)), now: 101))
        // The gone function is asked again each interval (one failed stat on the host), so it
        // can come back; not on every tick.
        #expect(update(&state, .tick(now: 101.5)).isEmpty)
        #expect(update(&state, .tick(now: 102)) == [.reread(vf)])
        state.focus = .devices
        UpdateTests.press([.down], &state)
        #expect(state.selectedFunction?.address == otherVF)
        #expect(!AppView.frame(state).text(row: 0).contains("GONE"))
        #expect(Self.treeLine(AppView.frame(state), containing: "01:00.1")?.contains("gone") == true)
        #expect(update(&state, .tick(now: 103.5)) == [.reread(otherVF)])
        var changed = try #require(state.selectedFunction)
        changed.space = changed.space.setting(0x0002, at: 0x04, length: 2)
        update(&state, .reread(otherVF, .success(changed), now: 103.6))
        #expect(state.selectedFunction?.space.word(at: 0x04) == 0x0002)
        #expect(state.changedAt[0x04] == 103.6)
        #expect(state.isGone(vf))
    }

    @Test func aSuccessfulRereadClearsTheMark() throws {
        let (vf, otherVF) = try Self.addresses()
        var state = try Self.liveDemo()
        let function = try #require(state.selectedFunction)
        update(&state, .reread(vf, .failure(.functionGone(vf)), now: 101))
        update(&state, .reread(vf, .failure(.functionGone(vf)), now: 102))
        #expect(state.goneAddresses == [vf])
        update(&state, .reread(vf, .success(function), now: 103))
        #expect(!state.isGone(vf))
        #expect(state.status == StatusMessage("0000:01:00.1 is back"))
        let frame = AppView.frame(state)
        #expect(!frame.text(row: 0).contains("GONE"))
        #expect(Self.treeLine(frame, containing: "01:00.1")?.contains("gone") == false)
    }

    @Test func otherRereadErrorsAreNotGone() throws {
        let (vf, otherVF) = try Self.addresses()
        var state = try Self.liveDemo()
        update(&state, .reread(vf, .failure(.libpci("Cannot open config")), now: 101))
        #expect(state.goneAddresses.isEmpty)
        #expect(
            state.status == StatusMessage("re-reading 0000:01:00.1 failed: libpci: Cannot open config", kind: .error))
    }

    @Test func goneScreenSnapshot() throws {
        let (vf, otherVF) = try Self.addresses()
        var state = try Self.liveDemo(size: Size(width: 80, height: 24))
        update(&state, .reread(vf, .failure(.functionGone(vf)), now: 101))
        state.focus = .devices
        assertSnapshot(AppView.frame(state).snapshot, suite: Self.suite, name: "goneVF_80x24")
    }
}
