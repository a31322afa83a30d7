import Foundation
import Testing

@testable import LeakCheck

/// A checker is its folder plus one registry line: every registered checker has its
/// command, help, `doctor` line and log recognition, and nothing else lists checkers.
@Suite struct CheckerRegistryTests {
    /// One captured log of each format `LogRecognizer` tells apart.
    static let sampleLogs: [CheckerOutput.Format: String] = [
        .valgrindXML: "valgrind/leak-kinds-definite-with-indirect.xml",
        .valgrindText: "valgrind/leak-kinds-definite-with-indirect.txt",
        .sanitizer: "sanitizer/clang-asan-direct-indirect.log",
    ]

    @Test func namesAreUniqueAndRoundTrip() throws {
        let names = CheckerRegistry.all.map(\.checker.rawValue)
        #expect(Set(names).count == names.count)
        #expect(Checker.allCases == CheckerRegistry.all.map(\.checker))
        for checker in Checker.allCases {
            #expect(Checker(rawValue: checker.rawValue) == checker)
            let json = try JSONEncoder().encode([checker])
            #expect(String(decoding: json, as: UTF8.self) == "[\"\(checker.rawValue)\"]")
            #expect(try JSONDecoder().decode([Checker].self, from: json) == [checker])
        }
        #expect(Checker(rawValue: "memcheck") == nil)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([Checker].self, from: Data("[\"x\"]".utf8)) }
    }

    @Test func everyCheckerIsACommandWithItsHelp() throws {
        let global = Options.helpText
        for d in CheckerRegistry.all {
            let name = d.checker.rawValue
            let sub = try #require(Subcommand(rawValue: name))
            #expect(sub.checkers == [d.checker])
            #expect(Options.takesFilters.contains(sub))
            #expect(try Options.parse([name]).subcommand == sub)
            #expect(try Options.parse([name, "--help"]).helpTopic == sub)
            #expect(Options.helpText(for: sub).hasPrefix("moq-leakcheck \(name): "), "\(name)")
            #expect(Options.helpText(for: sub).contains("EXIT CODES:"), "\(name)")
            let line = global.split(separator: "\n").first { $0.hasPrefix("  \(name) ") }
            #expect(line?.hasSuffix(d.commandSummary) == true, "\(name) is not in the global help's COMMANDS")
        }
        #expect(Subcommand.all.checkers == CheckerRegistry.runByAll)
    }

    @Test func everyCheckerHasItsDoctorLine() {
        let checks = Doctor.checks(environment: ["PATH": "/nonexistent"], toolRoot: nil)
        let summary = Doctor.checkersLine(checks)
        for d in CheckerRegistry.all {
            let check = checks.first { $0.name == d.doctorCheckName }
            #expect(check != nil, "\(d.checker.rawValue) has no doctor line")
            #expect(check?.found == false, "nothing is found on an empty PATH")
            #expect(summary.contains(d.checker.rawValue), "\(summary)")
        }
        #expect(
            checks.filter { c in CheckerRegistry.all.contains { $0.doctorCheckName == c.name } }.count
                == Set(CheckerRegistry.all.map(\.doctorCheckName)).count)
    }

    @Test func everyCheckerParsesTheLogsItIsHanded() throws {
        for d in CheckerRegistry.all {
            #expect(!d.parsedFormats.isEmpty, "\(d.checker.rawValue) parses no log format")
        }
        for (format, file) in Self.sampleLogs {
            let path = Paths.logs.appendingPathComponent(file).path
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            #expect(LogRecognizer.recognize(prefix: data) == format, "\(file)")
            let parser = try #require(CheckerRegistry.parser(for: format), "no checker parses \(format)")
            let (checker, output) = try parser.parseLog(fileAt: path, format: format)
            #expect(Checker.allCases.contains(checker))
            #expect(!output.findings.isEmpty, "\(file)")
        }
    }

    @Test func everyCheckerHasItsReportsSuppressionsAndBuild() {
        for d in CheckerRegistry.all {
            #expect(!d.reportFile.name.isEmpty && !d.reportFile.title.isEmpty)
            #expect(!d.incompleteOutputReason.isEmpty)
            #expect(CMakeInvocation.sanitizerFlags(for: d.checker) == d.cmakeFlags)
            #expect(d.makeDriver().checker == d.checker)
        }
    }
}
