// Which sizes a BAR can have, by its kind, and whether a function has the BAR a size is given
// for. A size the hardware could never report (an 8-byte memory BAR, a 512-byte I/O BAR, the
// upper half of a 64-bit BAR sized on its own) would otherwise be simulated silently as
// something else: the sizing probe masks it into the nearest possible value.

/// What a BAR decodes, for the sizes it can have: from its register's low bits (PCI 3.0
/// §6.2.5.1) or its slot.
public enum BARSizeKind: Hashable, Sendable {
    /// I/O space (bit 0 set): 4 to 256 bytes (PCI 3.0 §6.2.5.1: "must not consume more than 256 bytes").
    case io
    /// 32-bit memory (type 00b, and the reserved types): 16 bytes to 2 GiB (address bits 31:4).
    case memory32
    /// 64-bit memory (type 10b): 16 bytes to 2^63 (the pair's address bits 63:4).
    case memory64
    /// Memory of a kind the register does not say (an unreadable register, or a slot that can
    /// only be memory: a VF BAR whose register is unknown): 16 bytes to 2^63.
    case memory
    /// The Expansion ROM (PCI 3.0 §6.2.5.2, address bits 31:11): 2 KiB to 2 GiB.
    case expansionROM
    /// A header BAR whose register is unknown: I/O or memory, 4 bytes to 2^63.
    case unknown

    /// The sizes a BAR of this kind can have, besides 0 (not implemented).
    public var sizes: ClosedRange<UInt64> {
        switch self {
        case .io: 4...256
        case .memory32: 16...(1 << 31)
        case .memory64, .memory: 16...(1 << 63)
        case .expansionROM: 0x800...(1 << 31)
        case .unknown: 4...(1 << 63)
        }
    }

    /// The kind a BAR register's low bits give (`canPair`: whether a 64-bit type may pair with the
    /// next register; the last BAR of a header cannot).
    public init(register value: UInt32, canPair: Bool) {
        if value & 1 == 1 {
            self = .io
        } else {
            self = (value >> 1) & 3 == 2 && canPair ? .memory64 : .memory32
        }
    }

    /// The kind a slot has before its function is known: what `--bar-size` can check alone.
    public init(slot: BARSlot) {
        switch slot {
        case .bar: self = .unknown
        case .expansionROM: self = .expansionROM
        case .virtualFunctionBAR: self = .memory
        }
    }
}

/// A size given for a BAR that the function does not have, or that a BAR of its kind cannot
/// have.
public enum BARSizeProblem: Error, Hashable, Sendable {
    /// Not 0 and not a power of two.
    case notAPowerOfTwo(BARSlot, size: UInt64)
    /// Outside `kind.sizes` (and not 0).
    case sizeOutOfRange(BARSlot, size: UInt64, kind: BARSizeKind)
    /// The header layout has fewer BARs (`count`: how many it has; 0-5 BARs, ROM: 0 or 1).
    case notInHeader(BARSlot, layout: HeaderLayout, count: Int)
    /// The slot is the upper half of the 64-bit BAR `lower` (its register at `offset`).
    case upperHalf(BARSlot, lower: BARSlot, offset: Int)
    /// A VF BAR for a function without an SR-IOV capability.
    case noSRIOV(BARSlot)
    /// An Expansion ROM size for a VF, which has none (PCIe r6.0 §9.3.4: RO zero).
    case noROMOnVirtualFunction
}

/// How many of a slot's kind a header layout has, as the simulator models them.
extension HeaderLayout {
    /// BARs 0-5 of a type 0 header, 0-1 of a type 1; none cfgtui sizes in other layouts.
    public var barCount: Int {
        switch self {
        case .endpoint: 6
        case .bridge: 2
        case .cardBus, .reserved: 0
        }
    }

    /// The Expansion ROM BAR's offset: 0x30 (type 0), 0x38 (type 1); none otherwise.
    public var expansionROMOffset: Int? {
        switch self {
        case .endpoint: 0x30
        case .bridge: 0x38
        case .cardBus, .reserved: nil
        }
    }
}

extension BARSizes {
    /// What is wrong with a size for `slot`, before any function is known: not a power of
    /// two, or outside every size the slot's kind can have.
    public static func problem(_ size: UInt64, for slot: BARSlot) -> BARSizeProblem? {
        guard size != 0 else { return nil }
        guard isValid(size) else { return .notAPowerOfTwo(slot, size: size) }
        let kind = BARSizeKind(slot: slot)
        return kind.sizes.contains(size) ? nil : .sizeOutOfRange(slot, size: size, kind: kind)
    }

