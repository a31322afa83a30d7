/// The kinds of finding every checker's output is mapped to. The raw names
/// are part of the JSON contract (DESIGN.md): keep them.
public enum FindingKind: String, Codable, Sendable, CaseIterable, Comparable {
    case definitelyLost
    case indirectlyLost
    case possiblyLost
    case stillReachable
    case invalidRead
    case invalidWrite
    case invalidFree
    case mismatchedFree
    case useAfterFree
    case heapBufferOverflow
    case stackBufferOverflow
    case globalBufferOverflow
    case stackUseAfterScope
    case stackUseAfterReturn
    case doubleFree
    case uninitialisedValue
    case syscallParam
    case overlap
    case fatalSignal
    /// The test program itself failed (non-zero exit, failing test) under the checker.
    case testFailure
    /// What a checker's own summary counts beyond the records it printed
    /// (a LEAK SUMMARY with more bytes than its loss records add up to).
    case summaryOnly
    case other

    /// Leak kinds are reported with byte and block counts and do not count as `errors`.
    public var isLeak: Bool {
        switch self {
        case .definitelyLost, .indirectlyLost, .possiblyLost, .stillReachable: return true
        default: return false
        }
    }

    /// Order used for sorting and for human summaries: leaks first, most severe first.
    public var order: Int { Self.allCases.firstIndex(of: self)! }

    public static func < (lhs: FindingKind, rhs: FindingKind) -> Bool { lhs.order < rhs.order }

    /// The words a person reads ("definitely lost", "invalid read").
    public var phrase: String {
        switch self {
        case .definitelyLost: return "definitely lost"
        case .indirectlyLost: return "indirectly lost"
        case .possiblyLost: return "possibly lost"
        case .stillReachable: return "still reachable"
        case .invalidRead: return "invalid read"
        case .invalidWrite: return "invalid write"
        case .invalidFree: return "invalid free"
        case .mismatchedFree: return "mismatched free"
        case .useAfterFree: return "use after free"
        case .heapBufferOverflow: return "heap buffer overflow"
        case .stackBufferOverflow: return "stack buffer overflow"
        case .globalBufferOverflow: return "global buffer overflow"
        case .stackUseAfterScope: return "stack use after scope"
        case .stackUseAfterReturn: return "stack use after return"
        case .doubleFree: return "double free"
        case .uninitialisedValue: return "uninitialised value"
        case .syscallParam: return "syscall param"
        case .overlap: return "overlapping copy"
        case .fatalSignal: return "fatal signal"
        case .testFailure: return "test failure"
        case .summaryOnly: return "counted only in the checker's summary"
        case .other: return "other"
        }
    }
}

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

/// One typed finding from a checker run.
public struct Finding: Codable, Sendable, Hashable {
    public var kind: FindingKind
    /// The checker's own name: `Leak_DefinitelyLost`, `heap-use-after-free`, …
    public var rawKind: String
    /// Bytes of this finding. For leaks these are the **direct** bytes, so that
    /// the sum over records equals valgrind's LEAK SUMMARY.
    public var bytes: Int?
    public var blocks: Int?
    /// For a definitely/possibly lost record, the bytes of the blocks it keeps
    /// indirectly lost (valgrind's `(D direct, I indirect)` split).
    public var indirectBytes: Int?
    public var message: String
    /// Stable hex digest of kind and frames (no addresses): the same leak gives
    /// the same fingerprint across runs and machines.
    public var fingerprint: String
    public var stack: [Frame]
    /// Secondary stacks with what they describe ("Address … is 0 bytes inside a
    /// block of size 16 free'd", "freed by thread T0 here").
    public var auxiliary: [AuxiliaryStack]
    /// Name of the suppression that removed this finding (nil: not suppressed).
    public var suppressedBy: String?
    /// `file:line` of that suppression.
    public var suppressionSource: String?
    /// The suppression hid a finding whose stack passes through the crate's own code.
    public var suppressionOverBroad: Bool?
    /// Test the finding is attributed to, when known.
    public var test: String?
    /// Thread the checker reported it on (valgrind `tid`, ASan `T0`).
    public var thread: String?
    /// Where the allocation crossed from the caller's code into the crate's C ABI.
    public var boundary: Boundary?
    /// How `test` was found: `stack` (a test frame on the stack) or `rerun`
    /// (re-running the test alone reproduced it); nil when not attributed.
    public var attributedBy: Attribution?
    /// Identical findings (same fingerprint) in one run, stored once.
    public var count: Int?
    /// The checkers that saw this finding (cross-checker matching in `all`).
    public var seenBy: [Checker]?
    /// Against `--baseline`: `new` or `known`.
    public var baseline: BaselineState?
    /// For a leak only one checker saw, why the other would not (when known).
    public var seenByReason: String?

