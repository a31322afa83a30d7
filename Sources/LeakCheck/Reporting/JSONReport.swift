import Foundation

// Explicit encoders so that the optional fields DESIGN.md shows as `null`
// (`test`, `signal`, `exitCode`, `bytes`, `blocks`, `suppressedBy`) are always
// present: consumers can rely on the keys.

extension RunResult {
    enum CodingKeys: String, CodingKey {
        case checker, source, executable, arguments, test, featureSet, status, exitCode, signal, timedOut, totals,
            findings, incompleteReason, logFiles, durationSeconds, failedTests, tests, ignoredTests, target
    }

    /// `totals` is derived from the findings, so it is not read back.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        checker = try c.decode(Checker.self, forKey: .checker)
        source = try c.decodeIfPresent(RunSource.self, forKey: .source) ?? .cargo
        executable = try c.decode(String.self, forKey: .executable)
        arguments = try c.decodeIfPresent([String].self, forKey: .arguments) ?? []
        test = try c.decodeIfPresent(String.self, forKey: .test)
        featureSet = try c.decodeIfPresent(String.self, forKey: .featureSet)
        status = try c.decode(RunStatus.self, forKey: .status)
        exitCode = try c.decodeIfPresent(Int32.self, forKey: .exitCode)
        signal = try c.decodeIfPresent(String.self, forKey: .signal)
        timedOut = try c.decodeIfPresent(Bool.self, forKey: .timedOut) ?? false
        findings = try c.decodeIfPresent([Finding].self, forKey: .findings) ?? []
        incompleteReason = try c.decodeIfPresent(String.self, forKey: .incompleteReason)
        logFiles = try c.decodeIfPresent([String].self, forKey: .logFiles) ?? []
        durationSeconds = try c.decodeIfPresent(Double.self, forKey: .durationSeconds)
        failedTests = try c.decodeIfPresent([String].self, forKey: .failedTests)
        tests = try c.decodeIfPresent([String].self, forKey: .tests)
        ignoredTests = try c.decodeIfPresent([String].self, forKey: .ignoredTests)
        target = try c.decodeIfPresent(String.self, forKey: .target)
    }

    public func encode(to encoder: Encoder) throws { try encode(to: encoder, totals: totals) }

    /// With the totals given: an interrupted report lists some of a run's
    /// findings but states its whole totals. Polls the encoder's `RenderPoll`
    /// (`CodingUserInfoKey.renderPoll`) per finding.
    func encode(to encoder: Encoder, totals: Totals) throws {
        let poll = encoder.userInfo[.renderPoll] as? RenderPoll
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(checker, forKey: .checker)
        try c.encode(source, forKey: .source)
        try c.encode(executable, forKey: .executable)
        try c.encode(arguments, forKey: .arguments)
        try c.encode(test, forKey: .test)
        try c.encode(featureSet, forKey: .featureSet)
        try c.encode(status, forKey: .status)
        try c.encode(exitCode, forKey: .exitCode)
        try c.encode(signal, forKey: .signal)
        try c.encode(timedOut, forKey: .timedOut)
        try c.encode(totals, forKey: .totals)
        if let splice = encoder.userInfo[.splice] as? JSONSplice, let index = splice.runIndex, !findings.isEmpty {
            // Serialised later, in polled chunks (`JSONSplice`).
            try c.encode(splice.marker("findings-\(index)"), forKey: .findings)
        } else {
            var list = c.nestedUnkeyedContainer(forKey: .findings)
            for f in findings {
                try poll?.tick(f.stack.count)
                try list.encode(f)
            }
        }
        try c.encode(incompleteReason, forKey: .incompleteReason)
        try c.encode(logFiles, forKey: .logFiles)
        try c.encodeIfPresent(durationSeconds, forKey: .durationSeconds)
        try c.encodeIfPresent(failedTests, forKey: .failedTests)
        try c.encodeIfPresent(tests, forKey: .tests)
        try c.encodeIfPresent(ignoredTests, forKey: .ignoredTests)
        try c.encodeIfPresent(target, forKey: .target)
    }
}

