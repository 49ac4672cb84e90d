extension RegisterCatalog {
    /// Registers of a standard capability (offsets relative to it).
    static func standardCapabilityRegisters(
        _ id: CapabilityID, at base: Int, in space: ConfigSpace, context: FunctionContext
    ) -> [RegisterSpec] {
        let length = CapabilityCatalog.length(of: .standard(id), at: base, in: space, context: context).bytes
        return genericRegisters(space: .standard, length: length)
    }

    /// Derived values of a standard capability.
    static func standardCapabilityDerivedValues(
        _ id: CapabilityID, at base: Int, in space: ConfigSpace, context: FunctionContext
    ) -> [DerivedValue] {
        []
    }
}
