import Testing

@testable import LeakCheck

@Suite struct ModelTests {
    @Test func totalsSplitLeaksSuppressedAndErrors() {
        var suppressed = Finding(
            kind: .definitelyLost, rawKind: "Leak_DefinitelyLost", bytes: 8, blocks: 1, message: "")
        suppressed.suppressedBy = "x"
        let t = Totals(findings: [
            Finding(
                kind: .definitelyLost, rawKind: "Leak_DefinitelyLost", bytes: 40, blocks: 1, indirectBytes: 16,
                message: ""),
            Finding(kind: .indirectlyLost, rawKind: "Leak_IndirectlyLost", bytes: 16, blocks: 1, message: ""),
            Finding(kind: .invalidRead, rawKind: "InvalidRead", message: ""),
            suppressed,
        ])
        #expect(t.definitelyLost == Tally(bytes: 40, blocks: 1))
        #expect(t.indirectlyLost == Tally(bytes: 16, blocks: 1))
        #expect(t.suppressed == Tally(bytes: 8, blocks: 1))
        #expect(t.errors == 1)
    }

    @Test func fingerprintIgnoresAddressesAndLines() {
        let a = Finding(
            kind: .definitelyLost, rawKind: "", message: "",
            stack: [Frame(function: "malloc", file: "/x/vg.c", line: 1, address: "0x1")])
        let b = Finding(
            kind: .definitelyLost, rawKind: "", message: "",
            stack: [Frame(function: "malloc", file: "/y/vg.c", line: 9, address: "0x2")])
        let c = Finding(
            kind: .possiblyLost, rawKind: "", message: "", stack: [Frame(function: "malloc", file: "/y/vg.c", line: 9)])
        #expect(a.fingerprint == b.fingerprint)
        #expect(a.fingerprint != c.fingerprint)
        #expect(a.fingerprint.count == 16)
    }
}
