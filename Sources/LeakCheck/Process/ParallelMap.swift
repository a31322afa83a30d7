import Foundation
import Synchronization

/// Runs `body` over `items` on up to `jobs` dedicated threads (never the
/// cooperative pool: the bodies block in `waitpid`) and returns the results in
/// the items' order, whatever the order of completion, so reports are
/// deterministic. Items not yet started when `shouldStop` turns true are
/// skipped (nil).
public func parallelMap<T: Sendable, R: Sendable>(
    _ items: [T], jobs: Int, shouldStop: @escaping @Sendable () -> Bool = { false },
    _ body: @escaping @Sendable (Int, T) -> R
) -> [R?] {
    let count = items.count
    if count == 0 { return [] }
    let workers = max(1, min(jobs, count))
    let box = ParallelMapState<R>(count: count)
    let group = DispatchGroup()
    for _ in 0..<workers {
        group.enter()
        let thread = Thread {
            while true {
                let index: Int? = box.lock.withLock { s in
                    guard s.next < count, !shouldStop() else { return nil }
                    defer { s.next += 1 }
                    return s.next
                }
                guard let index else { break }
                let r = body(index, items[index])
                box.lock.withLock { $0.results[index] = r }
            }
            group.leave()
        }
        thread.stackSize = 4 << 20
        thread.start()
    }
    group.wait()
    return box.lock.withLock { $0.results }
}

private final class ParallelMapState<R: Sendable>: Sendable {
    let lock: Mutex<(next: Int, results: [R?])>
    init(count: Int) { lock = Mutex((0, Array(repeating: nil, count: count))) }
}
