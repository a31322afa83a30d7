import Foundation
import Testing

@testable import LeakCheck

/// Which function releases what another returns, from the header and the export names.
@Suite struct FFIReleasePairingTests {
    static func fixtureSurface() throws -> FFISurface {
        try FFISurface.load(crateDirectory: Paths.fixture("moq_ffi").path, crateName: "moq_ffi")
    }

    @Test func everyFixtureFunctionPairedFromTheHeader() throws {
        let surface = try Self.fixtureSurface()
        #expect(surface.header?.path == Paths.fixture("moq_ffi").path + "/include/moq_ffi.h")
        let pairs = Dictionary(
            uniqueKeysWithValues: surface.rustExports.map { ($0.name, surface.release(for: $0.name)) })
        #expect(
            pairs == [
                "moq_client_create": "moq_client_destroy",
                "moq_publisher_create": "moq_publisher_destroy",
                "moq_subscriber_create": "moq_subscriber_destroy",
                // MoqResult has a `char *message`: every function returning it hands out a string.
                "moq_connect": "moq_free_str",
                "moq_disconnect": "moq_free_str",
                "moq_publish": "moq_free_str",
                // Returns a C string too (a static one, so no leak is ever allocated under it;
                // were one, moq_free_str would be the crate's only string release).
                "moq_version": "moq_free_str",
                "moq_client_destroy": nil, "moq_publisher_destroy": nil, "moq_subscriber_destroy": nil,
                "moq_free_str": nil, "moq_is_connected": nil, "moq_subscriber_buffered": nil,
                // Not named to free, but the only function that ever takes a MoqListener back.
                "moq_subscriber_listen": "moq_listener_stop", "moq_listener_stop": nil,
            ])
    }

    @Test func withoutAHeaderOnlyTheNamingRuleApplies() {
        let pairing = ReleasePairing(
            header: nil,
            exportedNames: [
                "moq_client_create", "moq_client_destroy", "moq_connect", "moq_free_str", "buf_new", "buf_free",
            ])
        #expect(pairing.release(for: "moq_client_create") == "moq_client_destroy")
        #expect(pairing.release(for: "buf_new") == "buf_free")
        #expect(pairing.release(for: "moq_connect") == nil)
        #expect(pairing.release(for: "thing_create") == nil)
    }

    /// The public moq-ffi header's naming: creators that are not `X_create`, results
    /// with a `const char *` message, a `const char *` string release.
    @Test func moqFFIStyleNamesPairByPointerType() {
        let header = CHeader.parse(
            text: """
                typedef struct MoqClient MoqClient;
                typedef struct MoqPublisher MoqPublisher;
                typedef struct MoqSubscriber MoqSubscriber;
                typedef struct { int code; const char* message; } MoqResult;
                MoqClient* moq_client_create(void);
                void moq_client_destroy(MoqClient* client);
                MoqResult moq_connect(MoqClient* client, const char* url);
                MoqPublisher* moq_create_publisher(MoqClient* client, const char* ns, const char* track);
                void moq_publisher_destroy(MoqPublisher* publisher);
                MoqSubscriber* moq_subscribe(MoqClient* client, const char* ns, const char* track);
                void moq_subscriber_destroy(MoqSubscriber* subscriber);
                void moq_set_log_target(const char* path);
                void moq_free_str(const char* str);
                const char* moq_last_error(void);
                MoqClient* moq_client_ref(MoqClient* client);
                """)
        let pairing = ReleasePairing(header: header, exportedNames: [])
        #expect(pairing.release(for: "moq_client_create") == "moq_client_destroy")
        #expect(pairing.release(for: "moq_create_publisher") == "moq_publisher_destroy")
        #expect(pairing.release(for: "moq_subscribe") == "moq_subscriber_destroy")
        #expect(pairing.release(for: "moq_client_ref") == "moq_client_destroy")
        // moq_set_log_target takes a single string but is not named to free it.
        #expect(pairing.release(for: "moq_connect") == "moq_free_str")
        #expect(pairing.release(for: "moq_last_error") == "moq_free_str")
        #expect(pairing.release(for: "moq_unknown") == nil)
    }

    @Test func ambiguousPointerReleaseIsNotGuessed() {
        let header = CHeader.parse(
            text: """
                typedef struct Obj Obj;
                Obj* obj_open(void);
                void obj_close_and_free(Obj* o);
                void obj_release(Obj* o);
                char* obj_name(Obj* o);
                """)
        #expect(ReleasePairing(header: header, exportedNames: []).release(for: "obj_open") == nil)
        // No single-`char *` release at all.
        #expect(ReleasePairing(header: header, exportedNames: []).release(for: "obj_name") == nil)
    }

    /// A handle only one `void f(T *)` takes back is released by it, whatever its verb; a
    /// second function taking the handle, or a result, makes it a guess that is not made.
    @Test func theOnlyFunctionTakingAHandleBackReleasesIt() {
        let sole = CHeader.parse(
            text: """
                typedef struct Job Job;
                Job *job_start(int n);
                void job_stop(Job *job);
                """)
        #expect(ReleasePairing(header: sole, exportedNames: []).release(for: "job_start") == "job_stop")
        let two = CHeader.parse(
            text: """
                typedef struct Job Job;
                Job *job_start(int n);
                void job_stop(Job *job);
                void job_wait(Job *job);
                """)
        #expect(ReleasePairing(header: two, exportedNames: []).release(for: "job_start") == nil)
        let returning = CHeader.parse(
            text: """
                typedef struct Job Job;
                Job *job_start(int n);
                int job_stop(Job *job);
                """)
        #expect(ReleasePairing(header: returning, exportedNames: []).release(for: "job_start") == nil)
    }
}

