/* leaks.c - known leak figures for moq-leakcheck (see EXPECTED.md).
 *   definitely lost : 40 bytes in 1 block  (leak_direct)
 *                     + 16 bytes in 1 block (the parent in leak_parent_with_child)
 *   indirectly lost : 100 bytes in 1 block (the parent's child)
 *   possibly lost   : 64 bytes in 1 block  (only a pointer into its middle survives)
 *   still reachable : 256 bytes in 1 block (held by a global)
 * Exits 0. Build: cc -g -O0 -o leaks leaks.c */
#include <stdlib.h>
#include <string.h>

struct parent {
    char *child;   /* 8 bytes */
    long tag;      /* 8 bytes -> sizeof(struct parent) == 16 */
};

void *reachable_global;   /* keeps 256 bytes reachable until exit */
char *interior_pointer;   /* points 32 bytes into a 64-byte block */

/* volatile so the compiler keeps no copy of a leaked pointer around */
static void *volatile sink;

__attribute__((noinline)) static void leak_direct(void) {
    char *p = malloc(40);
    memset(p, 'd', 40);
    sink = p;
    sink = NULL;
}

__attribute__((noinline)) static void leak_parent_with_child(void) {
    struct parent *p = malloc(sizeof *p);
    p->child = malloc(100);
    memset(p->child, 'c', 100);
    p->tag = 7;
    sink = p;
    sink = NULL;
}

__attribute__((noinline)) static void leak_possible(void) {
    char *p = malloc(64);
    memset(p, 'p', 64);
    interior_pointer = p + 32;
}

__attribute__((noinline)) static void keep_reachable(void) {
    reachable_global = malloc(256);
    memset(reachable_global, 'r', 256);
}

/* Overwrite the dead stack area so no stale copy of a pointer is found there. */
__attribute__((noinline)) static void scrub_stack(void) {
    volatile char buf[4096];
    for (int i = 0; i < (int)sizeof buf; i++) buf[i] = 0;
}

int main(void) {
    leak_direct();
    leak_parent_with_child();
    leak_possible();
    keep_reachable();
    scrub_stack();
    return 0;
}
