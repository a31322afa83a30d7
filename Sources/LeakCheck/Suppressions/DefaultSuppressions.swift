/// The suppression files shipped in the tool's `suppressions/` folder.
public enum DefaultSuppressions {
    /// Paths relative to the tool root (the checkout or install prefix).
    public static let relativePaths = ["suppressions/rust-std.supp", "suppressions/rust-std.lsan"]

    /// The shipped files under `toolRoot`, valgrind's first.
    public static func files(toolRoot: String) -> [String] {
        let root = toolRoot.hasSuffix("/") ? String(toolRoot.dropLast()) : toolRoot
        return relativePaths.map { root.isEmpty ? $0 : "\(root)/\($0)" }
    }
}
