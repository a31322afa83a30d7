/// How a finding was tied to a test.
public enum Attribution: String, Codable, Sendable, Hashable {
    case stack, rerun
}
