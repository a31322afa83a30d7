import Foundation

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

    /// Executables already recorded (cargo may report one twice).
    private var seen = Set<String>()

    /// Parses cargo's JSON message stream. Lines that are not JSON (a build
    /// script's output leaking through) are ignored.
    public static func parse(_ text: String) -> CargoBuildMessages {
        var m = CargoBuildMessages()
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) { m.consume(line) }
        return m
    }

    /// Reads one message line (what `parse` does for each); returns the test
    /// executable it announced, if it is a new one. Lets a build be followed
    /// while it runs (`BuildMessageFollower`).
    @discardableResult
    public mutating func consume(_ line: Substring) -> TestExecutable? {
        guard line.first == "{",
            let obj = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
            let reason = obj["reason"] as? String
        else { return nil }
        switch reason {
        case "compiler-artifact":
            let target = obj["target"] as? [String: Any] ?? [:]
            let profile = obj["profile"] as? [String: Any] ?? [:]
            let packageID = obj["package_id"] as? String
            if let manifest = obj["manifest_path"] as? String, let name = Self.packageName(fromID: packageID) {
                packages[name] = (manifest as NSString).deletingLastPathComponent
            }
            let crateTypes = target["crate_types"] as? [String] ?? []
            if (profile["test"] as? Bool) != true,
                crateTypes.contains(where: { $0 == "cdylib" || $0 == "staticlib" })
            {
                // The uplifted copy (target/debug/libX.so) before deps/: that is where users link from.
                let files = (obj["filenames"] as? [String] ?? []).filter {
                    $0.hasSuffix(".so") || $0.hasSuffix(".a")
                }
                for file in files.sorted(by: { !$0.contains("/deps/") && $1.contains("/deps/") }) {
                    let dir = (file as NSString).deletingLastPathComponent
                    if !libraryDirs.contains(dir) { libraryDirs.append(dir) }
                }
            }
            guard (profile["test"] as? Bool) == true, let exe = obj["executable"] as? String,
                !seen.contains(exe)
            else { return nil }
            seen.insert(exe)
            let kinds = target["kind"] as? [String] ?? []
            let found = TestExecutable(
                targetName: target["name"] as? String ?? (exe as NSString).lastPathComponent,
                targetKind: kinds.first ?? "test", path: exe)
            executables.append(found)
            return found
        case "build-finished":
            success = obj["success"] as? Bool
            return nil
        default:
            return nil
        }
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
