import Foundation

/// A shard that a memory error stopped (ASan halts at the first error unless
/// built with recover; a crash ends the process): which test it was in, and
/// which tests never ran and must run again, from libtest's stdout.
///
/// libtest prints `test NAME ... ok` (or `FAILED`, `ignored`, `ignored, REASON`)
/// when a test finishes. With `--test-threads=1` it prints `test NAME ... ` when
/// the test starts, so a process that dies mid-test ends on that unfinished line.
public enum HaltedShard {
    /// Names of tests libtest reported finished, in its order.
    public static func finished(in stdout: String) -> [String] {
        var names: [String] = []
        for line in stdout.split(separator: "\n", omittingEmptySubsequences: true) {
            guard line.hasPrefix("test "), let sep = line.range(of: " ... ") else { continue }
            let verdict = line[sep.upperBound...]
            guard verdict == "ok" || verdict == "FAILED" || verdict.hasPrefix("ignored") || verdict.hasPrefix("bench")
            else {
                continue
            }
            names.append(String(line[line.index(line.startIndex, offsetBy: 5)..<sep.lowerBound]))
        }
        return names
    }

    /// The test that started and never finished (the output ends on `test NAME ... `),
    /// when libtest ran one test at a time; nil otherwise.
    public static func unfinished(in stdout: String) -> String? {
        guard let last = stdout.split(separator: "\n", omittingEmptySubsequences: true).last,
            last.hasPrefix("test "), last.hasSuffix(" ...") || last.hasSuffix(" ... ")
        else { return nil }
        let body = last.dropFirst(5)
        guard let sep = body.range(of: " ...", options: .backwards) else { return nil }
        return String(body[..<sep.lowerBound])
    }

    /// The shard's tests to run again, in shard order, less the one that halted
    /// it (`halted`: from the error's stack, `unfinished`, or bisection), which
    /// is reported with the error instead.
    ///
    /// `exitLeakCheckLost`: the checker looks for leaks only at exit and the
    /// halt skipped it (ASan stopping at a memory error never runs LSan's exit
    /// check). Then every other test must run again, finished or not, or its
    /// leaks go unseen. Otherwise (valgrind still checks leaks after a fatal
    /// signal) only the tests that never finished.
    public static func rerun(tests: [String], stdout: String, halted: String?, exitLeakCheckLost: Bool) -> [String] {
        let done = exitLeakCheckLost ? [] : Set(finished(in: stdout))
        return tests.filter { !done.contains($0) && $0 != halted }
    }
}
