import Foundation

/// Groups the gating findings by the fix they need (`report.causes`), once, in
/// the verdict; every output reads the result.
///
/// - A leak's cause is keyed by its allocation (the innermost frame of the code
///   under test on the allocation stack, compared as `StableFingerprint` names
///   it, file base name and line); its `release` is the boundary's (one
///   allocation site makes one kind of object, freed one way).
/// - An indirectly lost block joins the cause of a directly lost block that came
///   back through the same exported function to the same caller line in the
///   same test (the call that returned the parent returned it too); otherwise
///   it is keyed by its own allocation.
/// - A data race is keyed by its two access sites (the innermost own frame of
///   its stack and of the conflicting access's, in either order).
/// - Memory errors are keyed by kind and innermost own frame; a failing or
///   crashing test is a cause of its own.
/// - A site is one caller line (the boundary's caller), or one test when no
///   caller is known.
/// - Figures are summed per checker and the largest checker's figure is shown:
///   valgrind's and ASan's copies of one leak are never added together.
/// - Order: memory errors, crashes and failing tests, then leaks by bytes.
public enum Causes {
    /// `poll`: a renderer's; when it says stop, the grouping ends early with no
    /// causes (the renderer then throws `RenderInterrupted` at its next check).
    public static func group(
        _ runs: [RunResult], policy: Policy, ownCode: OwnCode?, poll: RenderPoll? = nil
    ) -> [Cause] {
        var builders: [String: Builder] = [:]
        var order: [String] = []
        var parentOf: [String: String] = [:]
        var pending: [(run: RunResult, finding: Finding)] = []
        for run in runs {
            for f in run.findings where policy.gates(f) {
                if poll?.shouldStop(f.stack.count) == true { return [] }
                if f.kind == .indirectlyLost, linkKey(f, run: run) != nil {
                    pending.append((run, f))
                    continue
                }
                let key = key(f, run: run, ownCode: ownCode)
                if f.kind.isLeak, let link = linkKey(f, run: run), parentOf[link] == nil { parentOf[link] = key }
                add(f, run: run, key: key, ownCode: ownCode, to: &builders, order: &order)
            }
        }
        for (run, f) in pending {
            if poll?.shouldStop(f.stack.count) == true { return [] }
            let key = linkKey(f, run: run).flatMap { parentOf[$0] } ?? key(f, run: run, ownCode: ownCode)
            add(f, run: run, key: key, ownCode: ownCode, to: &builders, order: &order)
        }
        let causes = order.map { builders[$0]!.cause(id: StableFingerprint.fnv1a(["cause", $0])) }
        return causes.enumerated().sorted { a, b in
            let (x, y) = (a.element, b.element)
            if x.severity != y.severity { return x.severity < y.severity }
            if x.bytes != y.bytes { return x.bytes > y.bytes }
            return a.offset < b.offset
        }.map(\.element)
    }

    /// The innermost frame of the code under test; without own-code knowledge
    /// (or with none on the stack), the first frame that is not machinery.
    static func innermostOwnFrame(_ stack: [Frame], ownCode: OwnCode?) -> Frame? {
        if let ownCode, let i = ownCode.firstOwnFrame(in: stack) { return stack[i] }
        return stack.first { !CallerFrames.isMachinery($0) && !FrameSelector.isRuntime($0) }
    }

    /// The test a finding was seen in: its attributed test, the run's test, else
    /// the run's target (a whole test binary, a ctest test); nil for a command
    /// or a log read by `parse`, whose names differ per checker for one program.
    static func testName(_ f: Finding, run: RunResult) -> String? {
        f.test ?? run.test ?? (run.source == .command ? nil : run.target)
    }

