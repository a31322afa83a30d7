import Foundation

@testable import LeakCheck

/// Stacks copied from real valgrind 3.19 runs (`--gen-suppressions=all` XML in
/// Tests/Fixtures/suppressions/), so these tests do not depend on the XML parser:
/// demangled name, the mangled name valgrind put in `<sframe><fun>` (nil when it
/// is the same, as for inlined frames), file, line and object.
enum SuppressionTestStacks {
    static func f(_ function: String?, _ mangled: String?, _ file: String?, _ line: Int?, _ object: String?) -> Frame {
        Frame(function: function, file: file, line: line, object: object, mangled: mangled ?? function)
    }

    /// moq_ffi's `#[test] fn leaks_forty_bytes` (Box::into_raw of 40 bytes), rustc stable 1.95: legacy-mangled crate code, v0-mangled std.
    /// Leak_DefinitelyLost 40 bytes in 1 blocks are definitely lost in loss record 1 of 3
    static let testBodyLeakStable: [Frame] = [
        f("malloc", nil, nil, nil, "/usr/libexec/valgrind/vgpreload_memcheck-amd64-linux.so"),
        f(
            "alloc", nil, "/rustc/59807616e1fa2540724bfbac14d7976d7e4a3860/library/alloc/src/alloc.rs", 95,
            "/tmp/supp/moq_ffi/target/debug/deps/moq_ffi-f761b63cfd8fe818"),
        f(
            "alloc::alloc::Global::alloc_impl_runtime",
            "_ZN5alloc5alloc6Global18alloc_impl_runtime17h2d5ec2e853f2894bE",
            "/rustc/59807616e1fa2540724bfbac14d7976d7e4a3860/library/alloc/src/alloc.rs", 190,
            "/tmp/supp/moq_ffi/target/debug/deps/moq_ffi-f761b63cfd8fe818"),
        f(
            "alloc_impl", nil, "/rustc/59807616e1fa2540724bfbac14d7976d7e4a3860/library/alloc/src/alloc.rs", 312,
            "/tmp/supp/moq_ffi/target/debug/deps/moq_ffi-f761b63cfd8fe818"),
        f(
            "allocate", nil, "/rustc/59807616e1fa2540724bfbac14d7976d7e4a3860/library/alloc/src/alloc.rs", 429,
            "/tmp/supp/moq_ffi/target/debug/deps/moq_ffi-f761b63cfd8fe818"),
        f(
            "alloc::boxed::box_new_uninit", "_ZN5alloc5boxed14box_new_uninit17hed234ecd761a7f2dE",
            "/rustc/59807616e1fa2540724bfbac14d7976d7e4a3860/library/alloc/src/boxed.rs", 248,
            "/tmp/supp/moq_ffi/target/debug/deps/moq_ffi-f761b63cfd8fe818"),
        f(
            "new<[u8; 40]>", nil, "/rustc/59807616e1fa2540724bfbac14d7976d7e4a3860/library/alloc/src/boxed.rs", 286,
            "/tmp/supp/moq_ffi/target/debug/deps/moq_ffi-f761b63cfd8fe818"),
        f(
            "moq_ffi::tests::leaks_forty_bytes", "_ZN7moq_ffi5tests17leaks_forty_bytes17hf88fc1fe7546e362E",
            "/tmp/supp/moq_ffi/src/lib.rs", 8, "/tmp/supp/moq_ffi/target/debug/deps/moq_ffi-f761b63cfd8fe818"),
        f(
            "moq_ffi::tests::leaks_forty_bytes::{{closure}}",
            "_ZN7moq_ffi5tests17leaks_forty_bytes28_$u7b$$u7b$closure$u7d$$u7d$17h9f0c8c0a7fc3367cE",
            "/tmp/supp/moq_ffi/src/lib.rs", 7, "/tmp/supp/moq_ffi/target/debug/deps/moq_ffi-f761b63cfd8fe818"),
        f(
            "core::ops::function::FnOnce::call_once", "_ZN4core3ops8function6FnOnce9call_once17hacd4396166379373E",
            "/rustc/59807616e1fa2540724bfbac14d7976d7e4a3860/library/core/src/ops/function.rs", 250,
            "/tmp/supp/moq_ffi/target/debug/deps/moq_ffi-f761b63cfd8fe818"),
        f(
            "call_once<fn() -> core::result::Result<(), alloc::string::String>, ()>", nil,
            "/rustc/59807616e1fa2540724bfbac14d7976d7e4a3860/library/core/src/ops/function.rs", 250,
            "/tmp/supp/moq_ffi/target/debug/deps/moq_ffi-f761b63cfd8fe818"),
        f(
            "test::__rust_begin_short_backtrace::<core::result::Result<(), alloc::string::String>, fn() -> core::result::Result<(), alloc::string::String>>",
            "_RINvCs3mSbOeLENLV_4test28___rust_begin_short_backtraceINtNtCsgEmfK2I1SDS_4core6result6ResultuNtNtCslNYArtu3iFV_5alloc6string6StringEFEBQ_EB2_",
            "/rustc/59807616e1fa2540724bfbac14d7976d7e4a3860/library/test/src/lib.rs", 663,
            "/tmp/supp/moq_ffi/target/debug/deps/moq_ffi-f761b63cfd8fe818"),
        f(
            "{closure#0}", nil, "/rustc/59807616e1fa2540724bfbac14d7976d7e4a3860/library/test/src/lib.rs", 686,
            "/tmp/supp/moq_ffi/target/debug/deps/moq_ffi-f761b63cfd8fe818"),
        f(
            "call_once<core::result::Result<(), alloc::string::String>, test::run_test_in_process::{closure_env#0}>",
            nil, "/rustc/59807616e1fa2540724bfbac14d7976d7e4a3860/library/core/src/panic/unwind_safe.rs", 274,
            "/tmp/supp/moq_ffi/target/debug/deps/moq_ffi-f761b63cfd8fe818"),
        f(
            "do_call<core::panic::unwind_safe::AssertUnwindSafe<test::run_test_in_process::{closure_env#0}>, core::result::Result<(), alloc::string::String>>",
            nil, "/rustc/59807616e1fa2540724bfbac14d7976d7e4a3860/library/std/src/panicking.rs", 581,
            "/tmp/supp/moq_ffi/target/debug/deps/moq_ffi-f761b63cfd8fe818"),
        f(
            "catch_unwind<core::result::Result<(), alloc::string::String>, core::panic::unwind_safe::AssertUnwindSafe<test::run_test_in_process::{closure_env#0}>>",
            nil, "/rustc/59807616e1fa2540724bfbac14d7976d7e4a3860/library/std/src/panicking.rs", 544,
            "/tmp/supp/moq_ffi/target/debug/deps/moq_ffi-f761b63cfd8fe818"),
        f(
            "catch_unwind<core::panic::unwind_safe::AssertUnwindSafe<test::run_test_in_process::{closure_env#0}>, core::result::Result<(), alloc::string::String>>",
            nil, "/rustc/59807616e1fa2540724bfbac14d7976d7e4a3860/library/std/src/panic.rs", 359,
            "/tmp/supp/moq_ffi/target/debug/deps/moq_ffi-f761b63cfd8fe818"),
        f(
            "run_test_in_process", nil, "/rustc/59807616e1fa2540724bfbac14d7976d7e4a3860/library/test/src/lib.rs", 686,
            "/tmp/supp/moq_ffi/target/debug/deps/moq_ffi-f761b63cfd8fe818"),
        f(
            "test::run_test::{closure#0}", "_RNCNvCs3mSbOeLENLV_4test8run_test0B3_",
            "/rustc/59807616e1fa2540724bfbac14d7976d7e4a3860/library/test/src/lib.rs", 607,
            "/tmp/supp/moq_ffi/target/debug/deps/moq_ffi-f761b63cfd8fe818"),
        f(
            "{closure#1}", nil, "/rustc/59807616e1fa2540724bfbac14d7976d7e4a3860/library/test/src/lib.rs", 637,
            "/tmp/supp/moq_ffi/target/debug/deps/moq_ffi-f761b63cfd8fe818"),
        f(
            "std::sys::backtrace::__rust_begin_short_backtrace::<test::run_test::{closure#1}, ()>",
            "_RINvNtNtCsjrHSEGnQ3l9_3std3sys9backtrace28___rust_begin_short_backtraceNCNvCs3mSbOeLENLV_4test8run_tests_0uEB1b_",
            "/rustc/59807616e1fa2540724bfbac14d7976d7e4a3860/library/std/src/sys/backtrace.rs", 166,
            "/tmp/supp/moq_ffi/target/debug/deps/moq_ffi-f761b63cfd8fe818"),
        f(
            "{closure#0}<test::run_test::{closure_env#1}, ()>", nil,
            "/rustc/59807616e1fa2540724bfbac14d7976d7e4a3860/library/std/src/thread/lifecycle.rs", 91,
            "/tmp/supp/moq_ffi/target/debug/deps/moq_ffi-f761b63cfd8fe818"),
        f(
            "call_once<(), std::thread::lifecycle::spawn_unchecked::{closure#1}::{closure_env#0}<test::run_test::{closure_env#1}, ()>>",
            nil, "/rustc/59807616e1fa2540724bfbac14d7976d7e4a3860/library/core/src/panic/unwind_safe.rs", 274,
            "/tmp/supp/moq_ffi/target/debug/deps/moq_ffi-f761b63cfd8fe818"),
        f(
            "do_call<core::panic::unwind_safe::AssertUnwindSafe<std::thread::lifecycle::spawn_unchecked::{closure#1}::{closure_env#0}<test::run_test::{closure_env#1}, ()>>, ()>",
            nil, "/rustc/59807616e1fa2540724bfbac14d7976d7e4a3860/library/std/src/panicking.rs", 581,
            "/tmp/supp/moq_ffi/target/debug/deps/moq_ffi-f761b63cfd8fe818"),
        f(
            "catch_unwind<(), core::panic::unwind_safe::AssertUnwindSafe<std::thread::lifecycle::spawn_unchecked::{closure#1}::{closure_env#0}<test::run_test::{closure_env#1}, ()>>>",
            nil, "/rustc/59807616e1fa2540724bfbac14d7976d7e4a3860/library/std/src/panicking.rs", 544,
            "/tmp/supp/moq_ffi/target/debug/deps/moq_ffi-f761b63cfd8fe818"),
        f(
            "catch_unwind<core::panic::unwind_safe::AssertUnwindSafe<std::thread::lifecycle::spawn_unchecked::{closure#1}::{closure_env#0}<test::run_test::{closure_env#1}, ()>>, ()>",
            nil, "/rustc/59807616e1fa2540724bfbac14d7976d7e4a3860/library/std/src/panic.rs", 359,
            "/tmp/supp/moq_ffi/target/debug/deps/moq_ffi-f761b63cfd8fe818"),
        f(
            "{closure#1}<test::run_test::{closure_env#1}, ()>", nil,
            "/rustc/59807616e1fa2540724bfbac14d7976d7e4a3860/library/std/src/thread/lifecycle.rs", 89,
            "/tmp/supp/moq_ffi/target/debug/deps/moq_ffi-f761b63cfd8fe818"),
        f(
            "<std::thread::lifecycle::spawn_unchecked<test::run_test::{closure#1}, ()>::{closure#1} as core::ops::function::FnOnce<()>>::call_once::{shim:vtable#0}",
            "_RNSNvYNCINvNtNtCsjrHSEGnQ3l9_3std6thread9lifecycle15spawn_uncheckedNCNvCs3mSbOeLENLV_4test8run_tests_0uEs_0INtNtNtCsgEmfK2I1SDS_4core3ops8function6FnOnceuE9call_once6vtableB17_",
            "/rustc/59807616e1fa2540724bfbac14d7976d7e4a3860/library/core/src/ops/function.rs", 250,
            "/tmp/supp/moq_ffi/target/debug/deps/moq_ffi-f761b63cfd8fe818"),
        f(
            "call_once<(), (dyn core::ops::function::FnOnce<(), Output=()> + core::marker::Send), alloc::alloc::Global>",
            nil, "/rustc/59807616e1fa2540724bfbac14d7976d7e4a3860/library/alloc/src/boxed.rs", 2240,
            "/tmp/supp/moq_ffi/target/debug/deps/moq_ffi-f761b63cfd8fe818"),
        f(
            "<std::sys::thread::unix::Thread>::new::thread_start",
            "_RNvNvMs0_NtNtNtCsjrHSEGnQ3l9_3std3sys6thread4unixNtB7_6Thread3new12thread_start",
            "/rustc/59807616e1fa2540724bfbac14d7976d7e4a3860/library/std/src/sys/thread/unix.rs", 118,
            "/tmp/supp/moq_ffi/target/debug/deps/moq_ffi-f761b63cfd8fe818"),
        f("start_thread", nil, "./nptl/./nptl/pthread_create.c", 442, "/usr/lib/x86_64-linux-gnu/libc.so.6"),
    ]

