import Foundation

/// The crate's C ABI as the boundary finder needs it: the exported function names
/// (its `#[no_mangle] extern "C"` functions and its header's prototypes), where each is
/// defined, and which function releases what another returns.
public struct FFISurface: Sendable {
    public var rustExports: [RustExport]
    public var header: CHeader?
    public var pairing: ReleasePairing

    public init(rustExports: [RustExport], header: CHeader?) {
        self.rustExports = rustExports
        self.header = header
        self.pairing = ReleasePairing(header: header, exportedNames: Set(rustExports.map(\.name)))
    }

    /// Reads a crate: every `.rs` file under `crateDirectory/src`, and the header
    /// `headerPath` (`--ffi-header`) or else the only `include/*.h` beside Cargo.toml
    /// (moq-ffi's layout; with several, the one named after the crate, else none).
    /// Throws a one-line `ParseError` for an unreadable source directory or an
    /// unreadable `--ffi-header`.
    public static func load(crateDirectory: String, crateName: String? = nil, headerPath: String? = nil) throws
        -> FFISurface
    {
        let root = crateDirectory.hasSuffix("/") ? String(crateDirectory.dropLast()) : crateDirectory
        let exports = try RustExports.scan(directory: root + "/src")
        var header: CHeader?
        if let headerPath {
            header = try CHeader.parse(fileAt: headerPath)
        } else if let found = defaultHeader(crateDirectory: root, crateName: crateName) {
            header = try CHeader.parse(fileAt: found)
        }
        return FFISurface(rustExports: exports, header: header)
    }

    /// `include/<crate>.h`, or the only `include/*.h`.
    public static func defaultHeader(crateDirectory: String, crateName: String?) -> String? {
        let include = crateDirectory + "/include"
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: include) else { return nil }
        let headers = entries.filter { $0.hasSuffix(".h") }.sorted()
        if let crateName, headers.contains(crateName.replacingOccurrences(of: "-", with: "_") + ".h") {
            return include + "/" + crateName.replacingOccurrences(of: "-", with: "_") + ".h"
        }
        return headers.count == 1 ? include + "/" + headers[0] : nil
    }

    /// Every exported name.
    public var exportedNames: Set<String> { pairing.exportedNames }

    /// The Rust definition of an exported function, when the crate's sources have it.
    public func definition(of function: String) -> RustExport? { rustExports.first { $0.name == function } }

    /// The function that frees what `function` returns (see `ReleasePairing`).
    public func release(for function: String) -> String? { pairing.release(for: function) }

    /// The exported function a frame is in, matched on the last path component of its
    /// name (`moq_ffi::moq_connect`, `moq_connect`, a legacy `…::moq_connect::h0123…`),
    /// or nil. `moq_connect::{{closure}}` is not `moq_connect`: the closure is inside it.
    public func exportedFunction(of frame: Frame) -> String? {
        guard let name = frame.function else { return nil }
        let last = Self.lastPathComponent(name)
        return exportedNames.contains(last) ? last : nil
    }

    /// `a::b::c` → `c`; a trailing legacy hash component (`h` + 16 hex) is dropped, and
    /// a parameter list a symbolizer may print (`moq_connect(…)`) is cut.
    static func lastPathComponent(_ name: String) -> String {
        var s = Substring(name)
        if let paren = s.firstIndex(of: "("), !s.hasPrefix("(") { s = s[..<paren] }
        var parts = s.components(separatedBy: "::")
        if parts.count > 1, let last = parts.last, last.count == 17, last.hasPrefix("h"),
            last.dropFirst().allSatisfy(\.isHexDigit)
        {
            parts.removeLast()
        }
        return (parts.last ?? String(s)).trimmingCharacters(in: .whitespaces)
    }
}
