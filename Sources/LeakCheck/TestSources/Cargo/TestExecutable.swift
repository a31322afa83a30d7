import Foundation

/// A test executable cargo built, from a `compiler-artifact` message.
public struct TestExecutable: Sendable, Hashable, Codable {
    /// Cargo target name (`moq_ffi` for the lib's unit tests, `lifecycle` for tests/lifecycle.rs).
    public var targetName: String
    /// Target kind: lib, test, bin, example, bench.
    public var targetKind: String
    public var path: String

    public init(targetName: String, targetKind: String, path: String) {
        self.targetName = targetName
        self.targetKind = targetKind
        self.path = path
    }
}
