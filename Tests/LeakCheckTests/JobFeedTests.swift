import Foundation
import Synchronization
import TestSupport
import Testing

@testable import LeakCheck

#if canImport(Glibc)
    import Glibc
#endif

/// The pieces that let checker runs start while the build goes on: cargo's
/// messages followed as they are written, the feed from sources to scheduler,
/// and the queue the workers take the longest waiting unit from.
@Suite struct JobFeedTests {
    static func artifact(_ name: String, kind: String, exe: String?) -> String {
        var obj: [String: Any] = [
            "reason": "compiler-artifact", "package_id": "path+file:///w/\(name)#0.1.0",
            "manifest_path": "/w/\(name)/Cargo.toml",
            "target": ["name": name, "kind": [kind], "crate_types": [kind == "test" ? "bin" : "rlib"]],
            "profile": ["test": exe != nil],
        ]
        if let exe { obj["executable"] = exe }
        let data = try! JSONSerialization.data(withJSONObject: obj, options: [.sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }

    @Test func consumeAnnouncesEachNewExecutableOnce() {
        var m = CargoBuildMessages()
        #expect(m.consume(Substring(Self.artifact("dep", kind: "lib", exe: nil))) == nil)
        let a = m.consume(Substring(Self.artifact("lifecycle", kind: "test", exe: "/t/lifecycle-1")))
        #expect(a == TestExecutable(targetName: "lifecycle", targetKind: "test", path: "/t/lifecycle-1"))
        // cargo can report an artifact twice: announced once.
        #expect(m.consume(Substring(Self.artifact("lifecycle", kind: "test", exe: "/t/lifecycle-1"))) == nil)
        #expect(m.consume("not json") == nil)
        #expect(m.consume(#"{"reason":"build-finished","success":true}"#) == nil)
        #expect(m.success == true && m.executables.count == 1 && m.packages["dep"] == "/w/dep")
        // `parse` is the same line by line.
        let text = [Self.artifact("dep", kind: "lib", exe: nil), Self.artifact("e", kind: "test", exe: "/t/e")]
            .joined(separator: "\n")
        #expect(CargoBuildMessages.parse(text).executables.map(\.path) == ["/t/e"])
    }

    /// Lines written in pieces (a line cut in the middle, the file created late,
    /// the last line without its newline) are each read once, in order, and
    /// every executable is announced while the file is still being written.
    @Test func followerAnnouncesExecutablesWhileTheFileGrows() throws {
        let dir = Scratch.directory + "leakcheck-follow-\(getpid())-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/messages.json"
        let seen = Mutex<[(String, Int)]>([])
        let follower = BuildMessageFollower(path: path, interval: 0.005) { exe, messages in
            seen.withLock { $0.append((exe.targetName, messages.packages.count)) }
        }
        func waitFor(_ n: Int) -> Bool {
            for _ in 0..<1000 {
                if seen.withLock({ $0.count }) >= n { return true }
                usleep(5_000)
            }
            return false
        }
        usleep(20_000)  // the file does not exist yet: nothing to read, no error
        let first = Self.artifact("dep", kind: "lib", exe: nil) + "\n" + Self.artifact("a", kind: "test", exe: "/t/a")
        #expect(FileManager.default.createFile(atPath: path, contents: Data((first + "\n").utf8)))
        #expect(waitFor(1), "the first executable was not announced while the build ran")
        let second = Self.artifact("b", kind: "test", exe: "/t/b")
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.seekToEnd()
        let cut = second.index(second.startIndex, offsetBy: second.count / 2)
        try handle.write(contentsOf: Data(second[..<cut].utf8))
        usleep(50_000)
        #expect(seen.withLock { $0.count } == 1, "half a line was read as a message")
        try handle.write(contentsOf: Data((String(second[cut...]) + "\n").utf8))
        #expect(waitFor(2))
        // The last line, unterminated, is read by `finish`.
        try handle.write(contentsOf: Data(Self.artifact("c", kind: "test", exe: "/t/c").utf8))
        try handle.close()
        let all = follower.finish()
        #expect(seen.withLock { $0.map(\.0) } == ["a", "b", "c"])
        // Each handler call saw the packages built before it (own code is registered first).
        #expect(seen.withLock { $0.map(\.1) } == [2, 3, 4])
        #expect(all.executables.map(\.targetName) == ["a", "b", "c"])
    }

    @Test func feedHandsOverBatchesInOrderAndEndsWhenFinished() {
        let feed = JobFeed()
        func job(_ name: String) -> Job {
            Job(source: .command, program: "/bin/" + name, arguments: [], isLibtest: false, label: name)
        }
        let got = Mutex<[[String]]>([])
        let done = DispatchSemaphore(value: 0)
        Thread {
            while let batch = feed.next() { got.withLock { $0.append(batch.map(\.label)) } }
            done.signal()
        }.start()
        feed.add([job("a"), job("b")])
        feed.add([])
        feed.add([job("c")])
        usleep(50_000)
        #expect(done.wait(timeout: .now() + 0.05) == .timedOut, "next() returned before the sources were done")
        feed.finish()
        #expect(done.wait(timeout: .now() + 5) == .success)
        #expect(got.withLock { $0 } == [["a", "b"], ["c"]])
        // drain(): every batch as one, once the sources are done.
        let whole = JobFeed()
        whole.add([job("x")])
        whole.add([job("y")])
        whole.finish()
        #expect(whole.drain().map(\.label) == ["x", "y"])
    }

    /// Workers take the longest waiting unit first, across pushes; units
    /// without an estimate go first; a closed, empty queue ends the workers.
    @Test func unitQueueIsLongestFirstAcrossPushes() {
        let q = UnitQueue<String>()
        q.push([(item: "short", seconds: 1), (item: "long", seconds: 5)])
        #expect(q.pop(shouldStop: { false }) == "long")
        q.push([(item: "unknown", seconds: nil), (item: "middle", seconds: 3)])
        #expect(q.count.pushed == 4 && q.count.open)
        #expect(q.pop(shouldStop: { false }) == "unknown")
        #expect(q.pop(shouldStop: { false }) == "middle")
        #expect(q.pop(shouldStop: { false }) == "short")
        // Empty but open: pop blocks until a push.
        let got = Mutex<String?>(nil)
        let done = DispatchSemaphore(value: 0)
        Thread {
            got.withLock { $0 = q.pop(shouldStop: { false }) }
            done.signal()
        }.start()
        #expect(done.wait(timeout: .now() + 0.1) == .timedOut)
        q.push([(item: "late", seconds: 2)])
        #expect(done.wait(timeout: .now() + 5) == .success)
        #expect(got.withLock { $0 } == "late")
        q.close()
        #expect(q.pop(shouldStop: { false }) == nil)
        // An interruption stops a worker with units still waiting, and a waiting one within the poll.
        let r = UnitQueue<Int>()
        r.push([(item: 1, seconds: 1)])
        #expect(r.pop(shouldStop: { true }) == nil)
        let empty = UnitQueue<Int>()
        let stop = Atomic<Bool>(false)
        let stopped = DispatchSemaphore(value: 0)
        Thread {
            _ = empty.pop(shouldStop: { stop.load(ordering: .acquiring) })
            stopped.signal()
        }.start()
        stop.store(true, ordering: .releasing)
        #expect(stopped.wait(timeout: .now() + 5) == .success, "a waiting worker did not see the interruption")
    }
}
