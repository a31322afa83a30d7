volatile int *ptr;
int main(void) {
    {
        int x = 42;
        ptr = &x;
    }
    *ptr = 5; /* WRITE of size 4 after x went out of scope */
    return 0;
}