extension Finding {
    enum CodingKeys: String, CodingKey {
        case kind, rawKind, bytes, blocks, indirectBytes, message, fingerprint, stack, auxiliary, suppressedBy,
            suppressionSource, suppressionOverBroad, overBroadSuppression, test, thread, boundary, attributedBy, count, seenBy, baseline,
            seenByReason, notGatingReason
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(kind, forKey: .kind)
        try c.encode(rawKind, forKey: .rawKind)
        try c.encode(bytes, forKey: .bytes)
        try c.encode(blocks, forKey: .blocks)
        try c.encodeIfPresent(indirectBytes, forKey: .indirectBytes)
        try c.encode(message, forKey: .message)
        try c.encode(fingerprint, forKey: .fingerprint)
        try c.encode(stack, forKey: .stack)
        if !auxiliary.isEmpty { try c.encode(auxiliary, forKey: .auxiliary) }
        try c.encode(suppressedBy, forKey: .suppressedBy)
        try c.encodeIfPresent(suppressionSource, forKey: .suppressionSource)
        try c.encodeIfPresent(suppressionOverBroad, forKey: .suppressionOverBroad)
        try c.encodeIfPresent(overBroadSuppression, forKey: .overBroadSuppression)
        try c.encode(test, forKey: .test)
        try c.encodeIfPresent(thread, forKey: .thread)
        try c.encode(boundary, forKey: .boundary)
        try c.encode(attributedBy, forKey: .attributedBy)
        try c.encodeIfPresent(count, forKey: .count)
        try c.encodeIfPresent(seenBy, forKey: .seenBy)
        try c.encodeIfPresent(baseline, forKey: .baseline)
        try c.encodeIfPresent(seenByReason, forKey: .seenByReason)
        try c.encodeIfPresent(notGatingReason, forKey: .notGatingReason)
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        kind = try c.decode(FindingKind.self, forKey: .kind)
        rawKind = try c.decode(String.self, forKey: .rawKind)
        bytes = try c.decodeIfPresent(Int.self, forKey: .bytes)
        blocks = try c.decodeIfPresent(Int.self, forKey: .blocks)
        indirectBytes = try c.decodeIfPresent(Int.self, forKey: .indirectBytes)
        message = try c.decode(String.self, forKey: .message)
        fingerprint = try c.decode(String.self, forKey: .fingerprint)
        stack = try c.decode([Frame].self, forKey: .stack)
        auxiliary = try c.decodeIfPresent([AuxiliaryStack].self, forKey: .auxiliary) ?? []
        suppressedBy = try c.decodeIfPresent(String.self, forKey: .suppressedBy)
        suppressionSource = try c.decodeIfPresent(String.self, forKey: .suppressionSource)
        suppressionOverBroad = try c.decodeIfPresent(Bool.self, forKey: .suppressionOverBroad)
        overBroadSuppression = try c.decodeIfPresent(OverBroadSuppression.self, forKey: .overBroadSuppression)
        test = try c.decodeIfPresent(String.self, forKey: .test)
        thread = try c.decodeIfPresent(String.self, forKey: .thread)
        boundary = try c.decodeIfPresent(Boundary.self, forKey: .boundary)
        attributedBy = try c.decodeIfPresent(Attribution.self, forKey: .attributedBy)
        count = try c.decodeIfPresent(Int.self, forKey: .count)
        seenBy = try c.decodeIfPresent([Checker].self, forKey: .seenBy)
        baseline = try c.decodeIfPresent(BaselineState.self, forKey: .baseline)
        seenByReason = try c.decodeIfPresent(String.self, forKey: .seenByReason)
        notGatingReason = try c.decodeIfPresent(String.self, forKey: .notGatingReason)
    }
}

extension Report: Codable {
    enum CodingKeys: String, CodingKey {
        case schemaVersion, tool, toolVersion, status, exitCode, totals, runs, skipped, suppressions, failOn, notes,
            incompleteReasons, interrupted, partition, fixedSinceBaseline, causes, codeUnderTest, listing
    }

