extension RegisterCatalog {
    /// Registers of an extended capability (offsets relative to it).
    static func extendedCapabilityRegisters(
        _ id: ExtendedCapabilityID, at base: Int, version: Int, in space: ConfigSpace, context: FunctionContext
    ) -> [RegisterSpec] {
        let length = CapabilityCatalog.length(of: .extended(id), at: base, in: space, context: context).bytes
        return genericRegisters(space: .extended, length: length)
    }

    /// Derived values of an extended capability.
    static func extendedCapabilityDerivedValues(
        _ id: ExtendedCapabilityID, at base: Int, in space: ConfigSpace, context: FunctionContext
    ) -> [DerivedValue] {
        []
    }
}