/// The FFI boundary on real captured stacks: the C tests under valgrind and ASan (clang
/// and gcc runtimes), and a Rust test calling the C API under valgrind.
@Suite struct FFIBoundaryTests {
    static let crate = "/work/wt/ffi/Tests/Fixtures/moq_ffi"
    static let lib = crate + "/src/lib.rs"
    static let cTests = crate + "/c_tests"

    static func finder(callerRoots: [String]) throws -> BoundaryFinder {
        // The fixture crate as it is in this checkout (its exports' lines and header);
        // the captured stacks carry the paths of the capture, so definitions are rebased.
        let surface = try FFIReleasePairingTests.fixtureSurface()
        let rebased = surface.rustExports.map { RustExport(name: $0.name, file: lib, line: $0.line) }
        return BoundaryFinder(
            surface: FFISurface(rustExports: rebased, header: surface.header),
            isCallerCode: CallerCode.files(under: callerRoots))
    }

    static func leak(_ path: String) throws -> Finding {
        let findings: [Finding]
        if path.hasSuffix(".xml") {
            findings = try ValgrindXMLParser.parse(fileAt: Paths.fixture(path).path).findings
        } else {
            findings = SanitizerLogParser.parse(text: try Paths.fixtureText(path)).findings
        }
        return try #require(findings.first { $0.kind == .definitelyLost })
    }

    static let messageBoundary = Boundary(
        function: "moq_connect", file: lib, line: 132,
        caller: CodeLocation(function: "check_connect", file: cTests + "/src/test_leak_message.c", line: 6),
        release: "moq_free_str")
    static let messageSentence =
        "37 bytes definitely lost: returned by moq_connect() to check_connect (test_leak_message.c:6), never released: call moq_free_str()"

    @Test(arguments: [
        "ctest/valgrind-c-test-leak-message.xml", "ctest/asan-clang-c-test-leak-message.log",
        // GCC's libasan prints `src/lib.rs`: the boundary still names the crate's file.
        "ctest/asan-gcc-c-test-leak-message.log",
    ])
    func cTestForgettingMoqFreeStr(fixture: String) throws {
        let finding = try Self.leak(fixture)
        let boundary = try #require(try Self.finder(callerRoots: [Self.cTests]).boundary(in: finding.stack))
        #expect(boundary == Self.messageBoundary)
        #expect(BoundarySentence.sentence(for: finding, boundary: boundary) == Self.messageSentence)
    }

