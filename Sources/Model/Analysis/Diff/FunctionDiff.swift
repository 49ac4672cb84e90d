/// The differences between two functions, from any sources, and the migration verdict.
///
/// Structures are compared by kind in list order: the header with the header, the n-th
/// capability of a kind with the n-th of that kind on the other side. Within a pair, registers
/// are matched by their offset in the structure and their name, fields by name and low bit,
/// and every field whose value differs is a `FieldDifference` classed by its access
/// (`DifferenceClass`). Registers are compared as read: a VF's Vendor and Device ID read
/// 0xFFFF. Bytes outside every structure on both sides that differ are layout differences
/// (hidden registers).
///
/// ```
/// let diff = FunctionDiff(source.analyze(), destination.analyze())
/// diff.isMigrationCompatible      // no layout difference, no identity field differs
/// diff.breaking                   // what makes it incompatible
/// ```
public struct FunctionDiff: Hashable, Sendable {
    public var layout: [LayoutDifference]
    public var fields: [FieldDifference]

    public init(layout: [LayoutDifference], fields: [FieldDifference]) {
        self.layout = layout
        self.fields = fields
    }

    /// Compares `a` with `b`.
    public init(_ a: FunctionAnalysis, _ b: FunctionAnalysis) {
        var comparison = Comparison(a: a, b: b)
        comparison.run()
        self.init(layout: comparison.layout, fields: comparison.fields)
    }

    /// Whether nothing differs.
    public var isEmpty: Bool { layout.isEmpty && fields.isEmpty }

    /// Compatible for live migration: the layout is identical and every identity field equal.
    /// Control and status state migrate with the device; vendor-defined bytes are reported
    /// without a verdict on them.
    public var isMigrationCompatible: Bool {
        !layout.contains { $0.breaksMigration } && !fields.contains { $0.breaksMigration }
    }

    /// The layout differences that break migration.
    public var breakingLayout: [LayoutDifference] { layout.filter(\.breaksMigration) }
    /// The field differences that break migration.
    public var breakingFields: [FieldDifference] { fields.filter(\.breaksMigration) }

    /// How many field differences each class has.
    public func fieldCount(_ differenceClass: DifferenceClass) -> Int {
        fields.reduce(0) { $0 + ($1.differenceClass == differenceClass ? 1 : 0) }
    }

    /// Every byte range a difference concerns on `side`, for marking a map.
    public func ranges(on side: DiffSide) -> [ConfigRange] {
        layout.compactMap { $0.range(on: side) } + fields.compactMap { $0.range(on: side) }
    }
}

// MARK: - The comparison

private struct Comparison {
    let a: FunctionAnalysis
    let b: FunctionAnalysis
    var layout = [LayoutDifference]()
    var fields = [FieldDifference]()
    /// Bytes some decoded register covers, per side (gap bytes exclude them).
    var coveredA = [Bool](repeating: false, count: ConfigSpace.extendedSize)
    var coveredB = [Bool](repeating: false, count: ConfigSpace.extendedSize)

    init(a: FunctionAnalysis, b: FunctionAnalysis) {
        self.a = a
        self.b = b
    }

    mutating func run() {
        if a.space.size != b.space.size { layout.append(LayoutDifference(.size(a: a.space.size, b: b.space.size))) }
        // Read bytes matter when a side is short of its size (an unprivileged read, holes).
        let isShort = !a.space.isComplete || !b.space.isComplete
        if isShort
            && (a.space.readByteCount != b.space.readByteCount || a.space.unreadable != b.space.unreadable
                || a.space.readableLength != b.space.readableLength)
        {
            layout.append(LayoutDifference(.readBytes(a: a.space.readByteCount, b: b.space.readByteCount)))
        }
        let header = DiffStructure(kind: .header, instance: 0, indexA: nil, indexB: nil)
        compare(
            RegisterDecoder.header(of: a), RegisterDecoder.header(of: b), structure: header,
            extentA: ConfigRange(0, length: min(a.context.headerLayout.headerLength, a.space.size)),
            extentB: ConfigRange(0, length: min(b.context.headerLayout.headerLength, b.space.size)))
        for structure in Self.pairs(a.capabilities, b.capabilities) {
            compareCapabilities(structure)
        }
        compareGaps()
    }

