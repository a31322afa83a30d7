import Foundation

/// What every renderer may consult beside the verdict itself. Renderers never
/// decide anything: status, exit code and totals come from the `Report`.
public struct RenderContext: Sendable {
    public var policy: Policy
    /// Picks the frames worth showing (the crate's own code first).
    public var selector: FrameSelector
    /// Where the report files go (`--report-dir`).
    public var reportDir: String
    /// The crate's / C suite's source roots (absolute, ending in `/`), for
    /// relative paths and source snippets.
    public var sourceRoots: [String]
    /// The CI workspace (`GITHUB_WORKSPACE`), when known: paths in annotations
    /// and SARIF are made relative to it, on a path boundary only.
    public var workspaceRoot: String?
    /// The environment the tool runs in (`GITHUB_*`, `NO_COLOR`, …).
    public var environment: [String: String]
    /// How much an interrupted report lists (`listing(for:)`): a signal while a
    /// huge report is rendered is honoured by rendering every output again in
    /// this bounded form. Never applied to a report that is not interrupted.
    public var interruptedListing = ListingLimit()

    public init(
        policy: Policy, selector: FrameSelector = FrameSelector(), reportDir: String = ".", sourceRoots: [String] = [],
        workspaceRoot: String? = nil, environment: [String: String] = [:]
    ) {
        self.policy = policy
        self.selector = selector
        self.reportDir = reportDir
        self.sourceRoots = sourceRoots
        self.workspaceRoot = workspaceRoot
        self.environment = environment
    }
}

/// One output of a run (text report, JSON, JUnit, SARIF, HTML, step summary).
/// Every output is rendered from the same decided `Report`, so they can never
/// disagree on status or exit code.
public protocol ReportRenderer: Sendable {
    /// What the output is, for messages ("JUnit XML").
    var name: String { get }
    /// The file it goes to (absolute or relative to the working directory).
    var path: String { get }
    /// Appends to an existing file instead of replacing it (the GitHub step summary).
    var appends: Bool { get }
    /// What a person finds in it, for the closing "reports:" line ("full stacks", "SARIF").
    var label: String { get }
    /// The bytes to write.
    func render(_ report: Report, context: RenderContext) throws -> Data
}

extension ReportRenderer {
    public var appends: Bool { false }
    public var label: String { name }
}
