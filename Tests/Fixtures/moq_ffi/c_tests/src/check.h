/* A minimal check macro, like moq-ffi's test_framework.h: print and fail the test. */
#ifndef CHECK_H
#define CHECK_H

#include <stdio.h>

#define CHECK(cond)                                                          \
    do {                                                                     \
        if (!(cond)) {                                                       \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
            return 1;                                                        \
        }                                                                    \
    } while (0)

/* Overwrites the dead stack below the caller's frame. A leaking check returns with copies
 * of the lost pointer left in its popped frame (and in the crate's frames below it);
 * LeakSanitizer scans the whole stack region at exit, so whether such a stale copy hides
 * the leak would depend on the compiler's frame layout. Called after a leaking check,
 * it makes the leak definite under valgrind, gcc's and clang's ASan alike. */
__attribute__((noinline, unused)) static void scrub_stack(void) {
    volatile char dead[16384];
    for (unsigned i = 0; i < sizeof dead; i++) dead[i] = 0;
}

#endif
