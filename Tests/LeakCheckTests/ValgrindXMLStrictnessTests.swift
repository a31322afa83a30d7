import Foundation
import Testing

@testable import LeakCheck

/// Issue 21: the XML scanner refuses what expat refuses, naming the byte offset,
/// instead of popping to the next matching close tag and reading a green run.
@Suite struct ValgrindXMLStrictnessTests {
    static let intact = "logs/valgrind/leak-kinds-definite-with-indirect.xml"

    /// Each mutant (from the intact capture, which gives findings and is complete) is
    /// malformed for expat (Python's xml.parsers.expat says "mismatched tag").
    @Test(arguments: [
        ("valgrind-xml-missing-args-close.xml", "</valgrindoutput> does not close <args>"),
        ("valgrind-xml-missing-pid-close.xml", "</valgrindoutput> does not close <pid>"),
        ("valgrind-xml-missing-preamble-close.xml", "</valgrindoutput> does not close <preamble>"),
        ("valgrind-xml-missing-status-close.xml", "</valgrindoutput> does not close <status>"),
        ("valgrind-xml-unknown-element-open-before-error.xml", "</valgrindoutput> does not close <junk>"),
        ("valgrind-xml-mismatched-close-tag.xml", "</kinf> does not close <kind>"),
    ])
    func mutantIsIncompleteAndNamesTheOffset(file: String, says: String) throws {
        let whole = try ValgrindXMLParser.parse(fileAt: Paths.fixture(Self.intact).path)
        #expect(whole.complete && !whole.findings.isEmpty)
        let path = Paths.fixture("fuzz/" + file).path
        let out = try ValgrindXMLParser.parse(fileAt: path)
        #expect(!out.complete)
        let reason = try #require(out.incompleteReason)
        #expect(reason.hasPrefix("malformed valgrind XML at byte "), "\(reason)")
        #expect(reason.contains(says), "\(reason)")
        // The offset is where the offending close tag starts.
        let digits = reason.dropFirst("malformed valgrind XML at byte ".count).prefix { $0.isNumber }
        let offset = try #require(Int(digits))
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        let closing = says.prefix { $0 != " " }
        #expect(bytes[offset..<(offset + closing.utf8.count)].elementsEqual(closing.utf8))
        // Same verdict whatever the chunking.
        let chunked = try ValgrindXMLParser.parse(fileAt: path, chunkSize: 7)
        #expect(chunked.incompleteReason == out.incompleteReason)
    }

    static func document(_ body: String) -> String {
        """
        <?xml version="1.0"?>
        <valgrindoutput>
        <protocolversion>4</protocolversion>
        <status><state>RUNNING</state></status>
        \(body)
        <status><state>FINISHED</state></status>
        </valgrindoutput>

        """
    }

    @Test func intactMinimalDocumentIsComplete() {
        #expect(ValgrindXMLParser.parse(text: Self.document("<errorcounts></errorcounts>")).complete)
    }

    @Test(arguments: [
        ("<foo bar></foo>", "attribute"),
        ("<foo a=\"1\"b=\"2\"></foo>", "attribute"),
        ("<1foo></1foo>", "element name"),
        ("<foo></foo junk>", "junk in the closing tag"),
        ("<foo>&nbsp;</foo>", "entity reference"),
        ("<foo>a & b</foo>", "entity reference"),
        ("<foo>&#0;</foo>", "entity reference"),
        ("<foo>\u{01}</foo>", "control character 0x1"),
    ])
    func malformedPiecesAreRefused(piece: String, says: String) {
        let out = ValgrindXMLParser.parse(text: Self.document(piece))
        #expect(!out.complete)
        #expect(out.incompleteReason?.contains(says) == true, "\(out.incompleteReason ?? "complete")")
    }

    @Test func invalidUTF8AndTrailingContentAreRefused() {
        var bytes = Array(Self.document("<foo>Q</foo>").utf8)
        let at = bytes.firstIndex(of: UInt8(ascii: "Q"))!
        bytes[at] = 0xC3  // a lead byte followed by `<`
        var out = ValgrindXMLParser.parse(bytes: bytes)
        #expect(out.incompleteReason == "malformed valgrind XML at byte \(at + 1): byte 0x3c is not UTF-8")
        out = ValgrindXMLParser.parse(text: Self.document("") + "<more/>")
        #expect(out.incompleteReason?.contains("a second root element <more>") == true)
        out = ValgrindXMLParser.parse(text: Self.document("") + "text")
        #expect(out.incompleteReason?.contains("text after </valgrindoutput>") == true)
        out = ValgrindXMLParser.parse(text: Self.document("") + "<!-- fine -->\n")
        #expect(out.complete)
    }
}
