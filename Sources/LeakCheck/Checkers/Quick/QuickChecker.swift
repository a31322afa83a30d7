import Foundation
import Synchronization

/// `quick`: the toolchain's AddressSanitizer runtime preloaded into uninstrumented test
/// binaries built with frame pointers. LeakSanitizer's scan runs at exit as in an ASan
/// build, so logs, options, findings and attribution are `asan`'s (the same driver inside),
/// with the fast unwinder (frame pointers keep every frame) and no sanitizer rebuild.
final class QuickChecker: CheckerDriver {
    let inner = SanitizerChecker(checker: .quick, flavor: .address, fastUnwind: true)
    /// Found once per run by `unavailability`, before any job is prepared.
    let runtime = Mutex<PreloadRuntime?>(nil)

    var checker: Checker { .quick }
    /// No instrumented build: prebuilt binaries need no sanitizer (one with a sanitizer is refused).
    var sanitizer: SanitizerFlavor? { nil }
    var startupSeconds: Double { inner.startupSeconds }
    var leakCheckOnlyAtExit: Bool { true }
    var reportExitCode: Int32? { inner.reportExitCode }
    /// The user's toolchain (stable is fine), frame pointers forced: the fast unwinder then
    /// keeps the test's own frame above libtest's, so leaks are attributed by stack.
    var rustFlags: [String] { ["-Cforce-frame-pointers=yes"] }
    var publishedLogPrefix: String? { inner.publishedLogPrefix }
    var shownEnvironmentKeys: [String] { ["LD_PRELOAD"] + inner.shownEnvironmentKeys }

    func unavailability(_ context: RunContext) -> String? {
        guard let found = PreloadRuntime.find(environment: context.environment, supervisor: context.supervisor)
        else { return PreloadRuntime.missingReason }
        runtime.withLock { $0 = found }
        context.diagnostics.note("quick: preloading \(found.description) into test binaries built with frame pointers")
        return nil
    }

    func prepare(_ job: Job, base: String, context: RunContext) throws -> PreparedRun {
        guard let preload = runtime.withLock({ $0 }) else {
            throw CollectError(description: PreloadRuntime.missingReason)
        }
        // A binary the preloaded runtime cannot see into is an incomplete run with the reason.
        let program =
            job.program.contains("/")
            ? job.program : ExecutableLocator.resolve(job.program, environment: context.environment) ?? job.program
        if let why = PreloadEligibility.refusal(forBinaryAt: program) { throw CollectError(description: why) }
        var run = try inner.prepare(job, base: base, context: context)
        var env = run.spec.environment ?? context.environment
        // The runtime must come first in the link order; the check is off because the
        // program itself does not link it. A 1 MB quarantine (ASan's default is 256 MB): the
        // quarantine serves use-after-free checks, which uninstrumented code never makes, and
        // costs a third of the run time on allocation-heavy tests (measured on P10's crate:
        // 645 → 442 ms); a block freed twice in a row is still in it, so double frees keep
        // their kind. No fill of new blocks (ASan writes 0xbe over the first 4 KB of each):
        // it serves instrumented reads of uninitialised memory, which quick never sees, and
        // costs a tenth of the runtime's time on that crate.
        env["LD_PRELOAD"] = ([preload.path] + [env["LD_PRELOAD"]].compactMap { $0 }.filter { !$0.isEmpty })
            .joined(separator: " ")
        let ours = "verify_asan_link_order=0:quarantine_size_mb=1:max_malloc_fill_size=0"
        env["ASAN_OPTIONS"] = (env["ASAN_OPTIONS"].map { $0 + ":" } ?? "") + ours
        run.spec.environment = env
        return run
    }

    func collect(_ run: PreparedRun, context: RunContext) -> (outputs: [CheckerOutput], logFiles: [String]) {
        inner.collect(run, context: context)
    }

    /// Listing runs the harness without the runtime: nothing to check there.
    func listingEnvironment(_ context: RunContext) -> [String: String] { context.environment }
}