    /// Pairs capabilities by kind and instance: A's in list order, then those only B has.
    static func pairs(_ left: [Capability], _ right: [Capability]) -> [DiffStructure] {
        var pairs = [DiffStructure]()
        var seenLeft = [CapabilityKind: Int]()
        var usedRight = Set<Int>()
        for (index, capability) in left.enumerated() {
            let instance = seenLeft[capability.kind, default: 0]
            seenLeft[capability.kind] = instance + 1
            let match = right.indices.filter { right[$0].kind == capability.kind }.dropFirst(instance).first
            if let match { usedRight.insert(match) }
            pairs.append(
                DiffStructure(
                    kind: .capability(capability.kind), instance: instance, indexA: index, indexB: match))
        }
        var seenRight = [CapabilityKind: Int]()
        for (index, capability) in right.enumerated() {
            let instance = seenRight[capability.kind, default: 0]
            seenRight[capability.kind] = instance + 1
            guard !usedRight.contains(index) else { continue }
            pairs.append(
                DiffStructure(kind: .capability(capability.kind), instance: instance, indexA: nil, indexB: index))
        }
        return pairs
    }

    mutating func compareCapabilities(_ structure: DiffStructure) {
        let left = structure.indexA.flatMap { a.capabilities.indices.contains($0) ? a.capabilities[$0] : nil }
        let right = structure.indexB.flatMap { b.capabilities.indices.contains($0) ? b.capabilities[$0] : nil }
        guard let left, let right else {
            if let left {
                layout.append(
                    LayoutDifference(.onlyIn(.a, offset: left.offset), structure: structure, rangeA: left.extent))
                if let index = structure.indexA { markCovered(RegisterDecoder.capability(index, of: a), side: .a) }
            } else if let right {
                layout.append(
                    LayoutDifference(.onlyIn(.b, offset: right.offset), structure: structure, rangeB: right.extent))
                if let index = structure.indexB { markCovered(RegisterDecoder.capability(index, of: b), side: .b) }
            }
            return
        }
        if left.offset != right.offset {
            layout.append(
                LayoutDifference(
                    .moved(a: left.offset, b: right.offset), structure: structure, rangeA: left.extent,
                    rangeB: right.extent))
        }
        if left.version != right.version {
            layout.append(
                LayoutDifference(
                    .version(a: left.version, b: right.version), structure: structure,
                    rangeA: ConfigRange(start: left.offset, length: 4),
                    rangeB: ConfigRange(start: right.offset, length: 4)))
        }
        if left.length != right.length {
            layout.append(
                LayoutDifference(
                    .length(a: left.length, b: right.length), structure: structure, rangeA: left.extent,
                    rangeB: right.extent))
        }
        guard let indexA = structure.indexA, let indexB = structure.indexB else { return }
        compare(
            RegisterDecoder.capability(indexA, of: a), RegisterDecoder.capability(indexB, of: b), structure: structure,
            extentA: left.extent, extentB: right.extent)
    }

    // MARK: Registers

    private struct RegisterKey: Hashable {
        var offset: Int
        var name: String
    }

    mutating func compare(
        _ left: DecodedStructure, _ right: DecodedStructure, structure: DiffStructure, extentA: ConfigRange,
        extentB: ConfigRange
    ) {
        markCovered(left, side: .a)
        markCovered(right, side: .b)
        let baseA = extentA.start.rawValue
        let baseB = extentB.start.rawValue
        var rightByKey = [RegisterKey: Int]()
        for (index, register) in right.registers.enumerated() {
            let key = RegisterKey(offset: register.offset.rawValue - baseB, name: register.spec.name)
            if rightByKey[key] == nil { rightByKey[key] = index }
        }
        var matched = Set<Int>()
        var pairs = [(Int, Int?)]()
        for (leftIndex, register) in left.registers.enumerated() {
            let key = RegisterKey(offset: register.offset.rawValue - baseA, name: register.spec.name)
            if let index = rightByKey[key], !matched.contains(index) {
                matched.insert(index)
                pairs.append((leftIndex, index))
            } else {
                pairs.append((leftIndex, nil))
            }
        }
        // A register the other table names differently (a VF's table, another header layout):
        // the one at the same place with the same width.
        for position in pairs.indices where pairs[position].1 == nil {
            let register = left.registers[pairs[position].0]
            let relative = register.offset.rawValue - baseA
            let index = right.registers.indices.first { index in
                !matched.contains(index) && right.registers[index].offset.rawValue - baseB == relative
                    && right.registers[index].spec.width == register.spec.width
            }
            if let index {
                matched.insert(index)
                pairs[position].1 = index
            }
        }
        for (leftIndex, rightIndex) in pairs {
            let register = left.registers[leftIndex]
            if let rightIndex {
                compareRegister(register, right.registers[rightIndex], structure: structure)
            } else {
                fields.append(absentRegister(register, on: .b, structure: structure))
            }
        }
        for (index, register) in right.registers.enumerated() where !matched.contains(index) {
            fields.append(absentRegister(register, on: .a, structure: structure))
        }
        compareUndescribed(left, right, structure: structure, extentA: extentA, extentB: extentB)
    }

