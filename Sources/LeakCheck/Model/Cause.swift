/// Gating findings grouped by the fix they need (`report.causes`): one missing
/// `moq_free_str()` reached from 42 call sites is one cause with 42 sites.
///
/// JSON: `{id, kind, sentence, allocation: {function, file, line} | null,
/// functions, release, bytes, blocks, checkers, sites: [{test, caller, bytes,
/// blocks, fingerprints}]}`. Figures are one checker's (the largest any one
/// checker reports), never summed across checkers.
public struct Cause: Sendable, Hashable {
    /// One caller line (or one test, when no caller is known) that reaches the cause.
    public struct Site: Sendable, Hashable {
        public var test: String?
        public var caller: CodeLocation?
        public var bytes: Int
        public var blocks: Int
        /// `Finding.fingerprint` of every finding at this site, sorted.
        public var fingerprints: [String]
        public init(test: String?, caller: CodeLocation?, bytes: Int, blocks: Int, fingerprints: [String]) {
            self.test = test
            self.caller = caller
            self.bytes = bytes
            self.blocks = blocks
            self.fingerprints = fingerprints
        }
    }

    /// Stable hex of what keys the cause (kind class, allocation, release).
    public var id: String
    public var kind: FindingKind
    /// One line a person reads (`2,062 bytes in 42 blocks definitely lost: …`).
    public var sentence: String
    /// The innermost frame in the code under test (the allocation for a leak,
    /// the access for a memory error); nil when the stack has none.
    public var allocation: CodeLocation?
    /// Exported C-ABI functions the findings crossed, most frequent first.
    public var functions: [String]
    /// The crate's function that frees what `functions` return; nil when none is known.
    public var release: String?
    public var bytes: Int
    public var blocks: Int
    public var checkers: [Checker]
    /// Most bytes first.
    public var sites: [Site]
    /// Tests the sites were seen in (distinct, sorted).
    public var tests: [String]
    /// Why only one checker saw it, when several ran and the reason is known (`seenByReason`).
    public var seenByReason: String?

    public init(
        id: String, kind: FindingKind, sentence: String, allocation: CodeLocation?, functions: [String],
        release: String?, bytes: Int, blocks: Int, checkers: [Checker], sites: [Site], tests: [String]
    ) {
        self.id = id
        self.kind = kind
        self.sentence = sentence
        self.allocation = allocation
        self.functions = functions
        self.release = release
        self.bytes = bytes
        self.blocks = blocks
        self.checkers = checkers
        self.sites = sites
        self.tests = tests
    }

    /// Memory errors 0, crashes and failing tests 1, leaks 2: the order every output shows them in.
    public var severity: Int {
        if kind.isLeak || kind == .summaryOnly { return 2 }
        if kind == .testFailure || kind == .fatalSignal { return 1 }
        return 0
    }
}

extension Cause.Site: Codable {
    enum CodingKeys: String, CodingKey { case test, caller, bytes, blocks, fingerprints }
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(test, forKey: .test)
        try c.encode(caller, forKey: .caller)
        try c.encode(bytes, forKey: .bytes)
        try c.encode(blocks, forKey: .blocks)
        try c.encode(fingerprints, forKey: .fingerprints)
    }
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        test = try c.decodeIfPresent(String.self, forKey: .test)
        caller = try c.decodeIfPresent(CodeLocation.self, forKey: .caller)
        bytes = try c.decodeIfPresent(Int.self, forKey: .bytes) ?? 0
        blocks = try c.decodeIfPresent(Int.self, forKey: .blocks) ?? 0
        fingerprints = try c.decodeIfPresent([String].self, forKey: .fingerprints) ?? []
    }
}

extension Cause: Codable {
    enum CodingKeys: String, CodingKey {
        case id, kind, sentence, allocation, functions, release, bytes, blocks, checkers, sites, tests, seenByReason
    }
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(kind, forKey: .kind)
        try c.encode(sentence, forKey: .sentence)
        try c.encode(allocation, forKey: .allocation)
        try c.encode(functions, forKey: .functions)
        try c.encode(release, forKey: .release)
        try c.encode(bytes, forKey: .bytes)
        try c.encode(blocks, forKey: .blocks)
        try c.encode(checkers, forKey: .checkers)
        try c.encode(sites, forKey: .sites)
        try c.encode(tests, forKey: .tests)
        try c.encodeIfPresent(seenByReason, forKey: .seenByReason)
    }
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        kind = try c.decode(FindingKind.self, forKey: .kind)
        sentence = try c.decode(String.self, forKey: .sentence)
        allocation = try c.decodeIfPresent(CodeLocation.self, forKey: .allocation)
        functions = try c.decodeIfPresent([String].self, forKey: .functions) ?? []
        release = try c.decodeIfPresent(String.self, forKey: .release)
        bytes = try c.decodeIfPresent(Int.self, forKey: .bytes) ?? 0
        blocks = try c.decodeIfPresent(Int.self, forKey: .blocks) ?? 0
        checkers = try c.decodeIfPresent([Checker].self, forKey: .checkers) ?? []
        sites = try c.decodeIfPresent([Site].self, forKey: .sites) ?? []
        tests = try c.decodeIfPresent([String].self, forKey: .tests) ?? []
        seenByReason = try c.decodeIfPresent(String.self, forKey: .seenByReason)
    }
}
