/// Turns the process's argv into the arguments `Options.parse` reads.
///
/// Cargo runs an external subcommand `cargo leakcheck valgrind …` as
/// `cargo-leakcheck leakcheck valgrind …`: the subcommand's own name comes first.
/// Installed as (or linked to) `cargo-leakcheck`, the tool drops that word so the
/// rest reads exactly as `moq-leakcheck valgrind …`.
public enum ArgvNormalizer {
    /// The name cargo looks up on PATH for `cargo leakcheck`.
    public static let cargoSubcommandProgram = "cargo-leakcheck"

    /// `argv` is the full vector, program path first (`CommandLine.arguments`).
    /// Returns the arguments without the program path.
    public static func arguments(fromArgv argv: [String]) -> [String] {
        guard let program = argv.first else { return [] }
        return arguments(Array(argv.dropFirst()), program: program)
    }

    /// `arguments` excludes the program; `program` is argv[0] as the shell or cargo
    /// gave it. A symlink keeps its own name in argv[0] (unlike /proc/self/exe), so
    /// `bin/cargo-leakcheck -> moq-leakcheck` is recognised.
    public static func arguments(_ arguments: [String], program: String) -> [String] {
        let name = program.split(separator: "/").last.map(String.init) ?? program
        if isCargoSubcommand(programName: name), arguments.first == "leakcheck" {
            return Array(arguments.dropFirst())
        }
        return arguments
    }

    /// True when argv[0]'s file name is `cargo-leakcheck`.
    public static func isCargoSubcommand(programName name: String) -> Bool { name == cargoSubcommandProgram }
}
