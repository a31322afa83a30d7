/// Where a run's program came from.
public enum RunSource: String, Codable, Sendable, CaseIterable {
    /// A test executable cargo built.
    case cargo
    /// A test of a CMake build tree, read from `ctest --show-only=json-v1`.
    case ctest
    /// The program given after `--`.
    case command
}
