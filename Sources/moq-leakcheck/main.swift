import LeakCheck

#if canImport(Glibc)
    import Glibc
#endif

// The executable is a thin shell: everything that decides lives in LeakCheck.
let supervisor = Supervisor()
InterruptHandler.install(supervisor)
exit(Application.main(arguments: Array(CommandLine.arguments.dropFirst()), supervisor: supervisor))
