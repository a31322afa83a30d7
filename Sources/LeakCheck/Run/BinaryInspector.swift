import Foundation

/// Reads a file's bytes to check if a binary carries a sanitizer runtime.
public enum BinaryInspector {
    /// True when the file mentions `__asan_init` / `__lsan_init` (static runtime) or links libasan.
    public static func isSanitized(_ path: String) -> Bool {
        guard let data = FileManager.default.contents(atPath: path) else { return false }
        return isSanitized(data)
    }

    /// The same on a file's bytes.
    public static func isSanitized(_ data: Data) -> Bool {
        for needle in [
            "__asan_init", "__lsan_init", "libasan.so", "libclang_rt.asan", "libclang_rt.lsan", "liblsan.so",
        ] {
            if data.range(of: Data(needle.utf8)) != nil { return true }
        }
        return false
    }
}
