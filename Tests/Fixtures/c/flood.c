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
            unsigned line = (unsigned)((c * 64 + l) % 100000000);
            char text[80];
            /* 4 + 8 + 1 + 50 + 1 = 64 characters */
            snprintf(text, sizeof text, "out %08u %050d\n", line, 0);
            memcpy(out + l * 64, text, 64);
            text[0] = 'e'; text[1] = 'r'; text[2] = 'r';
            memcpy(err + l * 64, text, 64);
        }
        write_all(1, out, sizeof out);
        write_all(2, err, sizeof err);
    }
    return 0;
}
