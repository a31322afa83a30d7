/* memerrors.c - one memory error per mode, selected by argv[1] (see EXPECTED.md):
 *   invalid-read invalid-write use-after-free double-free invalid-free heap-overflow
 *   stack-overflow global-overflow uninit
 * ("mismatched" new/delete cannot be provoked from C; it is not offered.)
 * Unknown or missing mode: prints usage, exits 2. Build: cc -g -O0 -o memerrors memerrors.c */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static volatile int sink;
static int global_array[10];  /* 40 bytes */

/* volatile index so the compiler cannot see (and warn about / fold) the bad access */
static volatile int ten = 10;

__attribute__((noinline)) static void invalid_read(void) {
    /* 4 bytes read just past a 40-byte heap block */
    int *p = malloc(10 * sizeof(int));
    memset(p, 0, 10 * sizeof(int));
    sink = p[ten];
    free(p);
}

__attribute__((noinline)) static void invalid_write(void) {
    /* 4 bytes written just past a 40-byte heap block */
    int *p = malloc(10 * sizeof(int));
    p[ten] = 1;
    free(p);
}

__attribute__((noinline)) static void heap_overflow(void) {
    /* 1 byte written just past a 16-byte heap block (a classic off-by-one) */
    char *p = malloc(16);
    memset(p, 'h', 16);
    p[ten + 6] = 0;
    free(p);
}

__attribute__((noinline)) static void use_after_free(void) {
    /* 4 bytes read from a freed 40-byte block */
    int *p = malloc(10 * sizeof(int));
    memset(p, 0, 10 * sizeof(int));
    free(p);
    sink = p[ten - 8];
}

__attribute__((noinline)) static void double_free(void) {
    char *p = malloc(24);
    free(p);
    free(p);
}

__attribute__((noinline)) static void invalid_free(void) {
    /* free of a pointer 8 bytes into a 32-byte block (never returned by malloc) */
    char *p = malloc(32);
    char *volatile q = p + 8;
    free(q);
    free(p);
}

__attribute__((noinline)) static void stack_overflow(void) {
    /* 4 bytes read past a 40-byte stack array (ASan: stack-buffer-overflow;
       valgrind does not check stack arrays: no error) */
    int a[10];
    memset(a, 0, sizeof a);
    sink = a[ten];
}

__attribute__((noinline)) static void global_overflow(void) {
    /* 4 bytes read past a 40-byte global (ASan: global-buffer-overflow;
       valgrind does not check globals: no error) */
    sink = global_array[ten];
}

__attribute__((noinline)) static void uninit(void) {
    /* conditional jump on an uninitialised heap value (valgrind only; ASan has no check) */
    int *p = malloc(sizeof(int));
    if (*p == 42)
        puts("forty-two");
    free(p);
}

int main(int argc, char **argv) {
    static const struct { const char *name; void (*fn)(void); } modes[] = {
        {"invalid-read", invalid_read},     {"invalid-write", invalid_write},
        {"use-after-free", use_after_free}, {"double-free", double_free},
        {"invalid-free", invalid_free},     {"heap-overflow", heap_overflow},
        {"stack-overflow", stack_overflow}, {"global-overflow", global_overflow},
        {"uninit", uninit},
    };
    if (argc == 2)
        for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++)
            if (strcmp(argv[1], modes[i].name) == 0) {
                modes[i].fn();
                return 0;
            }
    fprintf(stderr, "usage: %s MODE\nmodes:", argv[0]);
    for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++)
        fprintf(stderr, " %s", modes[i].name);
    fputc('\n', stderr);
    return 2;
}
