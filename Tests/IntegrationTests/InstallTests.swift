import Foundation
import Testing

@testable import LeakCheck

/// scripts/install.sh into a temporary prefix, then the installed binary copied to a
/// folder with nothing beside it: it keeps its default suppressions (compiled in),
/// `doctor` reports them, and `cargo leakcheck` reaches it through cargo.
///
/// The script is given the binary this test run built (`--binary`), so the test does not
/// make a second, release build on every run; the release build path was run by hand
/// (`scripts/install.sh --prefix DIR` with --static-swift-stdlib on Swift 6.3.1: the binary
/// links only libc, libm, libstdc++ and libgcc_s).
@Suite(.serialized) struct InstallTests {
    struct Installed {
        var prefix: String
        var copy: String
        var dir: String
    }

    /// The environment a user's shell would have, without the override.
    static var environment: [String: String] {
        var env = ProcessInfo.processInfo.environment
        for key in ["MOQ_LEAKCHECK_HOME", "NO_COLOR", "CLICOLOR_FORCE", "GITHUB_ACTIONS"] {
            env.removeValue(forKey: key)
        }
        env["NO_COLOR"] = "1"
        return env
    }

    static func install() throws -> Installed {
        let dir = Tool.tempDir("install")
        let prefix = dir + "/prefix"
        let script = Tool.repoRoot.appendingPathComponent("scripts/install.sh").path
        let r = try Tool.run(
            [script, "--prefix", prefix, "--binary", Tool.binary], tag: "install", environment: environment,
            timeout: 120,
            json: false, in: dir, executable: "/bin/bash")
        #expect(r.exitCode == 0, "\(r.combined)")
        let fm = FileManager.default
        #expect(fm.isExecutableFile(atPath: prefix + "/bin/moq-leakcheck"))
        #expect(try fm.destinationOfSymbolicLink(atPath: prefix + "/bin/cargo-leakcheck") == "moq-leakcheck")
        #expect(
            r.stdout.contains("installed: \(prefix)/bin/moq-leakcheck (moq-leakcheck \(LeakCheckVersion.string))"),
            "\(r.stdout)")
        // A copy in a folder with no suppressions/, no Package.swift and no share/ anywhere above it.
        let elsewhere = dir + "/elsewhere/deep"
        try fm.createDirectory(atPath: elsewhere, withIntermediateDirectories: true)
        // Copied by a child process: a file this process held open for writing could be
        // inherited by a sibling test's fork and make the exec fail with ETXTBSY.
        let cp = try Supervisor().run(
            ProcessSpec(
                executable: "/bin/cp", arguments: [prefix + "/bin/moq-leakcheck", elsewhere + "/moq-leakcheck"]))
        #expect(cp.exitCode == 0)
        return Installed(prefix: prefix, copy: elsewhere + "/moq-leakcheck", dir: dir)
    }

    /// `Tool.run` in a fresh subfolder of the install dir, so the test's cleanup removes it.
    static func run(
        _ args: [String], in installed: Installed, tag: String, environment: [String: String], json: Bool = true,
        executable: String
    ) throws -> Tool.Result {
        let dir = installed.dir + "/" + tag
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return try Tool.run(
            args, tag: tag, environment: environment, timeout: 120, json: json, in: dir, executable: executable)
    }

    @Test func copiedBinaryKeepsItsDefaults() throws {
        let installed = try Self.install()
        defer { try? FileManager.default.removeItem(atPath: installed.dir) }
        let doctor = try Self.run(
            ["doctor"], in: installed, tag: "install-doctor", environment: Self.environment, json: false,
            executable: installed.copy)
        #expect(doctor.exitCode == 0, "\(doctor.combined)")
        #expect(
            doctor.stdout.contains(
                "✓ default suppressions: built in: <embedded>/rust-std.supp (3 entries), <embedded>/rust-std.lsan (0 entries)\n"
            ),
            "\(doctor.stdout)")

        // std's 48-byte "possibly lost" and its 544-byte still-reachable block in a clean libtest binary.
        let log = Tool.fixtures.appendingPathComponent("suppressions/rust-harness-clean-stable.xml").path
        let parsed = try Self.run(
            ["parse", log, "--fail-on", "all"], in: installed, tag: "install-parse", environment: Self.environment,
            executable: installed.copy)
        #expect(parsed.exitCode == 0, "\(parsed.combined)")
        #expect(parsed.findings.isEmpty, "\(parsed.findings)")
        #expect(parsed.tally("suppressed") == (592, 2))
        let usage = parsed.json?["suppressions"] as? [[String: Any]] ?? []
        #expect(
            usage.map { $0["source"] as? String } == [
                "<embedded>/rust-std.supp:30", "<embedded>/rust-std.supp:45", "<embedded>/rust-std.supp:63",
            ])
        #expect(usage.map { $0["count"] as? Int } == [1, 1, 0])

        // Without the defaults the same log fails: the embedded files are what hid the noise.
        let bare = try Self.run(
            ["parse", log, "--fail-on", "all", "--no-default-suppressions"], in: installed, tag: "install-bare",
            environment: Self.environment, executable: installed.copy)
        #expect(bare.exitCode == 1, "\(bare.combined)")
        #expect(bare.tally("possiblyLost") == (48, 1))
        #expect(bare.tally("stillReachable") == (544, 1))
    }

    /// MOQ_LEAKCHECK_HOME replaces the built-in files with the folder's.
    @Test func homeOverridesTheEmbeddedDefaults() throws {
        let installed = try Self.install()
        defer { try? FileManager.default.removeItem(atPath: installed.dir) }
        let home = installed.dir + "/home"
        try FileManager.default.createDirectory(atPath: home + "/suppressions", withIntermediateDirectories: true)
        try "# nothing suppressed here\n".write(
            toFile: home + "/suppressions/empty.supp", atomically: true, encoding: .utf8)
        var env = Self.environment
        env["MOQ_LEAKCHECK_HOME"] = home
        let log = Tool.fixtures.appendingPathComponent("suppressions/rust-harness-clean-stable.xml").path
        let r = try Self.run(
            ["parse", log, "--fail-on", "all"], in: installed, tag: "install-home", environment: env,
            executable: installed.copy)
        #expect(r.exitCode == 1, "\(r.combined)")
        #expect(r.tally("possiblyLost") == (48, 1))
        #expect(r.tally("suppressed") == (0, 0))
        let doctor = try Self.run(
            ["doctor"], in: installed, tag: "install-home-doctor", environment: env, json: false,
            executable: installed.copy)
        #expect(
            doctor.stdout.contains(
                "✓ default suppressions: from MOQ_LEAKCHECK_HOME=\(home): \(home)/suppressions/empty.supp (0 entries)\n"
            ), "\(doctor.stdout)")
        // A home without suppression files is a usage error, never a run without defaults.
        env["MOQ_LEAKCHECK_HOME"] = installed.dir + "/no-such-home"
        let broken = try Self.run(
            ["parse", log], in: installed, tag: "install-broken-home", environment: env, json: false,
            executable: installed.copy)
        #expect(broken.exitCode == 2)
        #expect(
            broken.stderr
                == "error: MOQ_LEAKCHECK_HOME=\(installed.dir)/no-such-home: no suppressions/*.supp or *.lsan there (unset it to use the built-in defaults)\n"
        )
    }

    /// `cargo leakcheck …` runs `cargo-leakcheck leakcheck …`; the tool drops the repeated name.
    @Test func cargoLeakcheckThroughCargo() throws {
        try Tool.require("cargo", install: "install Rust with rustup (https://rustup.rs)")
        let installed = try Self.install()
        defer { try? FileManager.default.removeItem(atPath: installed.dir) }
        var env = Self.environment
        env["PATH"] = installed.prefix + "/bin:" + (env["PATH"] ?? "/usr/bin:/bin")
        let version = try Self.run(
            ["leakcheck", "--version"], in: installed, tag: "cargo-version", environment: env, json: false,
            executable: "cargo")
        #expect(version.exitCode == 0, "\(version.combined)")
        #expect(version.stdout == "moq-leakcheck \(LeakCheckVersion.string)\n")
        let help = try Self.run(
            ["leakcheck", "help", "valgrind"], in: installed, tag: "cargo-help", environment: env, json: false,
            executable: "cargo")
        #expect(help.exitCode == 0)
        #expect(help.stdout == Options.helpText(for: .valgrind) + "\n")
        let typo = try Self.run(
            ["leakcheck", "valgrnd"], in: installed, tag: "cargo-typo", environment: env, json: false,
            executable: "cargo")
        #expect(typo.exitCode == 2)
        #expect(typo.stderr.hasPrefix("error: unknown command 'valgrnd': did you mean valgrind?"), "\(typo.stderr)")
    }
}
