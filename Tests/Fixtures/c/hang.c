/* hang.c [MODE] - never exits. Forks one child that also sleeps forever (pause()), then prints
 * "parent PID\nchild PID\n" on stdout (flushed), so a test can check that stopping the run
 * stops both. MODE:
 *   (none)       both keep the default signal actions: SIGTERM or SIGKILL to the group ends both.
 *   ignore-term  both ignore SIGTERM (to test escalation to SIGKILL).
 *   setsid       the child calls setsid() first: it leaves the process group and the session, so
 *                a kill(-pgid) no longer reaches it; its parent is still this program.
 *   daemon       double fork: the child calls setsid(), forks the grandchild that pauses and exits
 *                at once, so the grandchild (printed as "child") is re-parented to the nearest
 *                subreaper (or init) while this program still runs.
 * "child" is printed only once it has left the group (setsid, daemon). */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv) {
    const char *mode = argc > 1 ? argv[1] : "";
    int detach = strcmp(mode, "setsid") == 0 || strcmp(mode, "daemon") == 0;
    if (*mode && !detach && strcmp(mode, "ignore-term") != 0) {
        fprintf(stderr, "usage: hang [ignore-term|setsid|daemon]\n");
        return 2;
    }
    if (strcmp(mode, "ignore-term") == 0)
        signal(SIGTERM, SIG_IGN);
    /* The detached process reports its pid through the pipe once it has left the group. */
    int ready[2];
    if (pipe(ready) != 0) {
        perror("pipe");
        return 1;
    }
    pid_t child = fork();
    if (child < 0) {
        perror("fork");
        return 1;
    }
    if (child == 0) {
        close(ready[0]);
        if (detach && setsid() < 0) {
            perror("setsid");
            _exit(1);
        }
        if (strcmp(mode, "daemon") == 0) {
            pid_t grandchild = fork();
            if (grandchild < 0) {
                perror("fork");
                _exit(1);
            }
            if (grandchild > 0)
                _exit(0); /* the grandchild is orphaned right away */
        }
        pid_t self = getpid();
        if (write(ready[1], &self, sizeof self) != sizeof self)
            _exit(1);
        close(ready[1]);
        for (;;) pause();
    }
    close(ready[1]);
    pid_t shown = child;
    if (read(ready[0], &shown, sizeof shown) != sizeof shown) {
        fprintf(stderr, "hang: the child did not start\n");
        return 1;
    }
    close(ready[0]);
    if (strcmp(mode, "daemon") == 0)
        waitpid(child, NULL, 0); /* reap the intermediate process */
    printf("parent %ld\nchild %ld\n", (long)getpid(), (long)shown);
    fflush(stdout);
    for (;;) pause();
}
