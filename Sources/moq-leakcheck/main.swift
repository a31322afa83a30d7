import LeakCheck

#if canImport(Glibc)
    import Glibc
#endif

// The executable is a thin shell: everything that decides lives in LeakCheck.
// The orphan watchdog the supervisor starts is this binary with a hidden flag.
HelperProcess.runIfRequested(CommandLine.arguments)
let supervisor = Supervisor()
InterruptHandler.install(supervisor)
exit(Application.main(arguments: Array(CommandLine.arguments.dropFirst()), supervisor: supervisor))
