import ArgumentParser
import Model
import Views

/// What QEMU is told about the assigned function: the guest bus, the `-device vfio-pci`
/// properties that change config space, and whether the vIOMMU offers PASID. Shared by
/// `simulate --model qemu`, `show --guest qemu`, `plan --vmm qemu` and the explorer.
struct QemuDeviceOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Where QEMU plugs the function in (qemu model): \(QemuGuestBus.choiceList(marking: .rootPort)). root: q35's pcie.0 (Endpoints become RCiEPs); root-port: behind a pcie-root-port; conventional: behind a PCI bridge. (default: root-port)",
            valueName: "bus"),
        completion: QemuGuestBus.completion, transform: QemuGuestBus.parse)
    var guestBus = QemuGuestBus.rootPort

    @Option(
        name: .customLong("qemu-device"),
        help: ArgumentHelp(
            "vfio-pci properties as QEMU takes them, comma separated: \(QemuPropertyList.syntax). Repeatable.",
            valueName: "props"))
    var properties: [String] = []

    @Flag(
        name: .customLong("vpasid"),
        help:
            "The vIOMMU and the host report PASID: QEMU adds its vPASID (the pending v7 series, not in a QEMU release) at x-vpasid-cap-offset or 0xff8."
    )
    var virtualPASID = false

    @Option(
        name: .customLong("vpasid-width"), parsing: .unconditional,
        help: ArgumentHelp(
            "The vPASID's Max PASID Width, the IOMMU's max PASID (default: the PF's PASID width, else 20).",
            valueName: "n"), transform: NumberOption.parse)
    var virtualPASIDWidth: Int?

    func validate() throws {
        _ = try QemuPropertyList.parse(properties)
        if let virtualPASIDWidth, !(1...20).contains(virtualPASIDWidth) {
            throw ValidationError("--vpasid-width \(virtualPASIDWidth): the width is 1-20")
        }
        if virtualPASIDWidth != nil && !virtualPASID { throw ValidationError("--vpasid-width goes with --vpasid") }
    }

    /// Whether any option differs from its default (for commands where they need the qemu model).
    var isGiven: Bool { guestBus != .rootPort || !properties.isEmpty || virtualPASID }

    /// The QEMU options for `function`; the vPASID's width and Execute/Privileged come from the
    /// host's PASID (the PF's for a VF): its Capability width and its Control enables.
    func options(physicalFunction: ConfigSpace?, function: ConfigSpace) throws -> QemuOptions {
        var options = try QemuPropertyList.parse(properties)
        options.bus = guestBus
        if virtualPASID {
            options.virtualPASID = QemuVirtualPASID(
                offset: options.virtualPASID?.offset ?? 0, host: physicalFunction ?? function, width: virtualPASIDWidth)
        } else {
            options.virtualPASID = nil
        }
        return options
    }
}

/// `-device vfio-pci,...` properties that shape config space.
enum QemuPropertyList {
    static let syntax =
        "rombar=0|1, multifunction=on|off, x-pci-vendor-id=ID, x-pci-device-id=ID, x-pci-sub-vendor-id=ID, x-pci-sub-device-id=ID, x-msix-relocation=bar0-bar5|off, x-vpasid-cap-offset=OFFSET"

    static func parse(_ lists: [String]) throws -> QemuOptions {
        var options = QemuOptions()
        for list in lists {
            for item in list.split(separator: ",") {
                let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
                guard parts.count == 2 else {
                    throw ValidationError("--qemu-device '\(item)': expected NAME=VALUE (\(syntax))")
                }
                let (name, value) = (parts[0], parts[1])
                switch name {
                case "rombar": options.romBAR = try number(value, name: name, limit: 1) != 0
                case "multifunction":
                    guard let on = onOff(value) else {
                        throw ValidationError("--qemu-device multifunction=\(value): expected on or off")
                    }
                    options.multifunction = on
                case "x-pci-vendor-id":
                    let id = try number(value, name: name, limit: 0xFFFE)
                    options.vendorID = UInt16(id)
                case "x-pci-device-id": options.deviceID = UInt16(try number(value, name: name, limit: 0xFFFF))
                case "x-pci-sub-vendor-id":
                    options.subsystemVendorID = UInt16(try number(value, name: name, limit: 0xFFFF))
                case "x-pci-sub-device-id":
                    options.subsystemID = UInt16(try number(value, name: name, limit: 0xFFFF))
                case "x-msix-relocation":
                    if value == "off" {
                        options.msixRelocation = nil
                    } else if value.hasPrefix("bar"), let index = Int(value.dropFirst(3)), (0...5).contains(index) {
                        options.msixRelocation = index
                    } else {
                        throw ValidationError("--qemu-device x-msix-relocation=\(value): expected bar0-bar5 or off")
                    }
                case "x-vpasid-cap-offset":
                    let offset = try number(value, name: name, limit: 0xFFF)
                    var pasid = QemuVirtualPASID(offset: offset)
                    if let problem = pasid.offsetProblem {
                        throw ValidationError(
                            "--qemu-device \(item): " + QemuChangeText.message(.virtualPASIDRefused(problem)))
                    }
                    pasid.offset = offset
                    options.virtualPASID = pasid
                default:
                    throw ValidationError("--qemu-device: unknown or unmodelled property '\(name)' (known: \(syntax))")
                }
            }
        }
        return options
    }

    /// A number as QEMU's property parser takes it: decimal, or hex with 0x.
    private static func number(_ text: String, name: String, limit: Int) throws -> Int {
        let value: Int?
        if text.hasPrefix("0x") || text.hasPrefix("0X") {
            value = Int(text.dropFirst(2), radix: 16)
        } else {
            value = Int(text)
        }
        guard let value, value >= 0, value <= limit else {
            throw ValidationError("--qemu-device \(name)=\(text): expected a number from 0 to \(limit) (0x for hex)")
        }
        return value
    }

    private static func onOff(_ text: String) -> Bool? {
        switch text {
        case "on", "true", "yes": true
        case "off", "false", "no": false
        default: nil
        }
    }
}
