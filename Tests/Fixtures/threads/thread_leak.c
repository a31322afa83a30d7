/* A joinable thread never joined: a thread leak. */
#include <pthread.h>
#include <unistd.h>

static void *work(void *arg) { return arg; }

int main(void) {
    pthread_t t;
    pthread_create(&t, NULL, work, NULL);
    sleep(1);
    return 0;
}
