import Testing

@testable import LeakCheck

@Suite struct SuppressionMatcherTests {
    typealias S = SuppressionTestStacks

    static func leak(_ kind: FindingKind = .definitelyLost, _ stack: [Frame], bytes: Int = 40) -> Finding {
        let raw =
            [
                "definitelyLost": "Leak_DefinitelyLost", "indirectlyLost": "Leak_IndirectlyLost",
                "possiblyLost": "Leak_PossiblyLost", "stillReachable": "Leak_StillReachable",
            ][kind.rawValue] ?? ""
        return Finding(kind: kind, rawKind: raw, bytes: bytes, blocks: 1, message: "", stack: stack)
    }

    static func leak(_ stack: [Frame]) -> Finding { leak(.definitelyLost, stack) }

    static func fn(_ names: String...) -> [Frame] {
        names.map { Frame(function: $0, object: "/bin/prog") }
    }

    static func valgrind(_ body: String) throws -> Suppression {
        try SuppressionParser.parse(
            text: "{\n t\n \(body.replacingOccurrences(of: "\n", with: "\n "))\n}\n", file: "t.supp")[0]
    }

    static func matches(_ s: Suppression, _ f: Finding, _ checker: Checker = .valgrind) -> Bool {
        SuppressionMatcher([s]).match(f, checker: checker) != nil
    }

    // MARK: valgrind wildcards and frames

    @Test func valgrindWildcards() {
        #expect(Wildcard.valgrind("*", ""))
        #expect(Wildcard.valgrind("mal*", "malloc"))
        #expect(Wildcard.valgrind("m?lloc", "malloc"))
        #expect(!Wildcard.valgrind("m?lloc", "mlloc"))
        #expect(Wildcard.valgrind("*std*thread*", "_RNvNtNtCsjrHSEGnQ3l9_3std6thread7current12init_current"))
        #expect(!Wildcard.valgrind("malloc", "malloc2"))  // whole-string match, not substring
        #expect(!Wildcard.valgrind("alloc", "malloc"))
        #expect(Wildcard.valgrind("a\\*b", "a*b"))
        #expect(!Wildcard.valgrind("a\\*b", "axb"))
        #expect(Wildcard.valgrind("*a*a*a*", "banana a"))
    }

    /// valgrind's recursive `string_match_wrk`, transcribed, as the reference for
    /// our iterative version.
    static func reference(_ p: [UInt8], _ s: [UInt8]) -> Bool {
        var pi = 0
        var si = 0
        while true {
            guard pi < p.count else { return si == s.count }
            switch p[pi] {
            case UInt8(ascii: "*"):
                var k = si
                while true {
                    if reference(Array(p[(pi + 1)...]), Array(s[k...])) { return true }
                    if k == s.count { return false }
                    k += 1
                }
            case UInt8(ascii: "?"):
                if si == s.count { return false }
                si += 1
                pi += 1
            case UInt8(ascii: "\\"):
                pi += 1
                if pi == p.count { return false }
                if si == s.count || p[pi] != s[si] { return false }
                pi += 1
                si += 1
            default:
                if si == s.count || p[pi] != s[si] { return false }
                pi += 1
                si += 1
            }
        }
    }

