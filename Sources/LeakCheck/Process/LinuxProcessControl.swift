#if canImport(Glibc)
    import Glibc
#endif

/// `prctl(2)` calls the supervisor needs. Glibc's `prctl` is variadic, which Swift
/// cannot call, so it is looked up at run time and called through a fixed
/// five-argument prototype (the x86-64 and AArch64 Linux ABIs pass integer
/// arguments the same way for both).
enum LinuxProcessControl {
    private static let prSetPdeathsig: Int32 = 1
    private static let prSetChildSubreaper: Int32 = 36
    private static let prGetChildSubreaper: Int32 = 37

    private typealias Prctl = @convention(c) (Int32, UInt, UInt, UInt, UInt) -> Int32
    private static let prctl: Prctl? = {
        guard let sym = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "prctl") else { return nil }
        return unsafeBitCast(sym, to: Prctl.self)
    }()

    /// Orphaned descendants (a grandchild whose parent died, one that called
    /// `setsid()` after a double fork) re-parent to this process instead of init, so
    /// they can be found and stopped. Process-wide, inherited by no child.
    @discardableResult
    static func becomeChildSubreaper() -> Bool {
        prctl?(prSetChildSubreaper, 1, 0, 0, 0) == 0
    }

    static var isChildSubreaper: Bool {
        var value: Int32 = 0
        let rc = withUnsafeMutablePointer(to: &value) { prctl?(prGetChildSubreaper, UInt(bitPattern: $0), 0, 0, 0) }
        return rc == 0 && value != 0
    }

    /// The kernel sends `signal` to this process when the thread that created it
    /// exits (for the tool: when the tool dies, even by SIGKILL). Survives `execve`.
    @discardableResult
    static func setParentDeathSignal(_ signal: Int32) -> Bool {
        prctl?(prSetPdeathsig, UInt(signal), 0, 0, 0) == 0
    }
}
