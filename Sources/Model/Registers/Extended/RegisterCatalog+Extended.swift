// Register tables for the PCI Express extended capabilities (IDs 0x0000-0x003A): the dispatch
// and the small builders the per-capability files share. Layouts follow the PCI Express Base
// Specification (chapter 7) as published in Linux include/uapi/linux/pci_regs.h, pciutils
// lib/header.h and ls-ecaps.c, and registers.md; IDs without a public layout get the generic
// header-plus-opaque-body table.

extension RegisterCatalog {
    /// Registers of an extended capability (offsets relative to it), in offset order.
    static func extendedCapabilityRegisters(
        _ id: ExtendedCapabilityID, at base: Int, version: Int, in space: ConfigSpace, context: FunctionContext
    ) -> [RegisterSpec] {
        let length = CapabilityCatalog.length(of: .extended(id), at: base, in: space, context: context).bytes
        let reader = FieldReader(space: space, base: base)
        switch id {
        case .null: return [extendedCapabilityHeader]
        case .advancedErrorReporting: return aerRegisters(length: length, context: context)
        case .virtualChannel, .virtualChannel9:
            return virtualChannelRegisters(reader, length: length, isMultiFunction: false)
        case .multiFunctionVirtualChannel:
            return virtualChannelRegisters(reader, length: length, isMultiFunction: true)
        case .deviceSerialNumber: return deviceSerialNumberRegisters
        case .powerBudgeting: return powerBudgetingRegisters
        case .rootComplexLinkDeclaration: return rootComplexLinkDeclarationRegisters(reader, length: length)
        case .rootComplexInternalLinkControl: return rootComplexInternalLinkControlRegisters
        case .rootComplexEventCollectorAssociation: return rcecAssociationRegisters(version: version)
        case .rootComplexRegisterBlock: return rcrbHeaderRegisters
        case .vendorSpecific: return vendorSpecificRegisters(length: length)
        case .accessControlServices: return accessControlServicesRegisters(reader, length: length)
        case .alternativeRoutingID: return alternativeRoutingIDRegisters
        case .addressTranslationServices: return addressTranslationRegisters(context: context)
        case .singleRootIOV: return singleRootIOVRegisters(reader)
        case .multicast: return multicastRegisters(length: length)
        case .pageRequest: return pageRequestRegisters
        case .resizableBAR: return resizableBARRegisters(length: length, isVirtualFunctionBAR: false)
        case .vfResizableBAR: return resizableBARRegisters(length: length, isVirtualFunctionBAR: true)
        case .dynamicPowerAllocation: return dynamicPowerAllocationRegisters(reader, length: length)
        case .tphRequester: return tphRequesterRegisters(reader, length: length)
        case .latencyToleranceReporting: return latencyToleranceRegisters
        case .secondaryPCIExpress: return secondaryPCIExpressRegisters(context: context, length: length)
        case .protocolMultiplexing: return protocolMultiplexingRegisters(reader)
        case .processAddressSpaceID: return processAddressSpaceIDRegisters
        case .lnRequester: return lnRequesterRegisters
        case .downstreamPortContainment: return downstreamPortContainmentRegisters(reader, length: length)
        case .l1PMSubstates: return l1PMSubstatesRegisters(version: version)
        case .precisionTimeMeasurement: return precisionTimeMeasurementRegisters
        case .pcieOverMPHY: return mphyRegisters
        case .frsQueueing: return frsQueueingRegisters
        case .readinessTimeReporting: return readinessTimeRegisters
        case .designatedVendorSpecific: return designatedVendorSpecificRegisters(length: length)
        case .dataLinkFeature: return dataLinkFeatureRegisters
        case .physicalLayer16: return physicalLayer16Registers(context: context, length: length)
        case .laneMarginingAtReceiver: return laneMarginingRegisters(context: context, length: length)
        case .hierarchyID: return hierarchyIDRegisters
        case .nativePCIeEnclosureManagement: return enclosureManagementRegisters
        case .physicalLayer32: return physicalLayer32Registers(context: context, length: length)
        case .alternateProtocol: return alternateProtocolRegisters
        case .systemFirmwareIntermediary: return firmwareIntermediaryRegisters
        case .shadowFunctions: return shadowFunctionsRegisters
        case .dataObjectExchange: return dataObjectExchangeRegisters
        case .device3: return device3Registers
        case .integrityAndDataEncryption: return integrityAndDataEncryptionRegisters(reader, length: length)
        case .physicalLayer64: return physicalLayer64Registers(context: context, length: length)
        case .flitLogging: return flitLoggingRegisters
        case .flitPerformanceMeasurement: return flitPerformanceRegisters
        case .flitErrorInjection: return flitErrorInjectionRegisters
        case .streamlinedVirtualChannel: return streamlinedVirtualChannelRegisters
        case .mmioRegisterBlockLocator: return registerBlockLocatorRegisters
        case .physicalLayer128: return physicalLayer128Registers
        default: return genericRegisters(space: .extended, length: length)
        }
    }

