import Foundation

/// Feature selection for one cargo build, as the user gave it.
public struct FeatureSelection: Sendable, Hashable, Codable {
    public var features: [String]
    public var noDefaultFeatures: Bool
    public var allFeatures: Bool

    public init(features: [String] = [], noDefaultFeatures: Bool = false, allFeatures: Bool = false) {
        self.features = features
        self.noDefaultFeatures = noDefaultFeatures
        self.allFeatures = allFeatures
    }

    /// cargo arguments for this selection.
    public var cargoArguments: [String] {
        var args: [String] = []
        if allFeatures { args.append("--all-features") }
        if noDefaultFeatures { args.append("--no-default-features") }
        if !features.isEmpty { args += ["--features", features.joined(separator: ",")] }
        return args
    }

    /// A short label for reports: "default", "with_moq", "no-default+with_moq", "all".
    public var label: String {
        if allFeatures { return "all-features" }
        var parts: [String] = []
        if noDefaultFeatures { parts.append("no-default") }
        parts += features
        return parts.isEmpty ? "default" : parts.joined(separator: "+")
    }

    /// Parses a `--features`-style list: commas and/or spaces.
    public static func splitList(_ s: String) -> [String] {
        s.split(whereSeparator: { $0 == "," || $0 == " " }).map(String.init)
    }
}

/// A test executable cargo built, from a `compiler-artifact` message.
public struct TestExecutable: Sendable, Hashable, Codable {
    /// Cargo target name (`moq_ffi` for the lib's unit tests, `lifecycle` for tests/lifecycle.rs).
    public var targetName: String
    /// Target kind: lib, test, bin, example, bench.
    public var targetKind: String
    public var path: String

    public init(targetName: String, targetKind: String, path: String) {
        self.targetName = targetName
        self.targetKind = targetKind
        self.path = path
    }
}

/// What `cargo test --no-run --message-format=json…` printed, read line by line.
public struct CargoBuildMessages: Sendable {
    public var executables: [TestExecutable] = []
    public var success: Bool?
    /// Directories holding a `cdylib`/`staticlib` the build produced (what C
    /// tests link: `{crate_lib_dir}`), in the order seen.
    public var libraryDirs: [String] = []
    /// Package names and their manifest directories seen in artifacts (for own-code detection).
    public var packages: [String: String] = [:]

    public init() {}

    /// Parses cargo's JSON message stream. Lines that are not JSON (a build
    /// script's output leaking through) are ignored.
    public static func parse(_ text: String) -> CargoBuildMessages {
        var m = CargoBuildMessages()
        var seen = Set<String>()
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            guard line.first == "{",
                let obj = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                let reason = obj["reason"] as? String
            else { continue }
            switch reason {
            case "compiler-artifact":
                let target = obj["target"] as? [String: Any] ?? [:]
                let profile = obj["profile"] as? [String: Any] ?? [:]
                let packageID = obj["package_id"] as? String
                if let manifest = obj["manifest_path"] as? String, let name = Self.packageName(fromID: packageID) {
                    m.packages[name] = (manifest as NSString).deletingLastPathComponent
                }
                let crateTypes = target["crate_types"] as? [String] ?? []
                if (profile["test"] as? Bool) != true, crateTypes.contains(where: { $0 == "cdylib" || $0 == "staticlib" }) {
                    // The uplifted copy (target/debug/libX.so) before deps/: that is where users link from.
                    let files = (obj["filenames"] as? [String] ?? []).filter { $0.hasSuffix(".so") || $0.hasSuffix(".a") }
                    for file in files.sorted(by: { !$0.contains("/deps/") && $1.contains("/deps/") }) {
                        let dir = (file as NSString).deletingLastPathComponent
                        if !m.libraryDirs.contains(dir) { m.libraryDirs.append(dir) }
                    }
                }
                guard (profile["test"] as? Bool) == true, let exe = obj["executable"] as? String,
                    !seen.contains(exe)
                else { continue }
                seen.insert(exe)
                let kinds = target["kind"] as? [String] ?? []
                m.executables.append(
                    TestExecutable(
                        targetName: target["name"] as? String ?? (exe as NSString).lastPathComponent,
                        targetKind: kinds.first ?? "test", path: exe))
            case "build-finished":
                m.success = obj["success"] as? Bool
            default:
                continue
            }
        }
        return m
    }

    /// Package name from a cargo package id: "path+file:///x/moq_ffi#0.1.0",
    /// "path+file:///x/dir#moq_ffi@0.1.0", or the old "moq_ffi 0.1.0 (path+file:///x)".
    static func packageName(fromID id: String?) -> String? {
        guard let id else { return nil }
        if id.contains(" (") { return id.split(separator: " ").first.map(String.init) }
        guard let hash = id.lastIndex(of: "#") else { return nil }
        let fragment = id[id.index(after: hash)...]
        if let at = fragment.firstIndex(of: "@") { return String(fragment[..<at]) }
        // "#0.1.0": the name is the last path component of the URL.
        let url = id[..<hash]
        return url.split(separator: "/").last.map(String.init)
    }
}

/// Reading test names from a libtest binary (`--list --format terse`).
public enum LibtestListing {
    /// `name: test` lines → names; benches and other kinds are dropped.
    public static func parseTerse(_ text: String) -> [String] {
        text.split(separator: "\n").compactMap { line in
            guard line.hasSuffix(": test") else { return nil }
            return String(line.dropLast(": test".count))
        }
    }

    /// Names of tests the harness reported as FAILED, from its stdout
    /// (`test name ... FAILED`), in order, without duplicates.
    public static func failedTests(in output: String) -> [String] {
        var names: [String] = []
        for line in output.split(separator: "\n") {
            guard line.hasPrefix("test "), line.hasSuffix(" ... FAILED") else { continue }
            let name = String(line.dropFirst(5).dropLast(" ... FAILED".count))
            if !names.contains(name) { names.append(name) }
        }
        return names
    }

    /// The harness's own verdict line (`test result: ok. 3 passed; …`), if it printed one.
    public static func resultLine(in output: String) -> String? {
        output.split(separator: "\n").last(where: { $0.hasPrefix("test result: ") }).map(String.init)
    }
}

/// The host triple from `rustc -vV` (`host: x86_64-unknown-linux-gnu`).
public enum RustcInfo {
    public static func hostTriple(fromVerboseVersion text: String) -> String? {
        for line in text.split(separator: "\n") where line.hasPrefix("host: ") {
            return String(line.dropFirst("host: ".count)).trimmingCharacters(in: .whitespaces)
        }
        return nil
    }
}
