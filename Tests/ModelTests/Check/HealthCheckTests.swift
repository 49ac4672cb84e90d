import Testing

@testable import Model

/// The check's rules on crafted variants of the demo set (QEMU's q35 root port with an SR-IOV
/// NVMe behind it): each variant changes the bytes one rule reads, and the finding must appear
/// with its register, or disappear when the bytes are healthy.
@Suite struct HealthCheckTests {
    static let rootPort = at(0, 2, 0)
    static let pf = at(1, 0, 0)
    static let vf = at(1, 0, 1)

    /// An address in domain 0 (the demo set's first function's, moved).
    static func at(_ bus: Int, _ device: Int, _ function: Int) -> PCIAddress {
        var address = DemoSet.functions()[0].address
        address.bus = bus
        address.device = device
        address.function = function
        return address
    }

    /// The demo set as a source delivers it, with `edit` applied to the bytes first.
    static func functions(_ edit: (inout Variant) throws -> Void = { _ in }) throws -> [PCIFunction] {
        var variant = Variant(functions: DemoSet.functions())
        try edit(&variant)
        let functions = variant.functions.map { PCIFunction(address: $0.address, space: $0.space, origin: .demo) }
        return FunctionTopology.inferringVirtualFunctions(in: functions)
    }

    /// Demo bytes being edited.
    struct Variant {
        var functions: [DumpedFunction]

        /// Where a capability sits in a function.
        func offset(of kind: CapabilityKind, in address: PCIAddress) throws -> Int {
            let function = try #require(functions.first { $0.address == address })
            let analysis = FunctionAnalysis(space: function.space, address: address)
            return try #require(analysis.capability(kind)).offset.rawValue
        }

        /// Sets `length` bytes at `offset` (little-endian) in a function.
        mutating func set(_ address: PCIAddress, _ offset: Int, _ value: UInt64, length: Int) throws {
            let index = try #require(functions.firstIndex { $0.address == address })
            var bytes = functions[index].space.bytes
            for byte in 0..<length { bytes[offset + byte] = UInt8(truncatingIfNeeded: value >> UInt64(8 * byte)) }
            functions[index].space = ConfigSpace(bytes: bytes, size: functions[index].space.size)
        }

        func get(_ address: PCIAddress, _ offset: Int, length: Int) throws -> UInt64 {
            let function = try #require(functions.first { $0.address == address })
            return try #require(function.space.value(at: offset, length: length))
        }

        /// Read-modify-write of a PCI Express capability register.
        mutating func express(
            _ address: PCIAddress, _ register: Int, length: Int = 2, _ change: (UInt64) -> UInt64
        ) throws {
            let base = try offset(of: .standard(.pciExpress), in: address)
            try set(address, base + register, change(try get(address, base + register, length: length)), length: length)
        }

        /// The link up (DL_Active set) at the root port, so link rules see a trained link.
        mutating func linkUp() throws {
            try express(HealthCheckTests.rootPort, 0x12) { $0 | 1 << 13 }
        }
    }

    static func findings(_ functions: [PCIFunction], _ kind: FindingKind) -> [Finding] {
        HealthCheck.run(functions).findings.filter { $0.kind == kind }
    }

    // MARK: - Link

    @Test func theDemoRootPortsDownLinkIsAnErrorOnTheRegisterThatShowsIt() throws {
        let found = Self.findings(try Self.functions(), .dataLinkInactive)
        let finding = try #require(found.first)
        #expect(found.count == 1)
        #expect(finding.severity == .error)
        #expect(finding.address == Self.rootPort)
        #expect(finding.register?.register == "Link Status")
        #expect(finding.register?.field == "Data Link Layer Link Active")
        let express = try Variant(functions: DemoSet.functions()).offset(of: .standard(.pciExpress), in: Self.rootPort)
        #expect(finding.register?.offset.rawValue == express + 0x12)
        #expect(Self.findings(try Self.functions { try $0.linkUp() }, .dataLinkInactive).isEmpty)
    }

