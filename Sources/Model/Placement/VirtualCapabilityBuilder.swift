/// The PASID capability bits a virtual PASID capability advertises (PASID Capability
/// register, +4; PCIe r6.0 §7.8.9.2).
public struct PASIDBits: Hashable, Sendable {
    /// The largest Max PASID Width the specification allows.
    public static let maximumWidth = 20

    /// Max PASID Width (bits 12:8), 0-20.
    public var maxWidth: Int
    /// Execute Permission Supported (bit 1).
    public var executeSupported: Bool
    /// Privileged Mode Supported (bit 2).
    public var privilegedSupported: Bool

    public init(maxWidth: Int, executeSupported: Bool = false, privilegedSupported: Bool = false) {
        self.maxWidth = maxWidth
        self.executeSupported = executeSupported
        self.privilegedSupported = privilegedSupported
    }

    /// Decodes a PASID Capability register.
    public init(capabilityRegister value: UInt16) {
        self.init(
            maxWidth: Int(value >> 8) & 0x1F, executeSupported: value & 0x2 != 0, privilegedSupported: value & 0x4 != 0)
    }

    /// The PASID Capability register value (reserved bits 0).
    public var capabilityRegister: UInt16 {
        UInt16(maxWidth & 0x1F) << 8 | (executeSupported ? 0x2 : 0) | (privilegedSupported ? 0x4 : 0)
    }
}

/// The PRI capability bits a virtual PRI capability advertises (PCIe r6.0 §10.5.2).
public struct PRIBits: Hashable, Sendable {
    /// Outstanding Page Request Capacity (+8).
    public var outstandingCapacity: UInt32
    /// PRG Response PASID Required (Status bit 15).
    public var prgResponsePASIDRequired: Bool

    public init(outstandingCapacity: UInt32, prgResponsePASIDRequired: Bool = false) {
        self.outstandingCapacity = outstandingCapacity
        self.prgResponsePASIDRequired = prgResponsePASIDRequired
    }

    /// The PRI Status register of a disabled PRI: Stopped (bit 8, its default while Enable is
    /// clear) and PRG Response PASID Required (bit 15); the RW1C error bits clear.
    public var statusRegister: UInt16 { 0x0100 | (prgResponsePASIDRequired ? 0x8000 : 0) }
}

/// Where a virtual capability's advertised bits came from.
public enum CapabilityBitsSource: Hashable, Sendable {
    /// Copied from the PF's capability of the same ID at this offset.
    case physicalFunction(ConfigOffset)
    /// Given on the command line (or by the caller).
    case options
    /// No bits to copy: the capability register is 0 (ATS without a PF ATS).
    case cleared
    /// The structure is fully described by its identity (DVSEC) or by cfgtui (free-space DVSEC).
    case layout
}

/// The register contents of a virtual capability: what follows its header, and where its
/// advertised bits came from.
public struct VirtualCapabilityContents: Hashable, Sendable {
    /// The bytes from +4 to the end of the structure.
    public var body: [UInt8]
    /// Where the advertised bits came from.
    public var bitsSource: CapabilityBitsSource
    /// The decoded bits, for reports.
    public var bits: VirtualCapabilityBits

    public init(body: [UInt8], bitsSource: CapabilityBitsSource, bits: VirtualCapabilityBits) {
        self.body = body
        self.bitsSource = bitsSource
        self.bits = bits
    }
}

/// The advertised bits of a virtual capability, decoded.
public enum VirtualCapabilityBits: Hashable, Sendable {
    case pasid(PASIDBits)
    case pri(PRIBits)
    /// The ATS Capability register (Invalidate Queue Depth cleared).
    case ats(capabilityRegister: UInt16)
    case dvsec(DVSECIdentity)
    case freeSpaceDVSEC(FreeSpaceDVSEC)
}