    /// An interrupted report (`CodingUserInfoKey.interruptedListing`) lists the
    /// listing's findings and causes, says so in `notes` and `listing`, and keeps
    /// every total whole.
    public func encode(to encoder: Encoder) throws {
        let listing = encoder.userInfo[.interruptedListing] as? InterruptedListing
        let poll = encoder.userInfo[.renderPoll] as? RenderPoll
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(schemaVersion, forKey: .schemaVersion)
        try c.encode(tool, forKey: .tool)
        try c.encode(toolVersion, forKey: .toolVersion)
        try c.encode(status, forKey: .status)
        try c.encode(exitCode, forKey: .exitCode)
        try c.encode(totals, forKey: .totals)
        let splice = encoder.userInfo[.splice] as? JSONSplice
        var list = c.nestedUnkeyedContainer(forKey: .runs)
        for (i, run) in (listing?.listed.runs ?? runs).enumerated() {
            splice?.runIndex = i
            try list.encode(ListedRun(run: run, totals: runs[i].totals))
        }
        splice?.runIndex = nil
        try c.encode(skipped, forKey: .skipped)
        try c.encode(suppressions, forKey: .suppressions)
        try c.encode(failOn, forKey: .failOn)
        try c.encode(notes + (listing.map { [$0.sentence] } ?? []), forKey: .notes)
        try c.encode(incompleteReasons, forKey: .incompleteReasons)
        try c.encode(interrupted, forKey: .interrupted)
        try c.encode(partition, forKey: .partition)
        try c.encodeIfPresent(listing?.listed.fixedSinceBaseline ?? fixedSinceBaseline, forKey: .fixedSinceBaseline)
        let causes = (listing?.listed ?? self).causes(poll: poll)
        try poll?.check()
        if let splice, !causes.isEmpty {
            splice.causes = causes
            try c.encode(splice.marker("causes"), forKey: .causes)
        } else {
            try c.encode(causes, forKey: .causes)
        }
        try c.encodeIfPresent(codeUnderTest, forKey: .codeUnderTest)
        if let listing {
            try c.encode(
                ListingFigures(
                    findings: listing.findings, listedFindings: listing.listedFindings,
                    framesPerStack: listing.limit.frames, cutStacks: listing.cutStacks),
                forKey: .listing)
        }
    }

    /// `status`, `exitCode` and `totals` are derived, so a report read back
    /// (for `merge` or `--baseline`) states what its runs say. A report whose
    /// stored status disagrees with its runs was edited or cut: it is read as
    /// incomplete.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let version = try c.decode(Int.self, forKey: .schemaVersion)
        guard version == 1 else {
            throw DecodingError.dataCorruptedError(
                forKey: .schemaVersion, in: c, debugDescription: "schemaVersion \(version) is not supported (1 is)")
        }
        self.init(
            runs: try c.decode([RunResult].self, forKey: .runs),
            skipped: try c.decodeIfPresent([SkippedChecker].self, forKey: .skipped) ?? [],
            suppressions: try c.decodeIfPresent([SuppressionUsage].self, forKey: .suppressions) ?? [],
            failOn: try c.decodeIfPresent([FindingKind].self, forKey: .failOn) ?? Policy.defaultLeakKinds.sorted(),
            notes: try c.decodeIfPresent([String].self, forKey: .notes) ?? [],
            incompleteReasons: try c.decodeIfPresent([String].self, forKey: .incompleteReasons) ?? [],
            interrupted: try c.decodeIfPresent(Bool.self, forKey: .interrupted) ?? false)
        toolVersion = try c.decodeIfPresent(String.self, forKey: .toolVersion) ?? toolVersion
        partition = try c.decodeIfPresent(PartitionSpec.self, forKey: .partition)
        fixedSinceBaseline = try c.decodeIfPresent([Finding].self, forKey: .fixedSinceBaseline)
        codeUnderTest = try c.decodeIfPresent(CodeUnderTest.self, forKey: .codeUnderTest)
        if let stored = try c.decodeIfPresent(RunStatus.self, forKey: .status), stored != status, !interrupted {
            incompleteReasons.append("the report says \(stored.rawValue) but its runs say \(status.rawValue)")
        }
    }
}

/// A run as listed, with its whole totals.
private struct ListedRun: Encodable {
    let run: RunResult
    let totals: Totals
    func encode(to encoder: Encoder) throws { try run.encode(to: encoder, totals: totals) }
}

/// `listing` of an interrupted report: how much of it the JSON lists.
private struct ListingFigures: Encodable {
    /// Findings in the whole report (the totals count them all).
    let findings: Int
    /// Findings listed in `runs`.
    let listedFindings: Int
    /// Frames kept per stack.
    let framesPerStack: Int
    /// Stacks that lost frames.
    let cutStacks: Int
}

extension CodingUserInfoKey {
    /// The `InterruptedListing` an interrupted report is encoded with.
    static let interruptedListing = CodingUserInfoKey(rawValue: "moq-leakcheck.interruptedListing")!
    /// The `RenderPoll` the encoding polls.
    static let renderPoll = CodingUserInfoKey(rawValue: "moq-leakcheck.renderPoll")!
    /// The `JSONSplice` that takes the long arrays out of the one-piece encoding.
    static let splice = CodingUserInfoKey(rawValue: "moq-leakcheck.splice")!
}