    /// The same test built with nightly 1.97: everything v0-mangled.
    /// Leak_DefinitelyLost 40 bytes in 1 blocks are definitely lost in loss record 1 of 3
    static let testBodyLeakNightly: [Frame] = [
        f("malloc", nil, nil, nil, "/usr/libexec/valgrind/vgpreload_memcheck-amd64-linux.so"),
        f(
            "alloc", nil, "/rustc/e50aa6fba4e63ab34c72bf9acfd2c307c1155d1a/library/alloc/src/alloc.rs", 101,
            "/tmp/supp/moq_ffi/target-nightly/debug/deps/moq_ffi-5c111de2741410ea"),
        f(
            "<alloc::alloc::Global>::alloc_impl_runtime",
            "_RNvMNtCsbEht8wFNRx7_5alloc5allocNtB2_6Global18alloc_impl_runtimeCsipFmrgotuCo_7moq_ffi",
            "/rustc/e50aa6fba4e63ab34c72bf9acfd2c307c1155d1a/library/alloc/src/alloc.rs", 210,
            "/tmp/supp/moq_ffi/target-nightly/debug/deps/moq_ffi-5c111de2741410ea"),
        f(
            "alloc_impl", nil, "/rustc/e50aa6fba4e63ab34c72bf9acfd2c307c1155d1a/library/alloc/src/alloc.rs", 332,
            "/tmp/supp/moq_ffi/target-nightly/debug/deps/moq_ffi-5c111de2741410ea"),
        f(
            "allocate", nil, "/rustc/e50aa6fba4e63ab34c72bf9acfd2c307c1155d1a/library/alloc/src/alloc.rs", 449,
            "/tmp/supp/moq_ffi/target-nightly/debug/deps/moq_ffi-5c111de2741410ea"),
        f(
            "alloc::boxed::box_new_uninit", "_RNvNtCsbEht8wFNRx7_5alloc5boxed14box_new_uninitCsipFmrgotuCo_7moq_ffi",
            "/rustc/e50aa6fba4e63ab34c72bf9acfd2c307c1155d1a/library/alloc/src/boxed.rs", 248,
            "/tmp/supp/moq_ffi/target-nightly/debug/deps/moq_ffi-5c111de2741410ea"),
        f(
            "new<[u8; 40]>", nil, "/rustc/e50aa6fba4e63ab34c72bf9acfd2c307c1155d1a/library/alloc/src/boxed.rs", 286,
            "/tmp/supp/moq_ffi/target-nightly/debug/deps/moq_ffi-5c111de2741410ea"),
        f(
            "moq_ffi::tests::leaks_forty_bytes", "_RNvNtCsipFmrgotuCo_7moq_ffi5testss_17leaks_forty_bytes",
            "/tmp/supp/moq_ffi/src/lib.rs", 8, "/tmp/supp/moq_ffi/target-nightly/debug/deps/moq_ffi-5c111de2741410ea"),
        f(
            "moq_ffi::tests::leaks_forty_bytes::{closure#0}",
            "_RNCNvNtCsipFmrgotuCo_7moq_ffi5tests17leaks_forty_bytes0B5_", "/tmp/supp/moq_ffi/src/lib.rs", 7,
            "/tmp/supp/moq_ffi/target-nightly/debug/deps/moq_ffi-5c111de2741410ea"),
        f(
            "<moq_ffi::tests::leaks_forty_bytes::{closure#0} as core::ops::function::FnOnce<()>>::call_once",
            "_RNvYNCNvNtCsipFmrgotuCo_7moq_ffi5tests17leaks_forty_bytes0INtNtNtCs8NwYtU1Mohg_4core3ops8function6FnOnceuE9call_onceB8_",
            "/rustc/e50aa6fba4e63ab34c72bf9acfd2c307c1155d1a/library/core/src/ops/function.rs", 250,
            "/tmp/supp/moq_ffi/target-nightly/debug/deps/moq_ffi-5c111de2741410ea"),
        f(
            "call_once<fn() -> core::result::Result<(), alloc::string::String>, ()>", nil,
            "/rustc/e50aa6fba4e63ab34c72bf9acfd2c307c1155d1a/library/core/src/ops/function.rs", 250,
            "/tmp/supp/moq_ffi/target-nightly/debug/deps/moq_ffi-5c111de2741410ea"),
        f(
            "test::__rust_begin_short_backtrace::<core::result::Result<(), alloc::string::String>, fn() -> core::result::Result<(), alloc::string::String>>",
            "_RINvCsh1TzFaBDtUP_4test28___rust_begin_short_backtraceINtNtCs8NwYtU1Mohg_4core6result6ResultuNtNtCsbEht8wFNRx7_5alloc6string6StringEFEBQ_EB2_",
            "/rustc/e50aa6fba4e63ab34c72bf9acfd2c307c1155d1a/library/test/src/lib.rs", 724,
            "/tmp/supp/moq_ffi/target-nightly/debug/deps/moq_ffi-5c111de2741410ea"),
        f(
            "{closure#0}", nil, "/rustc/e50aa6fba4e63ab34c72bf9acfd2c307c1155d1a/library/test/src/lib.rs", 747,
            "/tmp/supp/moq_ffi/target-nightly/debug/deps/moq_ffi-5c111de2741410ea"),
        f(
            "call_once<core::result::Result<(), alloc::string::String>, test::run_test_in_process::{closure_env#0}>",
            nil, "/rustc/e50aa6fba4e63ab34c72bf9acfd2c307c1155d1a/library/core/src/panic/unwind_safe.rs", 275,
            "/tmp/supp/moq_ffi/target-nightly/debug/deps/moq_ffi-5c111de2741410ea"),
        f(
            "do_call<core::panic::unwind_safe::AssertUnwindSafe<test::run_test_in_process::{closure_env#0}>, core::result::Result<(), alloc::string::String>>",
            nil, "/rustc/e50aa6fba4e63ab34c72bf9acfd2c307c1155d1a/library/std/src/panicking.rs", 581,
            "/tmp/supp/moq_ffi/target-nightly/debug/deps/moq_ffi-5c111de2741410ea"),
        f(
            "catch_unwind<core::result::Result<(), alloc::string::String>, core::panic::unwind_safe::AssertUnwindSafe<test::run_test_in_process::{closure_env#0}>>",
            nil, "/rustc/e50aa6fba4e63ab34c72bf9acfd2c307c1155d1a/library/std/src/panicking.rs", 544,
            "/tmp/supp/moq_ffi/target-nightly/debug/deps/moq_ffi-5c111de2741410ea"),
        f(
            "catch_unwind<core::panic::unwind_safe::AssertUnwindSafe<test::run_test_in_process::{closure_env#0}>, core::result::Result<(), alloc::string::String>>",
            nil, "/rustc/e50aa6fba4e63ab34c72bf9acfd2c307c1155d1a/library/std/src/panic.rs", 359,
            "/tmp/supp/moq_ffi/target-nightly/debug/deps/moq_ffi-5c111de2741410ea"),
        f(
            "run_test_in_process", nil, "/rustc/e50aa6fba4e63ab34c72bf9acfd2c307c1155d1a/library/test/src/lib.rs", 747,
            "/tmp/supp/moq_ffi/target-nightly/debug/deps/moq_ffi-5c111de2741410ea"),
        f(
            "test::run_test::{closure#0}", "_RNCNvCsh1TzFaBDtUP_4test8run_test0B3_",
            "/rustc/e50aa6fba4e63ab34c72bf9acfd2c307c1155d1a/library/test/src/lib.rs", 668,
            "/tmp/supp/moq_ffi/target-nightly/debug/deps/moq_ffi-5c111de2741410ea"),
        f(
            "{closure#1}", nil, "/rustc/e50aa6fba4e63ab34c72bf9acfd2c307c1155d1a/library/test/src/lib.rs", 698,
            "/tmp/supp/moq_ffi/target-nightly/debug/deps/moq_ffi-5c111de2741410ea"),
        f(
            "std::sys::backtrace::__rust_begin_short_backtrace::<test::run_test::{closure#1}, ()>",
            "_RINvNtNtCsi4IsKQVxMg0_3std3sys9backtrace28___rust_begin_short_backtraceNCNvCsh1TzFaBDtUP_4test8run_tests_0uEB1b_",
            "/rustc/e50aa6fba4e63ab34c72bf9acfd2c307c1155d1a/library/std/src/sys/backtrace.rs", 166,
            "/tmp/supp/moq_ffi/target-nightly/debug/deps/moq_ffi-5c111de2741410ea"),
        f(
            "{closure#0}<test::run_test::{closure_env#1}, ()>", nil,
            "/rustc/e50aa6fba4e63ab34c72bf9acfd2c307c1155d1a/library/std/src/thread/lifecycle.rs", 70,
            "/tmp/supp/moq_ffi/target-nightly/debug/deps/moq_ffi-5c111de2741410ea"),
        f(
            "call_once<(), std::thread::lifecycle::spawn_unchecked::{closure#1}::{closure_env#0}<test::run_test::{closure_env#1}, ()>>",
            nil, "/rustc/e50aa6fba4e63ab34c72bf9acfd2c307c1155d1a/library/core/src/panic/unwind_safe.rs", 275,
            "/tmp/supp/moq_ffi/target-nightly/debug/deps/moq_ffi-5c111de2741410ea"),
        f(
            "do_call<core::panic::unwind_safe::AssertUnwindSafe<std::thread::lifecycle::spawn_unchecked::{closure#1}::{closure_env#0}<test::run_test::{closure_env#1}, ()>>, ()>",
            nil, "/rustc/e50aa6fba4e63ab34c72bf9acfd2c307c1155d1a/library/std/src/panicking.rs", 581,
            "/tmp/supp/moq_ffi/target-nightly/debug/deps/moq_ffi-5c111de2741410ea"),
        f(
            "catch_unwind<(), core::panic::unwind_safe::AssertUnwindSafe<std::thread::lifecycle::spawn_unchecked::{closure#1}::{closure_env#0}<test::run_test::{closure_env#1}, ()>>>",
            nil, "/rustc/e50aa6fba4e63ab34c72bf9acfd2c307c1155d1a/library/std/src/panicking.rs", 544,
            "/tmp/supp/moq_ffi/target-nightly/debug/deps/moq_ffi-5c111de2741410ea"),
        f(
            "catch_unwind<core::panic::unwind_safe::AssertUnwindSafe<std::thread::lifecycle::spawn_unchecked::{closure#1}::{closure_env#0}<test::run_test::{closure_env#1}, ()>>, ()>",
            nil, "/rustc/e50aa6fba4e63ab34c72bf9acfd2c307c1155d1a/library/std/src/panic.rs", 359,
            "/tmp/supp/moq_ffi/target-nightly/debug/deps/moq_ffi-5c111de2741410ea"),
        f(
            "{closure#1}<test::run_test::{closure_env#1}, ()>", nil,
            "/rustc/e50aa6fba4e63ab34c72bf9acfd2c307c1155d1a/library/std/src/thread/lifecycle.rs", 68,
            "/tmp/supp/moq_ffi/target-nightly/debug/deps/moq_ffi-5c111de2741410ea"),
        f(
            "<std::thread::lifecycle::spawn_unchecked<test::run_test::{closure#1}, ()>::{closure#1} as core::ops::function::FnOnce<()>>::call_once::{shim:vtable#0}",
            "_RNSNvYNCINvNtNtCsi4IsKQVxMg0_3std6thread9lifecycle15spawn_uncheckedNCNvCsh1TzFaBDtUP_4test8run_tests_0uEs_0INtNtNtCs8NwYtU1Mohg_4core3ops8function6FnOnceuE9call_once6vtableB17_",
            "/rustc/e50aa6fba4e63ab34c72bf9acfd2c307c1155d1a/library/core/src/ops/function.rs", 250,
            "/tmp/supp/moq_ffi/target-nightly/debug/deps/moq_ffi-5c111de2741410ea"),
        f(
            "call_once<(), (dyn core::ops::function::FnOnce<(), Output=()> + core::marker::Send), alloc::alloc::Global>",
            nil, "/rustc/e50aa6fba4e63ab34c72bf9acfd2c307c1155d1a/library/alloc/src/boxed.rs", 2275,
            "/tmp/supp/moq_ffi/target-nightly/debug/deps/moq_ffi-5c111de2741410ea"),
        f(
            "<std::sys::thread::unix::Thread>::new::thread_start",
            "_RNvNvMs0_NtNtNtCsi4IsKQVxMg0_3std3sys6thread4unixNtB7_6Thread3new12thread_start",
            "/rustc/e50aa6fba4e63ab34c72bf9acfd2c307c1155d1a/library/std/src/sys/thread/unix.rs", 118,
            "/tmp/supp/moq_ffi/target-nightly/debug/deps/moq_ffi-5c111de2741410ea"),
        f("start_thread", nil, "./nptl/./nptl/pthread_create.c", 442, "/usr/lib/x86_64-linux-gnu/libc.so.6"),
    ]

