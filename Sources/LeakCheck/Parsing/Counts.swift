/// Reading byte and block counts out of logs without ever trapping.
///
/// A count that does not fit (`99999999999999999999 bytes`) is clamped to
/// `Counts.ceiling` and flagged, so the parser can say so in a warning instead
/// of crashing or silently dropping the figure. The ceiling leaves head room:
/// a record's direct plus indirect bytes (`Finding.totalBytes`) of two clamped
/// figures still fits in an `Int`.
enum Counts {
    /// 2^61 - 1 bytes (2 EiB): no real heap is that large.
    static let ceiling = Int.max >> 2

    /// Decimal digits with optional thousands separators (`64,146`) and
    /// surrounding spaces. nil when it is not a count (placeholders `x`, `...`,
    /// inner spaces, no digits); `clamped` when the value was over `ceiling`.
    static func parse<C: Collection>(_ bytes: C) -> (value: Int, clamped: Bool)? where C.Element == UInt8 {
        var value = 0
        var digits = 0
        var clamped = false
        var trailingSpace = false
        for b in bytes {
            if b >= 0x30 && b <= 0x39 {
                if trailingSpace { return nil }
                digits += 1
                if clamped { continue }
                let (m, o1) = value.multipliedReportingOverflow(by: 10)
                let (s, o2) = m.addingReportingOverflow(Int(b - 0x30))
                if o1 || o2 || s > ceiling {
                    clamped = true
                    value = ceiling
                } else {
                    value = s
                }
            } else if b == UInt8(ascii: ",") && digits > 0 && !trailingSpace {
                continue
            } else if b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D {
                if digits > 0 { trailingSpace = true }
            } else {
                return nil
            }
        }
        return digits > 0 ? (value, clamped) : nil
    }

    static func parse(_ s: Substring) -> (value: Int, clamped: Bool)? { parse(s.utf8) }

    /// The note a parser adds when it clamped a figure.
    static func clampNote(_ what: String) -> String {
        "\(what) is larger than any real heap (over \(ceiling) bytes): counted as \(ceiling)"
    }
}
