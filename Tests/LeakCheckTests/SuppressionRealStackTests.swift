import Foundation
import Testing

@testable import LeakCheck

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// The guide's suppressions, our defaults and over-broad detection, on stacks
/// captured from real Rust test binaries under valgrind 3.19.
@Suite struct SuppressionRealStackTests {
    typealias S = SuppressionTestStacks

    static let guidePath = Paths.fixture("suppressions/guide-broken.supp").path
    static let moqFFI = OwnCode(crateNames: ["moq_ffi"], sourceRoots: ["/tmp/supp/moq_ffi/"])

    static func testBodyLeak(_ stack: [Frame]) -> Finding {
        Finding(
            kind: .definitelyLost, rawKind: "Leak_DefinitelyLost", bytes: 40, blocks: 1,
            message: "40 bytes in 1 blocks are definitely lost in loss record 1 of 3", stack: stack)
    }

    @Test(arguments: [("stable", S.testBodyLeakStable), ("nightly", S.testBodyLeakNightly)])
    func guidesStdThreadEntryHidesATestBodyLeakAndIsFlaggedOverBroad(toolchain: String, stack: [Frame]) throws {
        let guide = try SuppressionParser.parseFile(Self.guidePath)
        let leak = Self.testBodyLeak(stack)
        // The test ran on a thread libtest spawned through std::thread, so a frame
        // outward of the test body (std::thread::lifecycle::spawn_unchecked…) matches.
        let hit = try #require(SuppressionMatcher(guide).match(leak, checker: .valgrind))
        #expect(hit.name == "std_thread")
        #expect(hit.source == "\(Self.guidePath):18")

        let gating = SuppressionApplier.apply(
            SuppressionMatcher(guide), to: [leak], checker: .valgrind, ownCode: Self.moqFFI)
        #expect(gating.findings[0].suppressedBy == nil)
        #expect(gating.findings[0].overBroadSuppression?.source == "\(Self.guidePath):18")
        #expect(Totals(findings: gating.findings).definitelyLost == Tally(bytes: 40, blocks: 1))
        let applied = SuppressionApplier.apply(
            SuppressionMatcher(guide), to: [leak], checker: .valgrind, ownCode: Self.moqFFI, allowBroad: true)
        #expect(applied.findings[0].suppressedBy == "std_thread")
        #expect(applied.findings[0].suppressionSource == "\(Self.guidePath):18")
        #expect(applied.findings[0].suppressionOverBroad == true)
        let usage = try #require(applied.usage.first { $0.name == "std_thread" })
        #expect(usage.count == 1 && usage.bytes == 40 && usage.overBroad)
        #expect(applied.usage.count == 8)
        #expect(applied.usage.filter { $0.name != "std_thread" }.allSatisfy { $0.count == 0 && !$0.overBroad })
        #expect(Totals(findings: applied.findings).definitelyLost == .zero)
    }

    @Test func stdThreadAloneMatchesEveryTestBody() throws {
        let stdThread = try SuppressionParser.parseFile(Self.guidePath).filter { $0.name == "std_thread" }
        let otherTest = S.testBodyLeakStable.map { frame -> Frame in
            var f = frame
            f.function = f.function?.replacingOccurrences(of: "leaks_forty_bytes", with: "some_other_test")
            f.mangled = f.mangled?.replacingOccurrences(of: "17leaks_forty_bytes", with: "15some_other_test")
            return f
        }
        #expect(SuppressionMatcher(stdThread).match(Self.testBodyLeak(otherTest), checker: .valgrind) != nil)
    }

