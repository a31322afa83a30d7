import Foundation
import Testing

@testable import LeakCheck

/// The same crate gives the same figures whatever `--jobs` and however it is
/// partitioned: a binary's runtime noise (suppressed, no test frame) counts once,
/// as in a whole-binary run, not once per shard or partition process.
@Suite(.serialized) struct DeterministicFiguresTests {
    init() throws {
        try Tool.require("valgrind", install: "apt-get install valgrind")
    }

    /// Every total of the report, and the suppressed bytes per suppression entry.
    static func figures(_ json: [String: Any]?) -> (totals: [String: String], noise: [String: Int]) {
        var totals: [String: String] = [:]
        for (k, v) in json?["totals"] as? [String: Any] ?? [:] where k != "suppressed" {
            let data = try? JSONSerialization.data(withJSONObject: v, options: [.sortedKeys, .fragmentsAllowed])
            totals[k] = data.map { String(decoding: $0, as: UTF8.self) } ?? "?"
        }
        var noise: [String: Int] = [:]
        for run in json?["runs"] as? [[String: Any]] ?? [] {
            for f in run["findings"] as? [[String: Any]] ?? [] {
                guard let by = f["suppressedBy"] as? String else { continue }
                noise[by, default: 0] += (f["bytes"] as? Int ?? 0) * max(1, f["count"] as? Int ?? 1)
            }
        }
        return (totals, noise)
    }

    @Test func jobsAndPartitionsGiveTheSameFigures() throws {
        let base = ["valgrind", "--manifest-path", Tool.crateManifest, "--features", "leak_demo"]
        let one = try Tool.run(base + ["--jobs", "1"], tag: "det-j1")
        let two = try Tool.run(base + ["--jobs", "2"], tag: "det-j2")
        var parts: [Tool.Result] = []
        for k in 1...3 { parts.append(try Tool.run(base + ["--partition", "slice:\(k)/3"], tag: "det-p\(k)")) }
        let merged = try Tool.run(["merge"] + parts.map { $0.dir + "/report.json" }, tag: "det-merge")
        defer { for r in [one, two, merged] + parts { try? FileManager.default.removeItem(atPath: r.dir) } }
        #expect(one.exitCode == 1 && two.exitCode == 1 && merged.exitCode == 1, "\(merged.combined)")
        let reference = Self.figures(one.json)
        for (name, r) in [("--jobs 2", two), ("3 partitions merged", merged)] {
            let f = Self.figures(r.json)
            #expect(f.totals == reference.totals, "\(name): \(f.totals) vs \(reference.totals)")
            // The std stack-overflow handler's 544 bytes: once per binary (4 binaries), never
            // once per shard or partition.
            #expect(f.noise["rust-std-stack-overflow-thread-info"] == 4 * 544, "\(name): \(f.noise)")
            // libtest's main-thread handle (48 bytes, possibly lost) is reported or not by a
            // race inside each process (seen with --jobs 1 twice in a row): at most once per binary.
            #expect((f.noise["rust-std-main-thread-handle"] ?? 0) <= 4 * 48, "\(name): \(f.noise)")
        }
        #expect(reference.noise["rust-std-stack-overflow-thread-info"] == 4 * 544)
    }
}