    @Test func cTestForgettingMoqClientDestroy() throws {
        let finding = try Self.leak("ctest/valgrind-c-test-leak-client.xml")
        let boundary = try #require(try Self.finder(callerRoots: [Self.cTests]).boundary(in: finding.stack))
        // moq_client_create is an inlined frame (same ip as Box::new): still the boundary.
        #expect(
            boundary
                == Boundary(
                    function: "moq_client_create", file: Self.lib, line: 103,
                    caller: CodeLocation(
                        function: "check_client_lifecycle", file: Self.cTests + "/src/test_leak_client.c", line: 6),
                    release: "moq_client_destroy"))
        #expect(
            BoundarySentence.sentence(for: finding, boundary: boundary)
                == "24 bytes definitely lost: returned by moq_client_create() to check_client_lifecycle (test_leak_client.c:6), never released: call moq_client_destroy()"
        )
    }

    @Test func rustTestCallingTheCAPI() throws {
        let finding = try Self.leak("ctest/valgrind-rust-test-leak-error-message.xml")
        let finder = try Self.finder(callerRoots: [Self.crate + "/tests", Self.crate + "/src/tests.rs"])
        let boundary = try #require(finder.boundary(in: finding.stack))
        #expect(
            boundary
                == Boundary(
                    function: "moq_connect", file: Self.lib, line: 132,
                    caller: CodeLocation(
                        function: "errors::leak_error_message", file: Self.crate + "/tests/errors.rs", line: 74),
                    release: "moq_free_str"))
        #expect(
            BoundarySentence.sentence(for: finding, boundary: boundary)
                == "37 bytes definitely lost: returned by moq_connect() to errors::leak_error_message (errors.rs:74), never released: call moq_free_str()"
        )
    }

    @Test func noCallerCodeNoBoundary() throws {
        let finding = try Self.leak("ctest/valgrind-c-test-leak-message.xml")
        // The C tests are not "caller code" for a finder told only about the Rust tests.
        #expect(try Self.finder(callerRoots: [Self.crate + "/tests"]).boundary(in: finding.stack) == nil)
    }

    /// The public moq-ffi's shape: the exported function runs its body in a closure under
    /// catch_unwind, and calls another exported function inside. Legacy-hashed names,
    /// `???` frames. Only the outermost crossing from the test counts.
    @Test func closuresNestedExportsAndUnknownFrames() {
        let header = CHeader.parse(
            text: """
                typedef struct { int code; const char* message; } MoqResult;
                MoqResult moq_disconnect(void* client);
                void* moq_client_create(void);
                void moq_free_str(const char* s);
                """)
        let surface = FFISurface(
            rustExports: [RustExport(name: "moq_client_create", file: "/m/src/lib.rs", line: 40)], header: header)
        let finder = BoundaryFinder(surface: surface, isCallerCode: CallerCode.files(under: ["/m/c_tests"]))
        let stack = [
            Frame(function: "malloc", object: "vgpreload_memcheck-amd64-linux.so"),
            Frame(function: "moq_ffi::make_error_result", file: "/m/src/lib.rs", line: 90),
            Frame(function: "moq_ffi::moq_client_create::h0123456789abcdef", file: "/m/src/lib.rs", line: 41),
            Frame(function: "moq_ffi::moq_disconnect::{{closure}}", file: "/m/src/lib.rs", line: 160),
            Frame(
                function: "std::panicking::catch_unwind::do_call", file: "/rustc/abc/library/std/src/panicking.rs",
                line: 581),
            Frame(function: "moq_ffi::moq_disconnect", file: "/m/src/lib.rs", line: 158),
            Frame(address: "0x4012AB"),
            Frame(function: "test_disconnect_null_client", file: "/m/c_tests/src/test_connection.c", line: 163),
            Frame(function: "main", file: "/m/c_tests/src/test_connection.c", line: 300),
        ]
        #expect(
            finder.boundary(in: stack)
                == Boundary(
                    function: "moq_disconnect", file: "/m/src/lib.rs", line: 158,
                    caller: CodeLocation(
                        function: "test_disconnect_null_client", file: "/m/c_tests/src/test_connection.c", line: 163),
                    release: "moq_free_str"))
        // A boundary frame without a file takes the definition's location.
        var bare = stack
        bare[2] = Frame(function: "moq_client_create")
        bare.removeSubrange(3...6)
        #expect(
            finder.boundary(in: bare)
                == Boundary(
                    function: "moq_client_create", file: "/m/src/lib.rs", line: 40,
                    caller: CodeLocation(
                        function: "test_disconnect_null_client", file: "/m/c_tests/src/test_connection.c", line: 163),
                    release: nil))
    }

    @Test func annotateSetsBoundariesOnLeaksOnly() throws {
        let leak = try Self.leak("ctest/valgrind-c-test-leak-message.xml")
        var error = leak
        error.kind = .invalidRead
        let annotated = try Self.finder(callerRoots: [Self.cTests]).annotate([leak, error])
        #expect(annotated.map(\.boundary) == [Self.messageBoundary, nil])
    }

    @Test func sentenceVariants() {
        var finding = Finding(
            kind: .definitelyLost, rawKind: "Leak_DefinitelyLost", bytes: 16, blocks: 1, indirectBytes: 88, message: "")
        let full = Boundary(
            function: "moq_subscriber_create", file: "/m/src/lib.rs", line: 222,
            caller: CodeLocation(function: "check_subscriber", file: "/m/c_tests/src/test_disabled.c", line: 11),
            release: "moq_subscriber_destroy")
        #expect(
            BoundarySentence.sentence(for: finding, boundary: full)
                == "16 bytes definitely lost (+88 indirect): returned by moq_subscriber_create() to check_subscriber (test_disabled.c:11), never released: call moq_subscriber_destroy()"
        )
        finding.indirectBytes = nil
        finding.bytes = 1_048_576
        #expect(
            BoundarySentence.sentence(
                for: finding,
                boundary: Boundary(function: "ffi_error_message", caller: CodeLocation(function: "check_connect")))
                == "1,048,576 bytes definitely lost: returned by ffi_error_message() to check_connect, never released")
        #expect(
            BoundarySentence.sentence(
                for: finding,
                boundary: Boundary(
                    function: "ffi_error_message",
                    caller: CodeLocation(function: "check_connect", file: "t_leak_message.c", line: 5),
                    release: "ffi_free_str"))
                == "1,048,576 bytes definitely lost: returned by ffi_error_message() to check_connect (t_leak_message.c:5), never released: call ffi_free_str()"
        )
    }
}

