/// Parser for AddressSanitizer / LeakSanitizer logs (gcc's libasan and LLVM's
/// compiler-rt, Linux and Windows, 2012-era to current).
///
/// A log may hold several processes' reports interleaved with program output
/// (a test harness, Chromium's own log lines). The parser is line based and
/// matches fixed prefixes; it never fails: what it cannot classify becomes an
/// `.other` finding or a warning, and a report cut short sets `complete = false`.
public enum SanitizerLogParser {
    /// Parses one log (which may hold several processes' reports, interleaved with program noise).
    ///
    /// Lines may end in `\n`, `\r\n` or `\r`. Each leak report's entries are
    /// reconciled with its `SUMMARY:` line; the parse stops early, incomplete,
    /// when `Cancellation` is requested.
    public static func parse(text: String) -> CheckerOutput {
        var state = State()
        var sincePoll = 0
        var lastLine: Substring?
        Lines.forEach(text) { line in
            sincePoll += 1
            if sincePoll >= Cancellation.pollInterval {
                sincePoll = 0
                if Cancellation.isRequested {
                    state.interrupted = true
                    return false
                }
            }
            var line = line
            if line.utf8.count > ParseBounds.maxLineBytes {
                // A giant line (a 50 MB function name) is cut before any parsing looks at it.
                line = Substring(line.utf8.prefix(ParseBounds.maxLineBytes))
                state.bounds.cutLines += 1
            }
            state.consume(line: line)
            if !SanitizerLogFrame.trimmed(line).isEmpty { lastLine = line }
            return true
        }
        var out = state.finish()
        if out.complete, let last = lastLine, let why = cutReportStart(last, terminated: endsWithLineEnd(text)) {
            out.complete = false
            out.incompleteReason = why
        }
        return out
    }

    static func endsWithLineEnd(_ text: String) -> Bool {
        text.utf8.last == 0x0A || text.utf8.last == 0x0D
    }

    /// The log ends where a report starts: its last line is the `=====` rule
    /// every report opens with, or an unterminated line that begins like a
    /// report line (`==5131=`, `==5131==ERR`, `SUMMARY: Le`, `AddressSani`).
    /// Without this, a log cut a few bytes into a report reads as clean.
    static func cutReportStart(_ line: Substring, terminated: Bool) -> String? {
        let t = SanitizerLogFrame.trimmed(line)
        let u = t.utf8
        if u.count >= 20 && u.allSatisfy({ $0 == UInt8(ascii: "=") }) {
            return "the log ends right after the ==== line that opens a sanitizer report"
        }
        guard !terminated else { return nil }
        let cut = "the log ends inside a line that starts a sanitizer report (\(t.prefix(40)))"
        if u.allSatisfy({ $0 == UInt8(ascii: "=") }) { return cut }
        if u.starts(with: [0x3D, 0x3D]) {
            // `==`, `==5131`, `==5131=`, `==5131==`, `==5131==ERR`, `==5131==AddressSan`.
            var rest = u.dropFirst(2)
            rest = rest.drop(while: { $0 >= 0x30 && $0 <= 0x39 })
            if rest.isEmpty || Array(rest) == [0x3D] { return cut }
            guard rest.starts(with: [0x3D, 0x3D]) else { return nil }
            let body = String(decoding: rest.dropFirst(2), as: UTF8.self)
            if body.isEmpty || "ERROR: ".hasPrefix(body) || " ERROR: ".hasPrefix(body) { return cut }
            for tool in LogRecognizer.tools {
                for whole in [tool + "Sanitizer:DEADLYSIGNAL", tool + "Sanitizer has encountered a fatal error."]
                where whole.hasPrefix(body) && body != whole {
                    return cut
                }
            }
            return nil
        }
        // An entry header with no newline is cut (its stack is missing). A whole
        // SUMMARY line without a final newline is fine; a cut one is not.
        for marker in ["SUMMARY: ", "Direct leak of ", "Indirect leak of "]
        where u.count >= 3 && marker.hasPrefix(String(t)) {
            return cut
        }
        if t.hasBytePrefix("Direct leak of ") || t.hasBytePrefix("Indirect leak of ") { return cut }
        if t.hasBytePrefix("SUMMARY: ") {
            let rest = t.dropFirst("SUMMARY: ".count)
            if rest.firstRange(of: ": ") == nil { return cut }
            if rest.contains(" leaked") && !rest.hasByteSuffix("allocation(s).") { return cut }
        }
        for tool in LogRecognizer.tools {
            let word = tool + "Sanitizer:DEADLYSIGNAL"
            if u.count >= 4 && word.hasPrefix(String(t)) { return cut }
        }
        return nil
    }

