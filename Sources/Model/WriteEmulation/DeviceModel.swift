/// A simulated copy of one function: its bytes, and what each bit does when written.
///
/// Writes follow the register attributes (`AccessMap`): RW bits take the value, RW1C bits
/// clear where 1 is written, write-only bits act and read 0, everything else keeps its value;
/// registers with behaviour (BAR sizing, MSI, PM, FLR, SR-IOV, PASID, PRI) run their hook. The
/// copy is all there is: nothing here touches hardware.
///
/// ```
/// var device = DeviceModel(analysis: analysis, barSizes: sizes)
/// var notes = [WriteNote]()
/// let effect = device.write(at: 0x04, count: 2, value: 0x0406, notes: &notes)
/// device.value(at: 0x04, count: 2)   // 0x0406 on a PCIe endpoint
/// ```
public struct DeviceModel: Sendable {
    /// The current bytes, `size` of them (bytes past `readableLength` are zeros, never accessed).
    public private(set) var bytes: [UInt8]
    /// The bytes at the start: what resets return RW state to.
    public let initialBytes: [UInt8]
    /// What each bit does when written.
    public let map: AccessMap
    /// How many bytes, from 0, the source read.
    public let readableLength: Int
    /// The holes the source left inside them (never accessed; see `ConfigSpace.unreadable`).
    public let unreadable: [ConfigRange]
    /// Whether the function is an SR-IOV VF.
    public let isVirtualFunction: Bool
    /// For a VF: whether its PF has PASID and PRI enabled (nil: unknown).
    public let physicalFunction: PhysicalFunctionState?

    /// A copy of the analysed function. `gapsAreStorage`: bytes outside every structure take
    /// writes; `physicalFunction`: for a VF, its PF's PASID/PRI state (for notes).
    public init(
        analysis: FunctionAnalysis, barSizes: BARSizes = BARSizes(), gapsAreStorage: Bool = true,
        physicalFunction: PhysicalFunctionState? = nil
    ) {
        let space = analysis.space
        var bytes = space.bytes
        if bytes.count < space.size { bytes += [UInt8](repeating: 0, count: space.size - bytes.count) }
        self.bytes = bytes
        initialBytes = bytes
        map = AccessMap(analysis: analysis, barSizes: barSizes, gapsAreStorage: gapsAreStorage)
        readableLength = space.readableLength
        unreadable = space.unreadable
        isVirtualFunction = analysis.context.isVirtualFunction
        self.physicalFunction = physicalFunction
    }

    /// The architectural size (256 or 4096).
    public var size: Int { bytes.count }

    /// The current bytes as a configuration space (only the readable part).
    public var space: ConfigSpace {
        ConfigSpace(bytes: Array(bytes.prefix(readableLength)), size: bytes.count, unreadable: unreadable)
    }

    /// The little-endian value of `count` (1-4) bytes at `offset`; 0 outside the space.
    public func value(at offset: Int, count: Int) -> UInt32 {
        guard offset >= 0, count >= 1, count <= 4, offset + count <= bytes.count else { return 0 }
        return UInt32(truncatingIfNeeded: bytes.littleEndianValue(at: offset, count: count))
    }

    /// Applies a write of `count` (1, 2 or 4) bytes at `offset`, already checked to lie inside
    /// the space; hooks append their notes.
    public mutating func write(at offset: Int, count: Int, value: UInt32, notes: inout [WriteNote])
        -> DeviceWriteEffect
    {
        guard offset >= 0, count >= 1, count <= 4, offset + count <= bytes.count else { return DeviceWriteEffect() }
        var taken: UInt32 = 0
        var clearable: UInt32 = 0
        var actionable: UInt32 = 0
        var hookMarks: UInt32 = 0
        let before = self.value(at: offset, count: count)
        for index in 0..<count {
            let position = offset + index
            let rule = map.rules[position]
            let shift = UInt32(8 * index)
            let written = UInt8(truncatingIfNeeded: value >> shift)
            var byte = bytes[position]
            byte = (byte & ~rule.take) | (written & rule.take)
            byte &= ~(written & rule.clear)
            byte &= ~rule.action
            bytes[position] = byte
            taken |= UInt32(rule.take) << shift
            clearable |= UInt32(rule.clear) << shift
            actionable |= UInt32(rule.action) << shift
            hookMarks |= UInt32(rule.hook) << shift
        }
        let accessMask: UInt32 = count == 4 ? 0xFFFF_FFFF : (1 << UInt32(8 * count)) - 1
        var effect = DeviceWriteEffect(
            taken: taken, cleared: clearable & value, actions: actionable & value,
            ignored: accessMask & ~(taken | clearable | actionable))
        if hookMarks != 0 {
            runHooks(hookMarks, offset: offset, count: count, value: value, before: before, notes: &notes)
            // A hook may have refused the value: report what the bytes really took.
            let after = self.value(at: offset, count: count)
            let refused = taken & (after ^ value)
            effect.taken &= ~refused
            effect.ignored |= refused
        }
        return effect
    }

    private mutating func runHooks(
        _ marks: UInt32, offset: Int, count: Int, value: UInt32, before: UInt32, notes: inout [WriteNote]
    ) {
        var seen: [UInt8] = []
        for index in 0..<count {
            let mark = UInt8(truncatingIfNeeded: marks >> UInt32(8 * index))
            guard mark != 0, !seen.contains(mark), Int(mark) <= map.hooks.count else { continue }
            seen.append(mark)
            let write = HookedWrite(offset: offset, count: count, value: value, before: before)
            run(map.hooks[Int(mark) - 1], write, notes: &notes)
        }
    }

