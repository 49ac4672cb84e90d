// The one file of the executable that imports a Foundation module: FoundationEssentials, for
// its JSONDecoder. swift-argument-parser links FoundationEssentials (statically, like the rest
// of the Swift runtime in the binary that ships), so decoding plan files with it adds no
// library; Foundation itself and FoundationInternationalization (ICU and its data, 70 MB of
// the static binary) are not linked. `make lint` keeps Foundation out of Sources/.
import FoundationEssentials
import Model

/// Decodes a `plan --json` file (`simulate --plan FILE`) into a `PlanFile`; a failure is the
/// decoder's error, which `PlanFileError(file:decoding:)` turns into a message with the path.
enum PlanFileDecoder {
    static func decode(_ bytes: [UInt8]) throws -> PlanFile {
        try JSONDecoder().decode(PlanFile.self, from: Data(bytes))
    }
}
