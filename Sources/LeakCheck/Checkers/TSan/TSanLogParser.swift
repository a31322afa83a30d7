/// Reads a ThreadSanitizer log (gcc's libtsan or compiler-rt's, one `log_path` file per
/// process). A report runs from its `WARNING: ThreadSanitizer: WHAT (pid=N)` header to its
/// `SUMMARY: ThreadSanitizer: …` line:
///
///     WARNING: ThreadSanitizer: data race (pid=3136)
///       Read of size 4 at 0x55aa0c64705c by thread T2:
///         #0 bump /src/race.c:9 (race+0x11e9)
///
///       Previous write of size 4 at 0x55aa0c64705c by thread T1:
///         #0 bump /src/race.c:9 (race+0x1201)
///
///       Location is global 'count' of size 4 at 0x55aa0c64705c (race+0x405c)
///
///       Thread T2 (tid=3144, running) created by main thread at:
///         #0 pthread_create …
///     SUMMARY: ThreadSanitizer: data race /src/race.c:9 in bump
///
/// The first stack is the finding's own (for a race: the current access; for a lock-order
/// inversion: the first acquisition; for mutex misuse: the frames right after the header);
/// every later titled stack is auxiliary (the previous access, the other acquisition, where
/// threads and mutexes were created).
public enum TSanLogParser {
    /// The kind of a report from the text after `ThreadSanitizer: ` (without `(pid=N)`).
    public static func kind(forReport what: String) -> FindingKind {
        if what.hasPrefix("data race") || what.hasPrefix("race on") { return .dataRace }
        if what.hasPrefix("lock-order-inversion") { return .lockOrder }
        if what.hasPrefix("thread leak") { return .threadLeak }
        // unlock of an unlocked mutex, double lock, destroy of a locked mutex, read (un)lock of
        // a write-locked mutex, mutex held in the wrong context, signal-unsafe calls in a
        // handler, a handler that spoils errno: the thread API used wrongly.
        for misuse in [
            "unlock of an unlocked mutex", "double lock of a mutex", "destroy of a locked mutex",
            "read lock of a write locked mutex", "read unlock of a write locked mutex",
            "mutex held in wrong context", "signal-unsafe call inside of a signal", "signal handler spoils errno",
            "use of an invalid mutex",
        ] where what.hasPrefix(misuse) {
            return .threadMisuse
        }
        return .other
    }

    public static func parse(text: String) -> CheckerOutput {
        var state = State()
        Lines.forEach(text) { line in
            state.consume(line)
            return true
        }
        return state.finish()
    }

    private struct Pending {
        var rawKind: String
        var kind: FindingKind
        var pid: Int?
        var stack: [Frame] = []
        var firstTitle: String?
        var auxiliary: [AuxiliaryStack] = []
        /// The title of the stack being read (nil: the frames right after the header).
        var currentTitle: String?
        var currentFrames: [Frame] = []
        var locations: [String] = []

        mutating func closeStack() {
            defer {
                currentFrames = []
                currentTitle = nil
            }
            guard !currentFrames.isEmpty || currentTitle != nil else { return }
            if stack.isEmpty && firstTitle == nil {
                stack = currentFrames
                firstTitle = currentTitle
            } else {
                auxiliary.append(AuxiliaryStack(what: currentTitle ?? "", stack: currentFrames))
            }
        }

        func build() -> Finding {
            var message = firstTitle ?? rawKind
            for l in locations { message += "; " + l }
            return Finding(
                kind: kind, rawKind: rawKind, message: message, stack: stack, auxiliary: auxiliary,
                thread: firstTitle.flatMap(Self.thread(in:)))
        }

        /// `… by thread T2` / `… by main thread` / `… in thread T1`.
        static func thread(in title: String) -> String? {
            if title.contains("main thread") { return "T0" }
            guard let r = title.range(of: "thread T") else { return nil }
            let digits = title[r.upperBound...].prefix { $0.isNumber }
            return digits.isEmpty ? nil : "T" + digits
        }
    }

    private struct State {
        var output = CheckerOutput(format: .threadSanitizer)
        var pending: Pending?
        var reportedWarnings: Int?

