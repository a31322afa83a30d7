import LeakCheck

#if canImport(Glibc)
    import Glibc
#endif

// The executable is a thin shell: everything that decides lives in LeakCheck.
// A child spawned through the exec trampoline sets PR_SET_PDEATHSIG and execs here.
ExecTrampoline.runIfRequested(CommandLine.arguments)
let supervisor = Supervisor()
InterruptHandler.install(supervisor)
exit(Application.main(arguments: Array(CommandLine.arguments.dropFirst()), supervisor: supervisor))
