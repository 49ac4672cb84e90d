/// The plan file: what `cfgtui plan --json` and the explorer's plan export write, and what
/// `cfgtui simulate --plan FILE` reads back. One type for the writer (Views'
/// `PlanReport.appendJSON`) and the reader, so the two cannot drift apart.
///
/// Reading is tolerant: unknown keys are ignored and every key but `placements` (and, in
/// each placement, `id`, `offset` and `length`) may be missing and takes its default. A
/// wrong value is a `PlanFileError` that names the key path (`placements[1].offset`). Files
/// written before cfgtui 0.11 have no `vendorID`/`deviceID`: they read as nil, and only the
/// address can be checked against the function they are applied to.
/// Decoding is `Codable`'s (the standard library); the JSON decoder itself is Foundation's
/// and runs in the executable.
///
/// ```
/// {"target": "0000:01:00.1", "vendorID": 6966, "deviceID": 16, "physicalFunction": "0000:01:00.0",
///  "strategy": "auto", "peers": [],
///  "placements": [{"capability": "pasid", "id": 27, "offset": 4088, "length": 8, "version": 1,
///                  "bytes": "06140000", ...}],
///  "rejected": [...], "present": [...], "failed": [...], "decisions": [...], "warnings": [...],
///  "listHead": "existing", "ok": true}
/// ```
public struct PlanFile: Hashable, Sendable, Codable {
    /// The target function, when its address is known.
    public var target: PCIAddress?
    /// The target's Vendor and Device IDs as cfgtui knows them (for a VF, the PF's vendor and
    /// the SR-IOV VF Device ID); nil in files from before cfgtui 0.11.
    public var vendorID: UInt16?
    public var deviceID: UInt16?
    /// The PF whose capabilities the plan copied, if any.
    public var physicalFunction: PCIAddress?
    public var strategy: PlacementStrategy
    /// The `--peer` files, in order.
    public var peers: [String]
    public var placements: [Placement]
    public var rejected: [Rejection]
    /// Requested capabilities the target already has.
    public var present: [Present]
    /// Requested capabilities that could not be placed.
    public var failed: [Failure]
    public var decisions: [Decision]
    public var warnings: [Warning]
    /// How the extended list starts; nil in a refusal.
    public var listHead: ListHead?
    /// Why planning was refused; nil when a plan was made.
    public var error: Refusal?
    /// Whether every requested capability was placed or already present (JSON `ok`).
    public var isComplete: Bool

    public init(
        target: PCIAddress?, vendorID: UInt16? = nil, deviceID: UInt16? = nil, physicalFunction: PCIAddress?,
        strategy: PlacementStrategy, peers: [String], placements: [Placement] = [], rejected: [Rejection] = [],
        present: [Present] = [], failed: [Failure] = [],
        decisions: [Decision] = [], warnings: [Warning] = [], listHead: ListHead? = nil, error: Refusal? = nil,
        isComplete: Bool
    ) {
        self.target = target
        self.vendorID = vendorID
        self.deviceID = deviceID
        self.physicalFunction = physicalFunction
        self.strategy = strategy
        self.peers = peers
        self.placements = placements
        self.rejected = rejected
        self.present = present
        self.failed = failed
        self.decisions = decisions
        self.warnings = warnings
        self.listHead = listHead
        self.error = error
        self.isComplete = isComplete
    }

    enum CodingKeys: String, CodingKey {
        case target, vendorID, deviceID, physicalFunction, strategy, peers, placements, rejected, present, failed
        case decisions, warnings
        case listHead, error
        case isComplete = "ok"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        guard container.contains(.placements) else {
            throw DecodingError.dataCorrupted(
                DecodingError.Context(
                    codingPath: [], debugDescription: "no placements", underlyingError: PlanFileProblem.notAPlan))
        }
        target = try container.decodeIfPresent(PCIAddress.self, forKey: .target)
        vendorID = try container.decodeIfPresent(UInt16.self, forKey: .vendorID)
        deviceID = try container.decodeIfPresent(UInt16.self, forKey: .deviceID)
        physicalFunction = try container.decodeIfPresent(PCIAddress.self, forKey: .physicalFunction)
        strategy = try container.name(PlacementStrategy.self, .strategy) ?? .auto
        peers = try container.decodeIfPresent([String].self, forKey: .peers) ?? []
        placements = try container.decode([Placement].self, forKey: .placements)
        rejected = try container.decodeIfPresent([Rejection].self, forKey: .rejected) ?? []
        present = try container.decodeIfPresent([Present].self, forKey: .present) ?? []
        failed = try container.decodeIfPresent([Failure].self, forKey: .failed) ?? []
        decisions = try container.decodeIfPresent([Decision].self, forKey: .decisions) ?? []
        warnings = try container.decodeIfPresent([Warning].self, forKey: .warnings) ?? []
        listHead = try container.name(ListHead.self, .listHead)
        error = try container.decodeIfPresent(Refusal.self, forKey: .error)
        isComplete = try container.decodeIfPresent(Bool.self, forKey: .isComplete) ?? true
    }

