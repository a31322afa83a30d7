// Timing harness for scripts/bench/parse-bench-parser.sh (parser only), compiled with `swiftc -O`
// together with Sources/LeakCheck/**/*.swift (so no test target does timing).
//   parse-harness ours FILE        parse with ValgrindXMLParser, print seconds + figures
//   parse-harness stream FILE      ValgrindXMLParser with a per-finding callback (nothing kept)
//   parse-harness xmlparser FILE   walk with Foundation XMLParser(stream:), empty callbacks
//   parse-harness text FILE        ValgrindTextParser on a text log (read whole)
//   parse-harness dump FILE        print the findings (xml or text, by extension)
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

func now() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

let args = CommandLine.arguments
guard args.count >= 3 else {
    FileHandle.standardError.write("usage: parse-harness ours|xmlparser|dump FILE\n".data(using: .utf8)!)
    exit(2)
}
let path = args[2]
switch args[1] {
case "ours":
    let t0 = now()
    let out = try ValgrindXMLParser.parse(fileAt: path)
    let t1 = now()
    let totals = Totals(findings: out.findings)
    print(
        String(format: "%.4f", t1 - t0),
        "findings=\(out.findings.count) complete=\(out.complete)",
        "definite=\(totals.definitelyLost.bytes)/\(totals.definitelyLost.blocks)",
        "errors=\(totals.errors)")
case "stream":
    let t0 = now()
    var count = 0
    var definite = Tally()
    let out = try ValgrindXMLParser.parse(fileAt: path) { f in
        count += 1
        if f.kind == .definitelyLost { definite += Tally(bytes: f.bytes ?? 0, blocks: f.blocks ?? 0) }
    }
    let t1 = now()
    print(
        String(format: "%.4f", t1 - t0),
        "findings=\(count) complete=\(out.complete) definite=\(definite.bytes)/\(definite.blocks)")
case "text":
    let t0 = now()
    let text = try String(contentsOfFile: path, encoding: .utf8)
    let out = ValgrindTextParser.parse(text: text)
    let t1 = now()
    print(String(format: "%.4f", t1 - t0), "findings=\(out.findings.count) complete=\(out.complete)")
case "xmlparser":
    let t0 = now()
    guard let stream = InputStream(fileAtPath: path) else { exit(1) }
    let parser = XMLParser(stream: stream)
    let delegate = EmptyDelegate()
    parser.delegate = delegate
    let ok = parser.parse()
    let t1 = now()
    print(String(format: "%.4f", t1 - t0), "ok=\(ok) elements=\(delegate.elements)")
case "dump":
    let out: CheckerOutput
    if path.hasSuffix(".xml") || path.hasSuffix(".exp") && (try? String(contentsOfFile: path, encoding: .utf8))?.hasPrefix("<?xml") == true {
        out = try ValgrindXMLParser.parse(fileAt: path)
    } else {
        out = ValgrindTextParser.parse(text: try String(contentsOfFile: path, encoding: .utf8))
    }
    print("complete=\(out.complete) reason=\(out.incompleteReason ?? "-") protocol=\(out.protocolVersion.map(String.init) ?? "-") pids=\(out.pids) signal=\(out.fatalSignal ?? "-")")
    print("command=\(out.command ?? []) supp=\(out.checkerSuppressionCounts) warnings=\(out.warnings)")
    if let s = out.checkerSummary { print("summary: def \(s.definitelyLost) ind \(s.indirectlyLost) pos \(s.possiblyLost) reach \(s.stillReachable) supp \(s.suppressed)") }
    for f in out.findings {
        print("- \(f.kind) [\(f.rawKind)] bytes=\(f.bytes.map(String.init) ?? "-") ind=\(f.indirectBytes.map(String.init) ?? "-") blocks=\(f.blocks.map(String.init) ?? "-") tid=\(f.thread ?? "-") :: \(f.message)")
        for fr in f.stack.prefix(4) { print("    \(fr.display) mangled=\(fr.mangled ?? "-") ip=\(fr.address ?? "-")") }
        for a in f.auxiliary { print("   aux: \(a.what) [\(a.stack.count) frames]") }
    }
default:
    exit(2)
}
