public enum RustDemangler {
    public static func demangle(_ symbol: String, keepHash: Bool = false) -> String? { nil }
    static func stripLegacyHash(_ s: String) -> String { s }
}