    @Test func aLinkBelowWhatBothEndsSupportIsDowntrained() throws {
        // Both ends 8 GT/s x4 (Link Capabilities 1 and 2); trained to 2.5 GT/s x1.
        let downtrained = try Self.functions { variant in
            try variant.linkUp()
            for address in [Self.rootPort, Self.pf] {
                try variant.express(address, 0x0C, length: 4) { $0 & ~0x3FF | 3 | 4 << 4 }
                try variant.express(address, 0x2C, length: 4) { $0 & ~0xFE | 0b1110 }
            }
            try variant.express(Self.rootPort, 0x12) { $0 & ~0x3FF | 1 | 1 << 4 }
            try variant.express(Self.pf, 0x12) { $0 & ~0x3FF | 1 | 1 << 4 }
        }
        let finding = try #require(Self.findings(downtrained, .linkDowntrained).first)
        #expect(finding.severity == .warning)
        #expect(finding.address == Self.rootPort)
        #expect(finding.values.contains(FindingValue("current", .text("2.5GT/s x1"))))
        #expect(finding.values.contains(FindingValue("capable", .text("8GT/s x4"))))
        #expect(finding.register?.field == "Current Link Speed")
        // The bottleneck of the NVMe's path is that link, at 250 MB/s.
        let bottleneck = try #require(Self.findings(downtrained, .pathBottleneck).first { $0.address == Self.pf })
        #expect(bottleneck.values.contains(FindingValue("megabytesPerSecond", .number(250))))
        #expect(bottleneck.message.contains("of the 3938 MB/s"))

        // Trained to 8 GT/s x4: nothing to say.
        let healthy = try Self.functions { variant in
            try variant.linkUp()
            for address in [Self.rootPort, Self.pf] {
                try variant.express(address, 0x0C, length: 4) { $0 & ~0x3FF | 3 | 4 << 4 }
                try variant.express(address, 0x2C, length: 4) { $0 & ~0xFE | 0b1110 }
                try variant.express(address, 0x12) { $0 & ~0x3FF | 3 | 4 << 4 }
            }
        }
        #expect(Self.findings(healthy, .linkDowntrained).isEmpty)
        // The demo as QEMU made it: the root port can do 16 GT/s x32, the NVMe 2.5 GT/s x1, and
        // the link is at the NVMe's capability: not downtrained.
        #expect(Self.findings(try Self.functions { try $0.linkUp() }, .linkDowntrained).isEmpty)
    }

    @Test func aPortThatIsStillTrainingIsAWarning() throws {
        let training = try Self.functions { variant in
            try variant.linkUp()
            try variant.express(Self.rootPort, 0x12) { $0 | 1 << 11 }
        }
        #expect(Self.findings(training, .linkTraining).map(\.address) == [Self.rootPort])
        #expect(Self.findings(try Self.functions { try $0.linkUp() }, .linkTraining).isEmpty)
    }

    // MARK: - Payload and tags

    @Test func aPayloadLargerThanThePortsIsAnErrorAndASmallerOneANote() throws {
        let mismatch = try Self.functions { variant in
            try variant.linkUp()
            for address in [Self.rootPort, Self.pf] {
                try variant.express(address, 0x04, length: 4) { $0 & ~0x7 | 2 }  // 512 supported
            }
            try variant.express(Self.rootPort, 0x08) { $0 & ~0xE0 }  // 128
            try variant.express(Self.pf, 0x08) { $0 & ~0xE0 | 1 << 5 }  // 256
        }
        let above = try #require(Self.findings(mismatch, .payloadAbovePort).first)
        #expect(above.severity == .error)
        #expect(above.address == Self.pf)
        #expect(above.values.contains(FindingValue("portMaxPayloadSize", .number(128))))
        #expect(above.register?.field == "Max_Payload_Size")
        let below = try #require(Self.findings(mismatch, .payloadBelowCommon).first)
        #expect(below.values.contains(FindingValue("commonMaximum", .number(512))))

        let matched = try Self.functions { variant in
            for address in [Self.rootPort, Self.pf] {
                try variant.express(address, 0x04, length: 4) { $0 & ~0x7 | 1 }
                try variant.express(address, 0x08) { $0 & ~0xE0 | 1 << 5 }
            }
        }
        #expect(Self.findings(matched, .payloadAbovePort).isEmpty)
        #expect(Self.findings(matched, .payloadBelowCommon).isEmpty)
    }

