import Foundation

/// The AddressSanitizer runtime `quick` preloads into uninstrumented test
/// processes: LeakSanitizer's reachability scan runs at exit as in an ASan
/// build, with no sanitizer rebuild.
///
/// The Swift/LLVM toolchain's `libclang_rt.asan-x86_64.so` comes first: its
/// symbolizer prints demangled Rust names with absolute paths (what own-code
/// detection and attribution read), as for `asan`'s C builds. gcc's `libasan.so`
/// works too but prints v0-mangled names and relative paths. gcc's standalone
/// `liblsan.so` is never used: it crashes Rust test binaries.
public struct PreloadRuntime: Sendable, Hashable {
    /// Absolute path of the shared runtime.
    public var path: String
    /// The compiler it was found from (`clang`, `cc`), for the report.
    public var compiler: String

    public init(path: String, compiler: String) {
        self.path = path
        self.compiler = compiler
    }

    /// The runtime file each compiler names, in order of preference.
    static let candidates: [(compiler: String, file: String)] = [
        ("clang", "libclang_rt.asan-x86_64.so"),
        ("cc", "libasan.so"),
        ("gcc", "libasan.so"),
    ]

    /// Asks each compiler on PATH for its runtime (`-print-file-name=FILE`); a
    /// compiler that does not have it answers the bare name back.
    public static func find(
        environment: [String: String], ask: (_ compiler: String, _ file: String) -> String?
    ) -> PreloadRuntime? {
        for (compiler, file) in candidates {
            guard let answer = ask(compiler, file)?.trimmingCharacters(in: .whitespacesAndNewlines),
                answer.hasPrefix("/"), FileManager.default.isReadableFile(atPath: answer)
            else { continue }
            return PreloadRuntime(path: answer, compiler: compiler)
        }
        return nil
    }

    /// `find` with the real compilers on PATH. clang's answer is its resource dir's file,
    /// read from the layout when it holds one version (`-print-file-name` costs a clang
    /// start, ~45 ms, a tenth of a `quick` run of a small crate); clang is asked otherwise.
    static func find(environment: [String: String], supervisor: Supervisor) -> PreloadRuntime? {
        find(environment: environment) { compiler, file in
            guard let exe = ExecutableLocator.resolve(compiler, environment: environment) else { return nil }
            if compiler == "clang", let known = resourceDirectoryFile(clang: exe, file: file) { return known }
            guard
                let r = Capture.run(exe, ["-print-file-name=\(file)"], environment: environment, supervisor: supervisor),
                r.outcome.succeeded
            else { return nil }
            return r.output
        }
    }

    /// `<clang's real dir>/../lib/clang/<version>/lib/linux/FILE` when exactly one version
    /// dir exists and holds it: where clang's `-print-file-name` looks first.
    static func resourceDirectoryFile(clang: String, file: String) -> String? {
        let real = (clang as NSString).resolvingSymlinksInPath
        let root = (((real as NSString).deletingLastPathComponent as NSString).deletingLastPathComponent as NSString)
            .appendingPathComponent("lib/clang")
        guard let versions = try? FileManager.default.contentsOfDirectory(atPath: root), versions.count == 1 else {
            return nil
        }
        let path = "\(root)/\(versions[0])/lib/linux/\(file)"
        return FileManager.default.isReadableFile(atPath: path) ? path : nil
    }

    /// Why there is none, with the install step.
    static let missingReason =
        "no AddressSanitizer runtime to preload: neither clang (libclang_rt.asan-x86_64.so) nor gcc (libasan.so) has one; install gcc (apt-get install gcc) or use asan"

    /// What the report says: `gcc's /usr/lib/gcc/x86_64-linux-gnu/12/libasan.so`.
    public var description: String { "\(compiler)'s \(path)" }
}
