/// What a parser reads from one checker output (a valgrind XML or text log, a
/// sanitizer log). Pure data: the runner combines it with the process status.
public struct CheckerOutput: Sendable {
    public enum Format: String, Sendable, Codable {
        case valgrindXML, valgrindText, sanitizer, threadSanitizer, helgrindXML
    }

    public var format: Format
    /// Findings in the order the checker reported them.
    public var findings: [Finding] = []
    /// False when the output stops before the checker said it finished
    /// (valgrind XML without `</valgrindoutput>` or without a FINISHED status;
    /// a text log that has a HEAP SUMMARY start but is cut short).
    public var complete: Bool = true
    /// Why `complete` is false, in a sentence.
    public var incompleteReason: String?
    /// Signal name the program died of, as the checker reported it (`SIGSEGV`).
    public var fatalSignal: String?
    /// Process id(s) the checker reported for.
    public var pids: [Int] = []
    /// valgrind `<suppcounts>` / LSan "Suppressions used": name → count.
    public var checkerSuppressionCounts: [String: Int] = [:]
    /// The checker's own LEAK SUMMARY when it printed one (valgrind text, protocol 6
    /// `<leak_summary>`, sanitizer `SUMMARY:` as definitely+indirectly lost bytes).
    public var checkerSummary: Totals?
    /// Sanitizer only: `SUMMARY: …: N byte(s) leaked in M allocation(s).`
    public var sanitizerLeakSummary: Tally?
    /// valgrind XML protocol version (4, 5, 6), when known.
    public var protocolVersion: Int?
    /// The program and arguments the checker ran, when it says.
    public var command: [String]?
    /// Things the parser noticed that a person should see (SUMMARY mismatch, unknown kind).
    public var warnings: [String] = []

    public init(format: Format) {
        self.format = format
    }
}
