/* One record of each leak kind; the definite record keeps two indirect blocks. */
#include <stdlib.h>
struct node { struct node *a, *b; char pad[48]; };   /* 64 bytes */
static char *reachable;
static char *possible;
int main(void) {
    struct node *root = malloc(sizeof *root);         /* definite: 64 direct */
    root->a = malloc(100);                            /* indirect */
    root->b = malloc(200);                            /* indirect */
    ((void **)root->a)[0] = 0;
    char *plain = malloc(40);                         /* definite, no children */
    plain[0] = 1; plain = 0;
    root = 0;
    reachable = malloc(24);                           /* still reachable */
    possible = (char *)malloc(80) + 16;               /* possibly lost: interior pointer */
    return 0;
}
