import Foundation
import Testing

@testable import LeakCheck

/// A report format is described once (`ReportFormat.all`): its flag parses into its
/// option, is a known flag, has its help line, and asks for an output the run writes.
@Suite struct ReportFormatTests {
    @Test func everyFormatIsParsedDocumentedAndWritten() throws {
        let help = Options.helpText(for: .all)
        for f in ReportFormat.all {
            let o = try Options.parse([f.flag, "out.x"])
            #expect(o[keyPath: f.path] == "out.x", "\(f.flag)")
            #expect(try Options.parse(["\(f.flag)=eq.x"])[keyPath: f.path] == "eq.x", "\(f.flag)")
            #expect(Options.knownFlags.contains(f.flag))
            #expect(help.contains("\(f.flag) PATH") && help.contains(f.help), "\(f.flag) is not in the help")
            #expect(Application.outputFlags(o).contains { $0 == (f.flag, "out.x") }, "\(f.flag)")
            #expect(throws: UsageError.self) { try Options.parse([f.flag, ""]) }
        }
        #expect(Set(ReportFormat.all.map(\.flag)).count == ReportFormat.all.count)
    }
}