    /// Maps ASan's name for an error (`heap-use-after-free`, `SEGV`, …) to a kind.
    public static func kind(forErrorName name: String) -> FindingKind {
        switch name {
        case "heap-use-after-free": return .useAfterFree
        case "heap-buffer-overflow": return .heapBufferOverflow
        case "stack-buffer-overflow", "stack-buffer-underflow", "dynamic-stack-buffer-overflow":
            return .stackBufferOverflow
        case "global-buffer-overflow": return .globalBufferOverflow
        case "stack-use-after-scope": return .stackUseAfterScope
        case "stack-use-after-return": return .stackUseAfterReturn
        case "double-free": return .doubleFree
        case "bad-free": return .invalidFree
        case "alloc-dealloc-mismatch", "new-delete-type-mismatch": return .mismatchedFree
        case "SEGV", "BUS", "FPE", "ILL", "ABRT", "TRAP", "stack-overflow": return .fatalSignal
        case "use-of-uninitialized-value": return .uninitialisedValue  // MemorySanitizer
        default:
            if name.hasSuffix("-param-overlap") { return .overlap }
            return .other
        }
    }

    /// The signal behind a fatal-signal error name (`SEGV` → `SIGSEGV`).
    static func signal(forErrorName name: String) -> String? {
        switch name {
        case "SEGV", "stack-overflow": return "SIGSEGV"
        case "BUS": return "SIGBUS"
        case "FPE": return "SIGFPE"
        case "ILL": return "SIGILL"
        case "ABRT": return "SIGABRT"
        case "TRAP": return "SIGTRAP"
        default: return nil
        }
    }
}

// MARK: - State machine

extension SanitizerLogParser {
    /// A finding under construction (its fingerprint is computed when it is built).
    fileprivate struct PendingFinding {
        var kind: FindingKind
        var rawKind: String
        var bytes: Int?
        var blocks: Int?
        var header: String
        var access: String?
        var location: String?
        var signalCause: String?
        var thread: String?
        var stack: [Frame] = []
        var auxiliary: [AuxiliaryStack] = []
        /// The error header did not name the error (`requested allocation size …`):
        /// take the name from the SUMMARY line.
        var rawKindFromSummary = false

        func build() -> Finding {
            // One line: the access (`READ of size 4 at 0x… thread T0`) or the
            // header's own text, then the signal cause and the location.
            var message = header
            if let access { message = kind == .other ? header + "; " + access : access }
            if let signalCause { message += "; " + signalCause }
            if let location { message += "; " + location }
            return Finding(
                kind: kind, rawKind: rawKind, bytes: bytes, blocks: blocks, message: message,
                stack: stack, auxiliary: auxiliary, thread: thread)
        }
    }

    fileprivate enum ReportKind { case leak, error }

    fileprivate struct Report {
        var kind: ReportKind
        var pid: Int?
        var findings: [PendingFinding] = []
        /// Set by SUMMARY, ABORTING, the shadow-byte dump or a following report.
        var ended = false
        var sawSummary = false
        var summary: Tally?
        /// A non-blank, non-frame line came after the last frame.
        var contentAfterLastFrame = true
        var sawFrame = false
        /// Error reports: the main stack has been closed by a description line.
        var mainStackClosed = false
        /// The last non-blank, non-frame line (what the next `#0` stack describes).
        var lastText: String?
        var currentAux: Int?
    }