    mutating func markCovered(_ structure: DecodedStructure, side: DiffSide) {
        for register in structure.registers {
            let start = max(0, register.offset.rawValue)
            let end = min(register.offset.rawValue + register.spec.width, ConfigSpace.extendedSize)
            guard start < end else { continue }
            for offset in start..<end {
                if side == .a { coveredA[offset] = true } else { coveredB[offset] = true }
            }
        }
    }

    func absentRegister(_ register: DecodedRegister, on missing: DiffSide, structure: DiffStructure)
        -> FieldDifference
    {
        let present =
            register.spec.isOpaque ? bytesValue(register.range, in: missing == .a ? b : a) : registerValue(register)
        return FieldDifference(
            structure: structure, register: register.spec.name, part: .register,
            rangeA: missing == .a ? nil : register.range, rangeB: missing == .b ? nil : register.range,
            accessA: nil, accessB: nil, a: missing == .a ? .absent : present, b: missing == .b ? .absent : present,
            differenceClass: .identity)
    }

    func registerValue(_ register: DecodedRegister) -> DiffValue {
        guard let value = register.value else { return .unreadable }
        return .field(raw: value, decoded: .number(value))
    }

    func bytesValue(_ range: ConfigRange, in analysis: FunctionAnalysis) -> DiffValue {
        var bytes = [UInt8]()
        bytes.reserveCapacity(max(0, range.length))
        for offset in range.start.rawValue..<max(range.start.rawValue, range.end.rawValue) {
            guard let byte = analysis.space.byte(at: offset) else { return .unreadable }
            bytes.append(byte)
        }
        return .bytes(bytes)
    }

