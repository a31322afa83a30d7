/* Every handle is destroyed and every error message freed: clean under every checker. */
#include "check.h"
#include "moq_ffi.h"

static int test_connect_and_disconnect(void) {
    MoqClient *client = moq_client_create();
    CHECK(client != NULL);
    MoqResult r = moq_connect(client, "https://relay.example.com/moq", NULL, NULL);
    CHECK(r.code == MOQ_OK && r.message == NULL);
    CHECK(moq_is_connected(client) == 1);
    r = moq_disconnect(client);
    CHECK(r.code == MOQ_OK);
    moq_client_destroy(client);
    return 0;
}

static int test_bad_url_message_is_freed(void) {
    MoqClient *client = moq_client_create();
    MoqResult r = moq_connect(client, "http://relay.example.com", NULL, NULL);
    CHECK(r.code == MOQ_ERR_INVALID_URL && r.message != NULL);
    moq_free_str(r.message);
    moq_client_destroy(client);
    return 0;
}

static int test_publish_and_subscribe(void) {
    MoqClient *client = moq_client_create();
    MoqResult r = moq_connect(client, "https://relay.example.com/moq", NULL, NULL);
    CHECK(r.code == MOQ_OK);
    MoqPublisher *publisher = moq_publisher_create(client, "video/main");
    CHECK(publisher != NULL);
    const uint8_t frame[4] = {1, 2, 3, 4};
    r = moq_publish(publisher, frame, sizeof frame);
    CHECK(r.code == MOQ_OK);
    MoqSubscriber *subscriber = moq_subscriber_create(client, "video/main");
    CHECK(moq_subscriber_buffered(subscriber) == 10);
    moq_subscriber_destroy(subscriber);
    moq_publisher_destroy(publisher);
    moq_client_destroy(client);
    return 0;
}

int main(void) {
    int failed = 0;
    failed |= test_connect_and_disconnect();
    failed |= test_bad_url_message_is_freed();
    failed |= test_publish_and_subscribe();
    printf("%s: %s\n", moq_version(), failed ? "FAILED" : "ok");
    return failed;
}
