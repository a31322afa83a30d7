#ifndef MOQ_LEAKCHECK_CSPAWN_H
#define MOQ_LEAKCHECK_CSPAWN_H

#include <sys/types.h>

/// What `cspawn` starts: every string is the caller's, resolved beforehand (the
/// child calls nothing that may allocate, so no PATH search happens there).
typedef struct {
    /// Absolute or relative path of the program, as `execve` takes it.
    const char *path;
    /// NULL-terminated argv and envp.
    char *const *argv;
    char *const *envp;
    /// Opened O_WRONLY|O_CREAT|O_TRUNC|O_APPEND 0644 as fd 1 (NULL: "/dev/null").
    const char *stdout_path;
    /// As stdout, as fd 2; NULL: a copy of fd 1.
    const char *stderr_path;
    /// Descriptor made the child's stdin (-1: /dev/null).
    int stdin_fd;
    /// chdir before exec (NULL: stay).
    const char *working_directory;
    /// PR_SET_PDEATHSIG signal (0: none): the child gets it when the calling
    /// thread exits, the tool's death included.
    int death_signal;
} cspawn_spec;

/// The step of the child's set-up that failed (`*failed_step` of `cspawn`).
enum {
    CSPAWN_STEP_NONE = 0,
    CSPAWN_STEP_FORK = 1,
    CSPAWN_STEP_STDIN = 2,
    CSPAWN_STEP_STDOUT = 3,
    CSPAWN_STEP_STDERR = 4,
    CSPAWN_STEP_CHDIR = 5,
    CSPAWN_STEP_PARENT_GONE = 6,
    CSPAWN_STEP_EXEC = 7,
    CSPAWN_STEP_CHANNEL = 8,
    CSPAWN_STEP_SETUP = 9,
};

/// fork, then in the child only async-signal-safe calls: a new process group led
/// by the child,
/// default dispositions for every signal and an empty mask, the three standard
/// descriptors, the working directory, the parent-death signal (and a check that
/// the parent is still the caller), execve. Returns 0 with `*pid` set, or the
/// errno of the step that failed (`*failed_step`), the child already reaped.
int cspawn(const cspawn_spec *spec, pid_t *pid, int *failed_step);

#endif
