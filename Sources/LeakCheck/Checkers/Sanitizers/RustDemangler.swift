/// Demangles Rust symbols: legacy (`_ZN…17h<16 hex>E`) and v0 (`_R…`, RFC 2603).
///
/// The output follows rustc-demangle (and binutils' `c++filt`, which ports it):
/// with `keepHash` it is exactly what `c++filt` prints (`foo::bar::h0123…`,
/// `mycrate[3c1c0]::foo`, `<11: usize>`); without it, the hash, the crate
/// disambiguators and the const type suffixes are left out, as rustc-demangle's
/// alternate form `{:#}` does. Anything it cannot read (punycode identifiers,
/// structured const values, future encoding versions) gives nil.
public enum RustDemangler {
    /// Demangles legacy (_ZN…17h<16 hex>E) and v0 (_R…) Rust symbols; returns nil if not a Rust symbol.
    public static func demangle(_ symbol: String, keepHash: Bool = false) -> String? {
        var bytes = Array(symbol.utf8)
        // `.llvm.<hex>` suffixes come from LTO and are never part of the name.
        if let r = findLLVMSuffix(bytes) { bytes.removeSubrange(r...) }
        if bytes.starts(with: Array("_ZN".utf8)) {
            return demangleLegacy(bytes[3...], keepHash: keepHash)
        }
        if bytes.starts(with: Array("__ZN".utf8)) {
            return demangleLegacy(bytes[4...], keepHash: keepHash)
        }
        if bytes.starts(with: Array("_R".utf8)) {
            return demangleV0(Array(bytes[2...]), keepHash: keepHash)
        }
        if bytes.starts(with: Array("__R".utf8)) {
            return demangleV0(Array(bytes[3...]), keepHash: keepHash)
        }
        return nil
    }

    /// `moq_ffi::tests::leak_x::h0123456789abcdef` → `moq_ffi::tests::leak_x`
    /// (symbolizer output of legacy-mangled names keeps the hash).
    public static func stripLegacyHash(_ name: String) -> String {
        let u = name.utf8
        guard u.count > 19 else { return name }
        let start = u.index(u.endIndex, offsetBy: -19)
        let tail = u[start...]
        guard tail.starts(with: "::h".utf8), tail.dropFirst(3).allSatisfy(isHexDigit) else {
            return name
        }
        return String(name[..<start])
    }

    static func isHexDigit(_ b: UInt8) -> Bool {
        (b >= 48 && b <= 57) || (b >= 97 && b <= 102) || (b >= 65 && b <= 70)
    }

    static func findLLVMSuffix(_ bytes: [UInt8]) -> Int? {
        let marker = Array(".llvm.".utf8)
        guard bytes.count > marker.count else { return nil }
        for i in 0...(bytes.count - marker.count) where bytes[i] == 46 {
            if bytes[i..<(i + marker.count)].elementsEqual(marker) {
                let rest = bytes[(i + marker.count)...]
                if rest.allSatisfy({ isHexDigit($0) || $0 == 64 }) { return i }
            }
        }
        return nil
    }

    // MARK: - Legacy

    static func demangleLegacy(_ s: ArraySlice<UInt8>, keepHash: Bool) -> String? {
        var i = s.startIndex
        var parts: [ArraySlice<UInt8>] = []
        while i < s.endIndex && s[i] != UInt8(ascii: "E") {
            var len = 0
            let start = i
            while i < s.endIndex, s[i] >= 48, s[i] <= 57 {
                len = len * 10 + Int(s[i] - 48)
                if len > s.count { return nil }
                i += 1
            }
            guard i > start, len > 0, i + len <= s.endIndex else { return nil }
            parts.append(s[i..<(i + len)])
            i += len
        }
        guard i < s.endIndex, s[i] == UInt8(ascii: "E"), let hash = parts.last else { return nil }
        // Rust's legacy scheme always ends in the `h<16 hex>` hash element.
        guard hash.count == 17, hash.first == UInt8(ascii: "h"), hash.dropFirst().allSatisfy(isHexDigit)
        else { return nil }
        let suffix = s[(i + 1)...]
        guard suffix.isEmpty || suffix.first == UInt8(ascii: ".") else { return nil }
        // A suffix (`.cold`, `.llvm.…`) is not part of the name; `c++filt` drops it too.
        var names = keepHash ? parts : Array(parts.dropLast())
        if names.isEmpty { names = parts }
        var out = ""
        for (n, part) in names.enumerated() {
            if n > 0 { out += "::" }
            guard let decoded = decodeLegacyIdent(part) else { return nil }
            out += decoded
        }
        return out
    }

