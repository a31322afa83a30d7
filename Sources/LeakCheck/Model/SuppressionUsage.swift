/// Use count of one suppression entry over the whole report.
public struct SuppressionUsage: Codable, Sendable, Hashable {
    public var name: String
    /// `file:line` where the entry starts.
    public var source: String
    public var count: Int
    /// Bytes of the leaks it removed.
    public var bytes: Int
    /// It removed a finding whose stack passes through the crate's own code.
    public var overBroad: Bool
    /// Count the checker itself reported (valgrind suppcounts / LSan "Suppressions used"), when known.
    public var checkerCount: Int?
    public init(
        name: String, source: String, count: Int = 0, bytes: Int = 0, overBroad: Bool = false, checkerCount: Int? = nil
    ) {
        self.name = name
        self.source = source
        self.count = count
        self.bytes = bytes
        self.overBroad = overBroad
        self.checkerCount = checkerCount
    }
}
