import Foundation

/// `moq-leakcheck doctor`: what is installed, with versions, and how to install what is missing.
public enum Doctor {
    public struct Check: Sendable {
        public var name: String
        public var found: Bool
        public var detail: String
        public var hint: String
        /// A run cannot work without it: missing makes `doctor` exit 3. Optional checks
        /// (nightly, the symbolizer, C compilers, cmake) only narrow what a run can do.
        public var required: Bool

        public init(name: String, found: Bool, detail: String, hint: String, required: Bool = false) {
            self.name = name
            self.found = found
            self.detail = detail
            self.hint = hint
            self.required = required
        }
    }

    /// Every check, in display order. `toolRoot` is kept for callers; the default
    /// suppressions are built in (or MOQ_LEAKCHECK_HOME's) and no longer depend on it.
    /// The checkers are required as `all` requires them (`RequiredCheckers`: `--require`,
    /// or every checker with `CI` set); otherwise `all` skips a missing one, so `doctor`
    /// only warns about it. The two always agree on the exit code.
    public static func checks(
        environment: [String: String] = ProcessInfo.processInfo.environment, toolRoot: String?,
        requiring requested: [Checker] = []
    ) -> [Check] {
        let needed = RequiredCheckers.resolve(
            requested: requested, running: Subcommand.all.checkers, environment: environment)
        func skipNote(_ checker: Checker) -> String {
            needed.contains(checker)
                ? "" : ": `all` skips it (required with --require \(checker.rawValue) or CI set)"
        }
        func version(_ exe: String, _ args: [String], line: Int = 0) -> String? {
            guard ExecutableLocator.resolve(exe, environment: environment) != nil,
                let r = Capture.run(exe, args, environment: environment, timeout: 60), r.outcome.succeeded
            else { return nil }
            let lines = r.output.split(separator: "\n")
            return lines.indices.contains(line) ? String(lines[line]).trimmingCharacters(in: .whitespaces) : nil
        }
        var checks: [Check] = []
        let cargo = version("cargo", ["--version"])
        let nightly = cargo == nil ? nil : version("cargo", ["+nightly", "--version"])
        let facts = Facts(
            environment: environment, needed: needed, cargo: cargo, nightly: nightly, skipNote: skipNote,
            version: { version($0, $1) })
        // Each checker's own line, once per check name (asan and lsan share one).
        var checkerChecks: [Check] = []
        for d in CheckerRegistry.all where !checkerChecks.contains(where: { $0.name == d.doctorCheckName }) {
            checkerChecks.append(d.doctorCheck(facts))
        }
        checks += checkerChecks.prefix(1)
        checks.append(
            Check(
                name: "cargo (stable)", found: cargo != nil, detail: cargo ?? "not found",
                hint: "install Rust with rustup (https://rustup.rs)", required: true))
        checks.append(
            Check(
                name: "cargo +nightly", found: nightly != nil,
                detail: nightly ?? "not installed: sanitizer builds will use stable with RUSTC_BOOTSTRAP=1",
                hint: "rustup toolchain install nightly"))
        let host =
            ExecutableLocator.resolve("rustc", environment: environment) == nil
            ? nil
            : Capture.run("rustc", ["-vV"], environment: environment).flatMap {
                RustcInfo.hostTriple(fromVerboseVersion: $0.output)
            }
        checks.append(
            Check(
                name: "rustc host", found: host != nil, detail: host ?? "unknown", hint: "install Rust with rustup",
                required: true))
        checks += checkerChecks.dropFirst()
        let sym = ExecutableLocator.resolve("llvm-symbolizer", environment: environment)
        checks.append(
            Check(
                name: "llvm-symbolizer", found: sym != nil,
                detail: sym ?? "not found: sanitizer stacks may be unsymbolized",
                hint: "apt-get install llvm"))
        for cc in ["gcc", "clang"] {
            let v = version(cc, ["--version"])
            checks.append(Check(name: cc, found: v != nil, detail: v ?? "not found", hint: "apt-get install \(cc)"))
        }
        for tool in ["cmake", "ctest"] {
            let v = version(tool, ["--version"])
            checks.append(
                Check(
                    name: tool, found: v != nil, detail: v ?? "not found: --ctest and --cmake-source need it",
                    hint: "scripts/install-deps.sh (apt-get install cmake)"))
        }
        checks.append(defaultSuppressionsCheck(environment: environment))
        return checks
    }

