#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Element names the valgrind XML parser acts on. Everything else is `.other`
/// and only tracked for nesting.
enum VGTag: UInt8 {
    case other
    case valgrindoutput, protocolversion, pid, status, state
    case error, tid, threadname, kind, what, xwhat, text, leakedbytes, leakedblocks
    case auxwhat, xauxwhat, stack, frame, ip, obj, fn, dir, file, line
    case suppression, sframe, fun
    case suppcounts, pair, count, name
    case fatalSignal, signo, signame, event
    case leakSummary, definitelyLost, indirectlyLost, possiblyLost, stillReachable, suppressed
    case bytes, blocks
    case argv, exe, arg
    case errorSummary, errors, errorContexts
}

/// Maps element-name bytes to `VGTag` without making a String: names are
/// compared as (length, first 8 bytes, last 8 bytes), exact for names of up
/// to 16 bytes, and every name we act on is that short.
struct VGTagTable: @unchecked Sendable {
    private struct Entry {
        var first: UInt64
        var last: UInt64
        var tag: VGTag
    }
    private static let slots = 16
    /// 17 rows (name length 0...16) of `slots` entries; allocated once, never freed.
    private let entries: UnsafeMutablePointer<Entry>
    private let counts: UnsafeMutablePointer<Int>

    static let shared = VGTagTable()

    private init() {
        entries = .allocate(capacity: 17 * Self.slots)
        counts = .allocate(capacity: 17)
        counts.initialize(repeating: 0, count: 17)
        let names: [(String, VGTag)] = [
            ("valgrindoutput", .valgrindoutput), ("protocolversion", .protocolversion),
            ("pid", .pid), ("status", .status), ("state", .state), ("error", .error),
            ("tid", .tid), ("threadname", .threadname), ("kind", .kind), ("what", .what),
            ("xwhat", .xwhat), ("text", .text), ("leakedbytes", .leakedbytes),
            ("leakedblocks", .leakedblocks), ("auxwhat", .auxwhat), ("xauxwhat", .xauxwhat),
            ("stack", .stack), ("frame", .frame), ("ip", .ip), ("obj", .obj), ("fn", .fn),
            ("dir", .dir), ("file", .file), ("line", .line), ("suppression", .suppression),
            ("sframe", .sframe), ("fun", .fun), ("suppcounts", .suppcounts), ("pair", .pair),
            ("count", .count), ("name", .name), ("fatal_signal", .fatalSignal),
            ("signo", .signo), ("signame", .signame), ("event", .event),
            ("leak_summary", .leakSummary), ("definitely_lost", .definitelyLost),
            ("indirectly_lost", .indirectlyLost), ("possibly_lost", .possiblyLost),
            ("still_reachable", .stillReachable), ("suppressed", .suppressed),
            ("bytes", .bytes), ("blocks", .blocks), ("argv", .argv), ("exe", .exe), ("arg", .arg),
            ("error_summary", .errorSummary), ("errors", .errors), ("error_contexts", .errorContexts),
        ]
        for (name, tag) in names {
            let bytes = Array(name.utf8)
            bytes.withUnsafeBufferPointer { p in
                let n = p.count
                let (f, l) = Self.words(p.baseAddress!, n)
                precondition(counts[n] < Self.slots)
                (entries + n * Self.slots + counts[n]).initialize(to: Entry(first: f, last: l, tag: tag))
                counts[n] += 1
            }
        }
    }

    @inline(__always)
    static func words(_ p: UnsafePointer<UInt8>, _ n: Int, available: Int = 0) -> (UInt64, UInt64) {
        if n < 8 && available >= 8 {
            // Load 8 bytes and keep the name's (little-endian: the low ones).
            let w = UnsafeRawPointer(p).loadUnaligned(as: UInt64.self) & ((1 << (8 * UInt64(n))) &- 1)
            return (w, w)
        }
        if n >= 8 {
            return (
                UnsafeRawPointer(p).loadUnaligned(as: UInt64.self),
                UnsafeRawPointer(p + (n - 8)).loadUnaligned(as: UInt64.self)
            )
        }
        var w: UInt64 = 0
        for i in 0..<n { w |= UInt64(p[i]) << (8 * UInt64(i)) }
        return (w, w)
    }

    @inline(__always)
    func lookup(_ p: UnsafePointer<UInt8>, _ n: Int, available: Int) -> VGTag {
        guard n > 0 && n <= 16 else { return .other }
        let (f, l) = Self.words(p, n, available: available)
        let row = entries + n * Self.slots
        for k in 0..<counts[n] where row[k].first == f && row[k].last == l { return row[k].tag }
        return .other
    }
}

/// Fixed-size working memory of one scanner (element stack, one element's text),
/// owned by a class so it is freed with the scanner.
final class VGScratch {
    static let depthLimit = 256
    static let captureLimit = 1 << 20
    /// Bytes of each open element's name kept for messages (the hash decides).
    static let nameLimit = 40
    let tags = UnsafeMutablePointer<VGTag>.allocate(capacity: depthLimit)
    let capture = UnsafeMutablePointer<UInt8>.allocate(capacity: captureLimit)
    /// Per open element: a hash of its whole name, its byte offset, its name's first bytes.
    let nameHashes = UnsafeMutablePointer<UInt64>.allocate(capacity: depthLimit)
    let openedAt = UnsafeMutablePointer<Int>.allocate(capacity: depthLimit)
    let names = UnsafeMutablePointer<UInt8>.allocate(capacity: depthLimit * nameLimit)
    let nameLengths = UnsafeMutablePointer<Int>.allocate(capacity: depthLimit)
    deinit {
        tags.deallocate()
        capture.deallocate()
        nameHashes.deallocate()
        openedAt.deallocate()
        names.deallocate()
        nameLengths.deallocate()
    }
}

