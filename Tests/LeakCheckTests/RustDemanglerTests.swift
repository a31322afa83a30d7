import Testing

@testable import LeakCheck

/// Oracle: binutils 2.40 `c++filt` on `nm` of binaries built here (see
/// Tests/Fixtures/logs/sanitizer/README.md and src/capture-rust.sh).
@Suite("Rust demangler")
struct RustDemanglerTests {
    func pairs(_ file: String) throws -> [(String, String)] {
        try Paths.fixtureText("logs/sanitizer/\(file)").split(separator: "\n").map { line in
            let parts = line.split(separator: "\t", maxSplits: 1)
            return (String(parts[0]), parts.count > 1 ? String(parts[1]) : "")
        }
    }

    @Test func v0SymbolsMatchCxxfilt() throws {
        let all = try pairs("rust-symbols-v0.tsv")
        #expect(all.count == 720)
        var mismatches: [String] = []
        for (mangled, expected) in all {
            let got = RustDemangler.demangle(mangled, keepHash: true)
            if got != expected { mismatches.append("\(mangled)\n  want \(expected)\n  got  \(got ?? "nil")") }
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) mismatches:\n\(mismatches.prefix(5).joined(separator: "\n"))")
    }

    @Test func legacySymbolsMatchCxxfilt() throws {
        let all = try pairs("rust-symbols-legacy.tsv")
        #expect(all.count == 91)
        var mismatches: [String] = []
        for (mangled, expected) in all {
            let got = RustDemangler.demangle(mangled, keepHash: true)
            if got != expected { mismatches.append("\(mangled)\n  want \(expected)\n  got  \(got ?? "nil")") }
            // Without the hash: c++filt's text minus `::h<16 hex>`.
            #expect(RustDemangler.demangle(mangled) == RustDemangler.stripLegacyHash(expected))
            #expect(RustDemangler.demangle(mangled)?.hasSuffix(String(expected.suffix(19))) == false)
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) mismatches:\n\(mismatches.prefix(5).joined(separator: "\n"))")
    }

    @Test func cxxSymbolsAreNotRust() throws {
        let symbols = try Paths.fixtureText("logs/sanitizer/cxx-symbols-not-rust.txt").split(separator: "\n")
        #expect(symbols.count == 33)
        for s in symbols {
            #expect(RustDemangler.demangle(String(s)) == nil, "\(s)")
        }
        for s in ["malloc", "main", "", "_Z3foov", "_ZN3foo3barE", "_R", "_RNv", "_ZN", "__interceptor_malloc"] {
            #expect(RustDemangler.demangle(s) == nil, "\(s)")
        }
    }

