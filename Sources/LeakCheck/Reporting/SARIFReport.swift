import Foundation

/// SARIF 2.1.0 (`--sarif PATH`) for GitHub code scanning and other SARIF viewers.
///
/// One run for the whole report (tool `moq-leakcheck`); one rule per finding
/// kind, its help generic (naming the crate's own release functions only when
/// the causes found some); one result per call site of a cause (`report.causes`:
/// the same site in several tests or checkers is one result), with the cause's
/// allocation as a related location, and one per distinct non-gating finding,
/// placed at the caller
/// that forgot to free (boundary caller, else the test's own frame, else the
/// top own frame), with the whole stack as `stacks` and as a `codeFlow`
/// (outermost call first; frames outside `%SRCROOT%`, the toolchain's and
/// glibc's, keep their function name but no file). Still-reachable findings are informational and left
/// out. Suppressed findings carry `suppressions`; every checker is an
/// invocation, unsuccessful when one of its runs was incomplete, with the
/// reason as a tool execution notification.
///
/// GitHub's upload rules followed: `message.text` and `ruleId` on every result,
/// `level` one of error/warning/note, at most 5,000 results (GitHub keeps only
/// the top 5,000 of a run; the rest are dropped here, most severe kept, and a
/// notification says so), at most 1,000 thread-flow locations per result
/// (stacks are cut at 100 frames), URIs relative to `%SRCROOT%` for files
/// in the workspace.
public struct SARIFRenderer: ReportRenderer {
    public var name: String { "SARIF" }
    public var path: String

    /// Results kept per run (GitHub ignores results past 5,000).
    public static let maxResults = 5000
    /// Frames kept per stack (GitHub keeps 1,000 thread-flow locations per result).
    public static let maxFrames = 100

    public init(path: String) { self.path = path }

    public func render(_ report: Report, context: RenderContext) throws -> Data {
        let poll = RenderPoll(rendering: report)
        let log = Self.log(report, context: context, poll: poll)
        try poll.check()
        var data = try Self.serialize(log, poll: poll)
        data.append(0x0a)
        return data
    }

    static let writingOptions: JSONSerialization.WritingOptions = [
        .prettyPrinted, .sortedKeys, .withoutEscapingSlashes,
    ]

    /// `JSONSerialization` of the log, byte for byte, but polled: one call for a
    /// large log takes seconds and cannot be stopped, so the results (nearly all
    /// of it) are serialised one by one, `poll` looked at between two, and
    /// spliced into the rest, indented as the whole document has them.
    static func serialize(_ log: [String: Any], poll: RenderPoll = .never) throws -> Data {
        let marker = "moq-leakcheck-results-\(UUID().uuidString)"
        guard var runs = log["runs"] as? [[String: Any]], runs.count == 1,
            let results = runs[0]["results"] as? [[String: Any]], !results.isEmpty
        else { return try JSONSerialization.data(withJSONObject: log, options: writingOptions) }
        runs[0]["results"] = marker
        var skeleton = log
        skeleton["runs"] = runs
        let text = String(
            decoding: try JSONSerialization.data(withJSONObject: skeleton, options: writingOptions), as: UTF8.self)
        guard let at = text.range(of: "\"\(marker)\"") else {
            return try JSONSerialization.data(withJSONObject: log, options: writingOptions)
        }
        let lineStart = text[..<at.lowerBound].lastIndex(of: "\n").map { text.index(after: $0) } ?? text.startIndex
        let indent = String(text[lineStart...].prefix { $0 == " " })
        var out = Data(text[..<at.lowerBound].utf8)
        out.append(contentsOf: "[\n".utf8)
        for (i, result) in results.enumerated() {
            try poll.tick(RenderPoll.interval / 8)
            let item = String(
                decoding: try JSONSerialization.data(withJSONObject: result, options: writingOptions), as: UTF8.self)
            var lines = item.split(separator: "\n", omittingEmptySubsequences: false)
            for j in lines.indices { lines[j] = Substring(indent + "  " + lines[j]) }
            out.append(contentsOf: lines.joined(separator: "\n").utf8)
            out.append(contentsOf: (i == results.count - 1 ? "\n" : ",\n").utf8)
        }
        out.append(contentsOf: (indent + "]").utf8)
        out.append(contentsOf: text[at.upperBound...].utf8)
        return out
    }

