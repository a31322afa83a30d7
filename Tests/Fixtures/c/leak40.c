/* leak40.c - one 40-byte definitely-lost block in leak_forty (for the environment tests). Exits 0. */
#include <stdlib.h>
#include <string.h>
static void *volatile sink;
__attribute__((noinline)) static void leak_forty(void) {
    char *p = malloc(40);
    memset(p, 'e', 40);
    sink = p;
    sink = NULL;
}
int main(void) {
    leak_forty();
    return 0;
}