    // MARK: - Members

    /// A placed capability: where, how long, and its bytes after the extended header.
    public struct Placement: Hashable, Sendable, Codable {
        public var capability: VirtualCapabilityKind?
        /// The extended capability ID (an integer in the file; checked by `virtualRegions`).
        public var id: Int
        public var offset: Int
        public var length: Int
        public var strategy: PlacementStrategy?
        public var label: String?
        /// The index of the `--add` request it answers (none for the free-space DVSEC).
        public var request: Int?
        public var version: Int
        /// The capability's bytes after its 4-byte header (hex in the file).
        public var bytes: HexBytes?
        public var bitsFrom: BitsSource?
        public var bits: Bits?
        /// Non-zero bytes outside every structure that the placement covers (`--force-nonzero`).
        public var coversNonZero: [Span]

        public init(
            capability: VirtualCapabilityKind?, id: Int, offset: Int, length: Int, strategy: PlacementStrategy? = nil,
            label: String? = nil, request: Int? = nil, version: Int = 1, bytes: [UInt8]? = nil,
            bitsFrom: BitsSource? = nil, bits: Bits? = nil, coversNonZero: [Span] = []
        ) {
            self.capability = capability
            self.id = id
            self.offset = offset
            self.length = length
            self.strategy = strategy
            self.label = label
            self.request = request
            self.version = version
            self.bytes = bytes.map(HexBytes.init)
            self.bitsFrom = bitsFrom
            self.bits = bits
            self.coversNonZero = coversNonZero
        }

        enum CodingKeys: String, CodingKey {
            case capability, id, offset, length, strategy, label, request, version, bytes, bitsFrom, bits, coversNonZero
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            capability = try container.name(VirtualCapabilityKind.self, .capability)
            id = try container.decode(Int.self, forKey: .id)
            offset = try container.decode(Int.self, forKey: .offset)
            length = try container.decode(Int.self, forKey: .length)
            strategy = try container.name(PlacementStrategy.self, .strategy)
            label = try container.decodeIfPresent(String.self, forKey: .label)
            request = try container.decodeIfPresent(Int.self, forKey: .request)
            version = try container.decodeIfPresent(Int.self, forKey: .version) ?? 1
            bytes = try container.decodeIfPresent(HexBytes.self, forKey: .bytes)
            bitsFrom = try container.decodeIfPresent(BitsSource.self, forKey: .bitsFrom)
            bits = try container.decodeIfPresent(Bits.self, forKey: .bits)
            coversNonZero = try container.decodeIfPresent([Span].self, forKey: .coversNonZero) ?? []
        }
    }

    /// Bytes written as hex digits, two per byte (`"06140000"`).
    public struct HexBytes: Hashable, Sendable, Codable {
        public var bytes: [UInt8]

        public init(_ bytes: [UInt8]) { self.bytes = bytes }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let bytes = Self.parse(text) else {
                throw DecodingError.dataCorrupted(
                    DecodingError.Context(
                        codingPath: decoder.codingPath, debugDescription: "not hex",
                        underlyingError: PlanFileProblem.expectedHexBytes))
            }
            self.bytes = bytes
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            try container.encode(text)
        }

        /// The hex digits, lower case.
        public var text: String {
            let digits = Array("0123456789abcdef".utf8)
            var utf8 = [UInt8]()
            utf8.reserveCapacity(bytes.count * 2)
            for byte in bytes {
                utf8.append(digits[Int(byte >> 4)])
                utf8.append(digits[Int(byte & 0xF)])
            }
            return String(decoding: utf8, as: UTF8.self)
        }

