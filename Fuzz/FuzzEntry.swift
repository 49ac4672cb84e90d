import Foundation
import Model

/// libFuzzer's entry points for cfgtui's fuzz targets. One binary holds every target; the
/// environment picks one:
///
/// ```
/// CFGTUI_FUZZ_TARGET=dump .build/fuzz/cfgtui-fuzz -max_total_time=45 corpus/dump seeds/dump
/// CFGTUI_FUZZ_WRITE_SEEDS=.build/fuzz/seeds CFGTUI_FUZZ_SEED_DUMPS=dir1:dir2 .build/fuzz/cfgtui-fuzz
/// ```
///
/// A target returns normally for every input the code under test handles (errors included);
/// anything else (a trap, a sanitizer report, a broken invariant: `FuzzFailure.fail`) is a
/// finding libFuzzer saves as a crash artifact.

/// The target this process runs, from `CFGTUI_FUZZ_TARGET` (read once).
private let selectedTarget: FuzzTarget? = {
    guard let name = ProcessInfo.processInfo.environment["CFGTUI_FUZZ_TARGET"] else { return nil }
    return FuzzTarget(rawValue: name)
}()

@_cdecl("LLVMFuzzerInitialize")
public func fuzzerInitialize(
    _ argc: UnsafeMutablePointer<CInt>?,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>?
) -> CInt {
    let environment = ProcessInfo.processInfo.environment
    if let directory = environment["CFGTUI_FUZZ_WRITE_SEEDS"] {
        let dumps = (environment["CFGTUI_FUZZ_SEED_DUMPS"] ?? "").split(separator: ":").map(String.init)
        let counts = FuzzSeeds.write(to: directory, dumpDirectories: dumps)
        for target in FuzzTarget.allCases {
            print("seeds: \(target.rawValue) \(counts[target, default: 0])")
        }
        exit(0)
    }
    guard let name = environment["CFGTUI_FUZZ_TARGET"] else {
        FuzzFailure.usage("CFGTUI_FUZZ_TARGET is not set")
    }
    guard selectedTarget != nil else { FuzzFailure.usage("unknown target \(name)") }
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let target = selectedTarget else { return 0 }
    let bytes = data.map { [UInt8](UnsafeBufferPointer(start: $0, count: size)) } ?? []
    target.run(bytes)
    return 0
}

/// The fuzz targets, by the name `CFGTUI_FUZZ_TARGET` and `scripts/fuzz.sh` use.
enum FuzzTarget: String, CaseIterable, Sendable {
    /// `LspciDump.read` on text and binary dumps, then `list` and `show` of what it read.
    case dump
    /// One raw configuration space: the analysis, the layout map, every register table, `show`.
    case show
    /// The planner on random spaces and requests.
    case plan
    /// The setpci parser and resolver (`SetpciProgram`) against demo functions.
    case setpci
    /// The write simulator with the device model.
    case writeDevice = "write-device"
    /// The write simulator with the vfio model.
    case writeVfio = "write-vfio"
    /// The write simulator with the qemu model.
    case writeQemu = "write-qemu"
    /// The plan-file decoder (Foundation's JSONDecoder on `PlanFile`) and its virtual regions.
    case planFile = "plan-file"
    /// Checks the harness itself: traps on an input starting with "crash" (not run in CI's loop).
    case selfTestCrash = "selftest-crash"
    /// Leaks on every input (to show LeakSanitizer is on).
    case selfTestLeak = "selftest-leak"
    /// Hangs on an input starting with "hang" (to show -timeout works).
    case selfTestHang = "selftest-hang"

    func run(_ bytes: [UInt8]) {
        switch self {
        case .dump: DumpFuzzing.run(bytes)
        case .show: ShowFuzzing.run(bytes)
        case .plan: PlanFuzzing.run(bytes)
        case .setpci: SetpciFuzzing.run(bytes)
        case .writeDevice: WriteFuzzing.run(bytes, model: .device)
        case .writeVfio: WriteFuzzing.run(bytes, model: .vfio)
        case .writeQemu: WriteFuzzing.run(bytes, model: .qemu)
        case .planFile: PlanFileFuzzing.run(bytes)
        case .selfTestCrash, .selfTestLeak, .selfTestHang: SelfTestFuzzing.run(bytes, target: self)
        }
    }
}

/// How a target reports a finding: a message on stderr, then abort() (libFuzzer saves the input).
enum FuzzFailure {
    static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data(("cfgtui-fuzz: invariant broken: " + message + "\n").utf8))
        abort()
    }

    static func check(_ condition: Bool, _ message: @autoclosure () -> String) {
        if !condition { fail(message()) }
    }

    static func usage(_ message: String) -> Never {
        let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")
        FileHandle.standardError.write(Data(("cfgtui-fuzz: \(message) (targets: \(names))\n").utf8))
        exit(2)
    }
}
