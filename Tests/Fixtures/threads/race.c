/* Two threads bump one counter with no lock: a data race at count++. */
#include <pthread.h>
#include <stdio.h>

static int count;

static void *bump(void *arg) {
    (void)arg;
    for (int i = 0; i < 1000; i++) count++;
    return NULL;
}

int main(void) {
    pthread_t a, b;
    pthread_create(&a, NULL, bump, NULL);
    pthread_create(&b, NULL, bump, NULL);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    printf("%d\n", count);
    return 0;
}
