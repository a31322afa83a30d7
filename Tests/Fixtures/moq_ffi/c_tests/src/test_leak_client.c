/* Forgets moq_client_destroy: the 24-byte client is definitely lost. */
#include "check.h"
#include "moq_ffi.h"

static int check_client_lifecycle(void) {
    MoqClient *client = moq_client_create();
    CHECK(client != NULL);
    MoqResult r = moq_connect(client, "https://relay.example.com/moq", NULL, NULL);
    CHECK(r.code == MOQ_OK);
    r = moq_disconnect(client);
    CHECK(r.code == MOQ_OK);
    /* Deliberately no moq_client_destroy(client). */
    return 0;
}

int main(void) {
    int failed = check_client_lifecycle();
    scrub_stack();
    printf("test_leak_client: %s\n", failed ? "FAILED" : "ok");
    return failed;
}
