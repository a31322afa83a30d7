import Foundation

/// One program given after `--` (a C test executable, say).
struct CommandSource: TestSource {
    let argv: [String]
    var kind: RunSource { .command }

    func unavailability(for driver: any CheckerDriver, context: RunContext) -> String? {
        guard let flavor = driver.sanitizer else { return nil }
        guard let path = ExecutableLocator.resolve(argv[0], environment: context.environment) else {
            return "\(argv[0]) not found"
        }
        if !driver.isInstrumented(path) {
            return "\(argv[0]) is not built with a sanitizer (compile it with \(flavor.cFlag))"
        }
        return nil
    }

    func prepare(for driver: any CheckerDriver, context: RunContext) -> SourcePreparation {
        context.addOwnCode(root: FileManager.default.currentDirectoryPath)
        let name = (argv[0] as NSString).lastPathComponent
        context.console.progress("\(driver.checker.displayName): running \(argv.joined(separator: " "))")
        return SourcePreparation(jobs: [
            Job(
                source: .command, program: argv[0], arguments: Array(argv.dropFirst()), test: nil, featureSet: nil,
                isLibtest: false, label: Job.safeLabel(name), target: name)
        ])
    }
}
