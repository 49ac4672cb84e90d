import Model

extension PlanReport {
    /// `plan --vmm qemu`: where QEMU puts its vPASID, whether QEMU accepts it (it checks only
    /// capability headers), whether cfgtui's constraints accept that offset, and cfgtui's own
    /// proposal beside it.
    public static func appendQemu(_ comparison: QemuPlacementComparison, to buffer: inout OutputBuffer) {
        buffer.newline()
        buffer.append("  QEMU (vfio-pci vPASID, v7 series; not in QEMU 7.2):\n")
        buffer.append("    offset  0x")
        buffer.appendHex(UInt64(comparison.offset.rawValue), digits: 3)
        buffer.append(comparison.isDefault ? " (default: x-vpasid-cap-offset not given)" : " (x-vpasid-cap-offset)")
        buffer.newline()
        buffer.append("    QEMU    ")
        switch comparison.qemu {
        case .added?:
            buffer.append("adds it there, linked in ascending offset order (it checks capability headers only)")
        case .virtualPASIDRefused(let refusal)?: buffer.append("refuses: " + QemuChangeText.refusalText(refusal))
        default: buffer.append("cannot assign this function (see `cfgtui simulate --model qemu`)")
        }
        buffer.newline()
        buffer.append("    cfgtui  ")
        if let conflict = comparison.conflict {
            buffer.append("conflict: " + PlanText.reason(conflict))
        } else {
            buffer.append("no conflict with any structure, non-zero byte, reserve or peer")
        }
        buffer.newline()
        buffer.append("    verdict ")
        buffer.append(
            comparison.isSafe ? "QEMU's placement is safe on this function" : "QEMU's placement is not safe here")
        if let proposal = comparison.proposal {
            buffer.append("; cfgtui proposes 0x")
            buffer.appendHex(UInt64(proposal.rawValue), digits: 3)
            if proposal != comparison.offset {
                buffer.append(" (give x-vpasid-cap-offset=0x")
                buffer.append(String(proposal.rawValue, radix: 16))
                buffer.append(")")
            }
        }
        buffer.newline()
    }

    /// The `qemu` member of `plan --json --vmm qemu`.
    static func appendQemuJSON(_ comparison: QemuPlacementComparison, to buffer: inout OutputBuffer) {
        var object = JSONObject(&buffer)
        object.integer("offset", comparison.offset.rawValue, &buffer)
        object.bool("default", comparison.isDefault, &buffer)
        switch comparison.qemu {
        case .added?:
            object.bool("qemuAdds", true, &buffer)
        case .virtualPASIDRefused(let refusal)?:
            object.bool("qemuAdds", false, &buffer)
            object.string("qemuReason", QemuChangeText.refusalText(refusal), &buffer)
        default:
            object.bool("qemuAdds", false, &buffer)
            object.string("qemuReason", "the function cannot be assigned", &buffer)
        }
        object.string("conflict", comparison.conflict.map { PlanText.reason($0) }, &buffer)
        object.bool("safe", comparison.isSafe, &buffer)
        object.integer("proposal", comparison.proposal?.rawValue, &buffer)
        object.close(&buffer)
    }
}
