extension CapabilityCatalog {
    /// The length of the capability `kind` at `offset`, by its catalogued rule.
    ///
    /// Never guesses: when a field the rule needs is unreadable or invalid, or the ID has no
    /// rule, the result is `.unknown` with the reason.
    public static func length(
        of kind: CapabilityKind, at offset: Int, in space: ConfigSpace, context: FunctionContext
    ) -> CapabilityLength {
        let rule = descriptor(for: kind).lengthRule
        let reader = FieldReader(space: space, base: offset)
        switch rule {
        case .fixed(let length):
            return .fixed(length)
        case .unknown:
            return .unknown(.notCatalogued)
        case .msi:
            // 10, +4 with 64-bit addresses, +10 with per-vector masking; without masking, an
            // Extended Message Data register (Message Control bit 9) adds 2 more bytes.
            return reader.word(2).map { flags in
                let isMaskable = flags & 0x100 != 0
                let hasExtendedData = flags & 0x200 != 0
                return .computed(10 + (flags & 0x80 != 0 ? 4 : 0) + (isMaskable ? 10 : hasExtendedData ? 2 : 0))
            } ?? reader.unreadable(2)
        case .pcix:
            return pcixLength(reader, layout: context.headerLayout)
        case .hyperTransport:
            return hyperTransportLength(reader)
        case .vendorSpecificByte:
            guard let length = reader.byte(2) else { return reader.unreadable(2) }
            return length < 3
                ? .unknown(.invalidField(ConfigOffset(offset + 2), value: Int(length))) : .computed(Int(length))
        case .pciExpress:
            return pciExpressLength(reader)
        case .sata:
            return reader.byte(4).map { .computed($0 & 0xF == 0xF ? 16 : 8) } ?? reader.unreadable(4)
        case .enhancedAllocation:
            return enhancedAllocationLength(reader, layout: context.headerLayout)
        case .advancedErrorReporting:
            guard let express = context.express else { return .computed(0x2C) }
            if express.supportsEndEndTLPPrefix { return .computed(0x48) }
            return .computed(express.portType.hasRootRegisters ? 0x38 : 0x2C)
        case .virtualChannel:
            return virtualChannelLength(reader)
        case .vendorLengthField:
            guard let header = reader.dword(4) else { return reader.unreadable(4) }
            let length = Int(header >> 20)
            let minimum = kind == .extended(.designatedVendorSpecific) ? 0x0A : 0x08
            return length < minimum
                ? .unknown(.invalidField(ConfigOffset(offset + 4), value: length)) : .computed(length)
        case .accessControlServices:
            guard let capability = reader.word(4) else { return reader.unreadable(4) }
            guard capability & 0x20 != 0 else { return .computed(8) }
            let bits = capability >> 8 == 0 ? 256 : Int(capability >> 8)
            return .computed(8 + (bits + 31) / 32 * 4)
        case .resizableBAR:
            guard let control = reader.dword(8) else { return reader.unreadable(8) }
            let count = Int(control >> 5) & 7
            return (1...6).contains(count)
                ? .computed(4 + 8 * count) : .unknown(.invalidField(ConfigOffset(offset + 8), value: count))
        case .dynamicPowerAllocation:
            guard let capability = reader.dword(4) else { return reader.unreadable(4) }
            return .computed(0x10 + roundedToDword(Int(capability & 0x1F) + 1))
        case .tphRequester:
            guard let capability = reader.dword(4) else { return reader.unreadable(4) }
            let location = Int(capability >> 9) & 3
            guard location == 1 else { return .computed(0x0C) }
            let entries = Int(capability >> 16) & 0x7FF + 1
            return .computed(0x0C + roundedToDword(2 * entries))
        case .multicast:
            guard let express = context.express else { return .computed(0x28) }
            let isPort = express.portType.isDownstreamFacing || express.portType == .upstreamPort
            return .computed(isPort ? 0x30 : 0x28)
        case .rootComplexLinkDeclaration:
            guard let description = reader.dword(4) else { return reader.unreadable(4) }
            return .computed(0x10 + 0x10 * (Int(description >> 8) & 0xFF))
        case .rcecAssociation:
            guard let header = reader.dword(0) else { return reader.unreadable(0) }
            return .computed((header >> 16) & 0xF >= 2 ? 0x0C : 0x08)
        case .downstreamPortContainment:
            guard let capability = reader.word(4) else { return reader.unreadable(4) }
            guard capability & 0x20 != 0 else { return .computed(0x0C) }
            let logSize = Int(capability >> 8) & 0xF | (capability & 0x2000 != 0 ? 0x10 : 0)
            return logSize < 4
                ? .unknown(.invalidField(ConfigOffset(offset + 4), value: logSize)) : .computed(0x20 + 4 * logSize)
        case .integrityAndDataEncryption:
            return ideLength(reader)
        case .perLane(let base, let bytesPerLane):
            guard let width = context.express?.maxLinkWidth else { return .unknown(.linkWidthUnknown) }
            return .computed(base + roundedToDword(bytesPerLane * width))
        }
    }

