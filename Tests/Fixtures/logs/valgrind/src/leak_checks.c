/* Two client-requested leak checks, then the exit check: three LEAK SUMMARY
   blocks in one log; the last one is the one that counts. */
#include <stdlib.h>
#include <string.h>
#include <valgrind/memcheck.h>

static void *keep;

int main(void) {
    char *first = malloc(32);
    memset(first, 1, 32);
    first = NULL;               /* 32 bytes definitely lost from here on */
    VALGRIND_DO_LEAK_CHECK;     /* check 1: 32 lost */
    keep = malloc(48);          /* still reachable through a global */
    char *second = malloc(16);
    second[0] = 2;
    second = NULL;              /* 16 more lost */
    VALGRIND_DO_LEAK_CHECK;     /* check 2: 48 lost, 48 reachable */
    return 0;                   /* exit check: the same */
}