    /// `$LT$` `$GT$` `$u20$` `$RF$` `$BP$` `$C$` `$SP$` `$LP$` `$RP$` and `..` → `::`.
    static func decodeLegacyIdent(_ part: ArraySlice<UInt8>) -> String? {
        var p = part
        if p.starts(with: Array("_$".utf8)) { p = p.dropFirst() }
        var out = ""
        var i = p.startIndex
        while i < p.endIndex {
            let c = p[i]
            if c == UInt8(ascii: "$") {
                guard let close = p[(i + 1)...].firstIndex(of: UInt8(ascii: "$")) else { return nil }
                let esc = String(decoding: p[(i + 1)..<close], as: UTF8.self)
                switch esc {
                case "SP": out += "@"
                case "BP": out += "*"
                case "RF": out += "&"
                case "LT": out += "<"
                case "GT": out += ">"
                case "LP": out += "("
                case "RP": out += ")"
                case "C": out += ","
                default:
                    guard esc.hasPrefix("u"), let v = UInt32(esc.dropFirst(), radix: 16),
                        let scalar = Unicode.Scalar(v)
                    else { return nil }
                    out.unicodeScalars.append(scalar)
                }
                i = close + 1
            } else if c == UInt8(ascii: ".") {
                if i + 1 < p.endIndex && p[i + 1] == UInt8(ascii: ".") {
                    out += "::"
                    i += 2
                } else {
                    out += "."
                    i += 1
                }
            } else {
                out.unicodeScalars.append(Unicode.Scalar(c))
                i += 1
            }
        }
        return out
    }

    // MARK: - v0

    static func demangleV0(_ sym: [UInt8], keepHash: Bool) -> String? {
        // A leading decimal is a future encoding version: unsupported.
        guard let first = sym.first, !(first >= 48 && first <= 57) else { return nil }
        var p = V0Printer(sym: sym, alternate: !keepHash)
        do {
            try p.printPath(inValue: true)
            // Optional instantiating crate, not printed.
            if p.next < sym.count, let c = p.peek(), c >= 65, c <= 90 {
                p.printing = false
                try p.printPath(inValue: false)
                p.printing = true
            }
        } catch {
            return nil
        }
        // Over the size cap: the caller keeps the mangled name (rustc-demangle
        // prints `{size limit reached}`; a frame is better off mangled).
        if p.tooLong { return nil }
        if p.next < sym.count {
            // Vendor suffix (`.0` on statics, `.llvm.…`): not part of the name,
            // and `c++filt` leaves it out too.
            let c = sym[p.next]
            guard c == UInt8(ascii: ".") || c == UInt8(ascii: "$") else { return nil }
        }
        return p.out
    }
}

private struct V0Error: Error {}

/// A direct port of rustc-demangle's v0 printer (parse while printing).
private struct V0Printer {
    let sym: [UInt8]
    var next = 0
    var out = ""
    var printing = true
    let alternate: Bool
    var depth = 0
    var boundLifetimeDepth = 0
    /// The output passed `maxOutput`: printing stopped and the result is discarded.
    var tooLong = false
    /// Nodes visited, against `maxSteps`.
    var steps = 0

    /// Back-references can double the output at each step, so a 150-byte
    /// symbol could otherwise print gigabytes. rustc-demangle caps at 1,000,000
    /// bytes; a frame name is never useful past a few KiB, and a hostile log
    /// can hold thousands of such symbols, so the cap here is 64 KiB.
    static let maxOutput = 65_536
    /// rustc-demangle's `MAX_DEPTH` is 500; 300 is ample for real symbols.
    static let maxDepth = 300
    /// A ceiling on work whatever the shape of the symbol.
    static let maxSteps = 1_000_000

    init(sym: [UInt8], alternate: Bool) {
        self.sym = sym
        self.alternate = alternate
    }

    func peek() -> UInt8? { next < sym.count ? sym[next] : nil }

    mutating func eat(_ c: Character) -> Bool {
        if peek() == c.asciiValue {
            next += 1
            return true
        }
        return false
    }

    mutating func take() throws -> UInt8 {
        guard let c = peek() else { throw V0Error() }
        next += 1
        return c
    }

