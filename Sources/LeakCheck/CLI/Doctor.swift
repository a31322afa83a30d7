import Foundation

/// `moq-leakcheck doctor`: what is installed, with versions, and how to install what is missing.
public enum Doctor {
    public struct Check: Sendable {
        public var name: String
        public var found: Bool
        public var detail: String
        public var hint: String
    }

    public static func checks(environment: [String: String] = ProcessInfo.processInfo.environment, toolRoot: String?) -> [Check] {
        func version(_ exe: String, _ args: [String], line: Int = 0) -> String? {
            guard ExecutableLocator.resolve(exe, environment: environment) != nil,
                let r = Capture.run(exe, args, environment: environment, timeout: 60), r.outcome.succeeded
            else { return nil }
            let lines = r.output.split(separator: "\n")
            return lines.indices.contains(line) ? String(lines[line]).trimmingCharacters(in: .whitespaces) : nil
        }
        var checks: [Check] = []
        let vg = version("valgrind", ["--version"])
        checks.append(Check(name: "valgrind", found: vg != nil, detail: vg ?? "not found", hint: "apt-get install valgrind"))
        let cargo = version("cargo", ["--version"])
        checks.append(Check(name: "cargo (stable)", found: cargo != nil, detail: cargo ?? "not found", hint: "install Rust with rustup (https://rustup.rs)"))
        let nightly = version("cargo", ["+nightly", "--version"])
        checks.append(
            Check(
                name: "cargo +nightly", found: nightly != nil,
                detail: nightly ?? "not installed: sanitizer builds will use stable with RUSTC_BOOTSTRAP=1",
                hint: "rustup toolchain install nightly"))
        let host = Capture.run("rustc", ["-vV"], environment: environment).flatMap { RustcInfo.hostTriple(fromVerboseVersion: $0.output) }
        checks.append(Check(name: "rustc host", found: host != nil, detail: host ?? "unknown", hint: "install Rust with rustup"))
        let sanitizerPath = nightly != nil ? "cargo +nightly" : cargo != nil ? "stable cargo with RUSTC_BOOTSTRAP=1" : nil
        checks.append(
            Check(
                name: "Rust sanitizer builds", found: sanitizerPath != nil, detail: sanitizerPath ?? "no cargo",
                hint: "rustup toolchain install nightly"))
        let sym = ExecutableLocator.resolve("llvm-symbolizer", environment: environment)
        checks.append(
            Check(
                name: "llvm-symbolizer", found: sym != nil, detail: sym ?? "not found: sanitizer stacks may be unsymbolized",
                hint: "apt-get install llvm"))
        for cc in ["gcc", "clang"] {
            let v = version(cc, ["--version"])
            checks.append(Check(name: cc, found: v != nil, detail: v ?? "not found", hint: "apt-get install \(cc)"))
        }
        let defaults = toolRoot.map { DefaultSuppressions.files(toolRoot: $0) } ?? []
        checks.append(
            Check(
                name: "default suppressions", found: !defaults.isEmpty,
                detail: defaults.isEmpty ? "not found (set MOQ_LEAKCHECK_HOME to the tool's folder)" : defaults.joined(separator: ", "),
                hint: "set MOQ_LEAKCHECK_HOME"))
        return checks
    }

    /// Prints the checks; exit 0 when at least one checker can run, 3 when none can.
    public static func run(console: Console, toolRoot: String?) -> Int32 {
        let all = checks(toolRoot: toolRoot)
        for c in all {
            console.out("\(c.found ? "✓" : "✗") \(c.name): \(c.detail)\(c.found ? "" : "  → \(c.hint)")")
        }
        let valgrind = all.first { $0.name == "valgrind" }?.found ?? false
        let sanitizers = all.first { $0.name == "Rust sanitizer builds" }?.found ?? false
        console.out("checkers: valgrind \(valgrind ? "available" : "missing"), asan/lsan \(sanitizers ? "available" : "missing")")
        return valgrind || sanitizers ? ExitCode.clean : ExitCode.incomplete
    }
}