    @Test func tenBitTagsNeedEveryPortOnThePathToComplete() throws {
        let requester = try Self.functions { variant in
            try variant.express(Self.pf, 0x28) { $0 | 1 << 12 }
            try variant.express(Self.rootPort, 0x24, length: 4) { $0 & ~(1 << 16) }
        }
        let finding = try #require(Self.findings(requester, .tenBitTagUnsupportedAbove).first)
        #expect(finding.address == Self.pf)
        #expect(finding.values.contains(FindingValue("port", .text(Self.rootPort.description))))
        let supported = try Self.functions { variant in
            try variant.express(Self.pf, 0x28) { $0 | 1 << 12 }
            try variant.express(Self.rootPort, 0x24, length: 4) { $0 | 1 << 16 }
        }
        #expect(Self.findings(supported, .tenBitTagUnsupportedAbove).isEmpty)
    }

    // MARK: - Errors

    @Test func aerStatusBitsAreFindingsWithTheirSeverityAndHeaderLog() throws {
        let aer: CapabilityKind = .extended(.advancedErrorReporting)
        let logged = try Self.functions { variant in
            let base = try variant.offset(of: aer, in: Self.rootPort)
            try variant.set(Self.rootPort, base + 0x04, 1 << 14 | 1 << 20, length: 4)  // Completion Timeout, UR
            try variant.set(Self.rootPort, base + 0x0C, 1 << 14, length: 4)  // Completion Timeout is fatal
            try variant.set(Self.rootPort, base + 0x18, 14, length: 4)  // First Error Pointer
            // A 3DW MRd of 4 DW from requester 01:00.0, tag 0x12, at 0xfee01000.
            try variant.set(Self.rootPort, base + 0x1C, 0x0000_0004, length: 4)
            try variant.set(Self.rootPort, base + 0x20, 0x0100_12FF, length: 4)
            try variant.set(Self.rootPort, base + 0x24, 0xFEE0_1000, length: 4)
            try variant.set(Self.rootPort, base + 0x10, 1 << 6, length: 4)  // Bad TLP
        }
        let uncorrectable = try #require(Self.findings(logged, .aerUncorrectable).first)
        #expect(uncorrectable.severity == .error)
        #expect(uncorrectable.register?.register == "Uncorrectable Error Status")
        guard case .list(let names)? = uncorrectable.values.first(where: { $0.name == "set" })?.value else {
            Issue.record("no set list")
            return
        }
        #expect(names.count == 2)
        #expect(
            uncorrectable.values.contains(
                FindingValue("tlp", .text("MRd 4 DW requester 01:00.0 tag 0x12 address 0xfee01000"))))
        let correctable = try #require(Self.findings(logged, .aerCorrectable).first)
        #expect(correctable.severity == .info)
        #expect(Self.findings(try Self.functions(), .aerUncorrectable).isEmpty)
    }

    @Test func maskingEveryUncorrectableErrorIsAWarning() throws {
        let aer: CapabilityKind = .extended(.advancedErrorReporting)
        let masked = try Self.functions { variant in
            let base = try variant.offset(of: aer, in: Self.rootPort)
            try variant.set(Self.rootPort, base + 0x08, 0x03FF_FFF0, length: 4)
        }
        let finding = try #require(Self.findings(masked, .aerUncorrectableMasked).first)
        #expect(finding.severity == .warning)
        #expect(Self.findings(try Self.functions(), .aerUncorrectableMasked).isEmpty)
    }

    @Test func deviceStatusFatalIsAnErrorAndCorrectableANote() throws {
        let fatal = try Self.functions { try $0.express(Self.pf, 0x0A) { $0 | 0b0101 } }
        let finding = try #require(Self.findings(fatal, .deviceStatusErrors).first { $0.address == Self.pf })
        #expect(finding.severity == .error)
        let correctable = try Self.functions { try $0.express(Self.pf, 0x0A) { $0 & ~0xF | 0b0001 } }
        #expect(Self.findings(correctable, .deviceStatusErrors).first { $0.address == Self.pf }?.severity == .info)
    }

    // MARK: - Isolation

    @Test func acsOnTheRootPortMustHaveTheKernelsControlsEnabled() throws {
        let acs: CapabilityKind = .extended(.accessControlServices)
        // The demo's root port has ACS with every control clear.
        let incomplete = try #require(Self.findings(try Self.functions(), .acsIncomplete).first)
        #expect(incomplete.address == Self.rootPort)
        #expect(incomplete.register?.register == "ACS Control")
        let enabled = try Self.functions { variant in
            let base = try variant.offset(of: acs, in: Self.rootPort)
            try variant.set(Self.rootPort, base + 0x06, 0x1D, length: 2)  // SV, RR, CR, UF
        }
        #expect(Self.findings(enabled, .acsIncomplete).isEmpty)
        #expect(Self.findings(enabled, .acsMissing).isEmpty)
        // ACS's header rewritten to another ID: the port has no ACS.
        let missing = try Self.functions { variant in
            let base = try variant.offset(of: acs, in: Self.rootPort)
            let header = try variant.get(Self.rootPort, base, length: 4)
            try variant.set(Self.rootPort, base, header & ~0xFFFF | 0x0018, length: 4)
        }
        let finding = try #require(Self.findings(missing, .acsMissing).first)
        #expect(finding.address == Self.rootPort)
        #expect(finding.severity == DiagnosticSeverity.info)
    }

    @Test func iommuGroupsWithOtherDevicesAreNamedAndABoundVfioFunctionMakesItAWarning() throws {
        var functions = try Self.functions()
        for index in functions.indices
        where functions[index].address.bus == 0 && functions[index].address.device == 0x1F {
            functions[index].iommuGroup = IOMMUGroup(
                number: 7, members: ["0000:00:1f.0", "0000:00:1f.2", "0000:00:1f.3"])
        }
        let shared = Self.findings(functions, .iommuGroupShared)
        #expect(shared.count == 3)
        #expect(shared.allSatisfy { $0.severity == DiagnosticSeverity.info })
        let sata = try #require(functions.firstIndex { $0.address.device == 0x1F && $0.address.function == 2 })
        functions[sata].driver = "vfio-pci"
        let bound = Self.findings(functions, .iommuGroupShared).first { $0.address == functions[sata].address }
        #expect(bound?.severity == .warning)
        #expect(bound?.values.contains(FindingValue("members", .list(["0000:00:1f.0", "0000:00:1f.3"]))) == true)
    }

    // MARK: - SR-IOV

    @Test func aVFOfAPFUsingPASIDAndPRIPointsAtPlan() throws {
        let enabled = try Self.functions { variant in
            let pasid = try variant.offset(of: .extended(.processAddressSpaceID), in: Self.pf)
            try variant.set(Self.pf, pasid + 0x06, 1, length: 2)
            let pri = try variant.offset(of: .extended(.pageRequest), in: Self.pf)
            try variant.set(Self.pf, pri + 0x04, 1, length: 2)
        }
        let found = Self.findings(enabled, .vfWithoutVirtualCapabilities)
        #expect(found.map(\.address) == [Self.vf, Self.at(1, 0, 2)])
        #expect(found.first?.message.contains("cfgtui plan -s 0000:01:00.1 --add pasid --add pri") == true)
        #expect(Self.findings(try Self.functions(), .vfWithoutVirtualCapabilities).isEmpty)
    }

    @Test func ariCapableHierarchyNeedsARIForwardingAbove() throws {
        let sriov: CapabilityKind = .extended(.singleRootIOV)
        let mismatch = try Self.functions { variant in
            let base = try variant.offset(of: sriov, in: Self.pf)
            try variant.set(Self.pf, base + 0x08, try variant.get(Self.pf, base + 0x08, length: 2) | 1 << 4, length: 2)
            try variant.express(Self.rootPort, 0x28) { $0 & ~(1 << 5) }
        }
        let finding = try #require(Self.findings(mismatch, .ariForwardingDisabled).first)
        #expect(finding.severity == .error)
        #expect(finding.address == Self.pf)
        #expect(finding.register?.field == "ARI Capable Hierarchy")
    }

    @Test func numVFsAboveTotalVFsIsAnError() throws {
        let sriov: CapabilityKind = .extended(.singleRootIOV)
        let over = try Self.functions { variant in
            let base = try variant.offset(of: sriov, in: Self.pf)
            let total = try variant.get(Self.pf, base + 0x0E, length: 2)
            try variant.set(Self.pf, base + 0x10, total + 1, length: 2)
        }
        #expect(Self.findings(over, .sriovNumVFsAboveTotal).map(\.severity) == [.error])
        #expect(Self.findings(try Self.functions(), .sriovNumVFsAboveTotal).isEmpty)
    }

    // MARK: - Power

    @Test func aspmL1AtOneEndOnlyIsAWarning() throws {
        let oneEnd = try Self.functions { variant in
            try variant.express(Self.rootPort, 0x10) { $0 | 0b10 }
            try variant.express(Self.pf, 0x10) { $0 & ~0b11 }
        }
        let finding = try #require(Self.findings(oneEnd, .aspmOneEnd).first)
        #expect(finding.address == Self.rootPort)
        let both = try Self.functions { variant in
            try variant.express(Self.rootPort, 0x10) { $0 | 0b10 }
            try variant.express(Self.pf, 0x10) { $0 | 0b10 }
        }
        #expect(Self.findings(both, .aspmOneEnd).isEmpty)
    }

    @Test func d3hotWithADriverBoundIsNoted() throws {
        var functions = try Self.functions { variant in
            let pm = try variant.offset(of: .standard(.powerManagement), in: Self.pf)
            try variant.set(Self.pf, pm + 4, try variant.get(Self.pf, pm + 4, length: 2) | 3, length: 2)
        }
        #expect(Self.findings(functions, .d3WithDriver).isEmpty)  // no driver in a dump
        let index = try #require(functions.firstIndex { $0.address == Self.pf })
        functions[index].driver = "nvme"
        #expect(Self.findings(functions, .d3WithDriver).map(\.address) == [Self.pf])
    }

    // MARK: - Scope and topology

    @Test func selectingAnEndpointChecksThePathAboveItToo() throws {
        let functions = try Self.functions()
        let vf = try #require(functions.first { $0.address == Self.vf })
        let report = HealthCheck.run(functions, selected: [vf.key])
        #expect(report.functions.map { $0.key.address } == [Self.rootPort, Self.vf])
        #expect(report.findings.contains { $0.kind == .dataLinkInactive && $0.address == Self.rootPort })
        #expect(!report.findings.contains { $0.address?.device == 0x1F })
        #expect(report.functions.last?.path == [Self.rootPort])
    }

    @Test func allOnesFunctionsGetOneFindingAndNoOther() throws {
        let functions = [
            PCIFunction(
                address: Self.pf, space: ConfigSpace(bytes: [UInt8](repeating: 0xFF, count: 4096)), origin: .demo)
        ]
        let report = HealthCheck.run(functions)
        #expect(report.findings.map { $0.kind } == [FindingKind.functionAllOnes])
    }

    @Test func everyKindHasItsRuleAndReference() {
        for kind in FindingKind.allCases {
            #expect(kind.rule.count > 20, "\(kind)")
            #expect(!kind.reference.description.isEmpty)
            #expect(
                kind.rule.hasPrefix("info") || kind.rule.hasPrefix("warning") || kind.rule.hasPrefix("error")
                    || kind.rule.hasPrefix("as "), "\(kind)")
        }
        #expect(Set(FindingKind.allCases.map(\.rawValue)).count == FindingKind.allCases.count)
    }
}
