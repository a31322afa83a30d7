/// A finding's standing against a `--baseline` report.
public enum BaselineState: String, Codable, Sendable, Hashable {
    case new, known
}