    /// What is wrong with `size` for `slot` of the function `analysis` describes: a BAR its
    /// header layout lacks, the upper half of a 64-bit BAR, a size its kind cannot have (the
    /// kind read from its register: a VF's header BARs from `virtualFunctionBARs`, the PF's
    /// VF BAR registers, as vfio emulates them; unknown when nil), a VF BAR without SR-IOV,
    /// a ROM on a VF. Nil when the size can be simulated as given.
    public static func problem(
        _ size: UInt64, for slot: BARSlot, in analysis: FunctionAnalysis, virtualFunctionBARs: [UInt32]? = nil
    ) -> BARSizeProblem? {
        if let problem = problem(size, for: slot) { return problem }
        let layout = analysis.context.headerLayout
        let isVirtualFunction = analysis.context.isVirtualFunction
        let space = analysis.space
        let registers: BARRegisters
        switch slot {
        case .bar(let index):
            let count = layout.barCount
            guard (0..<count).contains(index) else { return .notInHeader(slot, layout: layout, count: count) }
            if isVirtualFunction {
                // A VF's own BAR registers read 0; vfio shows the PF's VF BARs in their place.
                registers = BARRegisters(
                    base: 0x10, isMemoryOnly: true,
                    values: (0..<count).map { position in
                        virtualFunctionBARs.flatMap { position < $0.count ? $0[position] : nil }
                    })
            } else {
                registers = BARRegisters(
                    base: 0x10, isMemoryOnly: false, values: (0..<count).map { space.dword(at: 0x10 + 4 * $0) })
            }
        case .expansionROM:
            guard layout.expansionROMOffset != nil else { return .notInHeader(slot, layout: layout, count: 0) }
            return isVirtualFunction ? .noROMOnVirtualFunction : nil
        case .virtualFunctionBAR:
            guard let sriov = analysis.capability(.extended(.singleRootIOV)) else { return .noSRIOV(slot) }
            let base = sriov.offset.rawValue + 0x24
            registers = BARRegisters(
                base: base, isMemoryOnly: true, values: (0..<6).map { space.dword(at: base + 4 * $0) })
        }
        switch registers.kind(of: slot) {
        case .upper(let lower, let offset)?: return .upperHalf(slot, lower: lower, offset: offset)
        case .bar(let kind)?:
            return size == 0 || kind.sizes.contains(size) ? nil : .sizeOutOfRange(slot, size: size, kind: kind)
        case nil: return nil
        }
    }
}

/// A run of BAR registers (the header's, or an SR-IOV capability's VF BARs), as the sizing
/// probe pairs them.
private struct BARRegisters {
    enum SlotKind {
        case bar(BARSizeKind)
        case upper(lower: BARSlot, offset: Int)
    }

    /// The first register's offset.
    var base: Int
    /// VF BARs decode memory only (PCIe r6.0 §9.3.3.14: bit 0 is RO 0).
    var isMemoryOnly: Bool
    /// Each register's value; nil when unknown.
    var values: [UInt32?]

    /// Walks the registers from the first: a 64-bit BAR takes the next register as its upper
    /// half. An unknown register counts as one BAR of unknown kind (memory where only memory
    /// can be).
    func kind(of slot: BARSlot) -> SlotKind? {
        let target: Int
        let make: (Int) -> BARSlot
        switch slot {
        case .bar(let index): (target, make) = (index, BARSlot.bar)
        case .virtualFunctionBAR(let index): (target, make) = (index, BARSlot.virtualFunctionBAR)
        case .expansionROM: return nil
        }
        var index = 0
        while index < values.count {
            var kind = BARSizeKind.unknown
            if let value = values[index] {
                kind = BARSizeKind(register: isMemoryOnly ? value & ~1 : value, canPair: index + 1 < values.count)
            } else if isMemoryOnly {
                kind = .memory
            }
            if index == target { return .bar(kind) }
            if kind == .memory64 {
                if index + 1 == target { return .upper(lower: make(index), offset: base + 4 * index) }
                index += 2
            } else {
                index += 1
            }
        }
        return nil
    }
}