        static func parse(_ text: String) -> [UInt8]? {
            let utf8 = Array(text.utf8)
            guard utf8.count % 2 == 0 else { return nil }
            func nibble(_ digit: UInt8) -> UInt8? {
                switch digit {
                case 0x30...0x39: digit - 0x30
                case 0x41...0x46: digit - 0x41 + 10
                case 0x61...0x66: digit - 0x61 + 10
                default: nil
                }
            }
            var bytes = [UInt8]()
            bytes.reserveCapacity(utf8.count / 2)
            var index = 0
            while index < utf8.count {
                guard let high = nibble(utf8[index]), let low = nibble(utf8[index + 1]) else { return nil }
                bytes.append(high << 4 | low)
                index += 2
            }
            return bytes
        }
    }

    /// A byte range as the file writes it: `{"offset": 4088, "length": 8}`.
    public struct Span: Hashable, Sendable, Codable {
        public var offset: Int
        public var length: Int

        public init(offset: Int, length: Int) {
            self.offset = offset
            self.length = length
        }

        public init(_ range: ConfigRange) { self.init(offset: range.start.rawValue, length: range.length) }
    }

    /// Where a placement's capability bits came from.
    public struct BitsSource: Hashable, Sendable, Codable {
        public enum Kind: String, Hashable, Sendable, CaseIterable, Codable {
            /// Copied from the PF's capability at `offset`.
            case physicalFunction = "pf"
            /// From the command-line options.
            case options
            /// Zero: nothing to copy and no options.
            case cleared
            /// From the layout alone (DVSEC headers).
            case layout
        }

        public var kind: Kind
        /// The PF capability's offset (`pf` only).
        public var offset: Int?

        public init(kind: Kind, offset: Int? = nil) {
            self.kind = kind
            self.offset = offset
        }

        enum CodingKeys: String, CodingKey { case kind, offset }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            kind = try container.name(Kind.self, .kind) ?? .cleared
            offset = try container.decodeIfPresent(Int.self, forKey: .offset)
        }
    }

    /// The capability bits a placement carries; which members are set depends on the kind
    /// (PASID, PRI, ATS, DVSEC, free-space DVSEC), and the file writes them in this order.
    public struct Bits: Hashable, Sendable, Codable {
        public var maxPASIDWidth: Int?
        public var executeSupported: Bool?
        public var privilegedSupported: Bool?
        public var outstandingPageRequestCapacity: UInt64?
        public var prgResponsePASIDRequired: Bool?
        /// The PRI Status register.
        public var status: Int?
        /// The ATS Capability register.
        public var capability: Int?
        public var vendorID: Int?
        public var dvsecID: Int?
        public var revision: Int?
        public var slots: Int?
        public var ranges: [Span]?

        public init(
            maxPASIDWidth: Int? = nil, executeSupported: Bool? = nil, privilegedSupported: Bool? = nil,
            outstandingPageRequestCapacity: UInt64? = nil, prgResponsePASIDRequired: Bool? = nil, status: Int? = nil,
            capability: Int? = nil, vendorID: Int? = nil, dvsecID: Int? = nil, revision: Int? = nil, slots: Int? = nil,
            ranges: [Span]? = nil
        ) {
            self.maxPASIDWidth = maxPASIDWidth
            self.executeSupported = executeSupported
            self.privilegedSupported = privilegedSupported
            self.outstandingPageRequestCapacity = outstandingPageRequestCapacity
            self.prgResponsePASIDRequired = prgResponsePASIDRequired
            self.status = status
            self.capability = capability
            self.vendorID = vendorID
            self.dvsecID = dvsecID
            self.revision = revision
            self.slots = slots
            self.ranges = ranges
        }
    }

    /// A candidate offset a strategy rejected, and why (`reason` is the report's sentence).
    public struct Rejection: Hashable, Sendable, Codable {
        public var capability: VirtualCapabilityKind?
        public var strategy: PlacementStrategy?
        public var offset: Int?
        public var reason: String?
        public var label: String?
        public var reasonCode: String?
        public var constraint: PlacementConstraint?
        /// The peer (index in `peers`) where the rule failed.
        public var peer: Int?
        /// The blocking range, when the reason has one.
        public var range: Span?

        public init(
            capability: VirtualCapabilityKind?, strategy: PlacementStrategy?, offset: Int?, reason: String?,
            label: String?, reasonCode: String?, constraint: PlacementConstraint?, peer: Int? = nil,
            range: Span? = nil
        ) {
            self.capability = capability
            self.strategy = strategy
            self.offset = offset
            self.reason = reason
            self.label = label
            self.reasonCode = reasonCode
            self.constraint = constraint
            self.peer = peer
            self.range = range
        }

        enum CodingKeys: String, CodingKey {
            case capability, strategy, offset, reason, label, reasonCode, constraint, peer, range
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            capability = try container.name(VirtualCapabilityKind.self, .capability)
            strategy = try container.name(PlacementStrategy.self, .strategy)
            offset = try container.decodeIfPresent(Int.self, forKey: .offset)
            reason = try container.decodeIfPresent(String.self, forKey: .reason)
            label = try container.decodeIfPresent(String.self, forKey: .label)
            reasonCode = try container.decodeIfPresent(String.self, forKey: .reasonCode)
            constraint = try container.name(PlacementConstraint.self, .constraint)
            peer = try container.decodeIfPresent(Int.self, forKey: .peer)
            range = try container.decodeIfPresent(Span.self, forKey: .range)
        }
    }

    /// A requested capability the target already has, at `offset`.
    public struct Present: Hashable, Sendable, Codable {
        public var capability: VirtualCapabilityKind?
        public var offset: Int?
        public var label: String?

        public init(capability: VirtualCapabilityKind?, offset: Int?, label: String?) {
            self.capability = capability
            self.offset = offset
            self.label = label
        }

        enum CodingKeys: String, CodingKey { case capability, offset, label }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            capability = try container.name(VirtualCapabilityKind.self, .capability)
            offset = try container.decodeIfPresent(Int.self, forKey: .offset)
            label = try container.decodeIfPresent(String.self, forKey: .label)
        }
    }

    /// A requested capability that found no offset.
    public struct Failure: Hashable, Sendable, Codable {
        public var capability: VirtualCapabilityKind?
        public var length: Int?
        public var label: String?

        public init(capability: VirtualCapabilityKind?, length: Int?, label: String?) {
            self.capability = capability
            self.length = length
            self.label = label
        }

        enum CodingKeys: String, CodingKey { case capability, length, label }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            capability = try container.name(VirtualCapabilityKind.self, .capability)
            length = try container.decodeIfPresent(Int.self, forKey: .length)
            label = try container.decodeIfPresent(String.self, forKey: .label)
        }
    }

    /// How one requested capability was decided, strategy by strategy.
    public struct Decision: Hashable, Sendable, Codable {
        public enum Outcome: String, Hashable, Sendable, CaseIterable, Codable {
            case placed
            case present
            case failed
        }

        /// One strategy's try; `outcome` is the report's code (`placed`, `rejected`, ...).
        public struct Step: Hashable, Sendable, Codable {
            public var strategy: PlacementStrategy?
            public var outcome: String?
            public var offset: Int?
            /// How many candidates it rejected.
            public var rejected: Int?
            public var text: String?

            public init(strategy: PlacementStrategy?, outcome: String?, offset: Int?, rejected: Int?, text: String?) {
                self.strategy = strategy
                self.outcome = outcome
                self.offset = offset
                self.rejected = rejected
                self.text = text
            }

            enum CodingKeys: String, CodingKey { case strategy, outcome, offset, rejected, text }

            public init(from decoder: any Decoder) throws {
                let container = try decoder.container(keyedBy: CodingKeys.self)
                strategy = try container.name(PlacementStrategy.self, .strategy)
                outcome = try container.decodeIfPresent(String.self, forKey: .outcome)
                offset = try container.decodeIfPresent(Int.self, forKey: .offset)
                rejected = try container.decodeIfPresent(Int.self, forKey: .rejected)
                text = try container.decodeIfPresent(String.self, forKey: .text)
            }
        }

        public var capability: VirtualCapabilityKind?
        public var label: String?
        public var outcome: Outcome?
        /// Where it was placed or found.
        public var offset: Int?
        /// The strategy that placed it.
        public var strategy: PlacementStrategy?
        public var steps: [Step]

        public init(
            capability: VirtualCapabilityKind?, label: String?, outcome: Outcome?, offset: Int? = nil,
            strategy: PlacementStrategy? = nil, steps: [Step] = []
        ) {
            self.capability = capability
            self.label = label
            self.outcome = outcome
            self.offset = offset
            self.strategy = strategy
            self.steps = steps
        }

        enum CodingKeys: String, CodingKey { case capability, label, outcome, offset, strategy, steps }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            capability = try container.name(VirtualCapabilityKind.self, .capability)
            label = try container.decodeIfPresent(String.self, forKey: .label)
            outcome = try container.name(Outcome.self, .outcome)
            offset = try container.decodeIfPresent(Int.self, forKey: .offset)
            strategy = try container.name(PlacementStrategy.self, .strategy)
            steps = try container.decodeIfPresent([Step].self, forKey: .steps) ?? []
        }
    }

    /// A note about the plan, with the report's severity word, code and sentence.
    public struct Warning: Hashable, Sendable, Codable {
        public var severity: String?
        public var kind: String?
        public var message: String?

        public init(severity: String?, kind: String?, message: String?) {
            self.severity = severity
            self.kind = kind
            self.message = message
        }
    }

    /// A refusal to plan: the report's code and sentence.
    public struct Refusal: Hashable, Sendable, Codable {
        public var kind: String?
        public var message: String?

        public init(kind: String?, message: String?) {
            self.kind = kind
            self.message = message
        }
    }

    /// How the extended list starts in the virtual space (`PlacementPlan.ListHead`'s cases).
    public enum ListHead: String, Hashable, Sendable, CaseIterable, Codable {
        case existing
        case placement
        case nullCapability
        case empty

        public init(_ head: Model.ListHead) {
            switch head {
            case .existing: self = .existing
            case .placement: self = .placement
            case .nullCapability: self = .nullCapability
            case .empty: self = .empty
            }
        }
    }
}

