/// Without an FFI boundary, the frames a person should read first: the test's own
/// frames, or else the first frame outside the standard library, the allocator, libtest,
/// the panic machinery and the checker's runtime.
public enum CallerFrames {
    /// The innermost run of consecutive caller-code frames (e.g. `check_connect`, `main` of
    /// a C test; a Rust test and its `{{closure}}`), or else the one first frame that is
    /// not machinery; empty when every frame is machinery. File paths under `root` are
    /// made relative to it.
    public static func select(from stack: [Frame], isCallerCode: (Frame) -> Bool, relativeTo root: String?) -> [Frame] {
        var picked: [Frame] = []
        if let first = stack.firstIndex(where: isCallerCode) {
            picked = Array(stack[first...].prefix(while: isCallerCode))
        } else if let first = stack.first(where: { !isMachinery($0) }) {
            picked = [first]
        }
        guard let root, !root.isEmpty else { return picked }
        let prefix = root.hasSuffix("/") ? root : root + "/"
        return picked.map { frame in
            var f = frame
            if let file = f.file, file.hasPrefix(prefix) { f.file = String(file.dropFirst(prefix.count)) }
            return f
        }
    }

    static let machineryCrates: Set<String> = [
        "std", "core", "alloc", "test", "panic_unwind", "panic_abort", "std_detect", "hashbrown", "gimli",
        "addr2line", "miniz_oxide", "rustc_demangle", "__rustc",
    ]
    static let allocatorFunctions: Set<String> = [
        "malloc", "calloc", "realloc", "free", "memalign", "posix_memalign", "aligned_alloc", "valloc", "pvalloc",
        "strdup", "strndup", "operator new(unsigned long)", "operator new[](unsigned long)", "_Znwm", "_Znam",
        "_start", "__libc_start_main", "__libc_start_call_main", "__libc_start_main_impl",
    ]
    static let machineryPathMarkers = [
        "/rustc/", "/.rustup/toolchains/", "compiler-rt/lib/", "libsanitizer/", "/sysdeps/", "csu/",
    ]
    static let machineryObjectMarkers = [
        "vgpreload_", "libasan.so", "liblsan.so", "libc.so", "ld-linux", "libstdc++", "libgcc_s",
    ]

    /// Standard library, allocator, harness, panic machinery or checker runtime.
    public static func isMachinery(_ frame: Frame) -> Bool {
        if let f = frame.function {
            if allocatorFunctions.contains(f) || f.hasPrefix("__rust_") || f.hasPrefix("__rdl_") || f.hasPrefix("__rg_")
                || f.hasPrefix("__interceptor_") || f.hasPrefix("__asan_") || f.hasPrefix("__lsan_")
            {
                return true
            }
            if let crate = OwnCode.leadingCrate(ofDemangled: f), machineryCrates.contains(crate) { return true }
        }
        if let m = frame.mangled, let crate = OwnCode.leadingCrate(ofMangled: m), machineryCrates.contains(crate) {
            return true
        }
        if let file = frame.file {
            if machineryPathMarkers.contains(where: { file.contains($0) }) { return true }
            // GCC's libasan prints the std's paths relative to the toolchain's build dir.
            if file.hasPrefix("library/std/") || file.hasPrefix("library/alloc/") || file.hasPrefix("library/core/") {
                return true
            }
        }
        if frame.file == nil, let object = frame.object, machineryObjectMarkers.contains(where: { object.contains($0) })
        {
            return true
        }
        return frame.function == nil && frame.file == nil
    }
}
