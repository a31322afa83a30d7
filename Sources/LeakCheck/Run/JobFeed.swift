import Foundation

/// Jobs handed from the sources to the scheduler while the sources still build:
/// each cargo feature set's test executables as soon as that build is done, so
/// the checker runs of one feature set overlap the build of the next (P2 in
/// scripts/bench/RESULTS.md). The scheduler blocks in `next()` until a batch
/// arrives or the sources are done.
final class JobFeed: @unchecked Sendable {
    // @unchecked: every stored property is read and written only under `condition`.
    private let condition = NSCondition()
    private var batches: [[Job]] = []
    private var finished = false

    /// Hands over one batch (empty batches are dropped).
    func add(_ jobs: [Job]) {
        guard !jobs.isEmpty else { return }
        condition.lock()
        defer { condition.unlock() }
        precondition(!finished, "a job was fed after the sources were done")
        batches.append(jobs)
        condition.broadcast()
    }

    /// The sources are done: no more batches.
    func finish() {
        condition.lock()
        defer { condition.unlock() }
        finished = true
        condition.broadcast()
    }

    /// The next batch in the order fed, blocking until one is fed; nil once the
    /// sources are done and every batch was taken.
    func next() -> [Job]? {
        condition.lock()
        defer { condition.unlock() }
        while batches.isEmpty && !finished { condition.wait() }
        return batches.isEmpty ? nil : batches.removeFirst()
    }

    /// Every remaining batch, as one, once the sources are done (`--partition`
    /// selects from the whole job list).
    func drain() -> [Job] {
        var all: [Job] = []
        while let batch = next() { all += batch }
        return all
    }
}

/// The units waiting for a worker while jobs are still being fed: the worker
/// takes the longest estimate first (`JobQueue.longestFirst` over what is
/// waiting), blocks while the queue is empty but still open, and gets nil once
/// it is closed and empty, or when `shouldStop` turns true (checked at least
/// every 0.2 s while it waits: an interruption needs no wake-up call).
final class UnitQueue<Item: Sendable>: @unchecked Sendable {
    // @unchecked: every stored property is read and written only under `condition`.
    private let condition = NSCondition()
    /// Waiting items with their push order; kept longest first.
    private var waiting: [(seq: Int, seconds: Double?, item: Item)] = []
    private var pushed = 0
    private var closed = false

    /// Items pushed so far, and whether more may come.
    var count: (pushed: Int, open: Bool) {
        condition.lock()
        defer { condition.unlock() }
        return (pushed, !closed)
    }

    func push(_ items: [(item: Item, seconds: Double?)]) {
        condition.lock()
        defer { condition.unlock() }
        for (item, seconds) in items {
            waiting.append((pushed, seconds, item))
            pushed += 1
        }
        waiting = JobQueue.longestFirst(waiting) { $0.seconds }
        condition.broadcast()
    }

    func close() {
        condition.lock()
        defer { condition.unlock() }
        closed = true
        condition.broadcast()
    }

    func pop(shouldStop: () -> Bool) -> Item? {
        condition.lock()
        defer { condition.unlock() }
        while true {
            if shouldStop() { return nil }
            if !waiting.isEmpty { return waiting.removeFirst().item }
            if closed { return nil }
            _ = condition.wait(until: Date().addingTimeInterval(0.2))
        }
    }
}
