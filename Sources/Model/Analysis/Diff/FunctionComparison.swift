/// Two functions, their analyses and their differences: what `cfgtui diff` and the explorer's
/// comparison show.
///
/// A function with no SR-IOV relation whose Vendor ID reads 0xFFFF, compared with a VF, is read
/// as a VF too: a VF saved on its own (`cfgtui show --hex -s VF`) loses its relation, and its
/// registers are then described by the same VF tables as the function it is compared with.
public struct FunctionComparison: Sendable {
    public let a: PCIFunction
    public let b: PCIFunction
    public let analysisA: FunctionAnalysis
    public let analysisB: FunctionAnalysis
    public let diff: FunctionDiff

    public init(a: PCIFunction, b: PCIFunction) {
        self.a = a
        self.b = b
        analysisA = Self.analyze(a, beside: b)
        analysisB = Self.analyze(b, beside: a)
        diff = FunctionDiff(analysisA, analysisB)
    }

    /// The analysis of `side`.
    public func analysis(_ side: DiffSide) -> FunctionAnalysis { side == .a ? analysisA : analysisB }
    /// The function of `side`.
    public func function(_ side: DiffSide) -> PCIFunction { side == .a ? a : b }

    static func analyze(_ function: PCIFunction, beside other: PCIFunction) -> FunctionAnalysis {
        let readsAsVF =
            !function.isVirtualFunction && other.isVirtualFunction && function.relation == .none
            && function.space.word(at: 0) == 0xFFFF
        guard readsAsVF else { return function.analyze() }
        return FunctionAnalysis(
            space: function.space, address: function.address, isVirtualFunction: true,
            isUnprivilegedRead: function.isUnprivilegedRead, extraDiagnostics: function.sourceDiagnostics)
    }
}
