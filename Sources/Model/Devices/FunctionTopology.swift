/// Relations between functions that the bytes themselves reveal.
public enum FunctionTopology {
    /// Marks VFs in a set of functions from each PF's SR-IOV capability (VF Enable set,
    /// NumVFs, First VF Offset, VF Stride), as the kernel finds them, and gives each VF the
    /// PF's vendor and the VF Device ID. Relations already known (from sysfs) are kept.
    ///
    /// A link is made only between functions of the same source (one dump file, this host, the
    /// demo set) and only to a function that looks like the PF's VF: at a routing ID First VF
    /// Offset and VF Stride give, header type 0, and a Vendor ID of 0xFFFF (as SR-IOV requires
    /// VFs to read) or the PF's vendor with the VF Device ID.
    ///
    /// ```
    /// let functions = FunctionTopology.inferringVirtualFunctions(in: dumpedFunctions)
    /// ```
    public static func inferringVirtualFunctions(in functions: [PCIFunction]) -> [PCIFunction] {
        var result = functions
        var indexByKey = [FunctionKey: Int]()
        for (index, function) in functions.enumerated() where indexByKey[function.key] == nil {
            indexByKey[function.key] = index
        }
        for (pfIndex, pf) in functions.enumerated() {
            guard case .none = pf.relation, let sriov = SRIOVSummary(in: pf.space), sriov.isVFEnabled else { continue }
            var present = [PCIAddress]()
            let source = pf.origin.source
            for vf in sriov.virtualFunctionAddresses(of: pf.address) {
                guard let vfIndex = indexByKey[FunctionKey(source: source, address: vf)], vfIndex != pfIndex,
                    case .none = result[vfIndex].relation,
                    looksLikeVirtualFunction(result[vfIndex], of: pf, sriov: sriov)
                else { continue }
                result[vfIndex].relation = .virtualFunction(physicalFunction: pf.address)
                if result[vfIndex].space.word(at: 0) == 0xFFFF || result[vfIndex].vendorID == 0xFFFF {
                    result[vfIndex].vendorID = pf.vendorID
                    result[vfIndex].deviceID = sriov.vfDeviceID
                }
                present.append(vf)
            }
            if !present.isEmpty { result[pfIndex].relation = .physicalFunction(virtualFunctions: present) }
        }
        return result
    }

    /// Whether `candidate` can be `pf`'s VF: header type 0, and its IDs read 0xFFFF or are
    /// the PF's vendor with the VF Device ID.
    static func looksLikeVirtualFunction(_ candidate: PCIFunction, of pf: PCIFunction, sriov: SRIOVSummary) -> Bool {
        guard let headerType = candidate.space.byte(at: 0x0E), headerType & 0x7F == 0,
            let vendor = candidate.space.word(at: 0x00)
        else { return false }
        // A VF has no SR-IOV capability of its own (a copy of the PF at a VF's address is not one).
        if SRIOVSummary(in: candidate.space) != nil { return false }
        if vendor == 0xFFFF { return true }
        return vendor == pf.vendorID && candidate.space.word(at: 0x02) == sriov.vfDeviceID
    }

    /// Each address that more than one function holds (in one file or several), with those
    /// functions (indexes), for a warning and for telling them apart.
    public static func duplicateAddresses(in functions: [PCIFunction]) -> [PCIAddress: [Int]] {
        var byAddress = [PCIAddress: [Int]]()
        for (index, function) in functions.enumerated() { byAddress[function.address, default: []].append(index) }
        return byAddress.filter { $0.value.count > 1 }
    }
}

/// The SR-IOV facts needed to find a PF's VFs (SR-IOV 1.1 §3.3).
public struct SRIOVSummary: Hashable, Sendable {
    public var offset: ConfigOffset
    public var control: UInt16
    public var totalVFs: Int
    public var numVFs: Int
    public var firstVFOffset: Int
    public var vfStride: Int
    public var vfDeviceID: UInt16

    /// Reads the SR-IOV capability of a space, when it has one and it is readable.
    public init?(in space: ConfigSpace) {
        // Only the extended list is needed; a full analysis would cost more for every function.
        guard space.readableLength > ConfigSpace.conventionalSize,
            let capability = CapabilityChain.walkExtended(space).capabilities.first(where: {
                $0.kind == .extended(.singleRootIOV)
            })
        else { return nil }
        let base = capability.offset.rawValue
        guard let control = space.word(at: base + 0x08), let total = space.word(at: base + 0x0E),
            let number = space.word(at: base + 0x10), let first = space.word(at: base + 0x14),
            let stride = space.word(at: base + 0x16), let device = space.word(at: base + 0x1A)
        else { return nil }
        self.offset = capability.offset
        self.control = control
        self.totalVFs = Int(total)
        self.numVFs = Int(number)
        self.firstVFOffset = Int(first)
        self.vfStride = Int(stride)
        self.vfDeviceID = device
    }

    /// VF Enable (SR-IOV Control bit 0).
    public var isVFEnabled: Bool { control & 1 != 0 }

    /// The addresses of VFs 1...count (NumVFs by default): PF RID + First VF Offset + (n-1) x Stride.
    /// VFs whose routing ID would pass 0xFFFF are left out.
    public func virtualFunctionAddresses(of pf: PCIAddress, count: Int? = nil) -> [PCIAddress] {
        let wanted = min(count ?? numVFs, 0xFFFF)
        var addresses = [PCIAddress]()
        addresses.reserveCapacity(max(0, wanted))
        for number in 0..<max(0, wanted) {
            let routingID = pf.routingID + firstVFOffset + number * vfStride
            guard let address = PCIAddress(domain: pf.domain, routingID: routingID) else { break }
            addresses.append(address)
        }
        return addresses
    }
}
