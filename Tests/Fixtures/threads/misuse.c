/* pthread misuse helgrind reports: a lock-order inversion (a then b, later b then a)
   and the unlock of a mutex nobody holds. */
#include <pthread.h>

static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t b = PTHREAD_MUTEX_INITIALIZER;

int main(void) {
    pthread_mutex_lock(&a);
    pthread_mutex_lock(&b);
    pthread_mutex_unlock(&b);
    pthread_mutex_unlock(&a);

    pthread_mutex_lock(&b);
    pthread_mutex_lock(&a); /* inverts the order above */
    pthread_mutex_unlock(&a);
    pthread_mutex_unlock(&b);

    pthread_mutex_unlock(&a); /* not locked */
    return 0;
}