    static func key(_ f: Finding, run: RunResult, ownCode: OwnCode?) -> String {
        let frame = innermostOwnFrame(f.stack, ownCode: ownCode)
        let place = frame.map {
            [StableFingerprint.normalizedFunction($0), $0.file.map(Fingerprint.baseName) ?? "", $0.line.map(String.init) ?? ""]
                .joined(separator: "|")
        } ?? "-"
        switch f.kind {
        case .dataRace:
            return (["race"] + raceAccesses(f, ownCode: ownCode).map(placeKey).sorted()).joined(separator: "|")
        case .testFailure, .fatalSignal:
            let who = testName(f, run: run) ?? (run.executable as NSString).lastPathComponent
            return ["test", f.kind.rawValue, who, f.message].joined(separator: "|")
        case .summaryOnly:
            return ["summary", (f.summaryLeakKind ?? f.kind).rawValue].joined(separator: "|")
        default:
            // One allocation needs one release: a copy with no boundary (a checker whose
            // stack did not reach the caller) joins the copy that has one.
            if f.kind.isLeak { return ["leak", place].joined(separator: "|") }
            return ["error", f.kind.rawValue, place].joined(separator: "|")
        }
    }

    static func placeKey(_ frame: Frame?) -> String {
        frame.map {
            [StableFingerprint.normalizedFunction($0), $0.file.map(Fingerprint.baseName) ?? "", $0.line.map(String.init) ?? ""]
                .joined(separator: "|")
        } ?? "-"
    }

    /// A race's two accesses (its stack, then the first auxiliary stack: the conflicting
    /// access), each as its innermost own frame.
    static func raceAccesses(_ f: Finding, ownCode: OwnCode?) -> [Frame?] {
        let other = f.auxiliary.first { !$0.stack.isEmpty }?.stack ?? []
        return [innermostOwnFrame(f.stack, ownCode: ownCode), innermostOwnFrame(other, ownCode: ownCode)]
    }

    /// The symbol a race's address is in: helgrind's `… is 0 bytes inside data symbol
    /// "count"`, TSan's `Location is global 'count' of size 4 at …` (kept in the message).
    static func dataSymbol(_ f: Finding) -> String? {
        for aux in f.auxiliary {
            guard let r = aux.what.range(of: "data symbol \"") else { continue }
            return String(aux.what[r.upperBound...].prefix { $0 != "\"" })
        }
        if let r = f.message.range(of: "Location is global '") {
            let name = f.message[r.upperBound...].prefix { $0 != "'" }
            if !name.isEmpty { return String(name) }
        }
        return nil
    }

    /// The call that returned a block: exported function, caller line, test.
    static func linkKey(_ f: Finding, run: RunResult) -> String? {
        guard f.kind.isLeak, let b = f.boundary, let caller = b.caller, caller.file != nil || caller.function != nil
        else { return nil }
        return [
            b.function, caller.function ?? "", caller.file ?? "", caller.line.map(String.init) ?? "",
            testName(f, run: run) ?? "",
        ].joined(separator: "|")
    }

    static func add(
        _ f: Finding, run: RunResult, key: String, ownCode: OwnCode?, to builders: inout [String: Builder],
        order: inout [String]
    ) {
        if builders[key] == nil {
            let frame = innermostOwnFrame(f.stack, ownCode: ownCode)
            builders[key] = Builder(
                kind: f.summaryLeakKind ?? f.kind, summaryOnly: f.kind == .summaryOnly, message: f.message,
                allocation: frame.map { CodeLocation(function: $0.function, file: $0.file, line: $0.line) },
                release: f.boundary?.release)
            if f.kind == .dataRace {
                // In the key's order, so the sentence does not depend on which access a
                // run's scheduling made the "current" one.
                builders[key]!.raceAccesses = raceAccesses(f, ownCode: ownCode).sorted {
                    placeKey($0) < placeKey($1)
                }.map {
                    $0.map { CodeLocation(function: $0.function, file: $0.file, line: $0.line) }
                }
                builders[key]!.raceSymbol = dataSymbol(f)
            }
            order.append(key)
        }
        builders[key]!.add(f, run: run)
    }

