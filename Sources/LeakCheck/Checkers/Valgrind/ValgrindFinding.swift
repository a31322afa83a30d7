/// Builds findings for the valgrind parsers.
///
/// `Finding.init` computes `Fingerprint.of`, whose `baseName` splits every file
/// path into an array: that was 40% of the time of parsing a large XML. So the
/// finding is created through `Finding.init` with an empty stack, and the stack
/// and fingerprint are then set with `fastFingerprint`, which computes the same
/// digest without allocating. `ValgrindFingerprintTests` checks that both agree
/// on every fixture, so a change to `Fingerprint.of` cannot go unnoticed.
enum ValgrindFinding {
    static func make(
        kind: FindingKind, rawKind: String, bytes: Int? = nil, blocks: Int? = nil,
        indirectBytes: Int? = nil, message: String, stack: [Frame], auxiliary: [AuxiliaryStack] = [],
        thread: String? = nil
    ) -> Finding {
        var f = Finding(
            kind: kind, rawKind: rawKind, bytes: bytes, blocks: blocks, indirectBytes: indirectBytes,
            message: message, stack: [], auxiliary: auxiliary, thread: thread)
        f.stack = stack
        f.fingerprint = fastFingerprint(kind: kind, stack: stack)
        return f
    }

    /// Same digest as `Fingerprint.of(kind:stack:)`: FNV-1a 64 over the kind and,
    /// for the first 12 frames, the function (else object, else "?") and the last
    /// non-empty path component of the file, each followed by a 0xff separator.
    static func fastFingerprint(kind: FindingKind, stack: [Frame]) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        @inline(__always) func mixBytes(_ b: UnsafeBufferPointer<UInt8>) {
            for byte in b {
                hash ^= UInt64(byte)
                hash &*= 0x0000_0100_0000_01b3
            }
        }
        @inline(__always) func end() {
            hash ^= 0xff
            hash &*= 0x0000_0100_0000_01b3
        }
        func mix(_ s: String) {
            var s = s
            s.withUTF8 { mixBytes($0) }
            end()
        }
        func mixBaseName(_ path: String) {
            var s = path
            s.withUTF8 { b in
                // Last non-empty component between slashes; the whole path if none.
                var e = b.count
                while e > 0 && b[e - 1] == UInt8(ascii: "/") { e -= 1 }
                if e == 0 {
                    mixBytes(b)
                    return
                }
                var st = e
                while st > 0 && b[st - 1] != UInt8(ascii: "/") { st -= 1 }
                mixBytes(UnsafeBufferPointer(rebasing: b[st..<e]))
            }
            end()
        }
        mix(kind.rawValue)
        for frame in stack.prefix(12) {
            mix(frame.function ?? frame.object ?? "?")
            if let file = frame.file { mixBaseName(file) } else { end() }
        }
        var hex = String(hash, radix: 16)
        if hex.utf8.count < 16 { hex = String(repeating: "0", count: 16 - hex.utf8.count) + hex }
        return hex
    }
}
