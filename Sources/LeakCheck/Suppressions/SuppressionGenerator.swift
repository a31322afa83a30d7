/// Writes suppression entries for findings, for a person to review and keep.
/// Entries are deduplicated, named after the leaking function, widened only
/// where builds differ (symbol hashes and crate disambiguators), and cut after
/// the first own-code frame so that they cover this leak and not every stack
/// that happens to share the harness frames below it.
public enum SuppressionGenerator {
    /// valgrind entries (frame lines use mangled names, as valgrind compares them).
    /// `poll`: a renderer's; when it says stop, the entries are cut short.
    public static func valgrind(for findings: [Finding], ownCode: OwnCode?, poll: RenderPoll? = nil) -> String {
        struct Entry {
            var name: String
            /// `Memcheck`, or `Helgrind` for helgrind's kinds.
            var tool: String
            var kindLine: String
            var extra: String?
            var leakKinds: Set<FindingKind>
            var frames: [String]
        }
        var entries: [Entry] = []
        var byBody: [String: Int] = [:]
        for f in findings where !f.stack.isEmpty {
            if poll?.shouldStop(f.stack.count) == true { break }
            guard let (kindLine, extra) = valgrindKind(f) else { continue }
            let frames = cut(f.stack, ownCode: ownCode).map(frameLine)
            let tool = helgrindKinds.contains(f.rawKind) ? "Helgrind" : "Memcheck"
            let body = ([tool, kindLine, extra ?? ""] + frames).joined(separator: "\n")
            if let i = byBody[body] {
                if f.kind.isLeak { entries[i].leakKinds.insert(f.kind) }
                continue
            }
            byBody[body] = entries.count
            entries.append(
                Entry(
                    name: entryName(f, ownCode: ownCode), tool: tool, kindLine: kindLine, extra: extra,
                    leakKinds: f.kind.isLeak ? [f.kind] : [], frames: frames))
        }
        var used: [String: Int] = [:]
        var out = ""
        for e in entries {
            let n = used[e.name, default: 0] + 1
            used[e.name] = n
            out += "{\n   \(n == 1 ? e.name : "\(e.name) #\(n)")\n   \(e.tool):\(e.kindLine)\n"
            if let extra = e.extra { out += "   \(extra)\n" }
            if e.kindLine == "Leak" {
                let words = e.leakKinds.sorted().compactMap { leakWord[$0] }
                out += "   match-leak-kinds: \(words.joined(separator: ","))\n"
            }
            for line in e.frames { out += "   \(line)\n" }
            out += "}\n"
        }
        return out
    }

    /// LSan `leak:` lines, one per leaking function, anchored to the whole name.
    public static func lsan(for findings: [Finding], ownCode: OwnCode?, poll: RenderPoll? = nil) -> String {
        var seen = Set<String>()
        var out = ""
        for f in findings where f.kind.isLeak && !f.stack.isEmpty {
            if poll?.shouldStop(f.stack.count) == true { break }
            let i = leakingFrameIndex(f.stack, ownCode: ownCode)
            let frame = f.stack[i]
            let pattern: String
            if let fn = frame.function {
                let (path, hashed) = stripLegacyHash(fn)
                // A legacy `::h<hash>` suffix differs per build: keep `::h` and let `*` take the rest.
                pattern = hashed ? "^\(path)::h*" : "^\(path)$"
            } else if let file = frame.file {
                pattern = file
            } else if let object = frame.object {
                pattern = object
            } else {
                continue
            }
            let line = "leak:\(pattern)"
            if seen.insert(line).inserted { out += line + "\n" }
        }
        return out
    }

    // MARK: - Pieces

    static let leakWord: [FindingKind: String] = [
        .definitelyLost: "definite", .indirectlyLost: "indirect", .possiblyLost: "possible",
        .stillReachable: "reachable",
    ]

    static let helgrindKinds = Set(SuppressionParser.otherToolKinds["Helgrind"] ?? [])

    /// The Memcheck kind line (without `Memcheck:`) and extra line for a finding.
    static func valgrindKind(_ f: Finding) -> (String, String?)? {
        // helgrind's entries name its XML `<kind>` (`Helgrind:Race`).
        if helgrindKinds.contains(f.rawKind) { return (f.rawKind, nil) }
        switch SuppressionMatcher.ValgrindErrorKind(f) {
        case .leak: return ("Leak", nil)
        case .addr: return (SuppressionMatcher.accessSize(f.message).map { "Addr\($0)" } ?? "Addr8", nil)
        case .value: return (SuppressionMatcher.accessSize(f.message).map { "Value\($0)" } ?? "Value8", nil)
        case .cond: return ("Cond", nil)
        case .free: return ("Free", nil)
        case .overlap: return ("Overlap", nil)
        case .jump: return ("Jump", nil)
        case .user: return ("User", nil)
        case .coreMem: return ("CoreMem", nil)
        case .reallocZero: return ("ReallocZero", nil)
        case .param:
            guard let p = SuppressionMatcher.syscallParam(f.message) else { return nil }
            return ("Param", p)
        case .fishyValue, .other: return nil
        }
    }

    /// Frames up to and including the first own-code frame (valgrind matches a
    /// prefix, so what is cut needs no `...`); the whole stack when there is none.
    static func cut(_ stack: [Frame], ownCode: OwnCode?) -> [Frame] {
        guard let ownCode, let i = ownCode.firstOwnFrame(in: stack) else { return stack }
        return Array(stack[...i])
    }

