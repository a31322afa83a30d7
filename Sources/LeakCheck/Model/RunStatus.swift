public enum RunStatus: String, Codable, Sendable, Comparable {
    case clean, findings, incomplete
    private var rank: Int {
        switch self {
        case .clean: return 0
        case .findings: return 1
        case .incomplete: return 2
        }
    }
    public static func < (a: RunStatus, b: RunStatus) -> Bool { a.rank < b.rank }
}
