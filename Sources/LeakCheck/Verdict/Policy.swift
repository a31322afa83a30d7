/// Documented exit codes (DESIGN.md).
public enum ExitCode {
    public static let clean: Int32 = 0
    public static let findings: Int32 = 1
    public static let usage: Int32 = 2
    public static let incomplete: Int32 = 3
    public static let interrupted: Int32 = 130
}

/// Which findings fail the gate. Leak kinds gate only when listed; memory
/// errors, crashes and failing tests always gate (a memory error is never
/// "informational").
public struct Policy: Sendable, Hashable {
    public var gatingLeakKinds: Set<FindingKind>
    /// Over-broad suppressions (ones that hid a finding in the crate's own code)
    /// gate unless `--allow-broad-suppressions` says otherwise.
    public var gateOverBroadSuppressions: Bool
    /// False with `--baseline`: findings the baseline already had (`baseline == .known`) do not gate.
    public var gateKnownFindings = true

    public static let defaultLeakKinds: Set<FindingKind> = [.definitelyLost, .indirectlyLost]

    public init(gatingLeakKinds: Set<FindingKind> = Policy.defaultLeakKinds, gateOverBroadSuppressions: Bool = true) {
        self.gatingLeakKinds = gatingLeakKinds
        self.gateOverBroadSuppressions = gateOverBroadSuppressions
    }

    /// Kept for callers of the first round's API: `strictSuppressions` is what
    /// `gateOverBroadSuppressions` was called then.
    public init(gatingLeakKinds: Set<FindingKind> = Policy.defaultLeakKinds, strictSuppressions: Bool) {
        self.init(gatingLeakKinds: gatingLeakKinds, gateOverBroadSuppressions: strictSuppressions)
    }

    /// Parses `--fail-on`: a comma list of `definite`, `indirect`, `possible`,
    /// `reachable` (valgrind's `--show-leak-kinds` words), `all`, `errors`, or
    /// the JSON kind names.
    ///
    /// At least one word is required: `''`, `,` or `' , '` (an unset CI variable)
    /// is a usage error, never a silent "no leak gates". Memory errors always
    /// gate, so `errors` names no leak kind and means "memory errors only". Empty items between words (`definite,,possible`) are ignored.
    public static func parseFailOn(_ text: String) throws -> Set<FindingKind> {
        var kinds = Set<FindingKind>()
        var words = 0
        for raw in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces).lowercased() }) {
            if raw.isEmpty { continue }
            words += 1
            switch raw {
            case "definite", "definitelylost": kinds.insert(.definitelyLost)
            case "indirect", "indirectlylost": kinds.insert(.indirectlyLost)
            case "possible", "possiblylost": kinds.insert(.possiblyLost)
            case "reachable", "stillreachable": kinds.insert(.stillReachable)
            case "all": kinds.formUnion([.definitelyLost, .indirectlyLost, .possiblyLost, .stillReachable])
            case "errors": continue  // memory errors always gate
            default:
                throw UsageError(
                    "--fail-on: unknown kind '\(raw)' (use definite, indirect, possible, reachable or all)")
            }
        }
        if words == 0 {
            throw UsageError(
                "--fail-on needs at least one kind (definite, indirect, possible, reachable, all or errors); got '\(text)'"
            )
        }
        return kinds
    }

    /// Does this finding fail the gate?
    public func gates(_ f: Finding) -> Bool {
        // Whether a match suppresses was decided once, by `SuppressionApplier`
        // (an over-broad entry does not suppress while broad entries gate).
        if f.suppressedBy != nil { return false }
        if f.notGatingReason != nil { return false }
        if !gateKnownFindings && f.baseline == .known { return false }
        let kind = f.summaryLeakKind ?? f.kind  // a summary-only leak gates like its kind
        if kind.isLeak { return gatingLeakKinds.contains(kind) }
        return true
    }

    /// A finding worth a warning but not a failure (possibly lost by default).
    public func warns(_ f: Finding) -> Bool {
        f.suppressedBy == nil && (f.summaryLeakKind ?? f.kind) == .possiblyLost && !gates(f)
    }

    /// The status of one run: incomplete runs never become clean, and their
    /// partial findings are not what decides the outcome.
    public func status(of run: RunResult) -> RunStatus {
        if run.incompleteReason != nil || run.timedOut { return .incomplete }
        return run.findings.contains(where: gates) ? .findings : .clean
    }

    /// The overall status and exit code: the one rule every output states.
    /// No run at all is incomplete (nothing was checked); a recorded problem
    /// (an output not written, a partition missing) makes it incomplete too.
    /// A `--partition` that received no job (`emptyPartition`) has no run and is clean.
    public static func outcome(
        of runs: [RunResult], incompleteReasons: [String] = [], interrupted: Bool, emptyPartition: Bool = false
    ) -> (RunStatus, Int32) {
        if interrupted { return (.incomplete, ExitCode.interrupted) }
        let none: RunStatus = emptyPartition ? .clean : .incomplete
        var overall: RunStatus = runs.isEmpty ? none : runs.map(\.status).max() ?? .incomplete
        if !incompleteReasons.isEmpty { overall = .incomplete }
        switch overall {
        case .clean: return (.clean, ExitCode.clean)
        case .findings: return (.findings, ExitCode.findings)
        case .incomplete: return (.incomplete, ExitCode.incomplete)
        }
    }
}

/// A mistake in how the tool was called (exit 2).
public struct UsageError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
