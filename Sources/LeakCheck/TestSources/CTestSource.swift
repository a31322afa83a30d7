import Foundation

/// The tests of a CMake build tree, read with `ctest --show-only=json-v1`:
/// each test's command, working directory, environment, `WILL_FAIL`,
/// `DISABLED`, `TIMEOUT` and labels are honoured. With `--cmake-source` the
/// tree is configured and built first, one per checker (instrumented for
/// sanitizers, with the clang whose ASan runtime pairs with rustc's).
struct CTestSource: TestSource {
    enum Tree: Sendable {
        /// `--ctest BUILD_DIR`: an existing build tree.
        case existing(String)
        /// `--cmake-source DIR`: configure and build into `buildRoot/cmake-<checker>`.
        case source(dir: String, buildRoot: String, cmakeArgs: [String])
    }
    let tree: Tree
    /// ctest's own selection, passed through (`-R pat -E pat -L label`).
    let selection: [String]
    var kind: RunSource { .ctest }

    func unavailability(for driver: any CheckerDriver, context: RunContext) -> String? { nil }

    func prepare(for driver: any CheckerDriver, context: RunContext) -> SourcePreparation {
        var prep = SourcePreparation()
        for tool in ["cmake", "ctest"] where ExecutableLocator.resolve(tool, environment: context.environment) == nil {
            prep.failures.append(
                failedStep(
                    driver, executable: tool, reason: "\(tool) not found on PATH (install it: apt-get install cmake)"))
            return prep
        }
        let runDir = (context.logsDir as NSString).appendingPathComponent(driver.checker.rawValue)
        let buildDir: String
        var sourceDir: String?
        switch tree {
        case .existing(let dir):
            buildDir = dir
        case .source(let dir, let buildRoot, let cmakeArgs):
            sourceDir = dir
            buildDir = CMakeInvocation.defaultBuildDirectory(under: buildRoot, checker: driver.checker)
            if let failure = configureAndBuild(
                source: dir, buildDir: buildDir, cmakeArgs: cmakeArgs, driver: driver, runDir: runDir, context: context)
            {
                prep.failures.append(failure)
                return prep
            }
        }
        let listing = (runDir as NSString).appendingPathComponent(Job.safeLabel("ctest-list-\(buildDir)") + ".json")
        let listArgv = CTestListing.listArguments(selection: selection)
        let outcome: ProcessOutcome
        do {
            outcome = try context.supervisor.run(
                ProcessSpec(
                    executable: listArgv[0], arguments: Array(listArgv.dropFirst()), environment: context.environment,
                    workingDirectory: buildDir, stdoutPath: listing, stderrPath: listing + ".stderr", timeout: 120))
        } catch {
            prep.failures.append(failedStep(driver, executable: "ctest", arguments: listArgv, reason: "\(error)"))
            return prep
        }
        let cases: [CTestCase]
        do {
            guard outcome.succeeded, let data = FileManager.default.contents(atPath: listing) else {
                throw ParseError(
                    file: buildDir,
                    "ctest --show-only=json-v1 failed (\(outcome.description)): is it a CMake build tree with enable_testing()?"
                )
            }
            cases = try CTestListing.parse(data: data, source: listing)
        } catch {
            prep.failures.append(
                failedStep(driver, executable: "ctest", arguments: listArgv, reason: "\(error)", logFiles: [listing]))
            return prep
        }
        if cases.isEmpty {
            prep.failures.append(
                failedStep(
                    driver, executable: "ctest", arguments: listArgv,
                    reason:
                        "ctest lists no tests in \(buildDir)\(selection.isEmpty ? "" : " for \(selection.joined(separator: " "))")"
                ))
        }
        // A test's own sources are caller code: the project's source dir
        // (from --cmake-source, or what an existing tree records: see sourceRoots).
        let roots =
            sourceDir.map { [$0] }
            ?? Self.sourceRoots(buildDir: buildDir, programs: cases.compactMap(\.command.first))
        for root in roots { context.addOwnCode(root: root) }
        for tree in Self.buildTrees(buildDir: buildDir, programs: cases.compactMap(\.command.first)) {
            context.addOwnObjects(root: tree)
        }
        for test in cases {
            if test.disabled {
                context.diagnostics.note("ctest \(test.name): DISABLED, not run")
                continue
            }
            guard let program = test.command.first else {
                prep.failures.append(
                    failedStep(driver, executable: test.name, reason: "ctest test \(test.name) has no command"))
                continue
            }
            if let flavor = driver.sanitizer {
                let resolved =
                    program.hasPrefix("/")
                    ? program : ExecutableLocator.resolve(program, environment: context.environment)
                if resolved == nil || !driver.isInstrumented(resolved!) {
                    var failure = failedStep(
                        driver, executable: program, arguments: Array(test.command.dropFirst()),
                        reason:
                            "ctest test \(test.name): \(program) is not built with \(driver.checker.displayName), so it would pass without being checked (compile and link it with \(flavor.cFlag) -fno-omit-frame-pointer, or let the tool build it: --cmake-source DIR)"
                    )
                    failure.test = test.name
                    failure.target = test.name
                    prep.failures.append(failure)
                    continue
                }
            }
            var job = Job(
                source: .ctest, program: program, arguments: Array(test.command.dropFirst()), test: test.name,
                featureSet: nil, isLibtest: false, label: Job.safeLabel("ctest-\(test.name)"), target: test.name)
            job.workingDirectory = test.workingDirectory ?? buildDir
            job.environment = test.environment
            job.expectFailure = test.willFail
            job.timeout = test.timeout.flatMap { $0 > 0 ? $0 : nil } ?? context.options.timeout
            prep.jobs.append(job)
        }
        return prep
    }

