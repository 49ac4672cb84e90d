/// Builds an `AccessMap`: regions from the ownership map, masks from the register catalog,
/// then the rules the catalog's attributes cannot express.
struct AccessMapBuilder {
    let analysis: FunctionAnalysis
    let space: ConfigSpace
    /// The sizes the BAR rules (header and SR-IOV VF BARs) use.
    let barSizes: BARSizes
    var rules: [ByteRule]
    var hooks: [RegisterHook] = []
    var registerOffsets: [ConfigOffset] = []
    var possibleOwners: [Int: ConfigOffset] = [:]

    init(analysis: FunctionAnalysis, barSizes: BARSizes, gapsAreStorage: Bool) {
        self.analysis = analysis
        self.barSizes = barSizes
        space = analysis.space
        let size = analysis.space.size
        let gapTake: UInt8 = gapsAreStorage ? 0xFF : 0
        var rules = [ByteRule](repeating: ByteRule(region: .unreadable), count: size)
        var hiddenGaps = [ConfigRange]()
        for gap in analysis.map.gaps where gap.nonZeroBytes > 0 { hiddenGaps.append(gap.range) }
        for region in analysis.map.regions {
            let start = max(0, region.range.start.rawValue)
            let end = min(size, region.range.end.rawValue)
            guard start < end else { continue }
            for offset in start..<end {
                switch region.owner {
                case .header, .capability:
                    rules[offset] = ByteRule(region: .noLayout)
                case .unclaimed:
                    let hidden = hiddenGaps.contains { $0.contains(ConfigOffset(offset)) }
                    rules[offset] = ByteRule(take: gapTake, region: hidden ? .hiddenRegisterGap : .gap)
                case .possiblyCapability(let index):
                    rules[offset] = ByteRule(take: gapTake, region: .possiblyCapability)
                    if analysis.capabilities.indices.contains(index) {
                        possibleOwners[offset] = analysis.capabilities[index].offset
                    }
                case .alias:
                    rules[offset] = ByteRule(region: .alias)
                case .unreadable:
                    rules[offset] = ByteRule(region: .unreadable)
                }
            }
        }
        self.rules = rules
    }

    // MARK: - Registers from the catalog

    /// Applies every placed register's field attributes to the bytes its structure owns.
    mutating func placeRegisters() {
        for structure in RegisterDecoder.all(of: analysis) {
            for register in structure.registers {
                place(register, owner: structure.owner)
            }
        }
    }

    private mutating func place(_ register: DecodedRegister, owner: ByteOwner) {
        let base = register.offset.rawValue
        let width = register.spec.width
        guard width > 0, registerOffsets.count < Int(ByteRule.noRegister) else { return }
        let number = UInt16(registerOffsets.count)
        registerOffsets.append(register.offset)
        let spec = register.spec
        if spec.isOpaque {
            var rule = ByteRule(region: .structure, register: number)
            switch spec.opaqueContent {
            case .reserved: rule.reservedPreserve = 0xFF
            case .vendorDefined: rule.take = 0xFF
            case .undocumented: rule.region = .noLayout
            }
            for index in 0..<width where owns(base + index, owner) {
                rules[base + index] = rule
            }
            return
        }
        // Bits no field covers are reserved (RsvdP).
        var masks = [ByteRule](repeating: ByteRule(region: .structure, register: number), count: width)
        var covered = [UInt8](repeating: 0, count: width)
        for field in spec.fields {
            let low = max(0, field.lowBit)
            let high = min(width * 8 - 1, field.highBit)
            guard low <= high else { continue }
            for bit in low...high {
                let index = bit / 8
                let mask = UInt8(1) << UInt8(bit % 8)
                covered[index] |= mask
                Self.apply(field.access, mask, to: &masks[index])
            }
        }
        for index in 0..<width {
            masks[index].reservedPreserve |= ~covered[index]
            let offset = base + index
            guard owns(offset, owner) else { continue }
            rules[offset] = masks[index]
        }
    }

    private static func apply(_ access: RegisterAccess, _ mask: UInt8, to rule: inout ByteRule) {
        switch access {
        case .readOnly, .hardwareInit: break
        case .readOnlySticky: rule.sticky |= mask
        case .readWrite, .vendorDefined: rule.take |= mask
        case .readWriteSticky:
            rule.take |= mask
            rule.sticky |= mask
        case .writeOneToClear: rule.clear |= mask
        case .writeOneToClearSticky:
            rule.clear |= mask
            rule.sticky |= mask
        case .reservedPreserve: rule.reservedPreserve |= mask
        case .reservedZero: rule.reservedZero |= mask
        case .writeOnlyReadsZero: rule.action |= mask
        }
    }

    /// Whether the map gives `offset` to `owner` (overlapping structures: the earlier keeps it).
    private func owns(_ offset: Int, _ owner: ByteOwner) -> Bool {
        guard offset >= 0, offset < rules.count, rules[offset].region != .unreadable else { return false }
        return analysis.map.owner(at: offset) == owner
    }

    // MARK: - Helpers for the rules

    func byte(_ offset: Int) -> UInt8 { space.byte(at: offset) ?? 0 }
    func word(_ offset: Int) -> UInt16 { space.word(at: offset) ?? 0 }
    func dword(_ offset: Int) -> UInt32 { space.dword(at: offset) ?? 0 }

    /// Whether the catalog placed a structure's bytes here (so a rule may refine them).
    func isPlaced(_ offset: Int) -> Bool {
        offset >= 0 && offset < rules.count && rules[offset].region == .structure
    }

    /// Sets the take mask of `count` bytes from a little-endian value (and removes those bits
    /// from the other masks).
    mutating func setTake(_ offset: Int, count: Int, _ value: UInt64) {
        for index in 0..<count where isPlaced(offset + index) {
            let mask = UInt8(truncatingIfNeeded: value >> (8 * UInt64(index)))
            rules[offset + index].take = mask
            rules[offset + index].clear &= ~mask
            rules[offset + index].action &= ~mask
        }
    }

    /// Removes bits from the take mask (they become read-only).
    mutating func removeTake(_ offset: Int, _ mask: UInt8) {
        guard isPlaced(offset) else { return }
        rules[offset].take &= ~mask
    }

    /// Bytes of a capability's spec-defined structure (up to `length` from `base`) that lie past
    /// the registers this function implements: RsvdZ, they read 0 and keep no write. Only bytes
    /// the map left to an all-zero gap (no other structure, no suspected hidden register).
    mutating func reserveUnimplemented(_ base: Int, through length: Int) {
        for offset in base..<min(base + length, rules.count) where rules[offset].region == .gap {
            rules[offset] = ByteRule(reservedZero: 0xFF, region: .structure)
        }
    }

    /// Attaches a hook to `count` bytes.
    mutating func addHook(_ hook: RegisterHook, at offset: Int, count: Int) {
        guard hooks.count < 255 else { return }
        hooks.append(hook)
        let index = UInt8(hooks.count)
        for byteOffset in offset..<(offset + count) where isPlaced(byteOffset) && rules[byteOffset].hook == 0 {
            rules[byteOffset].hook = index
        }
    }
}