/// Shares the storage of repeated long strings (object paths, directories,
/// function names): a big log repeats the same few hundred of them, and
/// findings keep them. Strings of up to 15 UTF-8 bytes are stored inline by
/// Swift and are not worth interning.
struct VGInterner {
    /// Open-addressed table (no Hasher, no rehash): a slot keeps the first string
    /// that hashed there; a later different string in a taken slot is just not shared.
    private var hashes: [UInt64]
    private var strings: [String]
    private let mask: Int

    init(slots: Int = 1 << 14) {
        hashes = Array(repeating: 0, count: slots)
        strings = Array(repeating: "", count: slots)
        mask = slots - 1
    }

    mutating func string(_ p: UnsafePointer<UInt8>, _ n: Int) -> String {
        if n <= 15 { return make(p, n) }
        // 8 bytes at a time, then the tail: a multiply-xorshift mix.
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(n)
        var i = 0
        let raw = UnsafeRawPointer(p)
        while i + 8 <= n {
            h = (h ^ raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0xFF51_AFD7_ED55_8CCD
            h ^= h >> 29
            i += 8
        }
        if i < n {
            // The last 8 bytes (overlapping what was mixed) cover the tail.
            h = (h ^ raw.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)) &* 0xC4CE_B9FE_1A85_EC53
            h ^= h >> 32
        }
        if h == 0 { h = 1 }
        let slot = Int(truncatingIfNeeded: h) & mask
        if hashes[slot] == h {
            let s = strings[slot]
            var copy = s
            let equal = copy.withUTF8 { u in u.count == n && memcmp(u.baseAddress!, p, n) == 0 }
            if equal { return s }
            return make(p, n)
        }
        let s = make(p, n)
        if hashes[slot] == 0 {
            hashes[slot] = h
            strings[slot] = s
        }
        return s
    }

    @inline(__always)
    func make(_ p: UnsafePointer<UInt8>, _ n: Int) -> String {
        String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self)
    }
}

/// The streaming core of `ValgrindXMLParser`: a byte-level XML tokenizer that
/// is fed chunks, and a builder that keeps only the fields findings need.
/// Working memory is the chunk, one element's text and the error being built.
struct ValgrindXMLScanner {
    // MARK: results
    var output = CheckerOutput(format: .valgrindXML)
    var sawRoot = false
    var sawRootEnd = false
    var sawFinished = false
    var sawAnyTag = false
    var truncatedInTag = false
    var malformed: String?
    var leakSummary: Totals?
    var leakSummaryHasFigures = false
    /// Summary figures that were placeholders (`...`): not compared with the records.
    var leakSummaryKnown = SummaryReconciliation.Known()
    /// Protocol 6 `<error_summary><error_contexts>`.
    var errorSummaryContexts: Int?
    /// Set when `Cancellation` was requested during `scan`: the caller stops feeding.
    var interrupted = false
    /// Bytes consumed by earlier `scan` calls: `base[0]`'s offset in the file.
    private(set) var consumed = 0
    /// Bytes already checked for characters XML forbids (absolute offset).
    private var checkedTo = 0
    private var charCheck = XMLCharacterCheck()
    /// What the findings handed to `sink` added up to (streaming keeps none).
    private var streamedTally = SummaryReconciliation.RecordTally()
    /// Elements seen since the last `Cancellation` poll.
    private var sincePoll = 0
    /// What the frame and name caps cut (notes at the end).
    private var bounds = BoundsTally()

    // MARK: tokenizer state
    private let tags = VGTagTable.shared
    private var interner = VGInterner()
    private let scratch = VGScratch()
    /// Open elements, innermost last (tolerant: a close tag pops to its match).
    private let open: UnsafeMutablePointer<VGTag>
    private var depth = 0
    private var depthOverflow = 0
    private var capturing = false
    private var captureTag: VGTag = .other
    private let capture: UnsafeMutablePointer<UInt8>
    private var captureCount = 0

    // MARK: builder state
    private var inError = false
    private var errKind: String?
    private var errWhat: String?
    private var errTid: String?
    private var errThreadName: String?
    private var errLeakedBytes: Int?
    private var errLeakedBlocks: Int?
    private var errLeakedBytesSeen = false
    private var errStack: [Frame] = []
    private var errHasMainStack = false
    private var errAux: [AuxiliaryStack] = []
    private var auxOpenForStack = false
    private var currentStackIsMain = false
    /// Scratch for the stack being read; findings get an exact-size copy
    /// (`finishedStack`), so no slack capacity is retained per finding.
    private var stackFrames: [Frame] = []
    private var finishedStack: [Frame] { stackFrames.withUnsafeBufferPointer { Array($0) } }
    private var inErrorSuppression = false
    private var sframes: [String?] = []
    private var sframeFun: String?

    private var frame = Frame()
    private var frameDir: [UInt8] = []
    private var frameFile: [UInt8] = []

    private var inFatal = false
    private var fatalTid: String?
    private var fatalSigno: Int?
    private var fatalName: String?
    private var fatalEvent: String?
    private var fatalStack: [Frame] = []

    private var pairCount: Int?
    private var pairName: String?
    private var summaryCategory: VGTag = .other
    private var summaryBytes: Int?
    private var summaryBlocks: Int?
    private var summaryBytesRead = false
    private var summaryBlocksRead = false
    /// The error being built had a figure over `Counts.ceiling`.
    private var errClamped = false
    private var command: [String] = []
    /// Leak records reported before FINISHED come from client-requested leak checks.
    private var earlyLeakIndices: [Int] = []
    private var lateLeaks = false

    /// When set, findings are handed over as they complete instead of being
    /// kept (constant memory for any file size).
    private let sink: ((Finding) -> Void)?

    init(sink: ((Finding) -> Void)? = nil) {
        self.sink = sink
        open = scratch.tags
        capture = scratch.capture
    }

