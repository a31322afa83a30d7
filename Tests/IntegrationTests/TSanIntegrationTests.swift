import Foundation
import Testing

@testable import LeakCheck

/// Real ThreadSanitizer (gcc 12's libtsan, the compiler `tsan` builds C with) on
/// Tests/Fixtures/threads: the racy program gates at its racing line, the locked twin
/// passes, an uninstrumented program is not a verdict, a `race:` entry hides the race with
/// accounting; and a cargo source without rust-src is an incomplete run naming the step.
@Suite(.serialized) struct TSanIntegrationTests {
    init() throws {
        try Tool.require(TSanBuild.compilers.c, install: "apt-get install gcc")
    }

    /// Builds Tests/Fixtures/threads/NAME.c with the flags `tsan` uses (none: plain).
    static func build(_ name: String, flags: [String] = TSanBuild.cFlags) throws -> String {
        let out = Tool.tempDir("tsan-cc") + "/" + name
        let src = Tool.fixtures.appendingPathComponent("threads/\(name).c").path
        let r = try Supervisor().run(
            ProcessSpec(
                executable: TSanBuild.compilers.c, arguments: flags + ["-O0", "-pthread", "-o", out, src],
                stdoutPath: out + ".log", stderrPath: out + ".log"))
        guard r.exitCode == 0 else {
            throw CompileFailed(log: (try? String(contentsOfFile: out + ".log", encoding: .utf8)) ?? "")
        }
        return out
    }

    static func findings(_ r: Tool.Result) -> [[String: Any]] {
        r.runs.flatMap { $0["findings"] as? [[String: Any]] ?? [] }
    }

    @Test func theRacyProgramGatesAtItsRacingLineAndTheLockedTwinPasses() throws {
        let racy = try Tool.run(["tsan", "--", try Self.build("race")], tag: "tsan-race")
        #expect(racy.exitCode == 1, "\(racy.combined)")
        let race = try #require(Self.findings(racy).first { $0["kind"] as? String == "dataRace" }, "\(racy.combined)")
        let top = try #require((race["stack"] as? [[String: Any]])?.first)
        #expect(top["function"] as? String == "bump")
        #expect((top["file"] as? String)?.hasSuffix("Tests/Fixtures/threads/race.c") == true)
        #expect(top["line"] as? Int == 9)
        #expect(racy.runs.first?["checker"] as? String == "tsan")

        let locked = try Tool.run(["tsan", "--", try Self.build("locked")], tag: "tsan-locked")
        #expect(locked.exitCode == 0, "\(locked.combined)")
        #expect(Self.findings(locked).isEmpty)
    }

    @Test func anUninstrumentedProgramIsIncompleteNamingTheFlag() throws {
        let r = try Tool.run(["tsan", "--", try Self.build("race", flags: ["-g"])], tag: "tsan-plain")
        #expect(r.exitCode == 3, "\(r.combined)")
        #expect(r.combined.contains("-fsanitize=thread"))
    }

    @Test func aRaceSuppressionHidesTheRaceWithAccounting() throws {
        let dir = Tool.tempDir("tsan-supp")
        let supp = dir + "/tsan.supp"
        try "race:bump\n".write(toFile: supp, atomically: true, encoding: .utf8)
        let r = try Tool.run(["tsan", "--suppressions", supp, "--", try Self.build("race")], tag: "tsan-supp")
        #expect(r.exitCode == 0, "\(r.combined)")
        let all = Self.findings(r)
        #expect(all.count == 1)
        #expect(all.first?["kind"] as? String == "dataRace")
        #expect(all.first?["suppressedBy"] as? String == "race:bump")
    }

    @Test func theCargoPartWithoutRustSrcIsIncompleteNamingTheStep() throws {
        try Tool.require("cargo", install: "install Rust with rustup")
        // This machine's nightly has no rust-src (the toolchain double in TSanTests covers the other case).
        let manifest = Tool.fixtures.appendingPathComponent("threads_rs/Cargo.toml").path
        let r = try Tool.run(["tsan", "--manifest-path", manifest], tag: "tsan-cargo")
        #expect(r.exitCode == 3, "\(r.combined)")
        #expect(r.combined.contains("rustup component add rust-src --toolchain nightly"), "\(r.combined)")
        #expect(Self.findings(r).isEmpty, "no verdict built on uninstrumented std")
    }

    /// `--cmake-source`: the suite is built with gcc -fsanitize=thread; the race test gates, its
    /// locked twin is clean.
    @Test func aCMakeSuiteIsBuiltWithGccAndOnlyTheRacyTestGates() throws {
        try Tool.require("cmake", install: "apt-get install cmake")
        let source = Tool.fixtures.appendingPathComponent("threads").path
        let r = try Tool.run(["tsan", "--cmake-source", source], tag: "tsan-cmake")
        #expect(r.exitCode == 1, "\(r.combined)")
        let byTest = Dictionary(uniqueKeysWithValues: r.runs.map { ($0["test"] as? String ?? "-", $0) })
        #expect(byTest["locked"]?["status"] as? String == "clean")
        let race = try #require((byTest["race"]?["findings"] as? [[String: Any]])?.first)
        #expect(race["kind"] as? String == "dataRace")
        #expect((race["stack"] as? [[String: Any]])?.first?["line"] as? Int == 9)
        let configure = (try? String(contentsOfFile: r.dir + "/leakcheck-logs/tsan/cmake-configure.log", encoding: .utf8)) ?? ""
        #expect(configure.contains("/gcc"), "\(configure)")
    }

    /// Lock-order inversion, a thread never joined and an unlock of an unlocked mutex each gate
    /// with their own kind, at their line.
    @Test(arguments: [("lock_order", "lockOrder", 9), ("thread_leak", "threadLeak", 9), ("unlock_unlocked", "threadMisuse", 9)])
    func otherThreadErrorsGateWithTheirKind(program: String, kind: String, line: Int) throws {
        let r = try Tool.run(["tsan", "--", try Self.build(program)], tag: "tsan-\(program)")
        #expect(r.exitCode == 1, "\(r.combined)")
        let found = Self.findings(r)
        #expect(found.map { $0["kind"] as? String } == [kind], "\(r.combined)")
        let own = (found.first?["stack"] as? [[String: Any]])?.first { ($0["file"] as? String)?.hasSuffix("\(program).c") == true }
        #expect(own?["line"] as? Int == line)
    }
}