    /// The SARIF log as JSON objects (for tests and for `render`). An interrupted
    /// report has results for its listed findings only (`context.listing(for:)`),
    /// which a notification states; `poll` cuts the log short when a signal comes.
    static func log(_ report: Report, context: RenderContext, poll: RenderPoll = .never) -> [String: Any] {
        let listing = context.listing(for: report)
        let shown = listing?.listed ?? report
        let base = Self.sourceRoot(context)
        let kinds = FindingKind.allCases.filter { $0 != .stillReachable }
        let ruleIndex = Dictionary(uniqueKeysWithValues: kinds.enumerated().map { ($1, $0) })
        let policy = context.policy

        // Each call site of a cause is one result, whatever the checkers and tests that reached it.
        let causes = shown.causes(poll: poll)
        var siteOf: [String: (cause: Int, site: Int)] = [:]
        for (ci, c) in causes.enumerated() {
            for (si, s) in c.sites.enumerated() {
                for fp in s.fingerprints where siteOf[fp] == nil { siteOf[fp] = (ci, si) }
            }
        }
        var seenSites: Set<String> = []
        var distinct = DistinctFindings.of(shown, poll: poll) { $0.kind != .stillReachable }.filter { d in
            guard policy.gates(d.finding), let at = siteOf[d.finding.fingerprint] else { return true }
            return seenSites.insert("\(at.cause):\(at.site)").inserted
        }
        // Most severe first, so the cap keeps what gates.
        func rank(_ d: DistinctFinding) -> Int {
            let f = d.finding
            if f.suppressedBy != nil { return 3 }
            return policy.gates(f) ? 0 : policy.warns(f) ? 1 : 2
        }
        distinct = distinct.enumerated().sorted { (rank($0.element), $0.offset) < (rank($1.element), $1.offset) }.map(
            \.element)
        let dropped = max(0, distinct.count - maxResults)
        distinct = Array(distinct.prefix(maxResults))

        var results: [[String: Any]] = []
        for d in distinct {
            if poll.shouldStop(min(d.finding.stack.count, maxFrames)) { break }
            let f = d.finding
            var unsuppressed = f
            unsuppressed.suppressedBy = nil
            let level = policy.gates(unsuppressed) ? "error" : policy.warns(unsuppressed) ? "warning" : "note"
            var result: [String: Any] = [
                "ruleId": f.kind.rawValue,
                "ruleIndex": ruleIndex[f.kind] ?? 0,
                "level": level,
                "message": ["text": message(d, context: context)],
                "partialFingerprints": ["moqLeakcheckSite/v1": d.key],
                "properties": properties(d),
            ]
            if policy.gates(f), let at = siteOf[f.fingerprint] {
                let cause = causes[at.cause]
                var props = result["properties"] as? [String: Any] ?? [:]
                props["cause"] = cause.id
                props["causeSentence"] = cause.sentence
                props["bytes"] = cause.sites[at.site].bytes
                props["blocks"] = cause.sites[at.site].blocks
                result["properties"] = props
                if let a = cause.allocation, let file = a.file {
                    var loc = physicalLocation(file: file, line: a.line, base: base)
                    loc["id"] = 1
                    loc["message"] = ["text": "allocated in \(a.function ?? "?")"]
                    result["relatedLocations"] = [loc]
                }
            }
            if let place = FindingPlacement.place(f, test: d.tests.first, selector: context.selector) {
                var loc = physicalLocation(file: place.file, line: place.line, base: base)
                if let fn = place.function {
                    loc["logicalLocations"] = [["fullyQualifiedName": fn, "kind": "function"]]
                }
                result["locations"] = [loc]
            } else {
                result["locations"] = [] as [Any]
            }
            let frames = Array(f.stack.prefix(maxFrames))
            // An interrupted report's results keep the stack, not its copy as a code flow.
            if !frames.isEmpty && listing != nil {
                result["stacks"] = [
                    [
                        "message": ["text": "allocation stack (innermost first)"],
                        "frames": frames.map { ["location": frameLocation($0, base: base)] },
                    ] as [String: Any]
                ]
            } else if !frames.isEmpty {
                result["stacks"] = [
                    [
                        "message": ["text": "allocation stack (innermost first)"],
                        "frames": frames.map { ["location": frameLocation($0, base: base)] },
                    ] as [String: Any]
                ]
                result["codeFlows"] = [
                    [
                        "message": ["text": "from the outermost call to the allocation"],
                        "threadFlows": [
                            [
                                "locations": frames.reversed().enumerated().map { i, frame in
                                    ["location": frameLocation(frame, base: base), "executionOrder": i + 1]
                                        as [String: Any]
                                }
                            ]
                        ],
                    ] as [String: Any]
                ]
            }
            if let by = f.suppressedBy {
                var why = "suppressed by \(by)"
                if let src = f.suppressionSource {
                    why += " (\(RelativePath.display(src, roots: context.displayRoots)))"
                }
                if f.suppressionOverBroad == true { why += "; over-broad: it hides a stack in the crate's own code" }
                result["suppressions"] = [["kind": "external", "status": "accepted", "justification": why]]
            }
            if let state = f.baseline {
                result["baselineState"] = state == .new ? "new" : "unchanged"
            }
            results.append(result)
        }

        var run: [String: Any] = [
            "tool": ["driver": driver(kinds, releases: Array(Set(causes.compactMap(\.release))).sorted())],
            "results": results,
            "invocations": invocations(report, dropped: dropped, listing: listing, context: context),
            "columnKind": "unicodeCodePoints",
        ]
        if let base {
            run["originalUriBaseIds"] = [
                "%SRCROOT%": ["uri": URL(fileURLWithPath: base, isDirectory: true).absoluteString]
            ]
        }
        return [
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [run],
        ]
    }

