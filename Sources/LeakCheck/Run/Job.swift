/// One program to run under a checker, whatever source it came from.
struct Job: Sendable {
    var source: RunSource
    var program: String
    var arguments: [String]
    var test: String?
    var featureSet: String?
    /// A libtest harness: its tests can be listed and run one by one.
    var isLibtest: Bool
    /// Unique, file-name-safe label for its output files.
    var label: String
    /// Stable name of what runs (no cargo build hash): `lifecycle`, a ctest test name.
    var target: String?
    var workingDirectory: String? = nil
    /// Variables set on top of the tool's environment (ctest `ENVIRONMENT`).
    var environment: [String: String] = [:]
    /// The test is expected to fail (ctest `WILL_FAIL`): a non-zero exit is its pass.
    var expectFailure = false
    /// Per-job limit (ctest `TIMEOUT`), else `--timeout`.
    var timeout: Double? = nil
    /// Source files of the test itself (a ctest test's C sources): own code.
    var sourceRoots: [String] = []
    /// cargo's target kind (`lib`, `test`, `bin`): part of the stable `scheduleID`.
    var targetKind: String? = nil
    /// Where its run goes in the report, whatever order the jobs were built and
    /// fed in (cargo reports test executables as they link).
    var order = JobOrder()

    /// The stable name partitions and the timing cache key this job by (see
    /// `TestID`): `lib:moq_ffi[leak_demo]`, `test:lifecycle[]`, `ctest:NAME`,
    /// `command:NAME`. Never a path: cargo puts a build hash in those.
    var scheduleID: String {
        let name = target ?? label
        switch source {
        case .cargo: return "\(targetKind ?? "bin"):\(name)[\(featureSet ?? "")]"
        case .ctest: return "ctest:\(name)"
        case .command: return "command:\(name)"
        }
    }

    /// The same binary running `tests` in one process (libtest takes several
    /// filters; `--exact` so `a` does not also run `a_b`; one thread, so a
    /// halted shard's output ends on the test it was in).
    func forShard(_ tests: [String], index: Int) -> Job {
        var j = self
        j.test = nil
        j.arguments = tests + ["--exact", "--test-threads=1"]
        j.label = label + "-s\(index)"
        return j
    }

    /// The same binary running only `name` (libtest's exact match, one thread).
    func forTest(_ name: String, index: Int) -> Job {
        var j = self
        j.test = name
        j.arguments = [name, "--exact", "--test-threads=1"]
        j.label = label + "-t\(index)"
        return j
    }

    static func safeLabel(_ s: String) -> String {
        String(s.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." ? $0 : "_" })
    }
}

/// A job's place in the report: by source, then batch (a cargo feature set),
/// then rank within it; equal keys keep the order the jobs were fed in.
struct JobOrder: Sendable, Hashable, Comparable {
    var source = 0
    var batch = 0
    var rank = ""

    static func < (a: JobOrder, b: JobOrder) -> Bool {
        (a.source, a.batch, a.rank) < (b.source, b.batch, b.rank)
    }
}
