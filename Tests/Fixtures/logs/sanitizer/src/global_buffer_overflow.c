int table[5] = {1, 2, 3, 4, 5};
int main(int argc, char **argv) {
    (void)argv;
    return table[argc + 4]; /* READ of size 4, 0 bytes after global 'table' (20 bytes) */
}
