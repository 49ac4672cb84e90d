import Foundation
import Testing

/// `--bar-size` from the command line: sizes no BAR of that kind can have, BARs the function
/// lacks and BARs given twice are usage errors (64) that say why; possible sizes are taken.
@Suite struct BARSizeOptionTests {
    /// Runs `simulate --demo -s SLOT --bar-size ...` with one read (the device model: vfio
    /// refuses bridges).
    static func simulate(_ slot: String, _ sizes: [String]) throws -> Tooling.Output {
        let arguments =
            ["simulate", "--demo", "-s", slot, "--model", "device"] + sizes.flatMap { ["--bar-size", $0] } + [
                "-e", "COMMAND",
            ]
        return try #require(try Tooling.runCfgtui(arguments))
    }

    // The demo set: 01:00.0 an SR-IOV PF with a 64-bit BAR0 and a 64-bit VF BAR0, 01:00.1 its
    // VF, 00:1f.3 an SMBus function with a 32-bit memory BAR0 and an I/O BAR4, 00:02.0 a root
    // port (type 1 header).
    @Test(arguments: [
        ("01:00.0", ["0=3"], "3 bytes is not a BAR size: a BAR's size is 0 or a power of two"),
        ("01:00.0", ["0=2"], "no BAR is 2 bytes"),
        ("01:00.0", ["rom=1K"], "the Expansion ROM is 2 KiB to 2 GiB"),
        ("01:00.0", ["vf0=8"], "VF BAR 0 is a memory BAR, which is 16 bytes to 8 EiB, not 8 bytes"),
        ("01:00.0", ["0=8"], "0000:01:00.0: BAR 0 is a 64-bit memory BAR, which is 16 bytes to 8 EiB, not 8 bytes"),
        ("01:00.0", ["1=16K"], "BAR 1 is the upper half of the 64-bit BAR 0 at 0x10; give the pair's size as 0=SIZE"),
        ("01:00.0", ["1=0"], "BAR 1 is the upper half of the 64-bit BAR 0"),
        ("01:00.0", ["vf1=16K"], "VF BAR 1 is the upper half of the 64-bit VF BAR 0 at 0x"),
        ("01:00.1", ["1=16K"], "0000:01:00.1: BAR 1 is the upper half of the 64-bit BAR 0"),
        ("01:00.1", ["rom=4K"], "0000:01:00.1: a VF has no Expansion ROM"),
        ("00:1f.3", ["4=512"], "BAR 4 is an I/O BAR, which is 4 bytes to 256 bytes (PCI 3.0 §6.2.5.1), not 512 bytes"),
        ("00:1f.3", ["0=8"], "BAR 0 is a 32-bit memory BAR, which is 16 bytes to 2 GiB, not 8 bytes"),
        ("00:1f.3", ["0=4G"], "BAR 0 is a 32-bit memory BAR, which is 16 bytes to 2 GiB, not 4 GiB"),
        ("00:1f.3", ["vf0=16K"], "0000:00:1f.3: no SR-IOV capability, so no VF BAR 0"),
        ("00:02.0", ["2=4K"], "0000:00:02.0: a type 1 (bridge) header has 2 BARs (0-1), not BAR 2"),
        ("01:00.0", ["0=16K", "0=32K"], "--bar-size gives BAR 0 twice (0=16K and 0=32K); give each BAR once"),
    ])
    func impossibleSizesAreUsageErrors(slot: String, sizes: [String], message: String) throws {
        let output = try Self.simulate(slot, sizes)
        #expect(output.status == 64, "\(sizes): \(output.stderr)")
        #expect(output.stdout.isEmpty)
        #expect(output.stderr.contains(message), "\(output.stderr)")
    }

    @Test(arguments: [
        ("01:00.0", ["0=16K"]), ("01:00.0", ["0=8G", "vf0=16K", "vf2=0"]), ("01:00.1", ["0=16K", "2=0"]),
        ("00:1f.3", ["4=32", "0=256", "rom=0"]), ("00:02.0", ["0=4K", "1=0", "rom=2K"]),
    ])
    func possibleSizesAreTaken(slot: String, sizes: [String]) throws {
        let output = try Self.simulate(slot, sizes)
        #expect(output.status == 0, "\(sizes): \(output.stderr)")
        #expect(output.text.count == 5, "one read, 4 hex digits: \(output.text)")
    }

    @Test func theSizeReachesTheSimulation() throws {
        let output = try #require(
            try Tooling.runCfgtui([
                "simulate", "--demo", "-s", "00:1f.3", "--model", "device", "--bar-size", "4=32", "-e",
                "BASE_ADDRESS_4=ffffffff BASE_ADDRESS_4",
            ]))
        #expect(output.status == 0, "\(output.stderr)")
        #expect(output.text == "ffffffe1\n")
    }

    @Test func showGuestChecksEverySelectedFunction() throws {
        let refused = try #require(
            try Tooling.runCfgtui(["show", "--demo", "--guest", "vfio", "--bar-size", "2=4K"]))
        #expect(refused.status == 64)
        #expect(refused.stdout.isEmpty)
        #expect(refused.stderr.contains("--bar-size 2=4K: 0000:00:02.0: a type 1 (bridge) header has 2 BARs"))
        let twice = try #require(
            try Tooling.runCfgtui(["show", "--demo", "--guest", "vfio", "--bar-size", "0=4K", "--bar-size", "0=8K"]))
        #expect(twice.status == 64)
        #expect(twice.stderr.contains("gives BAR 0 twice"))
        let taken = try #require(
            try Tooling.runCfgtui(["show", "--demo", "-s", "01:00.1", "--guest", "vfio", "--bar-size", "0=16K"]))
        #expect(taken.status == 0, "\(taken.stderr)")
    }
}
