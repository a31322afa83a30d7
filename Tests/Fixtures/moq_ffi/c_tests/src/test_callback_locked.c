/* test_callback_race's locked twin: the callback and the test's thread take one mutex
 * around the shared counter. Clean under both thread checkers. Built only with
 * -DMOQFFI_THREAD_TESTS=ON. */
#include <pthread.h>
#include <stdint.h>

#include "check.h"
#include "moq_ffi.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t frames_seen; /* guarded by lock */

static void on_frame(void *user_data, uint64_t sequence) {
    (void)user_data;
    (void)sequence;
    pthread_mutex_lock(&lock);
    frames_seen++;
    pthread_mutex_unlock(&lock);
}

static int check_frames_arrive(void) {
    MoqClient *client = moq_client_create();
    MoqResult r = moq_connect(client, "https://relay.example.com/moq", NULL, NULL);
    CHECK(r.code == MOQ_OK);
    MoqSubscriber *subscriber = moq_subscriber_create(client, "video/main");
    MoqListener *listener = moq_subscriber_listen(subscriber, on_frame, NULL, 50);
    CHECK(listener != NULL);
    for (int i = 0; i < 50; i++) {
        pthread_mutex_lock(&lock);
        frames_seen++;
        pthread_mutex_unlock(&lock);
    }
    moq_listener_stop(listener);
    pthread_mutex_lock(&lock);
    uint64_t seen = frames_seen;
    pthread_mutex_unlock(&lock);
    CHECK(seen == 100);
    moq_subscriber_destroy(subscriber);
    moq_client_destroy(client);
    return 0;
}

int main(void) { return check_frames_arrive(); }
