/* Exits 1 when moq_disconnect on a fresh client fails, as it must: ctest's WILL_FAIL
 * turns that into a pass. Leaks nothing. */
#include "check.h"
#include "moq_ffi.h"

int main(void) {
    MoqClient *client = moq_client_create();
    MoqResult r = moq_disconnect(client);
    int code = r.code;
    moq_free_str(r.message);
    moq_client_destroy(client);
    printf("test_will_fail: disconnect returned %d\n", code);
    return code == MOQ_ERR_NOT_CONNECTED ? 1 : 0;
}
