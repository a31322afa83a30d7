import Foundation
import TestSupport
import Testing

@testable import LeakCheck

/// `--require CHECKERS` and `CI`: a checker `all` would skip is an incomplete run
/// instead, and `doctor` decides the same way (issue 19).
@Suite struct RequiredCheckersTests {
    @Test func ciRequiresEveryCheckerOfTheCommand() {
        #expect(RequiredCheckers.isCI(["CI": "true"]))
        #expect(RequiredCheckers.isCI(["CI": "1"]))
        #expect(!RequiredCheckers.isCI([:]))
        #expect(!RequiredCheckers.isCI(["CI": ""]))
        #expect(!RequiredCheckers.isCI(["CI": "false"]))
        #expect(!RequiredCheckers.isCI(["CI": "0"]))
        let all = Subcommand.all.checkers
        #expect(RequiredCheckers.resolve(requested: [], running: all, environment: [:]) == [])
        #expect(
            RequiredCheckers.resolve(requested: [], running: all, environment: ["CI": "true"]) == [.valgrind, .asan])
        #expect(RequiredCheckers.resolve(requested: [.valgrind], running: all, environment: [:]) == [.valgrind])
    }

    @Test func aSkippedCheckerIsIncompleteOnlyWhenRequired() {
        let reason = "valgrind not found on PATH (install it: apt-get install valgrind)"
        func decide(_ requested: [Checker], _ env: [String: String], explicit: Bool = false) -> String? {
            RequiredCheckers.incompleteReason(
                .valgrind, cannotRun: reason, explicitCommand: explicit, requested: requested,
                running: Subcommand.all.checkers, environment: env)
        }
        #expect(decide([], [:]) == nil)  // `all` on a laptop: skipped with its reason
        #expect(
            decide([.valgrind], [:])
                == "valgrind is required (--require valgrind) but cannot run: valgrind not found on PATH (install it: apt-get install valgrind)"
        )
        #expect(
            decide([], ["CI": "true"])
                == "valgrind is required (CI is set) but cannot run: valgrind not found on PATH (install it: apt-get install valgrind)"
        )
        #expect(decide([.asan], [:]) == nil)
        #expect(decide([], [:], explicit: true) == reason)  // `moq-leakcheck valgrind` never skips it
    }

    /// `CI` is about the machine: asan is here but cannot check an uninstrumented
    /// `-- PROGRAM`, so `all` still skips it with its reason; `--require asan` does not.
    @Test func ciDoesNotRequireACheckerTheTargetCannotTake() {
        let reason = "./prog is not built with AddressSanitizer (add -fsanitize=address)"
        func decide(_ requested: [Checker], _ env: [String: String]) -> String? {
            RequiredCheckers.incompleteReason(
                .asan, cannotRun: reason, explicitCommand: false, requested: requested,
                running: Subcommand.all.checkers, environment: env, machineCannotRun: false)
        }
        #expect(decide([], ["CI": "true"]) == nil)
        #expect(decide([.asan], ["CI": "true"]) == "asan is required (--require asan) but cannot run: \(reason)")
    }

    @Test func requireParsesCheckerNamesAndRefusesOthers() throws {
        #expect(try Options.parse(["--require", "valgrind,asan"]).requiredCheckers == [.valgrind, .asan])
        #expect(
            try Options.parse(["--require=asan", "--require", "asan,valgrind"]).requiredCheckers == [.asan, .valgrind])
        #expect(try Options.parse(["doctor", "--require", "valgrind"]).requiredCheckers == [.valgrind])
        func usage(_ args: [String]) -> String? {
            do {
                _ = try Options.parse(args)
                return nil
            } catch { return "\(error)" }
        }
        #expect(
            usage(["--require", "valgrnd"])
                == "--require 'valgrnd': unknown checker 'valgrnd'; did you mean valgrind? (checkers: valgrind, asan, lsan, quick, helgrind, tsan)"
        )
        #expect(usage(["--require", "valgrind,"])?.hasPrefix("--require 'valgrind,': unknown checker ''") == true)
        #expect(usage(["asan", "--require", "valgrind"]) == "--require valgrind: asan runs asan, not valgrind")
        #expect(usage(["all", "--require", "lsan"]) == "--require lsan: all runs valgrind and asan, not lsan")
        #expect(usage(["merge", "r.json", "--require", "asan"])?.hasPrefix("--require applies to") == true)
        #expect(usage(["--require"]) == "--require needs a value")
    }

    /// `doctor` on a PATH without valgrind: a warning on a laptop, exit 3 in CI or with --require.
    @Test func doctorAgreesWithAll() throws {
        let empty = Scratch.directory + "doctor-required-\(getpid())"
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: empty) }
        func valgrind(_ env: [String: String], _ requested: [Checker] = []) throws -> Doctor.Check {
            try #require(
                Doctor.checks(environment: env.merging(["PATH": empty]) { $1 }, toolRoot: nil, requiring: requested)
                    .first { $0.name == "valgrind" })
        }
        #expect(try !valgrind([:]).required)
        #expect(try valgrind(["CI": "true"]).required)
        #expect(try valgrind([:], [.valgrind]).required)
        #expect(try !valgrind([:], [.asan]).required)
        let ci = try valgrind(["CI": "true"])
        #expect(ci.detail == "not found")
        #expect(ci.hint == "apt-get install valgrind")
        let sanitizers = try #require(
            Doctor.checks(environment: ["PATH": empty], toolRoot: nil, requiring: [.asan]).first {
                $0.name == "Rust sanitizer builds"
            })
        #expect(sanitizers.required && !sanitizers.found)
    }
}
