/* DISABLED in CMakeLists.txt: ctest never runs it. If it ran, it would leak one
 * subscriber (16 bytes) and its buffer (24 + 64 bytes, indirectly lost). */
#include "check.h"
#include "moq_ffi.h"

static int check_subscriber(void) {
    MoqClient *client = moq_client_create();
    MoqResult r = moq_connect(client, "https://relay.example.com/moq", NULL, NULL);
    CHECK(r.code == MOQ_OK);
    MoqSubscriber *subscriber = moq_subscriber_create(client, "audio/main");
    CHECK(subscriber != NULL);
    /* Deliberately no moq_subscriber_destroy(subscriber). */
    moq_client_destroy(client);
    return 0;
}

int main(void) {
    int failed = check_subscriber();
    scrub_stack();
    printf("test_disabled: %s\n", failed ? "FAILED" : "ok");
    return failed;
}
