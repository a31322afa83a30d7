import Foundation

/// The workplace's shared material the tests read but the project never copies:
/// `../shared` beside the checkout (`corpus/`, `schemas/`). Found, in order:
/// - `MOQ_LEAKCHECK_SHARED`, when set;
/// - `shared/` beside the checkout;
/// - `shared/` beside the repository this one was cloned from (a scratch clone
///   made with `git clone -q . "$d"` keeps its origin's path in `.git/config`).
public enum SharedMaterial {
    /// The repository root (…/Tests/TestSupport/SharedMaterial.swift → …).
    public static let repoRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    public static let root: URL = {
        let fm = FileManager.default
        if let set = ProcessInfo.processInfo.environment["MOQ_LEAKCHECK_SHARED"], !set.isEmpty {
            return URL(fileURLWithPath: set, isDirectory: true)
        }
        let beside = repoRoot.deletingLastPathComponent().appendingPathComponent("shared", isDirectory: true)
        if fm.fileExists(atPath: beside.path) { return beside }
        if let origin = originPath() {
            let there = URL(fileURLWithPath: origin).deletingLastPathComponent()
                .appendingPathComponent("shared", isDirectory: true)
            if fm.fileExists(atPath: there.path) { return there }
        }
        return beside  // missing: the tests that need it fail naming this path
    }()

    public static func path(_ relative: String) -> URL { root.appendingPathComponent(relative) }

    /// `url` of `[remote "origin"]` in `.git/config` when it is a local path.
    static func originPath() -> String? {
        guard
            let config = try? String(
                contentsOf: repoRoot.appendingPathComponent(".git/config"), encoding: .utf8)
        else { return nil }
        var inOrigin = false
        for raw in config.split(separator: "\n") {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("[") {
                inOrigin = line == "[remote \"origin\"]"
                continue
            }
            guard inOrigin, line.hasPrefix("url") else { continue }
            guard let eq = line.firstIndex(of: "=") else { continue }
            var url = line[line.index(after: eq)...].trimmingCharacters(in: .whitespaces)
            if url.hasPrefix("file://") { url = String(url.dropFirst("file://".count)) }
            guard url.hasPrefix("/") else { return nil }
            // `git clone -q . "$d"` records `/path/to/repo/.`: standardise before going up.
            var path = (url as NSString).standardizingPath
            if path.hasSuffix("/.git") { path = String(path.dropLast(5)) }
            return path
        }
        return nil
    }
}
