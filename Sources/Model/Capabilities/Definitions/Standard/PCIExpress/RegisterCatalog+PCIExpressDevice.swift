// PCI Express capability, device registers: Device Capabilities/Control/Status (+0x04-0x0B,
// PCIe r6.0 §7.5.3.3-7.5.3.5) and Device Capabilities 2/Control 2/Status 2 (+0x24-0x2B,
// §7.5.3.15-7.5.3.17). Device Control bit 15 and the port-only Device Control 2 bits follow
// the Device/Port Type; VFs take Max_Payload_Size from their PF (PCIe r6.0 §9.3.5.4).

extension RegisterCatalog {
    /// Device Control for the function's port type.
    static func pciExpressDeviceControl(portType: PortType, isVirtualFunction: Bool) -> RegisterSpec {
        switch portType {
        case .endpoint, .legacyEndpoint, .rootComplexIntegratedEndpoint:
            return isVirtualFunction ? deviceControlVirtualFunction : deviceControlEndpoint
        case .pcieToPCIBridge:
            return deviceControlBridge
        default:
            return deviceControlPort
        }
    }

    /// Device Capabilities 2, Device Control 2 and Device Status 2 for the port type.
    static func pciExpressDevice2Registers(portType: PortType) -> [RegisterSpec] {
        if portType.isDownstreamFacing { return device2DownstreamPort }
        return portType == .upstreamPort ? device2UpstreamPort : device2Function
    }

    // MARK: - Device Capabilities (+0x04)

    private static let acceptableL0sLatencyNames = FieldDecoding.values([
        FieldValueName(0, "<64ns"), FieldValueName(1, "<128ns"), FieldValueName(2, "<256ns"),
        FieldValueName(3, "<512ns"), FieldValueName(4, "<1us"), FieldValueName(5, "<2us"), FieldValueName(6, "<4us"),
        FieldValueName(7, "no limit"),
    ])

    private static let acceptableL1LatencyNames = FieldDecoding.values([
        FieldValueName(0, "<1us"), FieldValueName(1, "<2us"), FieldValueName(2, "<4us"), FieldValueName(3, "<8us"),
        FieldValueName(4, "<16us"), FieldValueName(5, "<32us"), FieldValueName(6, "<64us"),
        FieldValueName(7, "no limit"),
    ])

    /// Slot power limit scale, shared with Slot Capabilities.
    static let pciExpressPowerScaleNames = FieldDecoding.values([
        FieldValueName(0, "1.0x"), FieldValueName(1, "0.1x"), FieldValueName(2, "0.01x"), FieldValueName(3, "0.001x"),
    ])

    static let pciExpressDeviceCapabilities = RegisterSpec(
        0x04, width: 4, "Device Capabilities",
        fields: [
            RegisterField(
                0...2, "Max_Payload_Size Supported", .readOnly, "Largest TLP payload the function can handle",
                .bytesShifted(base: 128)),
            RegisterField(
                3...4, "Phantom Functions Supported", .readOnly,
                "Function number bits usable to extend the tag space",
                .values([
                    FieldValueName(0, "none"), FieldValueName(1, "1 bit (functions 0-3)"),
                    FieldValueName(2, "2 bits (functions 0-1)"), FieldValueName(3, "3 bits (function 0)"),
                ])),
            RegisterField(5, "Extended Tag Field Supported", .readOnly, "Can use 8-bit tags (otherwise 5-bit)"),
            RegisterField(
                6...8, "Endpoint L0s Acceptable Latency", .readOnly,
                "Endpoints: longest L0s exit latency the function tolerates", acceptableL0sLatencyNames),
            RegisterField(
                9...11, "Endpoint L1 Acceptable Latency", .readOnly,
                "Endpoints: longest L1 exit latency the function tolerates", acceptableL1LatencyNames),
            RegisterField(
                12, "Undefined (formerly Attention Button Present)", .readOnly, "Moved to Slot Capabilities in PCIe 1.1"
            ),
            RegisterField(
                13, "Undefined (formerly Attention Indicator Present)", .readOnly,
                "Moved to Slot Capabilities in PCIe 1.1"),
            RegisterField(
                14, "Undefined (formerly Power Indicator Present)", .readOnly, "Moved to Slot Capabilities in PCIe 1.1"),
            RegisterField(
                15, "Role-Based Error Reporting", .readOnly, "Implements role-based error reporting (PCIe 1.1+)"),
            RegisterField(16, "ERR_COR Subclass Capable", .readOnly, "Can send the ERR_COR subclass field"),
            RegisterField(
                17, "Rx_MPS_Fixed", .readOnly,
                "Accepts payloads up to Max_Payload_Size Supported whatever is programmed"),
            RegisterField(
                18...25, "Captured Slot Power Limit Value", .readOnly,
                "Upstream Ports: slot power limit received from the port above (times the scale)"),
            RegisterField(
                26...27, "Captured Slot Power Limit Scale", .readOnly, "Scale of the captured slot power limit",
                pciExpressPowerScaleNames),
            RegisterField(28, "Function Level Reset Capability", .readOnly, "Supports Function Level Reset"),
            RegisterField(29, "Mixed_MPS_Supported", .readOnly, "Handles different payload limits per requester"),
            RegisterField(30, "TEE-IO Supported", .readOnly, "Supports the TEE Device Interface Security Protocol"),
            RegisterField(31, "Reserved", .reservedPreserve, "Reserved"),
        ])

