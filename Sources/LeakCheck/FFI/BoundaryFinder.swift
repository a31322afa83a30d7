/// Finds where a leaked allocation crossed from the caller's code into the crate's C ABI.
///
/// Walking the allocation stack from the allocation outwards (innermost first), the
/// boundary is the first frame that is an exported C-ABI function of the crate and whose
/// next outer frame is caller code: a C test's function, or a Rust test calling the C
/// API. The caller predicate must say "test code" (the ctest sources, the crate's test
/// targets), not the library itself: an exported function called by another exported
/// function of the crate is not a boundary.
public struct BoundaryFinder: Sendable {
    public var surface: FFISurface
    public var isCallerCode: @Sendable (Frame) -> Bool
    /// Caller frames the checker could name but not place (no debug info): the
    /// boundary is kept with the caller's function and object.
    public var isCallerWithoutLine: (@Sendable (Frame) -> Bool)?

    /// The one line printed when a caller had no `file:line`.
    public static let debugInfoHint =
        "a caller of the C API has no file:line (built without debug info): build the C tests with -g (CMAKE_BUILD_TYPE=Debug or RelWithDebInfo) to get the line"

    public init(
        surface: FFISurface, isCallerCode: @escaping @Sendable (Frame) -> Bool,
        isCallerWithoutLine: (@Sendable (Frame) -> Bool)? = nil
    ) {
        self.surface = surface
        self.isCallerCode = isCallerCode
        self.isCallerWithoutLine = isCallerWithoutLine
    }

    /// `debugInfoHint` when a boundary's caller has a function but no file, else nil.
    public static func hint(for findings: [Finding]) -> String? {
        findings.contains { f in f.boundary?.caller.map { $0.file == nil && $0.function != nil } ?? false }
            ? debugInfoHint : nil
    }

    /// The boundary of one allocation stack, or nil when the stack never goes from
    /// caller code into an exported function.
    ///
    /// `file`/`line` are the boundary frame's own (the line inside the exported function
    /// on the way to the allocation, e.g. moq_connect's `return MoqResult::error(…)`),
    /// or the function's definition when the checker gave no file for it. A relative
    /// frame file that the definition's path ends with (GCC's libasan prints `src/lib.rs`)
    /// becomes that absolute path.
    public func boundary(in stack: [Frame]) -> Boundary? {
        for (i, frame) in stack.enumerated() {
            guard let function = surface.exportedFunction(of: frame) else { continue }
            // Frames the checker could not name at all (`???`) carry no information
            // about who called: look past them.
            guard let caller = stack[(i + 1)...].first(where: { $0.function != nil || $0.file != nil }),
                isCallerCode(caller) || (caller.file == nil && isCallerWithoutLine?(caller) == true)
            else { continue }
            let definition = surface.definition(of: function)
            var file = frame.file ?? definition?.file
            if let relative = frame.file, !relative.hasPrefix("/"), let absolute = definition?.file,
                absolute.hasSuffix("/" + relative)
            {
                file = absolute
            }
            return Boundary(
                function: function,
                file: file,
                line: frame.file != nil ? frame.line : definition?.line,
                caller: CodeLocation(
                    function: caller.function, file: caller.file, line: caller.line,
                    object: caller.file == nil ? caller.object : nil),
                release: surface.release(for: function))
        }
        return nil
    }

    /// Sets `boundary` on every leak finding whose stack has one (other kinds unchanged).
    public func annotate(_ findings: [Finding]) -> [Finding] {
        findings.map { finding in
            guard finding.kind.isLeak, finding.boundary == nil, let b = boundary(in: finding.stack) else {
                return finding
            }
            var f = finding
            f.boundary = b
            return f
        }
    }
}

/// Ready-made caller predicates.
public enum CallerCode {
    /// A C function the checker named in an executable of the C suite but could
    /// not place (built without `-g`): a plain C name (no `::`), in an object that
    /// is not a shared library and lies under one of `buildRoots` (the suite's
    /// build trees). Nothing else tells a caller from the crate there.
    public static func withoutDebugInfo(under buildRoots: [String]) -> @Sendable (Frame) -> Bool {
        let dirs = buildRoots.filter { !$0.isEmpty }.map { $0.hasSuffix("/") ? $0 : $0 + "/" }
        return { frame in
            guard frame.file == nil, let fn = frame.function, !fn.isEmpty, !fn.contains("::"), fn != "???",
                let object = frame.object, !object.contains(".so")
            else { return false }
            return dirs.contains { object.hasPrefix($0) }
        }
    }

    /// Frames whose source file is under one of these directories or is one of these
    /// files (absolute paths): a ctest project's source directory, a crate's `tests/`,
    /// its `src/tests.rs`. Paths under a Rust toolchain or a dependency never count.
    public static func files(under roots: [String]) -> @Sendable (Frame) -> Bool {
        let dirs = roots.filter { !$0.isEmpty }.map {
            $0.hasSuffix("/") || $0.hasSuffix(".rs") || $0.hasSuffix(".c") ? $0 : $0 + "/"
        }
        return { frame in
            guard let file = frame.file, file.hasPrefix("/") else { return false }
            if OwnCode.foreignPathMarkers.contains(where: { file.contains($0) }) { return false }
            return dirs.contains { $0.hasSuffix("/") ? file.hasPrefix($0) : file == $0 }
        }
    }
}
