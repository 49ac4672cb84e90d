// The only file that imports CPCI: this host's functions through libpci (sysfs), and names
// from the PCI ID database. Read-only: the access is created with `writeable = 0`, and no
// code path writes configuration space.
import CPCI
import Glibc
import Model

/// Reads this host's PCI functions through libpci's sysfs back end.
///
/// libpci errors come back as `SourceError.libpci` (the shim's guarded calls), never as exit(1).
/// After an error the access is abandoned rather than cleaned up, since libpci may be in an
/// inconsistent state. An error on one function (its `vendor` unreadable, say) costs that
/// function only: it is listed with a diagnostic, and the others are read on a fresh access.
/// Each function's files are checked before libpci opens them (`SysfsFile`): a FIFO `config`
/// would block libpci's open(2), so it is refused and the function listed without bytes.
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
        if FileSystem.exists(root + "/bus/pci/devices") {
            sysfsPath = root + "/bus/pci"
        } else if FileSystem.exists(root + "/devices") {
            sysfsPath = root
        } else {
            throw .sysfsRootNotFound(root)
        }
    }

    func loadFunctions() throws(SourceError) -> [PCIFunction] {
        try scan(only: nil)
    }

    /// One stat when the function's directory is gone (the explorer asks every interval while
    /// a gone function is selected), a libpci scan otherwise.
    func reread(_ address: PCIAddress) throws(SourceError) -> PCIFunction? {
        guard FileSystem.exists(sysfsPath + "/devices/" + address.description) else { throw .functionGone(address) }
        guard let function = try scan(only: address).first else { throw .functionGone(address) }
        return function
    }

    /// What the passes of one scan have found so far.
    private struct Scan {
        var functions = [PCIFunction]()
        var done = Set<PCIAddress>()
        /// Functions libpci failed on, with its message: read again without that call.
        var libpciFailures = [PCIAddress: String]()
    }

    /// Each pass opens a fresh libpci access. After libpci's error hook fired, the access and the
    /// device it was working on are not trusted (abandoned, not cleaned up), so a failure on one
    /// function ends the pass; the next pass reads the functions not yet done, and that one
    /// without the call that failed. Every pass that ends early records a failure or finishes a
    /// function, so the passes end.
    private func scan(only wanted: PCIAddress?) throws(SourceError) -> [PCIFunction] {
        guard FileSystem.exists(sysfsPath + "/devices") else { return [] }
        var scan = Scan()
        while try !readPass(only: wanted, into: &scan) {}
        var functions = scan.functions
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

    /// One pass over a fresh access; false when a libpci error ended it early.
    private func readPass(only wanted: PCIAddress?, into scan: inout Scan) throws(SourceError) -> Bool {
        guard let access = pci_alloc() else { throw .libpci("pci_alloc failed") }
        cpci_install_hooks(access)
        access.pointee.method = UInt32(PCI_ACCESS_SYS_BUS_PCI.rawValue)
        access.pointee.writeable = 0
        _ = cpci_set_param(access, "sysfs.path", sysfsPath)
        guard cpci_init(access) == 0 else { throw .libpci(String(cString: cpci_last_error())) }
        guard cpci_scan_bus(access) == 0 else { throw .libpci(String(cString: cpci_last_error())) }

        var device = access.pointee.devices
        while let current = device {
            device = current.pointee.next
            guard
                let address = PCIAddress(
                    domain: Int(current.pointee.domain), bus: Int(current.pointee.bus),
                    device: Int(current.pointee.dev), function: Int(current.pointee.func))
            else { continue }
            if let wanted, wanted != address { continue }
            if scan.done.contains(address) { continue }
            let earlier = scan.libpciFailures[address]
            switch read(current, at: address, earlierFailure: earlier) {
            case .read(let function):
                scan.functions.append(function)
                scan.done.insert(address)
            case .libpciFailed(let message):
                if let earlier {
                    // Failed again without the first call: listed with what was said, no bytes.
                    scan.functions.append(unreadFunction(at: address, messages: [earlier, message]))
                    scan.done.insert(address)
                } else {
                    scan.libpciFailures[address] = message
                }
                return false  // the access is abandoned
            }
        }
        pci_cleanup(access)
        return true
    }

    private enum FunctionRead {
        case read(PCIFunction)
        case libpciFailed(String)
    }

    /// Reads one function: its files checked first, libpci asked only about those it can open.
    private func read(
        _ device: UnsafeMutablePointer<pci_dev>, at address: PCIAddress, earlierFailure: String?
    ) -> FunctionRead {
        let directory = sysfsPath + "/devices/" + address.description
        var diagnostics = [Diagnostic]()
        func note(_ path: String, _ problem: SysfsFileProblem) {
            diagnostics.append(Diagnostic(.sysfsFileUnusable(path: path, problem: problem)))
        }
        // libpci's identity: its vendor, device and class files (a missing one is a libpci error).
        var usesLibPCIIdentity = true
        for name in ["vendor", "device", "class"] {
            if case .unusable(let problem) = SysfsFile.status(of: directory + "/" + name) {
                note(directory + "/" + name, problem)
                usesLibPCIIdentity = false
            }
        }
        if let earlierFailure {
            note(directory, .libpci(message: earlierFailure))
            usesLibPCIIdentity = false
        }
        var vendorID: UInt16?
        var deviceID: UInt16?
        var driver: String?
        if usesLibPCIIdentity {
            guard cpci_fill_info(device, PCI_FILL_IDENT | PCI_FILL_CLASS | PCI_FILL_DRIVER) == 0 else {
                return .libpciFailed(String(cString: cpci_last_error()))
            }
            vendorID = device.pointee.vendor_id
            deviceID = device.pointee.device_id
            // libpci reads `driver` with readlink and realpath: a dangling or looping link is no driver.
            if let property = cpci_string_property(device, UInt32(PCI_FILL_DRIVER)) {
                driver = String(cString: property)
            }
        }

        let bytes: [UInt8]
        let size: Int
        switch SysfsFile.status(of: directory + "/config", allowsEmpty: false) {
        case .unusable(let problem):
            note(directory + "/config", problem)
            bytes = []
            size = ConfigSpace.conventionalSize
        case .regular(let fileSize):
            // 4096 for PCIe, 256 for conventional functions.
            size = min(fileSize, ConfigSpace.extendedSize)
            do {
                bytes = try Self.readConfig(device, size: size)
            } catch {
                guard case .libpci(let message) = error else { return .libpciFailed("\(error)") }
                return .libpciFailed(message)
            }
        }

        var relation = FunctionRelation.none
        let physfn = directory + "/physfn"
        if let target = FileSystem.linkTarget(physfn),
            let pf = PCIAddress(parsing: FileSystem.lastComponent(of: target))
        {
            if FileSystem.exists(physfn) {
                relation = .virtualFunction(physicalFunction: pf)
            } else {
                note(physfn, .danglingLink(target: target))
            }
        }
        let space = ConfigSpace(bytes: bytes, size: size)
        let readable = space.readableLength
        var function = PCIFunction(
            address: address, space: space, vendorID: vendorID, deviceID: deviceID,
            relation: relation, driver: driver, origin: .host,
            isUnprivilegedRead: readable < space.size && (readable == 64 || readable == 128),
            sourceDiagnostics: diagnostics)
        function.names = names.names(for: function)
        function.iommuGroup = IOMMUGroupFile.group(ofDeviceAt: directory)
        return .read(function)
    }

    /// A function libpci failed on twice: its address and libpci's messages, no bytes.
    private func unreadFunction(at address: PCIAddress, messages: [String]) -> PCIFunction {
        let directory = sysfsPath + "/devices/" + address.description
        var function = PCIFunction(
            address: address, space: ConfigSpace(bytes: []), origin: .host,
            sourceDiagnostics: messages.map {
                Diagnostic(.sysfsFileUnusable(path: directory, problem: .libpci(message: $0)))
            })
        function.names = names.names(for: function)
        return function
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
