import Foundation

/// Which checkers a run must not skip. `all` skips a checker that cannot run
/// here (with a reason) so a laptop without valgrind still gets the ASan gate;
/// in CI that would silently halve the check. So a checker is required when
/// `--require` names it, or, with `CI` set, when the command runs it. A required
/// checker that cannot run makes the run incomplete (exit 3), naming the install
/// step; `doctor` uses the same rule, so the two agree.
public enum RequiredCheckers {
    /// `CI` set to anything but empty, `0`, `false` or `no` (GitHub, GitLab and most
    /// CI services set `CI=true`).
    public static func isCI(_ environment: [String: String]) -> Bool {
        guard let value = environment["CI"]?.lowercased(), !value.isEmpty else { return false }
        return !["0", "false", "no"].contains(value)
    }

    /// The checkers of `running` that may not be skipped.
    public static func resolve(requested: [Checker], running: [Checker], environment: [String: String]) -> Set<Checker>
    {
        isCI(environment) ? Set(requested).union(running) : Set(requested)
    }

    /// What a run does with a checker that cannot run here: nil to skip it with its
    /// reason (`all`), else why the run is incomplete. A command naming one checker
    /// (`valgrind`) never skips it; a required checker names what asked for it and
    /// the checker's own reason (which names the install step).
    ///
    /// `CI` is about the machine: it requires every checker the machine should have
    /// (`machineCannotRun`). A checker that is here but cannot check this target (asan on
    /// a `-- PROGRAM` built without `-fsanitize=address`) is still skipped with its
    /// reason under `CI`; only `--require` naming it makes that incomplete.
    public static func incompleteReason(
        _ checker: Checker, cannotRun reason: String, explicitCommand: Bool, requested: [Checker],
        running: [Checker], environment: [String: String], machineCannotRun: Bool = true
    ) -> String? {
        if explicitCommand { return reason }
        let ci = machineCannotRun ? environment : [:]
        guard resolve(requested: requested, running: running, environment: ci).contains(checker) else {
            return nil
        }
        let why = requested.contains(checker) ? "--require \(checker.rawValue)" : "CI is set"
        return "\(checker.rawValue) is required (\(why)) but cannot run: \(reason)"
    }

    /// `--require valgrind,asan`: names of checkers, comma-separated; a bad one is a
    /// usage error naming the known ones.
    public static func parse(_ list: String) throws -> [Checker] {
        let names = Checker.allCases.map(\.rawValue)
        var out: [Checker] = []
        for part in list.split(separator: ",", omittingEmptySubsequences: false) {
            let word = part.trimmingCharacters(in: .whitespaces)
            guard let checker = Checker(rawValue: word) else {
                let hint = Suggestions.closest(to: word, in: names).map { " did you mean \($0)?" } ?? ""
                throw UsageError(
                    "--require '\(list)': unknown checker '\(word)';\(hint) (checkers: \(names.joined(separator: ", ")))"
                )
            }
            if !out.contains(checker) { out.append(checker) }
        }
        return out
    }
}
