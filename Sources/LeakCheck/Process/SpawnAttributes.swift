#if canImport(Glibc)
    import Glibc
#endif

/// The attributes every child the tool starts gets: its own process group (one
/// `kill(-pgid)` reaches the whole run), an empty signal mask and default signal
/// dispositions (Dispatch workers block most signals; a child must not inherit that).
enum SpawnAttributes {
    /// Initialises `attr`; the caller destroys it with `posix_spawnattr_destroy`.
    static func prepare(_ attr: inout posix_spawnattr_t) {
        posix_spawnattr_init(&attr)
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attr, &noSignals)
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        posix_spawnattr_setsigdefault(&attr, &allSignals)
        posix_spawnattr_setpgroup(&attr, 0)
        posix_spawnattr_setflags(
            &attr, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
    }
}