    // MARK: - Device Control (+0x08)

    private static func makeDeviceControl(maxPayload: RegisterField, bit15: RegisterField) -> RegisterSpec {
        RegisterSpec(
            0x08, width: 2, "Device Control",
            fields: [
                RegisterField(
                    0, "Correctable Error Reporting Enable", .readWrite, "Send ERR_COR for correctable errors"),
                RegisterField(
                    1, "Non-Fatal Error Reporting Enable", .readWrite, "Send ERR_NONFATAL for non-fatal errors"),
                RegisterField(2, "Fatal Error Reporting Enable", .readWrite, "Send ERR_FATAL for fatal errors"),
                RegisterField(
                    3, "Unsupported Request Reporting Enable", .readWrite, "Report Unsupported Request errors"),
                RegisterField(4, "Enable Relaxed Ordering", .readWrite, "May set the Relaxed Ordering attribute"),
                maxPayload,
                RegisterField(8, "Extended Tag Field Enable", .readWrite, "May use 8-bit tags as a requester"),
                RegisterField(
                    9, "Phantom Functions Enable", .readWrite, "May use unclaimed function numbers as extra tag bits"),
                RegisterField(10, "Aux Power PM Enable", .readWriteSticky, "May draw aux power beyond the PM limits"),
                RegisterField(11, "Enable No Snoop", .readWrite, "May set the No Snoop attribute"),
                RegisterField(
                    12...14, "Max_Read_Request_Size", .readWrite, "Largest read request the function may issue",
                    .bytesShifted(base: 128)),
                bit15,
            ])
    }

    private static let maxPayloadField = RegisterField(
        5...7, "Max_Payload_Size", .readWrite, "Largest TLP payload the function may send (and must accept)",
        .bytesShifted(base: 128))

    private static let deviceControlEndpoint = makeDeviceControl(
        maxPayload: maxPayloadField,
        bit15: RegisterField(
            15, "Initiate Function Level Reset", .writeOnlyReadsZero,
            "Write 1 to reset the function (with Function Level Reset Capability); reads 0"))

    private static let deviceControlVirtualFunction = makeDeviceControl(
        maxPayload: RegisterField(
            5...7, "Reserved", .reservedPreserve, "Max_Payload_Size on a PF; a VF uses its PF's setting"),
        bit15: RegisterField(
            15, "Initiate Function Level Reset", .writeOnlyReadsZero, "Write 1 to reset this VF; reads 0"))

    private static let deviceControlBridge = makeDeviceControl(
        maxPayload: maxPayloadField,
        bit15: RegisterField(
            15, "Bridge Configuration Retry Enable", .readWrite,
            "Return Configuration Request Retry Status for slow PCI/PCI-X configuration completions"))

    private static let deviceControlPort = makeDeviceControl(
        maxPayload: maxPayloadField,
        bit15: RegisterField(
            15, "Reserved", .reservedPreserve,
            "Initiate FLR on Endpoints, Bridge Configuration Retry Enable on PCIe-to-PCI bridges"))

    // MARK: - Device Status (+0x0A)

    static let pciExpressDeviceStatus = RegisterSpec(
        0x0A, width: 2, "Device Status",
        fields: [
            RegisterField(0, "Correctable Error Detected", .writeOneToClear, "A correctable error was detected"),
            RegisterField(
                1, "Non-Fatal Error Detected", .writeOneToClear, "A non-fatal uncorrectable error was detected"),
            RegisterField(2, "Fatal Error Detected", .writeOneToClear, "A fatal uncorrectable error was detected"),
            RegisterField(3, "Unsupported Request Detected", .writeOneToClear, "Received an Unsupported Request"),
            RegisterField(4, "AUX Power Detected", .readOnly, "Aux power is present"),
            RegisterField(
                5, "Transactions Pending", .readOnly, "Non-posted requests it issued still await completion"),
            RegisterField(
                6, "Emergency Power Reduction Detected", .writeOneToClear,
                "The function entered the emergency power reduction state"),
            RegisterField(7...15, "Reserved", .reservedZero, "Reserved"),
        ])

