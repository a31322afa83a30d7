#include <stdlib.h>
#include <unistd.h>
int main(void) {
    char *a = malloc(16);
    a[16] = 1;                          /* one error before the kill */
    sleep(60);
    free(a);
    return 0;
}
