/// What a device did with one write: which bits took the value, which a 1 cleared, which
/// triggered an action, and which it ignored. Masks are relative to the write's offset.
public struct DeviceWriteEffect: Hashable, Sendable {
    /// RW bits: they now hold the written value.
    public var taken: UInt32
    /// RW1C bits written 1 (cleared if they were set).
    public var cleared: UInt32
    /// Write-only bits written 1: the action ran; they read 0.
    public var actions: UInt32
    /// Bits the write could not change (RO, HwInit, reserved, no layout, RW1C written 0 excluded).
    public var ignored: UInt32

    public init(taken: UInt32 = 0, cleared: UInt32 = 0, actions: UInt32 = 0, ignored: UInt32 = 0) {
        self.taken = taken
        self.cleared = cleared
        self.actions = actions
        self.ignored = ignored
    }
}

extension AccessMap {
    /// Warnings about where a write of `count` bytes at `offset` lands: gaps, bytes that may
    /// belong to a capability, bytes without a layout, several registers, reserved bits written
    /// with something else than they read (`current`). Appends to `notes`.
    public func placementNotes(offset: Int, count: Int, value: UInt32, current: UInt32, into notes: inout [WriteNote]) {
        guard offset >= 0, count > 0, offset + count <= rules.count else { return }
        var reserved: UInt32 = 0
        var firstRegister = ByteRule.noRegister
        var crosses = false
        var gapStart = -1
        var gapEnd = -1
        var suspected = false
        var possibleStart = -1
        var possibleEnd = -1
        var noLayoutStart = -1
        var noLayoutEnd = -1
        var aliasStart = -1
        var aliasEnd = -1
        for index in 0..<count {
            let rule = rules[offset + index]
            let shift = UInt32(8 * index)
            let written = UInt8(truncatingIfNeeded: value >> shift)
            let read = UInt8(truncatingIfNeeded: current >> shift)
            let hit = (written & rule.reservedZero) | ((written ^ read) & rule.reservedPreserve)
            reserved |= UInt32(hit) << shift
            if rule.register != ByteRule.noRegister {
                if firstRegister == ByteRule.noRegister {
                    firstRegister = rule.register
                } else if rule.register != firstRegister {
                    crosses = true
                }
            }
            let byteOffset = offset + index
            switch rule.region {
            case .structure, .unreadable: break
            case .gap, .hiddenRegisterGap:
                if gapStart < 0 { gapStart = byteOffset }
                gapEnd = byteOffset + 1
                if rule.region == .hiddenRegisterGap { suspected = true }
            case .possiblyCapability:
                if possibleStart < 0 { possibleStart = byteOffset }
                possibleEnd = byteOffset + 1
            case .noLayout:
                if noLayoutStart < 0 { noLayoutStart = byteOffset }
                noLayoutEnd = byteOffset + 1
            case .alias:
                if aliasStart < 0 { aliasStart = byteOffset }
                aliasEnd = byteOffset + 1
            }
        }
        if gapStart >= 0 {
            notes.append(.gap(ConfigRange(gapStart, length: gapEnd - gapStart), suspectedHiddenRegisters: suspected))
        }
        if possibleStart >= 0 {
            notes.append(
                .possiblyCapability(
                    ConfigRange(possibleStart, length: possibleEnd - possibleStart),
                    capability: possibleOwner(of: possibleStart) ?? ConfigOffset(possibleStart)))
        }
        if noLayoutStart >= 0 {
            notes.append(.noFieldLayout(ConfigRange(noLayoutStart, length: noLayoutEnd - noLayoutStart)))
        }
        if aliasStart >= 0 { notes.append(.aliasedSpace(ConfigRange(aliasStart, length: aliasEnd - aliasStart))) }
        if crosses {
            var offsets = [ConfigOffset]()
            var last = ByteRule.noRegister
            for index in 0..<count {
                let register = rules[offset + index].register
                if register != ByteRule.noRegister && register != last, Int(register) < registerOffsets.count {
                    offsets.append(registerOffsets[Int(register)])
                    last = register
                }
            }
            notes.append(.crossesRegisters(offsets))
        }
        if reserved != 0 { notes.append(.reservedBitsWritten(mask: reserved)) }
    }
}