    @Test func withoutHashesCrateDisambiguatorsGo() {
        #expect(
            RustDemangler.demangle("_RNvNtCsbEht8wFNRx7_5alloc5alloc5allocCscjo1lxsbzDA_6sanfix")
                == "alloc::alloc::alloc")
        #expect(
            RustDemangler.demangle("_RNvNtCsbEht8wFNRx7_5alloc5alloc5allocCscjo1lxsbzDA_6sanfix", keepHash: true)
                == "alloc[87b0fb19d3271c63]::alloc::alloc")
        #expect(RustDemangler.demangle("_RNvCsaC3mFl6d4Re_14leak_box_child4main") == "leak_box_child::main")
        #expect(
            RustDemangler.demangle("_RINvNtCsi4IsKQVxMg0_3std2rt10lang_startuECsaC3mFl6d4Re_14leak_box_child")
                == "std::rt::lang_start::<()>")
        #expect(
            RustDemangler.demangle(
                "_RNvMNtCsbEht8wFNRx7_5alloc5allocNtB2_6Global18alloc_impl_runtimeCscjo1lxsbzDA_6sanfix")
                == "<alloc::alloc::Global>::alloc_impl_runtime")
    }

    @Test func v0Grammar() {
        // Hand-built symbols for each production (from RFC 2603's examples).
        let cases: [(String, String)] = [
            ("_RNvC7mycrate3foo", "mycrate::foo"),  // crate root without disambiguator
            ("_RNvNtC7mycrate3bar3foo", "mycrate::bar::foo"),
            ("_RNCNvC7mycrate3foo0", "mycrate::foo::{closure#0}"),
            ("_RNCNvC7mycrate3foos_0", "mycrate::foo::{closure#1}"),
            ("_RNSNvC7mycrate3foo6vtable", "mycrate::foo::{shim:vtable#0}"),
            ("_RINvC7mycrate3fooNtC3std6StringE", "mycrate::foo::<std::String>"),
            ("_RINvC7mycrate3fooReRShE", "mycrate::foo::<&str, &[u8]>"),
            ("_RINvC7mycrate3fooTlmEE", "mycrate::foo::<(i32, u32)>"),
            ("_RINvC7mycrate3fooTlEE", "mycrate::foo::<(i32,)>"),
            ("_RINvC7mycrate3fooPhOhQhE", "mycrate::foo::<*const u8, *mut u8, &mut u8>"),
            ("_RINvC7mycrate3fooAhj10_E", "mycrate::foo::<[u8; 16]>"),
            ("_RINvC7mycrate3fooKj3_E", "mycrate::foo::<3>"),
            ("_RINvC7mycrate3fooKb1_E", "mycrate::foo::<true>"),
            ("_RINvC7mycrate3fooKanb_E", "mycrate::foo::<-11>"),
            ("_RINvC7mycrate3fooFEuE", "mycrate::foo::<fn()>"),
            ("_RINvC7mycrate3fooFUKCmEhE", "mycrate::foo::<unsafe extern \"C\" fn(u32) -> u8>"),
            ("_RNvXC7mycrateNtB2_3FooNtC3std5Clone5clone", "<mycrate::Foo as std::Clone>::clone"),
            ("_RNvMC7mycrateNtB2_3Foo3new", "<mycrate::Foo>::new"),
            ("_RNvYNtC7mycrate3FooNtC3std5Clone5clone", "<mycrate::Foo as std::Clone>::clone"),
            ("_RINvC7mycrate3fooDNtC3std4SendEL_E", "mycrate::foo::<dyn std::Send>"),
            ("_RINvC7mycrate3fooRL_hE", "mycrate::foo::<&u8>"),
            ("_RINvC7mycrate3fooFG_RL0_hEuE", "mycrate::foo::<for<'a> fn(&'a u8)>"),
            ("_RINvC7mycrate3fooKc61_E", "mycrate::foo::<'a'>"),
            ("_RINvC7mycrate3fooDG_NtC3std2FnEL_E", "mycrate::foo::<dyn for<'a> std::Fn>"),
            ("_RINvC7mycrate3fooDINtC3std2FnTEEp6OutputuEL_E", "mycrate::foo::<dyn std::Fn<(), Output = ()>>"),
            ("_RNvC7mycrate3foo.llvm.1234ABCD", "mycrate::foo"),
        ]
        for (mangled, expected) in cases {
            #expect(RustDemangler.demangle(mangled) == expected, "\(mangled)")
        }
        // With hashes the text is exactly c++filt's (checked by hand with binutils 2.40).
        let verbose: [(String, String)] = [
            ("_RNvC7mycrate3foo", "mycrate[0]::foo"),
            ("_RINvC7mycrate3fooAhj10_E", "mycrate[0]::foo::<[u8; 16: usize]>"),
            ("_RINvC7mycrate3fooKb1_E", "mycrate[0]::foo::<true: bool>"),
            ("_RINvC7mycrate3fooKanb_E", "mycrate[0]::foo::<-11: i8>"),
            ("_RINvC7mycrate3fooKc61_E", "mycrate[0]::foo::<'a': char>"),
            ("_RNvXC7mycrateNtB2_3FooNtC3std5Clone5clone", "<mycrate[0]::Foo as std[0]::Clone>::clone"),
            ("_RINvC7mycrate3fooDINtC3std2FnTEEp6OutputuEL_E", "mycrate[0]::foo::<dyn std[0]::Fn<(), Output = ()>>"),
        ]
        for (mangled, expected) in verbose {
            #expect(RustDemangler.demangle(mangled, keepHash: true) == expected, "\(mangled)")
        }
        // A lifetime index with no binder is malformed.
        #expect(RustDemangler.demangle("_RINvC7mycrate3fooRL0_hE") == nil)
        // Unsupported: punycode identifiers and encoding versions → nil, never a crash.
        #expect(RustDemangler.demangle("_RNvC7mycrateu7gdad_5") == nil)
        #expect(RustDemangler.demangle("_R1NvC7mycrate3foo") == nil)
        // Backrefs must point backwards.
        #expect(RustDemangler.demangle("_RNvB_3foo") == nil)
        #expect(RustDemangler.demangle("_RNvB9_3foo") == nil)
        // Runaway recursion is cut off.
        #expect(RustDemangler.demangle("_R" + String(repeating: "RR", count: 5000) + "h") == nil)
    }

    @Test func legacyEscapes() {
        let cases: [(String, String)] = [
            (
                "_ZN4core3ptr31drop_glue$LT$sanfix..Parent$GT$17h664f336f45f32fbdE",
                "core::ptr::drop_glue<sanfix::Parent>"
            ),
            ("_ZN3foo17h0123456789abcdefE", "foo"),
            (
                "_ZN58_$LT$std..io..error..Error$u20$as$u20$core..fmt..Debug$GT$3fmt17h0123456789abcdefE",
                "<std::io::error::Error as core::fmt::Debug>::fmt"
            ),
            ("_ZN5alloc7raw_vec19RawVec$LT$T$C$A$GT$4grow17h0123456789abcdefE", "alloc::raw_vec::RawVec<T,A>::grow"),
            (
                "_ZN4core3ops8function6FnOnce40call_once$u7b$$u7b$vtable.shim$u7d$$u7d$17h0123456789abcdefE",
                "core::ops::function::FnOnce::call_once{{vtable.shim}}"
            ),
            ("_ZN3foo12$RF$$BP$$SP$17h0123456789abcdefE", "foo::&*@"),
            ("_ZN3foo3bar17h0123456789abcdefE.llvm.9876543210", "foo::bar"),
            ("__ZN3foo3bar17h0123456789abcdefE", "foo::bar"),
        ]
        for (mangled, expected) in cases {
            #expect(RustDemangler.demangle(mangled) == expected, "\(mangled)")
        }
        #expect(
            RustDemangler.demangle("_ZN3foo3bar17h0123456789abcdefE", keepHash: true) == "foo::bar::h0123456789abcdef")
        #expect(RustDemangler.demangle("_ZN3foo3bar17h0123456789abcdeE") == nil)  // short hash: C++
        #expect(RustDemangler.demangle("_ZN3foo99bar17h0123456789abcdefE") == nil)  // length past the end
    }

    @Test func stripLegacyHash() {
        #expect(RustDemangler.stripLegacyHash("moq_ffi::tests::leak_x::h0123456789abcdef") == "moq_ffi::tests::leak_x")
        #expect(RustDemangler.stripLegacyHash("moq_ffi::tests::leak_x") == "moq_ffi::tests::leak_x")
        #expect(RustDemangler.stripLegacyHash("foo::hzzzzzzzzzzzzzzzz") == "foo::hzzzzzzzzzzzzzzzz")
        #expect(RustDemangler.stripLegacyHash("h0123456789abcdef") == "h0123456789abcdef")
    }
}
