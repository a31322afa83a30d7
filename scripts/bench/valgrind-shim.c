/* valgrind-shim.c - used by p1-overhead.sh to see where moq-leakcheck's own time goes.
 * Installed as `valgrind` first on PATH: logs "START END" (CLOCK_REALTIME seconds) to the file
 * named by $SHIM_LOG, where START is when the tool launched it and END when the real valgrind
 * (forked, so the log can be written afterwards) exited; exits with valgrind's status.
 * Build: cc -O2 -DREAL_VALGRIND='"/usr/bin/valgrind"' -o valgrind valgrind-shim.c */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef REAL_VALGRIND
#define REAL_VALGRIND "/usr/bin/valgrind"
#endif

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    (void)argc;
    double start = now();
    pid_t pid = fork();
    if (pid == 0) {
        argv[0] = "valgrind";
        execv(REAL_VALGRIND, argv);
        _exit(127);
    }
    int status = 0;
    if (pid < 0 || waitpid(pid, &status, 0) < 0) return 126;
    double end = now();
    const char *log = getenv("SHIM_LOG");
    FILE *f = log ? fopen(log, "a") : NULL;
    if (f) {
        fprintf(f, "%.6f %.6f\n", start, end);
        fclose(f);
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
