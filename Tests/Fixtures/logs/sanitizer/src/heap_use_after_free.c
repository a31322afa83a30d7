#include <stdlib.h>
int main(void) {
    int *p = malloc(10 * sizeof(int));
    p[2] = 1;
    free(p);
    return p[2]; /* READ of size 4, 8 bytes inside a 40-byte region */
}
