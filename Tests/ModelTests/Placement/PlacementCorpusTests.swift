import Foundation
import Testing

@testable import Model

/// The planner on real layouts: VFs derived at run time from the real PFs with PASID/PRI in
/// ../shared/corpus/raw, and the QEMU NVMe PF/VF pairs in ../shared/corpus/qemu.
@Suite(.requires(.corpus)) struct PlacementCorpusTests {
    /// One derived VF and what each strategy must choose for it.
    struct Case: CustomTestStringConvertible, Sendable {
        var corpus: String
        /// Extended capability IDs the VF lacks.
        var removed: Set<UInt16>
        var stray: Bool
        var capabilities: [VirtualCapability]
        var pri: PRIBits? = nil
        /// Expected offsets by strategy; nil: the strategy places nothing.
        var expected: [PlacementStrategy: [Int]?]
        var testDescription: String { corpus }
    }

    static let pasid: UInt16 = 0x1B
    static let pri: UInt16 = 0x13
    static let ats: UInt16 = 0x0F
    static let sriov: UInt16 = 0x10

    static let cases: [Case] = [
        // Skylake GT2: every extended capability removed, so the list is empty.
        Case(
            corpus: "raw/001", removed: [pasid, pri, ats], stray: false, capabilities: [.pasid, .pri, .ats],
            expected: [
                .auto: [0x100, 0x300, 0x200], .pfOffset: [0x100, 0x300, 0x200], .table: [0x100, 0x300, 0x200],
                .end: [0xFF8, 0xFE8, 0xFE0], .firstFit: [0x100, 0x108, 0x118],
            ]),
        // Intel DSA: keeps its ATS at 0x220.
        Case(
            corpus: "raw/002", removed: [pasid, pri], stray: false, capabilities: [.pasid, .pri, .ats],
            expected: [
                .auto: [0x230, 0x240], .pfOffset: [0x230, 0x240], .end: [0xFF8, 0xFE8], .firstFit: [0x148, 0x198],
            ]),
        // AMD Fiji with stray bytes where PASID, PRI and ATS were: PF offsets are refused.
        Case(
            corpus: "raw/003", removed: [pasid, pri, ats], stray: true, capabilities: [.pasid, .pri, .ats],
            expected: [
                .auto: [0xFF8, 0xFE8, 0xFE0], .pfOffset: nil, .table: nil, .end: [0xFF8, 0xFE8, 0xFE0],
                .firstFit: [0x110, 0x118, 0x128],
            ]),
        // Intel CXL PF: Secondary PCIe of unknown length (an RCiEP has no link width) may own
        // 0x714-0xb4f, where the PF's PRI and PASID sit.
        Case(
            corpus: "raw/004", removed: [pasid, pri, sriov], stray: true, capabilities: [.pasid, .pri],
            expected: [.auto: [0xFF8, 0xFE8], .pfOffset: nil, .table: nil, .end: [0xFF8, 0xFE8]]),
        // PASID only on the PF: PRI bits come from options and PRI goes to the end.
        Case(
            corpus: "raw/007", removed: [pasid, sriov], stray: false, capabilities: [.pasid, .pri],
            pri: PRIBits(outstandingCapacity: 0x40), expected: [.auto: [0x5F0, 0xFF0], .end: [0xFF8, 0xFE8]]),
        Case(
            corpus: "raw/060", removed: [pasid, pri, sriov], stray: true, capabilities: [.pasid, .pri],
            expected: [.auto: [0xFF8, 0xFE8], .pfOffset: nil, .end: [0xFF8, 0xFE8]]),
        Case(
            corpus: "raw/081", removed: [pasid, pri], stray: false, capabilities: [.pasid, .pri],
            expected: [
                .auto: [0x2D0, 0x2C0], .pfOffset: [0x2D0, 0x2C0], .table: [0x2D0, 0x2C0], .end: [0xFF8, 0xFE8],
                .firstFit: [0x110, 0x118],
            ]),
    ]

    static func request(
        _ testCase: Case, strategy: PlacementStrategy, pf: DumpedFunction, vf: ConfigSpace
    ) -> PlacementRequest {
        PlacementRequest(
            target: PlacementFunction(
                space: vf, vendorID: pf.space.word(at: 0), deviceID: pf.space.word(at: 2), isVirtualFunction: true),
            physicalFunction: PlacementFunction(
                space: pf.space, vendorID: pf.space.word(at: 0), deviceID: pf.space.word(at: 2)),
            capabilities: testCase.capabilities.map { RequestedCapability($0) }, strategy: strategy,
            priBits: testCase.pri)
    }

    @Test(arguments: cases)
    func derivedVirtualFunctionsGetTheExpectedOffsets(testCase: Case) throws {
        try Requirement.check(.corpus)
        let pf = try #require(try PlacementFixtures.corpusFunction(testCase.corpus))
        let vf = PlacementFixtures.derivedVirtualFunction(
            from: pf.space, removing: testCase.removed, leavingStrayBytes: testCase.stray)
        let vfKinds = FunctionAnalysis(space: vf).extendedCapabilities.map(\.kind.rawID)
        #expect(!vfKinds.contains(0x1B) && !vfKinds.contains(0x13), "the derived VF still has PASID or PRI")

        for (strategy, expected) in testCase.expected {
            let plan = try PlacementPlanner.plan(Self.request(testCase, strategy: strategy, pf: pf, vf: vf))
            expectInvariants(plan)
            if let expected {
                #expect(
                    plan.placements.map(\.offset.rawValue) == expected,
                    "\(testCase.corpus) \(strategy): \(plan.rejected)")
                #expect(plan.isComplete)
            } else {
                #expect(plan.placements.isEmpty, "\(testCase.corpus) \(strategy)")
                #expect(!plan.rejected.isEmpty)
                #expect(!plan.isComplete)
            }
            // Bits come from the PF (or the options for 007's PRI).
            for placement in plan.placements {
                switch placement.contents.bitsSource {
                case .physicalFunction(let offset):
                    #expect(
                        FunctionAnalysis(space: pf.space).capability(.extended(placement.capability.extendedID))?.offset
                            == offset)
                case .options: #expect(placement.capability == .pri && testCase.pri != nil)
                case .cleared, .layout: Issue.record("\(testCase.corpus): unexpected bits source")
                }
            }
        }
    }

    @Test func strayBytesStopPFOffsetsUntilForced() throws {
        try Requirement.check(.corpus)
        let testCase = try #require(Self.cases.first { $0.corpus == "raw/003" })
        let pf = try #require(try PlacementFixtures.corpusFunction(testCase.corpus))
        let vf = PlacementFixtures.derivedVirtualFunction(
            from: pf.space, removing: testCase.removed, leavingStrayBytes: true)
        var request = Self.request(testCase, strategy: .pfOffset, pf: pf, vf: vf)
        let refused = try PlacementPlanner.plan(request)
        #expect(
            refused.rejected.map(\.reason) == [
                .nonZeroBytes(ConfigRange(0x2D4, length: 2), count: 2),
                .nonZeroBytes(ConfigRange(0x2C7, length: 1), count: 1),
                .nonZeroBytes(ConfigRange(0x2B4, length: 4), count: 2),
            ])
        request.allowsNonZeroBytes = true
        let forced = try PlacementPlanner.plan(request)
        #expect(forced.placements.map(\.offset) == [0x2D0, 0x2C0, 0x2B0])
        expectInvariants(forced)
    }

    @Test func peersFromAnotherRevisionNarrowTheChoice() throws {
        try Requirement.check(.corpus)
        // Navi 10 (081) as the target; Fiji (003) with stray bytes as the migration peer.
        let navi = try #require(try PlacementFixtures.corpusFunction("raw/081"))
        let fiji = try #require(try PlacementFixtures.corpusFunction("raw/003"))
        let target = PlacementFixtures.derivedVirtualFunction(from: navi.space, removing: [Self.pasid, Self.pri])
        let peer = PlacementFixtures.derivedVirtualFunction(
            from: fiji.space, removing: [Self.pasid, Self.pri, Self.ats], leavingStrayBytes: true)
        let request = PlacementRequest(
            target: PlacementFunction(space: target, vendorID: 0x1002, deviceID: 0x731F, isVirtualFunction: true),
            physicalFunction: PlacementFunction(space: navi.space), capabilities: [.init(.pasid)],
            peers: [PlacementFunction(space: peer)])
        let plan = try PlacementPlanner.plan(request)
        #expect(plan.placements.map(\.offset) == [0xFF8])
        #expect(
            plan.rejected.map(\.strategy) == [.table, .pfOffset]
                && plan.rejected.allSatisfy {
                    $0.reason == .onPeer(0, .nonZeroBytes(ConfigRange(0x2D4, length: 2), count: 2))
                })
        expectInvariants(plan)
    }

    @Test(arguments: [PlacementStrategy.auto, .end, .firstFit])
    func qemuNVMeVirtualFunctionsFromTheirPF(strategy: PlacementStrategy) throws {
        try Requirement.check(.corpus)
        let file = Corpus.root.appendingPathComponent("qemu/nvme-sriov-after-all.txt")
        let dumped = try Corpus.functions(in: file)
        let functions = FunctionTopology.inferringVirtualFunctions(
            in: dumped.map { PCIFunction(address: $0.address, space: $0.space, origin: .dump(file: "", line: $0.line)) }
        )
        let vfs = functions.filter(\.isVirtualFunction)
        #expect(vfs.count == 4)
        for vf in vfs {
            guard case .virtualFunction(let pfAddress) = vf.relation,
                let pf = functions.first(where: { $0.address == pfAddress })
            else {
                Issue.record("\(vf.address) has no PF")
                continue
            }
            var request = PlacementRequest(
                target: PlacementFunction(vf), physicalFunction: PlacementFunction(pf),
                capabilities: [.init(.pasid), .init(.pri), .init(.ats)], strategy: strategy)
            // QEMU 7.2's NVMe PF has no PASID or PRI to copy.
            #expect(throws: PlacementError.missingCapabilityBits(.pasid)) { try PlacementPlanner.plan(request) }
            request.pasidBits = PASIDBits(maxWidth: 16, executeSupported: true)
            request.priBits = PRIBits(outstandingCapacity: 0x100, prgResponsePASIDRequired: true)
            let plan = try PlacementPlanner.plan(request)
            let expected: [ConfigOffset] = strategy == .firstFit ? [0x108, 0x110, 0x120] : [0xFF8, 0xFE8, 0xFE0]
            #expect(plan.placements.map(\.offset) == expected)
            #expect(plan.placements.last?.contents.bitsSource == .cleared)  // the PF has no ATS either
            expectInvariants(plan)
        }
    }

    @Test func everyCorpusPFKeepsItsInvariantsUnderEveryStrategy() throws {
        try Requirement.check(.corpus)
        var planned = 0
        for file in Corpus.dumpFiles where file.lastPathComponent.hasPrefix("0") {
            for function in try Corpus.functions(in: file) {
                let analysis = FunctionAnalysis(space: function.space)
                guard analysis.hasExtendedList, function.space.readableLength == 4096 else { continue }
                for strategy in PlacementStrategy.allCases where strategy != .explicitOffset {
                    let request = PlacementRequest(
                        target: PlacementFunction(space: function.space), capabilities: [.init(.ats)],
                        strategy: strategy, addsFreeSpaceDVSEC: true)
                    guard let plan = try? PlacementPlanner.plan(request) else { continue }
                    expectInvariants(plan)
                    planned += 1
                }
            }
        }
        #expect(planned > 100)
    }
}