    private var captured: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: capture, count: captureCount) }

    private func isOpen(_ tag: VGTag) -> Bool {
        var k = depth
        while k > 0 {
            k -= 1
            if open[k] == tag { return true }
        }
        return false
    }

    // MARK: tokenizer

    /// Consumes as many whole tokens of `base[0..<count]` as it can and returns
    /// how many bytes it used; the caller keeps the rest (an unfinished tag) for
    /// the next call. With `atEOF`, everything is consumed.
    mutating func scan(_ base: UnsafePointer<UInt8>, _ count: Int, atEOF: Bool) -> Int {
        if malformed == nil {
            let from = checkedTo - consumed
            if from < count {
                if let bad = charCheck.check(base + from, count - from) {
                    markMalformed(at: consumed + from + bad.offset, bad.what)
                }
                checkedTo = consumed + count
            }
        }
        let used = scanChunk(base, count, atEOF: atEOF)
        consumed += used
        return used
    }

    /// The first well-formedness error, as expat would name it, with its byte offset.
    /// Parsing goes on (tolerantly) so the findings read so far are kept, but the
    /// output is incomplete.
    private mutating func markMalformed(at offset: Int, _ what: String) {
        guard malformed == nil else { return }
        malformed = "malformed valgrind XML at byte \(offset): \(what)"
    }

    private mutating func scanChunk(_ base: UnsafePointer<UInt8>, _ count: Int, atEOF: Bool) -> Int {
        var i = 0
        let lt = Int32(UInt8(ascii: "<"))
        let gt = Int32(UInt8(ascii: ">"))
        while i < count {
            if base[i] != UInt8(ascii: "<") {
                // Text between tags is mostly short indentation: look a few bytes
                // ahead by hand before paying for a memchr call.
                var end = i + 1
                let quick = min(count, i + 24)
                while end < quick && base[end] != UInt8(ascii: "<") { end += 1 }
                if end == quick && quick < count {
                    let found = memchr(base + end, lt, count - end)
                    end = found.map { UnsafePointer($0.assumingMemoryBound(to: UInt8.self)) - base } ?? count
                }
                if end == count && !atEOF, let held = unfinishedReference(base, from: i, to: end) {
                    // A reference cut by the chunk boundary is read whole with the next chunk.
                    if held == i { return i }
                    end = held
                }
                if capturing {
                    appendCapture(base + i, end - i)
                } else if !sawAnyTag && malformed == nil && hasNonSpace(base + i, end - i) {
                    malformed = "not XML: the file does not start with an XML tag"
                } else if depth == 0 && malformed == nil, let k = firstNonSpace(base + i, end - i) {
                    markMalformed(
                        at: consumed + i + k,
                        sawRootEnd ? "text after </valgrindoutput>" : "text outside the root element")
                }
                if malformed == nil, let amp = memchr(base + i, Int32(UInt8(ascii: "&")), end - i) {
                    checkReferences(base, from: UnsafePointer(amp.assumingMemoryBound(to: UInt8.self)) - base, to: end)
                }
                i = end
                continue
            }
            // A tag starts at i.
            sincePoll += 1
            if sincePoll >= Cancellation.pollInterval {
                sincePoll = 0
                if Cancellation.isRequested {
                    interrupted = true
                    return count
                }
            }
            if i + 1 >= count {
                if atEOF {
                    truncatedInTag = true
                    return count
                }
                return i
            }
            let c1 = base[i + 1]
            if c1 == UInt8(ascii: "!") {
                // Comment, CDATA or DOCTYPE.
                if startsWith(base + i, count - i, "<!--") {
                    guard let e = find(base, from: i + 4, count, "-->") else {
                        if atEOF {
                            truncatedInTag = true
                            return count
                        }
                        return i
                    }
                    i = e + 3
                } else if startsWith(base + i, count - i, "<![CDATA[") {
                    guard let e = find(base, from: i + 9, count, "]]>") else {
                        if atEOF {
                            truncatedInTag = true
                            return count
                        }
                        return i
                    }
                    if capturing { appendCapture(base + i + 9, e - (i + 9)) }
                    i = e + 3
                } else if count - i < 9 && !atEOF {
                    return i  // not enough bytes to tell which
                } else {
                    guard let g = memchr(base + i, gt, count - i) else {
                        if atEOF {
                            truncatedInTag = true
                            return count
                        }
                        return i
                    }
                    i = UnsafePointer(g.assumingMemoryBound(to: UInt8.self)) - base + 1
                }
                sawAnyTag = true
                continue
            }
            var gtIndex = i + 1
            while gtIndex < count && base[gtIndex] != UInt8(ascii: ">") { gtIndex += 1 }
            if gtIndex == count {
                if atEOF {
                    truncatedInTag = true
                    return count
                }
                return i
            }
            sawAnyTag = true
            if c1 == UInt8(ascii: "?") {
                i = gtIndex + 1
                continue
            }
            if c1 == UInt8(ascii: "/") {
                let start = i + 2
                var end = start
                while end < gtIndex && !isSpace(base[end]) { end += 1 }
                if malformed == nil {
                    checkEndTag(base, tagAt: i, name: start, nameEnd: end, gt: gtIndex)
                }
                endElement(tags.lookup(base + start, end - start, available: count - start))
            } else {
                let start = i + 1
                var end = start
                while end < gtIndex && !isSpace(base[end]) && base[end] != UInt8(ascii: "/") {
                    end += 1
                }
                let selfClosing = base[gtIndex - 1] == UInt8(ascii: "/") && gtIndex - 1 >= end
                if malformed == nil {
                    checkStartTag(base, tagAt: i, name: start, nameEnd: end, attributesEnd: selfClosing ? gtIndex - 1 : gtIndex)
                }
                let tag = tags.lookup(base + start, end - start, available: count - start)
                startElement(tag)
                if depth > 0 && depth <= VGScratch.depthLimit && depthOverflow == 0 {
                    remember(base + start, end - start, at: consumed + i)
                }
                if selfClosing { endElement(tag) }
            }
            i = gtIndex + 1
        }
        return i
    }

    // MARK: well-formedness (what expat refuses)

    /// FNV-1a of an element name: open and close tags are compared by it.
    @inline(__always) private static func nameHash(_ p: UnsafePointer<UInt8>, _ n: Int) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325 ^ UInt64(n)
        for k in 0..<n { h = (h ^ UInt64(p[k])) &* 0x100_0000_01b3 }
        return h
    }

    /// The offset of a `&` in the last 12 bytes of `base[from..<end]` with no `;` after it.
    private func unfinishedReference(_ base: UnsafePointer<UInt8>, from: Int, to end: Int) -> Int? {
        var k = end
        while k > from && end - k < 13 {
            k -= 1
            if base[k] == UInt8(ascii: ";") { return nil }
            if base[k] == UInt8(ascii: "&") { return k }
        }
        return nil
    }

    private func firstNonSpace(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int? {
        for k in 0..<n where !isSpace(p[k]) { return k }
        return nil
    }

    /// A name starts with a letter, `_`, `:` or a non-ASCII byte, and goes on with those, digits, `-` or `.`.
    private func isName(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        guard n > 0 else { return false }
        for k in 0..<n {
            let b = p[k]
            let letter = (b | 0x20) >= 0x61 && (b | 0x20) <= 0x7A
            if letter || b == UInt8(ascii: "_") || b == UInt8(ascii: ":") || b >= 0x80 { continue }
            if k > 0 && ((b >= 0x30 && b <= 0x39) || b == UInt8(ascii: "-") || b == UInt8(ascii: ".")) { continue }
            return false
        }
        return true
    }

    /// A name for a message: printable ASCII, at most 40 bytes.
    private func shown(_ p: UnsafePointer<UInt8>, _ n: Int) -> String {
        let m = min(n, VGScratch.nameLimit)
        var s = String(decoding: UnsafeBufferPointer(start: p, count: m).map { $0 >= 0x21 && $0 < 0x7F ? $0 : UInt8(ascii: "?") }, as: UTF8.self)
        if n > m { s += "..." }
        return s
    }

    private mutating func remember(_ p: UnsafePointer<UInt8>, _ n: Int, at offset: Int) {
        let k = depth - 1
        scratch.nameHashes[k] = Self.nameHash(p, n)
        scratch.openedAt[k] = offset
        let m = min(n, VGScratch.nameLimit)
        (scratch.names + k * VGScratch.nameLimit).update(from: p, count: m)
        scratch.nameLengths[k] = n
    }

    private mutating func checkStartTag(
        _ base: UnsafePointer<UInt8>, tagAt i: Int, name: Int, nameEnd: Int, attributesEnd: Int
    ) {
        if !isName(base + name, nameEnd - name) {
            markMalformed(at: consumed + i, "not a well-formed element name <\(shown(base + name, nameEnd - name))>")
        } else if depth == 0 && sawRootEnd {
            markMalformed(at: consumed + i, "a second root element <\(shown(base + name, nameEnd - name))> after </valgrindoutput>")
        } else if depth >= VGScratch.depthLimit {
            markMalformed(at: consumed + i, "elements nested deeper than \(VGScratch.depthLimit)")
        } else if let bad = attributesError(base, from: nameEnd, to: attributesEnd) {
            markMalformed(at: consumed + bad, "not a well-formed attribute in <\(shown(base + name, nameEnd - name))>")
        }
    }

    /// `( S name S? = S? ("…"|'…') )* S?`: the offset of the first byte that breaks it.
    private func attributesError(_ base: UnsafePointer<UInt8>, from: Int, to end: Int) -> Int? {
        var k = from
        while true {
            let spaceStart = k
            while k < end && isSpace(base[k]) { k += 1 }
            if k == end { return nil }
            if k == spaceStart { return k }
            let n0 = k
            while k < end && !isSpace(base[k]) && base[k] != UInt8(ascii: "=") { k += 1 }
            if !isName(base + n0, k - n0) { return n0 }
            while k < end && isSpace(base[k]) { k += 1 }
            guard k < end && base[k] == UInt8(ascii: "=") else { return k }
            k += 1
            while k < end && isSpace(base[k]) { k += 1 }
            guard k < end, base[k] == UInt8(ascii: "\"") || base[k] == UInt8(ascii: "'") else { return k }
            let q = base[k]
            k += 1
            while k < end && base[k] != q {
                if base[k] == UInt8(ascii: "<") { return k }
                k += 1
            }
            guard k < end else { return k }
            k += 1
        }
    }

    private mutating func checkEndTag(_ base: UnsafePointer<UInt8>, tagAt i: Int, name: Int, nameEnd: Int, gt: Int) {
        let n = nameEnd - name
        if let k = firstNonSpace(base + nameEnd, gt - nameEnd) {
            markMalformed(at: consumed + nameEnd + k, "junk in the closing tag </\(shown(base + name, n))>")
            return
        }
        guard depth > 0 else {
            markMalformed(at: consumed + i, "</\(shown(base + name, n))> closes no open element")
            return
        }
        guard depthOverflow == 0 else { return }
        var k = depth - 1
        // valgrind 3.26.0 bug 514613 leaves `<still_reachable>` open inside `<leak_summary>`:
        // the one omission a real valgrind writes, tolerated by name.
        while k > 0 && open[k] == .stillReachable && isOpen(.leakSummary) {
            if scratch.nameHashes[k] == Self.nameHash(base + name, n) { break }
            k -= 1
        }
        if scratch.nameHashes[k] != Self.nameHash(base + name, n) || scratch.nameLengths[k] != n {
            let open = shown(scratch.names + k * VGScratch.nameLimit, scratch.nameLengths[k])
            markMalformed(
                at: consumed + i,
                "</\(shown(base + name, n))> does not close <\(open)> (opened at byte \(scratch.openedAt[k]))")
        }
    }

    /// Every `&` in text starts a reference expat knows: `&lt;` `&gt;` `&amp;` `&quot;` `&apos;` `&#N;` `&#xH;`.
    private mutating func checkReferences(_ base: UnsafePointer<UInt8>, from: Int, to end: Int) {
        var k = from
        while k < end {
            if base[k] != UInt8(ascii: "&") {
                k += 1
                continue
            }
            var j = k + 1
            while j < end && j - k <= 12 && base[j] != UInt8(ascii: ";") { j += 1 }
            guard j < end && base[j] == UInt8(ascii: ";"), XMLCharacterCheck.isReference(base + k + 1, j - k - 1) else {
                markMalformed(at: consumed + k, "an undefined or unterminated entity reference")
                return
            }
            k = j + 1
        }
    }

    @inline(__always) private func isSpace(_ b: UInt8) -> Bool {
        b == 0x20 || b == 0x0A || b == 0x09 || b == 0x0D
    }

    private func hasNonSpace(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        for k in 0..<n where !isSpace(p[k]) {
            // A UTF-8 byte order mark is allowed before the first tag.
            if p[k] == 0xEF || p[k] == 0xBB || p[k] == 0xBF { continue }
            return true
        }
        return false
    }

    private func startsWith(_ p: UnsafePointer<UInt8>, _ n: Int, _ s: StaticString) -> Bool {
        let m = s.utf8CodeUnitCount
        guard n >= m else { return false }
        return memcmp(p, s.utf8Start, m) == 0
    }

    private func find(_ base: UnsafePointer<UInt8>, from: Int, _ count: Int, _ s: StaticString)
        -> Int?
    {
        let m = s.utf8CodeUnitCount
        var k = from
        let first = Int32(s.utf8Start[0])
        while k + m <= count {
            guard let f = memchr(base + k, first, count - k) else { return nil }
            let at = UnsafePointer(f.assumingMemoryBound(to: UInt8.self)) - base
            if at + m > count { return nil }
            if memcmp(base + at, s.utf8Start, m) == 0 { return at }
            k = at + 1
        }
        return nil
    }

    @inline(__always)
    private mutating func appendCapture(_ p: UnsafePointer<UInt8>, _ n: Int) {
        let m = min(n, VGScratch.captureLimit - captureCount)
        if m <= 0 { return }
        (capture + captureCount).update(from: p, count: m)
        captureCount += m
    }

    // MARK: elements

    private var parent: VGTag { depth > 0 ? open[depth - 1] : .other }
    private var grandparent: VGTag { depth >= 2 ? open[depth - 2] : .other }

    private mutating func beginCapture(_ tag: VGTag) {
        capturing = true
        captureTag = tag
        captureCount = 0
    }

    private mutating func startElement(_ tag: VGTag) {
        if depth == 0 && !sawRoot {
            if tag == .valgrindoutput {
                sawRoot = true
            } else if malformed == nil {
                malformed = "not valgrind XML: the root element is not <valgrindoutput>"
            }
        }
        let p = parent
        switch tag {
        case .error where p == .valgrindoutput:
            startError()
        case .fatalSignal where p == .valgrindoutput:
            inFatal = true
            fatalTid = nil
            fatalSigno = nil
            fatalName = nil
            fatalEvent = nil
            fatalStack = []
        case .stack where inError && (p == .error):
            stackFrames.removeAll(keepingCapacity: true)
            if !errHasMainStack {
                currentStackIsMain = true
            } else {
                currentStackIsMain = false
            }
        case .stack where inFatal && p == .fatalSignal:
            stackFrames.removeAll(keepingCapacity: true)
        case .frame where p == .stack && (inError || inFatal):
            frame = Frame()
            frameDir.removeAll(keepingCapacity: true)
            frameFile.removeAll(keepingCapacity: true)
        case .ip, .obj, .fn, .dir, .file, .line:
            if p == .frame && (inError || inFatal) { beginCapture(tag) }
        case .suppression where inError && p == .error:
            inErrorSuppression = true
            sframes.removeAll(keepingCapacity: true)
        case .sframe where inErrorSuppression:
            sframeFun = nil
        case .fun where inErrorSuppression && p == .sframe:
            beginCapture(tag)
        case .kind, .what, .auxwhat, .threadname:
            if inError && p == .error { beginCapture(tag) }
        case .tid:
            if (inError && p == .error) || (inFatal && p == .fatalSignal) { beginCapture(tag) }
        case .text:
            if inError && (p == .xwhat || p == .xauxwhat) { beginCapture(tag) }
        case .leakedbytes, .leakedblocks:
            if inError && p == .xwhat { beginCapture(tag) }
        case .signo, .signame, .event:
            if inFatal && p == .fatalSignal { beginCapture(tag) }
        case .pid, .protocolversion:
            if p == .valgrindoutput { beginCapture(tag) }
        case .state:
            if p == .status { beginCapture(tag) }
        case .pair where p == .suppcounts:
            pairCount = nil
            pairName = nil
        case .count, .name:
            if p == .pair && grandparent == .suppcounts { beginCapture(tag) }
        case .leakSummary where p == .valgrindoutput:
            leakSummary = Totals()
            summaryCategory = .other
        case .definitelyLost, .indirectlyLost, .possiblyLost, .stillReachable, .suppressed:
            // valgrind 3.26.0 can omit `</still_reachable>`, so `<suppressed>` may
            // arrive nested in it: any category tag inside leak_summary switches.
            if leakSummary != nil && isOpen(.leakSummary) {
                closeSummaryCategory()
                summaryCategory = tag
            }
        case .bytes, .blocks:
            if summaryCategory != .other && isOpen(.leakSummary) {
                if tag == .bytes { summaryBytesRead = true } else { summaryBlocksRead = true }
                beginCapture(tag)
            }
        case .errorContexts:
            if p == .errorSummary { beginCapture(tag) }
        case .exe, .arg:
            if p == .argv { beginCapture(tag) }
        default:
            break
        }
        if depth < VGScratch.depthLimit {
            open[depth] = tag
            depth += 1
        } else {
            depthOverflow += 1
        }
    }

    private mutating func endElement(_ tag: VGTag) {
        if capturing && captureTag == tag {
            capturing = false
            finishCapture(tag)
        } else if capturing {
            // Mismatched nesting inside a leaf: drop the capture.
            capturing = false
        }
        // Pop to the matching open element (tolerates a missing close tag).
        if depthOverflow > 0 {
            depthOverflow -= 1
            return
        }
        var idx = depth - 1
        while idx >= 0 && open[idx] != tag { idx -= 1 }
        guard idx >= 0 else { return }
        while depth > idx + 1 {
            depth -= 1
            closed(open[depth])
        }
        depth -= 1
        closed(tag)
    }

    /// Side effects of an element closing (explicitly or because an outer one closed).
    private mutating func closed(_ tag: VGTag) {
        let p = parent
        switch tag {
        case .error where inError && p == .valgrindoutput:
            finishError()
        case .fatalSignal where inFatal:
            finishFatal()
        case .frame where (inError || inFatal) && p == .stack:
            if !frameFile.isEmpty {
                if !frameDir.isEmpty {
                    frameDir.append(UInt8(ascii: "/"))
                    frameDir.append(contentsOf: frameFile)
                    frame.file = frameDir.withUnsafeBufferPointer {
                        interner.string($0.baseAddress!, $0.count)
                    }
                } else {
                    frame.file = frameFile.withUnsafeBufferPointer {
                        interner.string($0.baseAddress!, $0.count)
                    }
                }
            }
            bounds.append(frame, to: &stackFrames)
        case .stack where inError && p == .error:
            if currentStackIsMain {
                errStack = finishedStack
                errHasMainStack = true
                currentStackIsMain = false
            } else if auxOpenForStack, !errAux.isEmpty {
                errAux[errAux.count - 1].stack = finishedStack
                auxOpenForStack = false
            } else {
                errAux.append(AuxiliaryStack(what: "", stack: finishedStack))
            }
        case .stack where inFatal && p == .fatalSignal:
            fatalStack = finishedStack
        case .suppression where inErrorSuppression:
            inErrorSuppression = false
        case .sframe where inErrorSuppression:
            sframes.append(sframeFun)
        case .pair where p == .suppcounts:
            if let n = pairName, let c = pairCount {
                output.checkerSuppressionCounts[n, default: 0] += c
            }
        case .leakSummary:
            closeSummaryCategory()
            summaryCategory = .other
        case .definitelyLost, .indirectlyLost, .possiblyLost, .stillReachable, .suppressed:
            if summaryCategory == tag {
                closeSummaryCategory()
                summaryCategory = .other
            }
        case .argv:
            if !command.isEmpty { output.command = command }
        case .valgrindoutput:
            sawRootEnd = true
        default:
            break
        }
    }

    private mutating func closeSummaryCategory() {
        guard summaryCategory != .other, leakSummary != nil else { return }
        defer {
            summaryBytesRead = false
            summaryBlocksRead = false
        }
        let kind: FindingKind? = {
            switch summaryCategory {
            case .definitelyLost: return .definitelyLost
            case .indirectlyLost: return .indirectlyLost
            case .possiblyLost: return .possiblyLost
            case .stillReachable: return .stillReachable
            default: return nil
            }
        }()
        // A figure present but not a number (`...`) is not compared with the records.
        if let kind, summaryBytesRead && summaryBytes == nil { leakSummaryKnown.bytes.remove(kind) }
        if let kind, summaryBlocksRead && summaryBlocks == nil { leakSummaryKnown.blocks.remove(kind) }
        if summaryBytes != nil || summaryBlocks != nil {
            let t = Tally(bytes: summaryBytes ?? 0, blocks: summaryBlocks ?? 0)
            leakSummaryHasFigures = true
            switch summaryCategory {
            case .definitelyLost: leakSummary!.definitelyLost = t
            case .indirectlyLost: leakSummary!.indirectlyLost = t
            case .possiblyLost: leakSummary!.possiblyLost = t
            case .stillReachable: leakSummary!.stillReachable = t
            case .suppressed: leakSummary!.suppressed = t
            default: break
            }
        }
        summaryBytes = nil
        summaryBlocks = nil
    }

    /// Turns the captured text of a leaf element into the field it feeds.
    private mutating func finishCapture(_ tag: VGTag) {
        if memchr(capture, Int32(UInt8(ascii: "&")), captureCount) != nil {
            captureCount = decodeEntities(capture, captureCount)
        }
        let capture = captured
        // Numeric fields first: no String needed.
        switch tag {
        case .line:
            frame.line = ValgrindKinds.number(capture)
            return
        case .leakedbytes:
            errLeakedBytes = count(capture)
            errLeakedBytesSeen = true
            return
        case .leakedblocks:
            errLeakedBlocks = count(capture)
            return
        case .signo:
            fatalSigno = ValgrindKinds.number(capture)
            return
        case .count:
            pairCount = ValgrindKinds.number(capture)
            return
        case .bytes:
            summaryBytes = Counts.parse(capture).map { c in
                if c.clamped { output.warnings.append(Counts.clampNote("a <leak_summary> byte count")) }
                return c.value
            }
            return
        case .blocks:
            summaryBlocks = Counts.parse(capture).map { c in
                if c.clamped { output.warnings.append(Counts.clampNote("a <leak_summary> block count")) }
                return c.value
            }
            return
        case .errorContexts:
            errorSummaryContexts = Counts.parse(capture)?.value
            return
        case .pid:
            if let n = ValgrindKinds.number(capture) { output.pids.append(n) }
            return
        case .protocolversion:
            output.protocolVersion = ValgrindKinds.number(capture)
            return
        case .dir:
            frameDir.removeAll(keepingCapacity: true)
            frameDir.append(contentsOf: trimmed(capture))
            return
        case .file:
            frameFile.removeAll(keepingCapacity: true)
            frameFile.append(contentsOf: trimmed(capture))
            return
        default:
            break
        }
        let s: String = { (b: UnsafeBufferPointer<UInt8>) in
            // Trim surrounding whitespace (client texts end in a newline).
            var lo = 0
            var hi = b.count
            while lo < hi && isSpace(b[lo]) { lo += 1 }
            while hi > lo && isSpace(b[hi - 1]) { hi -= 1 }
            return interner.string(b.baseAddress! + lo, hi - lo)
        }(capture)
        switch tag {
        case .ip: frame.address = s
        case .obj: frame.object = s
        case .fn: frame.function = s
        case .fun: sframeFun = s
        case .kind: errKind = s
        case .what: errWhat = s
        case .text:
            // The leaf is still on the stack: its owner is one further out.
            if grandparent == .xwhat { errWhat = s } else if grandparent == .xauxwhat { addAux(s) }
        case .auxwhat: addAux(s)
        case .tid:
            if inFatal && grandparent == .fatalSignal { fatalTid = s } else { errTid = s }
        case .threadname: errThreadName = s
        case .signame: fatalName = s
        case .event: fatalEvent = s
        case .state:
            if s == "FINISHED" { sawFinished = true }
        case .name: pairName = s
        case .exe, .arg: command.append(s)
        default: break
        }
    }

    /// A leak figure of the current error, clamped (and remembered) when too large.
    private mutating func count(_ capture: UnsafeBufferPointer<UInt8>) -> Int? {
        guard let c = Counts.parse(capture) else { return nil }
        if c.clamped { errClamped = true }
        return c.value
    }

    private func trimmed(_ a: UnsafeBufferPointer<UInt8>) -> Slice<UnsafeBufferPointer<UInt8>> {
        var lo = 0
        var hi = a.count
        while lo < hi && isSpace(a[lo]) { lo += 1 }
        while hi > lo && isSpace(a[hi - 1]) { hi -= 1 }
        return a[lo..<hi]
    }

    private mutating func addAux(_ what: String) {
        errAux.append(AuxiliaryStack(what: what, stack: []))
        auxOpenForStack = true
    }

    // MARK: errors

    private mutating func startError() {
        inError = true
        errKind = nil
        errWhat = nil
        errTid = nil
        errThreadName = nil
        errLeakedBytes = nil
        errLeakedBlocks = nil
        errLeakedBytesSeen = false
        errClamped = false
        errStack = []
        errHasMainStack = false
        errAux = []
        auxOpenForStack = false
        currentStackIsMain = false
        inErrorSuppression = false
        sframes.removeAll(keepingCapacity: true)
    }

    private mutating func finishError() {
        inError = false
        let raw = errKind ?? "unknown"
        var kind = ValgrindKinds.kind(raw: raw, auxiliary: errAux)
        if errKind == nil { output.warnings.append("a valgrind <error> without <kind>") }
        var stack = errStack
        errStack = []  // keep `stack` uniquely referenced: the mangled names are set in place
        for k in 0..<min(stack.count, sframes.count) {
            if let m = sframes[k] { stack[k].mangled = m }
        }
        var bytes: Int?
        var blocks: Int?
        var indirect: Int?
        var message = errWhat ?? raw
        if kind.isLeak || raw.hasPrefix("Leak_") {
            let head = ValgrindKinds.lossRecord(Substring(message))
            if errClamped || head?.clamped == true {
                let note = Counts.clampNote("a figure of this loss record")
                message += " [\(note)]"
                output.warnings.append("\(raw): \(note)")
            }
            (bytes, indirect) = ValgrindKinds.leakFigures(total: errLeakedBytes, head: head)
            // If the text split is stale (placeholder), fall back to <leakedbytes>.
            if head?.direct == nil { bytes = errLeakedBytes ?? head?.total }
            blocks = errLeakedBlocks ?? head?.blocks
            if !kind.isLeak { kind = .other }
        }
        var thread = errTid
        if let name = errThreadName { thread = (thread.map { "\($0) " } ?? "") + "(\(name))" }
        let f = ValgrindFinding.make(
            kind: kind, rawKind: raw, bytes: bytes, blocks: blocks, indirectBytes: indirect,
            message: message, stack: stack, auxiliary: errAux, thread: thread)
        if f.kind.isLeak {
            if sawFinished {
                lateLeaks = true
            } else {
                // Held back even when streaming: the exit leak check may supersede it.
                earlyLeakIndices.append(output.findings.count)
                output.findings.append(f)
                return
            }
        }
        deliver(f)
    }

    private mutating func deliver(_ f: Finding) {
        if let sink {
            streamedTally.add(f)
            sink(f)
        } else {
            output.findings.append(f)
        }
    }

    private mutating func finishFatal() {
        inFatal = false
        var name = fatalName
        if name == nil, let n = fatalSigno { name = ValgrindKinds.signalNames[n] ?? "signal \(n)" }
        let sig = name ?? "unknown signal"
        output.fatalSignal = sig
        var message = "Process terminating with default action of signal"
        if let n = fatalSigno { message += " \(n)" }
        message += " (\(sig))"
        if let e = fatalEvent { message += ": \(e)" }
        deliver(
            ValgrindFinding.make(
                kind: .fatalSignal, rawKind: sig, message: message, stack: fatalStack,
                thread: fatalTid))
    }

    // MARK: end of input

    mutating func finish() -> CheckerOutput {
        var out = output
        var supersededRecords = 0
        if lateLeaks && !earlyLeakIndices.isEmpty {
            // The exit leak check reports every leaked block again: only it counts.
            let drop = Set(earlyLeakIndices)
            // Still-reachable records are never errors (see `RecordTally.leakRecords`).
            supersededRecords = drop.filter { output.findings[$0].kind != .stillReachable }.count
            out.findings = out.findings.enumerated().filter { !drop.contains($0.offset) }.map(\.element)
            out.warnings.append(
                "\(drop.count) loss record(s) from client-requested leak checks superseded by the exit leak check")
        }
        if let s = leakSummary, leakSummaryHasFigures { out.checkerSummary = s }
        var tally = streamedTally
        for f in out.findings { tally.add(f) }
        let reconciled = reconcile(tally, summary: out.checkerSummary, supersededRecords: supersededRecords)
        out.findings += reconciled.findings
        out.warnings += reconciled.warnings
        out.warnings += bounds.notes
        if let sink {
            // Streaming: what was held back (client-check leak records not superseded) goes out now.
            for f in out.findings { sink(f) }
            out.findings = []
        }
        if interrupted {
            out.complete = false
            out.incompleteReason = Cancellation.reason
            return out
        }
        if !sawAnyTag && malformed == nil {
            out.complete = false
            out.incompleteReason = "empty valgrind output"
            return out
        }
        if let m = malformed {
            // expat would have stopped here: what was read is kept, but nothing in the file is trusted.
            out.complete = false
            out.incompleteReason = m
            return out
        }
        if !sawRoot {
            out.complete = false
            out.incompleteReason = "not valgrind XML: no <valgrindoutput> element"
            return out
        }
        if inError {
            out.warnings.append("the last <error> was cut off and is not reported")
        }
        if let r = reconciled.contradiction {
            out.complete = false
            out.incompleteReason = r
        } else if !sawFinished {
            out.complete = false
            out.incompleteReason =
                sawRootEnd
                ? "valgrind XML has no FINISHED status (the run stopped early, e.g. --exit-on-first-error)"
                : "valgrind XML ends before FINISHED status (run killed or output truncated)"
        } else if !sawRootEnd {
            out.complete = false
            out.incompleteReason =
                "valgrind XML ends before </valgrindoutput> (run killed or output truncated)"
        }
        return out
    }
}