    private static func roundedToDword(_ length: Int) -> Int { (length + 3) & ~3 }

    // PCI-X (PCI-X 2.0 §7.2): type 0 version in Command bits 13:12; bridges carry no version there.
    private static func pcixLength(_ reader: FieldReader, layout: HeaderLayout) -> CapabilityLength {
        if layout == .bridge {
            // Secondary Status (+2) bits 13:12 hold a bridge's version; 2.0 bridges add ECC
            // registers whose extent is not catalogued here.
            guard let secondaryStatus = reader.word(2) else { return reader.unreadable(2) }
            return (secondaryStatus >> 12) & 3 == 0 ? .computed(16) : .unknown(.notCatalogued)
        }
        guard let command = reader.word(2) else { return reader.unreadable(2) }
        return .computed((command >> 12) & 3 == 0 ? 8 : 24)
    }

    // HyperTransport (HT I/O Link Spec 3.10 §7): the capability type in the top bits at +3.
    private static func hyperTransportLength(_ reader: FieldReader) -> CapabilityLength {
        guard let command = reader.byte(3) else { return reader.unreadable(3) }
        switch command & 0xE0 {
        case 0x00: return .computed(0x1C)  // Slave/Primary Interface
        case 0x20: return .computed(0x18)  // Host/Secondary Interface
        default: break
        }
        switch command & 0xF8 {
        case 0x80: return .computed(8)  // Interrupt Discovery and Configuration: index at +2, data at +4
        case 0x88: return .computed(4)  // Revision ID
        case 0xA8:  // MSI Mapping: the address registers are absent when Fixed (bit 1 at +2) is set
            guard let flags = reader.byte(2) else { return reader.unreadable(2) }
            return .computed(flags & 2 != 0 ? 4 : 12)
        default: return .unknown(.notCatalogued)
        }
    }

    // PCI Express capability: version 1 structures end after the registers their port type
    // needs; version 2 defines every register (those not applicable are reserved). Lengths
    // follow Linux/QEMU: v1 0x0C (RC integrated) / 0x14 / 0x1C (slot) / 0x24 (root); v2 0x2C
    // (RC integrated) / 0x34 (endpoints, upstream, bridges) / 0x3C (root and downstream ports).
    private static func pciExpressLength(_ reader: FieldReader) -> CapabilityLength {
        guard let flags = reader.word(2) else { return reader.unreadable(2) }
        let portType = PortType(rawValue: Int(flags >> 4) & 0xF)
        let version = Int(flags & 0xF)
        if version >= 2 {
            if portType.isRootComplexIntegrated { return .computed(0x2C) }
            return .computed(portType.isDownstreamFacing ? 0x3C : 0x34)
        }
        if portType.hasRootRegisters { return .computed(0x24) }
        if portType.isRootComplexIntegrated { return .computed(0x0C) }
        return .computed(portType == .downstreamPort ? 0x1C : 0x14)
    }

