import Foundation
import Model
import Views

/// `cfgtui simulate --plan FILE` on an arbitrary file: Foundation's JSONDecoder on `PlanFile`
/// (as `SimulateCommand` decodes it), the error a failure maps to, the placements as virtual
/// regions (bytes from the file or from the demo VF's space, as `--virtual-dump` gives them),
/// and the vfio simulator on the demo VF with those regions.
///
/// Checked beyond "no trap": a file that decodes (and is not a refusal, which the writer
/// shortens) is written back by `PlanReport.appendJSON` as text that decodes to the same
/// value; the regions lie inside the 4 KiB space; and the simulator reads back a region's
/// header as the file gives it when it accepts the regions.
enum PlanFileFuzzing {
    static func run(_ bytes: [UInt8]) {
        let file: PlanFile
        do {
            file = try JSONDecoder().decode(PlanFile.self, from: Data(bytes))
        } catch {
            _ = ErrorText.message(PlanFileError(file: "plan.json", decoding: error))
            return
        }
        if file.error == nil {
            var json = OutputBuffer()
            PlanReport.appendJSON(file, to: &json)
            do {
                let again = try JSONDecoder().decode(PlanFile.self, from: Data(json.bytes))
                FuzzFailure.check(again == file, "the plan file written back decodes to a different value")
            } catch {
                FuzzFailure.fail("the plan file written back does not decode: \(error)")
            }
        }
        guard let target = FuzzSeeds.demoVirtualFunction else { return }
        let withBytes = bytes.count % 2 == 0
        let regions: [VirtualRegion]
        do throws(PlanFileProblem) {
            regions = try file.virtualRegions(virtualSpace: withBytes ? target.space : nil)
        } catch {
            _ = ErrorText.message(PlanFileError(file: "plan.json", problem: error))
            return
        }
        for region in regions {
            FuzzFailure.check(
                region.offset.rawValue >= 0 && region.range.end.rawValue <= ConfigSpace.extendedSize,
                "region at \(region.offset.rawValue) of \(region.body.count + 4) bytes outside the space")
        }
        let emulator: WriteEmulator
        do throws(WriteEmulationError) {
            emulator = try WriteEmulator(
                function: SimulatedFunction(space: target.space, isVirtualFunction: true),
                options: SimulationOptions(model: .vfio, virtualCapabilities: regions))
        } catch {
            _ = SimulationReport.message(error)
            return
        }
        for region in regions where region.offset.isDwordAligned {
            let header = emulator.guestValue(at: region.offset.rawValue, count: 4)
            FuzzFailure.check(
                header & 0xFFFF == UInt32(region.id.rawValue),
                "region \(region.id.rawValue) at \(region.offset.rawValue) reads back with ID \(header & 0xFFFF)")
        }
    }
}