    mutating func compareRegister(_ left: DecodedRegister, _ right: DecodedRegister, structure: DiffStructure) {
        let register = left.spec.name
        if left.spec.isOpaque || right.spec.isOpaque {
            guard left.spec.isOpaque && right.spec.isOpaque else {
                // One table has fields where the other has a block: not the same structure.
                if bytesValue(left.range, in: a) != bytesValue(right.range, in: b)
                    || left.spec.width != right.spec.width
                {
                    fields.append(
                        FieldDifference(
                            structure: structure, register: register, part: .register, rangeA: left.range,
                            rangeB: right.range, accessA: nil, accessB: nil, a: bytesValue(left.range, in: a),
                            b: bytesValue(right.range, in: b), differenceClass: .identity))
                }
                return
            }
            let differenceClass = Self.opaqueClass(left.spec, right.spec, structure: structure.kind)
            appendByteRuns(
                startA: left.offset.rawValue, startB: right.offset.rawValue,
                length: max(left.spec.width, right.spec.width), structure: structure, register: register,
                differenceClass: differenceClass)
            return
        }
        guard Self.signature(left.spec) == Self.signature(right.spec) else {
            // The tables describe the register differently (a PF's and a VF's, two port types):
            // the value as read is compared, as one register.
            let valueA = registerValue(left)
            let valueB = registerValue(right)
            if valueA != valueB {
                fields.append(
                    FieldDifference(
                        structure: structure, register: register, part: .register, rangeA: left.range,
                        rangeB: right.range, accessA: nil, accessB: nil, a: valueA, b: valueB,
                        differenceClass: .identity))
            }
            return
        }
        for field in left.spec.fields {
            guard let other = right.spec.fields.first(where: { $0.name == field.name && $0.lowBit == field.lowBit })
            else { continue }
            let valueA = fieldValue(field, in: left)
            let valueB = fieldValue(other, in: right)
            guard valueA != valueB else { continue }
            let classA = DifferenceClass.of(field.access, field: field.name, register: register, in: structure.kind)
            let classB = DifferenceClass.of(
                other.access, field: other.name, register: right.spec.name, in: structure.kind)
            fields.append(
                FieldDifference(
                    structure: structure, register: register,
                    part: .field(field.name, bits: field.lowBit...field.highBit),
                    rangeA: Self.bytes(of: field, in: left), rangeB: Self.bytes(of: other, in: right),
                    accessA: field.access, accessB: other.access, a: valueA, b: valueB,
                    // Tables that disagree on a field's access describe different functions.
                    differenceClass: classA == classB ? classA : .identity))
        }
        // Bits no field of either table covers (reserved by omission).
        let described = (left.spec.fields + right.spec.fields).reduce(UInt64(0)) { $0 | $1.mask }
        let width = min(left.spec.width, right.spec.width)
        let all: UInt64 = width >= 8 ? .max : (UInt64(1) << UInt64(8 * width)) - 1
        let free = all & ~described
        if free != 0, let valueA = left.value, let valueB = right.value, valueA & free != valueB & free {
            fields.append(
                FieldDifference(
                    structure: structure, register: register, part: .undescribedBits, rangeA: left.range,
                    rangeB: right.range, accessA: nil, accessB: nil,
                    a: .field(raw: valueA & free, decoded: .number(valueA & free)),
                    b: .field(raw: valueB & free, decoded: .number(valueB & free)), differenceClass: .identity))
        }
    }

    private struct FieldSignature: Hashable {
        var name: String
        var lowBit: Int
        var bitCount: Int
    }

    /// The fields' names and bits: two tables with the same signature describe a register alike.
    private static func signature(_ spec: RegisterSpec) -> [FieldSignature] {
        spec.fields.map { FieldSignature(name: $0.name, lowBit: $0.lowBit, bitCount: $0.bitCount) }
    }

    func fieldValue(_ field: RegisterField, in register: DecodedRegister) -> DiffValue {
        guard let raw = register.value(of: field) else { return .unreadable }
        return .field(raw: raw, decoded: field.decoding.decode(raw, lowBit: field.lowBit))
    }

    /// The bytes holding a field's bits.
    static func bytes(of field: RegisterField, in register: DecodedRegister) -> ConfigRange {
        let first = field.lowBit / 8
        let last = min(field.highBit / 8, max(0, register.spec.width - 1))
        return ConfigRange(register.offset.rawValue + first, length: max(1, last - first + 1))
    }

    /// An opaque block's class: what its table says it holds.
    static func opaqueClass(_ left: RegisterSpec, _ right: RegisterSpec, structure: DiffStructureKind)
        -> DifferenceClass
    {
        guard left.opaqueContent == right.opaqueContent else { return .identity }
        switch left.opaqueContent {
        case .vendorDefined: return .vendorDefined
        case .reserved: return .identity
        case .undocumented:
            return RuntimeStatusFields.contains(structure, register: left.name, field: left.name) ? .status : .identity
        }
    }

    /// Runs of differing bytes between two blocks, one difference each.
    mutating func appendByteRuns(
        startA: Int, startB: Int, length: Int, structure: DiffStructure, register: String?,
        differenceClass: DifferenceClass
    ) {
        var position = 0
        while position < length {
            guard byteA(startA + position) != byteB(startB + position) else {
                position += 1
                continue
            }
            var end = position + 1
            while end < length && byteA(startA + end) != byteB(startB + end) { end += 1 }
            let rangeA = ConfigRange(startA + position, length: end - position)
            let rangeB = ConfigRange(startB + position, length: end - position)
            fields.append(
                FieldDifference(
                    structure: structure, register: register, part: .bytes, rangeA: rangeA, rangeB: rangeB,
                    accessA: nil, accessB: nil, a: bytesValue(rangeA, in: a), b: bytesValue(rangeB, in: b),
                    differenceClass: differenceClass))
            position = end
        }
    }

