/* leak40.c - one 40-byte definitely-lost block in leak_forty (the environment tests of issue 21).
 * Built with -DSECOND_LEAK it also loses 24 bytes in leak_second: the same program with one new
 * finding (the --baseline test). Exits 0. Build: cc -g -O0 -o leak40 leak40.c */
#include <stdlib.h>
#include <string.h>

/* volatile so the compiler keeps no copy of a leaked pointer around */
static void *volatile sink;

__attribute__((noinline)) static void leak_forty(void) {
    char *p = malloc(40);
    memset(p, 'e', 40);
    sink = p;
    sink = NULL;
}

#ifdef SECOND_LEAK
__attribute__((noinline)) static void leak_second(void) {
    char *p = malloc(24);
    memset(p, 's', 24);
    sink = p;
    sink = NULL;
}
#endif

int main(void) {
    leak_forty();
#ifdef SECOND_LEAK
    leak_second();
#endif
    return 0;
}
