import CSpawn

#if canImport(Glibc)
    import Glibc
#endif

/// A child that could not be started at all (nothing ran, so there is no outcome).
public struct SpawnError: Error, CustomStringConvertible, Sendable {
    /// What failed before the program ran: its own exec, or one of its files.
    public enum Step: Sendable, Equatable {
        case exec
        case file(String)
        case workingDirectory(String)
        case other

        init(_ raw: Int32, request: ChildSpawn.Request) {
            switch Int(raw) {
            case Int(CSPAWN_STEP_EXEC): self = .exec
            case Int(CSPAWN_STEP_STDOUT): self = .file(request.stdoutPath ?? "/dev/null")
            case Int(CSPAWN_STEP_STDERR): self = .file(request.stderrPath ?? request.stdoutPath ?? "/dev/null")
            case Int(CSPAWN_STEP_STDIN): self = .file("/dev/null")
            case Int(CSPAWN_STEP_CHDIR): self = .workingDirectory(request.workingDirectory ?? ".")
            default: self = .other
            }
        }
    }

    public var executable: String
    public var code: Int32
    /// The program was found on disk: the failure is about starting it (or its output files).
    public var found: Bool = true
    public var step: Step = .exec

    public var description: String {
        if !found { return "cannot run \(executable): not found" }
        let reason = String(cString: strerror(code))
        switch step {
        case .exec, .other: return "cannot start \(executable): \(reason)"
        case .file(let path): return "cannot start \(executable): cannot open \(path): \(reason)"
        case .workingDirectory(let dir): return "cannot start \(executable): cannot enter \(dir): \(reason)"
        }
    }
}
