import Foundation
import Synchronization

/// What every stage of a run shares: the options, the console, the
/// supervisor (injected, never a global), the diagnostics collector, the
/// suppressions and what is known of the code under test.
public final class RunContext: Sendable {
    public let options: Options
    public let console: Console
    public let supervisor: Supervisor
    public let environment: [String: String]
    public let diagnostics: Diagnostics
    let suppressions: [Suppression]
    let matcher: SuppressionMatcher
    private let code = Mutex<(names: Set<String>, roots: Set<String>)>(([], []))
    /// Build trees whose objects are own code in frames without a source file (`OwnCode.objectRoots`).
    private let objectRoots = Mutex<Set<String>>([])
    /// Suppression counts the checkers reported themselves.
    private let counts = Mutex<[String: Int]>([:])
    /// Build products sources hand to each other (the crate's library dir per checker).
    let products = Mutex<[String: String]>([:])
    /// Names the C-ABI boundary a leak crossed (nil: no crate in this run).
    let boundaries: BoundaryFinder?
    /// `--baseline`: an earlier report whose findings are known (only new ones gate).
    let baseline: Report?
    /// Every listed libtest binary's tests (JUnit shows one testcase per test, always).
    let listings = Mutex<[String: TestList]>([:])
    /// The listings as the harness gave them, which the scheduler plans from;
    /// `listings` (what the reports read) marks the tests another `--partition` runs as skipped.
    let harnessListings = Mutex<[String: TestList]>([:])
    /// Libtest tests listed and selected by the test filters (`--exact`, `--skip`),
    /// over every binary and checker: a filter that selects nothing is never clean.
    let selectionCount = Mutex<(listed: Int, selected: Int)>((0, 0))
    /// Jobs `--partition` selected for this run, over every checker (0: an empty partition).
    let partitionJobs = Mutex<Int>(0)

    public init(
        options: Options, console: Console, supervisor: Supervisor, environment: [String: String],
        diagnostics: Diagnostics = Diagnostics(), suppressions: [Suppression], boundaries: BoundaryFinder? = nil,
        baseline: Report? = nil
    ) {
        self.boundaries = boundaries
        self.baseline = baseline
        self.options = options
        self.console = console
        self.supervisor = supervisor
        self.environment = environment
        self.diagnostics = diagnostics
        self.suppressions = suppressions
        self.matcher = SuppressionMatcher(suppressions)
    }

    /// The policy of this run: `--fail-on`, over-broad suppressions, and with
    /// `--baseline` only new findings gate. Everything that decides or renders uses it.
    public var policy: Policy {
        var p = options.policy
        if baseline != nil { p.gateKnownFindings = false }
        return p
    }

    var reportDir: String { options.reportDir }
    var logsDir: String { (reportDir as NSString).appendingPathComponent("leakcheck-logs") }
    var isInterrupted: Bool { supervisor.isInterrupted }

    /// The code under test: crate names and source roots (own code for
    /// suppressions, frame selection and boundaries).
    func addOwnCode(name: String? = nil, root: String? = nil) {
        code.withLock { c in
            if let name { c.names.insert(name) }
            if let root { c.roots.insert(Self.withSlash(root)) }
        }
    }

    /// A build tree of the code under test (`OwnCode.objectRoots`).
    func addOwnObjects(root: String) { objectRoots.withLock { _ = $0.insert(Self.withSlash(root)) } }

    var ownCode: OwnCode {
        let (names, roots) = code.withLock { ($0.names, $0.roots) }
        return OwnCode(
            crateNames: names.sorted(), sourceRoots: roots.sorted(), objectRoots: objectRoots.withLock { $0.sorted() })
    }

    var sourceRoots: [String] { code.withLock { $0.roots.sorted() } }

    func addCheckerCounts(_ more: [String: Int]) {
        guard !more.isEmpty else { return }
        counts.withLock { c in for (k, v) in more { c[k, default: 0] += v } }
    }

    var checkerCounts: [String: Int] { counts.withLock { $0 } }

    static func withSlash(_ s: String) -> String { s.hasSuffix("/") ? s : s + "/" }
}