/// The report's long arrays (each run's findings, the causes) are written as marker
/// strings by the one-piece `JSONEncoder` pass, then serialised in chunks, polling
/// between two, and put in the markers' places with the markers' indentation: the
/// same bytes as one `encode`, but a signal no longer waits for the whole document's
/// serialisation (seconds at 100,000 findings; issue 21).
final class JSONSplice: @unchecked Sendable {
    let prefix = "moq-leakcheck-splice-\(UUID().uuidString)-"
    /// The run being encoded (its findings' marker), nil outside the runs.
    var runIndex: Int?
    /// The causes the report encoded (behind the `causes` marker).
    var causes: [Cause] = []
    /// Elements per chunk.
    static let chunk = 256

    func marker(_ name: String) -> String { prefix + name }

    /// `skeleton` (the encoder's output with markers) with each marker replaced.
    func fill(_ skeleton: Data, runs: [RunResult], format: JSONEncoder.OutputFormatting, poll: RenderPoll?) throws
        -> Data
    {
        let text = String(decoding: skeleton, as: UTF8.self)
        var out = Data()
        var cursor = text.startIndex
        var arrays: [(name: String, encode: (Int, JSONEncoder) throws -> Data?)] = []
        for (i, run) in runs.enumerated() where !run.findings.isEmpty {
            arrays.append(("findings-\(i)", { start, encoder in
                guard start < run.findings.count else { return nil }
                return try encoder.encode(Array(run.findings[start..<min(start + Self.chunk, run.findings.count)]))
            }))
        }
        if !causes.isEmpty {
            let causes = self.causes
            arrays.append(("causes", { start, encoder in
                guard start < causes.count else { return nil }
                return try encoder.encode(Array(causes[start..<min(start + Self.chunk, causes.count)]))
            }))
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = format
        // In the document's order (its keys are sorted: `causes` comes before `runs`).
        var placed: [(at: Range<String.Index>, encode: (Int, JSONEncoder) throws -> Data?)] = []
        for (name, encode) in arrays {
            guard let at = text.range(of: "\"\(marker(name))\"") else {
                throw EncodingError.invalidValue(
                    name, .init(codingPath: [], debugDescription: "the JSON report lost its \(name) marker"))
            }
            placed.append((at, encode))
        }
        for (at, encode) in placed.sorted(by: { $0.at.lowerBound < $1.at.lowerBound }) {
            let lineStart = text[..<at.lowerBound].lastIndex(of: "\n").map { text.index(after: $0) } ?? text.startIndex
            let indent = String(text[lineStart...].prefix { $0 == " " })
            out.append(contentsOf: text[cursor..<at.lowerBound].utf8)
            out.append(contentsOf: "[\n".utf8)
            var start = 0
            var first = true
            while let chunk = try encode(start, encoder) {
                try poll?.tick(RenderPoll.interval)
                // `[\n  {…},\n  {…}\n]`: the lines between the brackets, indented to the marker's depth.
                let lines = String(decoding: chunk, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
                if !first { out.append(contentsOf: ",\n".utf8) }
                first = false
                // (An empty array's blank middle line stays blank, as the encoder writes it.)
                out.append(
                    contentsOf: lines.dropFirst().dropLast().map { $0.isEmpty ? "" : indent + $0 }.joined(
                        separator: "\n"
                    ).utf8)
                start += Self.chunk
            }
            out.append(contentsOf: ("\n" + indent + "]").utf8)
            cursor = at.upperBound
        }
        out.append(contentsOf: text[cursor...].utf8)
        return out
    }
}

public enum JSONReport {
    /// The schemaVersion 1 document. `listing` (an interrupted report's) bounds
    /// what it lists; `poll` stops the encoding (`RenderInterrupted`) when a signal comes.
    /// `splice`: the long arrays are serialised in polled chunks (`JSONSplice`), the same
    /// bytes as one piece (off only to test that).
    public static func encode(
        _ report: Report, listing: InterruptedListing? = nil, poll: RenderPoll? = nil, splice: Bool = true
    ) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        if let listing { encoder.userInfo[.interruptedListing] = listing }
        if let poll { encoder.userInfo[.renderPoll] = poll }
        let splicer = splice ? JSONSplice() : nil
        if let splicer { encoder.userInfo[.splice] = splicer }
        var data = try encoder.encode(report)
        if let splicer {
            data = try splicer.fill(
                data, runs: listing?.listed.runs ?? report.runs, format: encoder.outputFormatting, poll: poll)
        }
        data.append(0x0a)
        return data
    }
}
