/* hang.c - never exits. Forks one child that also sleeps forever (pause()), then prints
 * "parent PID\nchild PID\n" on stdout (flushed), so a test can check that killing the
 * process group stops both. Default signal actions: SIGTERM or SIGKILL to the group ends
 * both. With argv[1] == "ignore-term" both ignore SIGTERM (to test escalation to SIGKILL). */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "ignore-term") == 0)
        signal(SIGTERM, SIG_IGN);
    pid_t child = fork();
    if (child < 0) {
        perror("fork");
        return 1;
    }
    if (child == 0) {
        for (;;) pause();
    }
    printf("parent %ld\nchild %ld\n", (long)getpid(), (long)child);
    fflush(stdout);
    for (;;) pause();
}
