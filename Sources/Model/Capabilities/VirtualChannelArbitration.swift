/// Arbitration table sizes of the Virtual Channel and MFVC capabilities (PCIe 6.0 §7.9.1-2),
/// shared by the length rule and the register table so the two cannot disagree.
enum VirtualChannelArbitration {
    /// Phases of the VC Arbitration Table from Port VC Capability 2 (bits 7:0: WRR with 32, 64
    /// or 128 phases), 0 when no table-based scheme is supported. 4 bits per phase.
    static func vcPhases(_ capability2: UInt32) -> Int {
        let supported = capability2 & 0xFF
        return supported & 0x08 != 0 ? 128 : supported & 0x04 != 0 ? 64 : supported & 0x02 != 0 ? 32 : 0
    }

    /// Phases of a resource's Port (Function) Arbitration Table from its VC Resource Capability
    /// (bits 7:0: WRR 32/64/128, time-based WRR 128, WRR 256), 0 when none is supported.
    static func portPhases(_ resourceCapability: UInt32) -> Int {
        let supported = resourceCapability & 0xFF
        if supported & 0x20 != 0 { return 256 }
        if supported & 0x18 != 0 { return 128 }
        if supported & 0x04 != 0 { return 64 }
        return supported & 0x02 != 0 ? 32 : 0
    }
}
