import Foundation

/// Pieces shared by the valgrind XML and text parsers: the mapping from
/// memcheck's error kinds to `FindingKind`, and number reading that tolerates
/// thousands separators and the regression suite's placeholders.
enum ValgrindKinds {
    /// Maps a memcheck `<kind>` to a `FindingKind`, refined by the first
    /// auxiliary description (`… inside a block of size 16 free'd`).
    /// Unknown or future kinds become `.other`.
    static func kind(raw: String, auxiliary: [AuxiliaryStack]) -> FindingKind {
        let freedBlock = auxiliary.contains { mentionsFreedBlock($0.what) }
        switch raw {
        case "InvalidRead": return freedBlock ? .useAfterFree : .invalidRead
        case "InvalidWrite": return freedBlock ? .useAfterFree : .invalidWrite
        case "InvalidFree": return freedBlock ? .doubleFree : .invalidFree
        case "MismatchedFree": return .mismatchedFree
        case "Overlap": return .overlap
        case "SyscallParam": return .syscallParam
        case "UninitCondition", "UninitValue": return .uninitialisedValue
        case "Leak_DefinitelyLost": return .definitelyLost
        case "Leak_IndirectlyLost": return .indirectlyLost
        case "Leak_PossiblyLost": return .possiblyLost
        case "Leak_StillReachable": return .stillReachable
        default: return .other
        }
    }

    /// valgrind describes an address in a freed block as
    /// `Address 0x… is 4 bytes inside a block of size 16 free'd`. Not to be
    /// confused with `Address 0x0 is not stack'd, malloc'd or (recently) free'd`.
    static func mentionsFreedBlock(_ what: String) -> Bool {
        what.hasPrefix("Address ") && what.hasSuffix(" free'd") && contains(what, "block of size")
    }

    static func number(_ bytes: [UInt8]) -> Int? {
        bytes.withUnsafeBufferPointer { number($0) }
    }

    /// Reads `1,443`, `64,146`, `7`; nil for placeholders (`...`, `x`) or anything
    /// that is not a plain decimal count.
    @inline(__always)
    static func number<C: Collection>(_ bytes: C) -> Int? where C.Element == UInt8 {
        var value = 0
        var digits = 0
        for b in bytes {
            if b >= 0x30 && b <= 0x39 {
                let (m, o1) = value.multipliedReportingOverflow(by: 10)
                let (s, o2) = m.addingReportingOverflow(Int(b - 0x30))
                if o1 || o2 { return nil }
                value = s
                digits += 1
            } else if b == UInt8(ascii: ",") && digits > 0 {
                continue
            } else if b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D {
                if digits > 0 { return nil }  // inner space: not one number
                continue
            } else {
                return nil
            }
        }
        return digits > 0 ? value : nil
    }

    static func number(_ s: Substring) -> Int? { number(s.utf8) }
    static func number(_ s: String) -> Int? { number(s.utf8) }

    /// The head of a loss-record sentence, as memcheck writes it in both the XML
    /// `<xwhat><text>` and the text log:
    /// `364 (64 direct, 300 indirect) bytes in 1 blocks are definitely lost in loss record 6 of 6`,
    /// `10 (+10) bytes in 1 (+1) blocks are still reachable …` (delta form of client checks).
    struct LossRecordHead {
        var total: Int?
        var direct: Int?
        var indirect: Int?
        var blocks: Int?
        /// The words after "blocks are " up to " in loss record" (`definitely lost`).
        var kindPhrase: String
        /// A figure was over `Counts.ceiling` and was clamped to it.
        var clamped = false
    }

    /// Parses a loss-record sentence; nil when the text is not one.
    static func lossRecord(_ text: Substring) -> LossRecordHead? {
        var s = String(text)
        return s.withUTF8 { lossRecord(bytes: $0) }
    }

    static func lossRecord(_ text: String) -> LossRecordHead? {
        var s = text
        return s.withUTF8 { lossRecord(bytes: $0) }
    }

    /// Byte-level version (Foundation's `range(of:)` was a third of the XML parse time).
    static func lossRecord(bytes b: UnsafeBufferPointer<UInt8>) -> LossRecordHead? {
        guard let bytesIn = find(b, " bytes in ", 0, b.count),
            let blocksAre = find(b, " blocks are ", bytesIn + 10, b.count)
        else { return nil }
        var total: Int?
        var direct: Int?
        var indirect: Int?
        var clamped = false
        /// Leak figures saturate at `Counts.ceiling` (never nil for a mere overflow).
        func number(_ b: UnsafeBufferPointer<UInt8>) -> Int? {
            guard let c = Counts.parse(b) else { return nil }
            if c.clamped { clamped = true }
            return c.value
        }
        // The head is `364`, `364 (64 direct, 300 indirect)`, `10 (+10)` or `x`.
        if let open = firstIndex(b, UInt8(ascii: "("), 0, bytesIn) {
            guard isCountToken(b, 0, open) else { return nil }
            total = number(UnsafeBufferPointer(rebasing: b[0..<open]))
            let close = firstIndex(b, UInt8(ascii: ")"), open, bytesIn) ?? bytesIn
            if let d = find(b, " direct, ", open + 1, close) {
                direct = number(UnsafeBufferPointer(rebasing: b[(open + 1)..<d]))
                if let i = find(b, " indirect", d + 9, close) {
                    indirect = number(UnsafeBufferPointer(rebasing: b[(d + 9)..<i]))
                }
            }
        } else {
            guard isCountToken(b, 0, bytesIn) else { return nil }
            total = number(UnsafeBufferPointer(rebasing: b[0..<bytesIn]))
        }
        let blocksStart = bytesIn + 10
        var blocksEnd = blocksStart
        while blocksEnd < blocksAre && b[blocksEnd] != 0x20 && b[blocksEnd] != UInt8(ascii: "(") {
            blocksEnd += 1
        }
        guard isCountToken(b, blocksStart, blocksEnd) else { return nil }
        let blocks = number(UnsafeBufferPointer(rebasing: b[blocksStart..<blocksEnd]))
        let phraseStart = blocksAre + 12
        let phraseEnd = find(b, " in loss record", phraseStart, b.count) ?? b.count
        let phrase = String(decoding: UnsafeBufferPointer(rebasing: b[phraseStart..<phraseEnd]), as: UTF8.self)
        return LossRecordHead(
            total: total, direct: direct, indirect: indirect, blocks: blocks, kindPhrase: phrase, clamped: clamped)
    }

