import Foundation

// Explicit encoders so that the optional fields DESIGN.md shows as `null`
// (`test`, `signal`, `exitCode`, `bytes`, `blocks`, `suppressedBy`) are always
// present: consumers can rely on the keys.

extension RunResult {
    enum CodingKeys: String, CodingKey {
        case checker, source, executable, arguments, test, featureSet, status, exitCode, signal, timedOut, totals,
            findings, incompleteReason, logFiles, durationSeconds, failedTests
    }

    public func encode(to encoder: Encoder) throws {
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
        try c.encode(findings, forKey: .findings)
        try c.encode(incompleteReason, forKey: .incompleteReason)
        try c.encode(logFiles, forKey: .logFiles)
        try c.encodeIfPresent(durationSeconds, forKey: .durationSeconds)
        try c.encodeIfPresent(failedTests, forKey: .failedTests)
    }
}

extension Finding {
    enum CodingKeys: String, CodingKey {
        case kind, rawKind, bytes, blocks, indirectBytes, message, fingerprint, stack, auxiliary, suppressedBy,
            suppressionSource, suppressionOverBroad, test, thread, boundary, attributedBy, count, seenBy, baseline,
            seenByReason
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
        try c.encode(test, forKey: .test)
        try c.encodeIfPresent(thread, forKey: .thread)
        try c.encode(boundary, forKey: .boundary)
        try c.encode(attributedBy, forKey: .attributedBy)
        try c.encodeIfPresent(count, forKey: .count)
        try c.encodeIfPresent(seenBy, forKey: .seenBy)
        try c.encodeIfPresent(baseline, forKey: .baseline)
        try c.encodeIfPresent(seenByReason, forKey: .seenByReason)
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
        test = try c.decodeIfPresent(String.self, forKey: .test)
        thread = try c.decodeIfPresent(String.self, forKey: .thread)
        boundary = try c.decodeIfPresent(Boundary.self, forKey: .boundary)
        attributedBy = try c.decodeIfPresent(Attribution.self, forKey: .attributedBy)
        count = try c.decodeIfPresent(Int.self, forKey: .count)
        seenBy = try c.decodeIfPresent([Checker].self, forKey: .seenBy)
        baseline = try c.decodeIfPresent(BaselineState.self, forKey: .baseline)
        seenByReason = try c.decodeIfPresent(String.self, forKey: .seenByReason)
    }
}

public enum JSONReport {
    public static func encode(_ report: Report) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(report)
        data.append(0x0a)
        return data
    }
}
