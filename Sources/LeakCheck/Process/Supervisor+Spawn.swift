import CSpawn
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

extension Supervisor {
    /// Starts the child in its own process group with an empty signal mask and default
    /// dispositions, stdin from /dev/null, its output in files, and
    /// `PR_SET_PDEATHSIG(SIGKILL)`: it dies with the tool, even when the tool is killed
    /// (the calling thread blocks until the child exits, so only the tool's death ends
    /// that thread first). `ChildSpawn` (C) does the fork and exec.
    func spawn(_ spec: ProcessSpec, marker: String) throws -> pid_t {
        guard let path = ExecutableLocator.resolve(spec.executable, environment: spec.environment) else {
            throw SpawnError(executable: spec.executable, code: ENOENT, found: false)
        }
        var env = spec.environment ?? ProcessInfo.processInfo.environment
        env[RunMarker.variable] = marker
        let out = spec.stdoutPath ?? "/dev/null"
        let err = spec.stderrPath ?? "/dev/null"
        let sameFile = err == out && spec.stdoutPath != nil
        return try ChildSpawn.start(
            ChildSpawn.Request(
                path: path, argv: [path] + spec.arguments, environment: env.map { "\($0.key)=\($0.value)" },
                stdoutPath: out, stderrPath: sameFile ? nil : err, workingDirectory: spec.workingDirectory,
                deathSignal: SIGKILL),
            executable: spec.executable)
    }
}

/// The Swift face of `cspawn` (Sources/CSpawn): a fork whose child runs only
/// async-signal-safe C before `execve`.
enum ChildSpawn {
    struct Request {
        var path: String
        var argv: [String]
        var environment: [String]
        var stdinFD: Int32 = -1
        var stdoutPath: String?
        /// nil: a copy of stdout.
        var stderrPath: String?
        var workingDirectory: String?
        /// 0: none.
        var deathSignal: Int32
    }

    /// The child's pid, or a `SpawnError` naming what failed (the program, its
    /// output file, its working directory).
    static func start(_ r: Request, executable: String) throws -> pid_t {
        let strings = [r.path, r.stdoutPath, r.stderrPath, r.workingDirectory].map { $0.map { strdup($0) } }
        defer { for p in strings { free(p ?? nil) } }
        var pid: pid_t = 0
        var step: Int32 = 0
        let rc = withCStrings(r.argv) { argv in
            withCStrings(r.environment) { envp in
                var spec = cspawn_spec(
                    path: strings[0]!, argv: argv, envp: envp, stdout_path: strings[1] ?? nil,
                    stderr_path: strings[2] ?? nil, stdin_fd: r.stdinFD, working_directory: strings[3] ?? nil,
                    death_signal: r.deathSignal)
                return cspawn(&spec, &pid, &step)
            }
        }
        guard rc == 0 else {
            throw SpawnError(executable: executable, code: rc, step: SpawnError.Step(step, request: r))
        }
        return pid
    }

    private static func withCStrings<R>(
        _ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> R
    ) -> R {
        var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
        pointers.append(nil)
        defer { for p in pointers { free(p) } }
        return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
    }
}
