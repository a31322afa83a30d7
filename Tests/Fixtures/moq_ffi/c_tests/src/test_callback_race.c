/* The library calls back from its own thread (moq_subscriber_listen), as moq-ffi does from
 * its workers, and the callback bumps a counter the test's own thread also writes, with no
 * lock: a data race between the library's thread and the caller, in C. Both thread checkers
 * must report it at the two `frames_seen` lines. Built only with -DMOQFFI_THREAD_TESTS=ON. */
#include <stdint.h>

#include "check.h"
#include "moq_ffi.h"

static uint64_t frames_seen; /* shared with the library's thread: no lock */

static void on_frame(void *user_data, uint64_t sequence) {
    (void)user_data;
    (void)sequence;
    frames_seen++;
}

static int check_frames_arrive(void) {
    MoqClient *client = moq_client_create();
    MoqResult r = moq_connect(client, "https://relay.example.com/moq", NULL, NULL);
    CHECK(r.code == MOQ_OK);
    MoqSubscriber *subscriber = moq_subscriber_create(client, "video/main");
    MoqListener *listener = moq_subscriber_listen(subscriber, on_frame, NULL, 50);
    CHECK(listener != NULL);
    for (int i = 0; i < 50; i++) frames_seen++; /* the test's thread: no lock either */
    moq_listener_stop(listener);
    CHECK(frames_seen == 100);
    moq_subscriber_destroy(subscriber);
    moq_client_destroy(client);
    return 0;
}

int main(void) { return check_frames_arrive(); }
