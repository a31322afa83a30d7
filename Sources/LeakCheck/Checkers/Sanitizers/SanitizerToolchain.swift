import Foundation

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
            preferred == "stable"
            ? [.stableBootstrap] : preferred == "nightly" ? [.nightly] : [.nightly, .stableBootstrap]
        for kind in order {
            let prefix = kind == .nightly ? ["+nightly"] : []
            guard
                let v = Capture.run(
                    "cargo", prefix + ["--version"], environment: environment, supervisor: supervisor, timeout: 60),
                v.outcome.succeeded
            else {
                tried.append(kind == .nightly ? "cargo +nightly not available" : "cargo not found")
                continue
            }
            guard
                let r = Capture.run(
                    "rustc", prefix + ["-vV"], environment: environment, supervisor: supervisor, timeout: 60),
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
