/// Everything cfgtui derives from one function's configuration space: its header type, both
/// capability lists with lengths, the byte ownership map, the gaps and the diagnostics.
///
/// Pure and total: any byte sequence (empty, truncated, all-0xFF, looping chains) gives a
/// result; what is wrong with it is in `diagnostics`.
///
/// ```
/// let analysis = FunctionAnalysis(space: space, address: address)
/// for capability in analysis.capabilities { print(capability.offset, capability.definition.name) }
/// analysis.map.gaps          // unclaimed ranges with their non-zero byte counts
/// ```
public struct FunctionAnalysis: Sendable {
    public let space: ConfigSpace
    public let context: FunctionContext
    /// The Header Type register, when readable.
    public let headerType: HeaderType?
    /// Standard capabilities in list order, then extended ones in list order.
    public let capabilities: [Capability]
    /// Diagnostics in offset order (whole-function ones first).
    public let diagnostics: [Diagnostic]
    /// Byte owners and gaps.
    public let map: ConfigSpaceMap
    /// Whether the function has an extended capability list that was walked.
    public let hasExtendedList: Bool

    /// Analyzes `space`. `isUnprivilegedRead` says a short read is the kernel's limit for
    /// non-root readers; `extraDiagnostics` come from the source (e.g. holes in a dump).
    public init(
        space: ConfigSpace, address: PCIAddress? = nil, isVirtualFunction: Bool = false,
        isUnprivilegedRead: Bool = false, extraDiagnostics: [Diagnostic] = []
    ) {
        self.space = space
        var diagnostics = extraDiagnostics
        let readable = space.readableLength

        if readable < ConfigSpace.headerLength {
            diagnostics.append(Diagnostic(.headerTruncated(readable: readable), at: readable))
        }
        if readable < space.size {
            diagnostics.append(
                Diagnostic(
                    .partialRead(readable: readable, size: space.size, needsRoot: isUnprivilegedRead), at: readable))
        }

        let headerType = space.byte(at: 0x0E).map { HeaderType(rawValue: $0) }
        let layout = headerType?.layout ?? .endpoint
        self.headerType = headerType
        var context = FunctionContext(headerLayout: layout, isVirtualFunction: isVirtualFunction, address: address)

        let isAllOnes = readable >= 4 && space.bytes.allSatisfy { $0 == 0xFF }
        if isAllOnes {
            diagnostics.append(Diagnostic(.allOnesFunction, at: 0))
            self.context = context
            self.capabilities = []
            self.hasExtendedList = false
            self.map = ConfigSpaceMap(
                space: space, headerLength: layout.headerLength, capabilities: [], extendedIsAliased: false)
            self.diagnostics = diagnostics
            return
        }
        if case .reserved(let code) = layout {
            diagnostics.append(Diagnostic(.reservedHeaderLayout(code), at: 0x0E))
        }
        if let vendor = space.word(at: 0), vendor == 0xFFFF || vendor == 0 {
            diagnostics.append(
                isVirtualFunction && vendor == 0xFFFF
                    ? Diagnostic(.virtualFunctionIDs, at: 0) : Diagnostic(.invalidVendorID(vendor), at: 0))
        }

        // Standard list, then the facts later structures depend on.
        let standard = CapabilityChain.walkStandard(space, layout: layout)
        diagnostics += standard.diagnostics
        if let express = standard.capabilities.first(where: { $0.kind == .standard(.pciExpress) }) {
            context.express = ExpressInfo(capabilityAt: express.offset.rawValue, in: space)
        }
        let isPCIX2 = standard.capabilities.contains { capability in
            guard capability.kind == .standard(.pcix), layout == .endpoint,
                let status = space.dword(at: capability.offset.rawValue + 4)
            else { return false }
            return status & 0xC000_0000 != 0
        }

        // Extended list.
        var extended = CapabilityChain()
        let aliased = readable > ConfigSpace.conventionalSize && Self.isExtendedSpaceAliased(space)
        let expectsExtendedList = context.express != nil || isPCIX2
        var walkedExtended = false
        if aliased {
            diagnostics.append(Diagnostic(.extendedSpaceAliased, at: ConfigSpace.conventionalSize))
        } else if expectsExtendedList && readable > ConfigSpace.conventionalSize {
            extended = CapabilityChain.walkExtended(space)
            diagnostics += extended.diagnostics
            walkedExtended = true
        } else if expectsExtendedList && readable == ConfigSpace.conventionalSize {
            // A PCI Express function read (or dumped, lspci -xxx) without its extended space.
            // Shorter reads are already a partial read.
            diagnostics.append(Diagnostic(.extendedSpaceNotRead(readable: readable), at: readable))
        } else if readable > ConfigSpace.conventionalSize {
            let nonZero = space.bytes[ConfigSpace.conventionalSize...].reduce(0) { $0 + ($1 != 0 ? 1 : 0) }
            if nonZero > 0 {
                diagnostics.append(
                    Diagnostic(.extendedDataWithoutExpress(nonZeroBytes: nonZero), at: ConfigSpace.conventionalSize))
            }
        }
        self.hasExtendedList = walkedExtended
        self.context = context

        // Lengths and per-capability checks.
        var capabilities = standard.capabilities + extended.capabilities
        for index in capabilities.indices {
            let capability = capabilities[index]
            capabilities[index].length = CapabilityCatalog.length(
                of: capability.kind, at: capability.offset.rawValue, in: space, context: context)
            if !capability.definition.isKnown {
                diagnostics.append(
                    Diagnostic(
                        .unknownCapabilityID(capability.kind.rawID, space: capability.space), at: capability.offset))
            }
            if isVirtualFunction, case .extended(let id) = capability.kind,
                id == .processAddressSpaceID || id == .pageRequest
            {
                diagnostics.append(Diagnostic(.virtualFunctionForbiddenCapability(id), at: capability.offset))
            }
        }
        diagnostics += Self.extentDiagnostics(capabilities, readable: readable, headerLength: layout.headerLength)
        self.capabilities = capabilities

        let map = ConfigSpaceMap(
            space: space, headerLength: layout.headerLength, capabilities: capabilities, extendedIsAliased: aliased)
        self.map = map
        for (index, capability) in capabilities.enumerated() {
            guard case .unknown(let reason) = capability.length, capability.kind.rawID != 0 else { continue }
            let tail = map.regions.first { $0.owner == .possiblyCapability(index) }
            let end = tail?.range.end ?? capability.extent.end
            diagnostics.append(
                Diagnostic(
                    .lengthUnknown(
                        reason, possibleExtent: ConfigRange(start: capability.offset, length: end - capability.offset)),
                    at: capability.offset))
        }
        for gap in map.gaps where gap.nonZeroBytes > 0 {
            diagnostics.append(Diagnostic(.nonZeroGap(gap.range, nonZeroBytes: gap.nonZeroBytes), at: gap.range.start))
        }
        self.diagnostics = Self.sortedByOffset(diagnostics)
    }

