import Foundation
import FoundationXML
import Testing
@testable import LeakCheck

@Suite struct CIReportTests {
    var report: Report {
        let leak = Finding(
            kind: .definitelyLost, rawKind: "Leak_DefinitelyLost", bytes: 37, blocks: 1, message: "37 bytes <lost> & \u{1b}[31mred\u{1b}[0m",
            stack: [Frame(function: "malloc"), Frame(function: "moq_connect", file: "/ws/src/lib.rs", line: 132)], test: "leak_error_message")
        var bad = RunResult(checker: .valgrind, executable: "/t/errors-1234", arguments: [], test: "leak_error_message", featureSet: "default", findings: [leak])
        bad.status = .findings
        var cut = RunResult(checker: .asan, executable: "/t/lifecycle", arguments: [], incompleteReason: "timed out after 3 s")
        cut.status = .incomplete
        var ok = RunResult(checker: .valgrind, executable: "/t/pubsub", arguments: [])
        ok.status = .clean
        return Verdict.decide(runs: [bad, cut, ok], suppressions: [], policy: Policy(), diagnostics: Diagnostics(), interrupted: false)
    }

    @Test func junitIsWellFormedAndCountsFailuresAndErrors() throws {
        let xml = JUnitReport.render(report, policy: Policy(), selector: FrameSelector())
        // Parses as XML: the ANSI escape was dropped, & and < escaped.
        let doc = try XMLDocument(data: Data(xml.utf8))
        let root = try #require(doc.rootElement())
        #expect(root.attribute(forName: "tests")?.stringValue == "3")
        #expect(root.attribute(forName: "failures")?.stringValue == "1")
        #expect(root.attribute(forName: "errors")?.stringValue == "1")
        let failures = try doc.nodes(forXPath: "//failure")
        #expect(failures.count == 1)
        #expect((failures.first as? XMLElement)?.attribute(forName: "type")?.stringValue == "definitelyLost")
        #expect(failures.first?.stringValue?.contains("37 bytes <lost> & [31mred") == true)
        #expect(try doc.nodes(forXPath: "//error").count == 1)
        #expect(!xml.contains("\u{1b}"))
    }

    @Test func githubAnnotationsPointAtTheOwnFrameRelativeToTheWorkspace() {
        let lines = GitHubAnnotations.render(report, policy: Policy(), selector: FrameSelector(), root: "/ws")
        #expect(lines.first == "::error file=src/lib.rs,line=132,title=Valgrind%3A definitely lost::definitely lost: 37 bytes in 1 blocks — in test leak_error_message")
        #expect(lines.count == 2)
        #expect(lines[1].hasPrefix("::error title=AddressSanitizer%3A incomplete::lifecycle: timed out after 3 s"))
    }
}
