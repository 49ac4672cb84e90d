import Foundation
import Testing

@testable import Model

/// Reading plan files back: tolerant of unknown and missing keys, precise about wrong ones.
@Suite struct PlanFileTests {
    /// Decodes `json` as the executable does (Foundation's decoder), mapping failures to `PlanFileError`.
    static func decode(_ json: String) -> Result<PlanFile, PlanFileError> {
        do {
            return .success(try JSONDecoder().decode(PlanFile.self, from: Data(json.utf8)))
        } catch {
            return .failure(PlanFileError(file: "plan.json", decoding: error))
        }
    }

    static func error(_ json: String) throws -> PlanFileError {
        guard case .failure(let error) = decode(json) else {
            Issue.record("\(json) decoded")
            throw CancellationError()
        }
        return error
    }

    static let pasid = #"{"capability":"pasid","id":27,"offset":4088,"length":8,"bytes":"06140000"}"#

    @Test func unknownKeysAreIgnoredAndMissingOnesDefaulted() throws {
        let json = #"{"future":{"x":[1,2]},"placements":[{"id":27,"offset":4088,"length":8,"extra":true}]}"#
        let file = try Self.decode(json).get()
        #expect(file.target == nil && file.physicalFunction == nil)
        #expect(file.strategy == .auto)
        #expect(file.isComplete)
        #expect(file.rejected.isEmpty && file.decisions.isEmpty && file.listHead == nil)
        let placement = try #require(file.placements.first)
        #expect(placement.capability == nil)
        #expect(placement.version == 1)
        #expect(placement.bytes == nil)
        #expect(placement.coversNonZero.isEmpty)
    }

    @Test func typedMembersDecode() throws {
        let json = """
            {"target":"0000:01:00.1","physicalFunction":null,"strategy":"pf-offset","placements":[\(Self.pasid)],
             "rejected":[{"capability":"pri","strategy":"end","offset":4080,"constraint":"otherPlacement",
                          "range":{"offset":4088,"length":8}}],
             "decisions":[{"capability":"pasid","outcome":"placed","offset":4088,"strategy":"end",
                           "steps":[{"strategy":"end","outcome":"placed","offset":4088}]}],
             "listHead":"nullCapability","ok":true}
            """
        let file = try Self.decode(json).get()
        #expect(file.target == PCIAddress(parsing: "0000:01:00.1"))
        #expect(file.strategy == .pfOffset)
        #expect(file.placements.first?.bytes?.bytes == [0x06, 0x14, 0x00, 0x00])
        #expect(file.rejected.first?.constraint == .otherPlacement)
        #expect(file.rejected.first?.range == PlanFile.Span(offset: 4088, length: 8))
        #expect(file.decisions.first?.outcome == .placed)
        #expect(file.decisions.first?.steps.first?.strategy == .end)
        #expect(file.listHead == .nullCapability)
    }

    @Test(arguments: [
        (
            #"{"placements":[{"id":27,"offset":4088,"length":8},{"id":27,"offset":"0xff8","length":8}]}"#,
            [PlanFileKey.member("placements"), .index(1), .member("offset")], PlanFileProblem.expected(.number)
        ),
        (
            #"{"placements":[{"offset":4088,"length":8}]}"#,
            [.member("placements"), .index(0), .member("id")], .missing
        ),
        (
            #"{"placements":[{"id":27,"offset":null,"length":8}]}"#,
            [.member("placements"), .index(0), .member("offset")], .expected(.number)
        ),
        (
            #"{"placements":{}}"#, [.member("placements")], .expected(.list)
        ),
        (
            #"{"placements":[7]}"#, [.member("placements"), .index(0)], .expected(.object)
        ),
        (
            #"{"placements":[],"ok":"yes"}"#, [.member("ok")], .expected(.boolean)
        ),
        (
            #"{"placements":[],"peers":[1]}"#, [.member("peers"), .index(0)], .expected(.text)
        ),
        (
            #"{"placements":[{"id":27,"offset":4088,"length":8,"bytes":"0614000"}]}"#,
            [.member("placements"), .index(0), .member("bytes")], .expectedHexBytes
        ),
        (
            #"{"placements":[],"strategy":"middle"}"#, [.member("strategy")],
            .unknownName("middle", expected: ["auto", "pf-offset", "end", "first-fit", "table", "dvsec-hint", "at"])
        ),
        (
            #"{"placements":[],"target":"01:00"}"#, [.member("target")], .invalidValue
        ),
    ])
    func wrongValuesNameTheirKeyPath(json: String, path: [PlanFileKey], problem: PlanFileProblem) throws {
        let error = try Self.error(json)
        #expect(error.file == "plan.json")
        #expect(error.path == path)
        #expect(error.problem == problem)
    }

