import Foundation
import TestSupport
import Testing

@testable import LeakCheck

@Suite struct SARIFReportTests {
    static let schema = Repository.sarifSchema

    /// Validates with Python's jsonschema (draft-04, the schema's own draft); prints every error.
    static func validate(_ data: Data) throws -> ToolRun {
        _ = try Repository.existing(schema)
        let scratch = try ScratchDir()
        let file = scratch.file("out.sarif")
        try data.write(to: URL(fileURLWithPath: file))
        let script = """
            import json, sys, jsonschema
            schema = json.load(open(sys.argv[1])); doc = json.load(open(sys.argv[2]))
            v = jsonschema.Draft4Validator(schema)
            errs = sorted(v.iter_errors(doc), key=lambda e: list(e.path))
            for e in errs: print("/".join(map(str, e.path)), e.message[:200])
            sys.exit(1 if errs else 0)
            """
        return try ExternalTool.python(script, [schema.path, file], module: "jsonschema")
    }

    static func object(_ data: Data) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test func leakingRunValidatesAgainstTheSchema() throws {
        let data = try SARIFRenderer(path: "x.sarif").render(
            try ReportFixtures.leak(), context: ReportFixtures.context())
        let v = try Self.validate(data)
        #expect(v.status == 0, "schema errors:\n\(v.stdout)\(v.stderr)")
    }