    /// `%SRCROOT%`: the CI workspace, else the working directory.
    static func sourceRoot(_ context: RenderContext) -> String? {
        let root = context.workspaceRoot ?? FileManager.default.currentDirectoryPath
        guard root.hasPrefix("/") else { return nil }
        return root.hasSuffix("/") ? root : root + "/"
    }

    static func message(_ d: DistinctFinding, context: RenderContext) -> String {
        let f = d.finding
        var s = TextReport.headline(withoutTest(f))
        if let sentence = FindingPlacement.boundarySentence(f, roots: context.displayRoots) { s = sentence }
        if !d.tests.isEmpty {
            s += d.tests.count == 1 ? " in test \(d.tests[0])" : " in tests \(d.tests.joined(separator: ", "))"
        }
        s += " (\(d.checkers.map(\.displayName).joined(separator: ", ")))."
        let frames = context.selector.topFrames(f.stack)
        if !frames.isEmpty {
            s += "\n" + frames.map { "  at " + $0.display(roots: context.displayRoots) }.joined(separator: "\n")
        }
        return s
    }

    static func withoutTest(_ f: Finding) -> Finding {
        var g = f
        g.test = nil
        return g
    }

    static func properties(_ d: DistinctFinding) -> [String: Any] {
        let f = d.finding
        var p: [String: Any] = [
            "checkers": d.checkers.map(\.rawValue),
            "fingerprint": f.fingerprint,
            "occurrences": d.occurrences,
            "rawKind": f.rawKind,
        ]
        if !d.tests.isEmpty { p["tests"] = d.tests }
        if let b = f.bytes { p["bytes"] = b }
        if let b = f.blocks { p["blocks"] = b }
        if let b = f.indirectBytes { p["indirectBytes"] = b }
        return p
    }

