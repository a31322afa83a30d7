/* Two threads bump one counter under one mutex: no race. */
#include <pthread.h>
#include <stdio.h>

static int count;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static void *bump(void *arg) {
    (void)arg;
    for (int i = 0; i < 1000; i++) { pthread_mutex_lock(&lock); count++; pthread_mutex_unlock(&lock); }
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