    mutating func print(_ s: String) {
        guard printing else { return }
        if out.utf8.count + s.utf8.count > Self.maxOutput {
            // Stop printing: back-references are then skipped, so the rest of
            // the parse is linear in the symbol.
            tooLong = true
            printing = false
            return
        }
        out += s
    }

    mutating func pushDepth() throws {
        depth += 1
        steps += 1
        if depth > Self.maxDepth || steps > Self.maxSteps { throw V0Error() }
    }

    /// `_` → 0, `<base62>_` → value + 1.
    mutating func integer62() throws -> UInt64 {
        if eat("_") { return 0 }
        var x: UInt64 = 0
        while true {
            let c = try take()
            if c == UInt8(ascii: "_") { break }
            let d: UInt64
            switch c {
            case 48...57: d = UInt64(c - 48)
            case 97...122: d = UInt64(c - 97) + 10
            case 65...90: d = UInt64(c - 65) + 36
            default: throw V0Error()
            }
            let (m, o1) = x.multipliedReportingOverflow(by: 62)
            let (a, o2) = m.addingReportingOverflow(d)
            if o1 || o2 { throw V0Error() }
            x = a
        }
        let (r, o) = x.addingReportingOverflow(1)
        if o { throw V0Error() }
        return r
    }

    mutating func optInteger62(_ tag: Character) throws -> UInt64 {
        guard eat(tag) else { return 0 }
        let (r, o) = try integer62().addingReportingOverflow(1)
        if o { throw V0Error() }
        return r
    }

    mutating func disambiguator() throws -> UInt64 { try optInteger62("s") }

    mutating func decimal() throws -> Int {
        guard let c = peek(), c >= 48, c <= 57 else { throw V0Error() }
        next += 1
        if c == 48 { return 0 }
        var v = Int(c - 48)
        while let d = peek(), d >= 48, d <= 57 {
            next += 1
            v = v * 10 + Int(d - 48)
            if v > sym.count { throw V0Error() }
        }
        return v
    }

    /// (disambiguator, ascii name). Punycode (`u`) is not supported.
    mutating func ident() throws -> (UInt64, String) {
        let dis = try disambiguator()
        if eat("u") { throw V0Error() }
        let len = try decimal()
        _ = eat("_")
        guard next + len <= sym.count else { throw V0Error() }
        let name = String(decoding: sym[next..<(next + len)], as: UTF8.self)
        next += len
        return (dis, name)
    }

    /// Follows a back-reference, unless nothing is being printed: then, as in
    /// rustc-demangle, it is skipped (`skipped` is the result), since the
    /// target was already validated when it was first parsed. Without this,
    /// nested back-references are exponential even with printing off.
    mutating func backref<T>(skipped: T, _ body: (inout V0Printer) throws -> T) throws -> T {
        let start = next - 1
        let target = try integer62()
        guard target < UInt64(start) else { throw V0Error() }
        if !printing { return skipped }
        let saved = next
        next = Int(target)
        try pushDepth()
        defer {
            depth -= 1
        }
        let r = try body(&self)
        next = saved
        return r
    }

    mutating func skipping(_ body: (inout V0Printer) throws -> Void) throws {
        let was = printing
        printing = false
        try body(&self)
        printing = was
    }

    // MARK: Paths

    mutating func printPath(inValue: Bool) throws {
        try pushDepth()
        defer { depth -= 1 }
        let tag = try take()
        switch tag {
        case UInt8(ascii: "C"):
            let (dis, name) = try ident()
            print(name)
            if !alternate {
                print("[" + String(dis, radix: 16) + "]")
            }
        case UInt8(ascii: "N"):
            let ns = try take()
            try printPath(inValue: inValue)
            let (dis, name) = try ident()
            if ns >= 65 && ns <= 90 {
                print("::{")
                switch ns {
                case UInt8(ascii: "C"): print("closure")
                case UInt8(ascii: "S"): print("shim")
                default: print(String(UnicodeScalar(ns)))
                }
                if !name.isEmpty { print(":" + name) }
                print("#" + String(dis) + "}")
            } else if ns >= 97 && ns <= 122 {
                if !name.isEmpty { print("::" + name) }
            } else {
                throw V0Error()
            }
        case UInt8(ascii: "M"), UInt8(ascii: "X"), UInt8(ascii: "Y"):
            if tag != UInt8(ascii: "Y") {
                _ = try disambiguator()
                try skipping { try $0.printPath(inValue: false) }
            }
            print("<")
            try printType()
            if tag != UInt8(ascii: "M") {
                print(" as ")
                try printPath(inValue: false)
            }
            print(">")
        case UInt8(ascii: "I"):
            try printPath(inValue: inValue)
            if inValue { print("::") }
            print("<")
            var i = 0
            while !eat("E") {
                if i > 0 { print(", ") }
                try printGenericArg()
                i += 1
            }
            print(">")
        case UInt8(ascii: "B"):
            try backref(skipped: ()) { try $0.printPath(inValue: inValue) }
        default:
            throw V0Error()
        }
    }

