#include <stdlib.h>
int main(int argc, char **argv) {
    (void)argv;
    int *p = malloc(10 * sizeof(int));
    p[10] = argc; /* WRITE of size 4, 0 bytes after a 40-byte region */
    int r = p[0];
    free(p);
    return r;
}
