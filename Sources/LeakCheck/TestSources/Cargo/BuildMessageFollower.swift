import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Follows cargo's JSON messages while the build writes them to a file, and
/// hands over each test executable the moment cargo reports it linked: the
/// checker starts on the lib's unit tests while the integration tests still
/// compile. `onExecutable` runs on the follower's thread with the messages
/// read so far (the packages built before it, for own-code detection).
///
///     let follower = BuildMessageFollower(path: stdoutPath) { exe, messages in … }
///     … run cargo, writing its stdout to stdoutPath …
///     let messages = follower.finish()   // reads the rest, stops the thread
final class BuildMessageFollower: Sendable {
    typealias Handler = @Sendable (TestExecutable, CargoBuildMessages) -> Void

    private struct State {
        var messages = CargoBuildMessages()
        var offset: UInt64 = 0
        /// Bytes after the last newline: a line cargo has not finished writing.
        var partial: [UInt8] = []
        var stopping = false
    }

    private let path: String
    private let onExecutable: Handler
    private let interval: Double
    private let state = Mutex(State())
    private let stopped = DispatchSemaphore(value: 0)

    init(path: String, interval: Double = 0.02, onExecutable: @escaping Handler) {
        self.path = path
        self.interval = interval
        self.onExecutable = onExecutable
        let thread = Thread { [self] in
            while !state.withLock({ $0.stopping }) {
                poll(final: false)
                usleep(useconds_t(interval * 1_000_000))
            }
            stopped.signal()
        }
        thread.stackSize = 1 << 20
        thread.start()
    }

    /// Stops following, reads what the build wrote since the last poll
    /// (an unterminated last line included) and returns every message.
    func finish() -> CargoBuildMessages {
        state.withLock { $0.stopping = true }
        stopped.wait()
        poll(final: true)
        return state.withLock { $0.messages }
    }

    /// Reads the bytes appended since the last poll; complete lines are consumed
    /// (the last, unterminated one too when `final`).
    private func poll(final: Bool) {
        let offset = state.withLock { $0.offset }
        var data = Data()
        if let handle = FileHandle(forReadingAtPath: path) {
            defer { try? handle.close() }
            do {
                try handle.seek(toOffset: offset)
                data = try handle.readToEnd() ?? Data()
            } catch {
                data = Data()
            }
        }
        var found: [(TestExecutable, CargoBuildMessages)] = []
        state.withLock { s in
            s.offset += UInt64(data.count)
            var bytes = s.partial
            bytes.append(contentsOf: data)
            var start = 0
            for (i, b) in bytes.enumerated() where b == UInt8(ascii: "\n") {
                if let exe = s.messages.consume(Substring(decoding: bytes[start..<i], as: UTF8.self)) {
                    found.append((exe, s.messages))
                }
                start = i + 1
            }
            s.partial = Array(bytes[start...])
            if final && !s.partial.isEmpty {
                if let exe = s.messages.consume(Substring(decoding: s.partial, as: UTF8.self)) {
                    found.append((exe, s.messages))
                }
                s.partial = []
            }
        }
        for (exe, messages) in found { onExecutable(exe, messages) }
    }
}