    // MARK: - Device Capabilities 2 (+0x24)

    private static let deviceCapabilities2 = RegisterSpec(
        0x24, width: 4, "Device Capabilities 2",
        fields: [
            RegisterField(
                0...3, "Completion Timeout Ranges Supported", .hardwareInit,
                "Programmable timeout ranges: A 50us-10ms, B 10-250ms, C 250ms-4s, D 4-64s",
                .values([
                    FieldValueName(0, "not supported"), FieldValueName(1, "A"), FieldValueName(2, "B"),
                    FieldValueName(3, "AB"), FieldValueName(6, "BC"), FieldValueName(7, "ABC"),
                    FieldValueName(14, "BCD"), FieldValueName(15, "ABCD"),
                ])),
            RegisterField(
                4, "Completion Timeout Disable Supported", .readOnly, "The completion timeout can be disabled"),
            RegisterField(5, "ARI Forwarding Supported", .readOnly, "Root and Downstream Ports: can forward ARI IDs"),
            RegisterField(6, "AtomicOp Routing Supported", .readOnly, "Switch and Root Ports: route AtomicOps"),
            RegisterField(7, "32-bit AtomicOp Completer Supported", .readOnly, "Completes 32-bit FetchAdd/Swap/CAS"),
            RegisterField(8, "64-bit AtomicOp Completer Supported", .readOnly, "Completes 64-bit FetchAdd/Swap/CAS"),
            RegisterField(9, "128-bit CAS Completer Supported", .readOnly, "Completes 128-bit Compare and Swap"),
            RegisterField(
                10, "No RO-enabled PR-PR Passing", .hardwareInit,
                "Relaxed Ordering never lets posted requests pass each other here"),
            RegisterField(11, "LTR Mechanism Supported", .readOnly, "Supports Latency Tolerance Reporting"),
            RegisterField(
                12...13, "TPH Completer Supported", .readOnly, "Handles TLP Processing Hints as a completer",
                .values([
                    FieldValueName(0, "not supported"), FieldValueName(1, "TPH"),
                    FieldValueName(3, "TPH and Extended TPH"),
                ])),
            RegisterField(
                14...15, "LN System CLS", .hardwareInit, "Lightweight Notification cacheline sizes (deprecated)",
                .values([
                    FieldValueName(0, "not supported"), FieldValueName(1, "64-byte"), FieldValueName(2, "128-byte"),
                    FieldValueName(3, "64- and 128-byte"),
                ])),
            RegisterField(16, "10-Bit Tag Completer Supported", .hardwareInit, "Accepts 10-bit tags as a completer"),
            RegisterField(17, "10-Bit Tag Requester Supported", .hardwareInit, "Can issue requests with 10-bit tags"),
            RegisterField(
                18...19, "OBFF Supported", .hardwareInit, "Optimized Buffer Flush/Fill signalling",
                .values([
                    FieldValueName(0, "not supported"), FieldValueName(1, "message only"),
                    FieldValueName(2, "WAKE# only"), FieldValueName(3, "message and WAKE#"),
                ])),
            RegisterField(20, "Extended Fmt Field Supported", .readOnly, "Understands the 3-bit Fmt field"),
            RegisterField(21, "End-End TLP Prefix Supported", .hardwareInit, "Accepts End-End TLP Prefixes"),
            RegisterField(
                22...23, "Max End-End TLP Prefixes", .hardwareInit, "Most End-End TLP Prefixes per TLP",
                .values([
                    FieldValueName(0, "4"), FieldValueName(1, "1"), FieldValueName(2, "2"), FieldValueName(3, "3"),
                ])),
            RegisterField(
                24...25, "Emergency Power Reduction Supported", .hardwareInit, "Emergency power reduction support",
                .values([
                    FieldValueName(0, "not supported"), FieldValueName(1, "device-specific mechanism"),
                    FieldValueName(2, "form factor or device-specific mechanism"),
                ])),
            RegisterField(
                26, "Emergency Power Reduction Initialization Required", .hardwareInit,
                "Needs initialisation before emergency power reduction works"),
            RegisterField(27, "Reserved", .reservedPreserve, "Reserved"),
            RegisterField(28, "DMWr Completer Supported", .hardwareInit, "Completes Deferrable Memory Writes"),
            RegisterField(
                29...30, "DMWr Lengths Supported", .hardwareInit, "Largest Deferrable Memory Write accepted",
                .values([FieldValueName(0, "up to 64 bytes"), FieldValueName(1, "up to 128 bytes")])),
            RegisterField(31, "FRS Supported", .hardwareInit, "Can send Function Readiness Status messages"),
        ])