    func byteA(_ offset: Int) -> UInt8? { a.space.byte(at: offset) }
    func byteB(_ offset: Int) -> UInt8? { b.space.byte(at: offset) }

    /// Bytes of the structure no register of either side describes (an undocumented body).
    mutating func compareUndescribed(
        _ left: DecodedStructure, _ right: DecodedStructure, structure: DiffStructure, extentA: ConfigRange,
        extentB: ConfigRange
    ) {
        let baseA = extentA.start.rawValue
        let baseB = extentB.start.rawValue
        // An extent from a length field can run past the space: compare only what is inside it.
        guard baseA >= 0, baseB >= 0 else { return }
        let length = max(
            0, min(extentA.length, extentB.length, ConfigSpace.extendedSize - baseA, ConfigSpace.extendedSize - baseB))
        let isVendor: Bool
        switch structure.kind {
        case .header: isVendor = false
        case .capability(let kind):
            isVendor =
                kind == .standard(.vendorSpecific) || kind == .extended(.vendorSpecific)
                || kind == .extended(.designatedVendorSpecific)
        }
        var position = 0
        while position < length {
            let offsetA = baseA + position
            let offsetB = baseB + position
            let isUndescribed =
                offsetA >= 0 && offsetA < coveredA.count && offsetB >= 0 && offsetB < coveredB.count
                && !coveredA[offsetA] && !coveredB[offsetB]
            guard isUndescribed, byteA(offsetA) != byteB(offsetB) else {
                position += 1
                continue
            }
            var end = position + 1
            while end < length, !coveredA[baseA + end], !coveredB[baseB + end], byteA(baseA + end) != byteB(baseB + end)
            {
                end += 1
            }
            let rangeA = ConfigRange(offsetA, length: end - position)
            let rangeB = ConfigRange(offsetB, length: end - position)
            fields.append(
                FieldDifference(
                    structure: structure, register: nil, part: .bytes, rangeA: rangeA, rangeB: rangeB,
                    accessA: nil, accessB: nil, a: bytesValue(rangeA, in: a), b: bytesValue(rangeB, in: b),
                    differenceClass: isVendor ? .vendorDefined : .identity))
            position = end
        }
        // The undescribed bytes now count as compared.
        for position in 0..<max(0, length) {
            if baseA + position < coveredA.count { coveredA[baseA + position] = true }
            if baseB + position < coveredB.count { coveredB[baseB + position] = true }
        }
    }

    // MARK: Gaps

    /// Bytes outside every structure on both sides (or after a capability of unknown length)
    /// whose values differ.
    mutating func compareGaps() {
        let end = min(a.space.readableLength, b.space.readableLength, ConfigSpace.extendedSize)
        var offset = 0
        while offset < end {
            guard let tail = gapOwner(offset), byteA(offset) != byteB(offset), byteA(offset) != nil,
                byteB(offset) != nil
            else {
                offset += 1
                continue
            }
            var last = offset + 1
            while last < end, let next = gapOwner(last), next == tail, byteA(last) != byteB(last),
                byteA(last) != nil, byteB(last) != nil
            {
                last += 1
            }
            let range = ConfigRange(offset, length: last - offset)
            let bytesA = (offset..<last).compactMap { byteA($0) }
            let bytesB = (offset..<last).compactMap { byteB($0) }
            layout.append(
                LayoutDifference(
                    .gapBytes(range, a: bytesA, b: bytesB, possibleTailOf: tail.kind), rangeA: range, rangeB: range))
            offset = last
        }
    }

    private struct GapOwner: Equatable {
        var kind: CapabilityKind?
    }

    /// Whether the byte is outside every structure on both sides, and which capability of
    /// unknown length it may belong to.
    private func gapOwner(_ offset: Int) -> GapOwner? {
        guard !coveredA[offset], !coveredB[offset] else { return nil }
        var tail: CapabilityKind?
        for (analysis, isA) in [(a, true), (b, false)] {
            switch analysis.map.owner(at: offset) {
            case .unclaimed, .alias: break
            case .possiblyCapability(let index):
                if analysis.capabilities.indices.contains(index), isA || tail == nil {
                    tail = analysis.capabilities[index].kind
                }
            default: return nil
            }
        }
        return GapOwner(kind: tail)
    }
}
