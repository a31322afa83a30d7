int main(int argc, char **argv) {
    (void)argv;
    volatile int *p = (int *)(long)(argc * 16); /* 0x10 */
    return *p; /* SEGV on unknown address 0x000000000010 (READ) */
}