    // MARK: - Byte access for hooks and resets

    func byte(_ offset: Int) -> UInt8 { offset >= 0 && offset < bytes.count ? bytes[offset] : 0 }
    func word(_ offset: Int) -> UInt16 { UInt16(truncatingIfNeeded: value(at: offset, count: 2)) }
    func dword(_ offset: Int) -> UInt32 { value(at: offset, count: 4) }

    mutating func setByte(_ offset: Int, _ value: UInt8) {
        guard offset >= 0, offset < bytes.count else { return }
        bytes[offset] = value
    }

    mutating func setWord(_ offset: Int, _ value: UInt16) {
        bytes.storeLittleEndian(UInt64(value), at: offset, count: 2)
    }

    /// Edits the bytes directly (vfio's BAR sizing on its virtual copy).
    mutating func withBytes(_ body: (inout [UInt8]) -> Void) {
        body(&bytes)
    }

    /// Stores bytes directly, without attributes (vfio's virtual copy, virtual capabilities).
    mutating func store(_ value: UInt32, at offset: Int, count: Int, mask: UInt32 = 0xFFFF_FFFF) {
        bytes.storeLittleEndian(UInt64(value), at: offset, count: min(count, 4), mask: UInt64(mask))
    }

    /// A reset (FLR, D3hot to D0 without No_Soft_Reset): non-sticky RW state returns to the
    /// starting values and non-sticky RW1C status clears; sticky and read-only bits stay.
    /// Returns how many bits changed.
    @discardableResult
    public mutating func resetFunction() -> Int {
        var changed = 0
        for position in 0..<bytes.count {
            let rule = map.rules[position]
            let writable = rule.take & ~rule.sticky
            let status = rule.clear & ~rule.sticky
            guard writable | status != 0 else { continue }
            let old = bytes[position]
            let new = (old & ~(writable | status)) | (initialBytes[position] & writable)
            changed += (old ^ new).nonzeroBitCount
            bytes[position] = new
        }
        return changed
    }

    /// Clears the non-sticky RW1C status bits (what survives a reset the kernel follows with a
    /// restore of the saved state). Returns how many bits changed.
    @discardableResult
    mutating func clearNonStickyStatus() -> Int {
        var changed = 0
        for position in 0..<bytes.count {
            let rule = map.rules[position]
            let status = rule.clear & ~rule.sticky
            guard status != 0 else { continue }
            changed += (bytes[position] & status).nonzeroBitCount
            bytes[position] &= ~status
        }
        return changed
    }
}

/// What the simulator knows about a VF's PF, for the notes on PASID and PRI.
public struct PhysicalFunctionState: Hashable, Sendable {
    /// Whether the PF's PASID Enable is set (nil: the PF has no PASID capability or it is unreadable).
    public var pasidEnabled: Bool?
    /// Whether the PF's PRI Enable is set (nil: no PRI capability, or unreadable).
    public var pageRequestEnabled: Bool?

    public init(pasidEnabled: Bool?, pageRequestEnabled: Bool?) {
        self.pasidEnabled = pasidEnabled
        self.pageRequestEnabled = pageRequestEnabled
    }

    /// Reads the PF's PASID and PRI Control registers.
    public init(physicalFunction analysis: FunctionAnalysis) {
        let space = analysis.space
        pasidEnabled = analysis.capability(.extended(.processAddressSpaceID)).flatMap {
            space.word(at: $0.offset.rawValue + 6).map { $0 & 1 != 0 }
        }
        pageRequestEnabled = analysis.capability(.extended(.pageRequest)).flatMap {
            space.word(at: $0.offset.rawValue + 4).map { $0 & 1 != 0 }
        }
    }
}

/// A write as a hook sees it.
struct HookedWrite {
    let offset: Int
    let count: Int
    let value: UInt32
    /// The bytes' value before the write.
    let before: UInt32

    /// Whether the write covered the byte at `position`.
    func covers(_ position: Int) -> Bool { position >= offset && position < offset + count }

    /// The written byte at `position` (0 when not covered).
    func writtenByte(_ position: Int) -> UInt8 {
        covers(position) ? UInt8(truncatingIfNeeded: value >> UInt32(8 * (position - offset))) : 0
    }

    /// The byte at `position` before the write (only when covered).
    func beforeByte(_ position: Int) -> UInt8 {
        covers(position) ? UInt8(truncatingIfNeeded: before >> UInt32(8 * (position - offset))) : 0
    }
}

extension DeviceModel {
    /// A model whose bytes are `bytes` rather than the analysis's (vfio's virtual copy).
    init(
        analysis: FunctionAnalysis, bytes: [UInt8], gapsAreStorage: Bool, physicalFunction: PhysicalFunctionState?
    ) {
        self.bytes = bytes
        initialBytes = bytes
        map = AccessMap(analysis: analysis, barSizes: BARSizes(), gapsAreStorage: gapsAreStorage)
        readableLength = bytes.count
        unreadable = analysis.space.unreadable
        isVirtualFunction = analysis.context.isVirtualFunction
        self.physicalFunction = physicalFunction
    }
}
