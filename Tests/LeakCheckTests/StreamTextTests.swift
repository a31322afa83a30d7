import Foundation
import TestSupport
import Testing

@testable import LeakCheck

/// valgrind text logs stream line by line from disk: the same output as the
/// whole-text parse, whatever the line endings and wherever the file is cut.
@Suite struct StreamTextTests {
    static let textLogs: [String] = {
        let dir = Paths.logs.appendingPathComponent("valgrind").path
        return ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).filter { $0.hasSuffix(".txt") }
            .sorted()
    }()

    @Test func fixtureListIsComplete() {
        #expect(Self.textLogs.count == 15)
    }

    /// Each fixture as captured, with CRLF and CR-only line ends, and cut at a
    /// third and two thirds of its bytes (a killed run): every field equal.
    @Test(arguments: textLogs) func streamedEqualsWholeText(name: String) throws {
        let text = try Paths.fixtureText("logs/valgrind/\(name)")
        let bytes = Array(text.utf8)
        var variants = [
            text, text.replacingOccurrences(of: "\n", with: "\r\n"), text.replacingOccurrences(of: "\n", with: "\r"),
        ]
        for cut in [bytes.count / 3, 2 * bytes.count / 3] {
            variants.append(String(decoding: bytes[..<cut], as: UTF8.self))
        }
        for variant in variants {
            let path = try temporaryFile(variant)
            defer { try? FileManager.default.removeItem(atPath: path) }
            let whole = ValgrindTextParser.parse(text: variant)
            let streamed = try ValgrindTextParser.parse(fileAt: path)
            #expect(streamed.findings == whole.findings)
            #expect(streamed.complete == whole.complete)
            #expect(streamed.incompleteReason == whole.incompleteReason)
            #expect(streamed.pids == whole.pids)
            #expect(streamed.checkerSummary == whole.checkerSummary)
            #expect(streamed.fatalSignal == whole.fatalSignal)
            #expect(streamed.command == whole.command)
            #expect(streamed.warnings == whole.warnings)
        }
    }

    @Test func emptyFileIsEmptyOutput() throws {
        let path = try temporaryFile("")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let streamed = try ValgrindTextParser.parse(fileAt: path)
        #expect(!streamed.complete)
        #expect(streamed.incompleteReason == "empty valgrind output")
    }

    /// Lines split as `Lines.forEach` splits a whole text, with every line end
    /// (`\r\n` across two reads included) at every chunk size.
    @Test func lineReaderSplitsLikeLines() throws {
        let text = "a\r\nbb\rccc\n\n\r\r\ndddd\r\n\re\nf"
        var expected: [String] = []
        Lines.forEach(text) {
            expected.append(String($0))
            return true
        }
        #expect(expected == ["a", "bb", "ccc", "", "", "", "dddd", "", "e", "f"])
        for ending in ["", "\n", "\r", "\r\n"] {
            let path = try temporaryFile(text + ending)
            defer { try? FileManager.default.removeItem(atPath: path) }
            for chunk in [1, 2, 3, 5, 64] {
                var got: [String] = []
                let summary = try LineReader.forEachLine(fileAt: path, chunkSize: chunk) {
                    got.append(String($0))
                    return true
                }
                #expect(got == expected, "chunk \(chunk), ending \(ending.debugDescription)")
                #expect(summary.bytes == (text + ending).utf8.count)
                #expect(summary.terminated == !ending.isEmpty)
            }
        }
    }

    /// A line longer than the cap is cut there and its rest skipped (issue 21):
    /// the buffer never grows past the cap, and the rest is not read as more lines.
    @Test(arguments: [1, 3, 4, 5, 64])
    func overlongLineIsCut(chunk: Int) throws {
        let path = try temporaryFile(String(repeating: "x", count: 10) + "\nyz\r\n" + String(repeating: "w", count: 9) + "\rab\nabcd\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        var got: [String] = []
        let summary = try LineReader.forEachLine(fileAt: path, chunkSize: chunk, maxLineBytes: 4) {
            got.append(String($0))
            return true
        }
        #expect(got == ["xxxx", "yz", "wwww", "ab", "abcd"])
        #expect(summary.cutLines == 2)
    }

    func temporaryFile(_ text: String) throws -> String {
        let path = Scratch.directory + "stream-text-\(UUID().uuidString).log"
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }
}
