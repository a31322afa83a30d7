/// The answers that need no target: help and version. Application calls this right
/// after `Options.parse` so every command's `--help` and `help COMMAND` print that
/// command's help.
public enum FrontEnd {
    /// Prints the requested help or version and returns exit 0; nil when the run goes on.
    public static func respond(to options: Options, console: Console) -> Int32? {
        if options.showHelp {
            console.out(Options.helpText(for: options.helpTopic))
            return ExitCode.clean
        }
        if options.showVersion {
            console.out("moq-leakcheck \(LeakCheckVersion.string)")
            return ExitCode.clean
        }
        return nil
    }
}
