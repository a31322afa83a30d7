import Foundation
import Testing

@testable import LeakCheck

/// What `quick` refuses to preload into, on binaries built here by the real
/// compilers and cargo: a refusal is an incomplete run, never a clean one.
@Suite(.serialized) struct QuickEligibilityTests {
    init() throws {
        try Tool.require("cc", install: "apt-get install gcc")
        try Tool.require("cargo", install: "install Rust with rustup")
    }

    @Test func aDynamicCProgramIsEligible() throws {
        let exe = try Tool.compileC("leaks")
        #expect(PreloadEligibility.refusal(forBinaryAt: exe) == nil)
    }

    @Test func aStaticCProgramIsRefused() throws {
        let exe = try Tool.compileC("leaks", flags: ["-static"])
        let why = try #require(PreloadEligibility.refusal(forBinaryAt: exe))
        #expect(why.contains("statically linked"), "\(why)")
    }

    @Test func aSanitizerBuildIsRefused() throws {
        let exe = try Tool.compileC("leaks", flags: ["-fsanitize=address"])
        let why = try #require(PreloadEligibility.refusal(forBinaryAt: exe))
        #expect(why.contains("already built with a sanitizer"), "\(why)")
    }

    /// A symbol table whose size field is absurd (a damaged or hostile binary) is read
    /// as far as the file goes: an answer, never a loop over 2^62 entries.
    @Test(.timeLimit(.minutes(1))) func aSymbolTableSizeBeyondTheFileIsBounded() throws {
        var data = try Data(contentsOf: URL(fileURLWithPath: try Tool.compileC("leaks")))
        let elf = try #require(ELFFile(data))
        let shoff = try #require(elf.read(0x28, 8)), size = try #require(elf.read(0x3a, 2))
        let count = try #require(elf.read(0x3c, 2))
        let symtab = try #require((0..<count).map { shoff + $0 * size }.first { elf.read($0 + 4, 4) == 2 })
        withUnsafeBytes(of: UInt64(1 << 62).littleEndian) { data.replaceSubrange((symtab + 0x20)..<(symtab + 0x28), with: $0) }
        let names = try #require(ELFFile(data)).symbolNames()
        #expect(names.contains("main"))
        #expect(PreloadEligibility.refusal(elf: data, name: "leaks") == nil)
    }

    @Test func aScriptIsNotInspected() throws {
        let dir = Tool.tempDir("quick-script")
        let script = dir + "/run.sh"
        try "#!/bin/sh\nexit 0\n".write(toFile: script, atomically: true, encoding: .utf8)
        #expect(PreloadEligibility.refusal(forBinaryAt: script) == nil)
    }

    /// Builds a fixture crate's test executables on the stable toolchain; their paths.
    static func testExecutables(_ crate: String) throws -> [String] {
        let dir = Tool.tempDir("quick-cargo")
        let manifest = Tool.fixtures.appendingPathComponent("\(crate)/Cargo.toml").path
        let out = dir + "/messages.json"
        let r = try Supervisor().run(
            ProcessSpec(
                executable: "cargo",
                arguments: [
                    "test", "--no-run", "--message-format=json", "--manifest-path", manifest, "--target-dir",
                    dir + "/target",
                ], stdoutPath: out, stderrPath: dir + "/stderr.txt"))
        #expect(r.exitCode == 0, "\((try? String(contentsOfFile: dir + "/stderr.txt", encoding: .utf8)) ?? "")")
        let text = try String(contentsOfFile: out, encoding: .utf8)
        return CargoBuildMessages.parse(text).executables.map(\.path)
    }

    @Test func aCustomGlobalAllocatorIsRefusedAndTheDefaultOneIsNot() throws {
        let arena = try Self.testExecutables("arena_alloc")
        #expect(!arena.isEmpty)
        for exe in arena {
            let why = try #require(PreloadEligibility.refusal(forBinaryAt: exe))
            #expect(why.contains("#[global_allocator]") && why.contains("arena_alloc::Arena"), "\(why)")
        }
        let plain = try Self.testExecutables("moq_ffi")
        #expect(!plain.isEmpty)
        for exe in plain { #expect(PreloadEligibility.refusal(forBinaryAt: exe) == nil, "\(exe)") }
    }

    @Test func theRuntimeIsFoundFromTheCompilers() throws {
        let env = ProcessInfo.processInfo.environment
        let rt = try #require(PreloadRuntime.find(environment: env, supervisor: Supervisor()))
        #expect(rt.path.hasPrefix("/") && FileManager.default.isReadableFile(atPath: rt.path))
        // A compiler that does not have the runtime answers its bare name: the next one is asked.
        let fallback = PreloadRuntime.find(environment: env) { compiler, file in
            compiler == "clang" ? file : (compiler == "cc" ? rt.path : nil)
        }
        #expect(fallback == PreloadRuntime(path: rt.path, compiler: "cc"))
        #expect(PreloadRuntime.find(environment: env) { _, file in file } == nil)
    }

    /// The runtime read from clang's layout is the file clang itself names; a layout with
    /// two versions is not guessed from (clang is asked).
    @Test func clangsResourceDirectoryIsReadAsClangAnswers() throws {
        let env = ProcessInfo.processInfo.environment
        let clang = try #require(ExecutableLocator.resolve("clang", environment: env), "clang (the Swift toolchain's)")
        let file = "libclang_rt.asan-x86_64.so"
        let asked = try #require(Capture.run(clang, ["-print-file-name=\(file)"], environment: env))
        let read = try #require(PreloadRuntime.resourceDirectoryFile(clang: clang, file: file))
        #expect(
            (read as NSString).standardizingPath
                == (asked.output.trimmingCharacters(in: .whitespacesAndNewlines) as NSString).standardizingPath)

        let dir = Tool.tempDir("clang-layout")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let fm = FileManager.default
        try fm.createDirectory(atPath: dir + "/bin", withIntermediateDirectories: true)
        _ = fm.createFile(atPath: dir + "/bin/clang", contents: Data())
        for version in ["20", "21"] {
            try fm.createDirectory(atPath: "\(dir)/lib/clang/\(version)/lib/linux", withIntermediateDirectories: true)
            _ = fm.createFile(atPath: "\(dir)/lib/clang/\(version)/lib/linux/\(file)", contents: Data())
        }
        #expect(PreloadRuntime.resourceDirectoryFile(clang: dir + "/bin/clang", file: file) == nil)
        try fm.removeItem(atPath: dir + "/lib/clang/20")
        #expect(PreloadRuntime.resourceDirectoryFile(clang: dir + "/bin/clang", file: file) == dir + "/lib/clang/21/lib/linux/" + file)
    }
}
