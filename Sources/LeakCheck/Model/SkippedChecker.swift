/// A checker that was asked for (or tried in `all`) but did not run.
public struct SkippedChecker: Codable, Sendable {
    public var checker: Checker
    public var reason: String
    public init(checker: Checker, reason: String) {
        self.checker = checker
        self.reason = reason
    }
}