extension ValgrindXMLScanner {
    /// Protocol 6 summaries against the records: summary-only findings for what
    /// only the summary counts, and the reason the output cannot be trusted
    /// when the records count more than the summary.
    fileprivate func reconcile(_ tally: SummaryReconciliation.RecordTally, summary: Totals?, supersededRecords: Int)
        -> (findings: [Finding], contradiction: String?, warnings: [String])
    {
        var added: [Finding] = []
        var probe = CheckerOutput(format: .valgrindXML)
        if let s = summary {
            added = SummaryReconciliation.valgrindLeaks(summary: s, known: leakSummaryKnown, tally: tally, out: &probe)
        } else if let f = SummaryReconciliation.valgrindSplitIndirect(
            tally: tally, suppressionsUsed: output.checkerSuppressionCounts.values.contains { $0 > 0 })
        {
            added = [f]
        }
        if let contexts = errorSummaryContexts,
            let f = SummaryReconciliation.valgrindErrors(
                contexts: contexts, tally: tally, leakRecords: tally.leakRecords + supersededRecords,
                leakGapAdded: !added.isEmpty,
                out: &probe)
        {
            added.append(f)
        }
        if let s = summary, let r = SummaryReconciliation.beyondReach(s, checker: "valgrind's <leak_summary>") {
            return (added, r, probe.warnings)
        }
        if let c = errorSummaryContexts,
            let r = SummaryReconciliation.beyondReach([c], checker: "valgrind's <error_summary>")
        {
            return (added, r, probe.warnings)
        }
        return (added, probe.complete ? nil : probe.incompleteReason, probe.warnings)
    }
}

