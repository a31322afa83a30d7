import Foundation
import TestSupport
import Testing

@testable import LeakCheck

/// `docs/ci/github-actions.yml`, parsed as YAML (PyYAML) and checked as a job graph:
/// every partition feeds the merge, the merge's exit code is the gate, annotations come
/// from the merge only, SARIF upload is optional and never gates, the partition count
/// lives in one place, no placeholder, and only current (Node 24) action majors.
/// (actionlint is not installable here: its pip wrapper downloads from GitHub releases.)
@Suite struct MergeWorkflowTests {
    static let path = Repository.root.appendingPathComponent("docs/ci/github-actions.yml").path

    /// The workflow as JSON-compatible values (PyYAML reads `on:` as the boolean key `true`).
    static func workflow() throws -> [String: Any] {
        let run = try ExternalTool.python(
            "import json, sys, yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1])), default=str))",
            [try Repository.existing(URL(fileURLWithPath: path))], module: "yaml")
        try #require(run.status == 0, "PyYAML cannot read the workflow: \(run.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
    }

    static func jobs(_ w: [String: Any]) throws -> [String: [String: Any]] {
        try #require(w["jobs"] as? [String: [String: Any]])
    }
    static func steps(_ job: [String: Any]) -> [[String: Any]] { job["steps"] as? [[String: Any]] ?? [] }
    static func needs(_ job: [String: Any]) -> [String] {
        (job["needs"] as? [String]) ?? (job["needs"] as? String).map { [$0] } ?? []
    }