    mutating func printGenericArg() throws {
        if eat("L") {
            let lt = try integer62()
            try printLifetime(lt)
        } else if eat("K") {
            try printConst()
        } else {
            try printType()
        }
    }

    mutating func printLifetime(_ lt: UInt64) throws {
        if lt == 0 {
            print("'_")
            return
        }
        guard UInt64(boundLifetimeDepth) >= lt else { throw V0Error() }
        let d = UInt64(boundLifetimeDepth) - lt
        if d < 26 {
            print("'" + String(UnicodeScalar(UInt8(97 + d))))
        } else {
            print("'_" + String(d))
        }
    }

    mutating func inBinder(_ body: (inout V0Printer) throws -> Void) throws {
        let bound = try optInteger62("G")
        guard bound < 1000 else { throw V0Error() }
        if bound > 0 {
            print("for<")
            for i in 0..<bound {
                if i > 0 { print(", ") }
                boundLifetimeDepth += 1
                try printLifetime(1)
            }
            print("> ")
        }
        try body(&self)
        boundLifetimeDepth -= Int(bound)
    }

    static func basicType(_ c: UInt8) -> String? {
        switch c {
        case UInt8(ascii: "b"): return "bool"
        case UInt8(ascii: "c"): return "char"
        case UInt8(ascii: "e"): return "str"
        case UInt8(ascii: "u"): return "()"
        case UInt8(ascii: "a"): return "i8"
        case UInt8(ascii: "s"): return "i16"
        case UInt8(ascii: "l"): return "i32"
        case UInt8(ascii: "x"): return "i64"
        case UInt8(ascii: "n"): return "i128"
        case UInt8(ascii: "i"): return "isize"
        case UInt8(ascii: "h"): return "u8"
        case UInt8(ascii: "t"): return "u16"
        case UInt8(ascii: "m"): return "u32"
        case UInt8(ascii: "y"): return "u64"
        case UInt8(ascii: "o"): return "u128"
        case UInt8(ascii: "j"): return "usize"
        case UInt8(ascii: "f"): return "f32"
        case UInt8(ascii: "d"): return "f64"
        case UInt8(ascii: "z"): return "!"
        case UInt8(ascii: "p"): return "_"
        case UInt8(ascii: "v"): return "..."
        default: return nil
        }
    }

    mutating func printType() throws {
        let tag = try take()
        if let basic = Self.basicType(tag) {
            print(basic)
            return
        }
        try pushDepth()
        defer { depth -= 1 }
        switch tag {
        case UInt8(ascii: "R"), UInt8(ascii: "Q"):
            print("&")
            if eat("L") {
                let lt = try integer62()
                if lt != 0 {
                    try printLifetime(lt)
                    print(" ")
                }
            }
            if tag == UInt8(ascii: "Q") { print("mut ") }
            try printType()
        case UInt8(ascii: "P"):
            print("*const ")
            try printType()
        case UInt8(ascii: "O"):
            print("*mut ")
            try printType()
        case UInt8(ascii: "A"), UInt8(ascii: "S"):
            print("[")
            try printType()
            if tag == UInt8(ascii: "A") {
                print("; ")
                try printConst()
            }
            print("]")
        case UInt8(ascii: "T"):
            print("(")
            var n = 0
            while !eat("E") {
                if n > 0 { print(", ") }
                try printType()
                n += 1
            }
            if n == 1 { print(",") }
            print(")")
        case UInt8(ascii: "F"):
            try inBinder { p in
                let isUnsafe = p.eat("U")
                var abi: String?
                if p.eat("K") {
                    if p.eat("C") {
                        abi = "C"
                    } else {
                        let (_, name) = try p.ident()
                        guard !name.isEmpty else { throw V0Error() }
                        abi = name.split(separator: "_", omittingEmptySubsequences: false).joined(separator: "-")
                    }
                }
                if isUnsafe { p.print("unsafe ") }
                if let abi { p.print("extern \"" + abi + "\" ") }
                p.print("fn(")
                var n = 0
                while !p.eat("E") {
                    if n > 0 { p.print(", ") }
                    try p.printType()
                    n += 1
                }
                p.print(")")
                if !p.eat("u") {
                    p.print(" -> ")
                    try p.printType()
                }
            }
        case UInt8(ascii: "D"):
            print("dyn ")
            try inBinder { p in
                var n = 0
                while !p.eat("E") {
                    if n > 0 { p.print(" + ") }
                    try p.printDynTrait()
                    n += 1
                }
            }
            guard eat("L") else { throw V0Error() }
            let lt = try integer62()
            if lt != 0 {
                print(" + ")
                try printLifetime(lt)
            }
        case UInt8(ascii: "B"):
            try backref(skipped: ()) { try $0.printType() }
        default:
            next -= 1
            try printPath(inValue: false)
        }
    }

