/// The two commands that turn `--cmake-source DIR [--cmake-arg ARG…]` into a Debug
/// build tree for one checker: `cmake -S DIR -B BUILD …` then `cmake --build BUILD`.
/// Pure: it only builds argv arrays (the caller runs them, never through a shell).
public struct CMakeInvocation: Sendable, Hashable {
    /// The placeholder a `--cmake-arg` may hold for the directory of the crate's freshly
    /// built `cdylib`/`staticlib` (moq-ffi: `-DMOQFFI_LIB_DIR={crate_lib_dir}`).
    public static let crateLibDirPlaceholder = "{crate_lib_dir}"

    /// Flags the cache variables get for a sanitizer: instrumented code, frames a leak
    /// stack can walk, and debug info for file:line.
    public static func sanitizerFlags(for checker: Checker) -> [String] {
        CheckerRegistry.definition(checker).cmakeFlags
    }

    /// The compile-flag cache variables that get the sanitizer flags.
    static let compileFlagVariables = ["CMAKE_C_FLAGS", "CMAKE_CXX_FLAGS"]
    /// The link-flag cache variables: executables link the sanitizer runtime, which the
    /// Rust cdylib expects the executable to provide; shared/module libraries of the
    /// project get it too so every object agrees.
    static let linkFlagVariables = ["CMAKE_EXE_LINKER_FLAGS", "CMAKE_SHARED_LINKER_FLAGS", "CMAKE_MODULE_LINKER_FLAGS"]

    public var cmake: String
    /// The CMake project (`--cmake-source`).
    public var sourceDirectory: String
    /// Where the tree is built (`target/moq-leakcheck/cmake-<checker>` or under the report dir).
    public var buildDirectory: String
    public var checker: Checker
    /// The user's `--cmake-arg`s, in order, before `{crate_lib_dir}` is replaced.
    public var arguments: [String]
    /// `CMAKE_C_COMPILER`; nil leaves CMake's choice. For asan/lsan this should be the
    /// clang whose sanitizer runtime pairs with rustc's (see c_tests/README.md).
    public var cCompiler: String?
    /// `CMAKE_CXX_COMPILER`; nil leaves CMake's choice.
    public var cxxCompiler: String?
    /// `cmake --build --parallel N`; nil lets the generator decide.
    public var jobs: Int?

    public init(
        cmake: String = "cmake", sourceDirectory: String, buildDirectory: String, checker: Checker,
        arguments: [String] = [], cCompiler: String? = nil, cxxCompiler: String? = nil, jobs: Int? = nil
    ) {
        self.cmake = cmake
        self.sourceDirectory = sourceDirectory
        self.buildDirectory = buildDirectory
        self.checker = checker
        self.arguments = arguments
        self.cCompiler = cCompiler
        self.cxxCompiler = cxxCompiler
        self.jobs = jobs
    }

    /// `<root>/cmake-<checker>`: one tree per checker, so an instrumented and a plain
    /// build never share object files.
    public static func defaultBuildDirectory(under root: String, checker: Checker) -> String {
        (root.hasSuffix("/") ? root : root + "/") + "cmake-\(checker.rawValue)"
    }

    /// `cmake -S SRC -B BUILD -DCMAKE_BUILD_TYPE=Debug [-DCMAKE_C_COMPILER=…]
    /// [sanitizer flag variables] USER-ARGS…`.
    ///
    /// The user's arguments come last, so their `-D`s win (cmake keeps the last one),
    /// except that a user `-DCMAKE_C_FLAGS=…` (or any of the flag variables) gets the
    /// sanitizer flags appended instead of replacing them: an uninstrumented build under
    /// asan would otherwise pass silently. Throws when an argument holds
    /// `{crate_lib_dir}` and no crate library directory is known.
    public func configureArguments(crateLibDir: String?) throws -> [String] {
        let user = try arguments.map { try Self.substitute($0, crateLibDir: crateLibDir) }
        var argv = [cmake, "-S", sourceDirectory, "-B", buildDirectory, "-DCMAKE_BUILD_TYPE=Debug"]
        if let cCompiler { argv.append("-DCMAKE_C_COMPILER=\(cCompiler)") }
        if let cxxCompiler { argv.append("-DCMAKE_CXX_COMPILER=\(cxxCompiler)") }
        let sanitizer = Self.sanitizerFlags(for: checker)
        let linkFlags = sanitizer.filter { $0.hasPrefix("-fsanitize=") }
        var merged: [String] = []
        if !sanitizer.isEmpty {
            for variable in Self.compileFlagVariables + Self.linkFlagVariables {
                let flags = Self.compileFlagVariables.contains(variable) ? sanitizer : linkFlags
                let userValue = user.lazy.compactMap { Self.definition(of: variable, in: $0) }.last
                if userValue == nil { argv.append("-D\(variable)=\(flags.joined(separator: " "))") }
                merged.append(variable)
            }
        }
        for arg in user {
            if let variable = merged.first(where: { Self.definition(of: $0, in: arg) != nil }),
                let value = Self.definition(of: variable, in: arg)
            {
                let flags = Self.compileFlagVariables.contains(variable) ? sanitizer : linkFlags
                let joined = ([value].filter { !$0.isEmpty } + flags).joined(separator: " ")
                argv.append("\(Self.definitionPrefix(of: variable, in: arg)!)\(joined)")
            } else {
                argv.append(arg)
            }
        }
        return argv
    }

    /// `cmake --build BUILD [--parallel N]`.
    public func buildArguments() -> [String] {
        var argv = [cmake, "--build", buildDirectory]
        if let jobs { argv += ["--parallel", String(jobs)] }
        return argv
    }

    /// Replaces every `{crate_lib_dir}` in one argument.
    public static func substitute(_ argument: String, crateLibDir: String?) throws -> String {
        guard argument.contains(crateLibDirPlaceholder) else { return argument }
        guard let crateLibDir else { throw CMakeArgumentError.noCrateLibrary(argument: argument) }
        return argument.replacingOccurrences(of: crateLibDirPlaceholder, with: crateLibDir)
    }

    /// `-DVAR=value` / `-DVAR:TYPE=value` → `-DVAR=` / `-DVAR:TYPE=` (what precedes the value).
    static func definitionPrefix(of variable: String, in argument: String) -> String? {
        let head = "-D" + variable
        guard argument.hasPrefix(head) else { return nil }
        let rest = argument.dropFirst(head.count)
        if rest.hasPrefix("=") { return head + "=" }
        if rest.hasPrefix(":"), let eq = rest.firstIndex(of: "=") { return head + rest[..<eq] + "=" }
        return nil
    }

    /// The value a `-DVAR=value` argument gives `variable`, or nil when it sets another.
    static func definition(of variable: String, in argument: String) -> String? {
        guard let prefix = definitionPrefix(of: variable, in: argument) else { return nil }
        return String(argument.dropFirst(prefix.count))
    }
}

/// A `--cmake-arg` the tool cannot use; `description` is the one-line message (exit 2).
public enum CMakeArgumentError: Error, CustomStringConvertible, Equatable, Sendable {
    case noCrateLibrary(argument: String)

    public var description: String {
        switch self {
        case .noCrateLibrary(let argument):
            return
                "--cmake-arg \(argument) uses {crate_lib_dir}, but no crate is built in this run (give --manifest-path)"
        }
    }
}
