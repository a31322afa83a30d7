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
        while end > bytes.startIndex, bytes[bytes.index(before: end)] == UInt8(ascii: "/") {
            end = bytes.index(before: end)
        }
        if end == bytes.startIndex { return path }
        let head = bytes[..<end]
        let start = head.lastIndex(of: UInt8(ascii: "/")).map { bytes.index(after: $0) } ?? bytes.startIndex
        return String(Substring(bytes[start..<end]))
    }
}
