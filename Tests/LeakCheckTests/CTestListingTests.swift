import Foundation
import Testing

@testable import LeakCheck

/// `ctest --show-only=json-v1` of the moq_ffi c_tests build tree (cmake 3.25.1), parsed.
@Suite struct CTestListingTests {
    static let build = "/tmp/ffi-ctest/build"
    static let source = "/work/wt/ffi/Tests/Fixtures/moq_ffi/c_tests"

    @Test func everyTestOfTheCapturedTreeWithItsProperties() throws {
        let tests = try CTestListing.parse(text: try Paths.fixtureText("ctest/show-only-moq-c-tests.json"))
        #expect(
            tests == [
                CTestCase(
                    name: "test_clean", command: ["\(Self.build)/test_clean"], workingDirectory: Self.build,
                    environment: ["MOQ_LOG": "debug", "MOQ_RELAY": "https://relay.example.com"], timeout: 30,
                    labels: ["clean", "unit"]),
                CTestCase(
                    name: "test_leak_message", command: ["\(Self.build)/test_leak_message"],
                    workingDirectory: Self.build,
                    labels: ["leak", "unit"]),
                CTestCase(
                    name: "test_leak_client", command: ["\(Self.build)/test_leak_client"],
                    workingDirectory: Self.source,
                    labels: ["leak", "unit"]),
                CTestCase(
                    name: "test_failing", command: ["\(Self.build)/test_failing"], workingDirectory: Self.build,
                    labels: ["unit"]),
                CTestCase(
                    name: "test_will_fail", command: ["\(Self.build)/test_will_fail"], workingDirectory: Self.build,
                    willFail: true, labels: ["unit"]),
                CTestCase(
                    name: "test_disabled", command: ["\(Self.build)/test_disabled"], workingDirectory: Self.build,
                    disabled: true),
            ])
    }

    @Test func listCommandPassesCTestSelectionThrough() {
        #expect(CTestListing.listArguments() == ["ctest", "--show-only=json-v1"])
        #expect(
            CTestListing.listArguments(
                ctest: "/usr/bin/ctest", selection: ["-R", "leak", "-E", "client", "-L", "unit"])
                == ["/usr/bin/ctest", "--show-only=json-v1", "-R", "leak", "-E", "client", "-L", "unit"])
    }

    /// Values in the other shapes CMake can give them: strings for booleans and numbers,
    /// a `;`-list string for labels, a missing command, unknown properties.
    /// Numbers no Int holds (a foreign or hand-edited listing) are an error or a
    /// string, never an overflow trap.
    @Test func hugeNumbersAreReadWithoutATrap() throws {
        let wrongVersion = #"{"kind":"ctestInfo","version":{"major":1e300},"tests":[]}"#
        #expect(throws: ParseError.self) { try CTestListing.parse(text: wrongVersion) }
        let huge = #"{"kind":"ctestInfo","version":{"major":1},"tests":[{"name":"a","command":["/bin/a",1e300]}]}"#
        let cases = try CTestListing.parse(text: huge)
        #expect(cases.first?.command == ["/bin/a", "1e+300"])
    }

    @Test func propertyValuesInEveryShape() throws {
        let json = """
            {"kind":"ctestInfo","version":{"major":1,"minor":0},"tests":[
              {"name":"a","command":["/bin/a","--x","1"],"properties":[
                {"name":"WILL_FAIL","value":"ON"},{"name":"DISABLED","value":"OFF"},
                {"name":"TIMEOUT","value":"2.5"},{"name":"LABELS","value":"x;y"},
                {"name":"ENVIRONMENT","value":["A=1","B=x=y","NOEQUALS","A=2"]},
                {"name":"RESOURCE_GROUPS","value":[{"id":"gpu","slots":1}]},
                {"name":"PASS_REGULAR_EXPRESSION","value":["ok"]}]},
              {"name":"b","properties":[{"name":"DISABLED","value":1},{"name":"WILL_FAIL","value":"NOTFOUND"}]},
              {"name":"c"}
            ]}
            """
        let tests = try CTestListing.parse(text: json)
        #expect(
            tests == [
                CTestCase(
                    name: "a", command: ["/bin/a", "--x", "1"], environment: ["A": "2", "B": "x=y"], willFail: true,
                    timeout: 2.5, labels: ["x", "y"]),
                CTestCase(name: "b", command: [], disabled: true),
                CTestCase(name: "c", command: []),
            ])
    }

    @Test func emptyTreeListsNoTests() throws {
        // What ctest prints in a directory without CTestTestfile.cmake (cmake 3.25.1).
        let json =
            #"{"backtraceGraph":{"commands":[],"files":[],"nodes":[]},"kind":"ctestInfo","tests":[],"version":{"major":1,"minor":0}}"#
        #expect(try CTestListing.parse(text: json) == [])
    }

    @Test(arguments: [
        ("not json at all", "ctest --show-only=json-v1 output is not JSON"),
        ("[1,2]", "ctest --show-only=json-v1 output is not a JSON object"),
        (#"{"kind":"codemodel","tests":[]}"#, #"ctest listing has kind "codemodel", expected "ctestInfo""#),
        (
            #"{"kind":"ctestInfo","version":{"major":2},"tests":[]}"#,
            "ctest listing has version 2, this tool reads version 1"
        ),
        (#"{"kind":"ctestInfo","version":{"major":1}}"#, #"ctest listing has no "tests" array"#),
        (#"{"kind":"ctestInfo","tests":[{"command":["/bin/x"]}]}"#, "ctest listing: test #1 has no name"),
    ])
    func malformedListingsAreOneLineErrors(text: String, message: String) {
        #expect(throws: ParseError.self) { try CTestListing.parse(text: text, source: "ctest-list.json") }
        do {
            _ = try CTestListing.parse(text: text, source: "ctest-list.json")
        } catch let error as ParseError {
            #expect(error.message == message)
            #expect(error.file == "ctest-list.json")
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }
}

@Suite struct CTestCMakeInvocationTests {
    static let source = "/src/moq_ffi/c_tests"

    @Test func valgrindTreeIsAPlainDebugBuild() throws {
        let inv = CMakeInvocation(
            sourceDirectory: Self.source, buildDirectory: "/r/cmake-valgrind", checker: .valgrind,
            arguments: ["-DMOQFFI_LIB_DIR={crate_lib_dir}"])
        #expect(
            try inv.configureArguments(crateLibDir: "/src/moq_ffi/target/debug") == [
                "cmake", "-S", Self.source, "-B", "/r/cmake-valgrind", "-DCMAKE_BUILD_TYPE=Debug",
                "-DMOQFFI_LIB_DIR=/src/moq_ffi/target/debug",
            ])
        #expect(inv.buildArguments() == ["cmake", "--build", "/r/cmake-valgrind"])
    }

    @Test func asanTreeIsInstrumentedWithTheChosenCompiler() throws {
        let inv = CMakeInvocation(
            cmake: "/usr/bin/cmake", sourceDirectory: Self.source, buildDirectory: "/r/cmake-asan", checker: .asan,
            arguments: ["-DMOQFFI_LIB_DIR={crate_lib_dir}", "-DEXTRA=1"], cCompiler: "/opt/swift/usr/bin/clang",
            cxxCompiler: "/opt/swift/usr/bin/clang++", jobs: 2)
        let lib = "/src/moq_ffi/target/moq-leakcheck/asan-nightly/x86_64-unknown-linux-gnu/debug"
        #expect(
            try inv.configureArguments(crateLibDir: lib) == [
                "/usr/bin/cmake", "-S", Self.source, "-B", "/r/cmake-asan", "-DCMAKE_BUILD_TYPE=Debug",
                "-DCMAKE_C_COMPILER=/opt/swift/usr/bin/clang", "-DCMAKE_CXX_COMPILER=/opt/swift/usr/bin/clang++",
                "-DCMAKE_C_FLAGS=-fsanitize=address -fno-omit-frame-pointer -g",
                "-DCMAKE_CXX_FLAGS=-fsanitize=address -fno-omit-frame-pointer -g",
                "-DCMAKE_EXE_LINKER_FLAGS=-fsanitize=address",
                "-DCMAKE_SHARED_LINKER_FLAGS=-fsanitize=address",
                "-DCMAKE_MODULE_LINKER_FLAGS=-fsanitize=address",
                "-DMOQFFI_LIB_DIR=\(lib)", "-DEXTRA=1",
            ])
        #expect(inv.buildArguments() == ["/usr/bin/cmake", "--build", "/r/cmake-asan", "--parallel", "2"])
    }

    @Test func lsanUsesTheLeakSanitizer() throws {
        let inv = CMakeInvocation(sourceDirectory: Self.source, buildDirectory: "b", checker: .lsan)
        #expect(
            try inv.configureArguments(crateLibDir: nil) == [
                "cmake", "-S", Self.source, "-B", "b", "-DCMAKE_BUILD_TYPE=Debug",
                "-DCMAKE_C_FLAGS=-fsanitize=leak -fno-omit-frame-pointer -g",
                "-DCMAKE_CXX_FLAGS=-fsanitize=leak -fno-omit-frame-pointer -g",
                "-DCMAKE_EXE_LINKER_FLAGS=-fsanitize=leak",
                "-DCMAKE_SHARED_LINKER_FLAGS=-fsanitize=leak",
                "-DCMAKE_MODULE_LINKER_FLAGS=-fsanitize=leak",
            ])
    }

    /// A user's own CMAKE_C_FLAGS must not drop the sanitizer (an uninstrumented test
    /// under asan would pass silently): the flags are appended to the user's value, in the
    /// user's position, typed or not. Their build type still wins.
    @Test func userFlagVariablesKeepTheSanitizer() throws {
        let inv = CMakeInvocation(
            sourceDirectory: Self.source, buildDirectory: "b", checker: .asan,
            arguments: [
                "-DCMAKE_C_FLAGS=-Wall -Werror", "-DCMAKE_EXE_LINKER_FLAGS:STRING=-Wl,--as-needed",
                "-DCMAKE_CXX_FLAGS=", "-DCMAKE_BUILD_TYPE=RelWithDebInfo", "-DCMAKE_C_FLAGS_DEBUG=-O1",
            ])
        #expect(
            try inv.configureArguments(crateLibDir: nil) == [
                "cmake", "-S", Self.source, "-B", "b", "-DCMAKE_BUILD_TYPE=Debug",
                "-DCMAKE_SHARED_LINKER_FLAGS=-fsanitize=address",
                "-DCMAKE_MODULE_LINKER_FLAGS=-fsanitize=address",
                "-DCMAKE_C_FLAGS=-Wall -Werror -fsanitize=address -fno-omit-frame-pointer -g",
                "-DCMAKE_EXE_LINKER_FLAGS:STRING=-Wl,--as-needed -fsanitize=address",
                "-DCMAKE_CXX_FLAGS=-fsanitize=address -fno-omit-frame-pointer -g",
                "-DCMAKE_BUILD_TYPE=RelWithDebInfo", "-DCMAKE_C_FLAGS_DEBUG=-O1",
            ])
    }

    @Test func placeholderWithoutACrateIsAUsageError() {
        let inv = CMakeInvocation(
            sourceDirectory: Self.source, buildDirectory: "b", checker: .valgrind,
            arguments: ["-DMOQFFI_LIB_DIR={crate_lib_dir}"])
        #expect(throws: CMakeArgumentError.noCrateLibrary(argument: "-DMOQFFI_LIB_DIR={crate_lib_dir}")) {
            try inv.configureArguments(crateLibDir: nil)
        }
        #expect(
            CMakeArgumentError.noCrateLibrary(argument: "-DMOQFFI_LIB_DIR={crate_lib_dir}").description
                == "--cmake-arg -DMOQFFI_LIB_DIR={crate_lib_dir} uses {crate_lib_dir}, but no crate is built in this run (give --manifest-path)"
        )
    }

    @Test func everyPlaceholderInAnArgumentIsReplaced() throws {
        #expect(
            try CMakeInvocation.substitute("-DL={crate_lib_dir};{crate_lib_dir}/deps", crateLibDir: "/t/d")
                == "-DL=/t/d;/t/d/deps")
        #expect(try CMakeInvocation.substitute("-DX=1", crateLibDir: nil) == "-DX=1")
    }

    @Test func defaultBuildDirectoryIsPerChecker() {
        #expect(
            CMakeInvocation.defaultBuildDirectory(under: "target/moq-leakcheck", checker: .asan)
                == "target/moq-leakcheck/cmake-asan")
        #expect(CMakeInvocation.defaultBuildDirectory(under: "/r/", checker: .valgrind) == "/r/cmake-valgrind")
    }
}
