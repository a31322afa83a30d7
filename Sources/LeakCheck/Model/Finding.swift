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
    /// The suppression hid a finding whose stack passes through the crate's own code
    /// (only with `--allow-broad-suppressions`: otherwise such a match does not suppress).
    public var suppressionOverBroad: Bool?
    /// An over-broad entry matched this finding while broad entries gate (the
    /// default): the finding is not suppressed (`suppressedBy` nil) and counts
    /// like any other; this names the entry that would have hidden it.
    public var overBroadSuppression: OverBroadSuppression?
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
    /// Why this finding never gates, set by the checker that knows it cannot tell it from a
    /// false report (helgrind on a cargo build's races): it is listed, not counted.
    public var notGatingReason: String?

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
