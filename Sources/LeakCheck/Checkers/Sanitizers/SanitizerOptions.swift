import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Merging sanitizer option strings. The options the tool's reading of the
/// logs relies on are forced: a user value that contradicts one is dropped
/// and reported, so no environment can switch the gate off. Everything else
/// the user sets comes after ours and wins (sanitizers read left to right).
///
/// The runtime's indirections are resolved here, never left to the runtime:
/// `include=F` and `include_if_exists=F` are read by the tool and their options
/// go through the same rules (a file holding `detect_leaks=0` cannot open the
/// gate), and `suppressions=F` is never passed on: the tool applies
/// suppressions itself, so each suppressed finding is counted and checked for
/// over-breadth (`--suppressions F` does that).
public enum SanitizerOptions {
    /// Where the logs go: never the user's to change.
    static let location: Set<String> = ["log_path", "log_exe_name", "log_to_syslog"]
    /// What the verdict relies on: forced unless `--respect-sanitizer-options`.
    static let gate: Set<String> = [
        "detect_leaks", "leak_check_at_exit", "exitcode", "fast_unwind_on_malloc", "symbolize",
    ]
    /// Options that name a file of more options (sanitizer_common's flag parser).
    static let includes: Set<String> = ["include", "include_if_exists"]
    /// How deep included files may include others (the runtime has no limit; a
    /// cycle would otherwise never end).
    static let maxIncludeDepth = 8

    public struct Merged: Sendable, Equatable {
        public var options: String
        /// `key=value` items of the user's that contradicted a forced option.
        public var overridden: [String]
        /// One line each: an include the tool read or could not read, a
        /// suppressions file it did not pass on.
        public var notes: [String] = []
    }

    /// Reads an included options file; nil when it cannot be read.
    public typealias FileReader = @Sendable (String) -> String?

    /// An options file holds a few lines: more than this is not read past.
    static let maxIncludeBytes = 1 << 16

    /// A regular file's first `maxIncludeBytes` (`/dev/zero`, a FIFO or a
    /// terminal would never end or block the tool: nil, as unreadable).
    public static let readFromDisk: FileReader = { path in
        var st = stat()
        guard stat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG,
            let handle = FileHandle(forReadingAtPath: path)
        else { return nil }
        defer { try? handle.close() }
        // An empty file is read as nothing (read gives nil at end of file).
        do { return String(decoding: try handle.read(upToCount: maxIncludeBytes) ?? Data(), as: UTF8.self) } catch {
            return nil
        }
    }

    public static func merge(
        ours: [(String, String)], user: String?, respectUser: Bool = false, readFile: FileReader = readFromDisk,
        gate: Set<String>? = nil
    ) -> Merged {
        var overridden: [String] = []
        var parts = ours.map { "\($0.0)=\($0.1)" }
        let forcedValues = Dictionary(ours, uniquingKeysWith: { a, _ in a })
        var notes: [String] = []
        for (item, origin) in expand(user ?? "", readFile: readFile, notes: &notes, depth: 0, origin: nil) {
            let kv = item.split(separator: "=", maxSplits: 1).map(String.init)
            let key = kv.first ?? ""
            let value = kv.count > 1 ? kv[1] : ""
            let shown = origin.map { "\(item) (from \($0))" } ?? item
            if key == "suppressions" {
                if !value.isEmpty {
                    notes.append(
                        "suppressions=\(value)\(origin.map { " (from \($0))" } ?? ""): not passed to the sanitizer; moq-leakcheck applies suppressions itself, with accounting: give it with --suppressions \(value)"
                    )
                }
                continue
            }
            if location.contains(key) {
                if forcedValues[key] != value { overridden.append(shown) }
                continue
            }
            if (gate ?? Self.gate).contains(key), let ours = forcedValues[key] {
                if ours == value { continue }
                overridden.append(shown)
                if !respectUser { continue }
            }
            parts.append(item)
        }
        return Merged(options: parts.joined(separator: ":"), overridden: overridden, notes: notes)
    }

    /// The user's items with every include replaced by the items of the file
    /// it names, each tagged with the file it came from (nil: the variable).
    static func expand(
        _ text: String, readFile: FileReader, notes: inout [String], depth: Int, origin: String?
    ) -> [(String, String?)] {
        var out: [(String, String?)] = []
        let separators: Set<Character> = [":", " ", ",", "\n", "\t", "\r", "\r\n"]
        for item in text.split(whereSeparator: { separators.contains($0) }) {
            let kv = item.split(separator: "=", maxSplits: 1).map(String.init)
            guard let key = kv.first, includes.contains(key) else {
                out.append((String(item), origin))
                continue
            }
            let path = kv.count > 1 ? kv[1] : ""
            guard depth < maxIncludeDepth else {
                notes.append("\(key)=\(path): included more than \(maxIncludeDepth) files deep: ignored")
                continue
            }
            guard let content = readFile(path) else {
                // include_if_exists of a missing file is nothing, as in the runtime;
                // a missing include would stop the runtime: say it is ignored.
                if key == "include" { notes.append("include=\(path): cannot read it as a file: ignored") }
                continue
            }
            out += expand(content, readFile: readFile, notes: &notes, depth: depth + 1, origin: path)
        }
        return out
    }
}