    fileprivate struct State {
        var output = CheckerOutput(format: .sanitizer)
        var reports: [Report] = []
        var current: Report?
        var inSuppressions = false
        var lsanFatal: String?
        var interrupted = false
        /// `AddressSanitizer:DEADLYSIGNAL` (with or without a `==PID==` marker)
        /// announced a report that has not come yet.
        var deadlySignalPending: String?
        /// An `ERROR:` header naming a sanitizer whose report could not be read (cut after `LeakSanitizer:`).
        var unreadableHeader: String?
        /// The first stack read outside any report: the stack of an error whose
        /// `==PID==ERROR:` header is missing or unreadable, if a SUMMARY names one.
        var orphanStack: [Frame] = []
        var orphanStackClosed = false
        /// What the frame, name and line caps cut (notes at the end).
        var bounds = BoundsTally()

        mutating func consume(line rawLine: Substring) {
            var line = rawLine
            if line.hasByteSuffix("\r") { line = line.dropLast() }
            let text = SanitizerLogFrame.trimmed(line)
            if text.isEmpty { return }

            if inSuppressions {
                if consumeSuppressionRow(text) { return }
                inSuppressions = false
            }
            if text == "Suppressions used:" {
                inSuppressions = true
                noteContent(text)
                return
            }

            // `#N 0x…` frame lines.
            if text.hasBytePrefix("#"), let frame = parseFrameLine(text) {
                addFrame(frame.number, frame.frame)
                return
            }

            // `==PID==ERROR: …` / `==PID== ERROR: …` and other `==PID==` lines.
            if text.hasBytePrefix("==") {
                if let (pid, body) = splitPidMarker(text) {
                    consumePidLine(pid: pid, body: body)
                    return
                }
            }
            if text.hasByteSuffix("Sanitizer:DEADLYSIGNAL") && !text.contains(" ") {
                deadlySignalPending = String(text)
                noteContent(text)
                return
            }
            if text.hasBytePrefix("SUMMARY: ") {
                consumeSummary(text.dropFirst("SUMMARY: ".count))
                return
            }
            if text.hasBytePrefix("Direct leak of ") || text.hasBytePrefix("Indirect leak of ") {
                consumeLeakHeader(text)
                return
            }
            if text.hasBytePrefix("Shadow bytes around the buggy address") {
                if current?.kind == .error { current?.ended = true }
                noteContent(text)
                return
            }
            consumeText(text)
        }

        // MARK: Frames

        func parseFrameLine(_ text: Substring) -> (number: Int, frame: Frame)? {
            let u = text.utf8.dropFirst()
            let digits = u.prefix(while: { $0 >= 48 && $0 <= 57 })
            guard !digits.isEmpty, digits.count < 9, let n = Int(Substring(digits)) else { return nil }
            let after = text[digits.endIndex...]
            guard after.utf8.first == 32 || after.utf8.first == 9,
                let frame = SanitizerLogFrame.parse(afterNumber: after)
            else { return nil }
            return (n, frame)
        }

        mutating func addFrame(_ number: Int, _ frame: Frame) {
            // Mutate `current` in place: a local copy would make every append
            // copy the stack (quadratic on deep stacks).
            guard current != nil, !current!.findings.isEmpty else {
                if current == nil && !orphanStackClosed { bounds.append(frame, to: &orphanStack) }
                return
            }
            current!.sawFrame = true
            current!.contentAfterLastFrame = false
            let last = current!.findings.count - 1
            switch current!.kind {
            case .leak:
                bounds.append(frame, to: &current!.findings[last].stack)
            case .error:
                if !current!.mainStackClosed {
                    bounds.append(frame, to: &current!.findings[last].stack)
                } else if number == 0 || current!.currentAux == nil {
                    var what = current!.lastText ?? "stack"
                    if what.hasSuffix(":") { what.removeLast() }
                    var first = frame
                    bounds.cap(&first)
                    current!.findings[last].auxiliary.append(AuxiliaryStack(what: what, stack: [first]))
                    current!.currentAux = current!.findings[last].auxiliary.count - 1
                    current!.lastText = nil
                } else if let aux = current!.currentAux {
                    bounds.append(frame, to: &current!.findings[last].auxiliary[aux].stack)
                }
            }
        }

        /// Any other non-blank line inside a report.
        mutating func noteContent(_ text: Substring) {
            guard current != nil else {
                if !orphanStack.isEmpty { orphanStackClosed = true }
                return
            }
            if current!.sawFrame { current!.contentAfterLastFrame = true }
            if current!.kind == .error, current!.findings.last.map({ !$0.stack.isEmpty }) == true {
                current!.mainStackClosed = true
                current!.lastText = String(text)
            }
        }

        mutating func consumeText(_ text: Substring) {
            guard current?.kind == .error, var f = current?.findings.last else {
                noteContent(text)
                return
            }
            let isAccess =
                text.hasBytePrefix("READ of size ") || text.hasBytePrefix("WRITE of size ")
                || text.hasBytePrefix("ACCESS of size ")
            if isAccess && f.access == nil && f.stack.isEmpty {
                f.access = String(text)
                if let t = threadName(in: text) { f.thread = t }
            } else if f.location == nil && (text.hasBytePrefix("0x") || text.hasBytePrefix("Address 0x"))
                && text.contains(" is ")
            {
                f.location = String(text)
            }
            current!.findings[current!.findings.count - 1] = f
            noteContent(text)
        }

        // MARK: Suppressions

        /// `  count      bytes template` header, `    360      17792 libfontconfig`
        /// rows, and the dashed line that closes the block.
        mutating func consumeSuppressionRow(_ text: Substring) -> Bool {
            if text.hasBytePrefix("count") { return true }
            if text.allSatisfy({ $0 == "-" }) { return false }
            let parts = text.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: true)
            guard parts.count == 3, let count = Int(parts[0]), Int(parts[1]) != nil else {
                return false
            }
            let name = String(SanitizerLogFrame.trimmed(parts[2]))
            output.checkerSuppressionCounts[name, default: 0] += count
            return true
        }

