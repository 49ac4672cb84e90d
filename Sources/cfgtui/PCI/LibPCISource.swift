// The only file that imports CPCI: this host's functions through libpci (sysfs), and names
// from the PCI ID database. Read-only: the access is created with `writeable = 0`, and no
// code path writes configuration space.
import CPCI
import Foundation
import Model

/// Reads this host's PCI functions through libpci's sysfs back end.
///
/// libpci errors come back as `SourceError.libpci` (the shim's guarded calls), never as exit(1).
/// After an error the access is abandoned rather than cleaned up, since libpci may be in an
/// inconsistent state.
struct LibPCISource: ConfigSpaceSource {
    /// libpci's `sysfs.path`: the directory that holds `devices/`.
    let sysfsPath: String
    let names: PCINameDatabase

    /// Resolves `--sysfs-root`: a sysfs mount (`DIR/bus/pci/devices`) or libpci's
    /// `sysfs.path` itself (`DIR/devices`). Nil means the real /sys.
    init(sysfsRoot: String?, names: PCINameDatabase) throws(SourceError) {
        self.names = names
        guard let root = sysfsRoot else {
            sysfsPath = "/sys/bus/pci"
            return
        }
        let manager = FileManager.default
        if manager.fileExists(atPath: root + "/bus/pci/devices") {
            sysfsPath = root + "/bus/pci"
        } else if manager.fileExists(atPath: root + "/devices") {
            sysfsPath = root
        } else {
            throw .sysfsRootNotFound(root)
        }
    }

    func loadFunctions() throws(SourceError) -> [PCIFunction] {
        try scan(only: nil)
    }

    func reread(_ address: PCIAddress) throws(SourceError) -> PCIFunction? {
        guard let function = try scan(only: address).first else { throw .functionGone(address) }
        return function
    }

    private func scan(only wanted: PCIAddress?) throws(SourceError) -> [PCIFunction] {
        guard FileManager.default.fileExists(atPath: sysfsPath + "/devices") else { return [] }
        guard let access = pci_alloc() else { throw .libpci("pci_alloc failed") }
        cpci_install_hooks(access)
        access.pointee.method = UInt32(PCI_ACCESS_SYS_BUS_PCI.rawValue)
        access.pointee.writeable = 0
        _ = cpci_set_param(access, "sysfs.path", sysfsPath)
        guard cpci_init(access) == 0 else { throw .libpci(String(cString: cpci_last_error())) }
        guard cpci_scan_bus(access) == 0 else { throw .libpci(String(cString: cpci_last_error())) }
        var healthy = true
        defer { if healthy { pci_cleanup(access) } }

        var functions = [PCIFunction]()
        var device = access.pointee.devices
        while let current = device {
            device = current.pointee.next
            guard
                let address = PCIAddress(
                    domain: Int(current.pointee.domain), bus: Int(current.pointee.bus),
                    device: Int(current.pointee.dev), function: Int(current.pointee.func))
            else { continue }
            if let wanted, wanted != address { continue }
            guard cpci_fill_info(current, PCI_FILL_IDENT | PCI_FILL_CLASS | PCI_FILL_DRIVER) == 0 else {
                healthy = false
                throw .libpci(String(cString: cpci_last_error()))
            }
            let directory = sysfsPath + "/devices/" + address.description
            let size = Self.configFileSize(directory + "/config")
            let bytes: [UInt8]
            do {
                bytes = try Self.readConfig(current, size: size)
            } catch {
                healthy = false
                throw error
            }
            var driver: String?
            if let property = cpci_string_property(current, UInt32(PCI_FILL_DRIVER)) {
                driver = String(cString: property)
            }
            var relation = FunctionRelation.none
            if let physfn = try? FileManager.default.destinationOfSymbolicLink(atPath: directory + "/physfn"),
                let pf = PCIAddress(parsing: (physfn as NSString).lastPathComponent)
            {
                relation = .virtualFunction(physicalFunction: pf)
            }
            let space = ConfigSpace(bytes: bytes, size: size)
            let readable = space.readableLength
            var function = PCIFunction(
                address: address, space: space, vendorID: current.pointee.vendor_id,
                deviceID: current.pointee.device_id,
                relation: relation, driver: driver, origin: .host,
                isUnprivilegedRead: readable < space.size && (readable == 64 || readable == 128),
                sourceDiagnostics: [])
            function.names = names.names(for: function)
            functions.append(function)
        }
        // PFs learn their VFs from the VFs' physfn links.
        var vfsByPF = [PCIAddress: [PCIAddress]]()
        for function in functions {
            if case .virtualFunction(let pf) = function.relation { vfsByPF[pf, default: []].append(function.address) }
        }
        for index in functions.indices {
            if let vfs = vfsByPF[functions[index].address] {
                functions[index].relation = .physicalFunction(virtualFunctions: vfs.sorted())
            }
        }
        return functions.sorted { $0.address < $1.address }
    }

