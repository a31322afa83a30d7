import Foundation
import Testing
import TestSupport

@testable import LeakCheck

/// `tsan`: its log parser on real gcc/clang TSan logs, its suppression kinds, the options it
/// forces, and the rust-src rule for cargo sources.
@Suite struct TSanTests {
    static func log(_ name: String) throws -> CheckerOutput {
        TSanLogParser.parse(text: try Paths.fixtureText("threads/" + name))
    }

    // MARK: - parsing (real logs: Tests/Fixtures/threads/*.c built with gcc 12 -fsanitize=thread)

    @Test func gccRaceHasBothAccessesAtTheRacingLine() throws {
        let out = try Self.log("tsan-gcc-race.log")
        #expect(out.complete)
        #expect(out.format == .threadSanitizer)
        #expect(out.pids == [3136])
        let race = try #require(out.findings.first)
        #expect(out.findings.count == 1)
        #expect(race.kind == .dataRace)
        #expect(race.rawKind == "data race")
        #expect(race.thread == "T2")
        #expect(race.message.hasPrefix("Read of size 4 at 0x55aa0c64705c by thread T2"))
        #expect(race.message.contains("Location is global 'count'"))
        #expect(race.stack.first?.function == "bump")
        #expect(race.stack.first?.file == "/work/wt-tsan/Tests/Fixtures/threads/race.c")
        #expect(race.stack.first?.line == 9)
        #expect(race.stack.first?.object == "race-gcc")
        let previous = try #require(race.auxiliary.first)
        #expect(previous.what == "Previous write of size 4 at 0x55aa0c64705c by thread T1")
        #expect(previous.stack.map(\.function) == ["bump"])
        #expect(previous.stack.first?.line == 9)
        // The threads' creation stacks follow, with main's line each.
        #expect(race.auxiliary.dropFirst().map { $0.stack.last?.line } == [16, 15])
    }