    struct Builder {
        var kind: FindingKind
        /// Figures a checker's summary counts beyond its records: no stack to name.
        var summaryOnly: Bool
        var message: String
        var allocation: CodeLocation?
        var release: String?
        var perChecker: [Checker: Tally] = [:]
        var checkers: Set<Checker> = []
        var functionCounts: [String: Int] = [:]
        var tests: Set<String> = []
        var siteOrder: [String] = []
        var sites: [String: SiteBuilder] = [:]
        var testLabel: String?
        var seenByReason: String?
        /// A race's two access sites and the symbol it is on; its reports (`count`s summed).
        var raceAccesses: [CodeLocation?] = []
        var raceSymbol: String?
        var reports = 0

        struct SiteBuilder {
            var test: String?
            var caller: CodeLocation?
            var perChecker: [Checker: Tally] = [:]
            var fingerprints: Set<String> = []
        }

        mutating func add(_ f: Finding, run: RunResult) {
            let n = Swift.max(1, f.count ?? 1)
            reports = reports.addingSaturated(n)
            let tally = Tally(
                bytes: (f.bytes ?? 0).multipliedSaturated(by: n), blocks: (f.blocks ?? 0).multipliedSaturated(by: n))
            // The most severe kind the cause's findings have (definitely before indirectly lost).
            let k = f.summaryLeakKind ?? f.kind
            if k < kind && (k.isLeak == kind.isLeak) { kind = k }
            perChecker[run.checker, default: .zero] += tally
            checkers.insert(run.checker)
            for c in f.seenBy ?? [] { checkers.insert(c) }
            if let fn = f.boundary?.function { functionCounts[fn] = functionCounts[fn, default: 0].addingSaturated(n) }
            if seenByReason == nil { seenByReason = f.seenByReason }
            if release == nil { release = f.boundary?.release }
            let test = Causes.testName(f, run: run)
            if let test { tests.insert(test) }
            if testLabel == nil { testLabel = test ?? (run.executable as NSString).lastPathComponent }
            let caller = f.boundary?.caller.flatMap { $0.file != nil || $0.function != nil ? $0 : nil }
            let siteKey =
                caller.map { ["caller", $0.file ?? "", $0.line.map(String.init) ?? "", $0.function ?? ""] }
                ?? ["test", test ?? ""]
            let sk = siteKey.joined(separator: "|")
            if sites[sk] == nil {
                sites[sk] = SiteBuilder(test: test, caller: caller)
                siteOrder.append(sk)
            }
            // A caller line several tests reach names the first test by name.
            if let test, let t = sites[sk]!.test, test < t { sites[sk]!.test = test }
            sites[sk]!.perChecker[run.checker, default: .zero] += tally
            sites[sk]!.fingerprints.insert(f.fingerprint)
        }

        /// One checker's figure: the largest, never a sum across checkers.
        static func figure(_ perChecker: [Checker: Tally]) -> Tally {
            perChecker.values.max { ($0.bytes, $0.blocks) < ($1.bytes, $1.blocks) } ?? .zero
        }

        func cause(id: String) -> Cause {
            let total = Self.figure(perChecker)
            // A checker whose stack did not reach the caller (ASan's fast unwinder)
            // keys its copy by test: it joins the one caller line that test reached.
            var sites = sites
            var siteOrder = siteOrder
            for k in siteOrder where sites[k]!.caller == nil {
                let test = sites[k]!.test
                let lines = siteOrder.filter { sites[$0]!.caller != nil && sites[$0]!.test == test }
                guard test != nil, lines.count == 1, let into = lines.first else { continue }
                for (c, t) in sites[k]!.perChecker { sites[into]!.perChecker[c, default: .zero] += t }
                sites[into]!.fingerprints.formUnion(sites[k]!.fingerprints)
                sites[k] = nil
                siteOrder.removeAll { $0 == k }
            }
            let functions = functionCounts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
                .map(\.key)
            let builtSites = siteOrder.enumerated().map { i, k -> (Int, Cause.Site) in
                let s = sites[k]!
                let t = Self.figure(s.perChecker)
                return (
                    i,
                    Cause.Site(
                        test: s.test, caller: s.caller, bytes: t.bytes, blocks: t.blocks,
                        fingerprints: s.fingerprints.sorted())
                )
            }.sorted { a, b in a.1.bytes != b.1.bytes ? a.1.bytes > b.1.bytes : a.0 < b.0 }.map(\.1)
            var cause = Cause(
                id: id, kind: kind, sentence: "", allocation: allocation, functions: functions, release: release,
                bytes: total.bytes, blocks: total.blocks,
                checkers: Checker.allCases.filter(checkers.contains), sites: builtSites, tests: tests.sorted())
            cause.sentence = Causes.sentence(cause, message: message, testLabel: testLabel, summaryOnly: summaryOnly)
            if kind == .dataRace { cause.sentence = Causes.raceSentence(cause, self) }
            if cause.checkers.count == 1 { cause.seenByReason = seenByReason }
            return cause
        }
    }

