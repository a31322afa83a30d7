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
        what.hasPrefix("Address ") && what.contains("block of size") && what.hasSuffix(" free'd")
    }

    /// Reads `1,443`, `64,146`, `7`; nil for placeholders (`...`, `x`) or anything
    /// that is not a plain decimal count.
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
    }

    /// Parses a loss-record sentence; nil when the text is not one.
    static func lossRecord(_ text: Substring) -> LossRecordHead? {
        guard let bytesIn = text.range(of: " bytes in "), let blocksAre = text.range(of: " blocks are ")
        else { return nil }
        guard bytesIn.upperBound <= blocksAre.lowerBound else { return nil }
        let head = text[text.startIndex..<bytesIn.lowerBound]
        var total: Int?
        var direct: Int?
        var indirect: Int?
        // head is `364`, `364 (64 direct, 300 indirect)`, `10 (+10)` or `x`.
        if let open = head.firstIndex(of: "(") {
            let first = head[head.startIndex..<open]
            guard isCountToken(first) else { return nil }
            total = number(first)
            let inner = head[head.index(after: open)...].prefix { $0 != ")" }
            if let d = inner.range(of: " direct, ") {
                direct = number(inner[inner.startIndex..<d.lowerBound])
                let rest = inner[d.upperBound...]
                if let i = rest.range(of: " indirect") {
                    indirect = number(rest[rest.startIndex..<i.lowerBound])
                }
            }
        } else {
            guard isCountToken(head) else { return nil }
            total = number(head)
        }
        let blocksText = text[bytesIn.upperBound..<blocksAre.lowerBound]
        let blocksHead = blocksText.prefix { $0 != " " && $0 != "(" }
        guard isCountToken(blocksHead) else { return nil }
        let blocks = number(blocksHead)
        var phraseEnd = text.endIndex
        if let lr = text.range(of: " in loss record", range: blocksAre.upperBound..<text.endIndex) {
            phraseEnd = lr.lowerBound
        }
        let phrase = String(text[blocksAre.upperBound..<phraseEnd])
        return LossRecordHead(
            total: total, direct: direct, indirect: indirect, blocks: blocks, kindPhrase: phrase)
    }

    /// A count as printed, or one of the test-suite placeholders (`x`, `...`).
    private static func isCountToken(_ s: Substring) -> Bool {
        let t = s.trimmingSpaces
        if t.isEmpty { return false }
        if t == "x" || t == "..." { return true }
        return t.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || $0 == UInt8(ascii: ",") }
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
    var trimmingSpaces: Substring {
        var s = self
        while let f = s.first, f == " " || f == "\t" || f == "\r" || f == "\n" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\r" || l == "\n" { s = s.dropLast() }
        return s
    }
}