    @Test func aNarrowEntryDoesNotMatchTheTestBodyLeak() throws {
        let narrow = try SuppressionParser.parse(
            text: """
                {
                   tokio-worker-tls
                   Memcheck:Leak
                   match-leak-kinds: possible
                   fun:calloc
                   ...
                   fun:allocate_dtv
                   fun:_dl_allocate_tls
                }
                {
                   main-thread-handle
                   Memcheck:Leak
                   fun:malloc
                   ...
                   fun:_RNvMs_NtNtCs*_3std6thread6threadNtB*_6Thread3new
                   fun:_RNvNtNtCs*_3std6thread7current12init_current
                }
                """, file: "narrow.supp")
        for stack in [S.testBodyLeakStable, S.testBodyLeakNightly] {
            #expect(SuppressionMatcher(narrow).match(Self.testBodyLeak(stack), checker: .valgrind) == nil)
        }
        let handle = Finding(
            kind: .possiblyLost, rawKind: "Leak_PossiblyLost", bytes: 48, blocks: 1, message: "",
            stack: S.mainThreadHandleStable)
        #expect(SuppressionMatcher(narrow).match(handle, checker: .valgrind)?.name == "main-thread-handle")
    }

    @Test func ownCodeOnRealFrames() {
        let stable = S.testBodyLeakStable
        let nightly = S.testBodyLeakNightly
        #expect(Self.moqFFI.firstOwnFrame(in: stable) == 7)
        #expect(Self.moqFFI.firstOwnFrame(in: nightly) == 7)
        #expect(stable[7].function == "moq_ffi::tests::leaks_forty_bytes")
        // Source roots alone (C programs, or no crate names known) find the same frame.
        #expect(OwnCode(crateNames: [], sourceRoots: ["/tmp/supp/moq_ffi"]).firstOwnFrame(in: stable) == 7)
        // Generic std code instantiated in moq_ffi is not moq_ffi's code.
        #expect(nightly[2].mangled?.hasSuffix("7moq_ffi") == true)
        #expect(!Self.moqFFI.contains(nightly[2]))
        // By mangled name alone, legacy and v0.
        #expect(Self.moqFFI.contains(Frame(mangled: "_ZN7moq_ffi5tests17leaks_forty_bytes17hf88fc1fe7546e362E")))
        #expect(Self.moqFFI.contains(Frame(mangled: "_RNvNtCsipFmrgotuCo_7moq_ffi5testss_17leaks_forty_bytes")))
        #expect(
            Self.moqFFI.contains(
                Frame(
                    mangled:
                        "_RNvYNCNvNtCsipFmrgotuCo_7moq_ffi5tests17leaks_forty_bytes0INtNtNtCs8NwYtU1Mohg_4core3ops8function6FnOnceuE9call_onceB8_"
                )))
        #expect(
            !Self.moqFFI.contains(Frame(mangled: "_RINvNtCsi4IsKQVxMg0_3std2rt10lang_startuECs9EAO4O8n6qj_7moq_ffi")))
        #expect(
            Self.moqFFI.contains(
                Frame(
                    mangled: "_ZN79_$LT$moq_ffi..Client$u20$as$u20$core..ops..drop..Drop$GT$4drop17h0123456789abcdefE"))
        )
        // By demangled path, including impls.
        #expect(Self.moqFFI.contains(Frame(function: "<moq_ffi::Client>::new")))
        #expect(
            Self.moqFFI.contains(
                Frame(
                    function:
                        "<moq_ffi::tests::leaks_forty_bytes::{closure#0} as core::ops::function::FnOnce<()>>::call_once"
                )))
        #expect(!Self.moqFFI.contains(Frame(function: "<std::thread::thread::Thread>::new")))
        #expect(!Self.moqFFI.contains(Frame(function: "moq_ffi_extra::f")))
        // Inlined frames carry no path: the source file decides; registry and rustc sources never count.
        #expect(Self.moqFFI.contains(Frame(function: "{closure#0}", file: "/tmp/supp/moq_ffi/src/lib.rs")))
        #expect(!Self.moqFFI.contains(Frame(function: "{closure#0}", file: "/rustc/59807616/library/std/src/rt.rs")))
        let home = OwnCode(crateNames: [], sourceRoots: ["/home/me"])
        #expect(!home.contains(Frame(function: "f", file: "/home/me/.cargo/registry/src/index/tokio-1.0/src/lib.rs")))
        #expect(home.contains(Frame(function: "f", file: "/home/me/src/lib.rs")))
        // Dashes in package names become underscores in paths.
        #expect(OwnCode(crateNames: ["moq-ffi"], sourceRoots: []).contains(Frame(function: "moq_ffi::x")))
    }

    /// libtest's generated `main` lives in the test crate but is harness code:
    /// std's noise stacks pass through it and must not count as own code.
    @Test func harnessMainIsNotOwnCode() throws {
        let clean = try ValgrindXMLFixture.findings("suppressions/rust-harness-clean-stable.xml")
        let handle = try #require(clean.first { $0.kind == .possiblyLost })
        #expect(handle.stack.contains { $0.function == "clean_mt::main" })
        let own = OwnCode(crateNames: ["clean_mt"], sourceRoots: ["/tmp/supp/clean_mt/"])
        #expect(own.contains(try #require(handle.stack.first { $0.function == "clean_mt::main" })))
        #expect(!own.touches(handle.stack))
    }
}