    @Test func globAgreesWithValgrindsRecursiveMatcher() {
        var rng = SystemRandomNumberGenerator()
        let patternAlphabet = Array("ab*?\\".utf8)
        let stringAlphabet = Array("ab*?\\".utf8)
        for _ in 0..<20_000 {
            let p = (0..<Int.random(in: 0...7, using: &rng)).map { _ in patternAlphabet.randomElement(using: &rng)! }
            let s = (0..<Int.random(in: 0...8, using: &rng)).map { _ in stringAlphabet.randomElement(using: &rng)! }
            let got = Wildcard.valgrind(String(decoding: p, as: UTF8.self), String(decoding: s, as: UTF8.self))
            #expect(
                got == Self.reference(p, s),
                "pattern \(String(decoding: p, as: UTF8.self)) string \(String(decoding: s, as: UTF8.self))")
        }
    }

    @Test func framesArePrefixMatchedInnermostFirst() throws {
        let s = try Self.valgrind("Memcheck:Leak\nfun:malloc\nfun:make_thing")
        #expect(Self.matches(s, Self.leak(Self.fn("malloc", "make_thing", "main"))))
        #expect(Self.matches(s, Self.leak(Self.fn("malloc", "make_thing"))))
        #expect(!Self.matches(s, Self.leak(Self.fn("malloc"))))  // stack shorter than the entry
        #expect(!Self.matches(s, Self.leak(Self.fn("calloc", "make_thing", "main"))))
        #expect(!Self.matches(s, Self.leak(Self.fn("malloc", "other", "make_thing"))))
    }

    @Test func ellipsisAtStartMiddleAndEnd() throws {
        let start = try Self.valgrind("Memcheck:Leak\n...\nfun:make_thing")
        #expect(Self.matches(start, Self.leak(Self.fn("make_thing", "main"))))  // zero frames
        #expect(Self.matches(start, Self.leak(Self.fn("malloc", "a", "b", "make_thing", "main"))))
        #expect(!Self.matches(start, Self.leak(Self.fn("malloc", "a", "main"))))

        let middle = try Self.valgrind("Memcheck:Leak\nfun:malloc\n...\nfun:make_thing\nfun:main")
        #expect(Self.matches(middle, Self.leak(Self.fn("malloc", "make_thing", "main"))))
        #expect(Self.matches(middle, Self.leak(Self.fn("malloc", "x", "y", "make_thing", "main", "_start"))))
        #expect(!Self.matches(middle, Self.leak(Self.fn("malloc", "x", "make_thing", "other", "main"))))
        // The first make_thing does not fit; the search goes on to the next one.
        #expect(Self.matches(middle, Self.leak(Self.fn("malloc", "make_thing", "x", "make_thing", "main"))))

        let end = try Self.valgrind("Memcheck:Leak\nfun:malloc\nfun:make_thing\n...")
        #expect(Self.matches(end, Self.leak(Self.fn("malloc", "make_thing"))))
        #expect(Self.matches(end, Self.leak(Self.fn("malloc", "make_thing", "a", "b"))))

        let doubled = try Self.valgrind("Memcheck:Leak\n...\n...\nfun:b\n...")
        #expect(Self.matches(doubled, Self.leak(Self.fn("a", "b", "c"))))
        #expect(!Self.matches(doubled, Self.leak(Self.fn("a", "c"))))
    }

    @Test func leakKindsFilter() throws {
        let any = try Self.valgrind("Memcheck:Leak\nfun:malloc")
        let definite = try Self.valgrind("Memcheck:Leak\nmatch-leak-kinds: definite\nfun:malloc")
        let two = try Self.valgrind("Memcheck:Leak\nmatch-leak-kinds: indirect,reachable\nfun:malloc")
        let all = try Self.valgrind("Memcheck:Leak\nmatch-leak-kinds: all\nfun:malloc")
        let stack = Self.fn("malloc", "f")
        for kind in [FindingKind.definitelyLost, .indirectlyLost, .possiblyLost, .stillReachable] {
            #expect(Self.matches(any, Self.leak(kind, stack)))
            #expect(Self.matches(all, Self.leak(kind, stack)))
            #expect(Self.matches(definite, Self.leak(kind, stack)) == (kind == .definitelyLost))
            #expect(Self.matches(two, Self.leak(kind, stack)) == (kind == .indirectlyLost || kind == .stillReachable))
        }
        // A leak entry never hides a memory error with the same stack.
        let read = Finding(kind: .invalidRead, rawKind: "InvalidRead", message: "Invalid read of size 4", stack: stack)
        #expect(!Self.matches(any, read))
    }

    @Test func mangledNamesAreWhatValgrindCompares_demangledAccepted() throws {
        let stack = S.testBodyLeakStable
        let mangled = try Self.valgrind("Memcheck:Leak\n...\nfun:_ZN7moq_ffi5tests17leaks_forty_bytes17h*E")
        let demangled = try Self.valgrind("Memcheck:Leak\n...\nfun:moq_ffi::tests::leaks_forty_bytes")
        let v0 = try Self.valgrind("Memcheck:Leak\n...\nfun:_RNvNtCs*_7moq_ffi5testss_17leaks_forty_bytes")
        #expect(Self.matches(mangled, Self.leak(.definitelyLost, stack)))
        #expect(Self.matches(demangled, Self.leak(.definitelyLost, stack)))
        #expect(!Self.matches(mangled, Self.leak(.definitelyLost, S.testBodyLeakNightly)))
        #expect(Self.matches(v0, Self.leak(.definitelyLost, S.testBodyLeakNightly)))
        // Without a mangled name the function is used; with neither, valgrind's `???`.
        let unknown = [Frame(object: "/lib/libx.so"), Frame(function: "main")]
        #expect(
            Self.matches(try Self.valgrind("Memcheck:Leak\nfun:???\nfun:main"), Self.leak(.definitelyLost, unknown)))
        #expect(Self.matches(try Self.valgrind("Memcheck:Leak\nfun:*\nfun:main"), Self.leak(.definitelyLost, unknown)))
    }

    @Test func objAndSrcLines() throws {
        let stack = [
            Frame(function: "calloc", object: "/usr/libexec/valgrind/vgpreload_memcheck-amd64-linux.so"),
            Frame(
                function: "SSL_new", file: "/build/openssl/ssl/ssl_lib.c", line: 733,
                object: "/usr/lib/x86_64-linux-gnu/libssl.so.3"),
            Frame(function: "main", file: "/src/app/main.c", line: 12, object: "/src/app/a.out"),
        ]
        let f = Self.leak(.definitelyLost, stack)
        #expect(Self.matches(try Self.valgrind("Memcheck:Leak\nobj:*vgpreload_memcheck*\nobj:*/libssl.so*"), f))
        #expect(!Self.matches(try Self.valgrind("Memcheck:Leak\nobj:*/libcrypto.so*"), f))
        #expect(Self.matches(try Self.valgrind("Memcheck:Leak\n...\nsrc:ssl_lib.c"), f))
        #expect(Self.matches(try Self.valgrind("Memcheck:Leak\n...\nsrc:ssl_lib.c:733\nsrc:main.c:12"), f))
        #expect(!Self.matches(try Self.valgrind("Memcheck:Leak\n...\nsrc:ssl_lib.c:734"), f))
    }

    @Test func errorKindsMapToMemcheckSuppressionKinds() throws {
        let stack = Self.fn("memcpy", "copy_it", "main")
        func finding(_ kind: FindingKind, _ raw: String, _ message: String) -> Finding {
            Finding(kind: kind, rawKind: raw, message: message, stack: stack)
        }
        let read4 = finding(.invalidRead, "InvalidRead", "Invalid read of size 4")
        let uaf8 = finding(.useAfterFree, "InvalidRead", "Invalid read of size 8")
        let write1 = finding(.invalidWrite, "InvalidWrite", "Invalid write of size 1")
        let free = finding(.invalidFree, "InvalidFree", "Invalid free() / delete / delete[] / realloc()")
        let mismatched = finding(.mismatchedFree, "MismatchedFree", "Mismatched free() / delete / delete []")
        let cond = finding(
            .uninitialisedValue, "UninitCondition", "Conditional jump or move depends on uninitialised value(s)")
        let value8 = finding(.uninitialisedValue, "UninitValue", "Use of uninitialised value of size 8")
        let param = finding(.syscallParam, "SyscallParam", "Syscall param write(buf) points to uninitialised byte(s)")
        let overlap = finding(.overlap, "Overlap", "Source and destination overlap in memcpy(0x1, 0x2, 8)")
        let all = [read4, uaf8, write1, free, mismatched, cond, value8, param, overlap]
        func covered(_ kindLine: String, extra: String? = nil) throws -> [Finding] {
            let s = try Self.valgrind("Memcheck:\(kindLine)\n\(extra.map { $0 + "\n" } ?? "")fun:memcpy")
            return all.filter { Self.matches(s, $0) }
        }
        #expect(try covered("Addr4") == [read4])
        #expect(try covered("Addr8") == [uaf8])
        #expect(try covered("Addr1") == [write1])
        #expect(try covered("Free") == [free, mismatched])
        #expect(try covered("Cond") == [cond])
        #expect(try covered("Value8") == [value8])
        #expect(try covered("Value4") == [])
        #expect(try covered("Param", extra: "write(buf)") == [param])
        #expect(try covered("Param", extra: "read(buf)") == [])
        #expect(try covered("Overlap") == [overlap])
        #expect(try covered("Leak") == [])
        // Refined kinds without valgrind's raw kind still map.
        let refined = Finding(kind: .doubleFree, rawKind: "", message: "", stack: stack)
        #expect(Self.matches(try Self.valgrind("Memcheck:Free\nfun:memcpy"), refined))
    }

    @Test func entriesOnlyApplyToTheirChecker() throws {
        let f = Self.leak(.definitelyLost, Self.fn("malloc", "f"))
        let v = try Self.valgrind("Memcheck:Leak\nfun:malloc")
        let helgrind = try Self.valgrind("Helgrind:Race\nfun:malloc")
        let l = try SuppressionParser.parse(text: "leak:^f$\n", file: "l")[0]
        #expect(Self.matches(v, f, .valgrind) && !Self.matches(v, f, .asan) && !Self.matches(v, f, .lsan))
        #expect(!Self.matches(l, f, .valgrind) && Self.matches(l, f, .asan) && Self.matches(l, f, .lsan))
        #expect(!Self.matches(helgrind, f, .valgrind))
    }

    @Test func firstMatchingEntryWins() throws {
        let a = try Self.valgrind("Memcheck:Leak\nfun:calloc")
        let b = try Self.valgrind("Memcheck:Leak\nfun:malloc")
        var c = try Self.valgrind("Memcheck:Leak\nfun:mal*")
        c.name = "c"
        let m = SuppressionMatcher([a, b, c])
        #expect(m.match(Self.leak(.definitelyLost, Self.fn("malloc")), checker: .valgrind) == b)
        #expect(m.match(Self.leak(.definitelyLost, Self.fn("mallocx")), checker: .valgrind)?.name == "c")
        #expect(m.match(Self.leak(.definitelyLost, Self.fn("free")), checker: .valgrind) == nil)
    }

    // MARK: sanitizers

    @Test func sanitizerTemplateMatch() {
        #expect(Wildcard.sanitizer("foo", "a_foo_b"))  // substring
        #expect(Wildcard.sanitizer("^foo", "foo_b"))
        #expect(!Wildcard.sanitizer("^foo", "a_foo"))
        #expect(Wildcard.sanitizer("foo$", "a_foo"))
        #expect(!Wildcard.sanitizer("foo$", "foo_b"))
        #expect(Wildcard.sanitizer("^foo$", "foo"))
        #expect(!Wildcard.sanitizer("^foo$", "foox"))
        #expect(Wildcard.sanitizer("a*c", "xxabbbcxx"))
        #expect(Wildcard.sanitizer("^a*c$", "abbbc"))
        #expect(Wildcard.sanitizer("foo*$", "foobar"))
        #expect(!Wildcard.sanitizer("foo", ""))  // an empty name never matches
        #expect(Wildcard.sanitizer("", "x"))  // an empty template matches anything
        // Like TemplateMatch, each piece takes its first occurrence and never backtracks.
        #expect(!Wildcard.sanitizer("foo$", "foofoo"))
        #expect(Wildcard.sanitizer("*foo$", "foofoo") == false)
    }

    @Test func leakPatternMatchesFunctionFileOrModuleOfAnyFrame() throws {
        let stack = [
            Frame(
                function: "malloc", file: "/rustc/llvm/src/llvm-project/compiler-rt/lib/asan/asan_malloc_linux.cpp",
                line: 67, object: "/tmp/t/moq_ffi-5cb6"),
            Frame(
                function: "moq_ffi::cache::fill", file: "/work/moq_ffi/src/cache.rs", line: 9,
                object: "/tmp/t/moq_ffi-5cb6"),
            Frame(function: "SSL_new", file: nil, line: nil, object: "/usr/lib/x86_64-linux-gnu/libssl.so.3"),
            Frame(function: "main", file: "/work/moq_ffi/src/main.rs", line: 3, object: "/tmp/t/moq_ffi-5cb6"),
        ]
        let f = Self.leak(.definitelyLost, stack)
        func covered(_ line: String) throws -> Bool {
            Self.matches(try SuppressionParser.parse(text: line, file: "l")[0], f, .lsan)
        }
        #expect(try covered("leak:moq_ffi::cache"))
        #expect(try covered("leak:^moq_ffi::cache::fill$"))
        #expect(!(try covered("leak:^cache::fill")))
        #expect(try covered("leak:cache.rs"))  // file
        #expect(try covered("leak:^/work/moq_ffi/src/"))  // file, anchored
        #expect(try covered("leak:libssl.so"))  // module
        #expect(try covered("leak:^main$"))  // the outermost frame counts too
        #expect(try covered("leak:SSL_*"))
        #expect(!(try covered("leak:quinn")))
        #expect(!(try covered("interceptor_via_fun:moq_ffi")))  // only leak: removes leaks
        let error = Finding(kind: .heapBufferOverflow, rawKind: "heap-buffer-overflow", message: "", stack: stack)
        #expect(!Self.matches(try SuppressionParser.parse(text: "leak:moq_ffi", file: "l")[0], error, .asan))
    }
}
