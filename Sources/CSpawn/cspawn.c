// The one piece of C in the tool: starting a child with PR_SET_PDEATHSIG set,
// which posix_spawn has no attribute for. Before this, the tool spawned its own
// Swift binary as an exec trampoline to call prctl, at ~10 ms of dynamic linking
// per child (scripts/bench/RESULTS.md, P2). Forking a Swift process and running
// Swift in the child is unsafe (locks held by other threads); this file's child
// path calls only async-signal-safe functions, the way posix_spawn's does.
#define _GNU_SOURCE
#include "cspawn.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

static void report(int channel, int step, int code) {
    int message[2] = {step, code};
    ssize_t ignored = write(channel, message, sizeof message);
    (void)ignored;
    _exit(127);
}

/// Puts `path` (opened with `flags`) on descriptor `target`.
static int place(const char *path, int flags, int target) {
    int fd = open(path, flags | O_CLOEXEC, 0644);
    if (fd < 0) return -1;
    if (fd == target) return fcntl(fd, F_SETFD, 0);  // it must survive the exec
    if (dup2(fd, target) < 0) return -1;  // dup2 clears close-on-exec on the copy
    close(fd);
    return 0;
}

static void child(const cspawn_spec *s, pid_t parent, int channel, const sigset_t *none) {
    if (setpgid(0, 0) != 0) report(channel, CSPAWN_STEP_SETUP, errno);
    struct sigaction dfl;
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    for (int sig = 1; sig < NSIG; sig++) {
        if (sig == SIGKILL || sig == SIGSTOP) continue;
        (void)sigaction(sig, &dfl, NULL);  // fails harmlessly for glibc's reserved signals
    }
    if (s->stdin_fd >= 0) {
        int rc = s->stdin_fd == 0 ? fcntl(0, F_SETFD, 0) : dup2(s->stdin_fd, 0);
        if (rc < 0) report(channel, CSPAWN_STEP_STDIN, errno);
    } else if (place("/dev/null", O_RDONLY, 0) != 0) {
        report(channel, CSPAWN_STEP_STDIN, errno);
    }
    // O_NOFOLLOW: a symlink planted at a log path is never written through (the spawn fails
    // with ELOOP, and the run says so); the tool makes these files, never links.
    const int out = O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_NOFOLLOW;
    if (place(s->stdout_path ? s->stdout_path : "/dev/null", out, 1) != 0) report(channel, CSPAWN_STEP_STDOUT, errno);
    if (s->stderr_path) {
        if (place(s->stderr_path, out, 2) != 0) report(channel, CSPAWN_STEP_STDERR, errno);
    } else if (dup2(1, 2) < 0) {
        report(channel, CSPAWN_STEP_STDERR, errno);
    }
    if (s->working_directory && chdir(s->working_directory) != 0) report(channel, CSPAWN_STEP_CHDIR, errno);
    if (s->death_signal > 0) {
        if (prctl(PR_SET_PDEATHSIG, s->death_signal, 0, 0, 0) != 0) report(channel, CSPAWN_STEP_SETUP, errno);
        // The tool may have died before the death signal was armed: then nobody is
        // left to supervise this run, so it must not start.
        if (getppid() != parent) report(channel, CSPAWN_STEP_PARENT_GONE, ESRCH);
    }
    (void)sigprocmask(SIG_SETMASK, none, NULL);
    execve(s->path, s->argv, s->envp);
    report(channel, CSPAWN_STEP_EXEC, errno);
}

int cspawn(const cspawn_spec *spec, pid_t *pid, int *failed_step) {
    *failed_step = CSPAWN_STEP_NONE;
    int channel[2];
    if (pipe2(channel, O_CLOEXEC) != 0) {
        *failed_step = CSPAWN_STEP_CHANNEL;
        return errno;
    }
    // No handler of the tool's may run in the child before its dispositions are
    // reset: every signal stays blocked across the fork in both processes.
    sigset_t all, saved, none;
    sigfillset(&all);
    sigemptyset(&none);
    pthread_sigmask(SIG_SETMASK, &all, &saved);
    pid_t parent = getpid();
    pid_t child_pid = fork();
    if (child_pid == 0) {
        close(channel[0]);
        child(spec, parent, channel[1], &none);
    }
    int fork_errno = errno;
    pthread_sigmask(SIG_SETMASK, &saved, NULL);
    close(channel[1]);
    if (child_pid < 0) {
        close(channel[0]);
        *failed_step = CSPAWN_STEP_FORK;
        return fork_errno;
    }
    // End of file: the exec happened (the channel was close-on-exec). Eight bytes:
    // the step and errno of the set-up that failed; the child has exited.
    int message[2] = {0, 0};
    size_t got = 0;
    while (got < sizeof message) {
        ssize_t r = read(channel[0], (char *)message + got, sizeof message - got);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) break;
        got += (size_t)r;
    }
    close(channel[0]);
    if (got == sizeof message) {
        int status;
        while (waitpid(child_pid, &status, 0) < 0 && errno == EINTR) {}
        *failed_step = message[0];
        return message[1] ? message[1] : EIO;
    }
    *pid = child_pid;
    return 0;
}