    /// Standard capabilities, in list order.
    public var standardCapabilities: ArraySlice<Capability> {
        capabilities.prefix { $0.space == .standard }
    }

    /// Extended capabilities, in list order.
    public var extendedCapabilities: ArraySlice<Capability> {
        capabilities.drop { $0.space == .standard }
    }

    /// The first capability of a kind.
    public func capability(_ kind: CapabilityKind) -> Capability? {
        capabilities.first { $0.kind == kind }
    }

    // MARK: - Checks

    /// The kernel's test (`pci_ext_cfg_is_aliased`): the dword at every 256-byte boundary
    /// above 0x100 equals the dword at 0.
    static func isExtendedSpaceAliased(_ space: ConfigSpace) -> Bool {
        guard space.readableLength >= 2 * ConfigSpace.conventionalSize, let first = space.dword(at: 0),
            first != 0, first != 0xFFFF_FFFF
        else { return false }
        var block = ConfigSpace.conventionalSize
        while let value = space.dword(at: block) {
            if value != first { return false }
            block += ConfigSpace.conventionalSize
        }
        return true
    }

    /// Structures past their area or the readable bytes, and structures that overlap.
    static func extentDiagnostics(_ capabilities: [Capability], readable: Int, headerLength: Int) -> [Diagnostic] {
        var diagnostics = [Diagnostic]()
        for capability in capabilities {
            let end = capability.extent.end.rawValue
            let areaEnd = capability.space == .standard ? ConfigSpace.conventionalSize : ConfigSpace.extendedSize
            if end > areaEnd {
                diagnostics.append(Diagnostic(.extendsPastArea(end: end, areaEnd: areaEnd), at: capability.offset))
            } else if end > readable, capability.offset.rawValue < readable {
                diagnostics.append(Diagnostic(.truncatedStructure(end: end, readable: readable), at: capability.offset))
            }
        }
        let sorted = capabilities.sorted { $0.offset < $1.offset }
        var reported = 0
        for (position, first) in sorted.enumerated() {
            for second in sorted[(position + 1)...] {
                guard second.offset < first.extent.end else { break }
                let shared = first.extent.clamped(to: second.extent)
                diagnostics.append(
                    Diagnostic(.overlap(shared, first: first.offset, second: second.offset), at: second.offset))
                reported += 1
                if reported >= 64 { return diagnostics }
            }
        }
        return diagnostics
    }

    static func sortedByOffset(_ diagnostics: [Diagnostic]) -> [Diagnostic] {
        diagnostics.enumerated().sorted { lhs, rhs in
            let left = lhs.element.offset?.rawValue ?? -1
            let right = rhs.element.offset?.rawValue ?? -1
            return left != right ? left < right : lhs.offset < rhs.offset
        }.map(\.element)
    }
}
