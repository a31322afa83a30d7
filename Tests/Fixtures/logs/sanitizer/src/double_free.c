#include <stdlib.h>
int main(void) {
    char *p = malloc(16);
    free(p);
    free(p); /* attempting double-free on a 16-byte region */
    return 0;
}
