/* Known figures: one direct leak of 24 bytes (struct node) which owns an
 * indirect 100-byte buffer; plus a separate direct leak of 7 bytes.
 * LSan: Direct 24/1 + Direct 7/1, Indirect 100/1 = 131 bytes in 3 allocations. */
#include <stdlib.h>
#include <string.h>

struct node { char *payload; size_t len; struct node *next; };

static struct node *make_node(size_t n) {
    struct node *p = malloc(sizeof *p);
    p->payload = malloc(n);
    memset(p->payload, 'x', n);
    p->len = n;
    p->next = NULL;
    return p;
}

static char *leak_small(void) {
    char *s = malloc(7);
    memcpy(s, "leaked", 7);
    return s;
}

volatile void *sink;

int main(void) {
    sink = make_node(100);
    sink = leak_small();
    sink = NULL;
    return 0;
}