    /// A count as printed, or one of the test-suite placeholders (`x`, `...`).
    private static func isCountToken(_ b: UnsafeBufferPointer<UInt8>, _ lo0: Int, _ hi0: Int) -> Bool {
        var lo = lo0
        var hi = hi0
        while lo < hi && b[lo] == 0x20 { lo += 1 }
        while hi > lo && b[hi - 1] == 0x20 { hi -= 1 }
        if lo == hi { return false }
        if hi - lo == 1 && b[lo] == UInt8(ascii: "x") { return true }
        if hi - lo == 3 && b[lo] == 0x2E && b[lo + 1] == 0x2E && b[lo + 2] == 0x2E { return true }
        for k in lo..<hi where !((b[k] >= 0x30 && b[k] <= 0x39) || b[k] == UInt8(ascii: ",")) {
            return false
        }
        return true
    }

    /// Index of `pattern` in `b[lo..<hi]`.
    static func find(_ b: UnsafeBufferPointer<UInt8>, _ pattern: StaticString, _ lo: Int, _ hi: Int) -> Int? {
        let m = pattern.utf8CodeUnitCount
        guard hi - lo >= m, let base = b.baseAddress else { return nil }
        let first = Int32(pattern.utf8Start[0])
        var k = lo
        while hi - k >= m {
            guard let r = memchr(base + k, first, hi - k - m + 1) else { return nil }
            let at = UnsafeRawPointer(r) - UnsafeRawPointer(base)
            if memcmp(base + at, pattern.utf8Start, m) == 0 { return at }
            k = at + 1
        }
        return nil
    }

    static func firstIndex(_ b: UnsafeBufferPointer<UInt8>, _ c: UInt8, _ lo: Int, _ hi: Int) -> Int? {
        var k = lo
        while k < hi {
            if b[k] == c { return k }
            k += 1
        }
        return nil
    }

    /// Byte-level `contains` (Foundation's goes through NSString on Linux).
    static func contains(_ s: String, _ pattern: StaticString) -> Bool {
        var copy = s
        return copy.withUTF8 { find($0, pattern, 0, $0.count) != nil }
    }

    static func leakKind(phrase: String) -> (FindingKind, String)? {
        if phrase.hasPrefix("definitely lost") { return (.definitelyLost, "Leak_DefinitelyLost") }
        if phrase.hasPrefix("indirectly lost") { return (.indirectlyLost, "Leak_IndirectlyLost") }
        if phrase.hasPrefix("possibly lost") { return (.possiblyLost, "Leak_PossiblyLost") }
        if phrase.hasPrefix("still reachable") { return (.stillReachable, "Leak_StillReachable") }
        return nil
    }

    /// Finding figures for a leak record: `bytes` = direct bytes so that records
    /// sum to the LEAK SUMMARY, `indirectBytes` = the indirect part.
    static func leakFigures(total: Int?, head: LossRecordHead?) -> (bytes: Int?, indirect: Int?) {
        if let head, let direct = head.direct {
            return (direct, head.indirect)
        }
        return (total ?? head?.total, nil)
    }

    static let signalNames: [Int: String] = [
        1: "SIGHUP", 2: "SIGINT", 3: "SIGQUIT", 4: "SIGILL", 5: "SIGTRAP", 6: "SIGABRT", 7: "SIGBUS",
        8: "SIGFPE", 9: "SIGKILL", 10: "SIGUSR1", 11: "SIGSEGV", 12: "SIGUSR2", 13: "SIGPIPE",
        14: "SIGALRM", 15: "SIGTERM", 24: "SIGXCPU", 25: "SIGXFSZ", 31: "SIGSYS",
    ]
}

extension Substring {
    /// Without surrounding spaces, tabs and line ends (byte-level: no grapheme work).
    var trimmingSpaces: Substring {
        let u = utf8
        var lo = u.startIndex
        var hi = u.endIndex
        @inline(__always) func space(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0D || b == 0x0A }
        while lo < hi && space(u[lo]) { lo = u.index(after: lo) }
        while hi > lo && space(u[u.index(before: hi)]) { hi = u.index(before: hi) }
        return Substring(u[lo..<hi])
    }

    /// Byte offset search for an ASCII pattern; the returned range is in this substring's indices.
    func byteRange(of pattern: StaticString) -> Range<Substring.Index>? {
        let m = pattern.utf8CodeUnitCount
        let u = utf8
        guard u.count >= m else { return nil }
        let first = pattern.utf8Start[0]
        var i = u.startIndex
        let last = u.index(u.endIndex, offsetBy: -m)
        while i <= last {
            if u[i] == first {
                var k = 1
                var j = u.index(after: i)
                while k < m && u[j] == pattern.utf8Start[k] {
                    k += 1
                    j = u.index(after: j)
                }
                if k == m { return i..<j }
            }
            i = u.index(after: i)
        }
        return nil
    }
}
