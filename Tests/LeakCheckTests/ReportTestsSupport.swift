import Foundation
import TestSupport
import Testing

@testable import LeakCheck

/// Shared by the report tests: the captured reports and the external
/// validators (Python's jsonschema and junitparser, headless Chromium).
enum ReportFixtures {
    /// `moq-leakcheck all --features leak_demo` on a copy of the fixture crate at /tmp/lc-render/a.
    static let leakRoot = "/tmp/lc-render/a"
    /// The same crate copied to /tmp/lc-render/b, built and run again there.
    static let elsewhereRoot = "/tmp/lc-render/b"

    static func report(_ name: String) throws -> Report {
        let url = Paths.fixture("reports/\(name).json")
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw FixtureMissing(path: url.path, hint: "captured report missing from the checkout")
        }
        return try JSONDecoder().decode(Report.self, from: data)
    }

    /// The leaking report, `/tmp/lc-render/a` paths.
    static func leak() throws -> Report { try report("leak-demo-valgrind-asan") }

    /// Own code as the engine decides it for the fixture: crate and test targets, the crate dir.
    static func selector(root: String = leakRoot) -> FrameSelector {
        let own = OwnCode(crateNames: ["moq_ffi", "errors", "lifecycle", "pubsub"], sourceRoots: [root + "/moq_ffi/"])
        return FrameSelector(isOwnCode: { own.contains($0) })
    }

    static func context(root: String = leakRoot, reportDir: String = "out-leak", environment: [String: String] = [:])
        -> RenderContext
    {
        RenderContext(
            policy: Policy(), selector: selector(root: root), reportDir: reportDir, sourceRoots: [root + "/moq_ffi/"],
            workspaceRoot: root, environment: environment)
    }
}

/// An external program's outcome.
struct ToolRun {
    var status: Int32
    var stdout: String
    var stderr: String
}

enum ExternalTool {
    /// Runs `program` with `arguments`; a missing program is a failure naming what to install.
    static func run(_ program: String, _ arguments: [String], install: String) throws -> ToolRun {
        guard let path = ExecutableLocator.resolve(program) else {
            throw FixtureMissing(path: program, hint: "not on PATH: \(install)")
        }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: path)
        p.arguments = arguments
        let out = Scratch.url.appendingPathComponent("lc-ext-\(UUID().uuidString).out")
        let err = Scratch.url.appendingPathComponent("lc-ext-\(UUID().uuidString).err")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        defer {
            try? FileManager.default.removeItem(at: out)
            try? FileManager.default.removeItem(at: err)
        }
        p.standardOutput = try FileHandle(forWritingTo: out)
        p.standardError = try FileHandle(forWritingTo: err)
        p.standardInput = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        return ToolRun(
            status: p.terminationStatus, stdout: (try? String(contentsOf: out, encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOf: err, encoding: .utf8)) ?? "")
    }

    /// Runs a Python snippet; a missing module fails with the pip line that installs it.
    static func python(_ script: String, _ arguments: [String], module: String) throws -> ToolRun {
        let check = try run("python3", ["-c", "import \(module)"], install: "apt-get install python3")
        guard check.status == 0 else {
            throw FixtureMissing(
                path: "python3 module \(module)",
                hint: "install it: pip install \(module) (scripts/install-deps.sh does)")
        }
        return try run("python3", ["-c", script] + arguments, install: "apt-get install python3")
    }
}

/// A scratch directory removed at the end of a test.
final class ScratchDir {
    let url: URL
    init() throws {
        url = Scratch.url.appendingPathComponent("lc-report-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    func file(_ name: String) -> String { url.appendingPathComponent(name).path }
    deinit { try? FileManager.default.removeItem(at: url) }
}