        // MARK: Headers

        /// `==1234==rest` or `==1234== rest` → (1234, rest).
        func splitPidMarker(_ text: Substring) -> (Int, Substring)? {
            let afterOpen = text.utf8.dropFirst(2)
            let digits = afterOpen.prefix(while: { $0 >= 48 && $0 <= 57 })
            guard !digits.isEmpty, digits.count < 12, let pid = Int(Substring(digits)) else { return nil }
            let rest = text[digits.endIndex...]
            guard rest.hasBytePrefix("==") else { return nil }
            return (pid, SanitizerLogFrame.trimmed(rest.dropFirst(2)))
        }

        mutating func consumePidLine(pid: Int, body: Substring) {
            if body.hasBytePrefix("ERROR:")
                && LogRecognizer.isToolName(SanitizerLogFrame.trimmed(body.dropFirst("ERROR:".count)))
            {
                deadlySignalPending = nil
                consumeErrorHeader(pid: pid, SanitizerLogFrame.trimmed(body.dropFirst("ERROR:".count)))
            } else if body.hasBytePrefix("ERROR: ") {
                consumeErrorHeader(pid: pid, body.dropFirst("ERROR: ".count))
            } else if body.hasByteSuffix("Sanitizer:DEADLYSIGNAL") {
                deadlySignalPending = "==\(pid)==\(body)"
                noteContent(body)
            } else if body == "ABORTING" {
                if current != nil && current!.pid == pid { current!.ended = true }
                noteContent(body)
            } else if body.hasBytePrefix("The signal is caused by ") {
                if current?.kind == .error, !current!.findings.isEmpty {
                    current!.findings[current!.findings.count - 1].signalCause = String(body)
                }
            } else if body.hasBytePrefix("LeakSanitizer has encountered a fatal error") {
                lsanFatal = String(body)
                noteContent(body)
            } else {
                // Hints, register dumps, DbgHelp warnings: not part of the report's shape.
            }
        }

