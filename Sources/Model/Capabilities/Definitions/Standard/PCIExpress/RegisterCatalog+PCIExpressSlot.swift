// PCI Express capability, slot and root registers: Slot Capabilities/Control/Status
// (+0x14-0x1B, PCIe r6.0 §7.5.3.9-7.5.3.11), Root Control/Capabilities/Status
// (+0x1C-0x23, §7.5.3.12-7.5.3.14) and Slot Capabilities 2/Control 2/Status 2 (+0x34-0x3B,
// §7.5.3.21-7.5.3.23). Slot registers mean something only on Root and Downstream Ports with
// Slot Implemented; root registers only on Root Ports and Root Complex Event Collectors.

extension RegisterCatalog {
    private static let indicatorNames = FieldDecoding.values([
        FieldValueName(1, "on"), FieldValueName(2, "blink"), FieldValueName(3, "off"),
    ])

    /// Slot Capabilities, Slot Control and Slot Status.
    static let pciExpressSlotRegisters = [
        RegisterSpec(
            0x14, width: 4, "Slot Capabilities",
            fields: [
                RegisterField(0, "Attention Button Present", .hardwareInit, "The slot has an attention button"),
                RegisterField(1, "Power Controller Present", .hardwareInit, "Software can switch slot power"),
                RegisterField(2, "MRL Sensor Present", .hardwareInit, "The slot has a retention latch sensor"),
                RegisterField(3, "Attention Indicator Present", .hardwareInit, "The slot has an attention indicator"),
                RegisterField(4, "Power Indicator Present", .hardwareInit, "The slot has a power indicator"),
                RegisterField(5, "Hot-Plug Surprise", .hardwareInit, "A card may be removed without warning"),
                RegisterField(6, "Hot-Plug Capable", .hardwareInit, "The slot supports hot-plug"),
                RegisterField(
                    7...14, "Slot Power Limit Value", .hardwareInit,
                    "Power the slot supplies, times the scale (F0h-F2h at 1.0x: 250, 275, 300 W)"),
                RegisterField(
                    15...16, "Slot Power Limit Scale", .hardwareInit, "Scale of the slot power limit",
                    pciExpressPowerScaleNames),
                RegisterField(
                    17, "Electromechanical Interlock Present", .hardwareInit, "The slot has an electromechanical lock"),
                RegisterField(
                    18, "No Command Completed Support", .hardwareInit,
                    "Slot Control writes take effect at once (no Command Completed event)"),
                RegisterField(19...31, "Physical Slot Number", .hardwareInit, "Chassis-unique number of the slot"),
            ]),
        RegisterSpec(
            0x18, width: 2, "Slot Control",
            fields: [
                RegisterField(0, "Attention Button Pressed Enable", .readWrite, "Event on attention button presses"),
                RegisterField(1, "Power Fault Detected Enable", .readWrite, "Event on power faults"),
                RegisterField(2, "MRL Sensor Changed Enable", .readWrite, "Event when the retention latch moves"),
                RegisterField(3, "Presence Detect Changed Enable", .readWrite, "Event when a card arrives or leaves"),
                RegisterField(
                    4, "Command Completed Interrupt Enable", .readWrite, "Interrupt when a slot command completes"),
                RegisterField(5, "Hot-Plug Interrupt Enable", .readWrite, "Interrupt on enabled hot-plug events"),
                RegisterField(
                    6...7, "Attention Indicator Control", .readWrite, "Sets the attention indicator", indicatorNames),
                RegisterField(8...9, "Power Indicator Control", .readWrite, "Sets the power indicator", indicatorNames),
                RegisterField(
                    10, "Power Controller Control", .readWrite, "Switches slot power",
                    .values([FieldValueName(0, "power on"), FieldValueName(1, "power off")])),
                RegisterField(
                    11, "Electromechanical Interlock Control", .writeOnlyReadsZero,
                    "Write 1 to toggle the interlock; reads 0"),
                RegisterField(
                    12, "Data Link Layer State Changed Enable", .readWrite, "Event when DL_Active changes"),
                RegisterField(
                    13, "Auto Slot Power Limit Disable", .readWrite,
                    "Do not send Set_Slot_Power_Limit automatically on link up"),
                RegisterField(14, "In-Band PD Disable", .readWrite, "Ignore in-band presence detection"),
                RegisterField(15, "Reserved", .reservedPreserve, "Reserved"),
            ]),
        RegisterSpec(
            0x1A, width: 2, "Slot Status",
            fields: [
                RegisterField(0, "Attention Button Pressed", .writeOneToClear, "The attention button was pressed"),
                RegisterField(1, "Power Fault Detected", .writeOneToClear, "The power controller saw a fault"),
                RegisterField(2, "MRL Sensor Changed", .writeOneToClear, "The retention latch moved"),
                RegisterField(3, "Presence Detect Changed", .writeOneToClear, "Presence Detect State changed"),
                RegisterField(4, "Command Completed", .writeOneToClear, "The last Slot Control command finished"),
                RegisterField(
                    5, "MRL Sensor State", .readOnly, "Retention latch position",
                    .values([FieldValueName(0, "closed"), FieldValueName(1, "open")])),
                RegisterField(
                    6, "Presence Detect State", .readOnly, "Whether a card is in the slot",
                    .values([FieldValueName(0, "empty"), FieldValueName(1, "card present")])),
                RegisterField(
                    7, "Electromechanical Interlock Status", .readOnly, "Interlock position",
                    .values([FieldValueName(0, "disengaged"), FieldValueName(1, "engaged")])),
                RegisterField(
                    8, "Data Link Layer State Changed", .writeOneToClear, "Data Link Layer Link Active changed"),
                RegisterField(9...15, "Reserved", .reservedZero, "Reserved"),
            ]),
    ]

