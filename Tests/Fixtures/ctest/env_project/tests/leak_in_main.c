/* leak_in_main.c - 40 bytes definitely lost, allocated in main itself. Exits 0. */
#include <stdlib.h>
#include <string.h>

static void *volatile sink;

int main(void) {
    char *p = malloc(40);
    memset(p, 'm', 40);
    sink = p;
    sink = NULL;
    return 0;
}
