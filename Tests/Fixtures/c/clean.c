/* clean.c - allocates and frees everything; no findings under any checker. Exits 0. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void) {
    char *blocks[16];
    for (int i = 0; i < 16; i++) {
        blocks[i] = malloc(32 + i);
        memset(blocks[i], i, 32 + i);
    }
    char *grown = malloc(8);
    grown = realloc(grown, 4096);
    memset(grown, 1, 4096);
    long sum = 0;
    for (int i = 0; i < 16; i++) {
        sum += blocks[i][i];
        free(blocks[i]);
    }
    free(grown);
    printf("clean: %ld\n", sum);
    return 0;
}
