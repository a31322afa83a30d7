import LeakCheck

#if canImport(Glibc)
    import Glibc
#endif

// The executable is a thin shell: everything that decides lives in LeakCheck.
// The supervisor re-executes this binary as its exec trampoline and orphan watchdog: route those first.
ExecTrampoline.runIfRequested(CommandLine.arguments)
InterruptHandler.install()
exit(Application.main(arguments: Array(CommandLine.arguments.dropFirst())))
