/// Reads helgrind's errors out of memcheck's XML scanner: their kinds, and what helgrind
/// cannot see in a cargo build.
enum HelgrindFindings {
    /// The reason an atomic race is suppressed (per entry in the report).
    static let atomicsReason = "helgrind does not model C11 atomics"
    /// Why a cargo build's other races never gate.
    static let cargoReason =
        "helgrind cannot tell a race on data std's futex-based locks guard from a real one, so a cargo build's races do not gate: run moq-leakcheck tsan (with the rust-src component) to gate on them"

    /// helgrind's `<kind>` (hg_errors.c) as a `FindingKind`; nil for one it does not write.
    static func kind(raw: String) -> FindingKind? {
        switch raw {
        case "Race": return .dataRace
        case "LockOrder": return .lockOrder
        case "UnlockUnlocked", "UnlockForeign", "UnlockBogus", "PthAPIerror", "Misc", "FreeMemLock":
            return .threadMisuse
        default: return nil
        }
    }

    /// A finding with helgrind's kind, and a fingerprint over the kind and both accesses'
    /// stacks (two races at one line with different conflicting accesses stay apart).
    static func classified(_ finding: Finding) -> Finding {
        var f = finding
        guard let kind = kind(raw: f.rawKind) else { return f }
        f.kind = kind
        f.fingerprint = ValgrindFinding.fastFingerprint(kind: kind, stack: accessStacks(f).flatMap { $0 })
        return f
    }

    /// Classifies every finding; marks races through an atomic as suppressed, and in a cargo
    /// build the other races as not gating.
    static func interpret(_ output: inout CheckerOutput, cargo: Bool) {
        for i in output.findings.indices {
            var f = classified(output.findings[i])
            if f.kind == .dataRace {
                if isAtomicAccess(f) {
                    f.suppressedBy = atomicsReason
                } else if cargo {
                    f.notGatingReason = cargoReason
                }
            }
            output.findings[i] = f
        }
    }

    /// A race's two accesses: its own stack, then the conflicting access (the first auxiliary stack).
    static func accessStacks(_ f: Finding) -> [[Frame]] {
        [f.stack] + (f.auxiliary.first { !$0.stack.isEmpty }.map { [$0.stack] } ?? [])
    }

    /// Either access is an atomic operation: an atomic frame innermost on its stack.
    static func isAtomicAccess(_ f: Finding) -> Bool {
        accessStacks(f).contains { $0.first.map(isAtomic) ?? false }
    }

    static func isAtomic(_ frame: Frame) -> Bool {
        let names = [frame.function, frame.mangled].compactMap { $0 }
        if names.contains(where: {
            $0.contains("core::sync::atomic") || $0.contains("std::sync::atomic") || $0.hasPrefix("__atomic_")
                || $0.contains("4core4sync6atomic")
        }) {
            return true
        }
        // Inlined intrinsics keep only their short name (`atomic_load<u8>`) and core's file.
        guard let file = frame.file else { return false }
        return file.hasSuffix("core/src/sync/atomic.rs") || file.hasSuffix("std/src/sync/atomic.rs")
            || (file == "atomic.rs" && (frame.function ?? "").hasPrefix("atomic_"))
    }

    /// Some frame is Rust code: a log from a cargo build.
    static func namesRustCode(_ findings: [Finding]) -> Bool {
        findings.contains { f in f.stack.contains { $0.file?.hasSuffix(".rs") ?? false } }
    }
}