    /// The size of the sysfs `config` file: 4096 for PCIe, 256 for conventional functions.
    private static func configFileSize(_ path: String) -> Int {
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? nil
        guard let size, size > 0 else { return ConfigSpace.conventionalSize }
        return min(size, ConfigSpace.extendedSize)
    }

    /// Reads as much configuration space as the kernel allows: the whole file, else 256,
    /// 128 (CardBus, unprivileged) or 64 bytes (unprivileged).
    private static func readConfig(_ device: UnsafeMutablePointer<pci_dev>, size: Int) throws(SourceError) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: ConfigSpace.extendedSize)
        for length in [size, 256, 128, 64] where length <= size {
            let result = buffer.withUnsafeMutableBufferPointer { pointer in
                cpci_read_block(device, 0, pointer.baseAddress, Int32(length))
            }
            if result < 0 { throw .libpci(String(cString: cpci_last_error())) }
            if result == 1 { return Array(buffer.prefix(length)) }
        }
        return []
    }
}

/// Names from pci.ids through libpci's name lookup (for host functions and dumps alike).
final class PCINameDatabase {
    private let access: UnsafeMutablePointer<pci_access>?
    private var buffer = [CChar](repeating: 0, count: 256)

    init() {
        access = pci_alloc()
        if let access { cpci_install_hooks(access) }
    }

    deinit {
        if let access { pci_cleanup(access) }
    }

    /// Looks up every name a function has.
    func names(for function: PCIFunction) -> FunctionNames {
        var names = FunctionNames()
        let vendor = Int32(function.vendorID)
        let device = Int32(function.deviceID)
        names.vendor = lookup { cpci_lookup_vendor(access, $0, $1, vendor) }
        names.device = lookup { cpci_lookup_device(access, $0, $1, vendor, device) }
        if let classCode = function.classCode {
            let classID = Int32(classCode >> 8)
            names.className = lookup { cpci_lookup_class(access, $0, $1, classID) }
            names.programmingInterface = lookup {
                cpci_lookup_prog_if(access, $0, $1, classID, Int32(classCode & 0xFF))
            }
        }
        if (function.space.byte(at: 0x0E) ?? 0) & 0x7F == 0, let subsystemVendor = function.space.word(at: 0x2C),
            let subsystem = function.space.word(at: 0x2E), subsystemVendor != 0
        {
            names.subsystemVendor = lookup { cpci_lookup_subsystem_vendor(access, $0, $1, Int32(subsystemVendor)) }
            names.subsystem = lookup {
                cpci_lookup_subsystem_device(access, $0, $1, vendor, device, Int32(subsystemVendor), Int32(subsystem))
            }
        }
        return names
    }

    private func lookup(_ call: (UnsafeMutablePointer<CChar>, Int32) -> UnsafePointer<CChar>?) -> String? {
        guard access != nil else { return nil }
        return buffer.withUnsafeMutableBufferPointer { pointer -> String? in
            guard let base = pointer.baseAddress, let result = call(base, Int32(pointer.count)) else { return nil }
            return String(cString: result)
        }
    }
}