        mutating func startReport(_ kind: ReportKind, pid: Int?) {
            closeReport()
            orphanStack = []
            orphanStackClosed = false
            current = Report(kind: kind, pid: pid)
            if let pid, !output.pids.contains(pid) { output.pids.append(pid) }
        }

        mutating func closeReport() {
            if let r = current { reports.append(r) }
            current = nil
        }

        /// `AddressSanitizer: heap-use-after-free on address 0x… at pc …`,
        /// `LeakSanitizer: detected memory leaks`.
        mutating func consumeErrorHeader(pid: Int, _ body: Substring) {
            // A header that names no report (`ERROR: LeakSanitizer:` and nothing
            // after it, `ERROR: LeakSani`): the log was cut there, or the sanitizer
            // failed in a way we cannot read. Either way it is not clean.
            func unreadable() {
                closeReport()
                unreadableHeader = "==\(pid)==ERROR: \(body)"
                if !output.pids.contains(pid) { output.pids.append(pid) }
            }
            guard let colon = body.firstRange(of: ": ") else { return unreadable() }
            let tool = body[..<colon.lowerBound]
            let detail = SanitizerLogFrame.trimmed(body[colon.upperBound...])
            guard tool.hasByteSuffix("Sanitizer"), !detail.isEmpty else { return unreadable() }
            unreadableHeader = nil
            if tool == "LeakSanitizer" && detail.hasBytePrefix("detected memory leaks") {
                startReport(.leak, pid: pid)
                return
            }
            startReport(.error, pid: pid)
            let (name, fromSummary) = errorName(detail)
            var f = PendingFinding(
                kind: SanitizerLogParser.kind(forErrorName: name), rawKind: name,
                header: String(detail.hasByteSuffix(":") ? detail.dropLast() : detail))
            f.rawKindFromSummary = fromSummary
            f.thread = threadName(in: detail)
            if f.kind == .fatalSignal, output.fatalSignal == nil {
                output.fatalSignal = SanitizerLogParser.signal(forErrorName: name)
            }
            current!.findings.append(f)
        }

        /// The error's name from the header detail; the flag says the header did not
        /// carry one and SUMMARY's should be used.
        func errorName(_ detail: Substring) -> (String, Bool) {
            if detail.hasBytePrefix("attempting double-free") { return ("double-free", false) }
            if detail.hasBytePrefix("attempting free on address which was not malloc()-ed") {
                return ("bad-free", false)
            }
            if detail.hasBytePrefix("attempting to call malloc_usable_size()") {
                return ("bad-malloc_usable_size", false)
            }
            let token = detail.prefix(while: { $0 != " " && $0 != ":" && $0 != "(" })
            // A name is one hyphenated word (`heap-use-after-free`) or an
            // upper-case signal (`SEGV`); otherwise the header is prose.
            let looksLikeName =
                token.contains("-")
                || (!token.isEmpty && token.allSatisfy { $0.isUppercase })
            if looksLikeName { return (String(token), false) }
            return (String(detail), true)
        }

        func threadName(in text: Substring) -> String? {
            // `thread T0`, `in thread T0:`, SEGV's `(pc … sp … T0)`.
            if let r = text.firstRange(of: "thread T") {
                let id = text[text.index(before: r.upperBound)...].prefix(while: {
                    $0 == "T" || ($0.isASCII && $0.isNumber)
                })
                if id.count > 1 { return String(id) }
            }
            if text.hasByteSuffix(")"), let space = text.dropLast().lastIndex(of: " ") {
                let id = text[text.index(after: space)..<text.index(before: text.endIndex)]
                if id.count > 1, id.first == "T", id.dropFirst().allSatisfy({ $0.isASCII && $0.isNumber }) {
                    return String(id)
                }
            }
            return nil
        }

