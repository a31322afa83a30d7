import Foundation
import Testing

@testable import LeakCheck

/// `StackAttribution` on stacks of real Rust test leaks (valgrind XML and ASan
/// logs captured on this machine; Tests/Fixtures/attribution/README.md and
/// Tests/Fixtures/suppressions/capture/README.md say how).
@Suite struct AttributionTests {
    func valgrind(_ relative: String) throws -> [Finding] {
        let url = Paths.fixture(relative)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw FixtureMissing(path: url.path, hint: "fixture file missing from the checkout")
        }
        let out = try ValgrindXMLParser.parse(fileAt: url.path)
        try #require(out.complete)
        return out.findings
    }

    func sanitizer(_ relative: String) throws -> [Finding] {
        SanitizerLogParser.parse(text: try Paths.fixtureText(relative)).findings
    }

    /// (kind, bytes, attributed test) for every finding, in the checker's order.
    func attribute(_ findings: [Finding], crate: String, tests: [String]) -> [Row] {
        let a = StackAttribution(crateName: crate, tests: tests)
        return findings.map { Row($0.kind, $0.bytes ?? -1, a.test(for: $0.stack)) }
    }

    struct Row: Equatable, CustomStringConvertible {
        var kind: FindingKind, bytes: Int, test: String?
        init(_ kind: FindingKind, _ bytes: Int, _ test: String?) {
            self.kind = kind
            self.bytes = bytes
            self.test = test
        }
        var description: String { "\(kind) \(bytes) → \(test ?? "nil")" }
    }

    static let attribTests = [
        "tests::clean", "tests::leaks_in_body", "tests::leaks_in_named_thread_fn", "tests::leaks_in_spawned_closure",
    ]

    /// One binary, four tests, whole-binary valgrind run: the body leak and the
    /// leak in a closure the test spawned are named; the named thread function
    /// and the harness's own records are not.
    @Test func valgrindWholeBinaryOfFourTests() throws {
        let rows = attribute(
            try valgrind("attribution/attrib-valgrind-stable.xml"), crate: "attrib", tests: Self.attribTests)
        #expect(
            rows == [
                Row(.definitelyLost, 24, "tests::leaks_in_spawned_closure"),
                Row(.definitelyLost, 32, nil),  // attrib::leaky_worker on its own thread: needs Bisection
                Row(.definitelyLost, 40, "tests::leaks_in_body"),
                Row(.possiblyLost, 48, nil),  // libtest's main-thread handle
                Row(.stillReachable, 544, nil),  // std's stack-overflow thread info
            ])
    }

    @Test func asanWholeBinaryOfFourTests() throws {
        let rows = attribute(
            try sanitizer("attribution/attrib-asan-nightly.log"), crate: "attrib", tests: Self.attribTests)
        #expect(
            rows == [
                Row(.definitelyLost, 40, "tests::leaks_in_body"),
                Row(.definitelyLost, 32, nil),
                Row(.definitelyLost, 24, "tests::leaks_in_spawned_closure"),
            ])
    }

    /// The fixture crate's lib unit tests: `tests::…` inside crate `moq_ffi`.
    @Test func libUnitTestOfTheFixtureCrate() throws {
        let tests = [
            "tests::backend_is_selected_by_feature", "tests::client_create_destroy", "tests::connect_and_disconnect",
            "tests::connect_bad_url_frees_message", "tests::destroy_null_is_a_no_op",
            "tests::disconnect_when_not_connected_frees_message", "tests::leak_client_never_destroyed",
            "tests::subscriber_create_destroy", "tests::version_is_static_and_not_freed",
        ]
        let rows = attribute(
            try valgrind("attribution/moq_ffi-leak_demo-moq_ffi-valgrind.xml"), crate: "moq_ffi", tests: tests)
        #expect(
            rows == [
                Row(.definitelyLost, 24, "tests::leak_client_never_destroyed"),
                Row(.possiblyLost, 48, nil),
                Row(.stillReachable, 544, nil),
            ])
    }

    /// An integration-test binary: its tests sit at the crate root (`lifecycle::leak_subscriber_with_child`).
    @Test func integrationTestBinaryOfTheFixtureCrate() throws {
        let tests = [
            "client_lifecycle", "connect_callback_receives_user_data", "leak_subscriber_with_child", "many_clients",
            "publisher_lifecycle", "subscriber_lifecycle",
        ]
        let rows = attribute(
            try valgrind("attribution/moq_ffi-leak_demo-lifecycle-valgrind.xml"), crate: "lifecycle", tests: tests)
        #expect(
            rows == [
                Row(.indirectlyLost, 24, "leak_subscriber_with_child"),
                Row(.possiblyLost, 48, nil),
                Row(.indirectlyLost, 64, "leak_subscriber_with_child"),
                Row(.definitelyLost, 16, "leak_subscriber_with_child"),
                Row(.stillReachable, 544, nil),
            ])
        let errors = [
            "bad_scheme_is_an_error_with_message", "create_on_disconnected_client_returns_null",
            "empty_host_is_an_error",
            "leak_error_message", "null_arguments_are_errors",
        ]
        #expect(
            attribute(try valgrind("attribution/moq_ffi-leak_demo-errors-valgrind.xml"), crate: "errors", tests: errors)
                == [
                    Row(.definitelyLost, 37, "leak_error_message"),
                    Row(.possiblyLost, 48, nil),
                    Row(.stillReachable, 544, nil),
                ])
    }

    /// Stable (`{{closure}}`) and nightly (`{closure#0}`, `<… as FnOnce>::call_once`) symbol styles.
    @Test(arguments: ["suppressions/rust-test-leak.xml", "suppressions/rust-test-leak-nightly.xml"])
    func bothToolchainsSymbolStyles(file: String) throws {
        #expect(
            attribute(try valgrind(file), crate: "moq_ffi", tests: ["tests::leaks_forty_bytes"]) == [
                Row(.definitelyLost, 40, "tests::leaks_forty_bytes"),
                Row(.possiblyLost, 48, nil),
                Row(.stillReachable, 544, nil),
            ])
    }

    /// Crate name wrong (the package name instead of the target's): rule 1 finds
    /// nothing, rule 2 (the frame inside libtest's `__rust_begin_short_backtrace`) still names the test.
    @Test(arguments: ["suppressions/rust-test-leak.xml", "suppressions/rust-test-leak-nightly.xml"])
    func libtestEntryFrameWhenTheCrateNameIsWrong(file: String) throws {
        let findings = try valgrind(file)
        let a = StackAttribution(crateName: "moq-ffi-fixture", tests: ["tests::leaks_forty_bytes", "tests::other"])
        #expect(findings.map { a.test(for: $0.stack) } == ["tests::leaks_forty_bytes", nil, nil])
        // Two listed tests whose names both fit the frame: no guess.
        let ambiguous = StackAttribution(crateName: "x", tests: ["tests::leaks_forty_bytes", "leaks_forty_bytes"])
        #expect(ambiguous.test(for: findings[0].stack) == nil)
    }

    /// The rule-2 path on an inlined test body: valgrind prints inlined frames
    /// without their module path, so only the short name is left inside libtest's entry.
    @Test func libtestEntryFrameWithAnInlinedShortName() throws {
        var stack = try valgrind("suppressions/rust-test-leak.xml")[0].stack
        let entry = try #require(
            stack.firstIndex { $0.function?.hasPrefix("test::__rust_begin_short_backtrace") == true })
        let body = try #require(stack.firstIndex { $0.function == "moq_ffi::tests::leaks_forty_bytes" })
        stack[body].function = "leaks_forty_bytes"
        stack[body + 1].function = "{closure#0}"
        let a = StackAttribution(crateName: "moq_ffi", tests: ["tests::leaks_forty_bytes", "tests::clean"])
        #expect(a.test(for: stack) == "tests::leaks_forty_bytes")
        // libtest's entry named only by its file (inlined): still recognised.
        stack[entry].function =
            "__rust_begin_short_backtrace<core::result::Result<(), alloc::string::String>, fn() -> core::result::Result<(), alloc::string::String>>"
        stack[entry].file = "/rustc/59807616e/library/test/src/lib.rs"
        #expect(a.test(for: stack) == "tests::leaks_forty_bytes")
        // The same frame inside std's `__rust_begin_short_backtrace` (a thread's entry) names nothing.
        stack[entry].file = "/rustc/59807616e/library/std/src/sys/backtrace.rs"
        #expect(a.test(for: stack) == nil)
    }

    /// A thread left running at exit (the test spawned it, then returned): the
    /// records allocated by the test's `thread::spawn` call carry the test's own
    /// frame; the ones allocated on the thread, by std's TLS or by the harness do not.
    @Test func threadAliveAtExit() throws {
        let tests = ["tests::a", "tests::b", "tests::leaves_a_thread_running"]
        let stable = attribute(
            try valgrind("suppressions/rust-thread-alive-at-exit-stable.xml"), crate: "detached", tests: tests)
        let nightly = attribute(
            try valgrind("suppressions/rust-thread-alive-at-exit-nightly.xml"), crate: "detached", tests: tests)
        let expected = [
            Row(.stillReachable, 32, nil),  // SPAWN_HOOKS TLS on the new thread
            Row(.stillReachable, 32, nil),  // OUTPUT_CAPTURE TLS on the new thread
            Row(.stillReachable, 40, nil),  // libtest's spawn hook, from test_main
            Row(.stillReachable, 40, "tests::leaves_a_thread_running"),  // the spawn closure's box
            Row(.stillReachable, 48, nil),  // libtest's output capture, from run_test_in_process
            Row(.stillReachable, 48, "tests::leaves_a_thread_running"),  // the new thread's handle, made by the test's spawn
            Row(.stillReachable, 48, "tests::leaves_a_thread_running"),  // the join Packet
            Row(.possiblyLost, 48, nil),
            Row(.possiblyLost, 288, "tests::leaves_a_thread_running"),  // the thread's TLS block from pthread_create
            Row(.stillReachable, 544, nil),
        ]
        #expect(stable == expected)
        #expect(nightly == expected)
    }

    /// The ASan fast unwinder loses the test's frames: nothing to attribute (the
    /// reason the tool sets `fast_unwind_on_malloc=0`); the slow unwinder keeps them.
    @Test func sanitizerFastAndSlowUnwind() throws {
        let tests = ["tests::leaks_forty_bytes"]
        #expect(
            attribute(try sanitizer("suppressions/asan-rust-test-leak.log"), crate: "moq_ffi", tests: tests) == [
                Row(.definitelyLost, 40, nil)
            ])
        #expect(
            attribute(try sanitizer("suppressions/asan-rust-test-leak-slow-unwind.log"), crate: "moq_ffi", tests: tests)
                == [
                    Row(.definitelyLost, 40, "tests::leaks_forty_bytes")
                ])
        // Stable + RUSTC_BOOTSTRAP and nightly, direct and indirect: frame #3 is the test.
        for file in [
            "logs/sanitizer/rust-nightly-asan-cargo-test-leak.log",
            "logs/sanitizer/rust-stable-bootstrap-asan-cargo-test-leak.log",
        ] {
            #expect(
                attribute(
                    try sanitizer(file), crate: "sanfix", tests: ["tests::does_not_leak", "tests::leaks_box_child"])
                    == [
                        Row(.definitelyLost, 16, "tests::leaks_box_child"),
                        Row(.indirectlyLost, 64, "tests::leaks_box_child"),
                    ])
        }
    }

    /// Issue 21, missing tests: a test that calls another test function; both
    /// frames are on the leak's stack and the innermost names the test.
    @Test func twoTestFramesOnOneStackResolveToTheInnermost() throws {
        let findings = try valgrind("attribution/nested-test-frames-valgrind.xml")
        let leak = try #require(findings.first { $0.kind == .definitelyLost })
        let functions = leak.stack.compactMap(\.function)
        let inner = try #require(functions.firstIndex(of: "nested::tests::inner_leaks"))
        let outer = try #require(functions.firstIndex(of: "nested::tests::outer_calls_inner"))
        #expect(inner < outer)
        for tests in [
            ["tests::inner_leaks", "tests::outer_calls_inner"], ["tests::outer_calls_inner", "tests::inner_leaks"],
        ] {
            #expect(StackAttribution(crateName: "nested", tests: tests).test(for: leak.stack) == "tests::inner_leaks")
        }
    }

    @Test func attributeSetsTestAndHowAndKeepsAnExistingTest() throws {
        let findings = try valgrind("suppressions/rust-test-leak.xml")
        let a = StackAttribution(crateName: "moq_ffi", tests: ["tests::leaks_forty_bytes"])
        let named = a.attribute(findings[0])
        #expect(named.test == "tests::leaks_forty_bytes")
        #expect(named.attributedBy == .stack)
        let unnamed = a.attribute(findings[1])
        #expect(unnamed.test == nil)
        #expect(unnamed.attributedBy == nil)
        var rerun = findings[0]
        rerun.test = "tests::other"
        rerun.attributedBy = .rerun
        #expect(a.attribute(rerun) == rerun)
    }

    @Test func crateNameWithDashes() throws {
        let findings = try valgrind("suppressions/rust-test-leak.xml")
        // `moq-ffi` as cargo's target name is `moq_ffi` in symbols.
        #expect(StackAttribution(crateName: "moq-ffi", tests: ["tests::leaks_forty_bytes"]).crateName == "moq_ffi")
        // A helper that shares the test's last name is not the test.
        var stack = findings[0].stack
        let body = try #require(stack.firstIndex { $0.function == "moq_ffi::tests::leaks_forty_bytes" })
        stack = Array(stack[..<body]) + [Frame(function: "moq_ffi::leaks_forty_bytes")]
        #expect(StackAttribution(crateName: "moq_ffi", tests: ["tests::leaks_forty_bytes"]).test(for: stack) == nil)
    }

    @Test(arguments: [
        ("moq_ffi::tests::leak_client_never_destroyed", "moq_ffi::tests::leak_client_never_destroyed"),
        ("moq_ffi::tests::leak_client_never_destroyed::{{closure}}", "moq_ffi::tests::leak_client_never_destroyed"),
        ("moq_ffi::tests::leaks::{closure#0}::{closure#1}", "moq_ffi::tests::leaks"),
        ("moq_ffi::tests::leaks::h0123456789abcdef", "moq_ffi::tests::leaks"),
        ("moq_ffi::tests::leaks::{{closure}}::h0123456789abcdef", "moq_ffi::tests::leaks"),
        (
            "test::__rust_begin_short_backtrace::<core::result::Result<(), alloc::string::String>, fn() -> core::result::Result<(), alloc::string::String>>",
            "test::__rust_begin_short_backtrace"
        ),
        ("new<[u8; 40]>", "new"),
        ("call_once<fn() -> core::result::Result<(), alloc::string::String>, ()>", "call_once"),
        (
            "<moq_ffi::tests::x::{closure#0} as core::ops::function::FnOnce<()>>::call_once",
            "<moq_ffi::tests::x::{closure#0} as core::ops::function::FnOnce<()>>::call_once"
        ),
        (
            "std::thread::lifecycle::spawn_unchecked::<attrib::tests::t::{closure#0}, ()>::{closure#1}",
            "std::thread::lifecycle::spawn_unchecked"
        ),
        ("{closure#0}", ""),
    ])
    func normalize(function: String, expected: String) {
        #expect(StackAttribution.normalize(function) == expected)
    }
}