/// Without a boundary: the frames to show before the internals.
@Suite struct FFICallerFramesTests {
    static let crate = FFIBoundaryTests.crate

    @Test func cTestFramesRelativeToTheCTestProject() throws {
        let finding = try FFIBoundaryTests.leak("ctest/valgrind-c-test-leak-message.xml")
        let frames = CallerFrames.select(
            from: finding.stack, isCallerCode: CallerCode.files(under: [FFIBoundaryTests.cTests]),
            relativeTo: FFIBoundaryTests.cTests)
        #expect(
            frames.map(\.display) == ["check_connect (src/test_leak_message.c:6)", "main (src/test_leak_message.c:15)"])
    }

    @Test func rustTestFramesRelativeToTheCrate() throws {
        let finding = try FFIBoundaryTests.leak("ctest/valgrind-rust-test-leak-error-message.xml")
        let frames = CallerFrames.select(
            from: finding.stack, isCallerCode: CallerCode.files(under: [Self.crate + "/tests"]), relativeTo: Self.crate)
        #expect(
            frames.map(\.display) == [
                "errors::leak_error_message (tests/errors.rs:74)",
                "errors::leak_error_message::{{closure}} (tests/errors.rs:71)",
            ])
    }

    @Test(arguments: [
        ("ctest/valgrind-rust-test-leak-error-message.xml", "moq_ffi::MoqResult::error (src/lib.rs:58)"),
        ("ctest/asan-clang-c-test-leak-message.log", "<moq_ffi::MoqResult>::error (src/lib.rs:58)"),
        // GCC's libasan: std paths relative to the toolchain (`library/alloc/…`) are still std.
        ("ctest/asan-gcc-c-test-leak-message.log", "<moq_ffi::MoqResult>::error (src/lib.rs:58)"),
    ])
    func withoutTestCodeTheFirstFrameOutsideTheMachinery(fixture: String, expected: String) throws {
        let finding = try FFIBoundaryTests.leak(fixture)
        let frames = CallerFrames.select(from: finding.stack, isCallerCode: { _ in false }, relativeTo: Self.crate)
        #expect(frames.map(\.display) == [expected])
    }

    @Test func allMachineryShowsNothing() {
        let stack = [
            Frame(function: "malloc", object: "/usr/libexec/valgrind/vgpreload_memcheck-amd64-linux.so"),
            Frame(function: "alloc::alloc::alloc", file: "/rustc/abc/library/alloc/src/alloc.rs", line: 95),
            Frame(function: "__rust_alloc"),
            Frame(function: "std::rt::lang_start_internal", file: "/rustc/abc/library/std/src/rt.rs", line: 171),
            Frame(function: "{closure#0}", file: "/rustc/abc/library/std/src/rt.rs", line: 173),
            Frame(address: "0x1234"),
        ]
        #expect(CallerFrames.select(from: stack, isCallerCode: { _ in false }, relativeTo: nil) == [])
    }
}
