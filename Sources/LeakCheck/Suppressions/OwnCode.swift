/// "The crate's own code": the library's crate name and its test targets' names,
/// and the directories its sources live in (a ctest test's sources too). A
/// suppression that hides a finding through own-code frames without naming any
/// of them is over-broad (`SuppressionMatch.isOverBroad`).
public struct OwnCode: Sendable, Hashable {
    /// Crate identifiers as they appear in paths (`moq_ffi`; dashes become underscores).
    public var crateNames: Set<String>
    /// Source directories, each ending in `/`.
    public var sourceRoots: [String]
    /// Build trees whose objects are own code when a frame has no source file
    /// (a ctest tree built without `-g`: its test's `main` is known only by
    /// `obj:`), each ending in `/`.
    public var objectRoots: [String]

    public init(crateNames: [String], sourceRoots: [String], objectRoots: [String] = []) {
        self.crateNames = Set(crateNames.map { $0.replacingOccurrences(of: "-", with: "_") })
        self.sourceRoots = sourceRoots.filter { !$0.isEmpty }.map { $0.hasSuffix("/") ? $0 : $0 + "/" }
        self.objectRoots = objectRoots.filter { !$0.isEmpty }.map { $0.hasSuffix("/") ? $0 : $0 + "/" }
    }

    /// Dependencies and the standard library live under these even when a source
    /// root contains them (a crate checked out in the home directory, vendored deps).
    static let foreignPathMarkers = [
        "/.cargo/registry/", "/.cargo/git/", "/rustc/", "/.rustup/toolchains/", "/vendor/",
        "/target/debug/build/", "/target/release/build/",
    ]

    /// Whether this frame is the crate's code: its demangled path or mangled
    /// symbol names one of the crates first, or its source file is under a root.
    public func contains(_ frame: Frame) -> Bool {
        if let f = frame.function, let crate = Self.leadingCrate(ofDemangled: f), crateNames.contains(crate) {
            return true
        }
        if let m = frame.mangled, let crate = Self.leadingCrate(ofMangled: m), crateNames.contains(crate) {
            return true
        }
        if let file = frame.file, file.hasPrefix("/"),
            sourceRoots.contains(where: { file.hasPrefix($0) }),
            !Self.foreignPathMarkers.contains(where: { file.contains($0) })
        {
            return true
        }
        if frame.file == nil, let object = frame.object, object.hasPrefix("/"),
            objectRoots.contains(where: { object.hasPrefix($0) })
        {
            return true
        }
        return false
    }

    /// Index of the first own-code frame of a stack (innermost first), skipping
    /// the `main` libtest generates inside every test crate (`crate::main` called
    /// from `std::rt`, calling `test::test_main_static`): that frame is harness,
    /// not code a suppression should be blamed for hiding.
    public func firstOwnFrame(in stack: [Frame]) -> Int? {
        for (i, frame) in stack.enumerated() where contains(frame) {
            if isHarnessMain(frame, inner: i > 0 ? stack[i - 1] : nil) { continue }
            return i
        }
        return nil
    }

    /// Indices of every own-code frame of a stack, innermost first, harness
    /// `main` excepted (see `firstOwnFrame`).
    public func ownFrameIndices(in stack: [Frame]) -> [Int] {
        stack.indices.filter { i in
            contains(stack[i]) && !isHarnessMain(stack[i], inner: i > 0 ? stack[i - 1] : nil)
        }
    }

    /// Does the stack pass through own code (harness `main` excepted)?
    public func touches(_ stack: [Frame]) -> Bool { firstOwnFrame(in: stack) != nil }

    func isHarnessMain(_ frame: Frame, inner: Frame?) -> Bool {
        guard let f = frame.function, f.hasSuffix("::main"),
            let crate = Self.leadingCrate(ofDemangled: f), f == "\(crate)::main"
        else { return false }
        guard let inner else { return false }
        let innerName = inner.function ?? ""
        let innerCrate =
            Self.leadingCrate(ofDemangled: innerName)
            ?? inner.mangled.flatMap { Self.leadingCrate(ofMangled: $0) }
        return innerCrate == "test" || innerName.hasPrefix("test_main")
    }

    // MARK: - Names

    /// `moq_ffi::tests::f`, `<moq_ffi::Client>::new`, `<moq_ffi::X as core::Drop>::drop`
    /// → `moq_ffi`. Unqualified names (inlined `{closure#0}`, `alloc`) → nil.
    static func leadingCrate(ofDemangled name: String) -> String? {
        var s = Substring(name)
        while true {
            if s.hasPrefix("<") || s.hasPrefix("&") {
                s = s.dropFirst()
            } else if s.hasPrefix("mut ") || s.hasPrefix("dyn ") {
                s = s.dropFirst(4)
            } else {
                break
            }
        }
        guard let sep = s.range(of: "::") else { return nil }
        let head = s[..<sep.lowerBound]
        guard !head.isEmpty, head.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else { return nil }
        return String(head)
    }