    /// moq_ffi's C suite: the library's own thread calls back into C. The race is between
    /// two C lines, the cause names the global TSan locates, the Rust frames stay in the stack.
    @Test func aCallbackFromTheLibrarysThreadRacesWithTheCallerAtBothCLines() throws {
        let out = try Self.log("tsan-gcc-moq-ffi-callback-race.log")
        #expect(out.complete)
        let race = try #require(out.findings.first)
        #expect(out.findings.count == 1 && race.kind == .dataRace)
        #expect(race.stack.first.map { "\($0.function ?? "") \($0.line ?? 0)" } == "check_frames_arrive 25")
        let previous = try #require(race.auxiliary.first)
        #expect(previous.stack.map(\.function) == ["on_frame", "moq_ffi::moq_subscriber_listen::{{closure}}"])
        let run = RunResult(checker: .tsan, executable: "test_callback_race", arguments: [], findings: out.findings)
        let causes = Causes.group([run], policy: Policy(), ownCode: nil)
        #expect(
            causes.map(\.sentence)
                == ["data race on frames_seen: check_frames_arrive (test_callback_race.c:25) and on_frame (test_callback_race.c:15) — 1 report"])
    }

    @Test func clangFramesCarryAColumnThatIsDropped() throws {
        let race = try #require(Self.log("tsan-clang-race.log").findings.first)
        #expect(race.kind == .dataRace)
        #expect(race.stack.first?.file == "/work/wt-tsan/Tests/Fixtures/threads/race.c")
        #expect(race.stack.first?.line == 9)
    }

    @Test func lockOrderThreadLeakAndMisuseHaveTheirKinds() throws {
        let lock = try #require(Self.log("tsan-gcc-lock-order.log").findings.first)
        #expect(lock.kind == .lockOrder)
        #expect(lock.stack.map(\.function) == ["pthread_mutex_lock", "main"])
        #expect(lock.stack.last?.line == 9)
        #expect(lock.auxiliary.first?.stack.last?.line == 13)
        let leak = try #require(try Self.log("tsan-gcc-thread-leak.log").findings.first)
        #expect(leak.kind == .threadLeak)
        #expect(leak.stack.last?.line == 9)
        let misuse = try #require(Self.log("tsan-gcc-unlock-unlocked.log").findings.first)
        #expect(misuse.kind == .threadMisuse)
        #expect(misuse.rawKind == "unlock of an unlocked mutex (or by a wrong thread)")
        #expect(misuse.stack.map(\.function) == ["pthread_mutex_unlock", "main"])
        #expect(misuse.stack.last?.line == 9)
        #expect(misuse.auxiliary.first?.what == "Mutex M0 (0x558ef0b72060) created at")
    }

    @Test func aReportCutBeforeItsSummaryIsIncomplete() throws {
        let text = try Paths.fixtureText("threads/tsan-gcc-race.log")
        let cut = String(text[..<text.range(of: "SUMMARY:")!.lowerBound])
        let out = TSanLogParser.parse(text: cut)
        #expect(!out.complete)
        #expect(out.findings.map(\.kind) == [.dataRace])
    }

    /// Mutated from tsan-gcc-race.log: CRLF line ends, cut after the previous access's stack.
    @Test func aCRLFLogCutMidReportKeepsItsFramesAndIsIncomplete() throws {
        let out = try Self.log("tsan-gcc-race-crlf-cut.log")
        #expect(!out.complete)
        #expect(out.incompleteReason?.contains("no SUMMARY line") == true)
        let race = try #require(out.findings.first)
        #expect(race.kind == .dataRace)
        #expect(race.stack.first?.file == "/work/wt-tsan/Tests/Fixtures/threads/race.c")
        #expect(race.stack.first?.line == 9)
        #expect(race.stack.first?.object == "race-gcc")
        #expect(race.auxiliary.map(\.what) == ["Previous write of size 4 at 0x55aa0c64705c by thread T1"])
        let data = try Data(contentsOf: Paths.fixture("threads/tsan-gcc-race-crlf-cut.log"))
        #expect(LogRecognizer.recognize(prefix: data) == .threadSanitizer)
    }

    @Test func parseRecognisesTSanLogs() throws {
        for name in ["tsan-gcc-race.log", "tsan-gcc-lock-order.log", "tsan-gcc-thread-leak.log", "tsan-clang-race.log"] {
            let data = try Data(contentsOf: Paths.fixture("threads/" + name))
            #expect(LogRecognizer.recognize(prefix: data) == .threadSanitizer, "\(name)")
        }
        #expect(CheckerRegistry.parser(for: .threadSanitizer)?.checker == .tsan)
    }

    // MARK: - suppressions

    @Test func raceSuppressionHidesTheRaceAndOnlyRaces() throws {
        let race = try #require(Self.log("tsan-gcc-race.log").findings.first)
        let leak = try #require(try Self.log("tsan-gcc-thread-leak.log").findings.first)
        let entries = try SuppressionParser.parse(text: "race:bump\nthread:main\nleak:bump\n", file: "t.supp")
        #expect(SuppressionMatcher.matches(entries[0], race, checker: .tsan))
        #expect(!SuppressionMatcher.matches(entries[0], leak, checker: .tsan))
        #expect(SuppressionMatcher.matches(entries[1], leak, checker: .tsan))
        #expect(!SuppressionMatcher.matches(entries[1], race, checker: .tsan))
        // `leak:` is LSan's: it does not apply to tsan's findings.
        #expect(!SuppressionMatcher.matches(entries[2], race, checker: .tsan))
        // A race on a file: the file of either access.
        let byFile = try SuppressionParser.parse(text: "race:race.c\n", file: "t.supp")
        #expect(SuppressionMatcher.matches(byFile[0], race, checker: .tsan))
        let other = try SuppressionParser.parse(text: "race:other_fn\ndeadlock:main\n", file: "t.supp")
        #expect(!SuppressionMatcher.matches(other[0], race, checker: .tsan))
        let lock = try #require(Self.log("tsan-gcc-lock-order.log").findings.first)
        #expect(SuppressionMatcher.matches(other[1], lock, checker: .tsan))
    }

    @Test func aWildcardRaceEntryIsWarnedAbout() throws {
        let entries = try SuppressionParser.parse(text: "race:*\nrace:bump\n", file: "t.supp")
        #expect(entries.map(\.kind) == ["race", "race"])
        #expect(SuppressionParser.warnings(for: entries[0]) == ["t.supp:1: warning: 'race:*' matches every race report"])
        #expect(SuppressionParser.warnings(for: entries[1]).isEmpty)
    }

    /// `--gen-suppressions`: one entry per finding, its kind's word and its innermost function
    /// outside the runtime (never libtsan's `pthread_mutex_lock`), and each entry hides its finding.
    @Test func generatedEntriesNameTheOwnFunctionAndHideTheirFinding() throws {
        let findings = try ["tsan-gcc-race.log", "tsan-gcc-lock-order.log", "tsan-gcc-thread-leak.log", "tsan-gcc-unlock-unlocked.log"]
            .flatMap { try Self.log($0).findings }
        let text = CheckerRegistry.definition(.tsan).generatedSuppressions(for: findings, ownCode: nil)
        #expect(text == "race:^bump$\ndeadlock:^main$\nthread:^main$\nmutex:^main$\n")
        let entries = try SuppressionParser.parse(text: text, file: "gen.supp")
        for (entry, finding) in zip(entries, findings) {
            #expect(SuppressionMatcher.matches(entry, finding, checker: .tsan), "\(entry.name)")
        }
    }

    // MARK: - options

    @Test func forcedOptionsWinOverTheUsers() {
        let merged = SanitizerOptions.merge(
            ours: TSanBuild.forcedOptions(logPrefix: "/r/tsan-report"),
            user: "halt_on_error=1:exitcode=0:report_thread_leaks=0:history_size=4:log_path=stderr",
            gate: TSanBuild.gate)
        let items = merged.options.split(separator: ":").map(String.init)
        for forced in ["halt_on_error=0", "exitcode=23", "log_path=/r/tsan-report", "report_signal_unsafe=1"] {
            #expect(items.contains(forced))
        }
        for dropped in ["halt_on_error=1", "exitcode=0", "report_thread_leaks=0", "log_path=stderr"] {
            #expect(!items.contains(dropped))
            #expect(merged.overridden.contains(dropped))
        }
        #expect(items.contains("history_size=4"))
    }

    @Test func driverForcesTSanOptionsWithANote() throws {
        let diagnostics = Diagnostics()
        let context = RunContext(
            options: try Options.parse(["tsan"]), console: Console(verbosity: .quiet), supervisor: Supervisor(),
            environment: ["TSAN_OPTIONS": "halt_on_error=1"], diagnostics: diagnostics, suppressions: [])
        let env = TSanChecker().environment(context, logPrefix: "/r/tsan-report")
        #expect(env["TSAN_OPTIONS"]?.contains("halt_on_error=0") == true)
        #expect(env["TSAN_OPTIONS"]?.contains("halt_on_error=1") == false)
        #expect(diagnostics.notes.contains { $0.contains("overrode halt_on_error=1") })
    }

    // MARK: - cargo: std must be instrumented

    static let nightly = SanitizerToolchain(kind: .nightly, version: "cargo 1.97.0-nightly", hostTriple: "x86_64-unknown-linux-gnu")

    @Test func withoutRustSourceTheCargoPartNamesTheInstallStep() throws {
        let dir = try ScratchDir()
        let why = try #require(TSanBuild.rustSourceMissing(sysroot: dir.url.path, toolchain: Self.nightly))
        #expect(why.contains("rustup component add rust-src --toolchain nightly"))
        #expect(why.contains(dir.url.path + "/lib/rustlib/src/rust/library"))
        #expect(TSanBuild.rustSourceMissing(sysroot: nil, toolchain: Self.nightly) != nil)
    }

    @Test func aToolchainDoubleWithRustSourceGetsTheBuildStdArguments() throws {
        let dir = try ScratchDir()
        try FileManager.default.createDirectory(
            atPath: dir.url.path + "/lib/rustlib/src/rust/library", withIntermediateDirectories: true)
        #expect(TSanBuild.rustSourceMissing(sysroot: dir.url.path, toolchain: Self.nightly) == nil)
        var driver = TSanChecker()
        let sysroot = dir.url.path
        driver.sysrootProbe = { _, _ in sysroot }
        let context = RunContext(
            options: try Options.parse(["tsan"]), console: Console(verbosity: .quiet), supervisor: Supervisor(),
            environment: [:], diagnostics: Diagnostics(), suppressions: [])
        #expect(driver.cargoUnavailability(toolchain: Self.nightly, context: context) == nil)
        #expect(driver.cargoArguments == ["-Zbuild-std"])
        #expect(driver.rustFlags == ["-Zsanitizer=thread", "-Cforce-frame-pointers=yes"])
        #expect(driver.sanitizer == .thread)
        driver.sysrootProbe = { _, _ in "/nonexistent-sysroot" }
        #expect(driver.cargoUnavailability(toolchain: Self.nightly, context: context)?.contains("rust-src") == true)
    }

    // MARK: - declaration

    @Test func declarationKeepsAllAsItWasAndBuildsCWithGcc() {
        #expect(Subcommand.all.checkers == [.valgrind, .asan])
        let definition = CheckerRegistry.definition(.tsan)
        #expect(definition.cmakeFlags == ["-fsanitize=thread", "-fno-omit-frame-pointer", "-g"])
        #expect(TSanChecker().cCompilers?.c == "gcc")
        #expect(Options.helpText(for: .tsan).contains("rustup component add rust-src --toolchain nightly"))
        #expect(TSanBuild.isInstrumented(Data("x__tsan_init".utf8)))
        #expect(!TSanBuild.isInstrumented(Data("__asan_init".utf8)))
    }

    // MARK: - one race across checkers

    /// A helgrind-shaped copy of a race (frames as helgrind 3.19 prints them in
    /// /tmp/hg/race.xml: the access, its preload object, start_thread, clone), with the two
    /// accesses the other way round from TSan's.
    static func helgrindShaped(current: Int, previous: Int) -> Finding {
        func stack(_ line: Int) -> [Frame] {
            [
                Frame(function: "bump", file: "race.c", line: line, object: "/tmp/hg/race"),
                Frame(object: "/usr/libexec/valgrind/vgpreload_helgrind-amd64-linux.so"),
                Frame(function: "start_thread", file: "pthread_create.c", line: 442, object: "libc.so.6"),
                Frame(function: "clone", file: "clone.S", line: 100, object: "libc.so.6"),
            ]
        }
        return Finding(
            kind: .dataRace, rawKind: "Race", message: "Possible data race during read of size 4 at 0x10C02C by thread #3",
            stack: stack(current),
            auxiliary: [
                AuxiliaryStack(what: "Address 0x10c02c is 0 bytes inside data symbol \"count\"", stack: []),
                AuxiliaryStack(what: "This conflicts with a previous write of size 4 by thread #2", stack: stack(previous)),
            ])
    }

    static func tsanRace(current: Int, previous: Int) throws -> Finding {
        var race = try #require(try log("tsan-gcc-race.log").findings.first)
        race.stack[0].line = current
        race.auxiliary[0].stack[0].line = previous
        return race
    }

    @Test func aRaceIsOneFindingAcrossCheckersWhicheverAccessCameFirst() throws {
        // valgrind stands in for helgrind (a checker of the helgrind branch): the key is the checker's.
        let runs = [
            RunResult(
                checker: .valgrind, executable: "race", arguments: [], exitCode: 1,
                findings: [Self.helgrindShaped(current: 12, previous: 9)], logFiles: []),
            RunResult(
                checker: .tsan, executable: "race", arguments: [], exitCode: 23,
                findings: [try Self.tsanRace(current: 9, previous: 12)], logFiles: []),
        ]
        let matched = CrossChecker.match(runs)
        #expect(matched.map { $0.findings[0].seenBy ?? [] } == [[.valgrind, .tsan], [.valgrind, .tsan]])
        // One cause by both access sites comes with the helgrind branch's `Causes` (`raceAccesses`).

        // Another line on one side is another race.
        var other = runs
        other[1].findings = [try Self.tsanRace(current: 9, previous: 13)]
        #expect(CrossChecker.match(other).map { $0.findings[0].seenBy ?? [] } == [[.valgrind], [.tsan]])
    }

    // MARK: - Rust (a real capture with uninstrumented std: -Cunsafe-allow-abi-mismatch=sanitizer)

    /// threads_rs built `-Zsanitizer=thread -Cunsafe-allow-abi-mismatch=sanitizer` on nightly
    /// 1.97 without rust-src, run with `--test-threads=1`: the racy counter's race, and a false
    /// one inside libtest's channel (std uninstrumented: why `tsan` refuses this build).
    @Test func rustFramesWithBuildIdsAndTheRaceIsAttributedThroughItsThreadsCreation() throws {
        let out = try Self.log("tsan-rust-uninstrumented-std.log")
        #expect(out.complete)
        #expect(out.findings.count == 2)
        #expect(out.warnings.isEmpty)
        let racy = try #require(out.findings.first { $0.message.contains("threads_rs::RACY") })
        #expect(racy.kind == .dataRace)
        let own = try #require(racy.stack.first { $0.file?.hasSuffix("threads_rs/src/lib.rs") == true })
        #expect(own.function == "threads_rs::racy_counter::{closure#0}::{closure#0}")
        #expect(own.object == "threads_rs-a09a2dbb354656ba")
        // The racing thread's own stack ends at its start: only its creation names the test.
        let attribution = StackAttribution(
            crateName: "threads_rs",
            tests: ["tests::atomic_counter_bumps", "tests::mutex_counter_bumps", "tests::racy_counter_bumps"])
        #expect(attribution.test(for: racy.stack) == nil)
        let attributed = attribution.attribute(racy)
        #expect(attributed.test == "tests::racy_counter_bumps")
        #expect(attributed.attributedBy == .stack)
    }
}
