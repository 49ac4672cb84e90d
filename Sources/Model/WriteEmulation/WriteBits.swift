/// What happened to each bit of a write, as masks relative to the access (bit 0 is the
/// lowest bit of the byte at the access's offset).
///
/// | mask | device model | vfio model |
/// | --- | --- | --- |
/// | `storedVirtually` | 0 | written into vfio's virtual copy, or a virtual capability |
/// | `forwarded` | every bit of the access | writable, not virtualized, or raw: sent to the device |
/// | `taken` | RW bits now holding the value | the device's RW bits among `forwarded` |
/// | `cleared` | RW1C bits written 1 | the same, at the device or in a virtual capability |
/// | `actions` | write-only bits written 1 | the same |
/// | `dropped` | read-only, reserved, no layout | not writable through vfio, or read-only where they landed |
/// | `emulated` | 0 | qemu model: bits QEMU emulates (the guest reads QEMU's copy; the rest is vfio's) |
public struct WriteBits: Hashable, Sendable {
    public var storedVirtually: UInt32
    public var forwarded: UInt32
    public var taken: UInt32
    public var cleared: UInt32
    public var actions: UInt32
    public var dropped: UInt32
    public var emulated: UInt32

    public init(
        storedVirtually: UInt32 = 0, forwarded: UInt32 = 0, taken: UInt32 = 0, cleared: UInt32 = 0,
        actions: UInt32 = 0, dropped: UInt32 = 0, emulated: UInt32 = 0
    ) {
        self.emulated = emulated
        self.storedVirtually = storedVirtually
        self.forwarded = forwarded
        self.taken = taken
        self.cleared = cleared
        self.actions = actions
        self.dropped = dropped
    }
}