    /// The crate that a mangled symbol's path starts in (not the crate that
    /// instantiated a generic, which v0 appends at the end).
    /// Legacy `_ZN7moq_ffi5tests…` → `moq_ffi`; legacy impls `_ZN…_$LT$moq_ffi..X$u20$as…`
    /// → `moq_ffi`; v0 `_RNvNtCs…_7moq_ffi5tests…` → `moq_ffi`.
    static func leadingCrate(ofMangled symbol: String) -> String? {
        let b = Array(symbol.utf8)
        if b.starts(with: Array("_ZN".utf8)) {
            var i = 3
            guard let (ident, _) = decimalIdent(b, &i) else { return nil }
            var id = Substring(ident)
            for prefix in ["_$LT$", "$LT$"] where id.hasPrefix(prefix) {
                id = id.dropFirst(prefix.count)
            }
            while id.hasPrefix("$RF$") || id.hasPrefix("mut$u20$") || id.hasPrefix("dyn$u20$") {
                id = id.hasPrefix("$RF$") ? id.dropFirst(4) : id.dropFirst(8)
            }
            let end = id.range(of: "..")?.lowerBound ?? id.range(of: "$")?.lowerBound ?? id.endIndex
            let crate = id[..<end]
            return crate.isEmpty ? nil : String(crate)
        }
        if b.starts(with: Array("_R".utf8)) {
            var i = 2
            return V0.firstCrate(b, &i, depth: 0)
        }
        return nil
    }

    /// `<decimal length><bytes>` at `i`.
    static func decimalIdent(_ b: [UInt8], _ i: inout Int) -> (String, Int)? {
        var n = 0
        var digits = 0
        while i < b.count, b[i] >= 48, b[i] <= 57 {
            n = n * 10 + Int(b[i] - 48)
            i += 1
            digits += 1
            if n > 10_000 { return nil }
        }
        guard digits > 0, i + n <= b.count else { return nil }
        let s = String(decoding: b[i..<(i + n)], as: UTF8.self)
        i += n
        return (s, n)
    }

    /// Just enough of the v0 grammar to reach the first crate root of a path.
    enum V0 {
        static func firstCrate(_ b: [UInt8], _ i: inout Int, depth: Int) -> String? {
            guard depth < 16, i < b.count else { return nil }
            let tag = b[i]
            i += 1
            switch tag {
            case UInt8(ascii: "C"):  // crate root: [s<base62>_] <ident>
                skipDisambiguator(b, &i)
                return ident(b, &i)
            case UInt8(ascii: "N"):  // nested: <namespace> <path> <ident>
                guard i < b.count else { return nil }
                i += 1
                return firstCrate(b, &i, depth: depth + 1)
            case UInt8(ascii: "M"):  // inherent impl: [s…_] <path of impl's parent> <type>
                skipDisambiguator(b, &i)
                return firstCrate(b, &i, depth: depth + 1)
            case UInt8(ascii: "X"):  // trait impl: [s…_] <path> <type> <path>
                skipDisambiguator(b, &i)
                return firstCrate(b, &i, depth: depth + 1)
            case UInt8(ascii: "Y"):  // <type as trait>: the self type comes first
                return firstCrateOfType(b, &i, depth: depth + 1)
            case UInt8(ascii: "I"):  // generic args follow the path
                return firstCrate(b, &i, depth: depth + 1)
            default:
                return nil
            }
        }

        static func firstCrateOfType(_ b: [UInt8], _ i: inout Int, depth: Int) -> String? {
            guard depth < 16, i < b.count else { return nil }
            switch b[i] {
            case UInt8(ascii: "C"), UInt8(ascii: "N"), UInt8(ascii: "M"), UInt8(ascii: "X"),
                UInt8(ascii: "Y"), UInt8(ascii: "I"):
                return firstCrate(b, &i, depth: depth)
            case UInt8(ascii: "R"), UInt8(ascii: "Q"):  // & / &mut [lifetime] <type>
                i += 1
                if i < b.count, b[i] == UInt8(ascii: "L") {
                    i += 1
                    skipBase62(b, &i)
                }
                return firstCrateOfType(b, &i, depth: depth + 1)
            case UInt8(ascii: "P"), UInt8(ascii: "O"), UInt8(ascii: "S"):  // pointers, slices
                i += 1
                return firstCrateOfType(b, &i, depth: depth + 1)
            default:
                return nil
            }
        }

        static func skipDisambiguator(_ b: [UInt8], _ i: inout Int) {
            if i < b.count, b[i] == UInt8(ascii: "s") {
                i += 1
                skipBase62(b, &i)
            }
        }

        /// `<base62 digits>_` (possibly just `_`).
        static func skipBase62(_ b: [UInt8], _ i: inout Int) {
            while i < b.count, b[i] != UInt8(ascii: "_") { i += 1 }
            if i < b.count { i += 1 }
        }

        /// `[u]<decimal>[_]<bytes>`.
        static func ident(_ b: [UInt8], _ i: inout Int) -> String? {
            if i < b.count, b[i] == UInt8(ascii: "u") { i += 1 }
            var n = 0
            var digits = 0
            while i < b.count, b[i] >= 48, b[i] <= 57 {
                n = n * 10 + Int(b[i] - 48)
                i += 1
                digits += 1
                if n > 10_000 { return nil }
            }
            guard digits > 0 else { return nil }
            if i < b.count, b[i] == UInt8(ascii: "_") { i += 1 }
            guard i + n <= b.count else { return nil }
            defer { i += n }
            return String(decoding: b[i..<(i + n)], as: UTF8.self)
        }
    }
}
