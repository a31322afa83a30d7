#!/bin/sh
# Rebuilds the C fixtures and recaptures their logs (stderr) into ..
# Run from this directory. Binaries go to /tmp/sanitizer-fixtures.
set -u
out=..
bin=/tmp/sanitizer-fixtures
mkdir -p "$bin"
CLANG=${CLANG:-/opt/swift/usr/bin/clang}
export ASAN_OPTIONS=detect_leaks=1
run() { # name compiler flags source
    name=$1; cc=$2; flags=$3; src=$4
    $cc $flags -g -O0 -o "$bin/$name" "$src" || exit 1
    "$bin/$name" 2> "$out/$name.log"
    echo "$name: exit $?"
}
for c in gcc clang; do
    cc=gcc; [ $c = clang ] && cc=$CLANG
    run $c-asan-direct-indirect $cc -fsanitize=address leak_direct_indirect.c
    run $c-asan-heap-use-after-free $cc -fsanitize=address heap_use_after_free.c
    run $c-asan-heap-buffer-overflow $cc -fsanitize=address heap_buffer_overflow.c
    run $c-asan-stack-buffer-overflow $cc -fsanitize=address stack_buffer_overflow.c
    run $c-asan-global-buffer-overflow $cc -fsanitize=address global_buffer_overflow.c
    run $c-asan-stack-use-after-scope $cc -fsanitize=address stack_use_after_scope.c
    run $c-asan-double-free $cc -fsanitize=address double_free.c
    run $c-asan-invalid-free $cc -fsanitize=address invalid_free.c
    run $c-asan-segv $cc -fsanitize=address segv.c
done
run clang-lsan-direct-indirect $CLANG -fsanitize=leak leak_direct_indirect.c
# Suppressions used: the small leak is suppressed by function name.
printf 'leak:leak_small\n' > "$bin/lsan.supp"
LSAN_OPTIONS=suppressions=$bin/lsan.supp "$bin/clang-lsan-direct-indirect" 2> "$out/clang-lsan-suppressed.log"
echo "clang-lsan-suppressed: exit $?"
LSAN_OPTIONS=suppressions=$bin/lsan.supp "$bin/gcc-asan-direct-indirect" 2> "$out/gcc-asan-suppressed.log"
echo "gcc-asan-suppressed: exit $?"
# LeakSanitizer cannot run under ptrace: "LeakSanitizer has encountered a fatal error".
strace -f -o /dev/null "$bin/clang-lsan-direct-indirect" > "$out/clang-lsan-under-strace-fatal.log" 2>&1
echo "clang-lsan-under-strace-fatal: exit $?"
strace -f -o /dev/null "$bin/gcc-asan-direct-indirect" > "$out/gcc-asan-under-strace-lsan-fatal.log" 2>&1
echo "gcc-asan-under-strace-lsan-fatal: exit $?"
# Recover mode: several ASan reports from one process, then the LSan report.
for c in gcc clang; do
    cc=gcc; [ $c = clang ] && cc=$CLANG
    $cc -fsanitize=address -fsanitize-recover=address -g -O0 -o "$bin/$c-asan-recover-multiple" recover_multiple.c || exit 1
    ASAN_OPTIONS=detect_leaks=1:halt_on_error=0 "$bin/$c-asan-recover-multiple" 2> "$out/$c-asan-recover-multiple.log"
    echo "$c-asan-recover-multiple: exit $?"
    run $c-asan-thread-uaf "$cc" "-fsanitize=address -pthread" thread_uaf.c
done