// MARK: - Reading a plan back

extension PlanFile {
    /// The placements as fully virtual capabilities for the write simulator. A placement
    /// without `bytes` takes them from `virtualSpace` (the plan's `--emit-dump`), when given.
    /// Offsets and lengths are checked before any arithmetic, so a hostile file cannot
    /// overflow or make a huge allocation; the simulator checks the exact placement.
    public func virtualRegions(virtualSpace: ConfigSpace?) throws(PlanFileProblem) -> [VirtualRegion] {
        guard isComplete else { throw .incomplete }
        var regions = [VirtualRegion]()
        for (index, placement) in placements.enumerated() {
            let path: [PlanFileKey] = [.member("placements"), .index(index)]
            guard let id = UInt16(exactly: placement.id) else {
                throw .at(path + [.member("id")], .notAnExtendedCapabilityID(placement.id))
            }
            guard placement.length >= 4 else {
                throw .at(path + [.member("length")], .shorterThanAHeader(placement.length))
            }
            let offset = placement.offset
            let length = placement.length
            guard (0..<ConfigSpace.extendedSize).contains(offset), length <= ConfigSpace.extendedSize - offset else {
                throw .at(path, .outsideConfigSpace(offset: offset, length: length))
            }
            let body: [UInt8]
            if let bytes = placement.bytes?.bytes {
                guard bytes.count == length - 4 else {
                    throw .at(path + [.member("bytes")], .wrongByteCount(expected: length - 4, found: bytes.count))
                }
                body = bytes
            } else if let virtualSpace {
                body = (offset + 4..<offset + length).map { virtualSpace.byte(at: $0) ?? 0 }
            } else {
                throw .at(path, .noBytes)
            }
            regions.append(
                VirtualRegion(
                    id: ExtendedCapabilityID(id), version: placement.version, offset: ConfigOffset(offset), body: body))
        }
        return regions
    }
}

