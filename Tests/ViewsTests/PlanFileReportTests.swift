import Foundation
import Model
import Testing

@testable import Views

/// The plan file's writer and reader share `PlanFile`: what `appendJSON` writes decodes to
/// the value it was written from; the reader's errors read as `file: key.path: problem`.
@Suite struct PlanFileReportTests {
    static func context(_ target: PCIFunction, pf: PCIFunction?, request: PlacementRequest) -> PlanContext {
        PlanContext(
            targetAddress: target.address, targetTitle: "target",
            physicalFunction: pf.map { .related($0.address) } ?? .none, peers: [], request: request)
    }

    static func request(_ capabilities: [VirtualCapability], freeSpace: Bool = false) throws -> (
        PlanContext, PlacementPlan
    ) {
        let functions = Fixtures.demoFunctions
        let vf = try #require(functions.first { $0.address.description.hasSuffix("01:00.1") })
        let pf = try #require(functions.first { $0.address.description.hasSuffix("01:00.0") })
        let request = PlacementRequest(
            target: PlacementFunction(vf), physicalFunction: PlacementFunction(pf),
            capabilities: capabilities.map { RequestedCapability($0) }, addsFreeSpaceDVSEC: freeSpace)
        let plan = try PlacementPlanner.plan(request)
        return (context(vf, pf: pf, request: request), plan)
    }

    @Test(arguments: [false, true])
    func whatIsWrittenReadsBack(freeSpace: Bool) throws {
        let dvsec = VirtualCapability.dvsec(DVSECIdentity(vendorID: 0x1E98, dvsecID: 2, revision: 1, length: 16))
        let (context, plan) = try Self.request([.pasid, .pri, .ats, dvsec], freeSpace: freeSpace)
        let file = PlanFile(plan, context: context)
        #expect(!file.placements.isEmpty)
        var buffer = OutputBuffer(capacity: 4096)
        PlanReport.appendJSON(plan, context: context, to: &buffer)
        let decoded = try JSONDecoder().decode(PlanFile.self, from: Data(buffer.bytes))
        #expect(decoded == file)
    }

    @Test func aRefusalReadsBack() throws {
        let (context, _) = try Self.request([.pasid])
        let file = PlanFile(refusal: .missingCapabilityBits(.pasid), context: context)
        var buffer = OutputBuffer(capacity: 1024)
        PlanReport.appendJSON(file, to: &buffer)
        #expect(buffer.text.contains(#""placements":[],"rejected":[],"error":{"kind":"#))
        #expect(buffer.text.hasSuffix(#""ok":false}"# + "\n"))
        #expect(try JSONDecoder().decode(PlanFile.self, from: Data(buffer.bytes)) == file)
    }

    @Test(arguments: [
        (
            PlanFileError(
                file: "plan.json", path: [.member("placements"), .index(1), .member("offset")],
                problem: .expected(.number)),
            "plan.json: placements[1].offset: expected a number"
        ),
        (
            PlanFileError(file: "p.json", path: [.member("placements"), .index(0), .member("id")], problem: .missing),
            "p.json: placements[0].id: missing"
        ),
        (
            PlanFileError(
                file: "p.json", path: [.member("strategy")], problem: .unknownName("x", expected: ["auto", "end"])),
            "p.json: strategy: 'x' is not one of auto, end"
        ),
        (
            PlanFileError(file: "p.json", problem: .notAPlan),
            #"p.json: not a plan: expected a JSON object with "placements" (cfgtui plan --json)"#
        ),
        (
            PlanFileError(
                file: "p.json",
                problem: .at([.member("placements"), .index(2)], .outsideConfigSpace(offset: -4, length: 8))),
            #"p.json: placements[2]: "offset" -4 and "length" 8 are outside the 4096-byte configuration space"#
        ),
    ])
    func messagesNameTheFileAndTheKey(error: PlanFileError, message: String) {
        #expect(ErrorText.message(error) == message)
    }
}
