import Foundation
import Synchronization
import TestSupport
import Testing

@testable import LeakCheck

/// `BuildProgress`: a writer thread plays the build, appending to its log;
/// the recorder stands in for the console.
@Suite struct TextReportBuildProgressTests {
    final class Recorder: Sendable {
        let events = Mutex<[String]>([])
        func sink(live: Bool) -> BuildProgress.Sink {
            BuildProgress.Sink(
                status: { s in self.events.withLock { $0.append("status " + s) } },
                clear: { self.events.withLock { $0.append("clear") } },
                line: { s in self.events.withLock { $0.append("line " + s) } }, live: live)
        }
        var all: [String] { events.withLock { $0 } }
        /// Waits (up to 10 s) until `event` was recorded.
        func wait(for event: String) -> Bool {
            for _ in 0..<1000 {
                if all.contains(event) { return true }
                Thread.sleep(forTimeInterval: 0.01)
            }
            return false
        }
    }

    static func log() -> String { Scratch.directory + "lc-buildprogress-\(UUID().uuidString).stderr" }

    static func append(_ text: String, to path: String) throws {
        if !FileManager.default.fileExists(atPath: path) {
            _ = FileManager.default.createFile(atPath: path, contents: nil)
        }
        let h = try #require(FileHandle(forWritingAtPath: path))
        try h.seekToEnd()
        h.write(Data(text.utf8))
        try h.close()
    }

    /// On a terminal: each new last line of the log becomes the live line, an
    /// unfinished line waits for its newline, the line is cleared at the end and
    /// no summary is printed (the terminal saw the build).
    @Test func liveLineFollowsTheLogsLastLine() throws {
        let path = Self.log()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let rec = Recorder()
        let progress = BuildProgress("cargo build", tailing: path, sink: rec.sink(live: true), interval: 0.01)
        // The writer: one line at a time, each waiting until the live line shows it.
        let writer = Thread {
            try? Self.append("   Compiling moq_ffi v0.1.0 (/x)\n", to: path)
            _ = rec.wait(for: "status cargo build: Compiling moq_ffi v0.1.0 (/x)")
            try? Self.append("   Compiling errors v0.1.0\n\n   Fini", to: path)
            _ = rec.wait(for: "status cargo build: Compiling errors v0.1.0")
            Thread.sleep(forTimeInterval: 0.1)  // ten polls with "   Fini" unfinished
            try? Self.append("shed `test` profile\r\n", to: path)
        }
        writer.start()
        #expect(rec.wait(for: "status cargo build: Finished `test` profile"))
        progress.finish("4 test executables")
        #expect(
            rec.all == [
                "status cargo build: Compiling moq_ffi v0.1.0 (/x)", "status cargo build: Compiling errors v0.1.0",
                "status cargo build: Finished `test` profile", "clear",
            ])
        progress.finish("again")
        #expect(rec.all.count == 4)
    }

    /// In CI: no tail, no live line; one summary line when it finishes, once.
    @Test func ciGetsOneSummaryLine() throws {
        let path = Self.log()
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Self.append("   Compiling moq_ffi v0.1.0\n", to: path)
        let rec = Recorder()
        let progress = BuildProgress("cargo build", tailing: path, sink: rec.sink(live: false), interval: 0.01)
        Thread.sleep(forTimeInterval: 0.05)
        progress.finish("4 test executables")
        progress.finish("4 test executables")
        let events = rec.all
        #expect(events.count == 1)
        let line = try #require(events.first)
        #expect(line.hasPrefix("line cargo build: 0."))
        #expect(line.hasSuffix(" s, 4 test executables"))
        #expect(
            BuildProgress.summary("cargo build", seconds: 12.34, detail: "4 test executables")
                == "cargo build: 12.3 s, 4 test executables")
        #expect(BuildProgress.summary("cmake build", seconds: 0.96, detail: nil) == "cmake build: 1.0 s")
    }

    /// An early return (the build failed to start) drops the value: the tail
    /// stops, the line is cleared, nothing is printed, and no status comes later.
    @Test func droppingStopsTheTail() throws {
        let path = Self.log()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let rec = Recorder()
        do {
            let progress = BuildProgress("cmake build", tailing: path, sink: rec.sink(live: true), interval: 0.01)
            try Self.append("[ 50%] Building C object t.o\n", to: path)
            #expect(rec.wait(for: "status cmake build: [ 50%] Building C object t.o"))
            _ = progress
        }
        try Self.append("[100%] Linking C executable t\n", to: path)
        Thread.sleep(forTimeInterval: 0.1)
        #expect(rec.all == ["status cmake build: [ 50%] Building C object t.o", "clear"])
    }

    @Test func lastLineSplitsOnNewlinesAndCarriageReturns() {
        #expect(BuildProgress.lastLine("a\nb\n", carry: "") == ("b", ""))
        #expect(BuildProgress.lastLine("a\nb", carry: "") == ("a", "b"))
        #expect(BuildProgress.lastLine("c\n  \n", carry: "b") == ("bc", ""))
        #expect(
            BuildProgress.lastLine("Building [=>  ] 1/4\rBuilding [==> ] 2/4\r", carry: "") == (
                "Building [==> ] 2/4", ""
            ))
        #expect(BuildProgress.lastLine("", carry: "x") == (nil, "x"))
    }
}
