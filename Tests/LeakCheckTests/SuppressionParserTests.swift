import Foundation
import TestSupport
import Testing

@testable import LeakCheck

@Suite struct SuppressionParserTests {
    static let dir = Paths.fixture("suppressions").path

    @Test func parsesTheGuidesFileIntoEightLeakEntries() throws {
        let path = Self.dir + "/guide-broken.supp"
        let entries = try SuppressionParser.parseFile(path)
        #expect(entries.count == 8)
        #expect(
            entries.map(\.name) == [
                "rust_runtime_init", "tokio_runtime", "std_thread", "once_cell_lazy", "openssl_init",
                "rustls_init", "quinn_runtime", "async_background",
            ])
        #expect(entries.allSatisfy { $0.format == .valgrind && $0.tool == "Memcheck" && $0.kind == "Leak" })
        #expect(entries.allSatisfy { $0.matchLeakKinds == nil && $0.frames.count == 2 && $0.frames[0] == .ellipsis })
        #expect(entries[2].frames[1] == .fun("*std*thread*"))
        #expect(entries[4].frames[1] == .obj("*/libssl.so*"))
        #expect(entries[2].source == "\(path):18")
    }

    @Test func parsesEveryValgrindLineKind() throws {
        let text = """
            # comment
            {
               all-the-things
               Memcheck:Leak
               match-leak-kinds: definite,possible
               fun:malloc
               # comments inside an entry are skipped too
               ...
               obj:/usr/lib/libfoo.so*
               src:foo.c:12
               src:bar.c
            }

            {
               param
               Memcheck:Param
               write(buf)
               fun:write
            }
            {
               two-tools
               Memcheck,Helgrind:Addr4
               fun:f?o
            }
            """
        let e = try SuppressionParser.parse(text: text, file: "x.supp")
        #expect(e.count == 3)
        #expect(e[0].line == 2)
        #expect(e[0].matchLeakKinds == [.definitelyLost, .possiblyLost])
        #expect(
            e[0].frames == [
                .fun("malloc"), .ellipsis, .obj("/usr/lib/libfoo.so*"), .src(file: "foo.c", line: 12),
                .src(file: "bar.c", line: nil),
            ])
        #expect(e[1].kind == "Param" && e[1].extra == "write(buf)" && e[1].frames == [.fun("write")])
        #expect(e[2].tools == ["Memcheck", "Helgrind"] && e[2].kind == "Addr4")
    }

    /// Another tool's entry is kept (it never matches a Memcheck finding), and its
    /// body is checked like any other: Helgrind and DRD read no extra line, and
    /// Helgrind itself stops on one (see check/README.md).
    @Test func otherToolsEntriesAreReadAndTheirBodiesChecked() throws {
        let text =
            "{\n helgrind\n Helgrind:Race\n fun:pthread_mutex_lock\n}\n{\n mine\n Memcheck:Leak\n fun:malloc\n}\n"
        let e = try SuppressionParser.parse(text: text, file: "f")
        #expect(e.map(\.name) == ["helgrind", "mine"])
        #expect(e[0].frames == [.fun("pthread_mutex_lock")])
        #expect(e[0].tools == ["Helgrind"] && e[0].kind == "Race")
        let extra = "{\n helgrind\n Helgrind:Race\n some-helgrind-extra\n fun:pthread_mutex_lock\n}\n"
        #expect(
            throws: SuppressionFileError(
                file: "f", line: 4,
                "unknown line 'some-helgrind-extra' in entry 'helgrind': expected fun:, obj:, src: or ...")
        ) {
            try SuppressionParser.parse(text: extra, file: "f")
        }
    }

    @Test func matchLeakKindsAllAndNone() throws {
        let all = try SuppressionParser.parse(
            text: "{\n a\n Memcheck:Leak\n match-leak-kinds: all\n fun:m\n}\n", file: "f")
        #expect(all[0].matchLeakKinds == [.definitelyLost, .indirectlyLost, .possiblyLost, .stillReachable])
        let none = try SuppressionParser.parse(
            text: "{\n a\n Memcheck:Leak\n match-leak-kinds: none\n fun:m\n}\n", file: "f")
        #expect(none[0].matchLeakKinds == [])
    }

    /// valgrind 3.19 itself accepts (and `--gen-suppressions=all` writes) entries
    /// with more than 24 frame lines, so they are not an error here either.
    @Test func acceptsLongEntriesLikeValgrind319() throws {
        let frames = (0..<31).map { "   fun:f\($0)" }.joined(separator: "\n")
        let e = try SuppressionParser.parse(text: "{\n long\n Memcheck:Leak\n\(frames)\n}\n", file: "f")
        #expect(e[0].frames.count == 31)
    }

    @Test func emptyAndCommentOnlyFilesHaveNoEntries() throws {
        #expect(try SuppressionParser.parse(text: "", file: "f").isEmpty)
        #expect(try SuppressionParser.parse(text: "# nothing\n\n", file: "f").isEmpty)
        #expect(try SuppressionParser.parseFile(Paths.repoRoot.path + "/suppressions/rust-std.lsan").isEmpty)
    }

    @Test(arguments: [
        ("missing-name.supp", "2: entry has no name"),
        (
            "name-is-tool-line.supp",
            "2: entry has no name: 'Memcheck:Leak' is the 'Tool:Kind' line, the name line must come first"
        ),
        ("missing-tool-kind.supp", "3: entry 'no_tool' has no 'Tool:Kind' line (e.g. Memcheck:Leak)"),
        (
            "tool-kind-without-colon.supp",
            "3: expected 'Tool:Kind' (e.g. Memcheck:Leak) in entry 'no_colon', found 'MemcheckLeak'"
        ),
        (
            "unknown-kind.supp",
            "3: unknown Memcheck suppression kind 'Leek', did you mean Memcheck:Leak? (expected Leak, Addr1/2/4/8/16/32, Value1/2/4/8/16/32, Cond, Free, Param, Overlap, Jump, User, CoreMem, FishyValue, ReallocZero)"
        ),
        (
            "unknown-line-prefix.supp",
            "5: unknown line 'func:free' in entry 'bad_line': expected fun:, obj:, src: or ..."
        ),
        ("unterminated.supp", "2: unterminated entry: '{' has no matching '}' before the end of the file"),
        (
            "unterminated-before-next.supp",
            "1: unterminated entry: '{' has no matching '}' before the next '{' at line 5"
        ),
        ("empty-frames.supp", "1: entry 'no_frames' has no frame lines (fun:, obj:, src: or ...)"),
        ("only-ellipsis.supp", "1: entry 'only_dots' needs at least one frame line that is not '...'"),
        ("close-without-open.supp", "6: '}' without a matching '{'"),
        (
            "bad-leak-kind.supp",
            "4: unknown leak kind 'lost' in match-leak-kinds (expected definite, indirect, possible, reachable, all or none)"
        ),
        (
            "param-without-extra.supp",
            "4: Param entry 'param_without_extra' needs its extra line (e.g. write(buf)) before the frames"
        ),
        ("stray-line.supp", "1: expected '{' or end of file, found 'fun:malloc'"),
        (
            "unknown-lsan-kind.lsan",
            "4: unknown suppression kind 'leek', did you mean leak? (expected leak, interceptor_name, interceptor_via_fun, interceptor_via_lib, odr_violation, called_from_lib, race, … )"
        ),
        ("lsan-no-colon.lsan", "2: expected 'kind:pattern' (e.g. leak:my_function), found 'just_a_word'"),
    ])
    func malformedFilesReportFileLineAndWhat(name: String, expected: String) {
        let path = Self.dir + "/malformed/" + name
        do {
            _ = try SuppressionParser.parseFile(path)
            Issue.record("\(name) parsed without an error")
        } catch let error as SuppressionFileError {
            #expect(error.description == "\(path):\(expected)")
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test func unreadableFileNamesThePath() {
        #expect(throws: SuppressionFileError(file: "/nonexistent/x.supp", line: nil, "no such suppression file")) {
            try SuppressionParser.parseFile("/nonexistent/x.supp")
        }
        let error = #expect(throws: SuppressionFileError.self) { try SuppressionParser.parseFile(Self.dir) }
        #expect(error?.description == "\(Self.dir): is a directory, not a suppression file")
    }

    @Test func parsesSanitizerFiles() throws {
        let text = """
            # LSan and ASan share the syntax
            leak:^moq_ffi::cache$
              leak:libfoo.so
            interceptor_via_fun:bad_memcpy_caller
            interceptor_via_lib:libbar.so
            odr_violation:^global_x$
            called_from_lib:libquic.so
            interceptor_name:strlen
            race:some_fn
            """
        let e = try SuppressionParser.parse(text: text, file: "s.lsan")
        #expect(e.count == 8)
        #expect(e.allSatisfy { $0.format == .lsan })
        #expect(e[0].kind == "leak" && e[0].pattern == "^moq_ffi::cache$" && e[0].name == "leak:^moq_ffi::cache$")
        #expect(e[0].source == "s.lsan:2")
        #expect(e[1].pattern == "libfoo.so" && e[1].line == 3)
        #expect(
            e.map(\.kind) == [
                "leak", "leak", "interceptor_via_fun", "interceptor_via_lib", "odr_violation", "called_from_lib",
                "interceptor_name", "race",
            ])
    }

    @Test func checkReportsErrorsDuplicatesAndPatternsThatHideEverything() throws {
        let tmp = Scratch.url.appendingPathComponent("supp-check-\(getpid()).lsan").path
        try "leak:\nleak: foo\nleak:ok\nleak:ok\n".write(toFile: tmp, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: tmp) }
        let dup = Self.dir + "/duplicate-names.supp"
        let guide = Self.dir + "/guide-broken.supp"
        let bad = Self.dir + "/malformed/unterminated.supp"
        let messages = SuppressionParser.check(files: [dup, bad, tmp, guide])
        #expect(messages.contains("\(dup):6: warning: duplicate suppression name 'dup' (first at \(dup):1)"))
        #expect(messages.contains("\(bad):2: unterminated entry: '{' has no matching '}' before the end of the file"))
        #expect(messages.contains("\(tmp):1: warning: 'leak:' matches every leak"))
        #expect(
            messages.contains(
                "\(tmp):2: warning: 'leak: foo': the pattern starts with a space, which LSan matches literally"))
        #expect(messages.contains("\(tmp):4: warning: duplicate entry 'leak:ok' (first at \(tmp):3)"))
        #expect(
            messages.contains {
                $0.hasPrefix("\(guide):18: warning: 'std_thread' starts with '...' followed only by wildcard patterns")
            })
        let split = SuppressionParser.checkResult(files: [dup, bad, tmp, guide])
        #expect(split.errors == ["\(bad):2: unterminated entry: '{' has no matching '}' before the end of the file"])
        #expect(split.warnings.count == messages.count - 1)
        #expect(split.warnings.allSatisfy { $0.contains(": warning: ") })
        #expect(split.entryCount == 2 + 4 + 8)
        let defaults = DefaultSuppressions.files(toolRoot: Paths.repoRoot.path)
        #expect(SuppressionParser.check(files: defaults) == [])
    }
}
