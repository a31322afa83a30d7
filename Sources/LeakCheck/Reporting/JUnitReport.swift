import Foundation

/// The tests one executable contains, as its harness listed them
/// (`BIN --list --format terse`, plus `--ignored` for the ignored ones).
public struct TestList: Sendable, Hashable, Codable {
    /// Every test, in listing order, ignored ones included.
    public var tests: [String]
    /// The `#[ignore]`d ones (reported as skipped unless a run executed them).
    public var ignored: Set<String>
    public init(tests: [String], ignored: Set<String> = []) {
        self.tests = tests
        self.ignored = ignored
    }
}

/// JUnit XML (`--junit PATH`) that lets CI test history follow a test from red
/// to green.
///
/// - One `<testsuite>` per checker × feature set × target, named by the stable
///   class name `<checker>.<feature set>.<target>` (cargo's hash stripped:
///   `moq_ffi-a3b17d4f1f71b605` → `moq_ffi`); ctest tests are `<checker>.ctest`,
///   a `--` command `<checker>.command.<program>`.
/// - One `<testcase>` per test, always: from `listings` (keyed by
///   `RunResult.executable`) when given, else from the runs' tests, the
///   findings' tests and the failed tests. A clean whole-binary run passes
///   every listed test; ignored tests are `<skipped>`. Without a listing a
///   whole-binary run is one `(whole binary)` testcase; gating findings no
///   test reproduced go in an extra `(outside any test)` testcase.
/// - A failing testcase has exactly one `<failure>` (every gating finding in
///   its body) and an untrusted one exactly one `<error>`, so `failures`,
///   `errors` and `skipped` count testcases whether a reader counts elements
///   (junitparser) or testcases; every element carries its counts.
public struct JUnitRenderer: ReportRenderer {
    public var name: String { "JUnit XML" }
    public var path: String
    /// The tests of each executable (`RunResult.executable` → its listing).
    public var listings: [String: TestList]

    public init(path: String, listings: [String: TestList] = [:]) {
        self.path = path
        self.listings = listings
    }

    public func render(_ report: Report, context: RenderContext) throws -> Data {
        let poll = RenderPoll(rendering: report)
        let xml = Self.xml(
            report, policy: context.policy, listings: listings, listing: context.listing(for: report), poll: poll)
        try poll.check()
        return Data(xml.utf8)
    }

    struct Case {
        var name: String
        var time: Double?
        var failures: [Finding] = []
        var extraFailure: String?
        var error: String?
        var skipped: String?
        var isFailure: Bool { error == nil && (!failures.isEmpty || extraFailure != nil) }
    }

    struct Suite {
        var classname: String
        var runs: [RunResult] = []
        var cases: [Case] = []
    }

    /// `<checker>.<feature set>.<target>`.
    public static func classname(_ r: RunResult) -> String {
        switch r.source {
        case .ctest: return "\(r.checker.rawValue).ctest"
        case .command: return "\(r.checker.rawValue).command.\(TargetName.of(executable: r.executable))"
        case .cargo:
            return [r.checker.rawValue, r.featureSet, TargetName.of(executable: r.executable)].compactMap { $0 }
                .joined(separator: ".")
        }
    }

    static func suites(_ report: Report, policy: Policy, listings: [String: TestList]) -> [Suite] {
        var order: [String] = []
        var byName: [String: Suite] = [:]
        for r in report.runs {
            let c = classname(r)
            if byName[c] == nil {
                byName[c] = Suite(classname: c)
                order.append(c)
            }
            byName[c]!.runs.append(r)
        }
        return order.map { c in
            var s = byName[c]!
            let listing = s.runs.lazy.compactMap { listings[$0.executable] }.first ?? listing(from: s.runs)
            s.cases = cases(s.runs, policy: policy, listing: listing)
            return s
        }
    }

