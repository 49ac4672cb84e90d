// Little-endian loads and stores on configuration bytes: the one home for them. Configuration
// space is little-endian (PCIe r6.0 §7.2); every model, builder and copy (the simulated device,
// vfio's virtual copy, virtual capabilities) uses these.

extension Array where Element == UInt8 {
    /// The little-endian value of `count` (0...8) bytes at `offset`; bytes outside the array
    /// read as 0.
    @inlinable
    public func littleEndianValue(at offset: Int, count: Int) -> UInt64 {
        var value: UInt64 = 0
        for index in 0..<Swift.max(0, Swift.min(count, 8)) {
            let position = offset &+ index
            guard position >= 0, position < self.count else { continue }
            value |= UInt64(self[position]) << UInt64(8 * index)
        }
        return value
    }

    /// Stores `count` (0...8) bytes of `value` little-endian at `offset`, only the bits of
    /// `mask`; bytes outside the array are left out.
    @inlinable
    public mutating func storeLittleEndian(_ value: UInt64, at offset: Int, count: Int, mask: UInt64 = .max) {
        for index in 0..<Swift.max(0, Swift.min(count, 8)) {
            let position = offset &+ index
            let shift = UInt64(8 * index)
            let bits = UInt8(truncatingIfNeeded: mask >> shift)
            guard bits != 0, position >= 0, position < self.count else { continue }
            self[position] = (self[position] & ~bits) | (UInt8(truncatingIfNeeded: value >> shift) & bits)
        }
    }

    /// Appends `count` (0...8) bytes of `value`, little-endian.
    @inlinable
    public mutating func appendLittleEndian(_ value: UInt64, count: Int) {
        for index in 0..<Swift.max(0, Swift.min(count, 8)) {
            append(UInt8(truncatingIfNeeded: value >> UInt64(8 * index)))
        }
    }

    /// The `count` (0...8) little-endian bytes of `value`.
    @inlinable
    public static func littleEndian(_ value: UInt64, count: Int) -> [UInt8] {
        var bytes = [UInt8]()
        bytes.reserveCapacity(count)
        bytes.appendLittleEndian(value, count: count)
        return bytes
    }
}
