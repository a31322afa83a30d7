import Foundation

/// The host triple from `rustc -vV` (`host: x86_64-unknown-linux-gnu`).
public enum RustcInfo {
    public static func hostTriple(fromVerboseVersion text: String) -> String? {
        for line in text.split(separator: "\n") where line.hasPrefix("host: ") {
            return String(line.dropFirst("host: ".count)).trimmingCharacters(in: .whitespaces)
        }
        return nil
    }
}
