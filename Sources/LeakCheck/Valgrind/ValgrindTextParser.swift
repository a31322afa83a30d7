public enum ValgrindTextParser {
    public static func parse(text: String) -> CheckerOutput { CheckerOutput(format: .valgrindText) }
}
