import Foundation

/// Thrown by a renderer that stopped because a signal asked the tool to stop
/// (`Cancellation`): the output is not written, and `OutputPipeline` renders
/// every output again in the bounded form of an interrupted report. Not a
/// write failure: nothing is added to the verdict's incomplete reasons.
public struct RenderInterrupted: Error, CustomStringConvertible {
    public init() {}
    public var description: String { "interrupted while the reports were rendered" }
}

/// How a renderer polls `Cancellation` while it lists a report that is not
/// (yet) interrupted (issue 21: every loop that can run for more than 100 ms).
/// A loop calls `shouldStop(units)` per finding, site or frame it handles and
/// ends when it says so; one relaxed load every `interval` units. Once it has
/// said so it says so for good, and `check()` throws `RenderInterrupted`, so
/// helpers that cannot throw (cause grouping, distinct findings) return early
/// and the renderer throws at its next check. The report of an interrupted
/// verdict is rendered in its bounded form and never polled: it is small, and
/// the flag stays set. One renderer uses it, on one thread (`@unchecked Sendable`
/// only so that `JSONEncoder.userInfo` can carry it).
public final class RenderPoll: @unchecked Sendable {
    let active: Bool
    private var work = 0
    /// True once a stop was seen.
    public private(set) var stopped = false
    /// Units of work between two looks at the flag.
    static let interval = 2048

    public init(active: Bool) { self.active = active }

    /// Polls for `report`: only when it is not already interrupted.
    public convenience init(rendering report: Report) { self.init(active: !report.interrupted) }

    /// One that never stops (tests, and the bounded form).
    public static var never: RenderPoll { RenderPoll(active: false) }

    /// Counts `units` of work; true when the caller's loop should end.
    public func shouldStop(_ units: Int = 1) -> Bool {
        guard active else { return false }
        if stopped { return true }
        work += units
        if work >= Self.interval {
            work = 0
            if Cancellation.isRequested { stopped = true }
        }
        return stopped
    }

    /// Throws `RenderInterrupted` once a stop was seen.
    public func check() throws {
        if active && !stopped && Cancellation.isRequested { stopped = true }
        if stopped { throw RenderInterrupted() }
    }

    /// `shouldStop` that throws.
    public func tick(_ units: Int = 1) throws {
        if shouldStop(units) { throw RenderInterrupted() }
    }
}

/// How much of an interrupted report is listed (`RenderContext.interruptedListing`):
/// the verdict, totals and exit code stay whole, only the listing is cut, so a
/// signal that came while a huge report was rendered is honoured within a second.
public struct ListingLimit: Sendable, Hashable {
    /// Findings listed, in report order, across all runs.
    public var findings: Int
    /// Frames listed per stack (the innermost ones).
    public var frames: Int

    public init(findings: Int = 200, frames: Int = 16) {
        self.findings = max(0, findings)
        self.frames = max(0, frames)
    }
}

/// The listed part of an interrupted report: its first findings (stacks cut),
/// beside the whole report whose totals every output still states.
public struct InterruptedListing: Sendable {
    /// The report with only the listed findings (and `fixedSinceBaseline` cut
    /// alike). Its derived totals are the listed ones: take totals from the whole report.
    public let listed: Report
    /// Findings in the whole report.
    public let findings: Int
    /// Findings in `listed`.
    public let listedFindings: Int
    /// Stacks that lost frames.
    public let cutStacks: Int
    public let limit: ListingLimit

    public init(_ report: Report, limit: ListingLimit) {
        var listed = report
        var left = limit.findings
        var total = 0
        var cut = 0
        func trimmed(_ f: Finding) -> Finding {
            var g = f
            if g.stack.count > limit.frames {
                g.stack = Array(g.stack.prefix(limit.frames))
                cut += 1
            }
            for i in g.auxiliary.indices where g.auxiliary[i].stack.count > limit.frames {
                g.auxiliary[i].stack = Array(g.auxiliary[i].stack.prefix(limit.frames))
            }
            return g
        }
        for i in listed.runs.indices {
            let all = listed.runs[i].findings
            total += all.count
            let keep = min(left, all.count)
            left -= keep
            listed.runs[i].findings = all.prefix(keep).map(trimmed)
        }
        if let fixed = listed.fixedSinceBaseline {
            listed.fixedSinceBaseline = fixed.prefix(limit.findings).map(trimmed)
        }
        self.listed = listed
        self.findings = total
        self.listedFindings = limit.findings - left
        self.cutStacks = cut
        self.limit = limit
    }

    /// True when something was left out.
    public var isCut: Bool { listedFindings < findings || cutStacks > 0 }

    /// `interrupted: 200 of 95,000 findings listed, stacks cut at 16 frames; the totals count them all`:
    /// what each output states, in its own format.
    public var sentence: String {
        var s = "interrupted: \(Figures.grouped(listedFindings)) of \(Figures.grouped(findings)) findings listed"
        if cutStacks > 0 { s += ", stacks cut at \(limit.frames) frames" }
        return s + "; the totals count them all"
    }
}

extension RenderContext {
    /// The bounded listing of `report` when it is interrupted, else nil (everything is listed).
    public func listing(for report: Report) -> InterruptedListing? {
        report.interrupted ? InterruptedListing(report, limit: interruptedListing) : nil
    }
}
