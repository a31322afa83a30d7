/* flood.c - writes 8 MiB to stdout and 8 MiB to stderr, interleaved in 4 KiB chunks
 * (2048 chunks each, alternating), then exits 0. Each line is 64 bytes:
 * "out NNNNNNNN ....\n" / "err NNNNNNNN ....\n". A runner that reads only one pipe at a
 * time deadlocks on this; one that reads both must get exactly 8388608 bytes of each.
 * Optional argv[1]: number of MiB per stream (default 8). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void write_all(int fd, const char *buf, size_t len) {
    while (len > 0) {
        ssize_t n = write(fd, buf, len);
        if (n <= 0) exit(3);
        buf += n;
        len -= (size_t)n;
    }
}

int main(int argc, char **argv) {
    long mib = argc > 1 ? atol(argv[1]) : 8;
    long chunks = mib * 256;  /* 4 KiB chunks */
    char out[4096], err[4096];
    for (long c = 0; c < chunks; c++) {
        for (int l = 0; l < 64; l++) {
            long line = c * 64 + l;
            snprintf(out + l * 64, 65, "out %08ld %050d", line, 0);
            snprintf(err + l * 64, 65, "err %08ld %050d", line, 0);
            out[l * 64 + 63] = '\n';
            err[l * 64 + 63] = '\n';
        }
        write_all(1, out, sizeof out);
        write_all(2, err, sizeof err);
    }
    return 0;
}
