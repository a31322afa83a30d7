import Foundation
import Testing

@testable import LeakCheck

/// `suppressions check` on the inputs of Tests/Fixtures/suppressions/check (their
/// README records what valgrind 3.19 and LSan do with each): every message exact.
@Suite struct SuppressionCheckTests {
    static let dir = Paths.fixture("suppressions/check").path

    static func path(_ name: String) -> String { dir + "/" + name }

    static func check(_ name: String, strict: Bool = false) -> SuppressionParser.CheckResult {
        SuppressionParser.checkResult(files: [path(name)], strict: strict)
    }

    /// Names valgrind compares exactly and skips when they differ: a warning that
    /// the entry hides nothing, with the spelling it meant; `--strict` makes it an error.
    @Test(arguments: [
        (
            "tool-wrong-case.supp",
            "3: warning: unknown tool 'memcheck' in 'memcheck:Leak': no valgrind tool reads this entry, so it hides nothing (did you mean Memcheck:Leak?)"
        ),
        (
            "tool-misspelled.supp",
            "3: warning: unknown tool 'Memchek' in 'Memchek:Leak': no valgrind tool reads this entry, so it hides nothing (did you mean Memcheck:Leak?)"
        ),
        (
            "tool-unknown.supp",
            "3: warning: unknown tool 'Frobgrind' in 'Frobgrind:Leak': no valgrind tool reads this entry, so it hides nothing (the tools are Memcheck, Helgrind and drd)"
        ),
        (
            "helgrind-kind-misspelled.supp",
            "3: warning: unknown Helgrind suppression kind 'Raec' in 'Helgrind:Raec': Helgrind would stop on this line (did you mean Helgrind:Race?)"
        ),
    ])
    func misspelledToolsAndOtherToolsKindsWarn(name: String, expected: String) throws {
        let result = Self.check(name)
        #expect(result.errors == [])
        #expect(result.warnings == ["\(Self.path(name)):\(expected)"])
        #expect(result.entryCount == 1)
        let strict = Self.check(name, strict: true)
        #expect(strict.warnings == [])
        #expect(strict.errors == ["\(Self.path(name)):\(expected.replacingOccurrences(of: "warning: ", with: ""))"])
        // Reading the file for a run still works: the warning is for `check`.
        #expect(try SuppressionParser.parseFile(Self.path(name)).count == 1)
    }

