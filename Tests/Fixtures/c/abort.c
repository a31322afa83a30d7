/* abort.c - calls abort(): dies with SIGABRT (exit status 134 from a shell). */
#include <stdio.h>
#include <stdlib.h>

int main(void) {
    puts("abort: calling abort()");
    fflush(stdout);
    abort();
}
