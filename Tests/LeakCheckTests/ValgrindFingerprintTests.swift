import Foundation
import TestSupport
import Testing

@testable import LeakCheck

/// The valgrind parsers set `Finding.fingerprint` with an allocation-free copy of
/// `Fingerprint.of` (the model's version dominated parse time). Both must agree.
@Suite struct ValgrindFingerprintTests {
    static let xmlFixtures = [
        "clean.xml", "leak-kinds-definite-with-indirect.xml", "invalid-read-after-block.xml",
        "invalid-write-after-block.xml", "use-after-free-read.xml", "double-free.xml",
        "invalid-free-global.xml", "uninit-conditional-jump.xml", "sigsegv-fatal-signal.xml",
        "sigkill-truncated.xml", "rust-box-leak-mangled.xml", "leak-kinds-suppressed.xml",
        "sigterm-fatal-signal.xml",
    ]

    @Test func fastFingerprintEqualsModelFingerprintOnEveryFixture() throws {
        var checked = 0
        for name in Self.xmlFixtures {
            let xml = ValgrindXMLParser.parse(text: try Paths.fixtureText("logs/valgrind/" + name))
            let text = ValgrindTextParser.parse(
                text: try Paths.fixtureText("logs/valgrind/" + name.replacingOccurrences(of: ".xml", with: ".txt")))
            for f in xml.findings + text.findings {
                #expect(f.fingerprint == Fingerprint.of(kind: f.kind, stack: f.stack), "\(name): \(f.message)")
                checked += 1
            }
        }
        for path in ["other/cargo-valgrind/version4.xml", "valgrind-tests/xml1.stderr.exp"] {
            for f in ValgrindXMLParser.parse(text: try Paths.corpusText(path)).findings {
                #expect(f.fingerprint == Fingerprint.of(kind: f.kind, stack: f.stack))
                checked += 1
            }
        }
        #expect(checked > 30)
    }

    @Test func oddPathsAndEmptyNames() {
        let frames: [[Frame]] = [
            [], [Frame()], [Frame(function: "f", file: "/")], [Frame(function: "", file: "")],
            [Frame(object: "/lib/x.so")], [Frame(function: "g", file: "a/b/")],
            [Frame(function: "h", file: "//x//y//")], [Frame(function: "é", file: "dir/ü.rs")],
            Array(repeating: Frame(function: "deep", file: "d/e.c"), count: 20),
        ]
        for stack in frames {
            for kind in [FindingKind.definitelyLost, .other] {
                #expect(
                    ValgrindFinding.fastFingerprint(kind: kind, stack: stack)
                        == Fingerprint.of(kind: kind, stack: stack))
            }
        }
    }

    /// The streaming entry point hands over the same findings the collecting one keeps.
    @Test func streamingDeliversTheSameFindings() throws {
        for name in Self.xmlFixtures {
            let path = Paths.fixture("logs/valgrind/" + name).path
            var streamed: [Finding] = []
            let out = try ValgrindXMLParser.parse(fileAt: path) { streamed.append($0) }
            let collected = try ValgrindXMLParser.parse(fileAt: path)
            #expect(out.findings.isEmpty)
            #expect(streamed == collected.findings, "\(name)")
            #expect(out.complete == collected.complete)
            #expect(out.incompleteReason == collected.incompleteReason)
            #expect(out.pids == collected.pids)
        }
    }

    @Test func streamingHoldsBackClientCheckLeaks() throws {
        func leak(_ n: Int) -> String {
            "<error><unique>0x\(n)</unique><kind>Leak_DefinitelyLost</kind><xwhat><text>\(n) bytes in 1 blocks are definitely lost in loss record 1 of 1</text><leakedbytes>\(n)</leakedbytes><leakedblocks>1</leakedblocks></xwhat></error>"
        }
        let url = Scratch.url.appendingPathComponent("vg-stream-\(getpid()).xml")
        defer { try? FileManager.default.removeItem(at: url) }
        for (doc, expected) in [
            ("<valgrindoutput>\(leak(8))<status><state>FINISHED</state></status>\(leak(16))</valgrindoutput>", [16]),
            ("<valgrindoutput>\(leak(8))<status><state>FINISHED</state></status></valgrindoutput>", [8]),
        ] {
            try Data(doc.utf8).write(to: url)
            var bytes: [Int] = []
            _ = try ValgrindXMLParser.parse(fileAt: url.path) { bytes.append($0.bytes ?? -1) }
            #expect(bytes == expected)
        }
    }
}