    static func physicalLocation(file: String, line: Int?, base: String?) -> [String: Any] {
        var artifact: [String: Any]
        if let base, let rel = RelativePath.relative(file, to: base) {
            artifact = ["uri": percentEncoded(rel), "uriBaseId": "%SRCROOT%"]
        } else if file.hasPrefix("/") {
            artifact = ["uri": URL(fileURLWithPath: file).absoluteString]
        } else {
            artifact = ["uri": percentEncoded(file)]
        }
        var physical: [String: Any] = ["artifactLocation": artifact]
        if let line, line >= 1 { physical["region"] = ["startLine": line] }
        return ["physicalLocation": physical]
    }

    /// A stack frame: its file only when it is inside `%SRCROOT%` (a
    /// `/rustc/…` or `./misc/../sysdeps/…` path points nowhere a reader has).
    static func frameLocation(_ frame: Frame, base: String?) -> [String: Any] {
        var loc: [String: Any] = [:]
        if let file = frame.file, let base, RelativePath.relative(file, to: base) != nil {
            loc = physicalLocation(file: file, line: frame.line, base: base)
        }
        let name = frame.function ?? frame.address ?? frame.object ?? "???"
        loc["message"] = ["text": name]
        if let fn = frame.function { loc["logicalLocations"] = [["fullyQualifiedName": fn, "kind": "function"]] }
        return loc
    }

    static func percentEncoded(_ s: String) -> String {
        s.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? s
    }

    static func driver(_ kinds: [FindingKind], releases: [String]) -> [String: Any] {
        [
            "name": "moq-leakcheck",
            "version": LeakCheckVersion.string,
            "semanticVersion": LeakCheckVersion.string,
            "rules": kinds.map { kind -> [String: Any] in
                let help = RuleHelp.text(kind, releases: releases)
                return [
                    "id": kind.rawValue,
                    "name": RuleHelp.name(kind),
                    "shortDescription": ["text": RuleHelp.short(kind)],
                    "fullDescription": ["text": help],
                    "help": ["text": help, "markdown": help],
                    "defaultConfiguration": ["level": RuleHelp.defaultLevel(kind)],
                    "properties": ["tags": RuleHelp.tags(kind), "precision": "high"],
                ]
            },
        ]
    }

    static func invocations(
        _ report: Report, dropped: Int, listing: InterruptedListing? = nil, context: RenderContext
    ) -> [[String: Any]] {
        let checkers = Checker.allCases.filter { c in report.runs.contains { $0.checker == c } }
        var out: [[String: Any]] = []
        for checker in checkers {
            let runs = report.runs.filter { $0.checker == checker }
            var notes: [[String: Any]] = []
            for r in runs where r.status == .incomplete {
                notes.append([
                    "level": "error",
                    "message": [
                        "text":
                            "\(checker.displayName): \(TextReport.runLabel(r)): incomplete: \(r.incompleteReason ?? "could not be trusted")"
                    ],
                ])
            }
            if report.interrupted {
                notes.append([
                    "level": "error", "message": ["text": "interrupted: the runs that did not finish are missing"],
                ])
            }
            var inv: [String: Any] = [
                "executionSuccessful": notes.isEmpty,
                "properties": ["checker": checker.rawValue, "runs": runs.count],
            ]
            if !notes.isEmpty { inv["toolExecutionNotifications"] = notes }
            out.append(inv)
        }
        var extra: [[String: Any]] = []
        for s in report.skipped {
            extra.append(["level": "warning", "message": ["text": "\(s.checker.displayName) skipped: \(s.reason)"]])
        }
        if let listing {
            extra.append(["level": "warning", "message": ["text": listing.sentence]])
        }
        if dropped > 0 {
            extra.append([
                "level": "warning",
                "message": ["text": "\(dropped) results left out: GitHub keeps at most \(maxResults) per run"],
            ])
        }
        if checkers.isEmpty {
            extra.append(["level": "error", "message": ["text": "no checker ran: nothing was checked"]])
        }
        if !extra.isEmpty || checkers.isEmpty {
            out.append([
                "executionSuccessful": !checkers.isEmpty && report.exitCode != ExitCode.incomplete,
                "toolExecutionNotifications": extra,
            ])
        }
        return out
    }
}

