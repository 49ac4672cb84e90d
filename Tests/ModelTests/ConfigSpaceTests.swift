import Testing

@testable import Model

@Suite struct ConfigSpaceTests {
    @Test func readsLittleEndianValuesOnlyWhereReadable() {
        let space = ConfigSpace(bytes: [0x86, 0x80, 0x72, 0x15, 0x07], size: 256)
        #expect(space.word(at: 0) == 0x8086)
        #expect(space.dword(at: 0) == 0x1572_8086)
        #expect(space.dword(at: 2) == nil)
        #expect(space.byte(at: 4) == 0x07)
        #expect(space.byte(at: 5) == nil)
        #expect(space.byte(at: -1) == nil)
        #expect(space.value(at: 1, length: 3) == 0x15_7280)
        #expect(space.value(at: 0, length: 9) == nil)
    }

    @Test func sizeIsTheArchitecturalSpace() {
        #expect(ConfigSpace(bytes: [UInt8](repeating: 0, count: 64)).size == 256)
        #expect(ConfigSpace(bytes: [UInt8](repeating: 0, count: 64), size: 4096).size == 4096)
        #expect(ConfigSpace(bytes: [UInt8](repeating: 0, count: 300)).size == 4096)
        #expect(ConfigSpace(bytes: [UInt8](repeating: 0, count: 5000)).readableLength == 4096)
        #expect(!ConfigSpace(bytes: [UInt8](repeating: 0, count: 64), size: 4096).isComplete)
    }
}
