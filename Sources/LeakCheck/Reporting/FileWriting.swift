import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Writes reports whole or not at all: a temporary name in the same
/// directory, then rename(2). Errors are one line: `cannot write PATH: reason`.
public enum AtomicFile {
    public static func write(_ data: Data, to path: String) throws {
        try StagedFile.stage(data, to: path, appending: false).commit()
    }

    public static func write(_ text: String, to path: String) throws {
        try write(Data(text.utf8), to: path)
    }

    /// Creates the report directory and checks it is writable, before anything runs.
    public static func prepareDirectory(_ dir: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        } catch {
            throw UsageError("--report-dir \(dir): cannot create the directory")
        }
        guard access(dir, W_OK) == 0 else {
            throw UsageError("--report-dir \(dir): not writable (\(String(cString: strerror(errno))))")
        }
    }
}

public struct ReportWriteError: Error, CustomStringConvertible {
    public var path: String
    public var reason: String
    public var description: String { "cannot write \(path): \(reason)" }
}

/// A file created by the tool itself, exclusively: `O_CREAT|O_EXCL|O_NOFOLLOW`
/// under a random name in the target directory, so nothing planted there (a
/// symlink at a predictable temporary name, another process's file) is ever
/// written through or truncated. A name that exists already is skipped for
/// the next random one.
public enum ExclusiveFile {
    /// Opens a new file `<dir>/.<base>.tmp-<random>` for writing; returns its
    /// descriptor (close-on-exec) and path. `suffix` makes the random part (tests
    /// give a fixed one to plant something at it).
    public static func create(
        in dir: String, base: String, mode: mode_t = 0o644,
        suffix: () -> String = { String(UInt64.random(in: 0...UInt64.max), radix: 36) }
    ) throws -> (fd: Int32, path: String) {
        var lastError: Int32 = EEXIST
        for _ in 0..<64 {
            let path = (dir.isEmpty ? "" : dir + "/") + ".\(base).tmp-\(suffix())"
            let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode)
            if fd >= 0 { return (fd, path) }
            lastError = errno
            if lastError != EEXIST && lastError != ELOOP { break }
        }
        throw ReportWriteError(
            path: (dir.isEmpty ? "" : dir + "/") + base, reason: String(cString: strerror(lastError)))
    }
}

/// A path the tool hands to a child that runs in another working directory (a
/// ctest `WORKING_DIRECTORY`): valgrind's `--xml-file`, the sanitizer's
/// `log_path` and the child's output files are resolved there, not in ours.
public enum AbsolutePath {
    /// `path` made absolute against the tool's working directory.
    public static func of(_ path: String) -> String {
        path.hasPrefix("/") ? path : URL(fileURLWithPath: path).standardizedFileURL.path
    }
}

/// Directories the tool makes for itself (`leakcheck-logs/` and its per-checker
/// run directories): a symlink planted at one of their names is removed, never
/// followed, so the raw logs cannot be sent into someone else's directory.
public enum ToolDirectory {
    /// `path` as a real directory of the tool's (kept when it is one already).
    /// Errors are one line: `cannot write PATH: reason`.
    public static func ensure(_ path: String) throws {
        try removeSymlink(path)
        try oneLine(path) { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) }
    }

    /// `path` as a fresh, empty directory.
    public static func recreate(_ path: String) throws {
        try removeSymlink(path)
        var st = stat()
        if lstat(path, &st) == 0 { try oneLine(path) { try FileManager.default.removeItem(atPath: path) } }
        try oneLine(path) { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) }
    }

    static func oneLine(_ path: String, _ body: () throws -> Void) throws {
        do { try body() } catch {
            throw ReportWriteError(path: path, reason: error.localizedDescription)
        }
    }

    static func removeSymlink(_ path: String) throws {
        var st = stat()
        guard lstat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFLNK else { return }
        guard unlink(path) == 0 else {
            throw ReportWriteError(
                path: path, reason: "a symlink the tool did not make: \(String(cString: strerror(errno)))")
        }
    }
}