extension PlanFile.Placement {
    /// The kind the planner knows the placement as: `capability`, else the kind with its `id`
    /// (a DVSEC for 0x23, and for an ID the planner never places: both are vendor-defined
    /// bytes to the rules that check them).
    public var plannedKind: VirtualCapabilityKind {
        if let capability { return capability }
        return VirtualCapabilityKind.allCases.first { Int($0.extendedID.rawValue) == id } ?? .dvsec
    }
}

/// One step of a key path in a plan file: a member name or an array index.
public enum PlanFileKey: Hashable, Sendable {
    case member(String)
    case index(Int)
}

/// What is wrong with a plan file.
public indirect enum PlanFileProblem: Error, Hashable, Sendable {
    /// Not JSON, not an object, or no `placements`.
    case notAPlan
    /// `"ok": false`: the plan did not place every capability.
    case incomplete
    /// A member is missing.
    case missing
    /// A member has a value of the wrong type (or null).
    case expected(PlanFileValueKind)
    /// A name that is not one of `expected`.
    case unknownName(String, expected: [String])
    /// `bytes` is not an even number of hex digits.
    case expectedHexBytes
    /// A value the decoder could not take (a number too large, say).
    case invalidValue
    /// `id` does not fit the 16-bit extended capability ID.
    case notAnExtendedCapabilityID(Int)
    /// `length` is shorter than the 4-byte extended capability header.
    case shorterThanAHeader(Int)
    /// `offset` and `length` do not lie inside the 4096-byte configuration space.
    case outsideConfigSpace(offset: Int, length: Int)
    /// `bytes` does not hold `length - 4` bytes.
    case wrongByteCount(expected: Int, found: Int)
    /// A placement has no `bytes` and no virtual space was given to take them from.
    case noBytes
    /// `problem` at a key path.
    case at([PlanFileKey], PlanFileProblem)
}

