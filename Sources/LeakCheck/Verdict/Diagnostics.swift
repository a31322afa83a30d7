import Synchronization

/// Every problem met along the way, gathered in one place (like swift-format's
/// DiagnosticsEngine) instead of being swallowed: notes a person should read,
/// and reasons that make the whole verdict incomplete. The verdict is decided
/// from the runs and these, once.
public final class Diagnostics: Sendable {
    private struct State {
        var notes: [String] = []
        var incomplete: [String] = []
    }
    private let state = Mutex(State())

    public init() {}

    /// Something worth a person's attention; does not change the verdict.
    public func note(_ message: String) {
        state.withLock { s in if !s.notes.contains(message) { s.notes.append(message) } }
    }

    /// Something that makes the verdict untrustworthy (exit 3).
    public func incomplete(_ reason: String) {
        state.withLock { s in if !s.incomplete.contains(reason) { s.incomplete.append(reason) } }
    }

    public var notes: [String] { state.withLock { $0.notes } }
    public var incompleteReasons: [String] { state.withLock { $0.incomplete } }
}