    /// `cmake -S … -B …` then `cmake --build …`, logged under the run dir.
    func configureAndBuild(
        source: String, buildDir: String, cmakeArgs: [String], driver: any CheckerDriver, runDir: String,
        context: RunContext
    ) -> RunResult? {
        let libDir = context.products.withLock { $0["crate_lib_dir:\(driver.checker.rawValue)"] }
        // The clang of the Swift/LLVM toolchain shares compiler-rt with rustc's
        // runtime; gcc's libasan prints v0-mangled, relative frames (c_tests/README.md).
        // A checker may name its own compilers (tsan: gcc, whose libtsan links plain C).
        let own = driver.cCompilers.map {
            (ExecutableLocator.resolve($0.c, environment: context.environment),
             ExecutableLocator.resolve($0.cxx, environment: context.environment))
        }
        let cc = own?.0 ?? (driver.sanitizer != nil ? ExecutableLocator.resolve("clang", environment: context.environment) : nil)
        let cxx = own?.1 ?? cc.map { ($0 as NSString).deletingLastPathComponent + "/clang++" }.flatMap {
            FileManager.default.isExecutableFile(atPath: $0) ? $0 : nil
        }
        let invocation = CMakeInvocation(
            sourceDirectory: source, buildDirectory: buildDir, checker: driver.checker, arguments: cmakeArgs,
            cCompiler: cc, cxxCompiler: cxx, jobs: context.options.jobs)
        let configure: [String]
        do { configure = try invocation.configureArguments(crateLibDir: libDir) } catch {
            return failedStep(driver, executable: "cmake", reason: "\(error)")
        }
        for (step, argv) in [("configure", configure), ("build", invocation.buildArguments())] {
            if context.isInterrupted { return failedStep(driver, executable: "cmake", reason: "interrupted") }
            let log = (runDir as NSString).appendingPathComponent("cmake-\(step).log")
            context.console.progress("\(driver.checker.displayName): \(argv.joined(separator: " "))")
            let progress = BuildProgress.start("cmake \(step)", tailing: log, console: context.console)
            let outcome: ProcessOutcome
            do {
                outcome = try context.supervisor.run(
                    ProcessSpec(
                        executable: argv[0], arguments: Array(argv.dropFirst()), environment: context.environment,
                        stdoutPath: log, stderrPath: log, timeout: nil))
            } catch {
                return failedStep(driver, executable: "cmake", arguments: argv, reason: "\(error)")
            }
            if outcome.succeeded { progress.finish() }
            if !outcome.succeeded {
                let text = FileManager.default.contents(atPath: log).map { String(decoding: $0, as: UTF8.self) } ?? ""
                let lines = text.split(separator: "\n").filter { $0.contains("rror") }.prefix(5)
                context.console.error("cmake \(step) failed (\(outcome.description)):")
                for l in lines { context.console.progress("  " + l) }
                return failedStep(
                    driver, executable: "cmake", arguments: argv, exitCode: outcome.exitCode,
                    reason: "cmake \(step) failed: \(lines.first.map(String.init) ?? outcome.description)",
                    logFiles: [log])
            }
        }
        return nil
    }