    public init(
        kind: FindingKind, rawKind: String, bytes: Int? = nil, blocks: Int? = nil,
        indirectBytes: Int? = nil, message: String, stack: [Frame] = [],
        auxiliary: [AuxiliaryStack] = [], suppressedBy: String? = nil, test: String? = nil,
        thread: String? = nil
    ) {
        self.kind = kind
        self.rawKind = rawKind
        self.bytes = bytes
        self.blocks = blocks
        self.indirectBytes = indirectBytes
        self.message = message
        self.stack = stack
        self.auxiliary = auxiliary
        self.suppressedBy = suppressedBy
        self.test = test
        self.thread = thread
        self.fingerprint = Fingerprint.of(kind: kind, stack: stack)
    }

    /// Total bytes a leak record keeps unreachable (direct + indirect).
    public var totalBytes: Int? {
        guard let bytes else { return nil }
        return bytes + (indirectBytes ?? 0)
    }
}

public struct AuxiliaryStack: Codable, Sendable, Hashable {
    public var what: String
    public var stack: [Frame]
    public init(what: String, stack: [Frame]) {
        self.what = what
        self.stack = stack
    }
}

/// FNV-1a 64 over the kind and each frame's function/file/object (never
/// addresses or line numbers, which move with every edit).
public enum Fingerprint {
    public static func of(kind: FindingKind, stack: [Frame]) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ s: String) {
            for b in s.utf8 {
                hash ^= UInt64(b)
                hash &*= 0x0000_0100_0000_01b3
            }
            hash ^= 0xff
            hash &*= 0x0000_0100_0000_01b3
        }
        mix(kind.rawValue)
        for frame in stack.prefix(12) {
            mix(frame.function ?? frame.object ?? "?")
            mix(frame.file.map(baseName) ?? "")
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// Last path component without splitting the whole path (hot in parsers).
    static func baseName(_ path: String) -> String {
        // Same answer as `split(separator: "/").last ?? path`: trailing slashes ignored.
        let bytes = path.utf8
        var end = bytes.endIndex
        while end > bytes.startIndex, bytes[bytes.index(before: end)] == UInt8(ascii: "/") { end = bytes.index(before: end) }
        if end == bytes.startIndex { return path }
        let head = bytes[..<end]
        let start = head.lastIndex(of: UInt8(ascii: "/")).map { bytes.index(after: $0) } ?? bytes.startIndex
        return String(Substring(bytes[start..<end]))
    }
}

/// How a finding was tied to a test.
public enum Attribution: String, Codable, Sendable, Hashable {
    case stack, rerun
}

/// A finding's standing against a `--baseline` report.
public enum BaselineState: String, Codable, Sendable, Hashable {
    case new, known
}

/// A source location on a stack (the caller side of an FFI boundary).
public struct CodeLocation: Codable, Sendable, Hashable {
    public var function: String?
    public var file: String?
    public var line: Int?
    public init(function: String? = nil, file: String? = nil, line: Int? = nil) {
        self.function = function
        self.file = file
        self.line = line
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
    public init(function: String, file: String? = nil, line: Int? = nil, caller: CodeLocation? = nil, release: String? = nil) {
        self.function = function
        self.file = file
        self.line = line
        self.caller = caller
        self.release = release
    }
}