    // MARK: - Device Control 2 (+0x28)

    private static func makeDeviceControl2(
        ariForwarding: RegisterField, egressBlocking: RegisterField, prefixBlocking: RegisterField
    ) -> RegisterSpec {
        RegisterSpec(
            0x28, width: 2, "Device Control 2",
            fields: [
                RegisterField(
                    0...3, "Completion Timeout Value", .readWrite, "Completion timeout range in use",
                    .values([
                        FieldValueName(0, "50us-50ms (default)"), FieldValueName(1, "50us-100us"),
                        FieldValueName(2, "1ms-10ms"), FieldValueName(5, "16ms-55ms"), FieldValueName(6, "65ms-210ms"),
                        FieldValueName(9, "260ms-900ms"), FieldValueName(10, "1s-3.5s"), FieldValueName(13, "4s-13s"),
                        FieldValueName(14, "17s-64s"),
                    ])),
                RegisterField(4, "Completion Timeout Disable", .readWrite, "Disables the completion timeout"),
                ariForwarding,
                RegisterField(6, "AtomicOp Requester Enable", .readWrite, "May issue AtomicOp requests"),
                egressBlocking,
                RegisterField(8, "IDO Request Enable", .readWrite, "May set ID-Based Ordering in requests"),
                RegisterField(9, "IDO Completion Enable", .readWrite, "May set ID-Based Ordering in completions"),
                RegisterField(10, "LTR Mechanism Enable", .readWrite, "May send Latency Tolerance Reporting messages"),
                RegisterField(
                    11, "Emergency Power Reduction Request", .readWrite, "Asks the device to reduce power at once"),
                RegisterField(12, "10-Bit Tag Requester Enable", .readWrite, "May issue requests with 10-bit tags"),
                RegisterField(
                    13...14, "OBFF Enable", .readWrite, "Optimized Buffer Flush/Fill signalling in use",
                    .values([
                        FieldValueName(0, "disabled"), FieldValueName(1, "message signalling A"),
                        FieldValueName(2, "message signalling B"), FieldValueName(3, "WAKE# signalling"),
                    ])),
                prefixBlocking,
            ])
    }

    private static let ariForwardingEnable = RegisterField(
        5, "ARI Forwarding Enable", .readWrite, "Treat device number 0 as covering all 256 ARI functions below")
    private static let ariForwardingReserved = RegisterField(
        5, "Reserved", .reservedPreserve, "ARI Forwarding Enable on Root and Downstream Ports")
    private static let egressBlocking = RegisterField(
        7, "AtomicOp Egress Blocking", .readWrite, "Block AtomicOps leaving through this port")
    private static let egressBlockingReserved = RegisterField(
        7, "Reserved", .reservedPreserve, "AtomicOp Egress Blocking on Switch and Root Ports")
    private static let prefixBlocking = RegisterField(
        15, "End-End TLP Prefix Blocking", .readWrite, "Block TLPs with End-End TLP Prefixes leaving this port")
    private static let prefixBlockingReserved = RegisterField(
        15, "Reserved", .reservedPreserve, "End-End TLP Prefix Blocking on Switch and Root Ports")

    private static let deviceStatus2 = standardReservedRegister(
        0x2A, width: 2, "Device Status 2", .reservedZero, "No status bits defined")

    private static let device2DownstreamPort = [
        deviceCapabilities2,
        makeDeviceControl2(
            ariForwarding: ariForwardingEnable, egressBlocking: egressBlocking, prefixBlocking: prefixBlocking),
        deviceStatus2,
    ]

    private static let device2UpstreamPort = [
        deviceCapabilities2,
        makeDeviceControl2(
            ariForwarding: ariForwardingReserved, egressBlocking: egressBlocking, prefixBlocking: prefixBlocking),
        deviceStatus2,
    ]

    private static let device2Function = [
        deviceCapabilities2,
        makeDeviceControl2(
            ariForwarding: ariForwardingReserved, egressBlocking: egressBlockingReserved,
            prefixBlocking: prefixBlockingReserved),
        deviceStatus2,
    ]
}
