/* segv.c - dereferences a null pointer: dies with SIGSEGV (valgrind: "Process terminating
 * with default action of signal 11"; ASan: "SEGV on unknown address 0x000000000000"). */
#include <stdio.h>

int main(void) {
    int *volatile p = NULL;
    puts("segv: about to dereference NULL");
    fflush(stdout);
    return *p;
}
