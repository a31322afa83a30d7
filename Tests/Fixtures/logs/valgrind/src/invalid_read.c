#include <stdlib.h>
#include <stdio.h>
int main(void) {
    int *a = malloc(10 * sizeof(int));
    int x = a[10];                      /* 0 bytes after a block of size 40 */
    printf("%d\n", x);
    free(a);
    return 0;
}
