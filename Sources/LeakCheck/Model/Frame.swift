/// One stack frame, innermost first in a `Finding.stack`.
public struct Frame: Codable, Sendable, Hashable {
    /// Demangled function name as the checker printed it.
    public var function: String?
    /// Source file (with directory when the checker gave one).
    public var file: String?
    public var line: Int?
    /// Shared object or executable the frame is in.
    public var object: String?
    /// Instruction pointer as printed (`0x4C2A...`), kept for post-mortem.
    public var address: String?
    /// The mangled symbol, when the checker gave it (valgrind's
    /// `--gen-suppressions=all` XML carries it in `<sframe><fun>`). valgrind
    /// matches suppression `fun:` lines against mangled names.
    public var mangled: String?

    public init(
        function: String? = nil, file: String? = nil, line: Int? = nil, object: String? = nil,
        address: String? = nil, mangled: String? = nil
    ) {
        self.mangled = mangled
        self.function = function
        self.file = file
        self.line = line
        self.object = object
        self.address = address
    }

    /// `function (file:line)` or the best of what is known.
    public var display: String {
        var s = function ?? address ?? "???"
        if let file {
            s += " (\(file)\(line.map { ":\($0)" } ?? ""))"
        } else if let object {
            s += " (in \(object))"
        }
        return s
    }
}
