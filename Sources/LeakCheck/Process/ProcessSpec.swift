/// What to run: an argv array (never a shell string), its environment and
/// where its output goes. Output always goes to files: no pipe can fill up and
/// deadlock, memory does not grow with the output, and the files stay for
/// post-mortem.
public struct ProcessSpec: Sendable {
    public var executable: String
    public var arguments: [String]
    /// Full environment of the child (nil: inherit the tool's). The supervisor adds
    /// one variable, `MOQ_LEAKCHECK_JOB`, that marks every process of the run so the
    /// ones that leave its process group can still be found and stopped.
    public var environment: [String: String]?
    public var workingDirectory: String?
    /// nil: /dev/null.
    public var stdoutPath: String?
    /// nil: /dev/null. May equal `stdoutPath` (both streams appended to one file).
    public var stderrPath: String?
    /// Seconds before the child's whole process group gets SIGTERM, then SIGKILL after `gracePeriod`.
    public var timeout: Double?
    public var gracePeriod: Double = 5

    public init(
        executable: String, arguments: [String] = [], environment: [String: String]? = nil,
        workingDirectory: String? = nil, stdoutPath: String? = nil, stderrPath: String? = nil,
        timeout: Double? = nil
    ) {
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.stdoutPath = stdoutPath
        self.stderrPath = stderrPath
        self.timeout = timeout
    }
}
