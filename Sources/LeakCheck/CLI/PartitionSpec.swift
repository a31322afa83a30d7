/// `--partition KIND:K/N`, with cargo-nextest's meaning: `count` deals the jobs of
/// each binary round-robin, `hash` places each job by a stable hash of its name (so
/// a test stays in its partition as others are added), `slice` deals round-robin
/// across the whole job list.
public struct PartitionSpec: Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, CaseIterable {
        case count, hash, slice
    }
    public var kind: Kind
    /// 1-based partition number K.
    public var index: Int
    /// Number of partitions N.
    public var total: Int

    public init(kind: Kind, index: Int, total: Int) {
        self.kind = kind
        self.index = index
        self.total = total
    }

    /// Parses `count:K/N`, `hash:K/N` or `slice:K/N`; throws a one-line `UsageError`.
    public static func parse(_ text: String) throws -> PartitionSpec {
        let usage = "--partition takes count:K/N, hash:K/N or slice:K/N with 1 ≤ K ≤ N, got '\(text)'"
        let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2 else { throw UsageError(usage) }
        guard let kind = Kind(rawValue: String(parts[0])) else {
            throw UsageError("--partition: unknown kind '\(parts[0])' (use count, hash or slice)")
        }
        let numbers = parts[1].split(separator: "/", omittingEmptySubsequences: false)
        guard numbers.count == 2, let k = Int(numbers[0]), let n = Int(numbers[1]),
            numbers.allSatisfy({ $0.allSatisfy(\.isASCII) && !$0.hasPrefix("+") })
        else { throw UsageError(usage) }
        guard n >= 1 else { throw UsageError("--partition \(text): the number of partitions must be ≥ 1") }
        guard k >= 1, k <= n else { throw UsageError("--partition \(text): K must be between 1 and \(n)") }
        return PartitionSpec(kind: kind, index: k, total: n)
    }

    public var description: String { "\(kind.rawValue):\(index)/\(total)" }

    /// For `count` (position inside one binary's test list) and `slice` (position in
    /// the whole job list): whether the job at 0-based `ordinal` is in this partition.
    public func includes(ordinal: Int) -> Bool { ordinal % total == index - 1 }

    /// For `hash`: whether the job named `key` is in this partition. FNV-1a over the
    /// UTF-8 bytes, so the answer is the same on every machine and every run
    /// (Swift's `Hasher` is seeded per process and would not be).
    public func includes(key: String) -> Bool { Int(Self.stableHash(key) % UInt64(total)) == index - 1 }

    /// 64-bit FNV-1a.
    public static func stableHash(_ key: String) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in key.utf8 {
            h ^= UInt64(b)
            h &*= 0x0000_0100_0000_01b3
        }
        return h
    }
}
