import Foundation
import FoundationXML
import Testing

@testable import LeakCheck

#if canImport(Glibc)
    import Glibc
#endif

/// Issue 21, "Files": every staged file is the tool's own, created exclusively,
/// and JUnit states an incomplete verdict like every other output.
@Suite struct ExclusiveWriteTests {
    /// A renderer whose file cannot be written (a full disk, as the issue met it).
    struct DiskFull: ReportRenderer {
        var path: String
        var name: String { "SARIF report" }
        func render(_ report: Report, context: RenderContext) throws -> Data {
            throw ReportWriteError(path: path, reason: "No space left on device")
        }
    }

    @Test func aSymlinkPlantedAtTheTemporaryNameIsNeverWrittenThrough() throws {
        let dir = try ScratchDir()
        let victim = dir.file("victim")
        try "precious\n".write(toFile: victim, atomically: false, encoding: .utf8)
        // The first name tried is taken by a planted symlink; the next is free.
        var suffixes = ["planted", "free"]
        #expect(symlink(victim, dir.file(".report.txt.tmp-planted")) == 0)
        let (fd, path) = try ExclusiveFile.create(in: dir.url.path, base: "report.txt") { suffixes.removeFirst() }
        _ = "mine".withCString { Glibc.write(fd, $0, 4) }
        close(fd)
        #expect(path == dir.file(".report.txt.tmp-free"))
        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "precious\n")
    }

    @Test func aReportIsNeverWrittenThroughASymlinkAtTheOldPredictableName() throws {
        let dir = try ScratchDir()
        let victim = dir.file("victim")
        try "precious\n".write(toFile: victim, atomically: false, encoding: .utf8)
        // Today's name and the pid's: what an attacker would plant.
        #expect(symlink(victim, dir.file(".valgrind-report.txt.tmp-\(getpid())")) == 0)
        try AtomicFile.write("report\n", to: dir.file("valgrind-report.txt"))
        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "precious\n")
        #expect(try String(contentsOfFile: dir.file("valgrind-report.txt"), encoding: .utf8) == "report\n")
        var st = stat()
        #expect(lstat(dir.file("valgrind-report.txt"), &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG)
    }

    @Test func aSymlinkPlantedAtTheToolsOwnDirectoryIsRemovedNotFollowed() throws {
        let dir = try ScratchDir()
        let victim = dir.file("victim")
        try FileManager.default.createDirectory(atPath: victim + "/valgrind", withIntermediateDirectories: true)
        try "precious\n".write(toFile: victim + "/valgrind/keep", atomically: false, encoding: .utf8)
        #expect(symlink(victim, dir.file("leakcheck-logs")) == 0)
        try ToolDirectory.ensure(dir.file("leakcheck-logs"))
        try ToolDirectory.recreate(dir.file("leakcheck-logs/valgrind"))
        #expect(symlink(victim + "/valgrind", dir.file("leakcheck-logs/asan")) == 0)
        try ToolDirectory.recreate(dir.file("leakcheck-logs/asan"))
        var st = stat()
        for name in ["leakcheck-logs", "leakcheck-logs/valgrind", "leakcheck-logs/asan"] {
            #expect(lstat(dir.file(name), &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR, "\(name)")
        }
        #expect(try String(contentsOfFile: victim + "/valgrind/keep", encoding: .utf8) == "precious\n")
        // A run directory of the tool's own is emptied.
        try "old".write(toFile: dir.file("leakcheck-logs/valgrind/x.xml"), atomically: false, encoding: .utf8)
        try ToolDirectory.recreate(dir.file("leakcheck-logs/valgrind"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.file("leakcheck-logs/valgrind")) == [])
    }

    /// Issue 21: a large output being written when a signal comes stops between two chunks
    /// (and before its fsync): the temporary file goes, the destination keeps what it had.
    /// The bounded second round (`.never`) writes whatever the flag says.
    @Test func aStopWhileAFileIsWrittenRemovesItsTemporaryFile() throws {
        let dir = try ScratchDir()
        let path = dir.file("report.html")
        try "previous run\n".write(toFile: path, atomically: false, encoding: .utf8)
        let big = Data(repeating: 0x61, count: 3 * StagedFile.chunk + 17)
        try Cancellation.$requestedInTask.withValue(true) {
            #expect(throws: RenderInterrupted.self) {
                _ = try StagedFile.stage(big, to: path, appending: false, poll: RenderPoll(active: true))
            }
            #expect(try FileManager.default.contentsOfDirectory(atPath: dir.url.path) == ["report.html"])
            #expect(try String(contentsOfFile: path, encoding: .utf8) == "previous run\n")
            let staged = try StagedFile.stage(big, to: path, appending: false, poll: .never)
            try staged.commit()
        }
        #expect(FileManager.default.contents(atPath: path) == big)
    }

    @Test func junitSaysIncompleteWhenAnotherOutputCouldNotBeWritten() throws {
        let dir = try ScratchDir()
        var ok = RunResult(checker: .valgrind, executable: "/t/pubsub", arguments: [])
        ok.status = .clean
        let decided = Verdict.decide(
            runs: [ok], suppressions: [], policy: Policy(), diagnostics: Diagnostics(), interrupted: false)
        let result = OutputPipeline.write(
            [JUnitRenderer(path: dir.file("junit.xml")), DiskFull(path: dir.file("x.sarif"))],
            decide: { errors in
                var r = decided
                r.incompleteReasons += errors
                return r
            }, context: RenderContext(policy: Policy()))
        #expect(result.report.exitCode == 3)
        let xml = try String(contentsOfFile: dir.file("junit.xml"), encoding: .utf8)
        let doc = try XMLDocument(xmlString: xml)
        let root = try #require(doc.rootElement())
        #expect(root.attribute(forName: "errors")?.stringValue == "1")
        let error = try #require(try doc.nodes(forXPath: "//testcase/error").first as? XMLElement)
        #expect(error.attribute(forName: "message")?.stringValue?.contains("No space left on device") == true)
        #expect(error.attribute(forName: "type")?.stringValue == "incomplete")
    }

    @Test func junitSaysInterrupted() throws {
        let decided = Verdict.decide(
            runs: [], suppressions: [], policy: Policy(), diagnostics: Diagnostics(), interrupted: true)
        let xml = JUnitRenderer.xml(decided, policy: Policy(), listings: [:])
        #expect(xml.contains("errors=\"1\""))
        #expect(xml.contains("<error type=\"incomplete\" message=\"interrupted"))
    }
}