    mutating func printDynTrait() throws {
        var open = try printPathMaybeOpenGenerics()
        while eat("p") {
            if !open {
                print("<")
                open = true
            } else {
                print(", ")
            }
            let (_, name) = try ident()
            print(name + " = ")
            try printType()
        }
        if open { print(">") }
    }

    mutating func printPathMaybeOpenGenerics() throws -> Bool {
        if eat("B") {
            return try backref(skipped: false) { try $0.printPathMaybeOpenGenerics() }
        } else if eat("I") {
            try printPath(inValue: false)
            print("<")
            var n = 0
            while !eat("E") {
                if n > 0 { print(", ") }
                try printGenericArg()
                n += 1
            }
            return true
        } else {
            try printPath(inValue: false)
            return false
        }
    }

    /// Consts: placeholders, integers, bools and chars; structured values are unsupported.
    mutating func printConst() throws {
        let tag = try take()
        try pushDepth()
        defer { depth -= 1 }
        switch tag {
        case UInt8(ascii: "p"):
            print("_")
        case UInt8(ascii: "h"), UInt8(ascii: "t"), UInt8(ascii: "m"), UInt8(ascii: "y"),
            UInt8(ascii: "o"), UInt8(ascii: "j"):
            try printConstUInt(tag)
        case UInt8(ascii: "a"), UInt8(ascii: "s"), UInt8(ascii: "l"), UInt8(ascii: "x"),
            UInt8(ascii: "n"), UInt8(ascii: "i"):
            if eat("n") { print("-") }
            try printConstUInt(tag)
        case UInt8(ascii: "b"):
            let v = try hexNibbles()
            switch v {
            case "0": print("false")
            case "1": print("true")
            default: throw V0Error()
            }
            if !alternate { print(": bool") }
        case UInt8(ascii: "c"):
            let v = try hexNibbles()
            guard v.count <= 8, let n = UInt32(v, radix: 16), let scalar = Unicode.Scalar(n) else {
                throw V0Error()
            }
            print("'" + String(Character(scalar)).debugDescription.dropFirst().dropLast() + "'")
            if !alternate { print(": char") }
        case UInt8(ascii: "B"):
            try backref(skipped: ()) { try $0.printConst() }
        default:
            throw V0Error()
        }
    }

    mutating func hexNibbles() throws -> String {
        let start = next
        while let c = peek(), c != UInt8(ascii: "_") {
            guard (c >= 48 && c <= 57) || (c >= 97 && c <= 102) else { throw V0Error() }
            next += 1
        }
        let s = String(decoding: sym[start..<next], as: UTF8.self)
        next += 1  // `_`
        guard next <= sym.count else { throw V0Error() }
        // Leading zeros are not part of the value.
        let trimmed = s.drop(while: { $0 == "0" })
        return trimmed.isEmpty ? "0" : String(trimmed)
    }

    mutating func printConstUInt(_ tag: UInt8) throws {
        let hex = try hexNibbles()
        if hex.count <= 16, let v = UInt64(hex, radix: 16) {
            print(String(v))
        } else {
            print("0x" + hex)
        }
        // `c++filt` (libiberty) spells the type after a colon: `<11: usize>`.
        if !alternate, let t = Self.basicType(tag) { print(": " + t) }
    }
}
