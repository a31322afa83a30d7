import Foundation
#if canImport(FoundationXML)
    import FoundationXML
#endif
import Testing

@testable import LeakCheck

/// `moq-leakcheck valgrind [FILTER]... --exact --skip --lib --test NAME` on the
/// real fixture crate with real cargo and valgrind: only the selected tests
/// run, the rest are JUnit `<skipped>`, and a selection of nothing is never clean.
@Suite(.serialized) struct TestSelectionIntegrationTests {
    init() throws {
        try Tool.require("valgrind", install: "apt-get install valgrind")
        try Tool.require("cargo", install: "install Rust with rustup")
    }

    /// JUnit testcases as (name, skipped), from `--junit`.
    static func testcases(_ r: Tool.Result) throws -> [(name: String, skipped: Bool)] {
        let xml = try #require(r.file("junit.xml"), "no junit.xml: \(r.combined)")
        let doc = try XMLDocument(xmlString: xml)
        return try doc.nodes(forXPath: "//testcase").compactMap { node in
            guard let el = node as? XMLElement, let name = el.attribute(forName: "name")?.stringValue else {
                return nil
            }
            return (name, !(el.elements(forName: "skipped").isEmpty))
        }
    }

    static func run(_ extra: [String], tag: String) throws -> Tool.Result {
        let dir = Tool.tempDir(tag)
        return try Tool.run(
            ["valgrind", "--manifest-path", Tool.crateManifest, "--features", "leak_demo", "--junit", dir + "/junit.xml"]
                + extra, tag: tag, in: dir)
    }

    /// Every test run, by name (not skipped in JUnit).
    static func ran(_ r: Tool.Result) throws -> Set<String> {
        Set(try testcases(r).filter { !$0.skipped }.map(\.name))
    }

    @Test func substringFilterAndTestTargetCheckOnlyTheNamedTest() throws {
        let r = try Self.run(["--test", "errors", "leak_error"], tag: "sel-substr")
        #expect(r.exitCode == 1, "\(r.combined)")
        // `--test errors`: no other cargo target was built or run.
        let targets = Set(r.runs.compactMap { $0["target"] as? String })
        #expect(targets == ["errors"], "\(targets)")
        #expect(try Self.ran(r) == ["leak_error_message"])
        let skipped = try Self.testcases(r).filter(\.skipped).map(\.name)
        #expect(skipped.contains("bad_scheme_is_an_error_with_message"), "filtered-out tests are listed as skipped")
        #expect(Set(r.findings.map(\.test)) == ["leak_error_message"])
        #expect(r.combined.contains("1 of"), "the note says how many tests the selection kept: \(r.combined)")
    }

    @Test func exactFilterRunsOnlyTheTestOfThatName() throws {
        // `client_lifecycle` is a substring of no leaking test's name but of none other either;
        // `leak_client_never_destroyed` contains `client` and must not run.
        let r = try Self.run(["--exact", "client_lifecycle", "tests::client_create_destroy"], tag: "sel-exact")
        #expect(r.exitCode == 0, "\(r.combined)")
        #expect(try Self.ran(r) == ["client_lifecycle", "tests::client_create_destroy"])
        #expect(r.findings.isEmpty)
    }

    @Test func skipAndLibLeaveOutTheLeakingTests() throws {
        let r = try Self.run(["--lib", "--skip", "leak"], tag: "sel-skip")
        #expect(r.exitCode == 0, "\(r.combined)")
        let ran = try Self.ran(r)
        #expect(!ran.isEmpty && ran.allSatisfy { $0.hasPrefix("tests::") && !$0.contains("leak") }, "\(ran)")
        // Without --skip the same target fails: the skip is what made it clean.
        let unskipped = try Self.run(["--lib"], tag: "sel-noskip")
        #expect(unskipped.exitCode == 1, "\(unskipped.combined)")
    }

    @Test func wholeBinariesRunOnlyTheSelectedTestsToo() throws {
        // --no-split: one process per binary still, given only the selected tests.
        let r = try Self.run(["--no-split", "--test", "errors", "leak_error"], tag: "sel-whole")
        #expect(r.exitCode == 1, "\(r.combined)")
        #expect(try Self.ran(r) == ["leak_error_message"])
        let args = r.runs.flatMap { $0["arguments"] as? [String] ?? [] }
        #expect(args.contains("leak_error_message") && !args.contains("empty_host_is_an_error"), "\(args)")
    }

    @Test func aFilterThatMatchesNothingIsIncomplete() throws {
        let r = try Self.run(["--test", "errors", "no_test_has_this_name"], tag: "sel-none")
        #expect(r.exitCode == 3, "\(r.combined)")
        #expect(r.combined.contains("matches none of the"), "\(r.combined)")
    }
}
