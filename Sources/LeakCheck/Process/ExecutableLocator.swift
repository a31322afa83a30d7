import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Finds a program on PATH the way a shell would, so argv[0] can be a bare name.
public enum ExecutableLocator {
    public static func resolve(_ name: String, environment: [String: String]? = nil) -> String? {
        if name.contains("/") {
            return access(name, X_OK) == 0 ? name : nil
        }
        let path = (environment ?? ProcessInfo.processInfo.environment)["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for dir in path.split(separator: ":") where !dir.isEmpty {
            let candidate = "\(dir)/\(name)"
            var st = stat()
            if stat(candidate, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG, access(candidate, X_OK) == 0 {
                return candidate
            }
        }
        return nil
    }
}
