import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Writes every output from one verdict, so they can never disagree. Two
/// phases: each output is rendered and written to a temporary file beside its
/// destination; if any cannot be written, that problem becomes part of the
/// verdict (incomplete) and every output is rendered again, so the others say
/// so too; only then is each renamed into place. A signal while they are
/// rendered stops the renderer at work (`RenderPoll`); every output is then
/// rendered again from the interrupted verdict, in its bounded form
/// (`RenderContext.interruptedListing`), so the second round is quick whatever
/// the report's size.
public enum OutputPipeline {
    public struct Result: Sendable {
        /// The verdict every written output states.
        public var report: Report
        /// One line per output that could not be written.
        public var errors: [String]
    }

    public static func write(
        _ renderers: [any ReportRenderer], decide: ([String]) -> Report, context: RenderContext
    ) -> Result {
        var errors: [String] = []
        // Set once a renderer stopped for a signal: the report is partial from then on,
        // whatever `decide` says (a stop requested without a signal, in a test).
        var stopped = false
        func decided() -> Report {
            var r = decide(errors)
            if stopped { r.interrupted = true }
            return r
        }
        var report = decided()
        var staged: [StagedFile] = []
        var failed = Set<Int>()
        // Each failure re-decides and re-renders; there are at most as many rounds as
        // outputs, plus one when a signal stops the rendering (an interrupted report is
        // rendered in its bounded form, which never stops).
        while true {
            for s in staged { s.discard() }
            staged = []
            var newFailure = false
            var stoppedNow = false
            for (i, r) in renderers.enumerated() where !failed.contains(i) {
                // Issue 21: a signal between two outputs, or one a renderer saw while
                // listing (`RenderInterrupted`), ends this round at once.
                if !report.interrupted && Cancellation.isRequested {
                    stoppedNow = true
                    break
                }
                do {
                    let data = try r.render(report, context: context)
                    staged.append(
                        try StagedFile.stage(
                            data, to: r.path, appending: r.appends, poll: RenderPoll(rendering: report)))
                } catch is RenderInterrupted where !report.interrupted {
                    stoppedNow = true
                    break
                } catch {
                    failed.insert(i)
                    errors.append("\(r.name): \(error)")
                    newFailure = true
                }
            }
            if stoppedNow {
                stopped = true
                report = decided()
                continue
            }
            if !newFailure {
                // Interrupted after the last poll: render once more so every output says so.
                let now = decided()
                if now.interrupted == report.interrupted { break }
                report = now
                continue
            }
            report = decided()
        }
        for s in staged {
            do { try s.commit() } catch {
                // Renaming within one directory after a successful write: this
                // would take a disk fault between two syscalls. Say it.
                errors.append("\(error)")
            }
        }
        return Result(report: report, errors: errors)
    }
}

/// A rendered output written to a temporary name beside its destination.
struct StagedFile {
    let temporary: String
    let destination: String

    /// How many bytes go to one `write(2)`: between two, `poll` is asked whether to stop.
    static let chunk = 4 << 20

    /// `poll` (active while the report is not interrupted) stops a large write and its
    /// `fsync` for a signal: the temporary file is removed and `RenderInterrupted` thrown
    /// (a 195 MB HTML page took seconds to write and sync).
    static func stage(_ data: Data, to path: String, appending: Bool, poll: RenderPoll = .never) throws -> StagedFile {
        let dir = (path as NSString).deletingLastPathComponent
        if !dir.isEmpty {
            do { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) } catch {
                throw ReportWriteError(path: path, reason: "cannot create \(dir)")
            }
        }
        var bytes = data
        if appending, let existing = FileManager.default.contents(atPath: path) {
            bytes = existing + data
        }
        // Created exclusively under a random name: a symlink planted at a
        // temporary name is never written through (ExclusiveFile).
        let (fd, tmp): (Int32, String)
        do { (fd, tmp) = try ExclusiveFile.create(in: dir, base: (path as NSString).lastPathComponent) } catch {
            throw ReportWriteError(path: path, reason: (error as? ReportWriteError)?.reason ?? "\(error)")
        }
        var failure: Int32 = 0
        var stopped = false
        bytes.withUnsafeBytes { buf in
            var offset = 0
            while offset < buf.count {
                if (try? poll.check()) == nil {
                    stopped = true
                    return
                }
                let n = Glibc.write(fd, buf.baseAddress! + offset, Swift.min(chunk, buf.count - offset))
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return
                }
                offset += n
            }
        }
        if !stopped, (try? poll.check()) == nil { stopped = true }
        if stopped {
            close(fd)
            unlink(tmp)
            throw RenderInterrupted()
        }
        if fsync(fd) != 0 && failure == 0 && errno != EINVAL { failure = errno }
        if close(fd) != 0 && failure == 0 { failure = errno }
        if failure != 0 {
            unlink(tmp)
            throw ReportWriteError(path: path, reason: String(cString: strerror(failure)))
        }
        return StagedFile(temporary: tmp, destination: path)
    }

    func commit() throws {
        if rename(temporary, destination) != 0 {
            let e = errno
            unlink(temporary)
            throw ReportWriteError(path: destination, reason: String(cString: strerror(e)))
        }
    }

    func discard() { unlink(temporary) }
}