    /// Root Control, Root Capabilities and Root Status.
    static let pciExpressRootRegisters = [
        RegisterSpec(
            0x1C, width: 2, "Root Control",
            fields: [
                RegisterField(
                    0, "System Error on Correctable Error Enable", .readWrite,
                    "Raise a system error for ERR_COR received or detected here"),
                RegisterField(
                    1, "System Error on Non-Fatal Error Enable", .readWrite,
                    "Raise a system error for ERR_NONFATAL received or detected here"),
                RegisterField(
                    2, "System Error on Fatal Error Enable", .readWrite,
                    "Raise a system error for ERR_FATAL received or detected here"),
                RegisterField(3, "PME Interrupt Enable", .readWrite, "Interrupt when a PME message arrives"),
                RegisterField(
                    4, "Configuration RRS Software Visibility Enable", .readWrite,
                    "Return the Request Retry Status value (0x0001 vendor ID) to software instead of retrying"),
                RegisterField(
                    5, "No NFM Subtree Below This Root Port", .readWrite,
                    "Root Ports: nothing below needs Non-Flit Mode"),
                RegisterField(6...15, "Reserved", .reservedPreserve, "Reserved"),
            ]),
        RegisterSpec(
            0x1E, width: 2, "Root Capabilities",
            fields: [
                RegisterField(
                    0, "Configuration RRS Software Visibility", .readOnly,
                    "Can make Request Retry Status visible to software"),
                RegisterField(1...15, "Reserved", .reservedPreserve, "Reserved"),
            ]),
        RegisterSpec(
            0x20, width: 4, "Root Status",
            fields: [
                RegisterField(
                    0...15, "PME Requester ID", .readOnly, "Requester of the last PME message", .routingID),
                RegisterField(16, "PME Status", .writeOneToClear, "A PME message was received"),
                RegisterField(17, "PME Pending", .readOnly, "More PME messages are waiting"),
                RegisterField(18...31, "Reserved", .reservedZero, "Reserved"),
            ]),
    ]

    /// Slot Capabilities 2, Slot Control 2 and Slot Status 2.
    static let pciExpressSlot2Registers = [
        RegisterSpec(
            0x34, width: 4, "Slot Capabilities 2",
            fields: [
                RegisterField(
                    0, "In-Band PD Disable Supported", .hardwareInit, "In-band presence detection can be turned off"),
                RegisterField(1...31, "Reserved", .reservedPreserve, "Reserved"),
            ]),
        standardReservedRegister(0x38, width: 2, "Slot Control 2", .reservedPreserve, "No control bits defined"),
        standardReservedRegister(0x3A, width: 2, "Slot Status 2", .reservedZero, "No status bits defined"),
    ]
}
