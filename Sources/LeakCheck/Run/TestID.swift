/// One schedulable job: a test of a test binary, or a whole program when
/// `test` is nil (a `--no-split` binary, a ctest test, a command).
///
/// `binary` must be stable across builds and machines, because partitions and
/// the timing cache are keyed by it: the target kind, the target name and the
/// feature set (`lib:moq_ffi[with_moq]`, `test:lifecycle[]`,
/// `ctest:build/c_tests`), never the path cargo puts a hash in.
public struct TestID: Hashable, Sendable, Codable, Comparable, CustomStringConvertible {
    public var binary: String
    public var test: String?

    public init(binary: String, test: String? = nil) {
        self.binary = binary
        self.test = test
    }

    /// Order used wherever a deterministic order is needed: binary, then test,
    /// a whole-program job (nil test) before the tests of the same binary.
    public static func < (a: TestID, b: TestID) -> Bool {
        if a.binary != b.binary { return a.binary < b.binary }
        switch (a.test, b.test) {
        case (nil, nil): return false
        case (nil, _): return true
        case (_, nil): return false
        case let (x?, y?): return x < y
        }
    }

    /// `binary` or `binary test`.
    public var description: String { test.map { "\(binary) \($0)" } ?? binary }
}

/// A hash that is the same on every run, machine and Swift version (Swift's
/// `Hasher` is seeded per process, so it cannot place a test in a partition).
///
/// FNV-1a 64 over the UTF-8 bytes, then MurmurHash3's `fmix64` finalizer so the
/// low bits used by `% N` depend on every input byte. Never change it: every
/// `hash:K/N` partition would move.
public enum StableHash {
    public static func of(_ text: String) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in text.utf8 {
            h ^= UInt64(b)
            h &*= 0x0000_0100_0000_01b3
        }
        h ^= h >> 33
        h &*= 0xff51_afd7_ed55_8ccd
        h ^= h >> 33
        h &*= 0xc4ce_b9fe_1a85_ec53
        h ^= h >> 33
        return h
    }
}
