/// A source location on a stack (the caller side of an FFI boundary).
public struct CodeLocation: Codable, Sendable, Hashable {
    public var function: String?
    public var file: String?
    public var line: Int?
    /// The executable or library the frame is in, when the checker gave no file
    /// (a C suite built without `-g`).
    public var object: String?
    public init(function: String? = nil, file: String? = nil, line: Int? = nil, object: String? = nil) {
        self.function = function
        self.file = file
        self.line = line
        self.object = object
    }
}

/// The exported C-ABI function of the crate through which the leaked memory
/// came back to the caller, and the crate's function that would free it.
/// JSON: `{function, file, line, caller: {function, file, line}, release}`.
public struct Boundary: Codable, Sendable, Hashable {
    public var function: String
    public var file: String?
    public var line: Int?
    public var caller: CodeLocation?
    /// The crate's function that frees what `function` returned; nil when none is known.
    public var release: String?
    public init(
        function: String, file: String? = nil, line: Int? = nil, caller: CodeLocation? = nil, release: String? = nil
    ) {
        self.function = function
        self.file = file
        self.line = line
        self.caller = caller
        self.release = release
    }
}
