#include <stdlib.h>
int main(void) {
    char *p = malloc(16);
    free(p + 8); /* attempting free on address which was not malloc()-ed */
    return 0;
}
