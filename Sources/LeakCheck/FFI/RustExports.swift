import Foundation

/// One function a Rust crate exports with the C ABI: `#[no_mangle] pub extern "C" fn NAME`
/// (or `#[unsafe(no_mangle)]`, Rust 2024), or `#[export_name = "NAME"]` on an
/// `extern "C" fn`.
public struct RustExport: Sendable, Hashable, Codable {
    /// The symbol name C code calls.
    public var name: String
    public var file: String
    /// 1-based line of the `fn` name.
    public var line: Int
    public init(name: String, file: String, line: Int) {
        self.name = name
        self.file = file
        self.line = line
    }
}

/// Finds the crate's C-ABI exports in its `.rs` sources.
public enum RustExports {
    /// The exports in one source text, in file order.
    public static func scan(text: String, file: String) -> [RustExport] {
        let code = blankComments(text)
        var exports: [RustExport] = []
        // The attribute, any further attributes, then the item header.
        let pattern =
            #"#\[\s*(?:unsafe\s*\(\s*)?(no_mangle|export_name\s*=\s*"([^"]+)")\s*\)?\s*\](?:\s*#\[[^\]]*\])*\s*(?:pub(?:\s*\([^)]*\))?\s+)?(?:const\s+)?(?:unsafe\s+)?extern\s*(?:"[^"]*"\s*)?fn\s+([A-Za-z_][A-Za-z0-9_]*)"#
        guard let regex = try? NSRegularExpression(pattern: pattern) else { return [] }
        let ns = code as NSString
        for match in regex.matches(in: code, range: NSRange(location: 0, length: ns.length)) {
            let fnName = match.range(at: 3)
            let exported = match.range(at: 2)
            let name = exported.location != NSNotFound ? ns.substring(with: exported) : ns.substring(with: fnName)
            let line = lineNumber(in: ns, at: fnName.location)
            exports.append(RustExport(name: name, file: file, line: line))
        }
        return exports
    }

    /// Every `.rs` file under `directory` (recursively, `target/` skipped), sorted by path.
    /// An unreadable directory is a one-line `ParseError`.
    public static func scan(directory: String) throws -> [RustExport] {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        guard fm.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue,
            let walker = fm.enumerator(atPath: directory)
        else {
            throw ParseError(file: directory, "cannot read the crate sources in \(directory)")
        }
        var files: [String] = []
        while let relative = walker.nextObject() as? String {
            if relative == "target" || relative.hasPrefix("target/") || relative.contains("/target/") {
                walker.skipDescendants()
                continue
            }
            if relative.hasSuffix(".rs") { files.append(relative) }
        }
        let root = directory.hasSuffix("/") ? String(directory.dropLast()) : directory
        var exports: [RustExport] = []
        for relative in files.sorted() {
            let path = root + "/" + relative
            guard let data = fm.contents(atPath: path) else { continue }
            exports += scan(text: String(decoding: data, as: UTF8.self), file: path)
        }
        return exports
    }

    /// Comments replaced by spaces (newlines kept) so line numbers stay right and a
    /// commented-out `#[no_mangle]` is not an export. Nested block comments, as in Rust;
    /// string literals are left alone (an ABI string must survive).
    static func blankComments(_ text: String) -> String {
        var b = Array(text.utf8)
        var i = 0
        var depth = 0
        var inString = false
        while i < b.count {
            if depth == 0 && !inString {
                // A quote character literal ('"' or '\"') opens no string.
                if b[i] == UInt8(ascii: "'"), i + 2 < b.count, b[i + 1] == UInt8(ascii: "\""),
                    b[i + 2] == UInt8(ascii: "'")
                {
                    i += 3
                    continue
                }
                if b[i] == UInt8(ascii: "'"), i + 3 < b.count, b[i + 1] == UInt8(ascii: "\\"),
                    b[i + 2] == UInt8(ascii: "\""),
                    b[i + 3] == UInt8(ascii: "'")
                {
                    i += 4
                    continue
                }
                if b[i] == UInt8(ascii: "\"") {
                    inString = true
                    i += 1
                    continue
                }
                if b[i] == UInt8(ascii: "/"), i + 1 < b.count, b[i + 1] == UInt8(ascii: "/") {
                    while i < b.count, b[i] != 10 {
                        b[i] = 32
                        i += 1
                    }
                    continue
                }
            } else if inString {
                if b[i] == UInt8(ascii: "\\") {
                    i += 2
                    continue
                }
                if b[i] == UInt8(ascii: "\"") { inString = false }
                i += 1
                continue
            }
            if b[i] == UInt8(ascii: "/"), i + 1 < b.count, b[i + 1] == UInt8(ascii: "*") {
                depth += 1
                b[i] = 32
                b[i + 1] = 32
                i += 2
                continue
            }
            if depth > 0 {
                if b[i] == UInt8(ascii: "*"), i + 1 < b.count, b[i + 1] == UInt8(ascii: "/") {
                    depth -= 1
                    b[i] = 32
                    b[i + 1] = 32
                    i += 2
                    continue
                }
                if b[i] != 10 { b[i] = 32 }
            }
            i += 1
        }
        return String(decoding: b, as: UTF8.self)
    }

    static func lineNumber(in text: NSString, at location: Int) -> Int {
        var line = 1
        let prefix = text.substring(to: location)
        for c in prefix.utf8 where c == 10 { line += 1 }
        return line
    }
}
