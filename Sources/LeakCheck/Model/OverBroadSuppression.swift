/// The entry that matched a finding in the code under test only through `...`,
/// wildcards or `obj:` lines: it is reported beside the finding, which stays
/// unsuppressed while broad entries gate (`findings[].overBroadSuppression`).
public struct OverBroadSuppression: Codable, Sendable, Hashable {
    public var name: String
    /// `file:line` where the entry starts.
    public var source: String
    public init(name: String, source: String) {
        self.name = name
        self.source = source
    }
}
