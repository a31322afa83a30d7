/* exits_zero.c - a clean program that exits 0: as a WILL_FAIL test it is a failing test. */
int main(void) { return 0; }
