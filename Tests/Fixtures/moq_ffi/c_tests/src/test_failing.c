/* A failing test: expects a plain-http URL to be accepted, which it is not. Exits 1, leaks nothing. */
#include "check.h"
#include "moq_ffi.h"

static int test_http_url_is_accepted(void) {
    MoqClient *client = moq_client_create();
    MoqResult r = moq_connect(client, "http://relay.example.com", NULL, NULL);
    int code = r.code;
    moq_free_str(r.message);
    moq_client_destroy(client);
    CHECK(code == MOQ_OK);
    return 0;
}

int main(void) {
    int failed = test_http_url_is_accepted();
    printf("test_failing: %s\n", failed ? "FAILED" : "ok");
    return failed;
}
