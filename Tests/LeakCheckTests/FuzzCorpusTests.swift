import Foundation
import Testing

@testable import LeakCheck

/// Every minimised input in Tests/Fixtures/fuzz (found by scripts/fuzz.sh or
/// written from issue 11's findings) parses without a trap, within a time
/// ceiling, with the completeness and the exit-code class EXPECTED.tsv gives.
/// The exit class is the one `parse` gives: 3 when `LogRecognizer` refuses the
/// file or the output is incomplete, else 1 when a finding gates under the
/// default policy, else 0.
@Suite struct FuzzCorpusTests {
    struct Row: CustomTestStringConvertible, Sendable {
        var file: String
        var exit: Int32
        var format: String
        var complete: Bool
        var testDescription: String { file }
    }

    static var dir: URL { Paths.fixtures.appendingPathComponent("fuzz") }

    static func rows() throws -> [Row] {
        let tsv = try Paths.fixtureText("fuzz/EXPECTED.tsv")
        return tsv.split(separator: "\n").dropFirst().map { line in
            let c = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            return Row(file: c[0], exit: Int32(c[1]) ?? -1, format: c[2], complete: c[3] == "yes")
        }
    }

    @Test func everyCorpusFileHasARowAndEveryRowAFile() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.dir.path)
            .filter { $0 != "EXPECTED.tsv" && $0 != "README.md" && !$0.hasPrefix(".") }.sorted()
        #expect(files == (try Self.rows()).map(\.file).sorted())
    }

    @Test(arguments: try rows())
    func parsesAsExpected(_ row: Row) throws {
        let path = Self.dir.appendingPathComponent(row.file).path
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let clock = ContinuousClock()
        let start = clock.now
        let format = LogRecognizer.recognize(prefix: data.prefix(256 << 10))
        #expect((format.map { "\($0)" } ?? "none") == row.format)
        let text = String(decoding: data, as: UTF8.self)
        let out: CheckerOutput
        switch format
            ?? (row.file.hasSuffix(".log") ? .sanitizer : row.file.hasSuffix(".xml") ? .valgrindXML : .valgrindText)
        {
        case .valgrindXML, .helgrindXML: out = try ValgrindXMLParser.parse(fileAt: path)
        case .valgrindText: out = ValgrindTextParser.parse(text: text)
        case .sanitizer: out = SanitizerLogParser.parse(text: text)
        case .threadSanitizer: out = TSanLogParser.parse(text: text)
        }
        let elapsed = clock.now - start
        #expect(elapsed < .seconds(2), "\(row.file) took \(elapsed)")
        #expect(out.complete == row.complete, "\(row.file): \(out.incompleteReason ?? "complete")")
        let policy = Policy()
        let exit: Int32 =
            format == nil || !out.complete
            ? ExitCode.incomplete
            : out.findings.contains(where: policy.gates) ? ExitCode.findings : ExitCode.clean
        #expect(exit == row.exit, "\(row.file)")
    }
}
