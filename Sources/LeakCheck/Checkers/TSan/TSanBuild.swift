import Foundation

/// How a ThreadSanitizer build is made and run: compilers, rustc and cargo flags, the
/// options forced on the runtime, and the rust-src check. Pure, so tests reach every rule.
enum TSanBuild {
    /// gcc's libtsan: it links plain C and C++ with no extra library, and its frames come out
    /// demangled with absolute paths. The Swift toolchain's clang needs
    /// `-L<toolchain>/usr/lib/swift/linux -ldispatch -lBlocksRuntime` and an rpath into the
    /// toolchain for its runtime's libdispatch interceptors (docs/DESIGN.md, "TSan").
    static let compilers: (c: String, cxx: String) = ("gcc", "g++")

    /// The sanitizer, frame pointers for the stacks, debug info for file:line.
    static let cFlags = ["-fsanitize=thread", "-fno-omit-frame-pointer", "-g"]

    static let rustFlags = ["-Zsanitizer=thread", "-Cforce-frame-pointers=yes"]
    /// std rebuilt with the sanitizer: an uninstrumented std's own synchronisation reads as races.
    static let cargoArguments = ["-Zbuild-std"]

    /// What the verdict relies on: a user value that contradicts one is dropped (with a note).
    static let gate: Set<String> = [
        "halt_on_error", "exitcode", "report_signal_unsafe", "symbolize", "report_bugs", "report_thread_leaks",
        "report_destroy_locked", "report_mutex_bugs", "detect_deadlocks",
    ]

    static func forcedOptions(logPrefix: String) -> [(String, String)] {
        [
            ("halt_on_error", "0"), ("exitcode", "\(SanitizerChecker.exitCode)"), ("log_path", logPrefix),
            ("report_signal_unsafe", "1"), ("symbolize", "1"), ("report_bugs", "1"), ("report_thread_leaks", "1"),
            ("report_destroy_locked", "1"), ("report_mutex_bugs", "1"), ("detect_deadlocks", "1"),
        ]
    }

    /// The install step the reason names.
    static let rustSourceInstall = "rustup component add rust-src --toolchain nightly"

    /// Where rust-src puts std's sources in a sysroot.
    static func rustSourceDirectory(sysroot: String) -> String {
        (sysroot as NSString).appendingPathComponent("lib/rustlib/src/rust/library")
    }

    /// nil when std can be rebuilt with the sanitizer; else why the cargo part cannot be checked.
    static func rustSourceMissing(sysroot: String?, toolchain: SanitizerToolchain) -> String? {
        var isDir: ObjCBool = false
        if let sysroot, FileManager.default.fileExists(atPath: rustSourceDirectory(sysroot: sysroot), isDirectory: &isDir),
            isDir.boolValue
        {
            return nil
        }
        let whereLooked = sysroot.map { " (no \(rustSourceDirectory(sysroot: $0)))" } ?? " (rustc --print sysroot failed)"
        return
            "ThreadSanitizer needs std rebuilt with the sanitizer (-Zbuild-std), which needs the rust-src component for \(toolchain.description)\(whereLooked); std's own synchronisation would otherwise read as races: \(rustSourceInstall)"
    }

    /// The runtime's marks in a binary: gcc's `libtsan.so`, compiler-rt's `__tsan_init`.
    static func isInstrumented(_ data: Data) -> Bool {
        for needle in ["__tsan_init", "libtsan.so", "libclang_rt.tsan"] where data.range(of: Data(needle.utf8)) != nil {
            return true
        }
        return false
    }
}