    /// `2,062 bytes in 42 blocks definitely lost from make_error_result
    /// (backend_stub.rs:141), returned by moq_connect() and 7 more, never
    /// released: call moq_free_str() — 42 call sites in 11 tests`.
    /// `data race on count: bump (race.c:9) and bump (race.c:9) — 2 reports in 1 test`.
    static func raceSentence(_ c: Cause, _ b: Builder) -> String {
        func place(_ l: CodeLocation?) -> String {
            guard let l else { return "?" }
            return (l.function ?? "?") + (l.file.map { " (\(Fingerprint.baseName($0))\(l.line.map { ":\($0)" } ?? ""))" } ?? "")
        }
        func plural(_ n: Int, _ word: String) -> String { "\(Figures.grouped(n)) \(word)\(n == 1 ? "" : "s")" }
        var s = c.kind.phrase + (b.raceSymbol.map { " on \($0)" } ?? "") + ": "
        s += b.raceAccesses.map(place).joined(separator: " and ")
        s += " — \(plural(b.reports, "report"))"
        if !c.tests.isEmpty { s += " in \(plural(c.tests.count, "test"))" }
        return s
    }

    static func sentence(_ c: Cause, message: String, testLabel: String?, summaryOnly: Bool = false) -> String {
        func place(_ l: CodeLocation) -> String {
            var s = l.function ?? "?"
            if let file = l.file { s += " (\(Fingerprint.baseName(file))\(l.line.map { ":\($0)" } ?? ""))" }
            return s
        }
        func plural(_ n: Int, _ word: String) -> String { "\(Figures.grouped(n)) \(word)\(n == 1 ? "" : "s")" }
        var where_ = " — \(plural(c.sites.count, "call site"))"
        if !c.tests.isEmpty { where_ += " in \(plural(c.tests.count, "test"))" }
        if summaryOnly {
            return "\(Figures.grouped(c.bytes)) bytes in \(plural(c.blocks, "block")) \(c.kind.phrase) counted only in the checker's LEAK SUMMARY, beyond its records (rerun with full output to see them)"
        }
        switch c.kind {
        case .testFailure, .fatalSignal:
            var s = "\(c.kind.phrase): \(message)"
            if let t = testLabel, !message.contains(t) { s += " — in \(t)" }
            return s
        default:
            if c.kind.isLeak {
                var s = "\(Figures.grouped(c.bytes)) bytes in \(plural(c.blocks, "block")) \(c.kind.phrase)"
                // The exported function that allocated it itself needs no "from".
                let byExport = c.allocation.map { c.functions == [$0.function ?? ""] } ?? false
                if let a = c.allocation, !byExport { s += " from \(place(a))" }
                if let first = c.functions.first {
                    s += ", returned by \(first)()"
                    if byExport, let file = c.allocation?.file {
                        s += " (\(Fingerprint.baseName(file))\(c.allocation?.line.map { ":\($0)" } ?? ""))"
                    }
                    if c.functions.count > 1 { s += " and \(c.functions.count - 1) more" }
                    s += ", never released"
                    if let r = c.release { s += ": call \(r)()" }
                }
                return s + where_
            }
            var s = c.kind.phrase
            if !message.isEmpty { s += " (\(message))" }
            if let a = c.allocation { s += " in \(place(a))" }
            return s + where_
        }
    }
}
