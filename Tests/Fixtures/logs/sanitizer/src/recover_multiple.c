/* Built with -fsanitize-recover=address and run with halt_on_error=0: ASan
 * reports each error and keeps going, then LSan reports the leak at exit.
 * Figures: heap-buffer-overflow (WRITE 4, 0 bytes after a 12-byte region),
 * heap-use-after-free (READ 4), then Direct leak 32/1. */
#include <stdlib.h>

volatile int sink;

int main(int argc, char **argv) {
    (void)argv;
    int *a = malloc(3 * sizeof(int));
    a[argc + 2] = 1;          /* overflow */
    free(a);
    sink = a[0];              /* use after free */
    void *leak = malloc(32);
    sink = (int)(long)leak & 0;
    leak = 0;
    return 0;
}