    /// A report read back (`merge` of partitions) has no harness listing: its runs
    /// say which tests they executed (`tests`) and which are `#[ignore]`d, which
    /// gives the same testcases the live run's listing gave. Nil when they say nothing.
    static func listing(from runs: [RunResult]) -> TestList? {
        let executed = Set(runs.flatMap { $0.tests ?? [] })
        let ignored = Set(runs.flatMap { $0.ignoredTests ?? [] }).subtracting(executed)
        guard !executed.isEmpty || !ignored.isEmpty else { return nil }
        // libtest lists tests in name order.
        return TestList(tests: executed.union(ignored).sorted(), ignored: ignored)
    }

    static func cases(_ runs: [RunResult], policy: Policy, listing: TestList?) -> [Case] {
        var names = listing?.tests ?? []
        func add(_ n: String?) { if let n, !names.contains(n) { names.append(n) } }
        for r in runs {
            add(r.test)
            for f in r.findings where policy.gates(f) { add(f.test) }
            for t in r.failedTests ?? [] { add(t) }
        }
        let whole = runs.filter { $0.test == nil }
        if names.isEmpty {
            // Nothing says which tests the binary holds: the run is the testcase.
            return runs.map { r in
                var c = Case(
                    name: r.source == .cargo && r.executable == "cargo" ? "build" : "(whole binary)",
                    time: r.durationSeconds)
                if r.source == .command { c.name = TargetName.of(executable: r.executable) }
                if r.status == .incomplete {
                    c.error = r.incompleteReason ?? "incomplete"
                } else {
                    c.failures = r.findings.filter(policy.gates)
                }
                return c
            }
        }
        var out: [Case] = []
        for name in names {
            let own = runs.filter { $0.test == name }
            var c = Case(name: name, time: own.isEmpty ? nil : own.compactMap(\.durationSeconds).reduce(0, +))
            if let bad = own.first(where: { $0.status == .incomplete }) {
                c.error = bad.incompleteReason ?? "incomplete"
            } else if own.isEmpty,
                let bad = whole.first(where: { $0.status == .incomplete && $0.tests?.contains(name) != false })
            {
                c.error = "the binary's run was incomplete: \(bad.incompleteReason ?? "incomplete")"
            }
            c.failures =
                own.flatMap { $0.findings.filter(policy.gates) }
                + whole.flatMap { $0.findings.filter { policy.gates($0) && $0.test == name } }
            let failedByHarness = runs.contains { $0.failedTests?.contains(name) == true }
            if failedByHarness && !c.failures.contains(where: { $0.kind == .testFailure }) {
                c.extraFailure = "the test failed"
            }
            let executed = !own.isEmpty || (!whole.isEmpty && listing?.ignored.contains(name) != true)
            if !executed && listing?.ignored.contains(name) == true && c.error == nil && c.failures.isEmpty {
                // The listing marks #[ignore]d tests, and those the test filters or another
                // --partition leave out, alike: the message names all three.
                c.skipped = "not run: #[ignore]d, left out by the test filters, or run by another --partition"
            }
            out.append(c)
        }
        let outside = whole.flatMap { r in
            r.findings.filter { policy.gates($0) && ($0.test == nil || !names.contains($0.test!)) }
        }
        if !outside.isEmpty {
            out.append(Case(name: "(outside any test)", time: nil, failures: outside))
        }
        return out
    }

