#include <stdlib.h>
static void crash(int *p) { *p = 42; }
int main(void) {
    char *leak = malloc(13); leak[0] = 0;
    crash((int *)0);
    return 0;
}
