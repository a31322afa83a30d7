import Foundation
import Synchronization

/// cargo's and cmake's build progress while their output goes to files: on a
/// terminal, a live status line with the last line the build wrote to its log
/// (`cargo build:    Compiling moq_ffi v0.1.0`); in CI (not a terminal), one
/// summary line when it finishes (`cargo build: 12.3 s, 4 test executables`).
///
/// A background thread tails the log while the build runs. Use:
///
///     let progress = BuildProgress.start("cargo build", tailing: stderrPath, console: context.console)
///     … run the build …
///     progress.finish("\(exes.count) test executables")
///
/// Dropping the value without `finish` (an early return) stops the tail and
/// clears the line, and prints nothing.
public final class BuildProgress: Sendable {
    /// Where the lines go: the console's live line, or a test's recorder.
    struct Sink: Sendable {
        /// Show `text` as the live line (replacing the previous one).
        var status: @Sendable (String) -> Void
        /// Remove the live line.
        var clear: @Sendable () -> Void
        /// Print one ordinary line (the summary).
        var line: @Sendable (String) -> Void
        /// A live line can be shown (a terminal, not --quiet): tail the log.
        var live: Bool
    }

    private struct State {
        var stopped = false
        var finished = false
    }

    /// What the tail thread and the caller share (a `Mutex` is not copyable, so it lives in a box).
    private final class Shared: Sendable {
        let state = Mutex(State())
        /// Signalled by the tail thread when it has stopped.
        let done = DispatchSemaphore(value: 0)
    }

    let label: String
    let path: String
    let sink: Sink
    let interval: Double
    private let started: ContinuousClock.Instant
    private let shared = Shared()

    /// Starts tailing `path` (it may not exist yet) for the live line of `console`.
    public static func start(_ label: String, tailing path: String, console: Console) -> BuildProgress {
        let live = console.isTerminal && console.verbosity >= .normal
        return BuildProgress(
            label, tailing: path,
            sink: Sink(
                status: { console.status($0) }, clear: { console.clearStatus() }, line: { console.progress($0) },
                live: live))
    }

    init(_ label: String, tailing path: String, sink: Sink, interval: Double = 0.1) {
        self.label = label
        self.path = path
        self.sink = sink
        self.interval = interval
        self.started = .now
        if sink.live {
            let thread = Thread { [shared, path, label, sink, interval] in
                Self.tail(path: path, label: label, sink: sink, interval: interval, shared: shared)
                shared.done.signal()
            }
            thread.stackSize = 1 << 18
            thread.start()
        } else {
            shared.done.signal()
        }
    }

    deinit { stop() }

    /// Stops the tail and clears the live line; off a terminal prints
    /// `label: 12.3 s` with `, detail` when given. Only the first call prints.
    public func finish(_ detail: String? = nil) {
        let first = shared.state.withLock { s in
            defer { s.finished = true }
            return !s.finished
        }
        stop()
        guard first, !sink.live else { return }
        sink.line(Self.summary(label, seconds: elapsedSeconds, detail: detail))
    }

    /// `cargo build: 12.3 s, 4 test executables`.
    public static func summary(_ label: String, seconds: Double, detail: String?) -> String {
        "\(label): \(String(format: "%.1f", seconds)) s" + (detail.map { ", \($0)" } ?? "")
    }

    var elapsedSeconds: Double {
        let d = ContinuousClock.now - started
        return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    /// Ends the tail thread (waits for it, so no status line comes after) and clears the line.
    private func stop() {
        let wasRunning = shared.state.withLock { s in
            defer { s.stopped = true }
            return !s.stopped
        }
        guard wasRunning else { return }
        shared.done.wait()
        if sink.live { sink.clear() }
    }

    /// The last complete, non-blank line of `text` after `carry` (the previous
    /// read's unfinished line), and what is left unfinished. `\r` ends a line too
    /// (progress bars redraw with it).
    static func lastLine(_ text: String, carry: String) -> (line: String?, carry: String) {
        let all = carry + text
        var parts = all.split(
            omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r" || $0 == "\r\n" })
        let rest = parts.isEmpty ? "" : String(parts.removeLast())
        let line = parts.last { !$0.allSatisfy(\.isWhitespace) }.map {
            String($0).trimmingCharacters(in: .whitespaces)
        }
        return (line, rest)
    }

    private static func tail(path: String, label: String, sink: Sink, interval: Double, shared: Shared) {
        var handle: FileHandle?
        var carry = ""
        var shown: String?
        while true {
            let stopping = shared.state.withLock { $0.stopped }
            if handle == nil { handle = FileHandle(forReadingAtPath: path) }
            if let h = handle {
                let data = h.availableData
                if !data.isEmpty {
                    let r = lastLine(String(decoding: data, as: UTF8.self), carry: carry)
                    carry = r.carry
                    if let line = r.line, line != shown, !stopping {
                        shown = line
                        sink.status("\(label): \(line)")
                    }
                }
            }
            if stopping { break }
            Thread.sleep(forTimeInterval: interval)
        }
        try? handle?.close()
    }
}