/// The JSON value a member should hold.
public enum PlanFileValueKind: Hashable, Sendable {
    case number
    case text
    case boolean
    case list
    case object
}

/// A plan file that cannot be used, with the file's name, the key path and the problem.
public struct PlanFileError: Error, Hashable, Sendable {
    /// The file, as the user named it.
    public var file: String
    /// Where in the document (empty: the document as a whole).
    public var path: [PlanFileKey]
    public var problem: PlanFileProblem

    public init(file: String, path: [PlanFileKey] = [], problem: PlanFileProblem) {
        // Problems located while checking (`.at`) are flattened into `path`.
        var path = path
        var problem = problem
        while case .at(let inner, let located) = problem {
            path += inner
            problem = located
        }
        self.file = file
        self.path = path
        self.problem = problem
    }

    /// The error a decoder's failure means: a `DecodingError` (with its coding path), or
    /// anything else the JSON decoder throws for text that is not JSON.
    public init(file: String, decoding error: any Error) {
        guard let error = error as? DecodingError else {
            self.init(file: file, problem: .notAPlan)
            return
        }
        switch error {
        case .typeMismatch(let type, let context), .valueNotFound(let type, let context):
            let path = Self.path(context.codingPath)
            self.init(file: file, path: path, problem: path.isEmpty ? .notAPlan : .expected(Self.kind(of: type)))
        case .keyNotFound(let key, let context):
            self.init(file: file, path: Self.path(context.codingPath + [key]), problem: .missing)
        case .dataCorrupted(let context):
            let path = Self.path(context.codingPath)
            if let problem = context.underlyingError as? PlanFileProblem {
                self.init(file: file, path: path, problem: problem)
            } else {
                self.init(file: file, path: path, problem: path.isEmpty ? .notAPlan : .invalidValue)
            }
        @unknown default:
            self.init(file: file, problem: .notAPlan)
        }
    }

    private static func path(_ codingPath: [any CodingKey]) -> [PlanFileKey] {
        codingPath.map { key in key.intValue.map { .index($0) } ?? .member(key.stringValue) }
    }

    private static func kind(of type: Any.Type) -> PlanFileValueKind {
        switch type {
        case is any BinaryInteger.Type, is any BinaryFloatingPoint.Type: .number
        case is String.Type: .text
        case is Bool.Type: .boolean
        case is [Any].Type: .list
        default: .object
        }
    }
}

// MARK: - Decoding helpers

extension KeyedDecodingContainer {
    /// A member that names a case (`"pf-offset"`); an unknown name is an error that lists the
    /// known ones.
    fileprivate func name<Name: RawRepresentable & CaseIterable>(_ type: Name.Type, _ key: Key) throws -> Name?
    where Name.RawValue == String {
        guard let text = try decodeIfPresent(String.self, forKey: key) else { return nil }
        guard let value = Name(rawValue: text) else {
            throw DecodingError.dataCorrupted(
                DecodingError.Context(
                    codingPath: codingPath + [key], debugDescription: "unknown name",
                    underlyingError: PlanFileProblem.unknownName(text, expected: Name.allCases.map(\.rawValue))))
        }
        return value
    }
}

extension PCIAddress: Codable {
    /// Decodes `dddd:bb:dd.f` (or a shorter form `PCIAddress(parsing:)` takes).
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let address = PCIAddress(parsing: text) else {
            throw DecodingError.dataCorrupted(
                DecodingError.Context(
                    codingPath: decoder.codingPath, debugDescription: "not an address",
                    underlyingError: PlanFileProblem.invalidValue))
        }
        self = address
    }

    /// Encodes `dddd:bb:dd.f`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
