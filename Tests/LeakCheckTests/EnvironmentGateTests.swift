import Foundation
import Testing

@testable import LeakCheck

/// Issue 21, "The user's environment opens the gate": every indirection the
/// sanitizers and valgrind offer is resolved by the tool, never left to the checker.
@Suite struct EnvironmentGateTests {
    static let ours: [(String, String)] = [
        ("detect_leaks", "1"), ("leak_check_at_exit", "1"), ("log_path", "/r/asan-report"), ("exitcode", "23"),
    ]

    static func files(_ map: [String: String]) -> SanitizerOptions.FileReader { { map[$0] } }

    @Test(arguments: ["include", "include_if_exists"])
    func anIncludedFileCannotSwitchTheGateOff(key: String) {
        let merged = SanitizerOptions.merge(
            ours: Self.ours, user: "\(key)=/f/opts:verbosity=1",
            readFile: Self.files([
                "/f/opts": "detect_leaks=0\nexitcode=0 leak_check_at_exit=0\nmalloc_context_size=30\n"
            ]))
        #expect(
            merged.options
                == "detect_leaks=1:leak_check_at_exit=1:log_path=/r/asan-report:exitcode=23:malloc_context_size=30:verbosity=1"
        )
        #expect(
            merged.overridden == [
                "detect_leaks=0 (from /f/opts)", "exitcode=0 (from /f/opts)", "leak_check_at_exit=0 (from /f/opts)",
            ])
    }

    @Test func includesNestAndEndAtADepthLimit() {
        // a includes b, b includes a: a cycle the runtime would follow forever.
        let merged = SanitizerOptions.merge(
            ours: Self.ours, user: "include=/a",
            readFile: Self.files(["/a": "include=/b\nverbosity=1", "/b": "include=/a\nlog_path=/tmp/x"]))
        #expect(merged.overridden.first == "log_path=/tmp/x (from /b)")
        #expect(merged.notes.contains { $0.contains("more than \(SanitizerOptions.maxIncludeDepth) files deep") })
        #expect(!merged.options.contains("include"))
    }

    @Test func aMissingIncludeIsNotedAndAMissingIncludeIfExistsIsNothing() {
        let missing = SanitizerOptions.merge(ours: Self.ours, user: "include=/nope", readFile: Self.files([:]))
        #expect(missing.notes == ["include=/nope: cannot read it as a file: ignored"])
        #expect(!missing.options.contains("include"))
        let optional = SanitizerOptions.merge(
            ours: Self.ours, user: "include_if_exists=/nope", readFile: Self.files([:]))
        #expect(optional.notes == [] && !optional.options.contains("include"))
    }

    /// The runtime would read `/dev/zero` forever and block on a terminal: the tool reads regular files only.
    @Test func onlyARegularFileIsReadAndOnlyItsBeginning() throws {
        #expect(SanitizerOptions.readFromDisk("/dev/zero") == nil)
        #expect(SanitizerOptions.readFromDisk("/") == nil)
        let dir = try ScratchDir()
        let big = String(repeating: "verbosity=1\n", count: SanitizerOptions.maxIncludeBytes)
        try big.write(toFile: dir.file("big.opts"), atomically: true, encoding: .utf8)
        #expect(SanitizerOptions.readFromDisk(dir.file("big.opts"))?.utf8.count == SanitizerOptions.maxIncludeBytes)
        try "".write(toFile: dir.file("empty.opts"), atomically: true, encoding: .utf8)
        #expect(SanitizerOptions.readFromDisk(dir.file("empty.opts")) == "")
        let merged = SanitizerOptions.merge(ours: Self.ours, user: "include=/dev/zero")
        #expect(merged.notes == ["include=/dev/zero: cannot read it as a file: ignored"])
    }

    @Test func aSuppressionsFileIsNeverPassedToTheSanitizer() {
        let direct = SanitizerOptions.merge(
            ours: Self.ours, user: "suppressions=/s/lsan.supp", readFile: Self.files([:]))
        #expect(!direct.options.contains("suppressions"))
        #expect(direct.notes.count == 1)
        #expect(direct.notes.first?.hasPrefix("suppressions=/s/lsan.supp: not passed") == true)
        #expect(direct.notes.first?.contains("--suppressions /s/lsan.supp") == true)
        let included = SanitizerOptions.merge(
            ours: Self.ours, user: "include=/f", readFile: Self.files(["/f": "suppressions=/s/x.supp"]))
        #expect(!included.options.contains("suppressions"))
        #expect(included.notes.first?.hasPrefix("suppressions=/s/x.supp (from /f): not passed") == true)
    }

    /// The runtime reads common and leak options from LSAN_OPTIONS under ASan too:
    /// each of the issue's LSAN_OPTIONS paths is forced there.
    @Test func lsanOptionsUnderASanAreForcedToo() throws {
        let dir = try ScratchDir()
        try "detect_leaks=0\nexitcode=0\n".write(toFile: dir.file("opts"), atomically: true, encoding: .utf8)
        let diagnostics = Diagnostics()
        let context = RunContext(
            options: try Options.parse(["asan"]), console: Console(verbosity: .quiet), supervisor: Supervisor(),
            environment: [
                "LSAN_OPTIONS": "leak_check_at_exit=0:include=\(dir.file("opts")):suppressions=\(dir.file("s.supp"))",
                "ASAN_OPTIONS": "include_if_exists=\(dir.file("opts"))",
            ], diagnostics: diagnostics, suppressions: [])
        let env = SanitizerChecker(checker: .asan, flavor: .address).environment(context, logPrefix: "/r/asan-report")
        let lsan = try #require(env["LSAN_OPTIONS"]).split(separator: ":").map(String.init)
        let asan = try #require(env["ASAN_OPTIONS"]).split(separator: ":").map(String.init)
        for forced in ["detect_leaks=1", "leak_check_at_exit=1", "exitcode=23"] { #expect(lsan.contains(forced)) }
        for opened in ["detect_leaks=0", "exitcode=0", "leak_check_at_exit=0"] {
            #expect(!lsan.contains(opened) && !asan.contains(opened))
        }
        #expect(!lsan.contains { $0.hasPrefix("suppressions=") || $0.hasPrefix("include") })
        #expect(!asan.contains { $0.hasPrefix("include") })
        #expect(diagnostics.notes.contains { $0.hasPrefix("LSAN_OPTIONS suppressions=") })
    }

    // MARK: - valgrind

    /// Issue 21: valgrind opens its XML and log files itself, following links. Whatever sits
    /// at those names when a job is prepared (a symlink planted after the run dir was made
    /// afresh, a stale file) is removed first; what a link pointed to keeps its bytes.
    @Test(arguments: ["valgrind", "helgrind"])
    func linksAtValgrindsFileNamesAreRemovedNotFollowed(checker: String) throws {
        let dir = try ScratchDir()
        let base = dir.file("job")
        let names = [".xml", checker == "valgrind" ? ".valgrind.log" : ".helgrind.log"]
        for name in names {
            try "keep me\n".write(toFile: dir.file("victim" + name), atomically: true, encoding: .utf8)
            #expect(symlink(dir.file("victim" + name), base + name) == 0)
        }
        let context = RunContext(
            options: try Options.parse([checker]), console: Console(verbosity: .quiet), supervisor: Supervisor(),
            environment: [:], diagnostics: Diagnostics(), suppressions: [])
        let job = Job(
            source: .command, program: "/bin/true", arguments: [], test: nil, featureSet: "default", isLibtest: false,
            label: "job", target: nil)
        let driver = CheckerRegistry.driver(for: try #require(Checker(rawValue: checker)))
        let run = try driver.prepare(job, base: base, context: context)
        #expect(run.spec.arguments.contains("--xml-file=" + base + ".xml"))
        var st = stat()
        for name in names {
            #expect(lstat(base + name, &st) != 0, "\(name) is still there")
            #expect(try String(contentsOfFile: dir.file("victim" + name), encoding: .utf8) == "keep me\n")
        }
    }

    @Test func valgrindOptsLosesItsHidingOptions() {
        let s = ValgrindOptions.scrub(
            "--num-callers=30  --suppressions=/x.supp --ignore-fn=foo --undef-value-errors=no")
        #expect(s.kept == "--num-callers=30")
        #expect(s.dropped == ["--suppressions=/x.supp", "--ignore-fn=foo", "--undef-value-errors=no"])
    }

    /// valgrind 3.19 records its rc files' and VALGRIND_OPTS' options in <vargv>
    /// (`Tests/Fixtures/logs/valgrind/valgrindrc-suppressions.xml`: a `./.valgrindrc`
    /// holding `--suppressions=…/hide.supp`, the 40-byte leak suppressed by valgrind).
    @Test func aSuppressionValgrindReadFromAnRcFileIsFound() throws {
        let path = Paths.logs.appendingPathComponent("valgrind/valgrindrc-suppressions.xml").path
        let vargv = ValgrindOptions.vargv(ofXMLAt: path)
        #expect(vargv.contains("--xml=yes"))
        #expect(ValgrindOptions.foreign(vargv) == ["--suppressions=/tmp/envx/hide.supp"])
        #expect(
            ValgrindOptions.vargv(inXML: "<vargv><arg>--suppressions=a&amp;b</arg></vargv>") == ["--suppressions=a&b"])
    }
}