    /// Runs a step's shell script the way a runner does (bash -e), with `env`.
    static func bash(_ script: String, env: [String: String], in dir: String) throws -> (status: Int32, output: String)
    {
        let file = dir + "/step.sh"
        try script.write(toFile: file, atomically: true, encoding: .utf8)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/bash")
        p.arguments = ["-e", file]
        p.environment = env.merging(["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"]) { a, _ in
            a
        }
        p.currentDirectoryURL = URL(fileURLWithPath: dir)
        let out = dir + "/step.out"
        _ = FileManager.default.createFile(atPath: out, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: out))
        p.standardOutput = handle
        p.standardError = handle
        try p.run()
        p.waitUntilExit()
        try handle.close()
        return (p.terminationStatus, (try? String(contentsOfFile: out, encoding: .utf8)) ?? "")
    }

    static func outputs(_ dir: String) -> [String: String] {
        let text = (try? String(contentsOfFile: dir + "/output", encoding: .utf8)) ?? ""
        var out: [String: String] = [:]
        for line in text.split(separator: "\n") {
            if let eq = line.firstIndex(of: "=") { out[String(line[..<eq])] = String(line[line.index(after: eq)...]) }
        }
        return out
    }

    @Test func onlyCurrentActionMajors() throws {
        let minimum = [
            "actions/checkout": 5, "actions/upload-artifact": 6, "actions/download-artifact": 7,
            "github/codeql-action/upload-sarif": 4,
        ]
        var used: Set<String> = []
        for (name, job) in try Self.jobs(Self.workflow()) {
            for step in Self.steps(job) {
                guard let uses = step["uses"] as? String else { continue }
                let parts = uses.split(separator: "@", maxSplits: 1).map(String.init)
                try #require(parts.count == 2, "\(name): \(uses) has no version")
                let action = parts[0]
                let major = try #require(Int(parts[1].drop(while: { $0 == "v" }).prefix { $0.isNumber }), "\(uses)")
                let least = try #require(minimum[action], "\(name): \(action) is not a known action here")
                #expect(major >= least, "\(name): \(uses) runs on a removed Node; use v\(least) or later")
                used.insert(action)
            }
        }
        #expect(used == Set(minimum.keys))
    }

    @Test func everyPartitionFeedsTheMergeAndTheMergeIsTheGate() throws {
        let w = try Self.workflow()
        let jobs = try Self.jobs(w)
        let partition = try #require(jobs["leakcheck"])
        let gate = try #require(jobs["gate"])
        // The gate waits for every partition (and what they need) and always runs.
        #expect(Set(Self.needs(gate)).isSuperset(of: ["plan", "tool", "leakcheck"]))
        #expect(gate["if"] as? String == "${{ always() }}")
        #expect(Set(Self.needs(partition)) == ["plan", "tool"])
        let strategy = try #require(partition["strategy"] as? [String: Any])
        #expect(strategy["fail-fast"] as? Bool == false)
        // Each partition uploads its report under a name the gate's download pattern takes, whatever its exit code.
        let upload = try #require(
            Self.steps(partition).first { ($0["uses"] as? String)?.hasPrefix("actions/upload-artifact") == true })
        #expect(upload["if"] as? String == "always()")
        let with = try #require(upload["with"] as? [String: Any])
        #expect(with["name"] as? String == "leakcheck-${{ matrix.k }}")
        #expect((with["path"] as? String)?.contains("leakcheck-${{ matrix.k }}.json") == true)
        let run = try #require(
            Self.steps(partition).compactMap { $0["run"] as? String }.first { $0.contains("moq-leakcheck") })
        #expect(run.contains("--partition hash:${{ matrix.k }}/${{ env.PARTITIONS }}"))
        #expect(run.contains("--json leakcheck-${{ matrix.k }}.json"))
        for k in 1...3 { #expect(try Partition.parse("hash:\(k)/3").spec == PartitionSpec(index: k, total: 3)) }
        let downloads = Self.steps(gate).filter {
            ($0["uses"] as? String)?.hasPrefix("actions/download-artifact") == true
        }
        #expect(
            downloads.contains {
                let d = $0["with"] as? [String: Any]
                return d?["pattern"] as? String == "leakcheck-*" && d?["merge-multiple"] as? Bool == true
                    && d?["path"] as? String == "partitions"
            })
        // The merge reads every downloaded report, and nothing swallows its exit code.
        let mergeIndex = try #require(
            Self.steps(gate).firstIndex { ($0["run"] as? String)?.contains(" merge ") == true })
        let merge = Self.steps(gate)[mergeIndex]
        let script = try #require(merge["run"] as? String)
        #expect(script.contains("moq-leakcheck\" merge partitions/leakcheck-*.json"))
        for swallow in ["|| true", "set +e", "|| exit 0", "; true"] { #expect(!script.contains(swallow), "\(swallow)") }
        #expect(merge["continue-on-error"] == nil && merge["if"] == nil)
        // Only the optional SARIF upload may fail without failing the job; no job may.
        for (name, job) in jobs {
            #expect(job["continue-on-error"] == nil, "\(name)")
            for step in Self.steps(job) where step["continue-on-error"] != nil {
                #expect((step["uses"] as? String)?.hasPrefix("github/codeql-action/upload-sarif") == true, "\(name)")
            }
        }
        let sarif = try #require(
            Self.steps(gate).first { ($0["uses"] as? String)?.hasPrefix("github/codeql-action/upload-sarif") == true })
        #expect(sarif["continue-on-error"] as? Bool == true)
        #expect((sarif["if"] as? String)?.contains("vars.LEAKCHECK_UPLOAD_SARIF == 'true'") == true)
        #expect(Self.steps(gate).firstIndex { $0["uses"] as? String == sarif["uses"] as? String }! > mergeIndex)
    }

    /// Annotations come from one job: every tool run but the merge has GITHUB_ACTIONS unset.
    @Test func onlyTheMergeAnnotates() throws {
        // A shell line that starts the tool (after an optional `env -u GITHUB_ACTIONS`).
        func invokesTool(_ line: String) -> Bool {
            var words = line.split(separator: " ").map(String.init)
            if words.starts(with: ["env", "-u", "GITHUB_ACTIONS"]) { words.removeFirst(3) }
            guard let first = words.first?.trimmingCharacters(in: CharacterSet(charactersIn: "\"")) else {
                return false
            }
            return first == "moq-leakcheck" || first.hasSuffix("/bin/moq-leakcheck")
        }
        var runs: [(job: String, line: String)] = []
        for (name, job) in try Self.jobs(Self.workflow()) {
            for step in Self.steps(job) {
                for line in (step["run"] as? String ?? "").split(separator: "\n") {
                    let line = line.trimmingCharacters(in: .whitespaces)
                    if invokesTool(line) { runs.append((name, line)) }
                }
            }
        }
        let merges = runs.filter { $0.line.contains("moq-leakcheck\" merge ") }
        #expect(merges.map(\.job) == ["gate"])
        #expect(merges.allSatisfy { !$0.line.contains("GITHUB_ACTIONS") })
        let others = runs.filter { !$0.line.contains("moq-leakcheck\" merge ") }
        #expect(others.map(\.job) == ["leakcheck"])
        for r in others { #expect(r.line.hasPrefix("env -u GITHUB_ACTIONS moq-leakcheck "), "\(r.job): \(r.line)") }
    }

    /// PARTITIONS is the one place the count lives: the plan step turns it into the
    /// matrix, and no job name or step hard-codes a count.
    @Test func thePartitionCountLivesInOnePlace() throws {
        let w = try Self.workflow()
        let env = try #require(w["env"] as? [String: Any])
        #expect(env["PARTITIONS"] as? Int == 3)
        let jobs = try Self.jobs(w)
        let partition = try #require(jobs["leakcheck"])
        let matrix = try #require((partition["strategy"] as? [String: Any])?["matrix"] as? [String: Any])
        #expect(matrix["k"] as? String == "${{ fromJSON(needs.plan.outputs.k) }}")
        let name = try #require(partition["name"] as? String)
        #expect(!name.contains { $0.isNumber }, "job name hard-codes a number: \(name)")
        let text = try String(contentsOfFile: Self.path, encoding: .utf8)
        #expect(!text.contains("/3"))
        let plan = try #require(jobs["plan"])
        let script = try #require(Self.steps(plan).first?["run"] as? String)
        let dir = Scratch.directory + "workflow-plan-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for (n, k) in [("3", "[1,2,3]"), ("1", "[1]"), ("12", "[1,2,3,4,5,6,7,8,9,10,11,12]")] {
            try? FileManager.default.removeItem(atPath: dir + "/output")
            let r = try Self.bash(script, env: ["PARTITIONS": n, "GITHUB_OUTPUT": dir + "/output"], in: dir)
            #expect(r.status == 0, "\(r.output)")
            #expect(Self.outputs(dir)["k"] == k)
        }
        for bad in ["0", "", "three", "-1", "03"] {
            let r = try Self.bash(script, env: ["PARTITIONS": bad, "GITHUB_OUTPUT": dir + "/output"], in: dir)
            #expect(r.status == 2, "PARTITIONS='\(bad)'")
            #expect(r.output.contains("::error::PARTITIONS must be a whole number"))
        }
    }

    /// No placeholder: the tool is built from LEAKCHECK_SOURCE, a repository variable,
    /// either `owner/repo@tag` or a path in the repository; unset or wrong, a clear error.
    @Test func theToolComesFromOneNamedVariable() throws {
        let w = try Self.workflow()
        let text = try String(contentsOfFile: Self.path, encoding: .utf8)
        #expect(!text.contains("your-org") && !text.lowercased().contains("todo"))
        #expect((w["env"] as? [String: Any])?["LEAKCHECK_SOURCE"] as? String == "${{ vars.LEAKCHECK_SOURCE }}")
        let tool = try #require(try Self.jobs(w)["tool"])
        let source = try #require(Self.steps(tool).first { $0["id"] as? String == "source" })
        let script = try #require(source["run"] as? String)
        let dir = Scratch.directory + "workflow-source-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir + "/tools/moq-leakcheck", withIntermediateDirectories: true)
        try "// swift-tools-version:6.0\n".write(
            toFile: dir + "/tools/moq-leakcheck/Package.swift", atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        func resolve(_ value: String) throws -> (Int32, String, [String: String]) {
            try? FileManager.default.removeItem(atPath: dir + "/output")
            let r = try Self.bash(script, env: ["LEAKCHECK_SOURCE": value, "GITHUB_OUTPUT": dir + "/output"], in: dir)
            return (r.status, r.output, Self.outputs(dir))
        }
        let tag = try resolve("moq-dev/moq-leakcheck@v1.2.0")
        #expect(tag.0 == 0)
        #expect(tag.2 == ["repository": "moq-dev/moq-leakcheck", "ref": "v1.2.0", "dir": ".moq-leakcheck-source"])
        let path = try resolve("tools/moq-leakcheck")
        #expect(path.0 == 0)
        #expect(path.2 == ["dir": "tools/moq-leakcheck"])
        let unset = try resolve("")
        #expect(unset.0 == 2)
        #expect(unset.1.contains("::error::set the repository variable LEAKCHECK_SOURCE"))
        let wrong = try resolve("tools/missing")
        #expect(wrong.0 == 2)
        #expect(wrong.1.contains("::error::LEAKCHECK_SOURCE=tools/missing: no Package.swift there"))
        // The build uses what the step resolved; the second checkout only for owner/repo@tag.
        let build = try #require(
            Self.steps(tool).first { ($0["run"] as? String)?.contains("scripts/install.sh") == true })
        #expect((build["env"] as? [String: Any])?["SOURCE"] as? String == "${{ steps.source.outputs.dir }}")
        let checkout = try #require(Self.steps(tool).first { ($0["with"] as? [String: Any])?["repository"] != nil })
        #expect(checkout["if"] as? String == "${{ steps.source.outputs.repository != '' }}")
    }
}