    /// The line for one frame. A name that is not a mangled symbol (a C function,
    /// an inlined frame valgrind names `new<[u8; 40]>`, `<*const T as Debug>::fmt`)
    /// has valgrind's `*`, `?` and `\` escaped, so the line stays explicit and
    /// names only that function; a frame with no name but a source line gets
    /// `src:FILE:LINE`, which is explicit too.
    static func frameLine(_ frame: Frame) -> String {
        if let m = frame.mangled { return "fun:\(widen(m))" }
        if let f = frame.function { return "fun:\(escape(f))" }
        if let file = frame.file, let line = frame.line { return "src:\(escape(Fingerprint.baseName(file))):\(line)" }
        if let o = frame.object { return "obj:\(escape(o))" }
        return "obj:*"
    }

    /// valgrind's pattern escape: a backslash before `*`, `?` and `\`.
    static func escape(_ text: String) -> String {
        guard text.contains(where: { $0 == "*" || $0 == "?" || $0 == "\\" }) else { return text }
        var out = ""
        for c in text {
            if c == "*" || c == "?" || c == "\\" { out.append("\\") }
            out.append(c)
        }
        return out
    }

    /// The frame a leak is named after: the first own-code frame, else the first
    /// frame that is not the allocator or its inlined helpers.
    static func leakingFrameIndex(_ stack: [Frame], ownCode: OwnCode?) -> Int {
        if let ownCode, let i = ownCode.firstOwnFrame(in: stack) { return i }
        // Prefer a frame with a full path (`<std::thread::Thread>::new`) over an
        // inlined helper that valgrind names without one (`{closure#0}<…>`).
        let named = stack.firstIndex {
            guard !isAllocatorFrame($0), let fn = $0.function,
                let crate = OwnCode.leadingCrate(ofDemangled: fn)
            else { return false }
            return crate != "alloc" && crate != "core"
        }
        return named ?? stack.firstIndex(where: { !isAllocatorFrame($0) }) ?? 0
    }

    static let allocatorNames: Set<String> = [
        "malloc", "calloc", "realloc", "free", "memalign", "posix_memalign", "aligned_alloc",
        "operator new(unsigned long)", "operator new[](unsigned long)", "alloc", "alloc_impl",
        "alloc_impl_runtime", "allocate", "allocate_in", "try_allocate_in", "__rust_alloc",
        "__rust_alloc_zeroed", "__rust_realloc", "__rdl_alloc", "__rg_alloc", "box_new_uninit",
        "exchange_malloc", "new_uninit_in", "try_new_uninit_in",
    ]

    static func isAllocatorFrame(_ frame: Frame) -> Bool {
        guard let fn = frame.function else { return frame.object?.contains("vgpreload") ?? false }
        let bare = fn.split(separator: "<", maxSplits: 1).first.map(String.init) ?? fn
        let last = bare.components(separatedBy: "::").last ?? bare
        return allocatorNames.contains(bare) || allocatorNames.contains(last)
            || bare.hasPrefix("alloc::") || bare.hasPrefix("<alloc::alloc::")
            || bare.hasPrefix("__interceptor_")
    }

    static func entryName(_ f: Finding, ownCode: OwnCode?) -> String {
        let frame = f.stack[leakingFrameIndex(f.stack, ownCode: ownCode)]
        let fn = frame.function.map { stripLegacyHash($0).0 } ?? frame.object ?? "unknown"
        let what = f.kind.isLeak ? leakWord[f.kind] ?? "leak" : f.rawKind
        return "moq-leakcheck:\(what):\(fn)"
    }

    /// `foo::bar::h0123456789abcdef` → (`foo::bar`, true).
    static func stripLegacyHash(_ name: String) -> (String, Bool) {
        guard let r = name.range(of: "::h", options: .backwards) else { return (name, false) }
        let hex = name[r.upperBound...]
        guard hex.count == 16, hex.allSatisfy({ $0.isHexDigit }) else { return (name, false) }
        return (String(name[..<r.lowerBound]), true)
    }

    /// Wildcards the parts of a mangled name that change between builds of the
    /// same code: the legacy hash `17h<16 hex>E` and v0 crate disambiguators `Cs<base62>_`.
    static func widen(_ symbol: String) -> String {
        var b = Array(symbol.utf8)
        if symbol.hasPrefix("_ZN"), b.count >= 20 {
            let tail = b.suffix(20)
            let t = Array(tail)
            if t[0] == UInt8(ascii: "1"), t[1] == UInt8(ascii: "7"), t[2] == UInt8(ascii: "h"),
                t[19] == UInt8(ascii: "E"), t[3..<19].allSatisfy({ isHex($0) })
            {
                b.removeLast(20)
                b += Array("17h*E".utf8)
            }
            return String(decoding: b, as: UTF8.self)
        }
        if symbol.hasPrefix("_R") {
            var out: [UInt8] = []
            var i = 0
            while i < b.count {
                // `Cs<base62>_` followed by an identifier length digit.
                if b[i] == UInt8(ascii: "C"), i + 2 < b.count, b[i + 1] == UInt8(ascii: "s") {
                    var j = i + 2
                    while j < b.count, isBase62(b[j]) { j += 1 }
                    if j < b.count, j > i + 2, b[j] == UInt8(ascii: "_"), j + 1 < b.count,
                        b[j + 1] >= 48, b[j + 1] <= 57
                    {
                        out += Array("Cs*_".utf8)
                        i = j + 1
                        continue
                    }
                }
                out.append(b[i])
                i += 1
            }
            return String(decoding: out, as: UTF8.self)
        }
        return symbol
    }

    static func isHex(_ c: UInt8) -> Bool {
        (c >= 48 && c <= 57) || (c >= 97 && c <= 102)
    }

    static func isBase62(_ c: UInt8) -> Bool {
        (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122)
    }
}