    // Enhanced Allocation (PCI ECN "Enhanced Allocation"): Num Entries in bits 5:0 at +2; type 1
    // functions have one more dword (fixed bus numbers); each entry is a header dword plus
    // Entry Size dwords.
    private static func enhancedAllocationLength(_ reader: FieldReader, layout: HeaderLayout) -> CapabilityLength {
        guard let numberOfEntries = reader.byte(2) else { return reader.unreadable(2) }
        var length = layout == .bridge ? 8 : 4
        for _ in 0..<Int(numberOfEntries & 0x3F) {
            guard let entry = reader.dword(length) else { return reader.unreadable(length) }
            length += 4 + 4 * Int(entry & 7)
            if reader.base + length > ConfigSpace.conventionalSize { break }
        }
        return .computed(length)
    }

    // VC / MFVC (PCIe §7.9.1-7.9.2): 0x10 + 0x0C per VC resource (Extended VC Count + 1), plus
    // the VC Arbitration Table (Port VC Capability 2 bits 31:24, in 16-byte units) and each
    // resource's Port (or Function) Arbitration Table (resource capability bits 31:24).
    private static func virtualChannelLength(_ reader: FieldReader) -> CapabilityLength {
        guard let capability1 = reader.dword(4) else { return reader.unreadable(4) }
        guard let capability2 = reader.dword(8) else { return reader.unreadable(8) }
        let resources = Int(capability1 & 7) + 1
        var end = 0x10 + 0x0C * resources
        let vcTableOffset = Int(capability2 >> 24) * 16
        if vcTableOffset != 0 {
            end = max(end, vcTableOffset + VirtualChannelArbitration.vcPhases(capability2) * 4 / 8)
        }
        // Port Arbitration Table Entry Size (bits 11:10): 1, 2, 4 or 8 bits per phase.
        let entryBits = 1 << Int((capability1 >> 10) & 3)
        for resource in 0..<resources {
            guard let resourceCapability = reader.dword(0x10 + 0x0C * resource) else { break }
            let tableOffset = Int(resourceCapability >> 24) * 16
            guard tableOffset != 0 else { continue }
            let phases = VirtualChannelArbitration.portPhases(resourceCapability)
            end = max(end, tableOffset + (phases * entryBits + 7) / 8)
        }
        return .computed(end)
    }

    // IDE (PCIe 6.0 §7.9.26): 0x0C header/capability/control, 8 bytes per Link IDE stream
    // (Number of TCs + 1, when supported), then per Selective IDE stream 0x14 plus 0x0C per
    // address association block (that stream's capability bits 3:0).
    private static func ideLength(_ reader: FieldReader) -> CapabilityLength {
        guard let capability = reader.dword(4) else { return reader.unreadable(4) }
        var length = 0x0C
        if capability & 1 != 0 { length += 8 * (Int(capability >> 13) & 7 + 1) }
        if capability & 2 != 0 {
            for _ in 0...(Int(capability >> 16) & 0xFF) {
                guard let streamCapability = reader.dword(length) else { return reader.unreadable(length) }
                length += 0x14 + 0x0C * Int(streamCapability & 0xF)
                if reader.base + length > ConfigSpace.extendedSize { break }
            }
        }
        return .computed(length)
    }
}

/// Reads fields relative to a structure's start, for the length rules and decoders.
struct FieldReader {
    let space: ConfigSpace
    let base: Int

    func byte(_ offset: Int) -> UInt8? { space.byte(at: base + offset) }
    func word(_ offset: Int) -> UInt16? { space.word(at: base + offset) }
    func dword(_ offset: Int) -> UInt32? { space.dword(at: base + offset) }
    func unreadable(_ offset: Int) -> CapabilityLength { .unknown(.fieldUnreadable(ConfigOffset(base + offset))) }
}
