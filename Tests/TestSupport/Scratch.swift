import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Where the tests write what they build outside the checkout: one directory per
/// test process (`$TMPDIR/leakcheck-tests-PID/`), removed when the process exits;
/// the directories of test processes that died without exiting are removed the
/// next time. Use `Scratch.directory` where `NSTemporaryDirectory()` would go.
/// Shared by both test targets (a plain target no product ships).
public enum Scratch {
    public static let prefix = "leakcheck-tests-"

    /// The process's scratch directory, with a trailing slash (as `NSTemporaryDirectory()`).
    public static let directory: String = {
        let base = NSTemporaryDirectory()
        let fm = FileManager.default
        for name in (try? fm.contentsOfDirectory(atPath: base)) ?? [] where name.hasPrefix(prefix) {
            // A dead test process's directory (kill(pid, 0) fails with ESRCH).
            if let pid = pid_t(name.dropFirst(prefix.count)), pid != getpid(), kill(pid, 0) != 0, errno == ESRCH {
                try? fm.removeItem(atPath: (base as NSString).appendingPathComponent(name))
            }
        }
        let dir = (base as NSString).appendingPathComponent("\(prefix)\(getpid())")
        try? fm.createDirectory(atPath: dir, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(atPath: Scratch.root) }
        return dir + "/"
    }()

    /// `directory` without its trailing slash (the removal at exit needs no closure context).
    public static var root: String { String(directory.dropLast()) }

    public static var url: URL { URL(fileURLWithPath: directory, isDirectory: true) }
}
