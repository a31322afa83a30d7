/* What valgrind and ASan see differently, one case per argument. */
#include <stdlib.h>
#include <string.h>
#include <stdio.h>

struct node { struct node *next; char pad[8]; };

static void *keep;

static void leaks(void) {
    keep = malloc(0);          /* malloc(0): 0 bytes in valgrind, 1 in LSan */
    keep = NULL;
    char *plain = malloc(16);  /* a plain leak both see */
    memset(plain, 1, 16);
    plain = NULL;
    struct node *a = malloc(sizeof *a);  /* a two-node cycle, no pointer from outside */
    struct node *b = malloc(sizeof *b);
    a->next = b;
    b->next = a;
    a = b = NULL;
}

static int stack_overflow(int i) {
    int local[4] = {1, 2, 3, 4};
    return local[i];           /* i == 4: stack-buffer-overflow, invisible to memcheck */
}

static int uninit(void) {
    int *p = malloc(sizeof *p);
    if (*p > 0) puts("positive");  /* conditional jump on an uninitialised value, invisible to ASan */
    free(p);
    return 0;
}

int main(int argc, char **argv) {
    const char *what = argc > 1 ? argv[1] : "leaks";
    if (strcmp(what, "leaks") == 0) leaks();
    if (strcmp(what, "stack") == 0) return stack_overflow(argc + 2);
    if (strcmp(what, "uninit") == 0) return uninit();
    return 0;
}