/// A tiny reader for the captured valgrind XML fixtures (the project's real
/// parser lives elsewhere; these tests must not depend on it): each `<error>`
/// becomes a Finding whose frames pair `<stack><frame>` with the mangled
/// `<suppression><sframe><fun>` of the same index.
final class ValgrindXMLFixture: NSObject, XMLParserDelegate {
    private var findings: [Finding] = []
    private var path: [String] = []
    private var text = ""
    private var kind = ""
    private var what = ""
    private var bytes: Int?
    private var frames: [Frame] = []
    private var frame = Frame()
    private var sframes: [String?] = []
    private var sfun: String?

    static func findings(_ relative: String) throws -> [Finding] {
        let url = Paths.fixture(relative)
        guard let parser = XMLParser(contentsOf: url) else {
            throw FixtureMissing(path: url.path, hint: "fixture missing")
        }
        let reader = ValgrindXMLFixture()
        parser.delegate = reader
        guard parser.parse() else { throw FixtureMissing(path: url.path, hint: "not well-formed XML") }
        return reader.findings
    }

    func parser(
        _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        path.append(name)
        text = ""
        switch name {
        case "error": (kind, what, bytes, frames, sframes) = ("", "", nil, [], [])
        case "frame": frame = Frame()
        case "sframe": sfun = nil
        default: break
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        let parent = path.count >= 2 ? path[path.count - 2] : ""
        path.removeLast()
        switch (parent, name) {
        case ("error", "kind"): kind = text
        case ("xwhat", "text"), ("error", "what"): what = text
        case ("xwhat", "leakedbytes"): bytes = Int(text)
        case ("frame", "fn"): frame.function = text
        case ("frame", "obj"): frame.object = text
        case ("frame", "dir"): frame.file = text + "/" + (frame.file ?? "")
        case ("frame", "file"): frame.file = frame.file.map { $0 + text } ?? text
        case ("frame", "line"): frame.line = Int(text)
        case ("frame", "ip"): frame.address = text
        case ("stack", "frame"): if path.contains("error"), !path.contains("auxwhat") { frames.append(frame) }
        case ("sframe", "fun"): sfun = text
        case ("suppression", "sframe"): sframes.append(sfun)
        case (_, "error"):
            for i in frames.indices where i < sframes.count { frames[i].mangled = sframes[i] }
            let k: FindingKind =
                [
                    "Leak_DefinitelyLost": .definitelyLost, "Leak_IndirectlyLost": .indirectlyLost,
                    "Leak_PossiblyLost": .possiblyLost, "Leak_StillReachable": .stillReachable,
                ][kind] ?? .other
            findings.append(Finding(kind: k, rawKind: kind, bytes: bytes, blocks: 1, message: what, stack: frames))
        default: break
        }
        text = ""
    }
}