/// Replaces XML entity and character references in place (the decoded form
/// is never longer than the reference, so it is written over the input).
func decodeEntities(_ a: inout [UInt8]) {
    let n = a.count
    let newCount = a.withUnsafeMutableBufferPointer { decodeEntities($0.baseAddress!, n) }
    a.removeLast(n - newCount)
}

/// Pointer form: decodes `p[0..<n]` in place and returns the new length.
func decodeEntities(_ p: UnsafeMutablePointer<UInt8>, _ n: Int) -> Int {
    do {
        var r = 0
        var w = 0
        while r < n {
            let b = p[r]
            if b != UInt8(ascii: "&") {
                p[w] = b
                w += 1
                r += 1
                continue
            }
            var j = r + 1
            while j < n && j - r <= 12 && p[j] != UInt8(ascii: ";") { j += 1 }
            guard j < n && p[j] == UInt8(ascii: ";") else {
                p[w] = b
                w += 1
                r += 1
                continue
            }
            let len = j - r - 1
            var scalar: UInt32?
            let c0 = p[r + 1]
            if len == 2 && c0 == UInt8(ascii: "l") && p[r + 2] == UInt8(ascii: "t") {
                scalar = 0x3C
            } else if len == 2 && c0 == UInt8(ascii: "g") && p[r + 2] == UInt8(ascii: "t") {
                scalar = 0x3E
            } else if len == 3 && c0 == UInt8(ascii: "a") && p[r + 2] == UInt8(ascii: "m")
                && p[r + 3] == UInt8(ascii: "p")
            {
                scalar = 0x26
            } else if len == 4 && c0 == UInt8(ascii: "q") && p[r + 2] == UInt8(ascii: "u")
                && p[r + 3] == UInt8(ascii: "o") && p[r + 4] == UInt8(ascii: "t")
            {
                scalar = 0x22
            } else if len == 4 && c0 == UInt8(ascii: "a") && p[r + 2] == UInt8(ascii: "p")
                && p[r + 3] == UInt8(ascii: "o") && p[r + 4] == UInt8(ascii: "s")
            {
                scalar = 0x27
            } else if c0 == UInt8(ascii: "#") && len >= 2 {
                var k = r + 2
                var radix: UInt32 = 10
                if p[k] == UInt8(ascii: "x") || p[k] == UInt8(ascii: "X") {
                    radix = 16
                    k += 1
                }
                var v: UInt32 = 0
                var ok = k < j
                while k < j && ok {
                    let d = p[k]
                    var dv: UInt32 = 99
                    if d >= 0x30 && d <= 0x39 {
                        dv = UInt32(d - 0x30)
                    } else if radix == 16 && d >= 0x61 && d <= 0x66 {
                        dv = UInt32(d - 0x61 + 10)
                    } else if radix == 16 && d >= 0x41 && d <= 0x46 {
                        dv = UInt32(d - 0x41 + 10)
                    }
                    if dv >= radix || v > 0x10FFFF { ok = false } else { v = v * radix + dv }
                    k += 1
                }
                if ok && v <= 0x10FFFF { scalar = v }
            }
            guard let s = scalar, let u = Unicode.Scalar(s) else {
                p[w] = b
                w += 1
                r += 1
                continue
            }
            for byte in UTF8.encode(u)! {
                p[w] = byte
                w += 1
            }
            r = j + 1
        }
        return w
    }
}
