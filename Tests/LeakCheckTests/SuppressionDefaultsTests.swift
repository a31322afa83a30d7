import Foundation
import Testing

@testable import LeakCheck

/// The shipped `suppressions/` files against every record of the captured runs:
/// they remove exactly the std/harness noise and never a leak made in a test body.
@Suite struct SuppressionDefaultsTests {
    typealias S = SuppressionTestStacks

    static var defaults: [Suppression] {
        get throws {
            try DefaultSuppressions.files(toolRoot: Paths.repoRoot.path).flatMap(SuppressionParser.parseFile)
        }
    }

    @Test func shippedFilesExistAndParse() throws {
        let files = DefaultSuppressions.files(toolRoot: Paths.repoRoot.path + "/")
        #expect(
            files == [
                Paths.repoRoot.path + "/suppressions/rust-std.supp",
                Paths.repoRoot.path + "/suppressions/rust-std.lsan",
            ])
        #expect(
            DefaultSuppressions.files(toolRoot: "/opt/moq") == [
                "/opt/moq/suppressions/rust-std.supp", "/opt/moq/suppressions/rust-std.lsan",
            ])
        let entries = try Self.defaults
        #expect(
            entries.map(\.name) == [
                "rust-std-main-thread-handle", "rust-std-stack-overflow-thread-info", "glibc-thread-tls-at-exit",
            ])
        // No entry starts with `...`: each is anchored on the allocator.
        #expect(entries.allSatisfy { $0.frames.first != .ellipsis })
    }

    /// Clean multi-threaded libtest binaries (six tests), stable and nightly:
    /// every record is noise and every one is suppressed, by the expected entry.
    @Test(arguments: ["rust-harness-clean-stable.xml", "rust-harness-clean-nightly.xml"])
    func defaultsRemoveAllHarnessNoise(fixture: String) throws {
        let findings = try ValgrindXMLFixture.findings("suppressions/" + fixture)
        #expect(findings.map(\.kind) == [.possiblyLost, .stillReachable])
        #expect(findings.map(\.bytes) == [48, 544])
        let own = OwnCode(crateNames: ["clean_mt"], sourceRoots: ["/tmp/supp/clean_mt/"])
        let applied = SuppressionApplier.apply(
            SuppressionMatcher(try Self.defaults), to: findings, checker: .valgrind, ownCode: own)
        #expect(
            applied.findings.map(\.suppressedBy) == [
                "rust-std-main-thread-handle", "rust-std-stack-overflow-thread-info",
            ])
        #expect(applied.findings.allSatisfy { $0.suppressionOverBroad == false })
        let totals = Totals(findings: applied.findings)
        #expect(
            totals.possiblyLost == .zero && totals.stillReachable == .zero
                && totals.suppressed == Tally(bytes: 592, blocks: 2))
        #expect(applied.usage.map(\.count) == [1, 1, 0])
        #expect(applied.usage.map(\.bytes) == [48, 544, 0])
    }

    /// A test that leaks 40 bytes: the noise goes, the leak stays.
    @Test(arguments: ["rust-test-leak.xml", "rust-test-leak-nightly.xml"])
    func defaultsKeepATestBodyLeak(fixture: String) throws {
        let findings = try ValgrindXMLFixture.findings("suppressions/" + fixture)
        let applied = SuppressionApplier.apply(
            SuppressionMatcher(try Self.defaults), to: findings, checker: .valgrind, ownCode: nil)
        let leak = try #require(applied.findings.first { $0.kind == .definitelyLost })
        #expect(leak.bytes == 40 && leak.suppressedBy == nil)
        #expect(leak.stack.contains { $0.function == "moq_ffi::tests::leaks_forty_bytes" })
        #expect(applied.findings.filter { $0.kind != .definitelyLost }.allSatisfy { $0.suppressedBy != nil })
    }

    @Test(arguments: [S.testBodyLeakStable, S.testBodyLeakNightly])
    func defaultsNeverMatchTestBodyLeaksOfAnyKind(stack: [Frame]) throws {
        let m = SuppressionMatcher(try Self.defaults)
        for kind in [FindingKind.definitelyLost, .indirectlyLost, .possiblyLost, .stillReachable] {
            let f = Finding(kind: kind, rawKind: "", bytes: 40, blocks: 1, message: "", stack: stack)
            #expect(m.match(f, checker: .valgrind) == nil)
        }
    }

    /// A test that leaves a std::thread running at exit: glibc's TLS block of that
    /// thread is suppressed, but the stack passes through the test body, so the
    /// use is reported as over-broad; the thread's still-reachable blocks stay visible.
    @Test(arguments: ["rust-thread-alive-at-exit-stable.xml", "rust-thread-alive-at-exit-nightly.xml"])
    func threadAliveAtExit(fixture: String) throws {
        let findings = try ValgrindXMLFixture.findings("suppressions/" + fixture)
        let own = OwnCode(crateNames: ["detached"], sourceRoots: ["/tmp/supp/detached/"])
        let gating = SuppressionApplier.apply(
            SuppressionMatcher(try Self.defaults), to: findings, checker: .valgrind, ownCode: own)
        let shown = try #require(gating.findings.first { $0.bytes == 288 })
        #expect(shown.suppressedBy == nil && shown.overBroadSuppression?.name == "glibc-thread-tls-at-exit")
        let applied = SuppressionApplier.apply(
            SuppressionMatcher(try Self.defaults), to: findings, checker: .valgrind, ownCode: own, allowBroad: true)
        let dtv = try #require(applied.findings.first { $0.bytes == 288 })
        #expect(dtv.kind == .possiblyLost)
        #expect(
            dtv.stack.prefix(6).map(\.function) == [
                "calloc", "calloc", "allocate_dtv", "_dl_allocate_tls", "allocate_stack", "pthread_create@@GLIBC_2.34",
            ])
        #expect(dtv.suppressedBy == "glibc-thread-tls-at-exit" && dtv.suppressionOverBroad == true)
        let unsuppressed = applied.findings.filter { $0.suppressedBy == nil }
        #expect(unsuppressed.allSatisfy { $0.kind == .stillReachable })
        #expect(unsuppressed.count == 7)
        #expect(applied.usage.first { $0.name == "glibc-thread-tls-at-exit" }?.overBroad == true)
    }

    /// LSan reported nothing for the harness, so its default file has no entries;
    /// a test-body leak as ASan printed it is never hidden.
    @Test func lsanDefaultsHideNothing() throws {
        let lsan = try SuppressionParser.parseFile(Paths.repoRoot.path + "/suppressions/rust-std.lsan")
        #expect(lsan.isEmpty)
        let log = try Paths.fixtureText("suppressions/asan-rust-test-leak.log")
        #expect(log.contains("Direct leak of 40 byte(s) in 1 object(s) allocated from:"))
    }
}
