import Foundation
import Testing

@testable import Model

/// Configuration spaces for the placement tests: synthetic PCIe endpoints, and VFs derived at
/// run time from real PFs in ../shared/corpus (never copied into the repository).
enum PlacementFixtures {
    /// A 4 KiB PCIe endpoint (vendor 0x1234, device 0x5678): a v2 PCIe capability at 0x40,
    /// then the given extended capabilities `(offset, id, version, next)`.
    static func endpoint(_ extended: [(Int, UInt16, UInt32, Int)] = [], size: Int = 4096) -> SpaceBuilder {
        var builder = SpaceBuilder(size: size, capabilityPointer: 0x40)
        builder.express(0x40, next: 0)
        for (offset, id, version, next) in extended {
            builder.extended(offset, id: id, version: version, next: next)
        }
        return builder
    }

    /// AER at 0x100 (0x2C bytes for an endpoint, version 1) and DSN at 0x140 (12 bytes).
    static func aerAndDSN() -> SpaceBuilder {
        endpoint([(0x100, 0x0001, 1, 0x140), (0x140, 0x0003, 1, 0)])
    }

    /// A PF like the AER/DSN endpoint with ATS at 0x150, PRI at 0x160 and PASID at 0x170.
    static func physicalFunction(
        pasid: UInt16 = 0x1406, priStatus: UInt16 = 0x8100, priCapacity: UInt32 = 0x200, ats: UInt16 = 0x0025
    ) -> SpaceBuilder {
        var builder = endpoint([
            (0x100, 0x0001, 1, 0x140), (0x140, 0x0003, 1, 0x150), (0x150, 0x000F, 1, 0x160),
            (0x160, 0x0013, 1, 0x170), (0x170, 0x001B, 1, 0),
        ])
        builder.set16(0x154, ats)
        builder.set16(0x166, priStatus)
        builder.set32(0x168, priCapacity)
        builder.set16(0x174, pasid)
        return builder
    }

    static func function(_ builder: SpaceBuilder, isVirtualFunction: Bool = true) -> PlacementFunction {
        PlacementFunction(
            space: builder.space, vendorID: 0x1234, deviceID: 0x5678, isVirtualFunction: isVirtualFunction)
    }

    /// A request for `capabilities` on `target`, with the PF of `physicalFunction()`.
    static func request(
        _ target: SpaceBuilder, _ capabilities: [VirtualCapability], strategy: PlacementStrategy = .auto,
        physicalFunction: SpaceBuilder? = PlacementFixtures.physicalFunction()
    ) -> PlacementRequest {
        PlacementRequest(
            target: function(target), physicalFunction: physicalFunction.map { function($0, isVirtualFunction: false) },
            capabilities: capabilities.map { RequestedCapability($0) }, strategy: strategy, table: KnownOffsetTable())
    }

    // MARK: - VFs derived from real PFs

    /// A VF made from a PF the way SR-IOV devices differ from their PF: the extended
    /// capabilities with IDs in `removing` are unlinked and their bytes cleared (with
    /// `leavingStrayBytes`, their second dword is left behind, as hidden registers would be);
    /// the rest keep their offsets and are relinked in order. When the first capability is
    /// removed, 0x100 becomes an ID-0 placeholder pointing to the next one (vfio-pci's way);
    /// when every capability is removed, the dword at 0x100 is 0.
    static func derivedVirtualFunction(
        from pf: ConfigSpace, removing ids: Set<UInt16>, leavingStrayBytes: Bool = false
    ) -> ConfigSpace {
        let analysis = FunctionAnalysis(space: pf)
        var bytes = pf.bytes
        let extended = Array(analysis.extendedCapabilities)
        let kept = extended.filter { !ids.contains(UInt16($0.kind.rawID)) }
        for capability in extended where ids.contains(UInt16(capability.kind.rawID)) {
            let start = capability.offset.rawValue
            for index in start..<min(capability.extent.end.rawValue, bytes.count) {
                if leavingStrayBytes && (start + 4..<start + 8).contains(index) { continue }
                bytes[index] = 0
            }
        }
        func store(_ value: UInt32, at offset: Int) {
            for index in 0..<4 { bytes[offset + index] = UInt8(truncatingIfNeeded: value >> (8 * index)) }
        }
        for (position, capability) in kept.enumerated() {
            let next = position + 1 < kept.count ? kept[position + 1].offset.rawValue : 0
            let header = pf.dword(at: capability.offset) ?? 0
            store(header & 0x000F_FFFF | UInt32(next) << 20, at: capability.offset.rawValue)
        }
        if let first = kept.first, first.offset.rawValue != 0x100 {
            store(UInt32(first.offset.rawValue) << 20, at: 0x100)
        } else if kept.isEmpty {
            store(0, at: 0x100)
        }
        return ConfigSpace(bytes: bytes)
    }

    /// The first function of a corpus dump whose file name starts with `prefix` (`raw/001`).
    static func corpusFunction(_ prefix: String) throws -> DumpedFunction? {
        let parts = prefix.split(separator: "/")
        guard parts.count == 2 else { return nil }
        let directory = Corpus.root.appendingPathComponent(String(parts[0]))
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        guard
            let name = names.first(where: {
                $0.hasPrefix(String(parts[1]) + "-") && $0.hasSuffix(".txt") && !$0.hasSuffix(".lspci-vvv.txt")
            })
        else { return nil }
        return try Corpus.functions(in: directory.appendingPathComponent(name)).first
    }
}

/// Checks a plan's promises, recording each broken one.
func expectInvariants(_ plan: PlacementPlan, sourceLocation: SourceLocation = #_sourceLocation) {
    let violations = plan.invariantViolations()
    #expect(violations.isEmpty, "\(violations)", sourceLocation: sourceLocation)
    let errors = FunctionAnalysis(space: plan.virtualSpace).diagnostics.filter { $0.severity == .error }
    let before = FunctionAnalysis(space: plan.targetSpace).diagnostics.filter { $0.severity == .error }
    #expect(errors.count <= before.count, "new errors in the virtual space: \(errors)", sourceLocation: sourceLocation)
}
