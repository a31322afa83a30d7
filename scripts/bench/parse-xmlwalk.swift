// The comparator of scripts/bench/parse-bench.sh: a bare Foundation
// XMLParser(stream:) walk of a file with empty callbacks (what any
// Foundation-based parser costs at least). Compiled on its own with `swiftc -O`.
//   parse-xmlwalk FILE     prints seconds and the element count
import Foundation
#if canImport(FoundationXML)
    import FoundationXML
#endif

final class EmptyDelegate: NSObject, XMLParserDelegate {
    var elements = 0
    func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
        qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]
    ) { elements += 1 }
    func parser(_ parser: XMLParser, foundCharacters string: String) {}
    func parser(
        _ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?,
        qualifiedName qName: String?
    ) {}
}

guard CommandLine.arguments.count == 2, let stream = InputStream(fileAtPath: CommandLine.arguments[1]) else {
    FileHandle.standardError.write("usage: parse-xmlwalk FILE\n".data(using: .utf8)!)
    exit(2)
}
var ts = timespec()
clock_gettime(CLOCK_MONOTONIC, &ts)
let t0 = Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
let parser = XMLParser(stream: stream)
let delegate = EmptyDelegate()
parser.delegate = delegate
let ok = parser.parse()
clock_gettime(CLOCK_MONOTONIC, &ts)
print(String(format: "%.4f", Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9 - t0), "ok=\(ok) elements=\(delegate.elements)")
