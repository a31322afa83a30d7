import Foundation

/// One report format the command line can ask for, described once: its flag, its help
/// line and how its renderer is made. Option parsing, the help and `Application.finish`
/// read `ReportFormat.all`; a new format is one entry here plus its `ReportRenderer`.
struct ReportFormat: Sendable {
    /// `--json`; it takes a PATH.
    let flag: String
    /// The REPORTS line of the help.
    let help: String
    /// Where `Options` keeps the PATH.
    let path: WritableKeyPath<Options, String?> & Sendable
    /// A file of this format always written into the report dir, whatever the flags.
    var defaultFileName: String? = nil
    /// Written (and listed on the `reports:` line) after the others: the machine-readable one.
    var writtenLast = false
    let makeRenderer: @Sendable (_ path: String, _ context: RunContext) -> any ReportRenderer

    /// In the order the flags are listed and the outputs written.
    static let all: [ReportFormat] = [
        ReportFormat(flag: "--json", help: "JSON report (schemaVersion 1)", path: \.jsonPath, writtenLast: true) {
            path, _ in
            JSONReportRenderer(path: path)
        },
        ReportFormat(flag: "--junit", help: "JUnit XML report (one testcase per test)", path: \.junitPath) {
            path, context in JUnitRenderer(path: path, listings: context.listings.withLock { $0 })
        },
        ReportFormat(flag: "--sarif", help: "SARIF 2.1.0 report for code scanning", path: \.sarifPath) { path, _ in
            SARIFRenderer(path: path)
        },
        ReportFormat(
            flag: "--html", help: "self-contained HTML report (also \(HTMLRenderer.defaultFileName) in the report dir)",
            path: \.htmlPath, defaultFileName: HTMLRenderer.defaultFileName
        ) { path, _ in HTMLRenderer(path: path) },
    ]

    /// The order outputs are written and listed in.
    static var inWriteOrder: [ReportFormat] { all.filter { !$0.writtenLast } + all.filter(\.writtenLast) }

    /// The formats' lines of the help's REPORTS section.
    static var helpLines: String {
        all.map { f in
            let left = "\(f.flag) PATH"
            return "  " + left + String(repeating: " ", count: max(1, 26 - left.count)) + f.help
        }.joined(separator: "\n")
    }

    /// `--json PATH, --junit PATH, …` for the commands' short OPTIONS lists.
    static var flagList: String { all.map { "\($0.flag) PATH" }.joined(separator: ", ") }
}