    /// Derived values of an extended capability.
    static func extendedCapabilityDerivedValues(
        _ id: ExtendedCapabilityID, at base: Int, in space: ConfigSpace, context: FunctionContext
    ) -> [DerivedValue] {
        let reader = FieldReader(space: space, base: base)
        switch id {
        case .deviceSerialNumber: return deviceSerialNumberValues(reader)
        case .singleRootIOV: return singleRootIOVValues(reader, context: context)
        case .latencyToleranceReporting: return latencyToleranceValues(reader)
        case .resizableBAR, .vfResizableBAR: return resizableBARValues(reader)
        case .l1PMSubstates: return l1PMSubstatesValues(reader)
        case .readinessTimeReporting: return readinessTimeValues(reader)
        default: return []
        }
    }

    // MARK: - Shared builders

    /// A register whose single field spans all its bits.
    static func whole(
        _ offset: Int, width: Int, _ name: String, _ access: RegisterAccess, _ meaning: String,
        _ decoding: FieldDecoding? = nil
    ) -> RegisterSpec {
        RegisterSpec(
            offset, width: width, name, fields: [RegisterField(0...(8 * width - 1), name, access, meaning, decoding)])
    }

    /// A fully reserved register.
    static func reservedRegister(_ offset: Int, width: Int, _ access: RegisterAccess = .reservedPreserve)
        -> RegisterSpec
    {
        if [1, 2, 3, 4, 8].contains(width) {
            return RegisterSpec(offset, width: width, "Reserved", fields: [.reserved(0...(8 * width - 1), access)])
        }
        return opaque(offset, width: width, "Reserved")
    }

    /// Sorts `registers` by offset, drops any that overlap an earlier one (tables placed by
    /// pointers read from hardware can collide) and fills the holes up to `length` with
    /// reserved blocks, so the result satisfies the table invariants for any input.
    static func finished(_ registers: [RegisterSpec], length: Int?) -> [RegisterSpec] {
        // Stable by offset, so a fixed register wins over a table placed on top of it.
        let sorted = registers.enumerated().sorted { ($0.element.offset, $0.offset) < ($1.element.offset, $1.offset) }
        var result = [RegisterSpec]()
        result.reserveCapacity(sorted.count + 2)
        var end = 0
        for (_, register) in sorted where register.offset >= end && register.width > 0 {
            if register.offset > end, let length, end < length {
                let gapEnd = min(register.offset, length)
                result.append(opaque(end, width: gapEnd - end, "Reserved"))
            }
            result.append(register)
            end = register.offset + register.width
        }
        if let length, end < length {
            result.append(opaque(end, width: length - end, "Reserved"))
        }
        return result
    }

    /// One flag field per bit of `bits`, named by `name(bit)`, for bit vectors whose bits each
    /// mean one thing (supported sizes, lanes, device numbers).
    static func flagFields(
        _ bits: ClosedRange<Int>, _ access: RegisterAccess, name: (Int) -> String, meaning: (Int) -> String
    ) -> [RegisterField] {
        bits.map { RegisterField($0, name($0), access, meaning($0)) }
    }

    /// A human size for 2^exponent bytes (1 MiB, 512 GiB ...), for field names.
    static func sizeName(exponent: Int) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"]
        let unit = min(exponent / 10, units.count - 1)
        return "\(1 << (exponent - 10 * unit)) \(units[unit])"
    }

    /// Lane count for per-lane registers: the Maximum Link Width, when known.
    static func laneCount(_ context: FunctionContext) -> Int {
        min(context.express?.maxLinkWidth ?? 0, 32)
    }

    /// Whether the function's port faces downstream (root or switch downstream port).
    static func isDownstreamPort(_ context: FunctionContext) -> Bool {
        context.express?.portType.isDownstreamFacing ?? false
    }
}

extension RegisterField {
    /// A reserved field (RsvdP unless `access` says otherwise).
    static func reserved(_ bits: ClosedRange<Int>, _ access: RegisterAccess = .reservedPreserve) -> RegisterField {
        RegisterField(bits, "Reserved", access, "Reserved", .number)
    }

    /// A one-bit reserved field.
    static func reserved(_ bit: Int, _ access: RegisterAccess = .reservedPreserve) -> RegisterField {
        reserved(bit...bit, access)
    }
}