        /// `Direct leak of 24 byte(s) in 1 object(s) allocated from:`.
        mutating func consumeLeakHeader(_ text: Substring) {
            if current?.kind != .leak { startReport(.leak, pid: nil) }
            let direct = text.hasBytePrefix("Direct")
            let numbers = counts(in: text, what: direct ? "a Direct leak size" : "an Indirect leak size")
            var f = PendingFinding(
                kind: direct ? .definitelyLost : .indirectlyLost,
                rawKind: direct ? "Direct leak" : "Indirect leak",
                header: String(text.hasByteSuffix(" allocated from:") ? text.dropLast(" allocated from:".count) : text))
            if numbers.count >= 2 {
                f.bytes = numbers[0]
                f.blocks = numbers[1]
            } else {
                output.warnings.append("unreadable leak header: \(text)")
            }
            current!.findings.append(f)
            current!.contentAfterLastFrame = false
            current!.sawFrame = true  // an entry header without a stack is itself unfinished
        }

        /// `AddressSanitizer: 131 byte(s) leaked in 3 allocation(s).` or
        /// `AddressSanitizer: heap-use-after-free /src/x.c:6 in main`.
        mutating func consumeSummary(_ rest: Substring) {
            guard let colon = rest.firstRange(of: ": ") else { return }
            let detail = rest[colon.upperBound...]
            if detail.contains(" leaked in ") && detail.contains("byte(s)") {
                let numbers = counts(in: detail, what: "the SUMMARY figure")
                guard numbers.count >= 2 else { return }
                let tally = Tally(bytes: numbers[0], blocks: numbers[1])
                output.sanitizerLeakSummary = (output.sanitizerLeakSummary ?? .zero) + tally
                if current?.kind == .leak, current!.summary == nil {
                    current!.summary = tally
                    current!.sawSummary = true
                    current!.ended = true
                    closeReport()
                } else {
                    // A SUMMARY with no report header before it (log starts mid-report).
                    var r = current?.kind == .leak ? current! : Report(kind: .leak, pid: nil)
                    if current?.kind != .leak { closeReport() }
                    r.summary = tally
                    r.sawSummary = true
                    r.ended = true
                    current = r
                    closeReport()
                }
                return
            }
            guard current?.kind == .error else { return consumeHeaderlessSummary(rest, detail: detail) }
            let name = detail.prefix(while: { $0 != " " })
            if var f = current!.findings.last {
                if f.rawKindFromSummary && !name.isEmpty {
                    f.rawKind = String(name)
                    f.kind = SanitizerLogParser.kind(forErrorName: f.rawKind)
                    f.rawKindFromSummary = false
                    if f.kind == .fatalSignal, output.fatalSignal == nil {
                        output.fatalSignal = SanitizerLogParser.signal(forErrorName: f.rawKind)
                    }
                }
                current!.findings[current!.findings.count - 1] = f
            }
            current!.sawSummary = true
            current!.ended = true
            noteContent(rest)
        }

        /// `SUMMARY: AddressSanitizer: double-free /src/x.c:5:5 in main` with no
        /// error report open: its `==PID==ERROR:` header was lost or unreadable
        /// (a non-numeric PID), or the log is that one line. The SUMMARY still says
        /// an error of that kind happened: it is a finding, with the stack read
        /// before it when there was one.
        mutating func consumeHeaderlessSummary(_ rest: Substring, detail: Substring) {
            let tool = rest.prefix(while: { $0 != ":" })
            // The kind is the words before the location (`data race /src/a.c:3 in f`).
            let words = SanitizerLogFrame.trimmed(detail).split(separator: " ").prefix {
                !$0.contains("/") && !$0.contains(":") && !$0.contains("(") && $0 != "in"
            }
            let name = words.joined(separator: " ")
            guard tool.hasByteSuffix("Sanitizer"), !name.isEmpty else { return }
            let stack = orphanStack
            startReport(.error, pid: nil)
            var f = PendingFinding(
                kind: SanitizerLogParser.kind(forErrorName: name), rawKind: name,
                header: "SUMMARY: " + String(rest))
            f.stack = stack
            if f.kind == .fatalSignal, output.fatalSignal == nil {
                output.fatalSignal = SanitizerLogParser.signal(forErrorName: f.rawKind)
            }
            current!.findings.append(f)
            current!.sawSummary = true
            current!.ended = true
            output.warnings.append(
                "a \(tool) SUMMARY (\(name)) with no readable ERROR header before it: counted as a finding of that kind")
            closeReport()
        }

