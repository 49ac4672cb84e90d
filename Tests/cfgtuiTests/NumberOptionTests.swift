import Foundation
import Testing

/// Numeric options from the command line: a negative number is refused as one ("must be ≥ 0"),
/// not taken for a flag ("Missing value"), and --at offsets past the space say so.
@Suite struct NumberOptionTests {
    static let plan = ["plan", "--demo", "-s", "01:00.1", "--add", "pasid", "--add", "pri"]

    @Test(arguments: [
        (plan + ["--at", "-4"], "'-4' is invalid for '--at <cap=offset>': --at '-4': an offset must be ≥ 0"),
        (plan + ["--at", "pasid=-4"], "--at 'pasid=-4': the offset must be ≥ 0"),
        (plan + ["--pasid-width", "-1"], "The value '-1' is invalid for '--pasid-width <n>': must be ≥ 0"),
        (plan + ["--pri-capacity", "-1"], "The value '-1' is invalid for '--pri-capacity <n>': must be ≥ 0"),
        (plan + ["--pri-capacity", "-0x10"], "The value '-0x10' is invalid for '--pri-capacity <n>': must be ≥ 0"),
        (
            [
                "simulate", "--demo", "-s", "01:00.1", "--model", "qemu", "--vpasid", "--vpasid-width", "-1", "-e",
                "STATUS",
            ],
            "The value '-1' is invalid for '--vpasid-width <n>': must be ≥ 0"
        ),
        (
            ["explore", "--demo", "--dump-screen", "text", "--size", "-1"],
            "'-1' is invalid for '--size <WxH>': must be ≥ 0"
        ),
        (["explore", "--demo", "--dump-screen", "text", "--interval", "-1"], "'--interval <seconds>': must be ≥ 0"),
        (
            plan + ["--at", "pasid=0x1000"],
            "--at 'pasid=0x1000': 0x1000 is outside the configuration space (0x000-0xfff)"
        ),
        (plan + ["--at", "pasid=10000"], "--at 'pasid=10000': 0x10000 is outside the configuration space"),
        (plan + ["--at", "pasid=0x123456789abcdef0123"], "is outside the configuration space (0x000-0xfff)"),
        (plan + ["--at", "pasid=xyz"], "expected CAP=OFFSET with OFFSET in hex"),
    ])
    func refusedWithTheReason(arguments: [String], message: String) throws {
        let output = try #require(try Tooling.runCfgtui(arguments))
        #expect(output.status == 64, "\(output.stderr)")
        #expect(output.stdout.isEmpty)
        #expect(output.stderr.contains(message), "\(output.stderr)")
        #expect(!output.stderr.contains("Missing value"), "\(output.stderr)")
    }

    @Test func validNumbersStillWork() throws {
        let placed = try #require(
            try Tooling.runCfgtui(
                Self.plan + ["--at", "pasid=0x0ff8", "--pasid-width", "0x10", "--pri-capacity", "64", "--json"]))
        #expect(placed.status == 0, "\(placed.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: placed.stdout) as? [String: Any])
        let placements = try #require(document["placements"] as? [[String: Any]])
        #expect(placements.first?["offset"] as? Int == 0xFF8)
        let frame = try #require(
            try Tooling.runCfgtui([
                "explore", "--demo", "--dump-screen", "text", "--size", "60x15", "--interval", "0.5",
            ]))
        #expect(frame.status == 0, "\(frame.stderr)")
        #expect(frame.text.split(separator: "\n").count == 15)
    }
}
