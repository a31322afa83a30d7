public enum Checker: String, Codable, Sendable, CaseIterable {
    case valgrind, asan, lsan

    public var displayName: String {
        switch self {
        case .valgrind: return "Valgrind"
        case .asan: return "AddressSanitizer"
        case .lsan: return "LeakSanitizer"
        }
    }
}
