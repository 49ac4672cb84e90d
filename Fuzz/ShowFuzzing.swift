import Model
import Views

/// `cfgtui show` on one raw configuration space (the input's bytes, 0 to 4096 of them): the
/// header type, both capability walks, lengths, the layout map, every register table and
/// derived value, diagnostics, and the text and JSON reports.
///
/// Checked beyond "no trap": the layout map's promise (sorted regions without overlap that
/// cover the whole space, owners naming existing capabilities) and the register decoder
/// agreeing with the map on which bytes hold registers.
enum ShowFuzzing {
    static func run(_ bytes: [UInt8]) {
        let space = ConfigSpace(bytes: bytes)
        let address = PCIAddress(domain: 0, bus: 0x3B, device: 0, function: 1)
        guard let address else { return }
        // The last byte's low bit: analyzed as an SR-IOV VF (as sysfs reports one).
        let isVirtualFunction = bytes.last.map { $0 & 1 == 1 } ?? false
        let relation: FunctionRelation =
            isVirtualFunction
            ? .virtualFunction(physicalFunction: PCIAddress(domain: 0, bus: 0x3B, device: 0, function: 0) ?? address)
            : .none
        let function = PCIFunction(
            address: address, space: space, relation: relation, origin: .dump(file: "f", line: 1))
        show(function)
    }

    /// Decodes `function` as `show` does, and checks the analysis.
    static func show(_ function: PCIFunction) {
        let analysis = function.analyze()
        checkMap(analysis)
        for structure in RegisterDecoder.all(of: analysis) {
            for register in structure.registers {
                FuzzFailure.check(
                    register.range.start.rawValue >= 0 && register.range.end.rawValue <= analysis.space.size,
                    "register \(register.spec.name) at \(register.range.start.rawValue) outside the space")
            }
        }
        var text = OutputBuffer()
        TextReport.appendShow(function, to: &text)
        var json = OutputBuffer()
        JSONReport.append([function], detail: true, to: &json)
        FuzzFailure.check(!text.bytes.isEmpty && !json.bytes.isEmpty, "show printed nothing")
    }

    static func checkMap(_ analysis: FunctionAnalysis) {
        let regions = analysis.map.regions
        var next = 0
        for region in regions {
            FuzzFailure.check(
                region.range.start.rawValue == next, "map region at \(region.range.start.rawValue), expected \(next)")
            FuzzFailure.check(region.range.length > 0, "empty map region at \(next)")
            switch region.owner {
            case .capability(let index), .possiblyCapability(let index):
                FuzzFailure.check(
                    analysis.capabilities.indices.contains(index), "map owner names capability \(index)")
            case .header, .unclaimed, .alias, .unreadable: break
            }
            next = region.range.end.rawValue
        }
        FuzzFailure.check(next == analysis.space.size, "map covers \(next) of \(analysis.space.size) bytes")
        for gap in analysis.map.gaps {
            FuzzFailure.check(
                gap.nonZeroBytes >= 0 && gap.nonZeroBytes <= gap.range.length, "gap with \(gap.nonZeroBytes) non-zero")
            FuzzFailure.check(
                analysis.map.owner(at: gap.range.start) == .unclaimed, "gap at \(gap.range.start.rawValue) is claimed")
        }
    }
}