    /// libtest noise, stable: the main thread's `Thread` handle, possibly lost (first 12 frames).
    /// Leak_PossiblyLost 48 bytes in 1 blocks are possibly lost in loss record 1 of 2
    static let mainThreadHandleStable: [Frame] = [
        f("malloc", nil, nil, nil, "/usr/libexec/valgrind/vgpreload_memcheck-amd64-linux.so"),
        f(
            "alloc", nil, "/rustc/59807616e1fa2540724bfbac14d7976d7e4a3860/library/std/src/sys/alloc/unix.rs", 14,
            "/tmp/supp/clean_mt/target/debug/deps/clean_mt-0a7f339bca6c697d"),
        f(
            "alloc_impl", nil, "/rustc/59807616e1fa2540724bfbac14d7976d7e4a3860/library/std/src/alloc.rs", 151,
            "/tmp/supp/clean_mt/target/debug/deps/clean_mt-0a7f339bca6c697d"),
        f(
            "allocate", nil, "/rustc/59807616e1fa2540724bfbac14d7976d7e4a3860/library/std/src/alloc.rs", 214,
            "/tmp/supp/clean_mt/target/debug/deps/clean_mt-0a7f339bca6c697d"),
        f(
            "{closure#0}<std::thread::thread::Inner, std::alloc::System>", nil,
            "/rustc/59807616e1fa2540724bfbac14d7976d7e4a3860/library/alloc/src/sync.rs", 805,
            "/tmp/supp/clean_mt/target/debug/deps/clean_mt-0a7f339bca6c697d"),
        f(
            "allocate_for_layout<core::mem::maybe_uninit::MaybeUninit<std::thread::thread::Inner>, alloc::sync::{impl#17}::new_uninit_in::{closure_env#0}<std::thread::thread::Inner, std::alloc::System>, fn(*mut u8) -> *mut alloc::sync::ArcInner<core::mem::maybe_uninit::MaybeUninit<std::thread::thread::Inner>>>",
            nil, "/rustc/59807616e1fa2540724bfbac14d7976d7e4a3860/library/alloc/src/sync.rs", 2162,
            "/tmp/supp/clean_mt/target/debug/deps/clean_mt-0a7f339bca6c697d"),
        f(
            "new_uninit_in<std::thread::thread::Inner, std::alloc::System>", nil,
            "/rustc/59807616e1fa2540724bfbac14d7976d7e4a3860/library/alloc/src/sync.rs", 803,
            "/tmp/supp/clean_mt/target/debug/deps/clean_mt-0a7f339bca6c697d"),
        f(
            "<std::thread::thread::Thread>::new", "_RNvMs_NtNtCsjrHSEGnQ3l9_3std6thread6threadNtB4_6Thread3new",
            "/rustc/59807616e1fa2540724bfbac14d7976d7e4a3860/library/std/src/thread/thread.rs", 102,
            "/tmp/supp/clean_mt/target/debug/deps/clean_mt-0a7f339bca6c697d"),
        f(
            "std::thread::current::init_current", "_RNvNtNtCsjrHSEGnQ3l9_3std6thread7current12init_current",
            "/rustc/59807616e1fa2540724bfbac14d7976d7e4a3860/library/std/src/thread/current.rs", 294,
            "/tmp/supp/clean_mt/target/debug/deps/clean_mt-0a7f339bca6c697d"),
        f(
            "current_or_unnamed", nil,
            "/rustc/59807616e1fa2540724bfbac14d7976d7e4a3860/library/std/src/thread/current.rs", 251,
            "/tmp/supp/clean_mt/target/debug/deps/clean_mt-0a7f339bca6c697d"),
        f(
            "<std::sync::mpmc::context::Context>::new",
            "_RNvMNtNtNtCsjrHSEGnQ3l9_3std4sync4mpmc7contextNtB2_7Context3new",
            "/rustc/59807616e1fa2540724bfbac14d7976d7e4a3860/library/std/src/sync/mpmc/context.rs", 72,
            "/tmp/supp/clean_mt/target/debug/deps/clean_mt-0a7f339bca6c697d"),
        f(
            "__rust_std_internal_init_fn", nil,
            "/rustc/59807616e1fa2540724bfbac14d7976d7e4a3860/library/std/src/sync/mpmc/context.rs", 43,
            "/tmp/supp/clean_mt/target/debug/deps/clean_mt-0a7f339bca6c697d"),
    ]

