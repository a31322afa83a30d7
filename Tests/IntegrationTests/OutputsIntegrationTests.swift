import Foundation
import FoundationXML
import TestSupport
import Testing

@testable import LeakCheck

/// Every output of one real leaking run, end to end through the binary: SARIF
/// that validates against the 2.1.0 schema, the GitHub step summary (appended),
/// annotations, the HTML report and JUnit, all stating the JSON's verdict.
@Suite struct OutputsIntegrationTests {
    static let log = Tool.fixtures.appendingPathComponent("suppressions/rust-test-leak.xml").path
    static let schema = Repository.sarifSchema.path

    @Test func aLeakingRunWritesEveryOutputWithTheSameVerdict() throws {
        try Tool.require("python3", install: "apt-get install python3 (scripts/install-deps.sh)")
        _ = try Repository.existing(Repository.sarifSchema)
        let dir = Tool.tempDir("outputs")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let summary = dir + "/step-summary.md"
        try "## an earlier step\n".write(toFile: summary, atomically: true, encoding: .utf8)
        var env = ProcessInfo.processInfo.environment
        env["GITHUB_ACTIONS"] = "true"
        env["GITHUB_STEP_SUMMARY"] = summary
        env["GITHUB_WORKSPACE"] = Tool.repoRoot.path
        let r = try Tool.run(
            [
                "parse", Self.log, "--sarif", dir + "/r.sarif", "--junit", dir + "/r.junit.xml", "--html",
                dir + "/r.html",
            ],
            tag: "outputs", environment: env, in: dir)
        #expect(r.exitCode == 1, "\(r.combined)")
        let definite = r.tally("definitelyLost")
        #expect(definite.0 > 0)

        // SARIF validates; its error-level results are counted against the annotations below.
        let check = try Supervisor().run(
            ProcessSpec(
                executable: "python3",
                arguments: [
                    "-c",
                    "import json,sys,jsonschema; s=json.load(open(sys.argv[1])); d=json.load(open(sys.argv[2])); "
                        + "errs=list(jsonschema.Draft4Validator(s).iter_errors(d)); [print(e.message[:200]) for e in errs]; "
                        + "print(sum(1 for r in d['runs'][0]['results'] if r.get('level') == 'error')); sys.exit(1 if errs else 0)",
                    Self.schema, dir + "/r.sarif",
                ], stdoutPath: dir + "/sarif-check.txt", stderrPath: dir + "/sarif-check.txt"))
        let checkOut = (try? String(contentsOfFile: dir + "/sarif-check.txt", encoding: .utf8)) ?? ""
        #expect(check.exitCode == 0, "SARIF schema errors (pip install jsonschema): \(checkOut)")
        let sarifErrors = checkOut.split(separator: "\n").last.flatMap { Int($0) }

        // The step summary was appended to, and states the gate.
        let md = try String(contentsOfFile: summary, encoding: .utf8)
        #expect(md.hasPrefix("## an earlier step\n"))
        #expect(md.contains("moq-leakcheck"), "\(md)")
        #expect(md.contains("\(Figures.grouped(definite.0)) bytes"), "the summary's figures are the JSON's: \(md)")

        // Annotations: one ::error per gating allocation site, paths relative to the workspace.
        let annotations = r.stdout.split(separator: "\n").filter { $0.hasPrefix("::error") }
        #expect(!annotations.isEmpty)
        #expect(annotations.allSatisfy { !$0.contains("file=/") }, "\(annotations)")
        // SARIF's error-level results and the annotations are the same gating sites, counted by two renderers.
        #expect(sarifErrors == annotations.count, "SARIF errors \(sarifErrors ?? -1), annotations \(annotations.count)")

        // The HTML report (also always in the report dir) carries the same figures.
        for html in [dir + "/r.html", dir + "/leakcheck-report.html"] {
            let page = try String(contentsOfFile: html, encoding: .utf8)
            #expect(
                page.contains("data-figure=\"valgrind-definitely-lost-bytes\" data-value=\"\(definite.0)\""), "\(html)")
            #expect(
                !page.contains("src=\"http") && !page.contains("href=\"http") && !page.contains("url(http"),
                "self-contained: nothing fetched from the network")
        }
        // JUnit parses and counts the failure.
        let root = try #require(try XMLDocument(contentsOf: URL(fileURLWithPath: dir + "/r.junit.xml")).rootElement())
        #expect(root.name == "testsuites")
        #expect(root.attribute(forName: "failures")?.stringValue == "1")
        #expect(root.attribute(forName: "errors")?.stringValue == "0")
    }
}