    /// The default suppressions the binary will apply: built in, or MOQ_LEAKCHECK_HOME's.
    /// Unusable defaults are a required failure: without them std's noise reads as leaks.
    public static func defaultSuppressionsCheck(environment: [String: String]) -> Check {
        let name = "default suppressions"
        do {
            let sources = try DefaultSuppressions.sources(environment: environment)
            var parts: [String] = []
            for s in sources {
                let n = try SuppressionParser.parse(text: s.text, file: s.name).count
                parts.append("\(s.name) (\(n) \(n == 1 ? "entry" : "entries"))")
            }
            let origin: String
            switch DefaultSuppressions.origin(environment: environment) {
            case .embedded: origin = "built in"
            case .home(let home): origin = "from \(DefaultSuppressions.homeVariable)=\(home)"
            }
            return Check(
                name: name, found: true, detail: "\(origin): " + parts.joined(separator: ", "), hint: "", required: true
            )
        } catch {
            return Check(
                name: name, found: false, detail: "\(error)",
                hint: "fix the file, or unset \(DefaultSuppressions.homeVariable) to use the built-in defaults",
                required: true)
        }
    }

    /// The lines `doctor` prints and its exit code: 3 when a required check failed.
    public static func report(_ all: [Check], console: Console) -> (lines: [String], exitCode: Int32) {
        var lines: [String] = []
        for c in all {
            let mark = c.found ? console.check : c.required ? console.cross : console.bang
            lines.append("\(mark) \(c.name): \(c.detail)\(c.found ? "" : "  → \(c.hint)")")
        }
        lines.append(checkersLine(all))
        let missing = all.filter { $0.required && !$0.found }.map(\.name)
        if missing.isEmpty {
            return (lines, ExitCode.clean)
        }
        lines.append("\(console.cross) missing what a run needs: \(missing.joined(separator: ", "))")
        return (lines, ExitCode.incomplete)
    }

    /// What a checker's `doctor` line is made from: the toolchain facts every line shares.
    struct Facts {
        var environment: [String: String]
        /// The checkers a run may not skip (their missing line is required).
        var needed: Set<Checker>
        /// `cargo --version` and `cargo +nightly --version`, nil when missing.
        var cargo: String?
        var nightly: String?
        /// ": `all` skips it (…)" for a checker that is not needed, else "".
        var skipNote: (Checker) -> String
        /// The first line of `EXE ARGS`' output, nil when it is missing or fails.
        var version: (_ exe: String, _ args: [String]) -> String?
    }

    /// `checkers: valgrind available, asan/lsan available`: the registered checkers grouped by
    /// the check that says whether they can run.
    static func checkersLine(_ all: [Check]) -> String {
        var groups: [(check: String, names: [String])] = []
        for d in CheckerRegistry.all {
            if let i = groups.firstIndex(where: { $0.check == d.doctorCheckName }) {
                groups[i].names.append(d.checker.rawValue)
            } else {
                groups.append((d.doctorCheckName, [d.checker.rawValue]))
            }
        }
        return "checkers: "
            + groups.map { g in
                let found = all.first { $0.name == g.check }?.found ?? false
                return "\(g.names.joined(separator: "/")) \(found ? "available" : "missing")"
            }.joined(separator: ", ")
    }

    /// Prints the checks; exit 0 when everything a run needs is there, 3 when something
    /// required (cargo, rustc, the default suppressions, a required checker) is missing.
    public static func run(
        console: Console, toolRoot: String?, environment: [String: String] = ProcessInfo.processInfo.environment,
        requiring requested: [Checker] = []
    ) -> Int32 {
        let (lines, code) = report(
            checks(environment: environment, toolRoot: toolRoot, requiring: requested), console: console)
        for line in lines { console.out(line) }
        return code
    }
}
