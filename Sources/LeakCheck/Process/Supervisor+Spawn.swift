import Foundation

#if canImport(Glibc)
    import Glibc
#endif

extension Supervisor {
    /// Starts the child in its own process group with an empty signal mask and default
    /// dispositions, stdin from /dev/null and its output in files. Through the exec
    /// trampoline when the executable routes it (the child then dies with the tool).
    func spawn(_ spec: ProcessSpec, marker: String) throws -> pid_t {
        guard let path = ExecutableLocator.resolve(spec.executable, environment: spec.environment) else {
            throw SpawnError(executable: spec.executable, code: ENOENT, found: false)
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        let out = spec.stdoutPath ?? "/dev/null"
        let err = spec.stderrPath ?? "/dev/null"
        posix_spawn_file_actions_addopen(&actions, 1, out, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0o644)
        if err == out && spec.stdoutPath != nil {
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
        } else {
            posix_spawn_file_actions_addopen(&actions, 2, err, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0o644)
        }
        if let dir = spec.workingDirectory {
            guard let addchdir = Self.addchdir else {
                throw SpawnError(executable: spec.executable, code: ENOSYS)
            }
            _ = addchdir(&actions, dir)
        }

        var attr = posix_spawnattr_t()
        SpawnAttributes.prepare(&attr)
        defer { posix_spawnattr_destroy(&attr) }

        var env = spec.environment ?? ProcessInfo.processInfo.environment
        env[RunMarker.variable] = marker
        let envStrings = env.map { "\($0.key)=\($0.value)" }

        // The trampoline reports a failed exec through a close-on-exec socket: EOF
        // means the program is running, four bytes are the errno of the failed exec.
        var channel: (read: Int32, write: Int32)?
        var argv = [path] + spec.arguments
        var program = path
        if let helper = ExecTrampoline.helperExecutable {
            let pair = try Self.cloexecSocketPair(for: spec.executable)
            channel = pair
            posix_spawn_file_actions_adddup2(&actions, pair.write, ExecTrampoline.errorChannel)
            argv = [ExecTrampoline.helperName, ExecTrampoline.trampolineFlag, "\(getpid())", path] + argv
            program = helper
        }
        var pid: pid_t = 0
        let rc = withCStrings(argv) { cargv in
            withCStrings(envStrings) { cenv in
                posix_spawn(&pid, program, &actions, &attr, cargv, cenv)
            }
        }
        guard let channel else {
            if rc != 0 { throw SpawnError(executable: spec.executable, code: rc) }
            return pid
        }
        close(channel.write)
        defer { close(channel.read) }
        if rc != 0 { throw SpawnError(executable: spec.executable, code: rc) }
        var code: Int32 = 0
        let n = withUnsafeMutableBytes(of: &code) { buffer -> Int in
            var got = 0
            while got < buffer.count {
                let r = recv(channel.read, buffer.baseAddress! + got, buffer.count - got, 0)
                if r < 0 && errno == EINTR { continue }
                if r <= 0 { break }
                got += r
            }
            return got
        }
        if n == MemoryLayout<Int32>.size {
            // The trampoline exits right after reporting: reap it, nothing else ran.
            var status: Int32 = 0
            while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
            throw SpawnError(executable: spec.executable, code: code)
        }
        return pid
    }

    /// A socket pair whose ends no other child inherits: the child end is dup'ed onto
    /// the error channel by the spawn, which clears close-on-exec on that copy only.
    private static func cloexecSocketPair(for executable: String) throws -> (read: Int32, write: Int32) {
        var fds: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &fds) == 0 else {
            throw SpawnError(executable: executable, code: errno)
        }
        // dup2 onto the same number would keep close-on-exec set: move it out of the way.
        if fds[1] == ExecTrampoline.errorChannel {
            let moved = fcntl(fds[1], F_DUPFD_CLOEXEC, ExecTrampoline.errorChannel + 1)
            close(fds[1])
            fds[1] = moved
        }
        return (fds[0], fds[1])
    }

    private func withCStrings<R>(_ strings: [String], _ body: ([UnsafeMutablePointer<CChar>?]) -> R) -> R {
        var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
        pointers.append(nil)
        defer { for p in pointers { free(p) } }
        return body(pointers)
    }

    /// glibc ≥ 2.29 has `posix_spawn_file_actions_addchdir_np`, but the Glibc module
    /// does not import it (it needs _GNU_SOURCE): look it up at run time.
    private typealias AddChdir =
        @convention(c) (
            UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>
        ) -> Int32
    private static let addchdir: AddChdir? = {
        guard let sym = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addchdir_np") else {
            return nil
        }
        return unsafeBitCast(sym, to: AddChdir.self)
    }()
}
