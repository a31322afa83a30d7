import Foundation

/// Merging sanitizer option strings. The options the tool's reading of the
/// logs relies on are forced: a user value that contradicts one is dropped
/// and reported, so no environment can switch the gate off. Everything else
/// the user sets comes after ours and wins (sanitizers read left to right).
public enum SanitizerOptions {
    /// Where the logs go: never the user's to change.
    static let location: Set<String> = ["log_path", "log_exe_name", "log_to_syslog"]
    /// What the verdict relies on: forced unless `--respect-sanitizer-options`.
    static let gate: Set<String> = [
        "detect_leaks", "leak_check_at_exit", "exitcode", "fast_unwind_on_malloc", "symbolize",
    ]

    public struct Merged: Sendable, Equatable {
        public var options: String
        /// `key=value` items of the user's that contradicted a forced option.
        public var overridden: [String]
    }

    public static func merge(ours: [(String, String)], user: String?, respectUser: Bool = false) -> Merged {
        var overridden: [String] = []
        var parts = ours.map { "\($0.0)=\($0.1)" }
        let forcedValues = Dictionary(ours, uniquingKeysWith: { a, _ in a })
        for item in (user ?? "").split(whereSeparator: { $0 == ":" || $0 == " " || $0 == "," }) {
            let kv = item.split(separator: "=", maxSplits: 1).map(String.init)
            let key = kv.first ?? ""
            let value = kv.count > 1 ? kv[1] : ""
            if location.contains(key) {
                if forcedValues[key] != value { overridden.append(String(item)) }
                continue
            }
            if gate.contains(key), let ours = forcedValues[key] {
                if ours == value { continue }
                overridden.append(String(item))
                if !respectUser { continue }
            }
            parts.append(String(item))
        }
        return Merged(options: parts.joined(separator: ":"), overridden: overridden)
    }
}
