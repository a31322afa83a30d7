/// The characters XML 1.0 (and so expat) refuses: bytes that are not UTF-8,
/// and C0 control characters other than tab, LF and CR. Fed chunk after
/// chunk; a multi-byte sequence may straddle two chunks.
struct XMLCharacterCheck {
    /// Continuation bytes still expected, and the range the next one must be in
    /// (narrower after E0, ED, F0, F4: no overlong forms, surrogates or > U+10FFFF).
    private var need = 0
    private var lo: UInt8 = 0x80
    private var hi: UInt8 = 0xBF

    /// The offset in `p[0..<n]` of the first refused byte, and why.
    mutating func check(_ p: UnsafePointer<UInt8>, _ n: Int) -> (offset: Int, what: String)? {
        var k = 0
        while k < n {
            let b = p[k]
            if need == 0 {
                if b >= 0x20 && b < 0x80 {
                    k += 1
                    continue
                }
                if b < 0x20 {
                    if b == 0x09 || b == 0x0A || b == 0x0D {
                        k += 1
                        continue
                    }
                    return (k, "control character 0x\(String(b, radix: 16)) (not allowed in XML)")
                }
                switch b {
                case 0xC2...0xDF: (need, lo, hi) = (1, 0x80, 0xBF)
                case 0xE0: (need, lo, hi) = (2, 0xA0, 0xBF)
                case 0xED: (need, lo, hi) = (2, 0x80, 0x9F)
                case 0xE1...0xEF: (need, lo, hi) = (2, 0x80, 0xBF)
                case 0xF0: (need, lo, hi) = (3, 0x90, 0xBF)
                case 0xF1...0xF3: (need, lo, hi) = (3, 0x80, 0xBF)
                case 0xF4: (need, lo, hi) = (3, 0x80, 0x8F)
                default: return (k, "byte 0x\(String(b, radix: 16)) is not UTF-8")
                }
            } else {
                guard b >= lo && b <= hi else { return (k, "byte 0x\(String(b, radix: 16)) is not UTF-8") }
                need -= 1
                (lo, hi) = (0x80, 0xBF)
            }
            k += 1
        }
        return nil
    }

    /// `p[0..<n]` is the inside of a reference `&…;` that XML defines without a DTD.
    static func isReference(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        let s = UnsafeBufferPointer(start: p, count: n)
        if s.elementsEqual("lt".utf8) || s.elementsEqual("gt".utf8) || s.elementsEqual("amp".utf8)
            || s.elementsEqual("quot".utf8) || s.elementsEqual("apos".utf8)
        {
            return true
        }
        guard n >= 2, p[0] == UInt8(ascii: "#") else { return false }
        var v: UInt32 = 0
        var k = 1
        let hex = p[1] == UInt8(ascii: "x")
        if hex { k = 2 }
        guard k < n else { return false }
        while k < n {
            let d = p[k]
            let digit: UInt32
            if d >= 0x30 && d <= 0x39 {
                digit = UInt32(d - 0x30)
            } else if hex && (d | 0x20) >= 0x61 && (d | 0x20) <= 0x66 {
                digit = UInt32((d | 0x20) - 0x61 + 10)
            } else {
                return false
            }
            v = v * (hex ? 16 : 10) + digit
            if v > 0x10FFFF { return false }
            k += 1
        }
        // Char ::= #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]
        return v == 0x9 || v == 0xA || v == 0xD || (v >= 0x20 && v <= 0xD7FF) || (v >= 0xE000 && v <= 0xFFFD)
            || v >= 0x10000
    }
}
