import Foundation
import FoundationXML
import Testing

@testable import LeakCheck

/// `moq-leakcheck merge` on reports the real binary wrote. Each partition's
/// report is the `--json` output of `moq-leakcheck parse` of one real checker
/// log (the engine does not write `partition` yet, so the test adds
/// `"partition": {"index": K, "total": 3}` to each, as a `--partition K/3` job
/// would); the unpartitioned run is `parse` of the three logs at once.
@Suite struct MergeIntegrationTests {
    static let logs = [
        "logs/valgrind/leak-kinds-definite-with-indirect.xml",
        "logs/sanitizer/clang-asan-heap-use-after-free.log",
        "logs/valgrind/clean.xml",
    ].map { Tool.fixtures.appendingPathComponent($0).path }

    /// Writes partition K/3 from `parse` of logs[K-1]; returns the path.
    func partition(_ k: Int, in dir: String) throws -> (path: String, exitCode: Int32?) {
        let r = try Tool.run(["parse", Self.logs[k - 1]], tag: "merge-part\(k)")
        defer { try? FileManager.default.removeItem(atPath: r.dir) }
        var json = try #require(r.json)
        json["partition"] = ["index": k, "total": 3]
        let path = dir + "/part-\(k).json"
        try JSONSerialization.data(withJSONObject: json, options: [.sortedKeys]).write(to: URL(fileURLWithPath: path))
        return (path, r.exitCode)
    }