        /// One line without its terminator (`Lines` splits on `\n`, `\r\n` and `\r`).
        mutating func consume(_ line: Substring) {
            let text = line.drop { $0 == " " || $0 == "\t" }
            if text.hasPrefix("WARNING: ThreadSanitizer: ") {
                if let p = pending {
                    // A header before the last report's SUMMARY: keep what it said.
                    finishReport(p)
                }
                var what = String(text.dropFirst("WARNING: ThreadSanitizer: ".count))
                var pid: Int?
                if let r = what.range(of: " (pid=", options: .backwards), what.hasSuffix(")") {
                    pid = Int(what[r.upperBound..<what.index(before: what.endIndex)])
                    what = String(what[..<r.lowerBound])
                }
                if let pid, !output.pids.contains(pid) { output.pids.append(pid) }
                pending = Pending(rawKind: what, kind: TSanLogParser.kind(forReport: what), pid: pid)
                return
            }
            if text.hasPrefix("SUMMARY: ThreadSanitizer: ") {
                if let p = pending { finishReport(p) }
                pending = nil
                return
            }
            if text.hasPrefix("ThreadSanitizer: reported ") {
                reportedWarnings = Int(text.dropFirst("ThreadSanitizer: reported ".count).prefix { $0.isNumber })
                return
            }
            if text.hasPrefix("FATAL: ThreadSanitizer") || text.hasPrefix("ThreadSanitizer: CHECK failed") {
                output.complete = false
                output.incompleteReason = "ThreadSanitizer stopped: \(text)"
                return
            }
            guard pending != nil else { return }
            if text.hasPrefix("#"), let frame = Self.frame(text) {
                pending!.currentFrames.append(frame)
                return
            }
            if text.isEmpty {
                pending!.closeStack()
                return
            }
            if text.hasPrefix("Location is ") {
                pending!.closeStack()
                pending!.locations.append(String(text))
                return
            }
            if text.hasSuffix(":") && !text.hasPrefix("Hint:") {
                pending!.closeStack()
                pending!.currentTitle = String(text.dropLast())
            }
        }

        mutating func finishReport(_ p: Pending) {
            var p = p
            p.closeStack()
            output.findings.append(p.build())
            pending = nil
        }

        mutating func finish() -> CheckerOutput {
            if let p = pending {
                finishReport(p)
                output.complete = false
                output.incompleteReason = "ThreadSanitizer log is incomplete: a report has no SUMMARY line"
            }
            if let n = reportedWarnings, n != output.findings.count {
                output.warnings.append(
                    "ThreadSanitizer says it reported \(n) warning(s); the log holds \(output.findings.count)")
            }
            return output
        }

        /// `#1 main /src/race.c:16 (race+0x1276)`, `#0 bump /src/race.c:9:41 (race+0xfba94)`,
        /// `#2 <null> <null> (libc.so.6+0x29d8f)`, `#0 foo(int) <null> (a.out+0x10)`.
        static func frame(_ text: Substring) -> Frame? {
            var rest = text.dropFirst()
            guard let first = rest.first, first.isNumber else { return nil }
            rest = rest.drop { $0.isNumber }.drop { $0 == " " }
            var frame = Frame()
            // compiler-rt adds `(BuildId: …)` after the module.
            if rest.hasSuffix(")"), let open = rest.range(of: " (BuildId: ", options: .backwards) {
                rest = rest[..<open.lowerBound]
            }
            // Trailing `(module+0xoffset)`.
            if rest.hasSuffix(")"), let open = rest.lastIndex(of: "(") {
                let inner = rest[rest.index(after: open)..<rest.index(before: rest.endIndex)]
                if let plus = inner.range(of: "+0x", options: .backwards) {
                    frame.object = String(inner[..<plus.lowerBound])
                    frame.address = String(inner[plus.lowerBound...].dropFirst())
                    rest = rest[..<open]
                }
            }
            while rest.hasSuffix(" ") { rest = rest.dropLast() }
            var function = rest
            if let space = rest.lastIndex(of: " ") {
                let token = rest[rest.index(after: space)...]
                if token == "<null>" {
                    function = rest[..<space]
                } else if let loc = location(token) {
                    frame.file = loc.file
                    frame.line = loc.line
                    function = rest[..<space]
                }
            }
            if !function.isEmpty && function != "<null>" {
                let cleaned = SanitizerLogFrame.cleanRustName(String(function))
                frame.function = cleaned.function
                frame.mangled = cleaned.mangled
            }
            return frame
        }

        /// `file:line` or `file:line:column`.
        static func location(_ token: Substring) -> (file: String, line: Int)? {
            var parts = token.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count >= 2 else { return nil }
            if parts.count >= 3, Int(parts[parts.count - 1]) != nil, Int(parts[parts.count - 2]) != nil {
                parts.removeLast()
            }
            guard let line = Int(parts.last!) else { return nil }
            let file = parts.dropLast().joined(separator: ":")
            return file.isEmpty ? nil : (file, line)
        }
    }
}
