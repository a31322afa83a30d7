int main(int argc, char **argv) {
    (void)argv;
    volatile int a[8] = {0};
    return a[argc + 7]; /* READ of size 4, one past the end of a[8] */
}