    /// With `listing` (an interrupted report) every testcase keeps its outcome,
    /// but only the listing's number of findings are written out in the
    /// failures' bodies (stacks cut alike), the rest counted; `poll` cuts the
    /// document short when a signal comes.
    static func xml(
        _ report: Report, policy: Policy, listings: [String: TestList], listing: InterruptedListing? = nil,
        poll: RenderPoll = .never
    ) -> String {
        var suites = suites(report, policy: policy, listings: listings)
        if let verdict = verdictSuite(report, suites: suites, listing: listing) { suites.append(verdict) }
        var textBudget = listing?.limit.findings ?? .max
        let frameLimit = min(16, listing?.limit.frames ?? 16)
        func counts(_ cases: [Case]) -> String {
            "tests=\(quote(cases.count)) failures=\(quote(cases.filter(\.isFailure).count)) errors=\(quote(cases.filter { $0.error != nil }.count)) skipped=\(quote(cases.filter { $0.skipped != nil }.count))"
        }
        func seconds(_ t: Double) -> String { quote(String(format: "%.3f", t)) }
        let all = suites.flatMap(\.cases)
        let total = suites.flatMap(\.runs).compactMap(\.durationSeconds).reduce(0, +)
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<testsuites name=\"moq-leakcheck\" \(counts(all)) time=\(seconds(total))>\n"
        for s in suites {
            let time = s.runs.compactMap(\.durationSeconds).reduce(0, +)
            out += "  <testsuite name=\(quote(s.classname)) \(counts(s.cases)) time=\(seconds(time))>\n"
            for c in s.cases {
                out += "    <testcase classname=\(quote(s.classname)) name=\(quote(c.name))"
                if let t = c.time { out += " time=\(seconds(t))" }
                var body = ""
                if let e = c.error {
                    body += "      <error type=\"incomplete\" message=\(quote(e))/>\n"
                } else if !c.failures.isEmpty || c.extraFailure != nil {
                    let first =
                        c.failures.first.map { TextReport.headline(SARIFRenderer.withoutTest($0)) } ?? c.extraFailure!
                    let more = c.failures.count > 1 ? " (+\(c.failures.count - 1) more)" : ""
                    var text = ""
                    var unlisted = 0
                    for f in c.failures {
                        if poll.shouldStop(min(f.stack.count, frameLimit)) { break }
                        guard textBudget > 0 else {
                            unlisted += 1
                            continue
                        }
                        textBudget -= 1
                        text += TextReport.headline(SARIFRenderer.withoutTest(f)) + "\n"
                        if !f.message.isEmpty { text += "  \(f.message)\n" }
                        for frame in f.stack.prefix(frameLimit) { text += "    at \(frame.display)\n" }
                    }
                    if unlisted > 0 {
                        text += "… and \(Figures.grouped(unlisted)) more findings, not listed (interrupted)\n"
                    }
                    if let x = c.extraFailure { text += x + "\n" }
                    let type = c.failures.first?.kind.rawValue ?? "testFailure"
                    body +=
                        "      <failure type=\(quote(type)) message=\(quote(first + more))>\(escape(text))</failure>\n"
                } else if let s = c.skipped {
                    body += "      <skipped message=\(quote(s))/>\n"
                }
                out += body.isEmpty ? "/>\n" : ">\n" + body + "    </testcase>\n"
            }
            out += "  </testsuite>\n"
        }
        out += "</testsuites>\n"
        return out
    }

    /// A report that is incomplete (or interrupted) for a reason no testcase
    /// carries (an output that could not be written, a listing that failed):
    /// one `moq-leakcheck.verdict` testcase with that `<error>`, so JUnit never
    /// says `errors="0"` when JSON and text say incomplete.
    static func verdictSuite(_ report: Report, suites: [Suite], listing: InterruptedListing? = nil) -> Suite? {
        var reasons = report.incompleteReasons
        if report.interrupted { reasons.insert(listing?.sentence ?? "interrupted", at: 0) }
        if reasons.isEmpty && report.status == .incomplete
            && !suites.contains(where: { $0.cases.contains { $0.error != nil } })
        {
            reasons = ["incomplete"]
        }
        guard !reasons.isEmpty else { return nil }
        var s = Suite(classname: "moq-leakcheck.verdict")
        var c = Case(name: "(run incomplete)")
        c.error = reasons.joined(separator: "; ")
        s.cases = [c]
        return s
    }

    static func quote(_ n: Int) -> String { "\"\(n)\"" }
    static func quote(_ s: String) -> String { "\"" + escape(s) + "\"" }

    /// XML 1.0 escaping; C0 controls other than tab/newline/CR are invalid even
    /// as character references (ANSI colour escapes!), so they are dropped.
    public static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for scalar in s.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            default:
                if scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF { continue }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