/// Builds the registers of virtual PASID, PRI, ATS and DVSEC capabilities, copying the PF's
/// capability bits where the PF has the capability.
///
/// Control registers always start cleared (nothing is enabled). The rules:
///
/// | capability | copied from the PF | otherwise |
/// | --- | --- | --- |
/// | PASID | Max PASID Width, Execute and Privileged Mode Supported | `pasidOptions`, else refused |
/// | PRI | Outstanding Page Request Capacity, PRG Response PASID Required | `priOptions`, else refused |
/// | ATS | the ATS Capability register except Invalidate Queue Depth, which VFs hardwire to 0 | 0 |
/// | DVSEC | nothing: Vendor ID, Revision, Length and DVSEC ID come from the request | |
///
/// Options win over the PF's bits when both are given (the caller warns when they differ).
/// PRI Status starts as a disabled PRI reads: Stopped set, as QEMU's `pcie_pri_init` does.
///
/// ```
/// let contents = try VirtualCapabilityBuilder.contents(for: .pasid, physicalFunction: pf)
/// contents.body       // [0x06, 0x14, 0x00, 0x00]: Width 20, Exec, Priv; Control 0
/// ```
public enum VirtualCapabilityBuilder {
    /// The register contents of `capability`.
    ///
    /// Throws `PlacementError.missingCapabilityBits` when PASID or PRI has neither a PF
    /// capability to copy nor options, and `.invalidPASIDWidth` for a width above 20.
    public static func contents(
        for capability: VirtualCapability, physicalFunction: ConfigSpace?, pasidOptions: PASIDBits? = nil,
        priOptions: PRIBits? = nil
    ) throws(PlacementError) -> VirtualCapabilityContents {
        let pfCapability = physicalFunction.flatMap { pf in
            FunctionAnalysis(space: pf).capability(.extended(capability.extendedID))
        }
        switch capability {
        case .pasid:
            let bits: PASIDBits
            let source: CapabilityBitsSource
            if let pasidOptions {
                bits = pasidOptions
                source = .options
            } else if let pfCapability, let pf = physicalFunction,
                let register = pf.word(at: pfCapability.offset.rawValue + 4)
            {
                bits = PASIDBits(capabilityRegister: register)
                source = .physicalFunction(pfCapability.offset)
            } else {
                throw .missingCapabilityBits(.pasid)
            }
            guard (0...PASIDBits.maximumWidth).contains(bits.maxWidth) else { throw .invalidPASIDWidth(bits.maxWidth) }
            return VirtualCapabilityContents(
                body: [UInt8].littleEndian(UInt64(bits.capabilityRegister), count: 2) + [0, 0], bitsSource: source,
                bits: .pasid(bits))
        case .pri:
            let bits: PRIBits
            let source: CapabilityBitsSource
            if let priOptions {
                bits = priOptions
                source = .options
            } else if let pfCapability, let pf = physicalFunction,
                let status = pf.word(at: pfCapability.offset.rawValue + 6),
                let capacity = pf.dword(at: pfCapability.offset.rawValue + 8)
            {
                bits = PRIBits(outstandingCapacity: capacity, prgResponsePASIDRequired: status & 0x8000 != 0)
                source = .physicalFunction(pfCapability.offset)
            } else {
                throw .missingCapabilityBits(.pri)
            }
            let body =
                [0, 0] + [UInt8].littleEndian(UInt64(bits.statusRegister), count: 2)
                + [UInt8].littleEndian(UInt64(bits.outstandingCapacity), count: 4) + [0, 0, 0, 0]
            return VirtualCapabilityContents(body: body, bitsSource: source, bits: .pri(bits))
        case .ats:
            var register: UInt16 = 0
            var source = CapabilityBitsSource.cleared
            if let pfCapability, let pf = physicalFunction, let value = pf.word(at: pfCapability.offset.rawValue + 4) {
                register = value & ~0x1F
                source = .physicalFunction(pfCapability.offset)
            }
            return VirtualCapabilityContents(
                body: [UInt8].littleEndian(UInt64(register), count: 2) + [0, 0], bitsSource: source,
                bits: .ats(capabilityRegister: register))
        case .dvsec(let identity):
            if let problem = identity.problem { throw .invalidDVSEC(problem) }
            let header1 =
                UInt32(identity.vendorID) | UInt32(identity.revision & 0xF) << 16 | UInt32(identity.length & 0xFFF)
                << 20
            var body =
                [UInt8].littleEndian(UInt64(header1), count: 4)
                + [UInt8].littleEndian(UInt64(identity.dvsecID), count: 2)
            body += [UInt8](repeating: 0, count: max(0, identity.length - 4 - body.count))
            return VirtualCapabilityContents(body: body, bitsSource: .layout, bits: .dvsec(identity))
        case .freeSpaceDVSEC(let dvsec):
            return VirtualCapabilityContents(body: dvsec.body, bitsSource: .layout, bits: .freeSpaceDVSEC(dvsec))
        }
    }
}
