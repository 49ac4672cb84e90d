/// A base address register whose size the simulator needs for the all-ones sizing probe.
public enum BARSlot: Hashable, Sendable, Comparable {
    /// BAR0-BAR5 in the header (a 64-bit BAR is named by its lower half).
    case bar(Int)
    /// The Expansion ROM Base Address (0x30, or 0x38 on a bridge).
    case expansionROM
    /// VF BAR0-5 in the SR-IOV capability (the size of one VF's BAR).
    case virtualFunctionBAR(Int)

    private var order: Int {
        switch self {
        case .bar(let index): index
        case .expansionROM: 6
        case .virtualFunctionBAR(let index): 7 + index
        }
    }

    public static func < (lhs: BARSlot, rhs: BARSlot) -> Bool { lhs.order < rhs.order }
}

/// The sizes of a function's BARs, as far as they are known.
///
/// A dump does not say how large a BAR is: only the all-ones probe on the real device does.
/// Sizes come from sysfs `resource` for host functions and from `--bar-size` for dumps. A slot
/// with no size is *unknown*: the simulator leaves it unchanged and warns. A size of 0 means
/// the BAR is not implemented (it reads 0 and ignores writes).
///
/// ```
/// var sizes = BARSizes()
/// sizes[.bar(0)] = 0x4000          // 16 KiB memory BAR
/// sizes[.expansionROM] = 0         // no ROM
/// ```
public struct BARSizes: Hashable, Sendable {
    private var storage: [BARSlot: UInt64]

    public init(_ sizes: [BARSlot: UInt64] = [:]) { storage = sizes }

    /// The size in bytes (0: not implemented), or nil when unknown.
    public subscript(slot: BARSlot) -> UInt64? {
        get { storage[slot] }
        set { storage[slot] = newValue }
    }

    /// Every slot with a known size, in slot order.
    public var known: [(slot: BARSlot, size: UInt64)] {
        storage.sorted { $0.key < $1.key }.map { (slot: $0.key, size: $0.value) }
    }

    /// Sizes given here win over `other`'s.
    public func merging(_ other: BARSizes) -> BARSizes {
        BARSizes(storage.merging(other.storage) { mine, _ in mine })
    }

    /// Whether `size` can be a BAR size: 0, or a power of two.
    public static func isValid(_ size: UInt64) -> Bool { size == 0 || size & (size - 1) == 0 }
}
