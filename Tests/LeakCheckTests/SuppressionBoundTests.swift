import Foundation
import Testing

@testable import LeakCheck

/// The valgrind matcher's cost is bounded by patterns × frames, and it reports
/// which line covered each frame.
@Suite struct SuppressionBoundTests {
    static func frames(_ names: [String]) -> [Frame] { names.map { Frame(function: $0) } }

    static func leak(_ stack: [Frame]) -> Finding {
        Finding(kind: .definitelyLost, rawKind: "Leak_DefinitelyLost", bytes: 1, blocks: 1, message: "", stack: stack)
    }

    /// The fuzzer's case from issue 11: 8 × (`...`, `fun:a*`) then `fun:zzz` on
    /// 50 frames all named `a…`. A backtracking search tries every way of placing
    /// 8 lines among 50 frames (C(50,8) ≈ 5.4e8) and ran past 20 s.
    @Test func ellipsesNeverBacktrackExponentially() throws {
        let patterns = Array(repeating: [FramePattern.ellipsis, .fun("a*")], count: 8).flatMap { $0 } + [.fun("zzz")]
        let text = "{\n worst\n Memcheck:Leak\n" + patterns.map { " \($0)\n" }.joined() + "}\n"
        let entry = try #require(try SuppressionParser.parse(text: text, file: "worst.supp").first)
        #expect(entry.frames == patterns)
        let stack = Self.frames((0..<50).map { "a\($0)" })

        var steps = 0
        #expect(SuppressionMatcher.valgrindCoverage(entry.frames, stack, steps: &steps) == nil)
        // Each (line, frame) state is evaluated at most once: 17 lines × 51 positions.
        #expect(steps <= 17 * 51)
        let started = ContinuousClock.now
        #expect(SuppressionMatcher.matches(entry, Self.leak(stack), checker: .valgrind) == false)
        #expect(ContinuousClock.now - started < .seconds(1))

        // The same entry matches once the stack has `zzz` after eight `a…` frames.
        let ending = Self.frames((0..<49).map { "a\($0)" } + ["zzz"])
        steps = 0
        let covered = try #require(SuppressionMatcher.valgrindCoverage(entry.frames, ending, steps: &steps))
        #expect(steps <= 17 * 51)
        // `...` takes as few frames as it can: frames 0–6 go to the first seven
        // `fun:a*` lines (1, 3, …, 13), frames 7–47 to the last `...` (line 14),
        // then the last `fun:a*` (15) and `zzz` (16).
        #expect(covered == [1, 3, 5, 7, 9, 11, 13] + Array(repeating: 14, count: 41) + [15, 16])
    }

    @Test func coverageNamesTheLineOfEachFrame() throws {
        let patterns: [FramePattern] = [.fun("malloc"), .ellipsis, .fun("make_thing"), .fun("main")]
        var steps = 0
        let stack = Self.frames(["malloc", "x", "y", "make_thing", "main", "_start"])
        #expect(SuppressionMatcher.valgrindCoverage(patterns, stack, steps: &steps) == [0, 1, 1, 2, 3, nil])
        // The first make_thing does not fit, the second does.
        let twice = Self.frames(["malloc", "make_thing", "x", "make_thing", "main"])
        #expect(SuppressionMatcher.valgrindCoverage(patterns, twice, steps: &steps) == [0, 1, 1, 2, 3])
        #expect(SuppressionMatcher.valgrindCoverage([.ellipsis], [], steps: &steps) == [])
        #expect(SuppressionMatcher.valgrindCoverage([.fun("a")], [], steps: &steps) == nil)
        let m = try #require(
            SuppressionMatcher.match(
                try SuppressionParser.parse(
                    text: "{\n t\n Memcheck:Leak\n fun:malloc\n ...\n fun:make_thing\n fun:main\n}\n", file: "t")[0],
                Self.leak(stack), checker: .valgrind))
        #expect(m.coveredBy == [0, 1, 1, 2, 3, nil])
    }

    /// valgrind's own recursive frame search (m_errormgr.c), transcribed: the
    /// reference the memoised search must agree with.
    static func reference(_ p: ArraySlice<FramePattern>, _ s: ArraySlice<Frame>) -> Bool {
        guard let first = p.first else { return true }
        if first == .ellipsis {
            var rest = s
            while true {
                if reference(p.dropFirst(), rest) { return true }
                if rest.isEmpty { return false }
                rest = rest.dropFirst()
            }
        }
        guard let frame = s.first, SuppressionMatcher.frameMatches(first, frame) else { return false }
        return reference(p.dropFirst(), s.dropFirst())
    }

    @Test func memoisedSearchAgreesWithTheBacktrackingOne() {
        var rng = SystemRandomNumberGenerator()
        let lines: [FramePattern] = [.ellipsis, .fun("a"), .fun("b"), .fun("*"), .fun("a*")]
        let names = ["a", "b", "ab"]
        for _ in 0..<5_000 {
            let p = (0..<Int.random(in: 0...6, using: &rng)).map { _ in lines.randomElement(using: &rng)! }
            let s = Self.frames((0..<Int.random(in: 0...7, using: &rng)).map { _ in names.randomElement(using: &rng)! })
            var steps = 0
            let covered = SuppressionMatcher.valgrindCoverage(p, s, steps: &steps)
            #expect((covered != nil) == Self.reference(p[...], s[...]), "\(p) on \(s.map { $0.function ?? "" })")
            guard let covered else { continue }
            // Every covered frame satisfies its line, and lines cover frames in order.
            let lines = covered.compactMap { $0 }
            #expect(lines == lines.sorted())
            for (j, line) in covered.enumerated() {
                guard let line else { continue }
                #expect(SuppressionMatcher.frameMatches(p[line], s[j]))
            }
        }
    }
}
