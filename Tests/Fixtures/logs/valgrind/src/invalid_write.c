#include <stdlib.h>
int main(void) {
    char *a = malloc(16);
    a[16] = 'x';                        /* 0 bytes after a block of size 16 */
    free(a);
    return 0;
}
