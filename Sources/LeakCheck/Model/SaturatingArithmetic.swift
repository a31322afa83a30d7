/// Figures from logs and reports are user data: sums and products clamp at
/// `Int`'s range instead of trapping (a hostile or corrupt input never crashes the tool).
extension Int {
    /// Sum that stops at Int.max/Int.min instead of trapping (byte counts from hostile logs).
    func addingSaturated(_ other: Int) -> Int {
        let (v, o) = addingReportingOverflow(other)
        return o ? (other > 0 ? .max : .min) : v
    }
    func multipliedSaturated(by other: Int) -> Int {
        let (v, o) = multipliedReportingOverflow(by: other)
        return o ? ((self < 0) != (other < 0) ? .min : .max) : v
    }
}
