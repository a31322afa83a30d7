#include <stdlib.h>
int main(void) {
    char *a = malloc(24);
    free(a);
    free(a);
    return 0;
}
