extension Double {
    /// The value rounded to `digits` decimals, as the bench commands print timings: `0.125`,
    /// `12.0`, `3` for `fixed(0)`. Non-finite and huge values print as Swift writes them.
    func fixed(_ digits: Int) -> String {
        var scale: Int64 = 1
        for _ in 0..<max(0, min(digits, 9)) { scale *= 10 }
        guard isFinite, abs(self) * Double(scale) < 9e15 else { return "\(self)" }
        let scaled = Int64((abs(self) * Double(scale)).rounded())
        let sign = self < 0 && scaled != 0 ? "-" : ""
        guard scale > 1 else { return sign + "\(scaled)" }
        let fraction = String(scaled % scale)
        let padding = String(repeating: "0", count: String(scale).count - 1 - fraction.count)
        return sign + "\(scaled / scale)." + padding + fraction
    }
}