    /// What valgrind (or LSan) itself stops on is an error with `file:line`,
    /// strict or not, and a run refuses the file too.
    @Test(arguments: [
        (
            "kind-misspelled.supp",
            "3: unknown Memcheck suppression kind 'Leek', did you mean Memcheck:Leak? (expected Leak, Addr1/2/4/8/16/32, Value1/2/4/8/16/32, Cond, Free, Param, Overlap, Jump, User, CoreMem, FishyValue, ReallocZero)"
        ),
        ("core-kind.supp", "3: 'core:Thread': valgrind has no core suppression kinds and stops on this line"),
        (
            "helgrind-body-bad-line.supp",
            "4: unknown line 'some-extra-line' in entry 'helgrind_extra': expected fun:, obj:, src: or ..."
        ),
        ("control-nul.supp", "4: control character 0x00 (NUL) in the line: a suppression file is plain text"),
        ("control-esc.supp", "5: control character 0x1B (ESC) in the line: a suppression file is plain text"),
        (
            "empty-match-leak-kinds.supp",
            "4: empty match-leak-kinds: (expected definite, indirect, possible, reachable, all or none)"
        ),
        ("frames-501.supp", "504: entry 'frames_501' has more than 500 frame lines (valgrind's limit)"),
        ("not-utf8.supp", "4: not valid UTF-8"),
        (
            "lsan-misspelled-kind.lsan",
            "2: unknown suppression kind 'leek', did you mean leak? (expected leak, interceptor_name, interceptor_via_fun, interceptor_via_lib, odr_violation, called_from_lib, race, … )"
        ),
    ])
    func whatTheCheckersRefuseIsAnError(name: String, expected: String) {
        for strict in [false, true] {
            let result = Self.check(name, strict: strict)
            #expect(result.errors == ["\(Self.path(name)):\(expected)"])
            #expect(result.warnings == [])
            #expect(result.entryCount == 0)
        }
        #expect(
            throws: SuppressionFileError(
                file: Self.path(name), line: Int(expected.prefix { $0.isNumber }),
                String(expected.drop { $0.isNumber }.dropFirst(2)))
        ) {
            try SuppressionParser.parseFile(Self.path(name))
        }
    }

    @Test func fiveHundredFrameLinesAreTheLimitNotAnError() throws {
        let result = Self.check("frames-500.supp")
        #expect(result.errors == [] && result.warnings == [] && result.entryCount == 1)
        #expect(try SuppressionParser.parseFile(Self.path("frames-500.supp"))[0].frames.count == 500)
    }

    /// `fun:*`, `obj:*` and only `...`/`*` lines match every stack: warned before
    /// anything runs. `fun:malloc` then `fun:*` names a frame and is not.
    @Test func entriesThatMatchEveryStackWarn() throws {
        let file = Self.path("matches-every-stack.supp")
        let result = Self.check("matches-every-stack.supp")
        #expect(result.errors == [])
        #expect(
            result.warnings == [
                "\(file):1: warning: 'star_fun' matches every stack (its frame lines are only '...' and '*'): it hides every Memcheck:Leak error, the crate's own included",
                "\(file):6: warning: 'star_obj' matches every stack (its frame lines are only '...' and '*'): it hides every Memcheck:Leak error, the crate's own included",
                "\(file):11: warning: 'dots_and_stars' matches every stack (its frame lines are only '...' and '*'): it hides every Memcheck:Leak error, the crate's own included",
            ])
        #expect(result.entryCount == 4)
        // They really do match any stack, even one with unnamed frames.
        let entries = try SuppressionParser.parseFile(file)
        let odd = Finding(
            kind: .definitelyLost, rawKind: "Leak_DefinitelyLost", bytes: 1, blocks: 1, message: "",
            stack: [Frame(address: "0x1"), Frame(function: "x")])
        #expect(entries.map { SuppressionMatcher.matches($0, odd, checker: .valgrind) } == [true, true, true, false])
        let strict = Self.check("matches-every-stack.supp", strict: true)
        #expect(strict.errors.count == 3 && strict.warnings == [])
        #expect(
            strict.errors[0]
                == "\(file):1: 'star_fun' matches every stack (its frame lines are only '...' and '*'): it hides every Memcheck:Leak error, the crate's own included"
        )
    }

    @Test func lsanStarWarns() {
        let file = Self.path("lsan-star.lsan")
        let result = Self.check("lsan-star.lsan")
        #expect(result.errors == [])
        #expect(result.warnings == ["\(file):2: warning: 'leak:*' matches every leak"])
        #expect(Self.check("lsan-star.lsan", strict: true).errors == ["\(file):2: 'leak:*' matches every leak"])
    }

    @Test func lineEndings() throws {
        let crlf = try SuppressionParser.parseFile(Self.path("crlf.supp"))
        #expect(crlf.map(\.name) == ["crlf"] && crlf[0].frames == [.fun("malloc")] && crlf[0].line == 1)
        #expect(Self.check("crlf.supp").messages == [])
        let cr = try SuppressionParser.parseFile(Self.path("cr-only.supp"))
        #expect(cr.map(\.name) == ["cr_only"] && cr[0].frames == [.fun("malloc")])
        #expect(
            Self.check("cr-only.supp").warnings == [
                "\(Self.path("cr-only.supp")):1: warning: lines end in CR only: moq-leakcheck reads them, valgrind itself reads the file as one line and refuses it"
            ])
        // A UTF-8 byte-order mark is not part of the first line.
        #expect(
            try SuppressionParser.parse(text: "\u{FEFF}{\n n\n Memcheck:Leak\n fun:m\n}\n", file: "bom").map(\.name)
                == ["n"])
    }

    /// With `strict`, duplicates are errors too; in the order found.
    @Test func strictTurnsEveryWarningIntoAnError() {
        let dup = Paths.fixture("suppressions/duplicate-names.supp").path
        let loose = SuppressionParser.checkResult(files: [dup, Self.path("tool-wrong-case.supp")])
        #expect(loose.errors == [])
        #expect(
            loose.warnings == [
                "\(dup):6: warning: duplicate suppression name 'dup' (first at \(dup):1)",
                "\(Self.path("tool-wrong-case.supp")):3: warning: unknown tool 'memcheck' in 'memcheck:Leak': no valgrind tool reads this entry, so it hides nothing (did you mean Memcheck:Leak?)",
            ])
        let strict = SuppressionParser.checkResult(files: [dup, Self.path("tool-wrong-case.supp")], strict: true)
        #expect(strict.warnings == [])
        #expect(strict.errors == loose.warnings.map { $0.replacingOccurrences(of: ": warning: ", with: ": ") })
        #expect(strict.messages == strict.errors)
    }

    @Test func spelling() {
        #expect(Spelling.closest(to: "memcheck", in: ["Memcheck", "Helgrind"]) == "Memcheck")
        #expect(Spelling.closest(to: "Memchek", in: ["Memcheck", "Helgrind"]) == "Memcheck")
        #expect(Spelling.closest(to: "Raec", in: ["Race", "Misc"]) == "Race")  // a swap is one edit
        #expect(Spelling.closest(to: "Lxxk", in: ["Leak"]) == nil)  // two edits in a short word
        #expect(Spelling.closest(to: "Leak", in: ["Leak"]) == nil)
        #expect(Spelling.distance("kitten", "sitting") == 3)
    }
}
