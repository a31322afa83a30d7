/// The line a leak with an FFI boundary leads with on the console, in the text report and
/// in CI annotations (the guide's "Common Issues" 1 and 2, made automatic):
/// `37 bytes definitely lost: returned by moq_connect() to check_connect (test_leak_message.c:6), never released: call moq_free_str()`.
public enum BoundarySentence {
    public static func sentence(for finding: Finding, boundary: Boundary) -> String {
        var s = ""
        if let bytes = finding.bytes {
            s += "\(Figures.grouped(bytes)) bytes "
        }
        s += finding.kind.phrase
        if let indirect = finding.indirectBytes, indirect > 0 {
            s += " (+\(Figures.grouped(indirect)) indirect)"
        }
        s += ": returned by \(boundary.function)()"
        if let caller = boundary.caller, let function = caller.function {
            s += " to \(function)"
            if let file = caller.file {
                s += " (\(Fingerprint.baseName(file))\(caller.line.map { ":\($0)" } ?? ""))"
            } else if let object = caller.object {
                s += " (in \(Fingerprint.baseName(object)), no line: built without -g)"
            }
        }
        s += ", never released"
        if let release = boundary.release { s += ": call \(release)()" }
        return s
    }
}