        /// The whole-number words of a line, clamped (with a warning) when too large.
        mutating func counts(in text: Substring, what: String) -> [Int] {
            var numbers: [Int] = []
            for word in text.split(separator: " ") {
                guard word.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let c = Counts.parse(word) else { continue }
                if c.clamped { output.warnings.append(Counts.clampNote(what)) }
                numbers.append(c.value)
            }
            return numbers
        }

        // MARK: End

        mutating func finish() -> CheckerOutput {
            closeReport()
            var sawLeakReport = false
            var leakTotals = Totals()
            for (index, report) in reports.enumerated() {
                var entries = Tally()
                for pending in report.findings {
                    var p = pending
                    if p.rawKindFromSummary {
                        output.warnings.append("unrecognised AddressSanitizer error: \(p.rawKind)")
                        p.kind = .other
                    }
                    let finding = p.build()
                    output.findings.append(finding)
                    if finding.kind.isLeak {
                        entries += Tally(bytes: finding.bytes ?? 0, blocks: finding.blocks ?? 0)
                        leakTotals.add(finding)
                    }
                }
                if report.kind == .leak {
                    sawLeakReport = true
                    let who = report.pid.map { "process \($0)" } ?? "report \(index + 1)"
                    if let summary = report.summary,
                        let r = SummaryReconciliation.beyondReach(
                            [summary.bytes, summary.blocks], checker: "LeakSanitizer's SUMMARY for \(who)")
                    {
                        SummaryReconciliation.markIncomplete(&output, r)
                    }
                    if let summary = report.summary, summary != entries {
                        output.warnings.append(
                            "LeakSanitizer SUMMARY for \(who) says \(summary.bytes) byte(s) in \(summary.blocks) allocation(s), but its entries add up to \(entries.bytes) byte(s) in \(entries.blocks) allocation(s)"
                        )
                        if let gap = SummaryReconciliation.sanitizerLeaks(
                            summary: summary, entries: entries, who: who, out: &output)
                        {
                            output.findings.append(gap)
                            leakTotals.add(gap)
                        }
                    }
                }
                // A report is whole only when its SUMMARY (or ABORTING, or the shadow
                // dump) was read: every sanitizer since 2012 ends a report with one.
                if !report.ended {
                    output.complete = false
                    let what = report.kind == .leak ? "LeakSanitizer" : "AddressSanitizer"
                    let who = report.pid.map { " (process \($0))" } ?? ""
                    output.incompleteReason = "the \(what) report\(who) is cut short: the log ends before its SUMMARY"
                }
            }
            if sawLeakReport { output.checkerSummary = leakTotals }
            output.warnings += bounds.notes
            if let pending = deadlySignalPending {
                output.complete = false
                output.incompleteReason = "the log ends after \(pending), before the report it announces"
            }
            if let header = unreadableHeader {
                output.complete = false
                output.incompleteReason = "the log ends inside a sanitizer error header (\(header))"
            }
            if interrupted {
                output.complete = false
                output.incompleteReason = Cancellation.reason
            }
            if let lsanFatal {
                output.complete = false
                output.incompleteReason = "LeakSanitizer could not run: \(lsanFatal)"
            }
            return output
        }
    }
}
