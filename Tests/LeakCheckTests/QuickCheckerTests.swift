import Foundation
import Testing

@testable import LeakCheck

/// What `quick` declares: its help, its build, and that `all` leaves it out.
@Suite struct QuickCheckerTests {
    @Test func helpSaysWhatIsNotItsJob() {
        let help = Options.helpText(for: .quick)
        #expect(help.contains("Memory errors inside uninstrumented code are not its job"))
        #expect(help.contains("run asan for them"))
        #expect(help.contains("double and invalid frees are still reported"))
        #expect(help.contains("statically") || help.contains("static binary"))
    }

    @Test func buildsWithFramePointersAndAllLeavesItOut() {
        let driver = CheckerRegistry.driver(for: .quick)
        #expect(driver.rustFlags == ["-Cforce-frame-pointers=yes"])
        #expect(driver.sanitizer == nil, "no instrumented build, no sanitizer toolchain")
        #expect(CMakeInvocation.sanitizerFlags(for: .quick) == ["-fno-omit-frame-pointer", "-g"])
        #expect(Subcommand.all.checkers == [.valgrind, .asan])
        #expect(CheckerRegistry.definition(.quick).suppressionFormat == .lsan)
    }
}
