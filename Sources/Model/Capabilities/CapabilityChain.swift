/// Walks the standard and extended capability lists of a configuration space.
///
/// Real hardware breaks every assumption, so the walk never traps and never loops: it stops at
/// a pointer into the header, past the readable bytes or back to a visited offset, and after
/// 48 standard or 480 extended hops (the kernel's bounds), reporting each case as a diagnostic.
/// Lengths are left `.unknown(.notCatalogued)` here; `FunctionAnalysis` fills them in once the
/// PCI Express capability (which some lengths depend on) is known.
///
/// ```
/// let chain = CapabilityChain.walkStandard(space, layout: .endpoint)
/// chain.capabilities.map(\.offset)   // [0x40, 0x70, 0xac, 0xd0]
/// chain.diagnostics                  // [] for a healthy function
/// ```
public struct CapabilityChain: Hashable, Sendable {
    public var capabilities: [Capability]
    public var diagnostics: [Diagnostic]

    public init(capabilities: [Capability] = [], diagnostics: [Diagnostic] = []) {
        self.capabilities = capabilities
        self.diagnostics = diagnostics
    }

    /// Hop bound for the standard list: (256 - 64) / 4.
    public static let standardHopLimit = 48
    /// Hop bound for the extended list: (4096 - 256) / 8.
    public static let extendedHopLimit = 480

    private static let unknownLength = CapabilityLength.unknown(.notCatalogued)

    // MARK: - Standard list

    /// Walks the conventional list from the capability pointer, when Status.Capabilities List is set.
    public static func walkStandard(_ space: ConfigSpace, layout: HeaderLayout) -> CapabilityChain {
        var chain = CapabilityChain()
        guard let pointerOffset = layout.capabilityPointerOffset, let status = space.word(at: 6),
            let rawPointer = space.byte(at: pointerOffset)
        else { return chain }
        guard status & 0x10 != 0 else {
            if rawPointer != 0 {
                chain.diagnostics.append(
                    Diagnostic(.capabilityPointerIgnored(pointer: Int(rawPointer)), at: pointerOffset))
            }
            return chain
        }
        var pointerLocation = pointerOffset
        var raw = Int(rawPointer)
        var visited = [Bool](repeating: false, count: ConfigSpace.conventionalSize)
        var hops = 0
        while true {
            if raw & 3 != 0 {
                chain.diagnostics.append(
                    Diagnostic(.misalignedPointer(raw: raw, space: .standard), at: pointerLocation))
            }
            let pointer = raw & 0xFC
            if pointer == 0 { break }
            if pointer < layout.headerLength {
                chain.diagnostics.append(
                    Diagnostic(.pointerIntoHeader(pointer: pointer, space: .standard), at: pointerLocation))
                break
            }
            if visited[pointer] {
                chain.diagnostics.append(
                    Diagnostic(.chainLoop(pointer: pointer, space: .standard), at: pointerLocation))
                break
            }
            guard hops < standardHopLimit else {
                chain.diagnostics.append(
                    Diagnostic(.hopLimit(limit: standardHopLimit, space: .standard), at: pointerLocation))
                break
            }
            guard let id = space.byte(at: pointer), let next = space.byte(at: pointer + 1) else {
                chain.diagnostics.append(
                    Diagnostic(
                        .pointerPastReadable(pointer: pointer, readable: space.readableLength, space: .standard),
                        at: pointerLocation))
                break
            }
            visited[pointer] = true
            hops += 1
            if id == 0xFF {
                chain.diagnostics.append(Diagnostic(.brokenChain, at: pointer))
                break
            }
            if id == 0 { chain.diagnostics.append(Diagnostic(.nullCapability(space: .standard), at: pointer)) }
            chain.capabilities.append(
                Capability(
                    kind: .standard(CapabilityID(id)), offset: ConfigOffset(pointer), version: nil,
                    nextPointer: Int(next) & 0xFC, length: unknownLength, index: chain.capabilities.count))
            pointerLocation = pointer + 1
            raw = Int(next)
        }
        return chain
    }

    // MARK: - Extended list

    /// Walks the extended list from 0x100. The caller decides whether the function has one
    /// (PCI Express or PCI-X 2.0, more than 256 bytes readable, space not aliased).
    public static func walkExtended(_ space: ConfigSpace) -> CapabilityChain {
        var chain = CapabilityChain()
        var pointer = ConfigSpace.conventionalSize
        var pointerLocation: Int? = nil
        var visited = Set<Int>()
        var hops = 0
        while true {
            guard let header = space.dword(at: pointer) else {
                chain.diagnostics.append(
                    Diagnostic(
                        .pointerPastReadable(pointer: pointer, readable: space.readableLength, space: .extended),
                        at: pointerLocation.map { ConfigOffset($0) }))
                break
            }
            if header == 0 {
                let kind: DiagnosticKind =
                    pointer == ConfigSpace.conventionalSize ? .noExtendedCapabilities : .emptyExtendedHeader
                chain.diagnostics.append(Diagnostic(kind, at: pointer))
                break
            }
            if header == 0xFFFF_FFFF {
                chain.diagnostics.append(Diagnostic(.allOnesExtendedHeader, at: pointer))
                break
            }
            if visited.contains(pointer) {
                chain.diagnostics.append(
                    Diagnostic(
                        .chainLoop(pointer: pointer, space: .extended), at: pointerLocation.map { ConfigOffset($0) }))
                break
            }
            guard hops < extendedHopLimit else {
                chain.diagnostics.append(Diagnostic(.hopLimit(limit: extendedHopLimit, space: .extended), at: pointer))
                break
            }
            visited.insert(pointer)
            hops += 1
            let id = UInt16(truncatingIfNeeded: header)
            let rawNext = Int(header >> 20)
            if id == 0 { chain.diagnostics.append(Diagnostic(.nullCapability(space: .extended), at: pointer)) }
            chain.capabilities.append(
                Capability(
                    kind: .extended(ExtendedCapabilityID(id)), offset: ConfigOffset(pointer),
                    version: Int(header >> 16) & 0xF, nextPointer: rawNext & 0xFFC, length: unknownLength,
                    index: chain.capabilities.count))
            if rawNext & 3 != 0 {
                chain.diagnostics.append(Diagnostic(.misalignedPointer(raw: rawNext, space: .extended), at: pointer))
            }
            let next = rawNext & 0xFFC
            if next == 0 { break }
            if next < ConfigSpace.conventionalSize {
                chain.diagnostics.append(Diagnostic(.pointerBelowExtendedSpace(pointer: next), at: pointer))
                break
            }
            pointerLocation = pointer
            pointer = next
        }
        return chain
    }
}