    @Test func threePartitionsMergeToTheUnpartitionedRun() throws {
        let dir = Tool.tempDir("merge")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let parts = try (1...3).map { try partition($0, in: dir) }
        #expect(parts.map(\.exitCode) == [1, 1, 0])
        let whole = try Tool.run(["parse"] + Self.logs, tag: "merge-whole")
        defer { try? FileManager.default.removeItem(atPath: whole.dir) }
        #expect(whole.exitCode == 1)

        // Given in another order than the partitions: the result must not depend on it.
        let merged = try Tool.run(["merge", parts[2].path, parts[0].path, parts[1].path], tag: "merge-all")
        defer { try? FileManager.default.removeItem(atPath: merged.dir) }
        #expect(merged.exitCode == 1)
        #expect(merged.json?["status"] as? String == whole.json?["status"] as? String)
        #expect(merged.json?["status"] as? String == "findings")
        #expect(merged.tally("definitelyLost") == whole.tally("definitelyLost"))
        #expect(merged.tally("indirectlyLost") == whole.tally("indirectlyLost"))
        #expect(merged.totals["errors"] as? Int == whole.totals["errors"] as? Int)
        // valgrind's own LEAK SUMMARY of that run (leak-kinds-definite-with-indirect.txt).
        #expect(merged.tally("definitelyLost") == (104, 2))
        #expect(merged.tally("indirectlyLost") == (300, 2))
        #expect(merged.totals["errors"] as? Int == 1)
        // Same runs (by log, status) and the same findings, in the merge's canonical order.
        func runs(_ r: Tool.Result) -> [String] {
            r.runs.map {
                "\($0["checker"] as? String ?? "?") \($0["target"] as? String ?? "?") \($0["status"] as? String ?? "?")"
            }
        }
        #expect(
            runs(merged) == [
                "valgrind clean.xml clean", "valgrind leak-kinds-definite-with-indirect.xml findings",
                "asan clang-asan-heap-use-after-free.log findings",
            ])
        #expect(Set(runs(merged)) == Set(runs(whole)))
        #expect(merged.findings.map(\.kind).sorted() == whole.findings.map(\.kind).sorted())
        #expect(
            merged.findings.map(\.kind).sorted() == [
                "definitelyLost", "definitelyLost", "indirectlyLost", "indirectlyLost", "possiblyLost",
                "stillReachable",
                "useAfterFree",
            ])
        // The text and HTML outputs were written from the merged report too, with its figures.
        let page = try String(contentsOfFile: merged.dir + "/leakcheck-report.html", encoding: .utf8)
        #expect(page.contains(#"data-figure="valgrind-definitely-lost-bytes" data-value="104""#))
        #expect(page.contains(#"data-figure="valgrind-indirectly-lost-bytes" data-value="300""#))
        #expect(!page.contains(#"data-figure="total-"#), "never a sum across checkers")
        let text = try String(contentsOfFile: merged.dir + "/valgrind-report.txt", encoding: .utf8)
        #expect(text.contains("104"), "\(text.prefix(600))")
    }

    @Test func aMissingPartitionIsIncomplete() throws {
        let dir = Tool.tempDir("merge-missing")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let p1 = try partition(1, in: dir)
        let p3 = try partition(3, in: dir)
        let merged = try Tool.run(["merge", p1.path, p3.path], tag: "merge-missing")
        defer { try? FileManager.default.removeItem(atPath: merged.dir) }
        #expect(merged.exitCode == 3)
        #expect(merged.json?["status"] as? String == "incomplete")
        #expect((merged.json?["incompleteReasons"] as? [String]) == ["missing partition 2/3"])
        // Only the clean partition given: still incomplete, never clean.
        let clean = try Tool.run(["merge", p3.path], tag: "merge-clean-only")
        defer { try? FileManager.default.removeItem(atPath: clean.dir) }
        #expect(clean.exitCode == 3)
        #expect((clean.json?["incompleteReasons"] as? [String]) == ["missing partitions 1/3, 2/3"])
    }

    @Test func anUnreadableOrMalformedReportIsAUsageError() throws {
        let dir = Tool.tempDir("merge-bad")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let p1 = try partition(1, in: dir)
        let missing = dir + "/part-2.json"
        let r = try Tool.run(["merge", p1.path, missing], tag: "merge-unreadable")
        defer { try? FileManager.default.removeItem(atPath: r.dir) }
        #expect(r.exitCode == 2)
        #expect(r.stderr.contains("merge: cannot read \(missing)"))
        #expect(r.json == nil)

        let garbage = dir + "/garbage.json"
        try "{\"runs\": 3}".write(toFile: garbage, atomically: true, encoding: .utf8)
        let g = try Tool.run(["merge", p1.path, garbage], tag: "merge-malformed")
        defer { try? FileManager.default.removeItem(atPath: g.dir) }
        #expect(g.exitCode == 2)
        #expect(g.stderr.contains("merge: \(garbage) is not a moq-leakcheck JSON report"))
        #expect(g.json == nil)

        // What each partition's run applied cannot be applied again by merge: said, not ignored.
        for (flag, value) in [("--baseline", p1.path), ("--suppressions", p1.path), ("--fail-on", "definite,possible")]
        {
            let f = try Tool.run(["merge", p1.path, flag, value], tag: "merge-flag")
            defer { try? FileManager.default.removeItem(atPath: f.dir) }
            #expect(f.exitCode == 2, "\(flag)")
            #expect(f.stderr.contains("merge: \(flag) is applied by each partition's run, not by merge"), "\(flag)")
        }
    }

    // MARK: real partitioned runs (issue 19)

    /// Every testcase of a JUnit file as "classname/name outcome", sorted.
    static func testcases(_ path: String) throws -> [String] {
        let doc = try XMLDocument(contentsOf: URL(fileURLWithPath: path))
        return try doc.nodes(forXPath: "//testcase").map { node in
            let e = try #require(node as? XMLElement)
            let outcome =
                !e.elements(forName: "failure").isEmpty
                ? "failure"
                : !e.elements(forName: "error").isEmpty
                    ? "error" : !e.elements(forName: "skipped").isEmpty ? "skipped" : "passed"
            let classname = e.attribute(forName: "classname")?.stringValue ?? "?"
            return "\(classname)/\(e.attribute(forName: "name")?.stringValue ?? "?") \(outcome)"
        }.sorted()
    }

    /// The fixture crate (and its leaking tests) under one checker: merged JUnit of 1 and
    /// of 3 `hash:K/N` partitions has exactly the unpartitioned run's testcases.
    @Test(arguments: ["valgrind", "asan"])
    func mergedJUnitEqualsTheUnpartitionedRun(checker: String) throws {
        let args = [checker, "--manifest-path", Tool.crateManifest, "--features", "leak_demo", "--jobs", "2"]
        let wholeDir = Tool.tempDir("junit-whole")
        defer { try? FileManager.default.removeItem(atPath: wholeDir) }
        let whole = try Tool.run(args + ["--junit", wholeDir + "/junit.xml"], tag: "junit-whole", in: wholeDir)
        #expect(whole.exitCode == 1, "\(whole.combined)")
        let expected = try Self.testcases(wholeDir + "/junit.xml")
        #expect(expected.count > 20)
        #expect(expected.contains { $0.hasSuffix(" passed") })
        #expect(expected.contains { $0.hasSuffix(" failure") })
        #expect(expected.contains { $0.hasSuffix(" skipped") })  // moq_ffi's #[ignore]d test
        for n in [1, 3] {
            let dir = Tool.tempDir("junit-merge-\(n)")
            defer { try? FileManager.default.removeItem(atPath: dir) }
            var reports: [String] = []
            for k in 1...n {
                let p = try Tool.run(args + ["--partition", "hash:\(k)/\(n)"], tag: "junit-part-\(k)-of-\(n)")
                defer { try? FileManager.default.removeItem(atPath: p.dir) }
                #expect(p.exitCode == 0 || p.exitCode == 1, "\(k)/\(n): \(p.combined)")
                let path = dir + "/part-\(k).json"
                try FileManager.default.copyItem(atPath: p.dir + "/report.json", toPath: path)
                reports.append(path)
            }
            let merged = try Tool.run(
                ["merge"] + reports + ["--junit", dir + "/merged.xml"], tag: "junit-merged-\(n)")
            defer { try? FileManager.default.removeItem(atPath: merged.dir) }
            #expect(merged.exitCode == 1, "\(merged.combined)")
            let got = try Self.testcases(dir + "/merged.xml")
            #expect(got.count == expected.count, "\(n) partition(s)")
            #expect(
                got == expected,
                "\(n) partition(s): missing \(Set(expected).subtracting(got).sorted()), extra \(Set(got).subtracting(expected).sorted())"
            )
        }
    }

    /// One job (a leaking C program) over `hash:K/2`: one partition gets it, the other
    /// none. The empty one is clean (exit 0, one note), and the merge is the job's verdict.
    @Test func anEmptyHashPartitionIsCleanAndMerges() throws {
        try Tool.require("valgrind", install: "apt-get install valgrind")
        let program = try Tool.compileC("leaks")
        let dir = Tool.tempDir("empty-partition")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var results: [Tool.Result] = []
        for k in 1...2 {
            let r = try Tool.run(["valgrind", "--partition", "hash:\(k)/2", "--", program], tag: "empty-part-\(k)")
            defer { try? FileManager.default.removeItem(atPath: r.dir) }
            try FileManager.default.copyItem(atPath: r.dir + "/report.json", toPath: dir + "/part-\(k).json")
            results.append(r)
        }
        // Every job in exactly one partition.
        #expect(results.map { $0.runs.count }.sorted() == [0, 1])
        let empty = try #require(results.first { $0.runs.isEmpty })
        let full = try #require(results.first { !$0.runs.isEmpty })
        #expect(empty.exitCode == 0, "\(empty.combined)")
        #expect(empty.json?["status"] as? String == "clean")
        let spec = try #require(empty.json?["partition"] as? [String: Any])
        #expect(spec["jobs"] as? Int == 0)
        let notes = (empty.json?["notes"] as? [String] ?? []).filter { $0.contains("partition") }
        #expect(notes.count == 1)
        #expect(notes.first?.contains("received no job") == true, "\(notes)")
        #expect(full.exitCode == 1)
        let merged = try Tool.run(["merge", dir + "/part-1.json", dir + "/part-2.json"], tag: "empty-merged")
        defer { try? FileManager.default.removeItem(atPath: merged.dir) }
        #expect(merged.exitCode == 1, "\(merged.combined)")
        #expect((merged.json?["incompleteReasons"] as? [String]) == [])
    }
}