    /// libtest noise, stable: std's stack-overflow thread map, still reachable (first 16 frames).
    /// Leak_StillReachable 544 bytes in 1 blocks are still reachable in loss record 2 of 2
    static let stackOverflowThreadInfoStable: [Frame] = [
        f("malloc", nil, nil, nil, "/usr/libexec/valgrind/vgpreload_memcheck-amd64-linux.so"),
        f(
            "alloc", nil, "/rustc/59807616e1fa2540724bfbac14d7976d7e4a3860/library/alloc/src/alloc.rs", 95,
            "/tmp/supp/clean_mt/target/debug/deps/clean_mt-0a7f339bca6c697d"),
        f(
            "alloc_impl_runtime", nil, "/rustc/59807616e1fa2540724bfbac14d7976d7e4a3860/library/alloc/src/alloc.rs",
            190, "/tmp/supp/clean_mt/target/debug/deps/clean_mt-0a7f339bca6c697d"),
        f(
            "alloc_impl", nil, "/rustc/59807616e1fa2540724bfbac14d7976d7e4a3860/library/alloc/src/alloc.rs", 312,
            "/tmp/supp/clean_mt/target/debug/deps/clean_mt-0a7f339bca6c697d"),
        f(
            "allocate", nil, "/rustc/59807616e1fa2540724bfbac14d7976d7e4a3860/library/alloc/src/alloc.rs", 429,
            "/tmp/supp/clean_mt/target/debug/deps/clean_mt-0a7f339bca6c697d"),
        f(
            "try_new_uninit_in<alloc::collections::btree::node::LeafNode<usize, std::sys::pal::unix::stack_overflow::thread_info::ThreadInfo>, alloc::alloc::Global>",
            nil, "/rustc/59807616e1fa2540724bfbac14d7976d7e4a3860/library/alloc/src/boxed.rs", 614,
            "/tmp/supp/clean_mt/target/debug/deps/clean_mt-0a7f339bca6c697d"),
        f(
            "new_uninit_in<alloc::collections::btree::node::LeafNode<usize, std::sys::pal::unix::stack_overflow::thread_info::ThreadInfo>, alloc::alloc::Global>",
            nil, "/rustc/59807616e1fa2540724bfbac14d7976d7e4a3860/library/alloc/src/boxed.rs", 581,
            "/tmp/supp/clean_mt/target/debug/deps/clean_mt-0a7f339bca6c697d"),
        f(
            "new<usize, std::sys::pal::unix::stack_overflow::thread_info::ThreadInfo, alloc::alloc::Global>", nil,
            "/rustc/59807616e1fa2540724bfbac14d7976d7e4a3860/library/alloc/src/collections/btree/node.rs", 87,
            "/tmp/supp/clean_mt/target/debug/deps/clean_mt-0a7f339bca6c697d"),
        f(
            "new_leaf<usize, std::sys::pal::unix::stack_overflow::thread_info::ThreadInfo, alloc::alloc::Global>", nil,
            "/rustc/59807616e1fa2540724bfbac14d7976d7e4a3860/library/alloc/src/collections/btree/node.rs", 225,
            "/tmp/supp/clean_mt/target/debug/deps/clean_mt-0a7f339bca6c697d"),
        f(
            "insert_entry<usize, std::sys::pal::unix::stack_overflow::thread_info::ThreadInfo, alloc::alloc::Global>",
            nil, "/rustc/59807616e1fa2540724bfbac14d7976d7e4a3860/library/alloc/src/collections/btree/map/entry.rs",
            403, "/tmp/supp/clean_mt/target/debug/deps/clean_mt-0a7f339bca6c697d"),
        f(
            "insert<usize, std::sys::pal::unix::stack_overflow::thread_info::ThreadInfo, alloc::alloc::Global>", nil,
            "/rustc/59807616e1fa2540724bfbac14d7976d7e4a3860/library/alloc/src/collections/btree/map/entry.rs", 377,
            "/tmp/supp/clean_mt/target/debug/deps/clean_mt-0a7f339bca6c697d"),
        f(
            "insert<usize, std::sys::pal::unix::stack_overflow::thread_info::ThreadInfo, alloc::alloc::Global>", nil,
            "/rustc/59807616e1fa2540724bfbac14d7976d7e4a3860/library/alloc/src/collections/btree/map.rs", 1053,
            "/tmp/supp/clean_mt/target/debug/deps/clean_mt-0a7f339bca6c697d"),
        f(
            "std::sys::pal::unix::stack_overflow::thread_info::set_current_info",
            "_RNvNtNtNtNtNtCsjrHSEGnQ3l9_3std3sys3pal4unix14stack_overflow11thread_info16set_current_info",
            "/rustc/59807616e1fa2540724bfbac14d7976d7e4a3860/library/std/src/sys/pal/unix/stack_overflow/thread_info.rs",
            122, "/tmp/supp/clean_mt/target/debug/deps/clean_mt-0a7f339bca6c697d"),
        f(
            "init", nil,
            "/rustc/59807616e1fa2540724bfbac14d7976d7e4a3860/library/std/src/sys/pal/unix/stack_overflow.rs", 179,
            "/tmp/supp/clean_mt/target/debug/deps/clean_mt-0a7f339bca6c697d"),
        f(
            "init", nil, "/rustc/59807616e1fa2540724bfbac14d7976d7e4a3860/library/std/src/sys/pal/unix/mod.rs", 41,
            "/tmp/supp/clean_mt/target/debug/deps/clean_mt-0a7f339bca6c697d"),
        f(
            "init", nil, "/rustc/59807616e1fa2540724bfbac14d7976d7e4a3860/library/std/src/rt.rs", 118,
            "/tmp/supp/clean_mt/target/debug/deps/clean_mt-0a7f339bca6c697d"),
    ]

}
