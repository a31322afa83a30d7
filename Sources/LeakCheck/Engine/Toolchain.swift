import Foundation

/// Runs a short helper command (cargo --version, rustc -vV) and captures its
/// output through a temporary file.
public enum Capture {
    public struct Result: Sendable {
        public var outcome: ProcessOutcome
        public var output: String
    }

    public static func run(
        _ executable: String, _ arguments: [String], environment: [String: String]? = nil,
        workingDirectory: String? = nil, supervisor: Supervisor = .shared, timeout: Double? = 120
    ) -> Result? {
        let path = NSTemporaryDirectory() + "moq-leakcheck-capture-\(getpid())-\(UUID().uuidString)"
        defer { unlink(path) }
        var spec = ProcessSpec(
            executable: executable, arguments: arguments, environment: environment,
            workingDirectory: workingDirectory, stdoutPath: path, stderrPath: path, timeout: timeout)
        spec.gracePeriod = 1
        guard let outcome = try? supervisor.run(spec) else { return nil }
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        return Result(outcome: outcome, output: text)
    }
}

/// How sanitizer builds are made: `cargo +nightly`, or the stable toolchain
/// with `RUSTC_BOOTSTRAP=1` (its sanitizer runtimes ship with rust-std).
public struct SanitizerToolchain: Sendable, Equatable {
    public enum Kind: String, Sendable { case nightly, stableBootstrap }
    public var kind: Kind
    public var version: String
    public var hostTriple: String

    /// Arguments that go before cargo's subcommand.
    public var cargoPrefix: [String] { kind == .nightly ? ["+nightly"] : [] }
    public var environment: [String: String] { kind == .nightly ? [:] : ["RUSTC_BOOTSTRAP": "1"] }

    public var description: String {
        switch kind {
        case .nightly: return "cargo +nightly (\(version))"
        case .stableBootstrap: return "stable cargo with RUSTC_BOOTSTRAP=1 (\(version))"
        }
    }

    /// Picks the toolchain: the one asked for, else nightly when installed, else
    /// stable with bootstrap. nil with a reason when neither works.
    public static func detect(
        preferred: String?, environment: [String: String], supervisor: Supervisor = Supervisor()
    ) -> (SanitizerToolchain?, String) {
        var tried: [String] = []
        let order: [Kind] =
            preferred == "stable" ? [.stableBootstrap] : preferred == "nightly" ? [.nightly] : [.nightly, .stableBootstrap]
        for kind in order {
            let prefix = kind == .nightly ? ["+nightly"] : []
            guard let v = Capture.run("cargo", prefix + ["--version"], environment: environment, supervisor: supervisor, timeout: 60),
                v.outcome.succeeded
            else {
                tried.append(kind == .nightly ? "cargo +nightly not available" : "cargo not found")
                continue
            }
            guard let r = Capture.run("rustc", prefix + ["-vV"], environment: environment, supervisor: supervisor, timeout: 60),
                r.outcome.succeeded, let host = RustcInfo.hostTriple(fromVerboseVersion: r.output)
            else {
                tried.append("rustc -vV failed")
                continue
            }
            let version = v.output.trimmingCharacters(in: .whitespacesAndNewlines)
            return (SanitizerToolchain(kind: kind, version: version, hostTriple: host), "")
        }
        return (
            nil,
            tried.joined(separator: "; ")
                + " (install Rust with rustup; `rustup toolchain install nightly` gives the preferred sanitizer toolchain)"
        )
    }
}

/// Merging sanitizer option strings. The options the tool's reading of the
/// logs relies on are forced: a user value that contradicts one is dropped
/// and reported, so no environment can switch the gate off. Everything else
/// the user sets comes after ours and wins (sanitizers read left to right).
public enum SanitizerOptions {
    /// Where the logs go: never the user's to change.
    static let location: Set<String> = ["log_path", "log_exe_name", "log_to_syslog"]
    /// What the verdict relies on: forced unless `--respect-sanitizer-options`.
    static let gate: Set<String> = ["detect_leaks", "leak_check_at_exit", "exitcode", "fast_unwind_on_malloc", "symbolize"]

    public struct Merged: Sendable, Equatable {
        public var options: String
        /// `key=value` items of the user's that contradicted a forced option.
        public var overridden: [String]
    }

    public static func merge(ours: [(String, String)], user: String?, respectUser: Bool = false) -> Merged {
        var overridden: [String] = []
        var parts = ours.map { "\($0.0)=\($0.1)" }
        let forcedValues = Dictionary(ours, uniquingKeysWith: { a, _ in a })
        for item in (user ?? "").split(whereSeparator: { $0 == ":" || $0 == " " || $0 == "," }) {
            let kv = item.split(separator: "=", maxSplits: 1).map(String.init)
            let key = kv.first ?? ""
            let value = kv.count > 1 ? kv[1] : ""
            if location.contains(key) {
                if forcedValues[key] != value { overridden.append(String(item)) }
                continue
            }
            if gate.contains(key), let ours = forcedValues[key] {
                if ours == value { continue }
                overridden.append(String(item))
                if !respectUser { continue }
            }
            parts.append(String(item))
        }
        return Merged(options: parts.joined(separator: ":"), overridden: overridden)
    }
}

/// Reads a file's bytes to check if a binary carries a sanitizer runtime.
public enum BinaryInspector {
    /// True when the file mentions `__asan_init` / `__lsan_init` (static runtime) or links libasan.
    public static func isSanitized(_ path: String) -> Bool {
        guard let data = FileManager.default.contents(atPath: path) else { return false }
        for needle in ["__asan_init", "__lsan_init", "libasan.so", "libclang_rt.asan", "libclang_rt.lsan", "liblsan.so"] {
            if data.range(of: Data(needle.utf8)) != nil { return true }
        }
        return false
    }
}
