#include <stdlib.h>
static char global[8];
int main(void) {
    free(global);                       /* not a heap block */
    return 0;
}