    @Test(arguments: ["", "not json", "[1,2]", #"{"ok":true}"#, #"{"placements":[]"#])
    func somethingElseIsNotAPlan(json: String) throws {
        let error = try Self.error(json)
        #expect(error.path.isEmpty)
        #expect(error.problem == .notAPlan)
    }

    // MARK: - Placements as virtual capabilities

    static func regions(_ json: String, virtualSpace: ConfigSpace? = nil) throws -> Result<
        [VirtualRegion], PlanFileError
    > {
        let file = try decode(json).get()
        do throws(PlanFileProblem) {
            return .success(try file.virtualRegions(virtualSpace: virtualSpace))
        } catch {
            return .failure(PlanFileError(file: "plan.json", problem: error))
        }
    }

    @Test func placementsBecomeVirtualRegions() throws {
        let regions = try Self.regions(#"{"placements":[\#(Self.pasid)]}"#).get()
        #expect(
            regions == [VirtualRegion(id: .processAddressSpaceID, version: 1, offset: 0xFF8, body: [6, 0x14, 0, 0])])
        // Without bytes, from the virtual space.
        var bytes = [UInt8](repeating: 0, count: 4096)
        bytes[0xFFC] = 0x06
        let space = ConfigSpace(bytes: bytes)
        let fromSpace = try Self.regions(
            #"{"placements":[{"id":27,"offset":4088,"length":8,"version":2}]}"#, virtualSpace: space
        ).get()
        #expect(
            fromSpace == [VirtualRegion(id: .processAddressSpaceID, version: 2, offset: 0xFF8, body: [6, 0, 0, 0])])
    }

    @Test(arguments: [
        (#"{"ok":false,"placements":[]}"#, [PlanFileKey](), PlanFileProblem.incomplete),
        (
            #"{"placements":[{"id":70000,"offset":4088,"length":8}]}"#,
            [.member("placements"), .index(0), .member("id")], .notAnExtendedCapabilityID(70000)
        ),
        (
            #"{"placements":[{"id":27,"offset":4088,"length":2}]}"#,
            [.member("placements"), .index(0), .member("length")], .shorterThanAHeader(2)
        ),
        (
            #"{"placements":[{"id":27,"offset":4092,"length":8}]}"#,
            [.member("placements"), .index(0)], .outsideConfigSpace(offset: 4092, length: 8)
        ),
        (
            #"{"placements":[{"id":27,"offset":4088,"length":9223372036854775000}]}"#,
            [.member("placements"), .index(0)], .outsideConfigSpace(offset: 4088, length: 9_223_372_036_854_775_000)
        ),
        (
            #"{"placements":[{"id":27,"offset":4088,"length":8,"bytes":"0614"}]}"#,
            [.member("placements"), .index(0), .member("bytes")], .wrongByteCount(expected: 4, found: 2)
        ),
        (
            #"{"placements":[{"id":27,"offset":4088,"length":8}]}"#, [.member("placements"), .index(0)], .noBytes
        ),
    ])
    func placementsAreChecked(json: String, path: [PlanFileKey], problem: PlanFileProblem) throws {
        guard case .failure(let error) = try Self.regions(json) else {
            Issue.record("\(json) gave regions")
            return
        }
        #expect(error.path == path)
        #expect(error.problem == problem)
    }
}
