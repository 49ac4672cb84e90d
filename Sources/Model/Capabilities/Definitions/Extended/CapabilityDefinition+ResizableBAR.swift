// Resizable BAR (0x0015, PCIe r6.0 §7.8.6) and VF Resizable BAR (0x0024, §7.8.7, same layout).
// Masks from Linux pci_regs.h (PCI_REBAR_CAP_SIZES, PCI_REBAR_CTRL_BAR_IDX/NBAR/BAR_SIZE); the
// sizes in control bits 31:16 follow pciutils ls-ecaps.c (capability bit n: 2^(n+16) bytes,
// control bit n: 2^(n+32) bytes). One capability/control pair per BAR; NBAR is in the first.

extension ExtendedCapabilityID {
    public static let resizableBAR = ExtendedCapabilityID(0x0015)
    public static let vfResizableBAR = ExtendedCapabilityID(0x0024)
}

extension CapabilityDefinition {
    static let resizableBARFamily = [resizableBAR, vfResizableBAR]

    static let resizableBAR = resizableBAR(
        .resizableBAR, "Resizable BAR", abbreviation: "ReBAR", setpci: "ECAP_REBAR", section: "7.8.6",
        isVirtualFunctionBAR: false)

    static let vfResizableBAR = resizableBAR(
        .vfResizableBAR, "VF Resizable BAR", abbreviation: "VFReBAR", setpci: "ECAP_VF_REBAR", section: "7.8.7",
        isVirtualFunctionBAR: true)

    /// ReBAR (§7.8.6) and VF ReBAR (§7.8.7) share one layout; VF ReBAR resizes the VF BARs.
    private static func resizableBAR(
        _ id: ExtendedCapabilityID, _ name: String, abbreviation: String, setpci: String, section: String,
        isVirtualFunctionBAR: Bool
    ) -> CapabilityDefinition {
        let label = isVirtualFunctionBAR ? "VF Resizable BAR # " : "Resizable BAR # "
        return CapabilityDefinition(
            .extended(id), name, abbreviation: abbreviation, setpci: setpci, reference: .pcie(section),
            length: barCountLength,
            registers: .computed { _, length in
                RegisterCatalog.resizableBARRegisters(length: length, isVirtualFunctionBAR: isVirtualFunctionBAR)
            },
            sections: [
                "Extended Capability Header": section + ".1", label + "Capability": section + ".2",
                label + "Control": section + ".3",
            ],
            derivedValues: { input in RegisterCatalog.resizableBARValues(input.reader) })
    }

    /// 4 + 8 per BAR; the number of BARs (1-6) is in the first control register (bits 7:5 at +8).
    private static let barCountLength = LengthRule.computed("4 + 8 per BAR (the count at +8, bits 7:5)") { input in
        let reader = input.reader
        guard let control = reader.dword(8) else { return reader.unreadable(8) }
        let count = Int(control >> 5) & 7
        return (1...6).contains(count)
            ? .computed(4 + 8 * count) : .unknown(.invalidField(ConfigOffset(input.base + 8), value: count))
    }
}

extension RegisterCatalog {
    /// One capability/control pair per resizable BAR (NBAR from the first control register).
    fileprivate static func resizableBARRegisters(length: Int?, isVirtualFunctionBAR: Bool) -> [RegisterSpec] {
        let count = length.map { ($0 - 4) / 8 } ?? 1
        let templates = isVirtualFunctionBAR ? vfResizableBARPairs : resizableBARPairs
        var registers = [extendedCapabilityHeader]
        for entry in 0..<max(1, min(count, 6)) {
            let pair = entry == 0 ? templates.first : templates.others
            let label = (isVirtualFunctionBAR ? "VF " : "") + "Resizable BAR \(entry) "
            registers.append(pair.capability.moved(by: 8 * entry, name: label + "Capability"))
            registers.append(pair.control.moved(by: 8 * entry, name: label + "Control"))
        }
        return registers
    }

    /// The current size of every resizable BAR.
    fileprivate static func resizableBARValues(_ reader: FieldReader) -> [DerivedValue] {
        guard let first = reader.dword(8) else { return [] }
        let count = Int(first >> 5) & 7
        guard (1...6).contains(count) else { return [] }
        var values = [DerivedValue]()
        for entry in 0..<count {
            guard let control = reader.dword(8 + 8 * entry) else { break }
            let size = Int(control >> 8) & 0x3F
            let name = "BAR\(control & 7) current size"
            values.append(
                DerivedValue(name, size + 20 < 64 ? .bytes(UInt64(1) << UInt64(size + 20)) : .reserved(UInt64(size))))
        }
        return values
    }

    private struct ResizableBARPair {
        let capability: RegisterSpec
        let control: RegisterSpec
    }

    private static func resizableBARPair(isFirst: Bool, isVirtualFunctionBAR: Bool) -> ResizableBARPair {
        let bar = isVirtualFunctionBAR ? "VF BAR" : "BAR"
        let capability = RegisterSpec(
            0x04, width: 4, "Capability",
            fields: [.reserved(0...3)]
                + flagFields(4...31, .readOnly, name: { sizeName(exponent: $0 + 16) }) {
                    "The \(bar) can be sized to \(sizeName(exponent: $0 + 16))"
                })
        var controlFields = [
            RegisterField(0...2, "BAR Index", .readOnly, "Which \(bar) (0-5) this entry resizes", .number),
            .reserved(3...4),
        ]
        controlFields.append(
            isFirst
                ? RegisterField(
                    5...7, "Number of Resizable BARs", .readOnly, "Entries in this capability (first entry only)",
                    .number)
                : .reserved(5...7))
        controlFields += [
            RegisterField(
                8...13, "BAR Size", .readWrite, "Current size of the \(bar): 2^(value + 20) bytes",
                .bytesPowerOfTwo(exponentOffset: 20)),
            .reserved(14...15),
        ]
        controlFields += flagFields(16...31, .readOnly, name: { sizeName(exponent: $0 + 32) }) {
            "The \(bar) can be sized to \(sizeName(exponent: $0 + 32))"
        }
        return ResizableBARPair(
            capability: capability, control: RegisterSpec(0x08, width: 4, "Control", fields: controlFields))
    }

    private static let resizableBARPairs = (
        first: resizableBARPair(isFirst: true, isVirtualFunctionBAR: false),
        others: resizableBARPair(isFirst: false, isVirtualFunctionBAR: false)
    )
    private static let vfResizableBARPairs = (
        first: resizableBARPair(isFirst: true, isVirtualFunctionBAR: true),
        others: resizableBARPair(isFirst: false, isVirtualFunctionBAR: true)
    )
}
