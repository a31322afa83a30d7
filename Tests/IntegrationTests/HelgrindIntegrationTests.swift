import Foundation
import Testing

@testable import LeakCheck

/// `moq-leakcheck helgrind` on programs built here and run under the real valgrind.
@Suite(.serialized) struct HelgrindIntegrationTests {
    init() throws {
        try Tool.require("valgrind", install: "apt-get install valgrind")
        try Tool.require("cc", install: "apt-get install gcc")
    }

    /// Compiles Tests/Fixtures/threads/NAME.c with -pthread into a temp dir (removed by `clean`).
    static func compileThreads(_ name: String) throws -> String {
        let out = Tool.tempDir("hg-cc") + "/" + name
        let src = Tool.fixtures.appendingPathComponent("threads/\(name).c").path
        let r = try Supervisor().run(
            ProcessSpec(
                executable: "cc", arguments: ["-g", "-O0", "-pthread", "-o", out, src], stdoutPath: out + ".log",
                stderrPath: out + ".log"))
        #expect(r.exitCode == 0, "\((try? String(contentsOfFile: out + ".log", encoding: .utf8)) ?? "")")
        return out
    }

    /// Removes what a test built or wrote outside the checkout: report dirs, and a binary's dir.
    static func clean(_ paths: String...) {
        for p in paths { try? FileManager.default.removeItem(atPath: p) }
    }

    static func findings(_ r: Tool.Result) -> [[String: Any]] {
        r.runs.flatMap { $0["findings"] as? [[String: Any]] ?? [] }
    }

    @Test func theRacyCounterFailsWithADataRaceAtItsLineAndTheLockedTwinPasses() throws {
        let exe = try Self.compileThreads("race")
        let race = try Tool.run(["helgrind", "--", exe], tag: "hg-race")
        defer { Self.clean(race.dir, (exe as NSString).deletingLastPathComponent) }
        #expect(race.exitCode == 1, "\(race.combined)")
        let found = Self.findings(race)
        #expect(found.count == 1)
        let f = try #require(found.first)
        #expect(f["kind"] as? String == "dataRace" && f["suppressedBy"] is NSNull)
        let top = try #require((f["stack"] as? [[String: Any]])?.first)
        #expect((top["file"] as? String)?.hasSuffix("race.c") == true && top["line"] as? Int == 9)
        #expect(race.stdout.contains("data race on count: bump (race.c:9) and bump (race.c:9) — 2 reports"), "\(race.stdout)")

        // `parse` of the XML that run wrote: the same findings, the same exit code.
        let xml = race.dir + "/leakcheck-logs/helgrind/race.xml"
        #expect(FileManager.default.fileExists(atPath: xml))
        let parsed = try Tool.run(["parse", xml], tag: "hg-parse")
        defer { Self.clean(parsed.dir) }
        #expect(parsed.exitCode == 1, "\(parsed.combined)")
        let again = Self.findings(parsed)
        #expect(again.map { $0["fingerprint"] as? String } == found.map { $0["fingerprint"] as? String })
        #expect(again.map { $0["kind"] as? String } == ["dataRace"])

        let twin = try Self.compileThreads("locked")
        let locked = try Tool.run(["helgrind", "--", twin], tag: "hg-locked")
        defer { Self.clean(locked.dir, (twin as NSString).deletingLastPathComponent) }
        #expect(locked.exitCode == 0, "\(locked.combined)")
        #expect(Self.findings(locked).isEmpty)
    }

    @Test func generatedHelgrindEntriesHideTheRaceWithAccounting() throws {
        let exe = try Self.compileThreads("race")
        let dir = Tool.tempDir("hg-supp")
        defer { Self.clean(dir, (exe as NSString).deletingLastPathComponent) }
        let supp = dir + "/races.supp"
        let gen = try Tool.run(["helgrind", "--gen-suppressions", supp, "--", exe], tag: "hg-gen")
        defer { Self.clean(gen.dir) }
        #expect(gen.exitCode == 1, "\(gen.combined)")
        let text = try String(contentsOfFile: supp, encoding: .utf8)
        #expect(text.contains("   Helgrind:Race\n   fun:bump\n"), "\(text)")
        let hidden = try Tool.run(["helgrind", "--suppressions", supp, "--", exe], tag: "hg-hidden")
        defer { Self.clean(hidden.dir) }
        #expect(hidden.exitCode == 0, "\(hidden.combined)")
        let used = (hidden.json?["suppressions"] as? [[String: Any]] ?? []).filter { $0["source"] as? String == supp + ":1" }
        #expect(used.count == 1 && used.first?["count"] as? Int == 2, "\(hidden.json?["suppressions"] ?? "")")
        #expect(Self.findings(hidden).allSatisfy { $0["suppressedBy"] as? String == "moq-leakcheck:Race:bump" })
        #expect((hidden.totals["suppressedErrors"] as? Int) == 2)
    }

    @Test func aCargoBuildsRacesDoNotGateAndAtomicRacesAreSuppressedWithTheReason() throws {
        try Tool.require("cargo", install: "install Rust with rustup")
        let target = Tool.tempDir("hg-cargo-target")
        defer { try? FileManager.default.removeItem(atPath: target) }
        var env = ProcessInfo.processInfo.environment
        env["CARGO_TARGET_DIR"] = target
        let manifest = Tool.fixtures.appendingPathComponent("threads_rs/Cargo.toml").path
        let r = try Tool.run(["helgrind", "--manifest-path", manifest], tag: "hg-cargo", environment: env)
        defer { Self.clean(r.dir) }
        #expect(r.exitCode == 0, "\(r.combined)")
        let found = Self.findings(r)
        let atomic = found.filter { $0["suppressedBy"] as? String == HelgrindFindings.atomicsReason }
        #expect(!atomic.isEmpty)
        let listed = found.filter { $0["suppressedBy"] is NSNull }
        #expect(!listed.isEmpty)
        #expect(listed.allSatisfy { $0["notGatingReason"] as? String == HelgrindFindings.cargoReason })
        let report = try #require(r.file("helgrind-report.txt"))
        #expect(report.contains(HelgrindFindings.cargoReason))
        #expect(report.contains("by \(HelgrindFindings.atomicsReason)"))
        // The console says it too, once: a clean verdict with races listed must not read as "no races".
        #expect(r.combined.components(separatedBy: HelgrindFindings.cargoReason).count == 2, "\(r.combined)")
        #expect((r.json?["notes"] as? [String])?.contains(HelgrindFindings.cargoReason) == true)
    }
}
