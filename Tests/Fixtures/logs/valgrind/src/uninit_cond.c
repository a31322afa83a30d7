#include <stdlib.h>
#include <stdio.h>
int main(void) {
    int *p = malloc(sizeof(int));
    if (*p > 3) puts("big");            /* conditional jump on uninitialised value */
    free(p);
    return 0;
}