    /// The source directories of an existing build tree, own code for
    /// over-broad detection: the `# Source directory:` its `CTestTestfile.cmake`
    /// names, the `CMAKE_HOME_DIRECTORY` of the tree it belongs to (`--ctest` may
    /// name a subdirectory of a tree: `CMakeCache.txt` is only at its top), and
    /// the same for every build tree a test's program was built in. Each also
    /// with symlinks resolved, as debug info may name either.
    static func sourceRoots(buildDir: String, programs: [String]) -> [String] {
        var roots: [String] = []
        func add(_ dir: String?) {
            guard let dir, dir.hasPrefix("/") else { return }
            for d in [dir, (dir as NSString).resolvingSymlinksInPath] where !roots.contains(d) { roots.append(d) }
        }
        let absoluteBuild = AbsolutePath.of(buildDir)
        add(testfileSourceDirectory(buildDir: absoluteBuild))
        add(enclosingTree(of: absoluteBuild).flatMap { cmakeHomeDirectory(buildDir: $0) })
        for program in programs where program.hasPrefix("/") {
            add(
                enclosingTree(of: (program as NSString).deletingLastPathComponent).flatMap {
                    cmakeHomeDirectory(buildDir: $0)
                })
        }
        return roots
    }

    /// The build trees the tests come from: the tree `buildDir` is in (or
    /// `buildDir` itself) and the tree of every test program.
    static func buildTrees(buildDir: String, programs: [String]) -> [String] {
        let absoluteBuild = AbsolutePath.of(buildDir)
        var trees = [enclosingTree(of: absoluteBuild) ?? absoluteBuild]
        for program in programs where program.hasPrefix("/") {
            if let t = enclosingTree(of: (program as NSString).deletingLastPathComponent), !trees.contains(t) {
                trees.append(t)
            }
        }
        return trees
    }

    /// The nearest directory at or above `dir` holding a `CMakeCache.txt`.
    static func enclosingTree(of dir: String) -> String? {
        var d = dir
        for _ in 0..<64 {
            if FileManager.default.fileExists(atPath: (d as NSString).appendingPathComponent("CMakeCache.txt")) {
                return d
            }
            let up = (d as NSString).deletingLastPathComponent
            if up == d || up.isEmpty { return nil }
            d = up
        }
        return nil
    }

    /// `# Source directory: DIR` in the header cmake writes to `CTestTestfile.cmake`.
    static func testfileSourceDirectory(buildDir: String) -> String? {
        let file = (buildDir as NSString).appendingPathComponent("CTestTestfile.cmake")
        guard let handle = FileHandle(forReadingAtPath: file) else { return nil }
        defer { try? handle.close() }
        let head = String(decoding: (try? handle.read(upToCount: 4096)) ?? Data(), as: UTF8.self)
        for line in head.split(separator: "\n").prefix(5) where line.hasPrefix("# Source directory: ") {
            return String(line.dropFirst("# Source directory: ".count))
        }
        return nil
    }

    /// The project's source dir an existing build tree was configured from.
    static func cmakeHomeDirectory(buildDir: String) -> String? {
        let cache = (buildDir as NSString).appendingPathComponent("CMakeCache.txt")
        guard let data = FileManager.default.contents(atPath: cache) else { return nil }
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n")
        where line.hasPrefix("CMAKE_HOME_DIRECTORY:") {
            if let eq = line.firstIndex(of: "=") { return String(line[line.index(after: eq)...]) }
        }
        return nil
    }
}
