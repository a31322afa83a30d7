#include <stdlib.h>
#include <stdio.h>
int main(void) {
    int *a = malloc(sizeof(int) * 4);
    free(a);
    printf("%d\n", a[1]);               /* read 4 bytes inside a free'd block */
    return 0;
}
