/* A use-after-free on thread T1 of memory freed by T0: the report names T1
 * and adds "Thread T1 created by T0 here:" with its stack. */
#include <pthread.h>
#include <stdlib.h>

static int *shared;

static void *worker(void *arg) {
    (void)arg;
    return (void *)(long)shared[1]; /* READ of size 4 */
}

int main(void) {
    shared = malloc(4 * sizeof(int));
    free(shared);
    pthread_t t;
    pthread_create(&t, NULL, worker, NULL);
    pthread_join(t, NULL);
    return 0;
}
