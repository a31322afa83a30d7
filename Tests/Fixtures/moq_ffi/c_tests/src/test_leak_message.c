/* Forgets moq_free_str on an error result: the 37-byte message is definitely lost. */
#include "check.h"
#include "moq_ffi.h"

static int check_connect(MoqClient *client) {
    MoqResult r = moq_connect(client, "ftp://relay.example.com", NULL, NULL);
    CHECK(r.code == MOQ_ERR_INVALID_URL);
    CHECK(r.message != NULL);
    /* Deliberately no moq_free_str(r.message). */
    return 0;
}

int main(void) {
    MoqClient *client = moq_client_create();
    int failed = check_connect(client);
    scrub_stack();
    moq_client_destroy(client);
    printf("test_leak_message: %s\n", failed ? "FAILED" : "ok");
    return failed;
}
