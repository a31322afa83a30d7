/* exitcode.c - exits with the number given as argv[1] (default 0), without any finding. */
#include <stdlib.h>

int main(int argc, char **argv) {
    return argc > 1 ? atoi(argv[1]) : 0;
}