    @Test func oneResultPerAllocationSiteAcrossCheckersAndTests() throws {
        let data = try SARIFRenderer(path: "x.sarif").render(
            try ReportFixtures.leak(), context: ReportFixtures.context())
        let run = try #require((try Self.object(data)["runs"] as? [[String: Any]])?.first)
        let results = try #require(run["results"] as? [[String: Any]])
        let errors = results.filter { $0["level"] as? String == "error" }
        // The five leaks of EXPECTED.md, each seen by valgrind and ASan: five results, not ten.
        #expect(errors.count == 5)
        let summary = errors.map { r -> String in
            let p = r["properties"] as? [String: Any] ?? [:]
            return
                "\(r["ruleId"]!) \(p["bytes"]!) \((p["checkers"] as? [String] ?? []).joined(separator: "+")) \((p["tests"] as? [String] ?? []).joined(separator: ","))"
        }
        #expect(
            summary == [
                "definitelyLost 24 valgrind+asan tests::leak_client_never_destroyed",
                "definitelyLost 37 valgrind+asan leak_error_message",
                "indirectlyLost 24 valgrind+asan leak_subscriber_with_child",
                "indirectlyLost 64 valgrind+asan leak_subscriber_with_child",
                "definitelyLost 16 valgrind+asan leak_subscriber_with_child",
            ])
        // Every result: a message, a rule that exists, a stable partial fingerprint.
        let rules = try #require(
            (run["tool"] as? [String: Any]).flatMap { ($0["driver"] as? [String: Any])?["rules"] as? [[String: Any]] })
        for r in results {
            let idx = try #require(r["ruleIndex"] as? Int)
            #expect(rules[idx]["id"] as? String == r["ruleId"] as? String)
            #expect(((r["message"] as? [String: Any])?["text"] as? String)?.isEmpty == false)
            #expect(((r["partialFingerprints"] as? [String: Any])?["moqLeakcheckSite/v1"] as? String)?.count == 16)
        }
        // Every gating result names its cause and the cause's allocation as a related location.
        let causes = try ReportFixtures.leak().causes
        for r in errors {
            let p = r["properties"] as? [String: Any] ?? [:]
            let cause = try #require(causes.first { $0.id == p["cause"] as? String })
            let related = try #require((r["relatedLocations"] as? [[String: Any]])?.first)
            let region = (related["physicalLocation"] as? [String: Any])?["region"] as? [String: Any]
            #expect(region?["startLine"] as? Int == cause.allocation?.line)
        }
        // Rule help is generic: this capture has no FFI boundary, so it names no release function.
        let definite = try #require(rules.first { $0["id"] as? String == "definitelyLost" })
        let help = try #require((definite["help"] as? [String: Any])?["text"] as? String)
        #expect(!help.contains("moq_"), "\(help)")
    }

    /// With a boundary, the crate's own release function is named in the rule help.
    @Test func ruleHelpNamesTheCratesReleaseFunctionOnlyWhenThereIsOne() throws {
        var report = try ReportFixtures.leak()
        for r in report.runs.indices {
            for i in report.runs[r].findings.indices where report.runs[r].findings[i].bytes == 37 {
                report.runs[r].findings[i].boundary = Boundary(function: "moq_connect", release: "moq_free_str")
            }
        }
        let data = try SARIFRenderer(path: "x.sarif").render(report, context: ReportFixtures.context())
        let run = try #require((try Self.object(data)["runs"] as? [[String: Any]])?.first)
        let rules = try #require(
            (run["tool"] as? [String: Any]).flatMap { ($0["driver"] as? [String: Any])?["rules"] as? [[String: Any]] })
        let definite = try #require(rules.first { $0["id"] as? String == "definitelyLost" })
        let help = try #require((definite["help"] as? [String: Any])?["text"] as? String)
        #expect(help.contains("(here: moq_free_str())"), "\(help)")
        #expect(!help.contains("moq_client_destroy"))
    }

    @Test func locationIsTheTestFrameRelativeToSrcRoot() throws {
        let data = try SARIFRenderer(path: "x.sarif").render(
            try ReportFixtures.leak(), context: ReportFixtures.context())
        let run = try #require((try Self.object(data)["runs"] as? [[String: Any]])?.first)
        let results = try #require(run["results"] as? [[String: Any]])
        let places = results.filter { $0["level"] as? String == "error" }.map { r -> String in
            let loc = (r["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any]
            let art = loc?["artifactLocation"] as? [String: Any]
            let line = (loc?["region"] as? [String: Any])?["startLine"] as? Int
            return "\(art?["uriBaseId"] as? String ?? "-") \(art?["uri"] as? String ?? "-"):\(line ?? 0)"
        }
        #expect(
            places == [
                "%SRCROOT% moq_ffi/src/tests.rs:125",
                "%SRCROOT% moq_ffi/tests/errors.rs:74",
                "%SRCROOT% moq_ffi/tests/lifecycle.rs:94",
                "%SRCROOT% moq_ffi/tests/lifecycle.rs:94",
                "%SRCROOT% moq_ffi/tests/lifecycle.rs:94",
            ])
        let base = try #require(run["originalUriBaseIds"] as? [String: Any])
        #expect((base["%SRCROOT%"] as? [String: Any])?["uri"] as? String == "file:///tmp/lc-render/a/")
        // The stack goes in whole; /rustc/ frames keep their name but no file (nothing a reader has).
        let first = results[0]
        let frames = try #require(((first["stacks"] as? [[String: Any]])?.first?["frames"]) as? [[String: Any]])
        let report = try ReportFixtures.leak()
        let finding = try #require(
            report.runs.flatMap(\.findings).first {
                $0.suppressedBy == nil && $0.bytes == 24 && $0.kind == .definitelyLost
            })
        #expect(frames.count == finding.stack.count)
        let second = try #require(frames[1]["location"] as? [String: Any])
        #expect(finding.stack[1].file?.hasPrefix("/rustc/") == true)
        #expect(second["physicalLocation"] == nil && (second["message"] as? [String: Any])?["text"] != nil)
        // Every file a code flow names is under %SRCROOT%.
        for r in results {
            for flow in r["codeFlows"] as? [[String: Any]] ?? [] {
                for tf in flow["threadFlows"] as? [[String: Any]] ?? [] {
                    for l in tf["locations"] as? [[String: Any]] ?? [] {
                        let art = ((l["location"] as? [String: Any])?["physicalLocation"] as? [String: Any])?[
                            "artifactLocation"] as? [String: Any]
                        if let art { #expect(art["uriBaseId"] as? String == "%SRCROOT%") }
                    }
                }
            }
        }
    }

    @Test func boundaryCallerWinsThePlacement() throws {
        var report = try ReportFixtures.leak()
        let r = try #require(report.runs.firstIndex { $0.test == "leak_error_message" && $0.checker == .valgrind })
        let i = try #require(report.runs[r].findings.firstIndex { $0.suppressedBy == nil })
        report.runs[r].findings[i].boundary = Boundary(
            function: "moq_connect", file: "/tmp/lc-render/a/moq_ffi/src/lib.rs", line: 132,
            caller: CodeLocation(
                function: "errors::leak_error_message", file: "/tmp/lc-render/a/moq_ffi/tests/errors.rs", line: 70),
            release: "moq_free_str")
        let data = try SARIFRenderer(path: "x.sarif").render(report, context: ReportFixtures.context())
        let results = try #require(
            ((try Self.object(data)["runs"] as? [[String: Any]])?.first?["results"]) as? [[String: Any]])
        let result = try #require(results.first { ($0["properties"] as? [String: Any])?["bytes"] as? Int == 37 })
        let loc = (result["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any]
        #expect((loc?["region"] as? [String: Any])?["startLine"] as? Int == 70)
        let text = try #require((result["message"] as? [String: Any])?["text"] as? String)
        #expect(
            text.hasPrefix(
                "37 bytes definitely lost: returned by moq_connect() to errors::leak_error_message (moq_ffi/tests/errors.rs:70), never released: call moq_free_str() in test leak_error_message (Valgrind, AddressSanitizer)."
            ))
    }

    @Test func suppressedFindingsAndIncompleteRunsAreRecorded() throws {
        var report = try ReportFixtures.leak()
        let r = try #require(report.runs.firstIndex { $0.checker == .asan && $0.test == "many_clients" })
        report.runs[r].status = .incomplete
        report.runs[r].incompleteReason = "timed out after 60 s"
        let data = try SARIFRenderer(path: "x.sarif").render(report, context: ReportFixtures.context())
        let v = try Self.validate(data)
        #expect(v.status == 0, "schema errors:\n\(v.stdout)\(v.stderr)")
        let run = try #require((try Self.object(data)["runs"] as? [[String: Any]])?.first)
        let invocations = try #require(run["invocations"] as? [[String: Any]])
        #expect(invocations.map { $0["executionSuccessful"] as? Bool } == [true, false])
        let notes = try #require(invocations[1]["toolExecutionNotifications"] as? [[String: Any]])
        #expect(
            notes.map { ($0["message"] as? [String: Any])?["text"] as? String } == [
                "AddressSanitizer: lifecycle-ba4c663207f19b15 :: many_clients [leak_demo]: incomplete: timed out after 60 s"
            ])
        // The std harness noise the default suppressions hid: one possibly-lost site, as an accepted external suppression.
        let suppressed = (run["results"] as? [[String: Any]] ?? []).filter { $0["suppressions"] != nil }
        #expect(suppressed.count == 1)
        let s = try #require((suppressed.first?["suppressions"] as? [[String: Any]])?.first)
        #expect(s["kind"] as? String == "external")
        #expect((s["justification"] as? String)?.hasPrefix("suppressed by rust-std-main-thread-handle (") == true)
        #expect(suppressed.first?["level"] as? String == "warning")
    }

    @Test func cleanRunValidatesWithNoResults() throws {
        let data = try SARIFRenderer(path: "x.sarif").render(
            try ReportFixtures.report("clean-valgrind-asan"), context: ReportFixtures.context())
        let v = try Self.validate(data)
        #expect(v.status == 0, "schema errors:\n\(v.stdout)\(v.stderr)")
        let run = try #require((try Self.object(data)["runs"] as? [[String: Any]])?.first)
        let unsuppressed = (run["results"] as? [[String: Any]] ?? []).filter { $0["suppressions"] == nil }
        #expect(unsuppressed.count == 0)
    }
}
