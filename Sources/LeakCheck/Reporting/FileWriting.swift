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