/// Rule texts: the fix, in the words of the guide users come from.
enum RuleHelp {
    static func name(_ kind: FindingKind) -> String {
        kind.phrase.split(separator: " ").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
            .filter { $0.isLetter || $0.isNumber }
    }

    static func short(_ kind: FindingKind) -> String {
        switch kind {
        case .definitelyLost: return "Memory definitely lost: a real leak that must be fixed"
        case .indirectlyLost: return "Memory indirectly lost: kept only by a leaked block"
        case .possiblyLost: return "Memory possibly lost: only an interior pointer still points at it"
        case .testFailure: return "The test failed under the checker"
        case .fatalSignal: return "The program was killed by a signal under the checker"
        case .summaryOnly: return "Leaked bytes counted only in the checker's summary"
        default: return "Memory error: \(kind.phrase)"
        }
    }

    /// `releases`: the crate's own release functions the causes named (empty
    /// for a plain C program): the help names them only when there are some.
    static func text(_ kind: FindingKind, releases: [String] = []) -> String {
        switch kind {
        case .definitelyLost:
            var s = "Real memory leak: this MUST be fixed. Free every block the code allocates, and everything "
                + "a library hands back, with the function that library provides for it"
            if !releases.isEmpty { s += " (here: \(releases.map { "\($0)()" }.joined(separator: ", ")))" }
            return s + "."
        case .indirectlyLost:
            return "Memory lost because its parent was leaked: fix the definitely lost block that owns it "
                + "(usually a missing destroy call) and this goes with it."
        case .possiblyLost:
            return "May or may not be a leak (often a false positive): only a pointer into the middle of the "
                + "block is left. Check that the object is destroyed; gate it with --fail-on possible."
        case .useAfterFree, .invalidRead, .invalidWrite:
            return "Memory was used after it was freed or outside its block: do not touch an object after its "
                + "destroy function returned, and check the sizes passed across the C ABI."
        case .doubleFree, .invalidFree, .mismatchedFree:
            return "Memory was freed twice or with the wrong function: free each pointer once, with the "
                + "function that matches the one that returned it."
        case .heapBufferOverflow, .stackBufferOverflow, .globalBufferOverflow:
            return "An access went past the end of a buffer: check lengths and NUL terminators passed across the C ABI."
        case .stackUseAfterScope, .stackUseAfterReturn:
            return "A pointer to a stack variable was used after the variable went out of scope: keep the value "
                + "alive for as long as the C side holds the pointer."
        case .uninitialisedValue:
            return
                "A value was used before it was initialised: initialise every field before passing a struct across the C ABI."
        case .syscallParam:
            return "A system call was given unaddressable or uninitialised memory."
        case .overlap:
            return "Source and destination of a copy overlap: use memmove, or copy through a separate buffer."
        case .fatalSignal:
            return "The program crashed under the checker: read the stack, it is where the crash happened."
        case .testFailure:
            return
                "The test program failed (non-zero exit or a failing test) while the checker watched it; fix the test first."
        case .summaryOnly:
            return
                "The checker's own summary counts more than the records it printed: rerun with full output and check every record."
        case .dataRace:
            return "Two threads access the same memory, at least one writing, with no lock or other order "
                + "between them: guard the data with one lock on both sides, or make it atomic."
        case .lockOrder:
            return "Two locks are taken in opposite orders on different paths, which can deadlock: "
                + "always take them in one order."
        case .threadMisuse:
            return "A threading call was used wrongly (unlocking a lock not held, a failing pthread call): "
                + "check the call at the top of the stack."
        case .threadLeak:
            return "A thread was neither joined nor detached when the program ended: join it or detach it."
        case .stillReachable, .other:
            return "Reported by the checker; see the stack for where it happened."
        }
    }

    static func defaultLevel(_ kind: FindingKind) -> String {
        switch kind {
        case .possiblyLost: return "warning"
        case .stillReachable: return "note"
        default: return "error"
        }
    }

    static func tags(_ kind: FindingKind) -> [String] {
        kind.isLeak ? ["memory", "leak"] : ["memory", "correctness"]
    }
}
